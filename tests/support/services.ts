// What services-setup.ts hands to test files (through vitest's provide/inject), and helpers
// to use it. One PostgreSQL and one Redis serve every test file of a run.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export interface Services {
  postgres: {
    /** Directory of the server's binaries (initdb, postgres, createdb...). */
    binDir: string;
    host: '127.0.0.1';
    port: number;
    /** Superuser; authentication is `trust`, so there is no password. */
    user: 'postgres';
  };
  redis: { host: '127.0.0.1'; port: number };
  /**
   * Directory on the host holding both servers' Unix sockets (`.s.PGSQL.<port>` and
   * `redis.sock`), for processes that cannot reach 127.0.0.1 (their own network namespace).
   */
  socketDir: string;
}

/** Either the running services, or why they are not running (tests then skip with it). */
export type ServicesState = { ok: true; services: Services } | { ok: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServicesState;
  }
}

export const REDIS_SOCKET = 'redis.sock';

const run = promisify(execFile);

/** Creates an empty database; each test project gets its own, so runs cannot interfere. */
export async function createDatabase(services: Services, name: string): Promise<void> {
  const { binDir, host, port, user } = services.postgres;
  await run(path.join(binDir, 'createdb'), ['-h', host, '-p', String(port), '-U', user, name]);
}

/** URL of a database over TCP on 127.0.0.1, in the form the generated apps document. */
export function databaseUrl(services: Services, database: string): string {
  const { host, port, user } = services.postgres;
  return `postgresql+psycopg://${user}@${host}:${port}/${database}`;
}

/**
 * The variables the generated apps build their database URL from (over TCP, or with
 * `socketDirInside`, through the Unix socket): trust authentication, so any password will do,
 * and the apps want one.
 */
export function databaseEnv(services: Services, database: string, socketDirInside?: string): Record<string, string> {
  const { host, port, user } = services.postgres;
  return { POSTGRES_HOST: socketDirInside ?? host, POSTGRES_PORT: String(port), POSTGRES_USER: user, POSTGRES_DB: database, POSTGRES_PASSWORD: 'unused-with-trust' };
}

/** The same database through the Unix socket, with the socket directory seen at `socketDirInside`. */
export function databaseSocketUrl(services: Services, database: string, socketDirInside: string): string {
  const { port, user } = services.postgres;
  return `postgresql+psycopg://${user}@/${database}?host=${socketDirInside}&port=${port}`;
}

export function redisUrl(services: Services, db: number): string {
  return `redis://${services.redis.host}:${services.redis.port}/${db}`;
}

export function redisSocketUrl(socketDirInside: string, db: number): string {
  return `unix://${socketDirInside}/${REDIS_SOCKET}?db=${db}`;
}

/** Rows in a table, to check that tests cleaned up after themselves. */
export async function countRows(services: Services, database: string, table: string): Promise<number> {
  const { binDir, host, port, user } = services.postgres;
  const { stdout } = await run(path.join(binDir, 'psql'), [
    '-h', host, '-p', String(port), '-U', user, '-d', database, '-tAc', `SELECT count(*) FROM ${table}`,
  ]);
  return Number(stdout.trim());
}

/** Keys matching a pattern in one Redis database (redis-cli comes with redis-server). */
export async function redisKeys(services: Services, db: number, pattern: string): Promise<string[]> {
  const { host, port } = services.redis;
  const { stdout } = await run('redis-cli', ['-h', host, '-p', String(port), '-n', String(db), '--scan', '--pattern', pattern]);
  return stdout.split('\n').filter(Boolean);
}

/** The rows of a query, each as psql -tA prints it (columns joined by `|`). */
export async function queryRows(services: Services, database: string, sql: string): Promise<string[]> {
  const { binDir, host, port, user } = services.postgres;
  const { stdout } = await run(path.join(binDir, 'psql'), ['-h', host, '-p', String(port), '-U', user, '-d', database, '-tAc', sql]);
  return stdout.split('\n').filter(Boolean);
}

/** One Redis command in one database; its reply as redis-cli prints it. */
export async function redisCommand(services: Services, db: number, args: string[]): Promise<string> {
  const { host, port } = services.redis;
  const { stdout } = await run('redis-cli', ['-h', host, '-p', String(port), '-n', String(db), ...args]);
  return stdout.trim();
}
