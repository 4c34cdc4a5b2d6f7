// What every pod of ours must run under, whatever the manifest under test says. The pod runs of
// kubernetes-docker.test.ts derive their `docker run` arguments from the manifest; had the
// manifest lost `readOnlyRootFilesystem`, the run would have lost `--read-only` with it and still
// passed. These checks are written here, not read from the manifest: the arguments must carry
// each constraint, and the running server process must be seen to be under it (its user, its
// root mount, its capabilities, no_new_privs; the engine's memory and CPU limits).

/** One required constraint: what the pod spec must say, and the `docker run` argument that applies it. */
interface Required {
  what: string;
  /** True when the `docker run` arguments apply it. */
  inArgs: (args: readonly string[]) => boolean;
}

const after = (args: readonly string[], flag: string) => args.flatMap((a, i) => (a === flag && i + 1 < args.length ? [args[i + 1]!] : []));

export const REQUIRED_POD_CONSTRAINTS: readonly Required[] = [
  { what: 'a non-root user (runAsUser, not 0)', inArgs: (args) => after(args, '--user').some((u) => !/^0(:|$)/.test(u) && !/^root(:|$)/.test(u)) },
  { what: 'a read-only root filesystem (readOnlyRootFilesystem: true)', inArgs: (args) => args.includes('--read-only') },
  { what: 'every capability dropped (capabilities.drop: [ALL])', inArgs: (args) => after(args, '--cap-drop').includes('ALL') && after(args, '--cap-add').length === 0 },
  { what: 'no privilege escalation (allowPrivilegeEscalation: false)', inArgs: (args) => after(args, '--security-opt').includes('no-new-privileges') },
  { what: 'a memory limit (resources.limits.memory)', inArgs: (args) => after(args, '--memory').length > 0 },
  { what: 'a CPU limit (resources.limits.cpu)', inArgs: (args) => after(args, '--cpus').length > 0 },
];

/** The required constraints that `docker run` arguments derived from a manifest leave out. */
export function missingConstraints(args: readonly string[]): string[] {
  return REQUIRED_POD_CONSTRAINTS.filter((r) => !r.inArgs(args)).map((r) => `the pod spec lacks ${r.what}`);
}

/**
 * Python run inside the container (`docker exec`): what PID 1, the server, runs under, from
 * /proc (slim images have no ps or capsh). Prints JSON.
 */
export const PROCESS_CONSTRAINTS_PY = `import json
status = dict(line.split(":", 1) for line in open("/proc/1/status").read().splitlines() if ":" in line)
root = [line.split() for line in open("/proc/1/mounts") if line.split()[1] == "/"][-1]
print(json.dumps({
    "uid": int(status["Uid"].split()[1]),
    "rootOptions": root[3].split(","),
    "capEff": int(status["CapEff"].strip(), 16),
    "capBnd": int(status["CapBnd"].strip(), 16),
    "noNewPrivs": status.get("NoNewPrivs", "").strip(),
}))`;

export interface ProcessConstraints {
  uid: number;
  rootOptions: string[];
  capEff: number;
  /** The bounding set: what the process could ever gain; empty only when every capability was dropped. */
  capBnd: number;
  noNewPrivs: string;
}

/** The engine's view of the container's limits: `docker inspect -f '{{json .HostConfig}}'`. */
export interface HostLimits {
  Memory?: number;
  NanoCpus?: number;
}

/** What the running server is seen not to be under, of the required constraints. */
export function constraintsBroken(seen: ProcessConstraints, limits: HostLimits): string[] {
  const broken: string[] = [];
  if (seen.uid === 0) broken.push('the server runs as root (UID 0)');
  if (!seen.rootOptions.includes('ro')) broken.push(`the root filesystem is writable (mounted ${seen.rootOptions.filter((o) => o === 'rw' || o === 'ro').join(',') || 'without ro'})`);
  // A non-root process holds no effective capability anyway: the bounding set shows the drop.
  if (seen.capEff !== 0 || seen.capBnd !== 0) broken.push(`the server holds capabilities (CapEff ${seen.capEff.toString(16)}, CapBnd ${seen.capBnd.toString(16)})`);
  if (seen.noNewPrivs !== '1') broken.push(`the server may gain privileges (NoNewPrivs ${seen.noNewPrivs || 'absent'})`);
  if (!limits.Memory) broken.push('the container has no memory limit');
  if (!limits.NanoCpus) broken.push('the container has no CPU limit');
  return broken;
}
