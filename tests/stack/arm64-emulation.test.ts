// The release job's linux/arm64 image (issue 24, item 3), built and started on this x86-64
// machine under QEMU user-mode emulation, as GitHub's runner builds it with QEMU too:
//  - qemu-aarch64 is Debian sid's, registered with binfmt_misc by scripts/setup-test-env.sh;
//  - the base images are arm64 stand-ins (tests/support/standin-images.ts): trixie's arm64
//    Python 3.13 packages made into python:3.13-slim-trixie's arm64 twin, and uv's aarch64
//    binaries; the build maps the Dockerfile's image names to them with `--build-context`.
// Python 3.13, because its stand-in is trixie's, as the official images are: sid's userland (our
// 3.14 and 3.15 stand-ins) makes useradd fail under QEMU 11.1, which does not know the
// getxattrat system call that sid's libattr tries first.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { docker, engineFor } from '../support/docker.js';
import type { EngineInfo } from '../support/engine.js';
import { generateInto } from '../support/generate.js';
import { runUntilHealthy } from '../support/image-health.js';
import { tail } from '../support/run.js';
import { ARM64_PYTHON, ARM64_STANDINS, arm64Unavailable, buildArm64Standins } from '../support/standin-images.js';

const state = inject('engines');
const reason = !state.available ? state.reason : arm64Unavailable();

const TAG = 'cpda-arm64-app:release';
const work = mkdtempSync(path.join(tmpdir(), 'cpda-arm64-'));
let engine: EngineInfo;

beforeAll(async () => {
  if (reason || !state.available) return;
  engine = engineFor(state.engines, 1);
  const started = Date.now();
  await buildArm64Standins(engine);
  // The project the release job builds, without services: the image alone is what is judged.
  const dir = generateInto(
    { name: 'arm-app', framework: 'fastapi', python: ARM64_PYTHON, postgres: false, redis: false, migrations: false, dockerfile: 'standard', packageManager: 'uv' },
    work,
  );
  const contexts = Object.entries(ARM64_STANDINS).flatMap(([official, standin]) => ['--build-context', `${official}=docker-image://${standin}`]);
  const build = await docker(engine, ['buildx', 'build', '--progress', 'plain', '--platform', 'linux/arm64', ...contexts, '--load', '-t', TAG, dir], {
    timeoutMs: 900_000,
  });
  if (build.code !== 0) throw new Error(`the arm64 build of the generated project failed:\n${tail(build, 30)}`);
  console.log(`[arm64] stand-ins and the emulated build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 1_000_000);

afterAll(async () => {
  if (!reason && state.available) await docker(engine, ['image', 'rm', '-f', TAG]);
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(reason !== undefined)(`the linux/arm64 image under emulation${reason ? ` (skipped: ${reason})` : ''}`, () => {
  test('is arm64 in its configuration, its interpreter and the compiled wheels uv installed', async () => {
    const arch = await docker(engine, ['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', TAG]);
    expect(arch.stdout.trim()).toBe('linux/arm64');
    // ELF's e_machine (bytes 18-19) of every extension module in the venv: 183 is AArch64.
    const program = [
      'import glob, platform, json',
      "sos = glob.glob('/app/.venv/lib/python*/site-packages/**/*.so', recursive=True)",
      "machines = sorted({int.from_bytes(open(f, 'rb').read(20)[18:20], 'little') for f in sos})",
      "print(json.dumps({'machine': platform.machine(), 'extensions': len(sos), 'e_machine': machines}))",
    ].join('\n');
    const run = await docker(engine, ['run', '--rm', '--platform', 'linux/arm64', '--network', 'none', '--entrypoint', 'python', TAG, '-c', program], {
      timeoutMs: 120_000,
    });
    expect(run.code, tail(run)).toBe(0);
    const found = JSON.parse(run.stdout) as { machine: string; extensions: number; e_machine: number[] };
    expect(found.machine).toBe('aarch64');
    // pydantic-core, uvloop and httptools at least.
    expect(found.extensions).toBeGreaterThanOrEqual(3);
    expect(found.e_machine).toEqual([183]);
  });

  test('starts and passes its own HEALTHCHECK', async () => {
    const started = Date.now();
    const health = await runUntilHealthy(engine, TAG, ['--platform', 'linux/arm64', '--network', 'none']);
    expect(health.status, health.logs).toBe('healthy');
    console.log(`[arm64] healthy under emulation after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
