// A private Docker Engine for the tests, started and stopped by tests/support/stack-setup.ts.
//
// Each engine is Debian sid's dockerd 28 (scripts/setup-test-env.sh copies it out of a sid
// root filesystem; the host's runc runs its containers) in a network namespace of its own:
//  - inside it, dockerd keeps its default networking (a docker0 bridge, user-defined bridge
//    networks for Compose, NAT and published ports through iptables and docker-proxy), as on
//    a user's machine, without touching the host's interfaces, routes or firewall;
//  - slirp4netns (the user-mode network of rootless Docker and Podman) gives the namespace a
//    tap0 device whose traffic leaves through ordinary sockets of the host, so builds reach
//    PyPI and Debian's mirror the way the host does, through its proxy; the host's own
//    127.0.0.1 stays out of reach (--disable-host-loopback);
//  - ports a Compose project publishes (8000, and 5432/6379 in development) are bound in that
//    namespace, so engines never collide with each other, with other people's runs or with
//    the host's services; tests reach them from inside it (inEngineNetwork in docker.ts).
// The image store (data root) persists in $CPDA_CACHE/engines/slot-N between runs, as a CI
// runner keeps its Docker layer cache; a slot is locked while a run uses it.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CACHE, ENGINE_BIN, ENGINE_PLUGINS } from './cache.js';
import { run } from './run.js';

/** What test files get (through vitest's provide/inject): everything needed to drive one engine. */
export interface EngineInfo {
  slot: number;
  /** DOCKER_HOST: unix:///.../docker.sock */
  host: string;
  /** DOCKER_CONFIG: holds the compose and buildx CLI plugins. */
  configDir: string;
  /** A process in the engine's network namespace (for nsenter --net=/proc/<pid>/ns/net). */
  netPid: number;
}

export interface RunningEngine extends EngineInfo {
  stop(): Promise<void>;
  /** Last resort when the run dies without teardown: kill everything at once. */
  killNow(): void;
}

export const DOCKER_CLI = path.join(ENGINE_BIN, 'docker');
const DOCKERD = path.join(ENGINE_BIN, 'dockerd');
const SLOTS_DIR = path.join(CACHE, 'engines');
/**
 * The build cache an engine keeps when it stops (the most recently used first): enough for the
 * next run's rebuilds to be warm. Without a bound a day of runs grew one slot to 28 GB and
 * filled this machine's disk, failing a CI run with ENOSPC.
 */
export const BUILD_CACHE_KEPT = '6gb';
const MAX_SLOTS = 16;

/** Why engines cannot start here, or null. */
export function engineUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root (network namespaces and dockerd need it)';
  if (!existsSync(DOCKERD)) return `no engine in ${ENGINE_BIN} (scripts/setup-test-env.sh builds it)`;
  for (const tool of ['unshare', 'nsenter', 'slirp4netns', 'runc', 'iptables', 'ip', 'curl'])
    if (!onPath(tool)) return `${tool} is not installed (scripts/setup-test-env.sh installs it)`;
  return null;
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
    .split(':')
    .some((dir) => existsSync(path.join(dir, program)));
}

export async function startEngine(): Promise<RunningEngine> {
  const slot = acquireSlot();
  const dataRoot = path.join(SLOTS_DIR, `slot-${slot}`);
  // Short: containerd's socket lives below it, and Unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync(path.join(tmpdir(), 'cpda-engine-'));
  const log = openSync(path.join(dir, 'engine.log'), 'a');
  const children: ChildProcess[] = [];
  const killNow = () => {
    for (const child of children.reverse()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    const { netPid, holder, slirp } = await privateNetwork(children, log);

    const configDir = path.join(dir, 'config');
    mkdirSync(configDir);
    symlinkSync(ENGINE_PLUGINS, path.join(configDir, 'cli-plugins'));
    writeFileSync(path.join(configDir, 'config.json'), '{}\n');
    // Not the host's /etc/docker/daemon.json: this engine's settings are all on its command line.
    writeFileSync(path.join(dir, 'daemon.json'), '{}\n');
    mkdirSync(dataRoot, { recursive: true });
    // prettier-ignore
    const dockerd = spawn('nsenter', [`--net=/proc/${netPid}/ns/net`, '--', DOCKERD,
      '--config-file', path.join(dir, 'daemon.json'),
      '--data-root', dataRoot,
      '--exec-root', path.join(dir, 'exec'),
      '--host', `unix://${dir}/docker.sock`,
      '--pidfile', path.join(dir, 'dockerd.pid'),
      '--log-level', 'warn',
    ], {
      // containerd, docker-proxy and docker-init come from the same sid packages; runc is the host's.
      env: { ...process.env, PATH: `${ENGINE_BIN}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` },
      stdio: ['ignore', log, log],
    });
    children.push(dockerd);
    const host = `unix://${dir}/docker.sock`;
    await waitFor('dockerd to answer', dockerd, async () => (await run(DOCKER_CLI, ['version'], { env: { DOCKER_HOST: host } })).code === 0, 60_000);

    const info: EngineInfo = { slot, host, configDir, netPid };
    // Leftovers of an earlier run that died in this slot.
    await cleanUp(info);
    return {
      ...info,
      killNow,
      stop: async () => {
        await cleanUp(info).catch(() => {});
        await run(DOCKER_CLI, ['builder', 'prune', '-f', '--filter', 'until=168h', '--keep-storage', BUILD_CACHE_KEPT], { env: { DOCKER_HOST: host }, timeoutMs: 60_000 });
        await stopProcess(dockerd, 30_000);
        await stopProcess(slirp, 5_000);
        await stopProcess(holder, 5_000);
        await removeEngineDir(dir, dataRoot);
        releaseSlot(slot);
      },
    };
  } catch (error) {
    killNow();
    await removeEngineDir(dir, dataRoot);
    releaseSlot(slot);
    throw new Error(`${(error as Error).message}\n--- ${dir}/engine.log:\n${tailOf(path.join(dir, 'engine.log'))}`);
  }
}

/**
 * A network namespace of its own, reaching out through slirp4netns (see the top of this file):
 * `unshare --net sleep` holds it as long as it runs; `netPid` is for nsenter. Both processes
 * are pushed onto `children` as soon as they start, so a failure half-way kills them too.
 */
export async function privateNetwork(children: ChildProcess[], log: number): Promise<{ netPid: number; holder: ChildProcess; slirp: ChildProcess }> {
  const holder = spawn('unshare', ['--net', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
  children.push(holder);
  const netPid = await ownNamespace(holder);
  await must(run('nsenter', [`--net=/proc/${netPid}/ns/net`, 'ip', 'link', 'set', 'lo', 'up']), 'bring up lo');

  const slirp = spawn('slirp4netns', ['--configure', '--mtu=65520', '--disable-host-loopback', String(netPid), 'tap0'], {
    stdio: ['ignore', log, log],
  });
  children.push(slirp);
  await waitFor('slirp4netns to configure tap0', slirp, async () => {
    const r = await run('nsenter', [`--net=/proc/${netPid}/ns/net`, 'ip', '-4', '-o', 'addr', 'show', 'tap0']);
    return r.code === 0 && r.stdout.includes('inet ');
  });
  return { netPid, holder, slirp };
}

/** Containers, networks, volumes and untagged images no later run needs; build cache stays. */
async function cleanUp(engine: EngineInfo): Promise<void> {
  const env = { DOCKER_HOST: engine.host };
  const ids = (await run(DOCKER_CLI, ['ps', '-aq'], { env })).stdout.split(/\s+/).filter(Boolean);
  if (ids.length > 0) await run(DOCKER_CLI, ['rm', '-f', '-v', ...ids], { env, timeoutMs: 60_000 });
  await run(DOCKER_CLI, ['volume', 'prune', '-af'], { env, timeoutMs: 60_000 });
  await run(DOCKER_CLI, ['network', 'prune', '-f'], { env, timeoutMs: 60_000 });
  await run(DOCKER_CLI, ['image', 'prune', '-f'], { env, timeoutMs: 60_000 });
}

/** The PID of `unshare --net sleep` once it runs in a network namespace other than ours. */
async function ownNamespace(holder: ChildProcess): Promise<number> {
  const pid = holder.pid;
  if (pid === undefined) throw new Error('unshare did not start');
  const ours = readlinkSync('/proc/self/ns/net');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (holder.exitCode !== null) throw new Error(`unshare --net exited with ${holder.exitCode}`);
    let theirs = '';
    try {
      theirs = readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      // not there yet
    }
    // Never configure our own namespace: slirp4netns would give the host a second default route.
    if (theirs && theirs !== ours) return pid;
    await sleep(20);
  }
  throw new Error('unshare --net did not enter a new network namespace');
}

export async function waitFor(what: string, child: ChildProcess, ready: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`waiting for ${what}: the process exited with ${child.exitCode}`);
    if (await ready()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs, true, { ref: false })]);
  if (timedOut) {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000, undefined, { ref: false })]);
  }
}

/** Unmounts what dockerd left mounted (network namespaces, overlays), then deletes the temp dir. */
async function removeEngineDir(dir: string, dataRoot: string): Promise<void> {
  for (const mount of mountsUnder(dir, dataRoot))
    if ((await run('umount', [mount])).code !== 0) await run('umount', ['-l', mount]);
  rmSync(dir, { recursive: true, force: true });
}

function mountsUnder(...dirs: string[]): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((m) => dirs.some((d) => m.startsWith(`${d}/`)))
    .sort((a, b) => b.length - a.length);
}

// --- slots: one run at a time per persisted data root ---------------------------------------

function lockDir(slot: number): string {
  return path.join(SLOTS_DIR, `slot-${slot}.lock`);
}

function acquireSlot(): number {
  mkdirSync(SLOTS_DIR, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) if (takeLock(lockDir(slot))) return slot;
  throw new Error(`all ${MAX_SLOTS} engine slots in ${SLOTS_DIR} are in use`);
}

/** Creates the lock directory `lock` for this process; false when a live process holds it. */
export function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
  } catch {
    if (ownerAlive(lock)) return false;
    rmSync(lock, { recursive: true, force: true }); // its run died; take it over
    try {
      mkdirSync(lock);
    } catch {
      return false;
    }
  }
  writeFileSync(path.join(lock, 'pid'), String(process.pid));
  return true;
}

function ownerAlive(lock: string): boolean {
  try {
    process.kill(Number(readFileSync(path.join(lock, 'pid'), 'utf8')), 0);
    return true;
  } catch (error) {
    // No pid file yet: another run is creating the lock this very moment.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseSlot(slot: number): void {
  rmSync(lockDir(slot), { recursive: true, force: true });
}

async function must(result: Promise<{ code: number; stderr: string }>, what: string): Promise<void> {
  const r = await result;
  if (r.code !== 0) throw new Error(`could not ${what}: ${r.stderr.trim()}`);
}

export function tailOf(file: string, lines = 20): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
}
