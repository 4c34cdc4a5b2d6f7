// Runs commands of a generated project inside the Debian trixie root filesystem that
// scripts/setup-test-env.sh builds (Python 3.13 and Debian's Flask, FastAPI, SQLAlchemy...),
// because PyPI, and so the project's own pinned versions, cannot be reached here.
//
// Each command gets private namespaces, so any number can run at once on the one shared,
// cached rootfs without seeing each other's mounts:
//  - mount: the rootfs is the read-only lower layer of an overlay whose upper layer is a tmpfs,
//    so the cached rootfs is never changed; /proc, /dev, a fresh /dev/shm and /tmp, the project
//    and the services' socket directory are mounted for this command only;
//  - pid: the command is PID 1, as a container's CMD is; when it exits the kernel kills
//    whatever it left behind, and signals reach it as Docker's `docker stop` would;
//  - network (only when asked): a loopback of its own, so every server can bind the port its
//    Dockerfile EXPOSEs without colliding with other servers or anything on the host.
// The network is otherwise the host's, so services on 127.0.0.1 are reachable.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOTFS = path.join(process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app', 'rootfs-trixie');
export const PROJECT_DIR_INSIDE = '/srv/cpda-project';
export const SOCKET_DIR_INSIDE = '/run/cpda-services';

/** Host programs the namespaces need (util-linux, coreutils, iproute2). */
const HOST_TOOLS = ['unshare', 'nsenter', 'chroot', 'mount', 'ip'];
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Why commands cannot run in the rootfs here, or null when they can. */
export function rootfsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root (namespaces, chroot and mounts need it)';
  if (!existsSync(path.join(ROOTFS, 'usr/bin/python3')))
    return `no root filesystem at ${ROOTFS} (run scripts/setup-test-env.sh as root)`;
  const missing = HOST_TOOLS.filter((tool) => !onPath(tool));
  return missing.length > 0 ? `missing host programs: ${missing.join(', ')}` : null;
}

function onPath(program: string): boolean {
  return PATH.split(':').some((dir) => existsSync(path.join(dir, program)));
}

export interface RootfsCommand {
  /** The program and its arguments, run with the project directory as working directory. */
  argv: string[];
  /** Host directory of the generated project, mounted inside at projectDirInside. */
  projectDir: string;
  /** Absolute path of the project inside (and working directory); PROJECT_DIR_INSIDE by default. */
  projectDirInside?: string;
  /** Extra environment; the base is a clean PATH, HOME=/tmp and the image's PYTHON* flags. */
  env?: Record<string, string>;
  /** Numeric uid (also used as gid) to run as; root when absent. No passwd entry is needed. */
  uid?: number;
  /** Host directory with the services' sockets, seen inside at SOCKET_DIR_INSIDE. */
  socketDir?: string;
  /** Give the command a network namespace of its own (loopback only). */
  ownNetwork?: boolean;
  /** Join the network namespace of this host PID, e.g. a server started with ownNetwork. */
  networkOf?: number;
}

/**
 * An empty host directory; each command mounts a tmpfs on it in its own mount namespace
 * (invisible to the host and to other commands) to hold its overlay.
 */
const SCRATCH = path.join(tmpdir(), 'cpda-rootfs-overlay');

// The overlay's upper layer also receives what the real python:*-slim image has at
// /usr/local/bin but Debian's packages lack: `python` (the HEALTHCHECK calls it; Debian ships
// only python3). The servers' console scripts come from Debian's gunicorn and uvicorn packages.

// Runs on the host inside the new namespaces, then chroots. Positional arguments: rootfs,
// scratch dir, project dir, its path inside, socket dir ('' = none), own network ('' = no),
// userspec ('' = root).
const ENTER_SCRIPT = `set -eu
lower=$1 scratch=$2 project=$3 inside=$4 sockets=$5 net=$6 user=$7
shift 7
mount -t tmpfs -o mode=755 tmpfs "$scratch"
mkdir "$scratch/upper" "$scratch/work" "$scratch/root"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/root"
root=$scratch/root
mkdir -p "$root/usr/local/bin" "$root$inside" "$root${SOCKET_DIR_INSIDE}"
[ -e "$root/usr/local/bin/python" ] || ln -s /usr/bin/python3 "$root/usr/local/bin/python"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount --bind "$project" "$root$inside"
if [ -n "$sockets" ]; then mount --bind "$sockets" "$root${SOCKET_DIR_INSIDE}"; fi
if [ -n "$net" ]; then ip link set lo up; fi
exec chroot \${user:+--userspec=$user} "$root" /usr/bin/env -C "$inside" -- "$@"`;

function spawnCommand(cmd: RootfsCommand): ChildProcess {
  mkdirSync(SCRATCH, { recursive: true });
  const args = [
    ...(cmd.networkOf !== undefined ? ['nsenter', `--net=/proc/${cmd.networkOf}/ns/net`, '--'] : []),
    'unshare', '--mount', '--pid', '--fork', '--kill-child', ...(cmd.ownNetwork ? ['--net'] : []),
    '--', 'sh', '-c', ENTER_SCRIPT, 'rootfs-enter',
    ROOTFS, SCRATCH, cmd.projectDir, cmd.projectDirInside ?? PROJECT_DIR_INSIDE, cmd.socketDir ?? '', cmd.ownNetwork ? '1' : '',
    cmd.uid !== undefined ? `${cmd.uid}:${cmd.uid}` : '',
    ...cmd.argv,
  ];
  const [program, ...rest] = args as [string, ...string[]];
  return spawn(program, rest, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH,
      HOME: '/tmp',
      LANG: 'C.UTF-8',
      // As in the generated Dockerfiles: no .pyc files in the project, output not buffered.
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      ...cmd.env,
    },
  });
}

/**
 * Host PID of the command itself (PID 1 of its namespace): the child of `unshare --fork`.
 * Signals for the command go there; `unshare` itself does not forward them.
 */
async function commandPid(launcher: ChildProcess, timeoutMs = 5000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  // With nsenter in front, the launcher is still unshare: nsenter execs it (it forks only
  // when entering a pid namespace).
  const unsharePid = launcher.pid;
  while (unsharePid !== undefined && Date.now() < deadline && launcher.exitCode === null) {
    const children = readChildren(unsharePid);
    if (children[0] !== undefined) return children[0];
    await sleep(10);
  }
  return undefined;
}

function readChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command to completion (killed, with everything it started, after timeoutMs). */
export async function runInRootfs(cmd: RootfsCommand, timeoutMs = 60_000): Promise<RunResult> {
  const child = spawnCommand(cmd);
  const out = collect(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void killTree(child);
  }, timeoutMs);
  const { code, signal } = await exited(child);
  clearTimeout(timer);
  return { code, signal, stdout: out.stdout(), stderr: out.stderr(), timedOut };
}

export interface RunningServer {
  /** Host PID of the server process (PID 1 of its namespaces). */
  pid: number;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  /** Null while running. */
  exitCode: () => number | null;
  /** SIGTERM, as `docker stop` sends; SIGKILL to everything left after graceMs. */
  stop: (graceMs?: number) => Promise<{ graceful: boolean; code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a long-running command (a server) in the rootfs. */
export async function startInRootfs(cmd: RootfsCommand): Promise<RunningServer> {
  const child = spawnCommand(cmd);
  const out = collect(child);
  const done = exited(child);
  const pid = await commandPid(child);
  if (pid === undefined) {
    await killTree(child);
    throw new Error(`could not start ${cmd.argv.join(' ')} in the rootfs:\n${out.all()}`);
  }
  return {
    pid,
    output: out.all,
    exitCode: () => child.exitCode,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null) process.kill(pid, 'SIGTERM');
      const graceful = await Promise.race([done.then(() => true), sleep(graceMs).then(() => false)]);
      if (!graceful) await killTree(child);
      const { code, signal } = await done;
      return { graceful, code, signal };
    },
  };
}

/** Kills the command's PID 1, which makes the kernel kill its whole pid namespace. */
async function killTree(child: ChildProcess): Promise<void> {
  const unsharePid = child.pid;
  if (unsharePid === undefined || child.exitCode !== null) return;
  for (const pid of readChildren(unsharePid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  child.kill('SIGKILL');
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string; all: () => string } {
  let stdout = '';
  let stderr = '';
  let all = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    all += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    all += chunk.toString();
  });
  return { stdout: () => stdout, stderr: () => stderr, all: () => all };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}
