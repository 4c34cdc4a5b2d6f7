// Image sizes of the generated Dockerfiles, standard vs multi-stage, uv vs pip, per framework: a
// benchmark, not a test (sizes move with every release of every dependency). Run it with
// `npm run bench:images` (as root; scripts/bench-images.mjs compiles and starts this file).
//
// It builds the default project (Python 3.13, Postgres and Redis on) of each framework in
// both variants with a private engine and the stand-in base image (tests/support/engine.ts,
// tests/support/standin-images.ts), and prints a Markdown table: the image, the base image,
// and what the project adds on top of it (its dependencies as pip installed them from PyPI,
// and its code), which is the figure that carries over to the official python image.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOCKERFILE_VARIANTS, FRAMEWORKS, PACKAGE_MANAGERS, type DockerfileVariant, type Framework, type PackageManager } from '../src/options/table.js';
import { PYTHON_IMAGES } from '../src/engine/versions.js';
import { docker } from '../tests/support/docker.js';
import { startEngine } from '../tests/support/engine.js';
import { generateInto } from '../tests/support/generate.js';
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
}

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
        rows.push({ framework, packageManager, dockerfile, seconds, bytes: await imageSize(image), baseBytes, layers: Number(layers) });
      }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await engine.stop();
  }

  if (json) console.log(JSON.stringify({ base: PYTHON_IMAGES['3.13'], rows }, null, 2));
  else console.log(table(rows));
  return 0;

  async function imageSize(image: string): Promise<number> {
    const r = await docker(engine, ['image', 'inspect', '-f', '{{.Size}}', image]);
    if (r.code !== 0) throw new Error(`docker image inspect ${image}: ${tail(r)}`);
    return Number(r.stdout.trim());
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function table(rows: Row[]): string {
  const lines = [
    '| framework | package manager | Dockerfile | image | base image (stand-in) | added by the project | layers | cold build |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.framework} | ${r.packageManager} | ${r.dockerfile} | ${mb(r.bytes)} | ${mb(r.baseBytes)} | ${mb(r.bytes - r.baseBytes)} | ${r.layers} | ${r.seconds.toFixed(1)} s |`,
    ),
  ];
  return lines.join('\n');
}
