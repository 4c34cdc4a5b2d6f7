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
// Needs PyPI. uv verifies TLS against its own roots, which lack a TLS-intercepting proxy's CA:
// it runs with UV_SYSTEM_CERTS=1 (the system store), or with SSL_CERT_FILE when that is set
// (uv-tool.ts). uv itself (UV_VERSION) is installed from PyPI by pip into $CPDA_CACHE.
// Run it after changing a pin in src/engine/versions.ts, or to take newer transitive releases;
// tests/locks.test.ts fails while a shipped lock no longer matches what it was computed from.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  allLockOptions,
  joinUvLock,
  LOCK_PROJECT_NAME,
  LOCKS_DIR,
  lockId,
  readLock,
  splitUvLock,
  storedPipLock,
  tableKey,
  UV_LIST,
  UV_OWN,
  UV_POOL,
  type LockOptions,
} from '../../src/features/locks.js';
import { PIP_COMPILE } from '../../src/features/pip/index.js';
import { wheelCoverageProblems } from './coverage.js';
import { lockInputs } from './inputs.js';
import { findPython, installUv, runUv, type UvTool } from './uv-tool.js';

/** Locks one combination: writes its pip locks, returns its uv.lock (stored by storeUvLocks). */
function lockOne(tool: UvTool, python: string, o: LockOptions): string {
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
      } else {
        // requirements-dev.in constrains itself to requirements.txt, so that one comes first.
        for (const command of [PIP_COMPILE.requirements, PIP_COMPILE.dev]) {
          // The header shows the command a user runs; the interpreter is chosen through the environment.
          runUv(tool, command.slice(1), dir, { UV_PYTHON: python, UV_CUSTOM_COMPILE_COMMAND: command.join(' ') });
          const output = command[command.indexOf('-o') + 1] as 'requirements.txt' | 'requirements-dev.txt';
          const stored = storedPipLock(o, output);
          if (stored === path.join(out, output)) copyFileSync(path.join(dir, output), stored);
          // Shared with the combination with ruff, locked first (allLockOptions' order).
          else if (readFileSync(stored, 'utf8') !== readFileSync(path.join(dir, output), 'utf8'))
            throw new Error(`${lockId(o)}: ${output} differs from the one it shares (${path.relative(LOCKS_DIR, stored)})`);
        }
      }
    }
    const problems = wheelCoverageProblems(tool, path.join(work, 'uv'));
    if (problems.length > 0) throw new Error(`${lockId(o)}: no wheel for a platform the images run on:\n${problems.join('\n')}`);
    return readFileSync(path.join(work, 'uv', 'uv.lock'), 'utf8');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The uv locks, stored as src/features/locks.ts reads them: every package table once in the
 * pool, each lock's header and project table and its list of pool tables. Checked to read back
 * byte for byte before anything is written.
 */
function storeUvLocks(locks: Map<LockOptions, string>): void {
  const pool = new Map<string, string>();
  const own = new Map<LockOptions, { text: string; list: string }>();
  for (const [o, lock] of locks) {
    const { header, tables } = splitUvLock(lock);
    const project = tables.filter((t) => tableKey(t).startsWith(`${LOCK_PROJECT_NAME} `));
    const packages = tables.filter((t) => !project.includes(t));
    if (project.length !== 1) throw new Error(`${lockId(o)}: uv.lock has ${project.length} tables for ${LOCK_PROJECT_NAME}`);
    for (const table of packages) {
      const key = tableKey(table);
      if (pool.has(key) && pool.get(key) !== table) throw new Error(`${key} is written differently in two locks; they cannot share a pool`);
      pool.set(key, table);
    }
    own.set(o, { text: joinUvLock(header, project).replace(/\n*$/, '\n'), list: packages.map(tableKey).join('\n') + '\n' });
  }
  const keys = [...pool.keys()].sort();
  const poolText = joinUvLock(`# Every [[package]] table of the stored uv.lock files, once (src/features/locks.ts).\n`, keys.map((k) => pool.get(k)!));
  const staging = mkdtempSync(path.join(tmpdir(), 'cpda-locks-store-'));
  try {
    writeFileSync(path.join(staging, UV_POOL), poolText.replace(/\n*$/, '\n'));
    for (const [o, parts] of own) {
      mkdirSync(path.join(staging, lockId(o)));
      writeFileSync(path.join(staging, lockId(o), UV_OWN), parts.text);
      writeFileSync(path.join(staging, lockId(o), UV_LIST), parts.list);
    }
    for (const [o, lock] of locks)
      if (readLock(o, 'uv.lock', staging) !== lock) throw new Error(`${lockId(o)}: the stored parts do not read back as the uv.lock uv wrote`);
    copyFileSync(path.join(staging, UV_POOL), path.join(LOCKS_DIR, UV_POOL));
    for (const o of own.keys()) {
      for (const file of [UV_OWN, UV_LIST]) copyFileSync(path.join(staging, lockId(o), file), path.join(LOCKS_DIR, lockId(o), file));
      rmSync(path.join(LOCKS_DIR, lockId(o), 'uv.lock'), { force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function main(): void {
  const install = installUv();
  if (!install.ok) throw new Error(`cannot install uv: ${install.reason}`);
  const python = findPython();
  if (!python) throw new Error('uv needs a Python 3.12 or newer to lock with (any one: the lock is the same for all); none was found on PATH or in pyenv');
  const uvLocks = new Map<LockOptions, string>();
  for (const o of allLockOptions()) {
    const started = Date.now();
    uvLocks.set(o, lockOne(install.tool, python, o));
    console.log(`${lockId(o)}: uv.lock, requirements.txt, requirements-dev.txt (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  storeUvLocks(uvLocks);
  console.log(`uv.lock files stored as ${UV_POOL} and each combination's own part`);
}

main();
