// A container run as Fargate runs the app's container of deploy/ecs/task-definition.json, on a
// local engine: the `docker run` arguments are derived from the task definition (its user,
// read-only root, capabilities, init process, each mount point of a task volume as a tmpfs, the
// task's cpu and memory, the environment and the secrets' values, the stop timeout), and the
// health command is run as the ECS agent runs it, inside the container. What Fargate cannot
// express is not claimed: it has no no-new-privileges setting (dockerSecurityOptions is not
// supported on Fargate), so unlike the Kubernetes pod run (pod-constraints.ts) that is not
// required here.

type Json = Record<string, any>;

/** One required constraint of every task definition of ours, and whether `docker run` arguments apply it. */
const after = (args: readonly string[], flag: string) => args.flatMap((a, i) => (a === flag && i + 1 < args.length ? [args[i + 1]!] : []));
export const REQUIRED_TASK_CONSTRAINTS: readonly { what: string; inArgs: (args: readonly string[]) => boolean }[] = [
  { what: 'a non-root user (user, not 0)', inArgs: (args) => after(args, '--user').some((u) => !/^0(:|$)/.test(u) && !/^root(:|$)/.test(u)) },
  { what: 'a read-only root filesystem (readonlyRootFilesystem)', inArgs: (args) => args.includes('--read-only') },
  { what: 'every capability dropped (linuxParameters.capabilities.drop: ALL)', inArgs: (args) => after(args, '--cap-drop').includes('ALL') },
  { what: "the task's memory", inArgs: (args) => after(args, '--memory').length > 0 },
  { what: "the task's cpu", inArgs: (args) => after(args, '--cpus').length > 0 },
];

export function missingTaskConstraints(args: readonly string[]): string[] {
  return REQUIRED_TASK_CONSTRAINTS.filter((r) => !r.inArgs(args)).map((r) => `the task definition lacks ${r.what}`);
}

/** The app's container (the first). */
export function appContainer(task: Json): Json {
  const app = (task.containerDefinitions as Json[] | undefined)?.[0];
  if (!app) throw new Error('the task definition has no container');
  return app;
}

/**
 * `docker run` arguments for the task's app container. `values` fills the environment and the
 * secrets by name (the test's own services stand in for RDS and ElastiCache): a variable of the
 * task definition whose value holds a `${PLACEHOLDER}`, and every secret, must be given one.
 */
export function fargateRunArgs(task: Json, values: Record<string, string>): string[] {
  const app = appContainer(task);
  const args = ['--network', 'none', '--ipc', 'none'];
  if (app.user !== undefined) args.push('--user', String(app.user));
  if (app.readonlyRootFilesystem === true) args.push('--read-only');
  for (const cap of app.linuxParameters?.capabilities?.drop ?? []) args.push('--cap-drop', cap);
  for (const cap of app.linuxParameters?.capabilities?.add ?? []) args.push('--cap-add', cap);
  if (app.linuxParameters?.initProcessEnabled === true) args.push('--init');
  const volumes = new Set(((task.volumes ?? []) as Json[]).map((v) => v.name as string));
  for (const mount of (app.mountPoints ?? []) as Json[]) {
    if (!volumes.has(mount.sourceVolume)) throw new Error(`mount point ${mount.containerPath}: no task volume ${mount.sourceVolume}`);
    // Fargate's ephemeral task storage; a tmpfs here, writable by the task's user.
    args.push('--tmpfs', `${mount.containerPath}:rw,nosuid,nodev,size=64m`);
  }
  if (task.memory) args.push('--memory', `${task.memory}m`);
  if (task.cpu) args.push('--cpus', String(Number(task.cpu) / 1024));
  for (const e of (app.environment ?? []) as Json[]) {
    const value = /\$\{[A-Z0-9_]+\}/.test(e.value) ? values[e.name] : e.value;
    if (value === undefined) throw new Error(`no value for ${e.name} (${e.value})`);
    args.push('-e', `${e.name}=${value}`);
  }
  for (const s of (app.secrets ?? []) as Json[]) {
    const value = values[s.name];
    if (value === undefined) throw new Error(`no value for the secret ${s.name}`);
    args.push('-e', `${s.name}=${value}`);
  }
  args.push('--stop-timeout', String(app.stopTimeout ?? 30));
  return args;
}

/** The health check's command as the agent runs it (`CMD` form: exec'd inside the container). */
export function healthCommand(task: Json): string[] {
  const [form, ...command] = (appContainer(task).healthCheck?.command ?? []) as string[];
  if (form !== 'CMD' || command.length === 0) throw new Error(`health check ${JSON.stringify(appContainer(task).healthCheck)} is not a CMD form`);
  return command;
}
