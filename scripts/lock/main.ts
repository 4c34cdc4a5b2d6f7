// `npm run lock`: computes the lock files new projects ship and writes them into
// templates/locks/<lock id>/ (src/features/locks.ts): for each framework x postgres x redis,
//  - uv.lock: `uv lock` of the project's pyproject.toml, rendered by the real engine for the
//    placeholder project name (each project's uv.lock is this one with its own name);
//  - requirements.txt and requirements-dev.txt: `uv pip compile` of the project's
//    requirements.in and requirements-dev.in, exactly as src/features/pip.ts PIP_COMPILE says.
// Every lock is universal: one resolution for every offered Python (requires-python from the
// oldest) and every platform, with the hashes of every file of every pinned release. Then it
// checks that every locked distribution has a wheel for Linux x86_64 and aarch64 on every
// offered Python (scripts/lock/wheel-coverage.py), so no image ever needs a compiler for them.
//
// Needs PyPI. uv verifies TLS against its own roots: behind a TLS-intercepting proxy run it as
//   SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt npm run lock
// (or UV_NATIVE_TLS=1). uv itself (UV_VERSION) is installed from PyPI by pip into $CPDA_CACHE.
// Run it after changing a pin in src/engine/versions.ts, or to take newer transitive releases;
// tests/locks.test.ts fails while a shipped lock no longer matches what it was computed from.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allLockOptions, LOCKS_DIR, lockId, type LockOptions } from '../../src/features/locks.js';
import { PIP_COMPILE } from '../../src/features/pip.js';
import { wheelCoverageProblems } from './coverage.js';
import { lockInputs } from './inputs.js';
import { findPython, installUv, runUv, type UvTool } from './uv-tool.js';

function lockOne(tool: UvTool, python: string, o: LockOptions): void {
  const work = mkdtempSync(path.join(tmpdir(), `cpda-lock-${lockId(o)}-`));
  const out = path.join(LOCKS_DIR, lockId(o));
  mkdirSync(out, { recursive: true });
  try {
    for (const manager of ['uv', 'pip'] as const) {
      const dir = path.join(work, manager);
      mkdirSync(dir);
      for (const file of lockInputs(o, manager)) writeFileSync(path.join(dir, file.path), file.contents);
      if (manager === 'uv') {
        runUv(tool, ['lock', '--python', python], dir);
        copyFileSync(path.join(dir, 'uv.lock'), path.join(out, 'uv.lock'));
      } else {
        // requirements-dev.in constrains itself to requirements.txt, so that one comes first.
        for (const command of [PIP_COMPILE.requirements, PIP_COMPILE.dev]) {
          // The header shows the command a user runs; the interpreter is chosen through the environment.
          runUv(tool, command.slice(1), dir, { UV_PYTHON: python, UV_CUSTOM_COMPILE_COMMAND: command.join(' ') });
          const output = command[command.indexOf('-o') + 1]!;
          copyFileSync(path.join(dir, output), path.join(out, output));
        }
      }
    }
    const problems = wheelCoverageProblems(tool, path.join(work, 'uv'));
    if (problems.length > 0) throw new Error(`${lockId(o)}: no wheel for a platform the images run on:\n${problems.join('\n')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main(): void {
  const install = installUv();
  if (!install.ok) throw new Error(`cannot install uv: ${install.reason}`);
  const python = findPython();
  if (!python) throw new Error('uv needs a Python 3.12 or newer to lock with (any one: the lock is the same for all); none was found on PATH or in pyenv');
  for (const o of allLockOptions()) {
    const started = Date.now();
    lockOne(install.tool, python, o);
    console.log(`${lockId(o)}: uv.lock, requirements.txt, requirements-dev.txt (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main();
