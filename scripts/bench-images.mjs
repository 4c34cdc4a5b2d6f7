#!/usr/bin/env node
// `npm run bench:images`: image size and cold build time, uv vs pip, standard vs multi-stage
// (issue 11). A benchmark, not a test: it prints figures for the README.
//
// For the heaviest dependency set (FastAPI + PostgreSQL + Redis), each of the four Dockerfiles
// (uv/pip x standard/multi-stage) is built from a fresh project, cold: before every build the
// engine's whole build cache is pruned (layers and cache mounts, so uv's and pip's download
// caches and apt's lists are empty), and the build downloads everything from PyPI (and, for
// the multi-stage builder, build-essential from Debian). Rounds are interleaved; medians are
// reported. Size is the image's; "added" is what the Dockerfile adds to its base image.
//
// It needs a Docker engine of its own whose builds reach PyPI, with the stand-ins for
// python:<release>-slim-trixie, docker/dockerfile:1 and ghcr.io/astral-sh/uv:<version>
// (tests/locked-images.test.ts builds the uv one; README "How we check" says where the others
// come from): DOCKER_HOST=unix:///... npm run bench:images [-- --rounds N]. It PRUNES THAT
// ENGINE'S BUILD CACHE: never point it at an engine others use.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOCKER = process.env.DOCKER_CLI ?? '/usr/bin/docker';
const { values: flags } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });
const ROUNDS = Number(flags.rounds);

if (!process.env.DOCKER_HOST) {
  console.error('bench-images: set DOCKER_HOST to a dedicated engine whose builds reach PyPI (its build cache is pruned)');
  process.exit(2);
}

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options, env: { ...process.env, DOCKER_BUILDKIT: '1', ...options.env } });
  if (result.status !== 0 && !options.allowFailure) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'cpda-bench-images-'));
const variants = [];
for (const packageManager of ['uv', 'pip'])
  for (const dockerfile of ['standard', 'multi-stage']) {
    const name = `bench-${packageManager}-${dockerfile}`;
    sh(process.execPath, [path.join(ROOT, 'dist', 'create-python-docker-app.js'), name, '--yes', '--framework', 'fastapi', '--postgres', '--redis', '--dockerfile', dockerfile, '--package-manager', packageManager], { cwd: work });
    variants.push({ packageManager, dockerfile, dir: path.join(work, name), tag: `cpda-bench/${name}:latest`, seconds: [], bytes: 0 });
  }

const base = /^ARG PYTHON_VERSION=(\S+)$/m.exec(sh('cat', [path.join(variants[0].dir, 'Dockerfile')]).stdout)[1];
const baseImage = `python:${base}-slim-trixie`;
const baseBytes = Number(sh(DOCKER, ['image', 'inspect', '-f', '{{.Size}}', baseImage]).stdout.trim());

try {
  for (let round = 0; round < ROUNDS; round++)
    for (const v of variants) {
      sh(DOCKER, ['image', 'rm', '-f', v.tag], { allowFailure: true });
      sh(DOCKER, ['builder', 'prune', '-af']);
      const started = process.hrtime.bigint();
      sh(DOCKER, ['build', '-q', '--network', 'host', '-t', v.tag, v.dir]);
      v.seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      v.bytes = Number(sh(DOCKER, ['image', 'inspect', '-f', '{{.Size}}', v.tag]).stdout.trim());
      console.error(`round ${round + 1}: ${v.packageManager} ${v.dockerfile}: ${v.seconds.at(-1).toFixed(1)} s`);
    }
} finally {
  for (const v of variants) sh(DOCKER, ['image', 'rm', '-f', v.tag], { allowFailure: true });
  rmSync(work, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const rows = variants.map((v) => ({
  packageManager: v.packageManager,
  dockerfile: v.dockerfile,
  coldBuildSeconds: Number(median(v.seconds).toFixed(1)),
  minSeconds: Number(Math.min(...v.seconds).toFixed(1)),
  maxSeconds: Number(Math.max(...v.seconds).toFixed(1)),
  imageMB: Number(mb(v.bytes)),
  addedMB: Number(mb(v.bytes - baseBytes)),
}));
if (flags.json) console.log(JSON.stringify({ base: baseImage, baseMB: Number(mb(baseBytes)), rounds: ROUNDS, rows }, null, 2));
else {
  console.log(`FastAPI + PostgreSQL + Redis, ${ROUNDS} cold builds each (median, min-max); base ${baseImage} ${mb(baseBytes)} MB`);
  console.log('| package manager | Dockerfile | cold build | image | added to the base |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(`| ${r.packageManager} | ${r.dockerfile} | ${r.coldBuildSeconds} s (${r.minSeconds}-${r.maxSeconds}) | ${r.imageMB} MB | ${r.addedMB} MB |`);
}
