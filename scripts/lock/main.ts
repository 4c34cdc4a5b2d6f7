// `npm run lock`: computes the lock files new projects ship, from scratch, and stores them in
// templates/locks/ by what each feature adds (src/features/locks.ts, scripts/lock/store.ts):
// for each combination of the options that change what is installed,
//  - uv.lock: `uv lock` of the project's pyproject.toml, rendered by the real engine for the
//    placeholder project name (each project's uv.lock is this one with its own name);
//  - requirements.txt and requirements-dev.txt: `uv pip compile` of the project's
//    requirements.in and requirements-dev.in, exactly as src/features/pip.ts PIP_COMPILE says.
// Every lock is universal: one resolution for every offered Python (requires-python from the
// oldest) and every platform, with the hashes of every file of every pinned release. Then it
// checks that every locked distribution has a wheel for Linux x86_64 and aarch64 on every
// offered Python (scripts/lock/wheel-coverage.py), so no image ever needs a compiler for them,
// and that the store assembles every combination's files byte for byte as the tools wrote them.
//
// Needs PyPI. uv verifies TLS against its own roots, which lack a TLS-intercepting proxy's CA:
// it runs with UV_SYSTEM_CERTS=1 (the system store), or with SSL_CERT_FILE when that is set
// (uv-tool.ts). uv itself (UV_VERSION) is installed from PyPI by pip into $CPDA_CACHE.
// Run it after changing a pin in src/engine/versions.ts, or to take newer transitive releases;
// tests/tools/locks.test.ts fails while a shipped lock no longer matches what it was computed from.
// `npm run lock -- --check` computes and proves the same, and stores nothing.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allLockOptions, LOCKS_DIR, lockId, type LockOptions } from '../../src/features/locks.js';
import { PIP_COMPILE } from '../../src/features/pip/index.js';
import { wheelCoverageProblems } from './coverage.js';
import { lockInputs } from './inputs.js';
import { storeLocks, type LockSet } from './store.js';
import { findPython, installUv, runUv, type UvTool } from './uv-tool.js';

/** Locks one combination from scratch: its uv.lock, requirements.txt and requirements-dev.txt. */
function lockOne(tool: UvTool, python: string, o: LockOptions): LockSet {
  const work = mkdtempSync(path.join(tmpdir(), `cpda-lock-${lockId(o)}-`));
  try {
    for (const manager of ['uv', 'pip'] as const) {
      const dir = path.join(work, manager);
      mkdirSync(dir);
      for (const file of lockInputs(o, manager)) writeFileSync(path.join(dir, file.path), file.contents);
      if (manager === 'uv') runUv(tool, ['lock', '--python', python], dir);
      // requirements-dev.in constrains itself to requirements.txt, so that one comes first.
      // The header shows the command a user runs; the interpreter is chosen through the environment.
      else for (const command of [PIP_COMPILE.requirements, PIP_COMPILE.dev]) runUv(tool, command.slice(1), dir, { UV_PYTHON: python, UV_CUSTOM_COMPILE_COMMAND: command.join(' ') });
    }
    const problems = wheelCoverageProblems(tool, path.join(work, 'uv'));
    if (problems.length > 0) throw new Error(`${lockId(o)}: no wheel for a platform the images run on:\n${problems.join('\n')}`);
    const read = (file: string) => readFileSync(path.join(work, file), 'utf8');
    return { 'uv.lock': read('uv/uv.lock'), 'requirements.txt': read('pip/requirements.txt'), 'requirements-dev.txt': read('pip/requirements-dev.txt') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main(): void {
  const check = process.argv.includes('--check');
  const install = installUv();
  if (!install.ok) throw new Error(`cannot install uv: ${install.reason}`);
  const python = findPython();
  if (!python) throw new Error('uv needs a Python 3.12 or newer to lock with (any one: the lock is the same for all); none was found on PATH or in pyenv');
  const locks = new Map<LockOptions, LockSet>();
  for (const o of allLockOptions()) {
    const started = Date.now();
    locks.set(o, lockOne(install.tool, python, o));
    console.log(`${lockId(o)}: uv.lock, requirements.txt, requirements-dev.txt (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  // With --check the store is written to a directory that is thrown away: the proof is the same.
  const target = check ? mkdtempSync(path.join(tmpdir(), 'cpda-locks-check-')) : LOCKS_DIR;
  try {
    storeLocks(locks, target);
  } finally {
    if (check) rmSync(target, { recursive: true, force: true });
  }
  console.log(`${locks.size} combinations: the store assembles every lock file byte for byte as uv wrote it${check ? ' (--check: nothing stored)' : `; stored in ${path.relative(process.cwd(), LOCKS_DIR)}`}`);
}

main();
