// Image sizes of the generated Dockerfiles, standard vs multi-stage, uv vs pip, per framework: a
// benchmark, not a test (sizes move with every release of every dependency). Run it with
// `npm run bench:images` (as root; scripts/bench-images.mjs compiles and starts this file).
//
// It builds the default project (Python 3.13, Postgres and Redis on) of each framework in
// both variants with a private engine and the stand-in base image (tests/support/engine.ts,
// tests/support/standin-images.ts), and prints a Markdown table: the image, the base image,
// and what the project adds on top of it (its dependencies as pip installed them from PyPI,
// and its code), which is the figure that carries over to the official python image.
//
// It also starts each image RUNS times (with a PostgreSQL and a Redis container of the pinned
// images on a network of their own, and the schema migrated once) and reports the median time
// from `docker run` to the engine calling the container healthy: what a smaller image must not
// cost is start-up time. The HEALTHCHECK probes every second while the container starts
// (--start-interval=1s), so the figure moves in steps of about a second; the median of RUNS
// keeps one slow start from deciding it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOCKERFILE_VARIANTS, FRAMEWORKS, PACKAGE_MANAGERS, type DockerfileVariant, type Framework, type PackageManager } from '../src/options/table.js';
import { PYTHON_IMAGES, SERVICE_IMAGES } from '../src/engine/versions.js';
import { docker } from '../tests/support/docker.js';
import { startEngine } from '../tests/support/engine.js';
import { generateInto } from '../tests/support/generate.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { tail } from '../tests/support/run.js';
import { buildStandins } from '../tests/support/standin-images.js';

interface Row {
  framework: Framework;
  packageManager: PackageManager;
  dockerfile: DockerfileVariant;
  /** Build time without layer cache (download caches pruned too), seconds. */
  seconds: number;
  bytes: number;
  baseBytes: number;
  layers: number;
  /** Median seconds from `docker run` to healthy, over RUNS starts. */
  healthySeconds: number;
}

/** Starts per image for the median time to healthy. */
const RUNS = 5;
const NETWORK = 'cpda-bench';
const DB_PASSWORD = 'bench';

export async function main(argv: string[], repo: string): Promise<number> {
  const json = argv.includes('--json');
  if (process.getuid?.() !== 0) {
    console.error('bench-images: needs root (it starts a private Docker engine)');
    return 2;
  }
  const setup = spawnSync('bash', [path.join(repo, 'scripts', 'setup-test-env.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (setup.status !== 0) return 1;

  const engine = await startEngine();
  const work = mkdtempSync(path.join(tmpdir(), 'cpda-bench-images-'));
  const rows: Row[] = [];
  try {
    await buildStandins(engine);
    const base = PYTHON_IMAGES['3.13'];
    const baseBytes = await imageSize(base);
    await startServices();
    for (const framework of FRAMEWORKS)
      for (const packageManager of PACKAGE_MANAGERS)
      for (const dockerfile of DOCKERFILE_VARIANTS) {
        const id = `${framework}-${packageManager}-${dockerfile}`;
        const dir = generateInto({ name: `bench-${framework}`, framework, dockerfile, packageManager, python: '3.13' }, path.join(work, id));
        const image = `cpda-bench/${framework}:${packageManager}-${dockerfile}`;
        // Cold: no layer cache and empty cache mounts, so every build downloads its lock.
        await docker(engine, ['builder', 'prune', '-af']);
        const started = Date.now();
        const build = await docker(engine, ['build', '-q', '-t', image, dir], { timeoutMs: 900_000 });
        const seconds = (Date.now() - started) / 1000;
        if (build.code !== 0) throw new Error(`docker build ${dir} failed:\n${tail(build)}`);
        console.error(`bench-images: built ${image} in ${seconds.toFixed(1)} s`);
        const layers = (await docker(engine, ['image', 'inspect', '-f', '{{len .RootFS.Layers}}', image])).stdout.trim();
        const healthySeconds = await medianTimeToHealthy(image, id);
        console.error(`bench-images: ${image} healthy after ${healthySeconds.toFixed(2)} s (median of ${RUNS})`);
        rows.push({ framework, packageManager, dockerfile, seconds, bytes: await imageSize(image), baseBytes, layers: Number(layers), healthySeconds });
      }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await engine.stop();
  }

  if (json) console.log(JSON.stringify({ base: PYTHON_IMAGES['3.13'], rows }, null, 2));
  else console.log(table(rows));
  return 0;

  /** PostgreSQL and Redis for the apps, which check both (and the schema) when they start. */
  async function startServices(): Promise<void> {
    await docker(engine, ['network', 'create', NETWORK]);
    const db = await docker(engine, ['run', '-d', '--name', 'cpda-bench-db', '--network', NETWORK, '-e', 'POSTGRES_USER=app', '-e', `POSTGRES_PASSWORD=${DB_PASSWORD}`, '-e', 'POSTGRES_DB=app', SERVICE_IMAGES.postgres]);
    const redis = await docker(engine, ['run', '-d', '--name', 'cpda-bench-redis', '--network', NETWORK, SERVICE_IMAGES.redis]);
    if (db.code !== 0 || redis.code !== 0) throw new Error(`services did not start:\n${tail(db)}\n${tail(redis)}`);
    for (let i = 0; i < 120; i++) {
      // -h: over TCP, which the server opens only after its initialisation.
      if ((await docker(engine, ['exec', 'cpda-bench-db', 'pg_isready', '-h', '127.0.0.1', '-U', 'app'])).code === 0) return;
      await sleep(500);
    }
    throw new Error('PostgreSQL did not get ready');
  }

  /** Each variant gets a database of its own, migrated once with the image's own alembic. */
  async function medianTimeToHealthy(image: string, id: string): Promise<number> {
    const database = id.replaceAll('-', '_');
    const created = await docker(engine, ['exec', 'cpda-bench-db', 'createdb', '-U', 'app', database]);
    if (created.code !== 0) throw new Error(`createdb ${database}: ${tail(created)}`);
    const env = ['-e', `DATABASE_URL=postgresql+psycopg://app:${DB_PASSWORD}@cpda-bench-db:5432/${database}`, '-e', 'REDIS_URL=redis://cpda-bench-redis:6379/0'];
    const migrated = await docker(engine, ['run', '--rm', '--network', NETWORK, ...env, image, 'alembic', 'upgrade', 'head']);
    if (migrated.code !== 0) throw new Error(`alembic upgrade head in ${image}: ${tail(migrated)}`);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = Date.now();
      // As compose.yaml runs it: read-only root file system, /tmp a tmpfs.
      const container = await docker(engine, ['run', '-d', '--network', NETWORK, '--read-only', '--tmpfs', '/tmp', ...env, image]);
      if (container.code !== 0) throw new Error(`docker run ${image}: ${tail(container)}`);
      const cid = container.stdout.trim();
      try {
        for (;;) {
          const status = (await docker(engine, ['inspect', '-f', '{{.State.Health.Status}} {{.State.Running}}', cid])).stdout.trim();
          if (status.startsWith('healthy')) break;
          if (status.startsWith('unhealthy') || status.endsWith('false') || Date.now() - started > 60_000)
            throw new Error(`${image} did not get healthy (${status}):\n${tail(await docker(engine, ['logs', cid]))}`);
          await sleep(50);
        }
        times.push((Date.now() - started) / 1000);
      } finally {
        await docker(engine, ['rm', '-f', cid]);
      }
    }
    return median(times);
  }

  async function imageSize(image: string): Promise<number> {
    const r = await docker(engine, ['image', 'inspect', '-f', '{{.Size}}', image]);
    if (r.code !== 0) throw new Error(`docker image inspect ${image}: ${tail(r)}`);
    return Number(r.stdout.trim());
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  // RUNS is odd: the median is the middle value.
  return sorted[Math.floor(sorted.length / 2)]!;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function table(rows: Row[]): string {
  const lines = [
    `| framework | package manager | Dockerfile | image | base image (stand-in) | added by the project | layers | cold build | \`docker run\` to healthy (median of ${RUNS}) |`,
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.framework} | ${r.packageManager} | ${r.dockerfile} | ${mb(r.bytes)} | ${mb(r.baseBytes)} | ${mb(r.bytes - r.baseBytes)} | ${r.layers} | ${r.seconds.toFixed(1)} s | ${r.healthySeconds.toFixed(2)} s |`,
    ),
  ];
  return lines.join('\n');
}
