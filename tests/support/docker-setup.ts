// vitest globalSetup: a private Docker engine for tests/docker.test.ts and
// tests/kubernetes-docker.test.ts.
//
// It starts Debian's dockerd (installed by scripts/setup-test-env.sh) with its own data root,
// exec root and socket under a temp dir, and without touching the host's networking
// (--bridge=none, no iptables): builds run with --network=none and containers with
// --network none, each with its own loopback. The test file builds the stand-in base image
// (standin-image.ts) itself, so runs of other test files pay nothing but this: and when the
// run's file filters exclude both, no daemon is started at all.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { docker, run, type DockerInfo } from './docker.js';
import { ROOTFS } from './standin-image.js';

const DOCKERD = '/usr/sbin/dockerd';
/** The test files that use the engine; the daemon starts only when the run includes one. */
const DOCKER_TESTS = ['docker.test.ts', 'kubernetes-docker.test.ts'].map((f) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', f));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const unavailable = (reason: string, broken: boolean) => {
    project.provide('docker', { available: false, reason, broken } satisfies DockerInfo);
    return async () => {};
  };
  if (!dockerTestSelected(project)) return unavailable('no test file that uses Docker is part of this run', false);
  if (process.getuid?.() !== 0) return unavailable('not running as root: dockerd needs root', false);
  if (!existsSync(DOCKERD)) return unavailable(`${DOCKERD} is not installed (scripts/setup-test-env.sh installs docker.io)`, false);
  if (!existsSync(path.join(ROOTFS, '.packages')))
    return unavailable(`${ROOTFS} is missing: run scripts/setup-test-env.sh`, true);

  const dir = mkdtempSync(path.join(tmpdir(), 'cpda-docker-'));
  const host = `unix://${dir}/docker.sock`;
  const daemon = startDaemon(dir);
  const ready = await waitForDaemon(host, daemon);
  if (ready !== true) {
    await stopDaemon(daemon, dir);
    return unavailable(`dockerd did not start: ${ready}\n${tail(path.join(dir, 'dockerd.log'))}`, true);
  }
  project.provide('docker', { available: true, host } satisfies DockerInfo);

  return async () => {
    // Containers a failed test left behind would keep mounts busy.
    const ids = (await docker(host, ['ps', '-aq'], { timeoutMs: 10_000 })).stdout.split(/\s+/).filter(Boolean);
    if (ids.length > 0) await docker(host, ['rm', '-f', ...ids], { timeoutMs: 30_000 });
    await stopDaemon(daemon, dir);
  };
}

/**
 * Whether the run's file filters (`vitest run a b`) select a file of DOCKER_TESTS; vitest matches
 * a filter as a substring of the path. Without filters (or if vitest's internal field moves),
 * assume it is selected.
 */
function dockerTestSelected(project: TestProject): boolean {
  const filters = (project.vitest as unknown as { filenamePattern?: unknown }).filenamePattern;
  if (!Array.isArray(filters) || filters.length === 0) return true;
  return filters.some((f) => typeof f !== 'string' || DOCKER_TESTS.some((test) => test.includes(f) || path.resolve(f) === test));
}

function startDaemon(dir: string): ChildProcess {
  const log = openSync(path.join(dir, 'dockerd.log'), 'a');
  // prettier-ignore
  return spawn(DOCKERD, [
    '--data-root', path.join(dir, 'root'),
    '--exec-root', path.join(dir, 'exec'),
    '--host', `unix://${dir}/docker.sock`,
    '--pidfile', path.join(dir, 'dockerd.pid'),
    // Leave the host's network alone: no docker0 bridge, no iptables/NAT rules.
    '--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false',
  ], { stdio: ['ignore', log, log] });
}

async function waitForDaemon(host: string, daemon: ChildProcess): Promise<true | string> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    if (daemon.exitCode !== null) return `exited with code ${daemon.exitCode}`;
    const r = await docker(host, ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5_000 });
    if (r.code === 0) return true;
    last = r.stderr.trim();
    await sleep(200);
  }
  return `no answer after 30 s (${last})`;
}

/** SIGTERM, then SIGKILL; then unmount what dockerd leaves behind (netns, overlay) and delete. */
async function stopDaemon(daemon: ChildProcess, dir: string): Promise<void> {
  if (daemon.exitCode === null && daemon.signalCode === null) {
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(30_000, true, { ref: false })]);
    if (timedOut) {
      daemon.kill('SIGKILL');
      await Promise.race([exited, sleep(5_000, undefined, { ref: false })]);
    }
  }
  for (const mount of mountsUnder(dir)) {
    if ((await run('umount', [mount], { timeoutMs: 10_000 })).code !== 0) await run('umount', ['-l', mount], { timeoutMs: 10_000 });
  }
  if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
}

/** Mount points below dir, deepest first (from /proc/self/mountinfo; field 5 is the mount point). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';
}
