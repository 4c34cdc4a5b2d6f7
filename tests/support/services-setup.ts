// vitest globalSetup: starts ONE PostgreSQL and ONE Redis on 127.0.0.1 for the whole run and
// stops them afterwards (also when setup fails half-way or the run is interrupted). Tests get
// their addresses through `inject('services')`; when they cannot run here (not root, or a
// server binary is missing) nothing starts and tests that need them skip with the reason.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { REDIS_SOCKET, type Services, type ServicesState } from './services.js';

const run = promisify(execFile);
const STARTUP_TIMEOUT_MS = 20_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = findBinaries();
  const reason = process.getuid?.() !== 0 ? 'not running as root' : binaries.missing;
  if (reason || !binaries.found) {
    project.provide('services', { ok: false, reason: `PostgreSQL/Redis not started: ${reason}` });
    return async () => {};
  }

  const started = new Started();
  try {
    const services = await startServices(binaries.found, started);
    project.provide('services', { ok: true, services } satisfies ServicesState);
  } catch (error) {
    await started.stopAll();
    throw error;
  }
  return () => started.stopAll();
}

interface Binaries {
  pgBinDir: string;
  redisServer: string;
}

function findBinaries(): { found?: Binaries; missing?: string } {
  // Debian installs each PostgreSQL major under /usr/lib/postgresql/<major>; take the newest.
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => +b - +a) : [];
  const pgBinDir = majors.map((m) => path.join(base, m, 'bin')).find((dir) => existsSync(path.join(dir, 'postgres')));
  const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (!pgBinDir) return { missing: `no PostgreSQL server binary under ${base}/*/bin` };
  if (!redisServer) return { missing: 'no redis-server binary' };
  return { found: { pgBinDir, redisServer } };
}

/** Processes and directories to clean up, in reverse order of creation. */
class Started {
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly onExit = () => this.killNow();
  private readonly children: ChildProcess[] = [];

  constructor() {
    // Last resort if the run dies without teardown: never leave servers behind.
    process.once('exit', this.onExit);
  }

  add(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  process(child: ChildProcess, stopSignal: NodeJS.Signals): void {
    this.children.push(child);
    this.add(() => stopProcess(child, stopSignal));
  }

  async stopAll(): Promise<void> {
    process.removeListener('exit', this.onExit);
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  }

  /** Directories to remove at once if the process exits without teardown. */
  readonly dirs: string[] = [];

  private killNow(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function startServices(bin: Binaries, started: Started): Promise<Services> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'cpda-services-'));
  started.add(async () => rmSync(workDir, { recursive: true, force: true }));
  started.dirs.push(workDir);
  // PostgreSQL refuses to run as root, and needs to traverse to its own directories.
  chmodSync(workDir, 0o755);
  const { uid, gid } = userIds('postgres');
  const dataDir = path.join(workDir, 'pgdata');
  const socketDir = path.join(workDir, 'sockets');
  for (const dir of [dataDir, socketDir]) {
    mkdirSync(dir, { mode: 0o755 });
    chownSync(dir, uid, gid);
  }
  chmodSync(dataDir, 0o700);

  const [pgPort, redisPort] = [await freePort(), await freePort()];
  // Logs go to files (a pipe nobody reads would block the servers); failures quote them.
  const pgLog = path.join(workDir, 'postgres.log');
  const redisLog = path.join(workDir, 'redis.log');

  await run(path.join(bin.pgBinDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], {
    uid,
    gid,
  });
  const postgres = spawn(
    path.join(bin.pgBinDir, 'postgres'),
    ['-D', dataDir, '-p', String(pgPort), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    { uid, gid, stdio: ['ignore', 'ignore', openSync(pgLog, 'a')] },
  );
  // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, stop at once.
  started.process(postgres, 'SIGINT');

  const redis = spawn(
    bin.redisServer,
    [
      '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      // Room for a database per test project and per server (see app-runtime.test.ts).
      '--databases', '128',
      '--unixsocket', path.join(socketDir, REDIS_SOCKET), '--unixsocketperm', '777', '--dir', workDir,
    ],
    { stdio: ['ignore', openSync(redisLog, 'a'), openSync(redisLog, 'a')] },
  );
  started.process(redis, 'SIGTERM');

  await Promise.all([
    waitFor('PostgreSQL', postgres, pgLog, () => pgReady(bin.pgBinDir, pgPort)),
    waitFor('Redis', redis, redisLog, () => redisReady(redisPort)),
  ]);
  return {
    postgres: { binDir: bin.pgBinDir, host: '127.0.0.1', port: pgPort, user: 'postgres' },
    redis: { host: '127.0.0.1', port: redisPort },
    socketDir,
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const fields = line?.split(':');
  if (!fields?.[2] || !fields[3]) throw new Error(`no ${name} user in /etc/passwd (the postgresql package creates it)`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** A port the kernel says is free right now; the servers bind it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(name: string, child: ChildProcess, log: string, ready: () => Promise<boolean>): Promise<void> {
  const stderr = () => (existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : '');
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} at start-up:\n${stderr()}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} not ready after ${STARTUP_TIMEOUT_MS} ms:\n${stderr()}`);
}

async function pgReady(binDir: string, port: number): Promise<boolean> {
  try {
    await run(path.join(binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
    return true;
  } catch {
    return false;
  }
}

function redisReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const stopped = await Promise.race([done.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000))]);
  if (!stopped) {
    child.kill('SIGKILL');
    await done;
  }
}
