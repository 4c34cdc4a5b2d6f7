// The lock store (templates/locks/, src/features/locks.ts) holds what each feature adds, and
// `npm run lock` stores a set of locks only once the store assembles every one of them byte for
// byte (scripts/lock/store.ts). These run offline on the shipped locks: the store written for
// them is the shipped one, and locks that do not split by feature are refused with nothing
// stored. (That the shipped locks are what uv and pip-compile write from scratch is
// `npm run lock -- --check`, which needs PyPI; tests/tools/locks.test.ts checks them against uv.)

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { allLockOptions, lockFeatures, lockId, LOCKS_DIR, readLock, STORE, type LockOptions } from '../../src/features/locks.js';
import { storeLocks, type LockSet } from '../../scripts/lock/store.js';
import { mutate } from '../support/mutate.js';

const work = mkdtempSync(path.join(tmpdir(), 'cpda-locks-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every combination's three lock files, as the shipped store assembles them. */
function shippedLocks(): Map<LockOptions, LockSet> {
  return new Map(
    allLockOptions().map((o) => [o, { 'uv.lock': readLock(o, 'uv.lock'), 'requirements.txt': readLock(o, 'requirements.txt'), 'requirements-dev.txt': readLock(o, 'requirements-dev.txt') }]),
  );
}

/** Every file under `dir`, by its path relative to it. */
function files(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const file = path.join(e.parentPath, e.name);
        return [path.relative(dir, file), readFileSync(file, 'utf8')] as const;
      }),
  );
}

/** A directory holding one file that a refused store must leave alone. */
function storeDir(name: string): string {
  const dir = mkdtempSync(path.join(work, `${name}-`));
  writeFileSync(path.join(dir, 'kept.txt'), 'kept\n');
  return dir;
}

describe('the store grows with features, not with combinations', () => {
  test('the shipped store is exactly what npm run lock writes for the locks it assembles', () => {
    const dir = storeDir('roundtrip');
    storeLocks(shippedLocks(), dir);
    expect(files(dir)).toEqual(files(LOCKS_DIR));
  });

  test('a uv.lock is assembled from the fragments of its features, each of which the store has', () => {
    const features = JSON.parse(readFileSync(path.join(LOCKS_DIR, STORE.features), 'utf8')) as Record<string, unknown>;
    const used = new Set(allLockOptions().flatMap(lockFeatures));
    expect(Object.keys(features).sort()).toEqual([...used].sort());
    // No uv file per combination: one pool, one project table, one fragment per feature.
    expect(readdirSync(LOCKS_DIR).filter((f) => f.endsWith('.lock')).sort()).toEqual([STORE.uvPool, STORE.uvProject].sort());
  });
});

describe('locks that do not split by feature are refused, and nothing is stored', () => {
  test('a package only one combination locks (a resolution that is not the union of its features)', () => {
    const locks = shippedLocks();
    const [o, lock] = [...locks][0]!;
    // The pool's tables are in name order; a package of its own goes last.
    const extra = '\n[[package]]\nname = "zz-only-here"\nversion = "1.0.0"\nsource = { registry = "https://pypi.org/simple" }\n';
    locks.set(o, { ...lock, 'uv.lock': lock['uv.lock'] + extra });
    const dir = storeDir('one-combination');
    expect(() => storeLocks(locks, dir)).toThrow(new RegExp(`^the store does not assemble these locks.*\\n${lockId(o)}: uv\\.lock$`, 's'));
    expect([...files(dir).keys()]).toEqual(['kept.txt']);
  });

  test('a shared package at another version in one combination', () => {
    const locks = shippedLocks();
    const [o, lock] = [...locks].find(([c]) => c.framework === 'flask' && c.redis)!;
    const moved = mutate(lock['uv.lock'], /^name = "redis"\nversion = "[^"]+"$/m, 'name = "redis"\nversion = "0.0.1"');
    locks.set(o, { ...lock, 'uv.lock': moved });
    expect(() => storeLocks(locks, storeDir('two-versions'))).toThrow(`${lockId(o)}: uv.lock`);
  });

  test('a pin whose hashes differ between two pip locks', () => {
    const locks = shippedLocks();
    const [o, lock] = [...locks][0]!;
    const hash = /--hash=sha256:([0-9a-f]{64})/.exec(lock['requirements.txt'])![1]!;
    locks.set(o, { ...lock, 'requirements.txt': mutate(lock['requirements.txt'], hash, '0'.repeat(64)) });
    const dir = storeDir('pip-hashes');
    expect(() => storeLocks(locks, dir)).toThrow(/has different hashes in two pip locks/);
    expect([...files(dir).keys()]).toEqual(['kept.txt']);
  });
});
