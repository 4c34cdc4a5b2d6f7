// `create-python-docker-app`: picks the command from the first words of the command line and
// hands it to the driver (driver/run.ts), which every command and the plop pack share.
//   create-python-docker-app [directory] [flags]        a new project      (commands/create.ts)
//   create-python-docker-app add docker [flags]         an existing app    (commands/add-docker.ts)
//   create-python-docker-app add kubernetes [flags]     its manifests      (commands/add-kubernetes.ts)
//   create-python-docker-app add deploy <target> [flags]  a deployment target's files
//                                                       (commands/add-deploy.ts; kubernetes: add kubernetes)
//   create-python-docker-app update [dir] [flags]       a generated project brought up to date
//                                                       (commands/update.ts)

import { fstatSync, writeSync, type Stats } from 'node:fs';
import type { CliIo, Command, OwnStepsCommand } from './driver/command.js';
import { helpDocument } from './driver/help.js';
import { jsonDocument, printError } from './driver/report.js';
import { show } from './options/names.js';
import { runCommand, VERSION } from './driver/run.js';
import { CliError } from './errors.js';
import { create } from './commands/create.js';
import { DEPLOY_TARGET_FEATURES, offeredDeployTargets } from './features/deploy-targets.js';
import { DEPLOY_TARGETS, type DeployTarget } from './options/values.js';

export type { CliIo } from './driver/command.js';
export { VERSION };

/** The `add <what>` commands, loaded only when asked for. */
const ADD_COMMANDS: Record<string, () => Promise<Command | OwnStepsCommand>> = {
  docker: async () => (await import('./commands/add-docker.js')).addDocker,
  kubernetes: async () => (await import('./commands/add-kubernetes.js')).addKubernetes,
  devcontainer: async () => (await import('./commands/add-devcontainer.js')).addDevcontainer,
  worker: async () => (await import('./commands/add-worker.js')).addWorker,
};

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (argv[0] === 'update') return runCommand((await import('./commands/update.js')).update, argv.slice(1), io);
  if (argv[0] !== 'add') return runCommand(create, argv, io);
  const [what, ...rest] = argv.slice(1);
  if (what === 'deploy') return addDeployTarget(rest, io);
  const load = what === undefined ? undefined : ADD_COMMANDS[what];
  if (load) return runCommand(await load(), rest, io);
  // `add --help` (with --json or not): the help of every add command.
  const json = argv.includes('--json');
  if (helpAsked(argv.slice(1))) return printHelps('add', await Promise.all(Object.values(ADD_COMMANDS).map((load) => load())), json, io);
  const known = [...Object.keys(ADD_COMMANDS), 'deploy <target>'].map((name) => `\`add ${name}\``).join(' or ');
  const got = argv.slice(1).join(' ');
  const said = got === '' ? 'nothing after it' : got.length > 80 ? show(`add ${got}`) : `\`add ${got}\``;
  return printError(new CliError('usage', `expected ${known}, got ${said}; see add --help`), json, io);
}

/**
 * `add deploy <target> [flags]`: the target's own command (`add deploy kubernetes` is `add
 * kubernetes`); a missing or unknown target is one line naming the targets, exit 2.
 */
async function addDeployTarget(argv: string[], io: CliIo): Promise<number> {
  const [target, ...rest] = argv;
  const targets = offeredDeployTargets(DEPLOY_TARGETS);
  // `add deploy --help` (no target): the help of each target's command.
  if (helpAsked(argv)) {
    const { addKubernetes } = await import('./commands/add-kubernetes.js');
    const { addDeploy } = await import('./commands/add-deploy.js');
    const commands = targets.map((t) => (t === 'kubernetes' ? addKubernetes : addDeploy(DEPLOY_TARGET_FEATURES[t as DeployTarget]!)));
    return printHelps('add deploy', commands, argv.includes('--json'), io);
  }
  if (target === 'kubernetes') return runCommand((await import('./commands/add-kubernetes.js')).addKubernetes, rest, io);
  const feature = target === undefined ? undefined : DEPLOY_TARGET_FEATURES[target as DeployTarget];
  if (feature) return runCommand((await import('./commands/add-deploy.js')).addDeploy(feature), rest, io);
  const got = target === undefined || target.startsWith('-') ? 'no target' : target.length > 80 ? show(target) : `"${target}"`;
  return printError(new CliError('usage', `add deploy needs a target, one of ${targets.join(', ')} (got ${got}); see add --help`), argv.includes('--json'), io);
}

/** Arguments that ask for help and nothing else (`--help`, `-h`, with or without `--json`). */
function helpAsked(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--help' || arg === '-h') && argv.every((arg) => arg === '--json' || arg === '--help' || arg === '-h');
}

/** The help of each of `commands`, one after the other, or one JSON document of them all. */
function printHelps(command: string, commands: readonly (Command | OwnStepsCommand)[], json: boolean, io: CliIo): number {
  io.stdout.write(json ? jsonDocument({ help: { command, commands: commands.map((c) => helpDocument(c, VERSION)) } }) : commands.map((c) => c.help(VERSION)).join('\n'));
  return 0;
}

/**
 * The real streams, each built on first use: a run with --yes never looks at stdin, and only
 * --json writes to stdout, so neither costs a non-interactive scaffold anything.
 */
function processIo(): CliIo {
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return built(quietOnClosedPipe(process.stdout));
    },
    get stderr() {
      return directStderr() ?? built(quietOnClosedPipe(process.stderr));
    },
    cwd: process.cwd(),
    env: process.env,
  };
}

/**
 * stderr when it is a pipe or a file (CI, a parent process, `2>log`): each report is written with
 * write(2) on the descriptor, as process.stderr writes to a pipe or a file on POSIX anyway
 * (synchronously), without building process.stderr, whose stream for a pipe loads Node's net
 * and stream modules: about 2% of a scaffold's work, for the one write of its report.
 * A terminal (prompts draw on it, colours depend on it), a socket, or Windows get process.stderr.
 * A full non-blocking pipe (EAGAIN) hands the rest to process.stderr, which waits for it; a
 * closed one (EPIPE) ends the run quietly, as quietOnClosedPipe does.
 */
function directStderr(): NodeJS.WriteStream | undefined {
  if (process.platform === 'win32') return undefined;
  const stat = fstatOrUndefined(2);
  if (!stat || !(stat.isFIFO() || stat.isFile())) return undefined;
  const writer = {
    isTTY: false,
    write(text: string | Uint8Array): boolean {
      const bytes = typeof text === 'string' ? Buffer.from(text) : text;
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(2, bytes, done);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
        if (code !== 'EAGAIN') throw error;
        return quietOnClosedPipe(process.stderr).write(bytes.subarray(done));
      }
      return true;
    },
    // What util.styleText asks of a stream before it looks at isTTY and FORCE_COLOR.
    on: () => writer,
  };
  return writer as unknown as NodeJS.WriteStream;
}

/** The process streams this run built: what it wrote to them is flushed before it exits. */
const builtStreams = new Set<NodeJS.WriteStream>();

function built(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  builtStreams.add(stream);
  return stream;
}

/**
 * Ends the executable with `code` once what it wrote has left (a pipe or a terminal may be
 * written asynchronously, on Windows), rather than when the event loop empties: in Node's own
 * teardown, the signal handlers are gone and the default actions are back, so a Ctrl-C at that
 * moment would end a run that wrote everything with 130, as if it had written nothing.
 */
export async function exitWhenFlushed(code: number): Promise<void> {
  process.exitCode = code;
  // Polled, not awaited through a write callback: a terminal's stream does not always call back
  // for an empty write, and the wait then kept the process alive. On Linux and macOS a file, a
  // pipe or a terminal is written synchronously: nothing is pending and no time passes here.
  for (let waited = 0; [...builtStreams].some((stream) => stream.writableLength > 0); waited += 5) {
    // Still not flushed after a few seconds: leave it to Node's own exit, which waits for it.
    if (waited >= 5000) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  process.exit(code);
}

function fstatOrUndefined(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

/**
 * A reader that stops early (`create-python-docker-app --help | head -3`) closes the pipe: the
 * next write fails with EPIPE, which would crash with a stack trace. Stop quietly instead.
 */
function quietOnClosedPipe<T extends NodeJS.WriteStream>(stream: T): T {
  if (stream.listenerCount('error') === 0)
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  return stream;
}
