// A rootless Docker Engine for tests/stack/stack-rootless.test.ts (issue 23, item 3): the engine's
// own dockerd (scripts/setup-test-env.sh), started by Docker's dockerd-rootless.sh as the
// unprivileged user cpda-rootless, the way a user's rootless install starts it: rootlesskit
// makes a user namespace (the user's subordinate IDs, from /etc/subuid, become the containers'
// users), a mount namespace and a network namespace that slirp4netns connects, and published
// ports are bound by rootlesskit's port driver where rootlesskit runs. That is inside a network
// namespace of its own here (engine.ts privateNetwork), so the README's ports collide with
// nothing; tests reach them through nsenter, as with the other engines.
//
// The daemon's data root (its image store and build cache) is kept in $CPDA_CACHE/rootless/data
// between runs, owned by that user; one run at a time uses it. Everything else lives in a temp
// directory that the user owns (XDG_RUNTIME_DIR: the socket, rootlesskit's state, containerd's).

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CACHE, ENGINE_BIN, ENGINE_PLUGINS } from './cache.js';
import { docker } from './docker.js';
import { BUILD_CACHE_KEPT, DOCKER_CLI, privateNetwork, stopProcess, tailOf, takeLock, waitFor, type EngineInfo } from './engine.js';
import { run, type RunOptions, type RunResult } from './run.js';

/** The unprivileged user scripts/setup-test-env.sh creates, with 65536 subordinate IDs. */
export const ROOTLESS_USER = 'cpda-rootless';
const ROOTLESS_DIR = path.join(CACHE, 'rootless');
const ROOTLESS_BIN = path.join(ROOTLESS_DIR, 'bin');
const HOME = path.join(ROOTLESS_DIR, 'home');
const DATA_ROOT = path.join(ROOTLESS_DIR, 'data');
const LOCK = path.join(ROOTLESS_DIR, 'data.lock');
const USER_PATH = `${ROOTLESS_BIN}:${ENGINE_BIN}:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

export interface RootlessEngine extends EngineInfo {
  uid: number;
  gid: number;
  /** The first host UID of the user's subordinate range: container UID n runs as first + n - 1. */
  firstSubuid: number;
  /** What the daemon wrote (dockerd-rootless.sh traces its commands, then dockerd's warnings). */
  log: string;
  stop(): Promise<void>;
}

/** Why the rootless engine cannot start here, or null. */
export async function rootlessUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'not running as root (the test switches to the unprivileged user itself)';
  const id = await run('id', ['-u', ROOTLESS_USER]);
  if (id.code !== 0) return `no user ${ROOTLESS_USER} (scripts/setup-test-env.sh creates it)`;
  if ((statSync('/dev/net/tun', { throwIfNoEntry: false })?.mode ?? 0) % 0o10 < 0o6)
    return '/dev/net/tun is not readable and writable by users (scripts/setup-test-env.sh makes it 0666, as Debian does)';
  for (const tool of ['rootlesskit', 'newuidmap', 'newgidmap', 'slirp4netns', 'setpriv'])
    if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0) return `${tool} is not installed (scripts/setup-test-env.sh installs it)`;
  return null;
}

export async function startRootlessEngine(): Promise<RootlessEngine> {
  const uid = Number((await run('id', ['-u', ROOTLESS_USER])).stdout.trim());
  const gid = Number((await run('id', ['-g', ROOTLESS_USER])).stdout.trim());
  const firstSubuid = Number((await run('sh', ['-c', `grep "^${ROOTLESS_USER}:" /etc/subuid | cut -d: -f2`])).stdout.trim());
  if (!takeLock(LOCK)) throw new Error(`${DATA_ROOT} is in use by another run (${LOCK})`);
  // Short: containerd's sockets live below it, and Unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync(path.join(tmpdir(), 'cpda-rl-'));
  const log = path.join(dir, 'engine.log');
  const children: ChildProcess[] = [];
  const killNow = () => {
    for (const child of children.reverse()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // A worker that dies without its afterAll: the daemon's process tree goes with it.
  process.once('exit', killNow);
  try {
    // The user owns its runtime directory and CLI configuration; the log stays root's.
    const runtime = path.join(dir, 'run');
    const configDir = path.join(runtime, 'config');
    mkdirSync(configDir, { recursive: true });
    symlinkSync(ENGINE_PLUGINS, path.join(configDir, 'cli-plugins'));
    writeFileSync(path.join(configDir, 'config.json'), '{}\n');
    // Not ~/.config/docker/daemon.json: this engine's settings are all on its command line.
    writeFileSync(path.join(runtime, 'daemon.json'), '{}\n');
    for (const p of [runtime, configDir, path.join(configDir, 'config.json'), path.join(runtime, 'daemon.json')]) chownSync(p, uid, gid);
    chmodSync(runtime, 0o700);
    searchableBy(dir);
    const logFd = openSync(log, 'a');

    const { netPid, holder, slirp } = await privateNetwork(children, logFd);
    const host = `unix://${runtime}/docker.sock`;
    // prettier-ignore
    const daemon = spawn('nsenter', [`--net=/proc/${netPid}/ns/net`, '--', ...asUserArgv(uid, gid, {
      XDG_RUNTIME_DIR: runtime,
    }), 'dockerd-rootless.sh',
      '--config-file', path.join(runtime, 'daemon.json'),
      '--data-root', DATA_ROOT,
      '--host', host,
      '--log-level', 'warn',
    ], { stdio: ['ignore', logFd, logFd] });
    children.push(daemon);
    await waitFor('the rootless dockerd to answer', daemon, async () => (await run(DOCKER_CLI, ['version'], { env: { DOCKER_HOST: host } })).code === 0, 60_000);

    // Not a slot of engine.ts: -1.
    const info: EngineInfo = { slot: -1, host, configDir, netPid };
    await cleanUp(info);
    return {
      ...info,
      uid,
      gid,
      firstSubuid,
      get log() {
        return tailOf(log, 200);
      },
      stop: async () => {
        await cleanUp(info).catch(() => {});
        await run(DOCKER_CLI, ['builder', 'prune', '-f', '--filter', 'until=168h', '--keep-storage', BUILD_CACHE_KEPT], { env: { DOCKER_HOST: host }, timeoutMs: 60_000 });
        // rootlesskit hands the signal on to dockerd, which stops its containers and exits.
        await stopProcess(daemon, 30_000);
        await stopProcess(slirp, 5_000);
        await stopProcess(holder, 5_000);
        rmSync(dir, { recursive: true, force: true });
        rmSync(LOCK, { recursive: true, force: true });
        process.removeListener('exit', killNow);
      },
    };
  } catch (error) {
    killNow();
    process.removeListener('exit', killNow);
    const logged = tailOf(log, 30);
    rmSync(dir, { recursive: true, force: true });
    rmSync(LOCK, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n--- the rootless engine's log:\n${logged}`);
  }
}

/**
 * `setpriv ... env -i ...`: what follows runs as the user, with only its own environment (its
 * HOME, PATH with the engine's binaries and dockerd-rootless.sh, and `extra`).
 */
function asUserArgv(uid: number, gid: number, extra: Record<string, string>): string[] {
  const env = Object.entries({ HOME, PATH: USER_PATH, LANG: 'C.UTF-8', ...extra }).map(([k, v]) => `${k}=${v}`);
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', 'env', '-i', ...env];
}

/**
 * A command as the user runs it in `cwd`: `docker` and `docker compose` talk to their rootless
 * engine, inside its network namespace (where its published ports are bound).
 */
export function asRootlessUser(engine: RootlessEngine, cwd: string, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const env = { DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.configDir, COMPOSE_ANSI: 'never', ...(options.env as Record<string, string>) };
  return run('nsenter', [`--net=/proc/${engine.netPid}/ns/net`, '--', ...asUserArgv(engine.uid, engine.gid, env), ...argv], {
    timeoutMs: 300_000,
    ...options,
    env: undefined,
    cwd,
  });
}

/**
 * The user must reach what the test makes in its temp directory: `dir` and each directory above
 * it up to the test file's own temp directory get search permission for others (not read:
 * nobody can list them), as .ci/run gives its own; above that, they must have it already.
 */
export function searchableBy(dir: string): void {
  const own = tmpdir();
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) !== 0) continue;
    if (d !== own && !d.startsWith(`${own}/`)) throw new Error(`${ROOTLESS_USER} cannot reach ${dir}: ${d} is not searchable by others`);
    chmodSync(d, (mode & 0o7777) | 0o011);
  }
}

/** Leftovers of an earlier run that died: containers, networks, volumes; the build cache stays. */
async function cleanUp(engine: EngineInfo): Promise<void> {
  const ids = (await docker(engine, ['ps', '-aq'])).stdout.split(/\s+/).filter(Boolean);
  if (ids.length > 0) await docker(engine, ['rm', '-f', '-v', ...ids], { timeoutMs: 60_000 });
  await docker(engine, ['volume', 'prune', '-af'], { timeoutMs: 60_000 });
  await docker(engine, ['network', 'prune', '-f'], { timeoutMs: 60_000 });
  await docker(engine, ['image', 'prune', '-f'], { timeoutMs: 60_000 });
}

/**
 * Copies images from a root engine (where stack-setup.ts built the stand-ins) into the
 * rootless one with `docker save | docker load`; an image already there with the same ID is
 * skipped (the data root is kept between runs). Returns how long each took, for the log.
 */
export async function copyImages(from: EngineInfo, to: EngineInfo, images: string[]): Promise<string[]> {
  const timings: string[] = [];
  for (const image of images) {
    const started = Date.now();
    const id = async (engine: EngineInfo) => (await docker(engine, ['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim();
    const source = await id(from);
    if (!source) throw new Error(`${image} is not in the root engine ${from.host}`);
    if ((await id(to)) === source) {
      timings.push(`${image} already there`);
      continue;
    }
    const save = spawn(DOCKER_CLI, ['save', image], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, DOCKER_HOST: from.host } });
    const load = spawn(DOCKER_CLI, ['load', '-q'], { stdio: [save.stdout, 'ignore', 'pipe'], env: { PATH: process.env.PATH, DOCKER_HOST: to.host } });
    // docker load has its own copy of the pipe; ours would keep save's stdout from closing.
    save.stdout.destroy();
    let stderr = '';
    save.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    load.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const [saved, loaded] = await Promise.all([exitCode(save), exitCode(load)]);
    if (saved !== 0 || loaded !== 0) throw new Error(`docker save ${image} | docker load failed (${saved}, ${loaded}): ${stderr.trim()}`);
    timings.push(`${image} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return timings;
}

function exitCode(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.once('exit', (code) => resolve(code));
    p.once('error', () => resolve(-1));
  });
}
