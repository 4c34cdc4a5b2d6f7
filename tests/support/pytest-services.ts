// The PostgreSQL 18 and Redis 8 that the projects' pytest suites use (tests/stack/app-runtime.test.ts):
// one of each per engine, from the same stand-in images as the Compose stacks, on a private
// network that the pytest containers join. Each project gets its own database and its own
// Redis database number, so suites running at once cannot see each other's data.

import { SERVICE_IMAGES } from '../../src/engine/versions.js';
import { docker } from './docker.js';
import type { EngineInfo } from './engine.js';
import { tail } from './run.js';

const NETWORK = 'cpda-pytest';
const PASSWORD = 'pytest-only';
const PG = 'cpda-pytest-pg';
const REDIS = 'cpda-pytest-redis';

export class PytestServices {
  private readonly started = new Map<number, Promise<void>>();
  private readonly engines = new Map<number, EngineInfo>();

  /** The network of the engine's services, started on first use. */
  async network(engine: EngineInfo): Promise<string> {
    let ready = this.started.get(engine.slot);
    if (!ready) {
      ready = this.start(engine);
      this.started.set(engine.slot, ready);
      this.engines.set(engine.slot, engine);
    }
    await ready;
    return NETWORK;
  }

  private async start(engine: EngineInfo): Promise<void> {
    await must(docker(engine, ['network', 'create', NETWORK]), 'create the pytest network');
    // prettier-ignore
    await must(docker(engine, ['run', '-d', '--name', PG, '--network', NETWORK, '--network-alias', 'postgres',
      '-e', 'POSTGRES_USER=postgres', '-e', `POSTGRES_PASSWORD=${PASSWORD}`, SERVICE_IMAGES.postgres]), 'start PostgreSQL');
    // prettier-ignore
    await must(docker(engine, ['run', '-d', '--name', REDIS, '--network', NETWORK, '--network-alias', 'redis',
      SERVICE_IMAGES.redis, 'redis-server', '--databases', '64']), 'start Redis');
    const deadline = Date.now() + 60_000;
    for (;;) {
      // Over TCP, as the apps connect: the entry point's first start is over.
      const pg = await docker(engine, ['exec', PG, 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres']);
      const redis = await docker(engine, ['exec', REDIS, 'redis-cli', 'ping']);
      if (pg.code === 0 && redis.stdout.trim() === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`PostgreSQL/Redis for pytest not ready:\n${tail(pg)}\n${tail(redis)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async createDatabase(engine: EngineInfo, name: string): Promise<void> {
    await must(docker(engine, ['exec', PG, 'createdb', '-U', 'postgres', name]), `create database ${name}`);
  }

  /** Password authentication over TCP, as the app connects under Compose: the variables it builds its URL from. */
  databaseEnv(database: string): Record<string, string> {
    return { POSTGRES_HOST: 'postgres', POSTGRES_PORT: '5432', POSTGRES_USER: 'postgres', POSTGRES_DB: database, POSTGRES_PASSWORD: PASSWORD };
  }

  redisUrl(db: number): string {
    return `redis://redis:6379/${db}`;
  }

  /** A query's rows, as psql -tA prints them (columns joined by |). */
  async query(engine: EngineInfo, database: string, sql: string): Promise<string[]> {
    const r = await docker(engine, ['exec', PG, 'psql', '-U', 'postgres', '-d', database, '-tAc', sql]);
    if (r.code !== 0) throw new Error(`${sql} in ${database}:\n${tail(r)}`);
    return r.stdout.split('\n').filter(Boolean);
  }

  /** One redis-cli command in database `db`; its output lines. */
  async redis(engine: EngineInfo, db: number, args: string[]): Promise<string[]> {
    const r = await docker(engine, ['exec', REDIS, 'redis-cli', '-n', String(db), ...args]);
    if (r.code !== 0) throw new Error(`redis-cli ${args.join(' ')}:\n${tail(r)}`);
    return r.stdout.split('\n').filter(Boolean);
  }

  async redisKeys(engine: EngineInfo, db: number, pattern: string): Promise<string[]> {
    const r = await docker(engine, ['exec', REDIS, 'redis-cli', '-n', String(db), '--scan', '--pattern', pattern]);
    if (r.code !== 0) throw new Error(`scanning Redis db ${db}:\n${tail(r)}`);
    return r.stdout.split('\n').filter(Boolean);
  }

  async removeAll(): Promise<void> {
    for (const engine of this.engines.values()) {
      await docker(engine, ['rm', '-f', '-v', PG, REDIS]);
      await docker(engine, ['network', 'rm', NETWORK]);
    }
  }
}

async function must(result: Promise<{ code: number; stdout: string; stderr: string }>, what: string): Promise<void> {
  const r = await result;
  if (r.code !== 0) throw new Error(`could not ${what}:\n${r.stderr.trim() || r.stdout.trim()}`);
}
