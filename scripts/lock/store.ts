// Stores the locks `npm run lock` computed the way src/features/locks.ts reads them: by what each
// feature adds (see the top of that file), and proves, for every combination, that what
// readLock assembles from the store is byte for byte the lock the tools wrote, before anything
// under templates/locks/ is replaced. When the proof fails for a combination, nothing is stored
// and the error names the combination and the file.

import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  forgetStore,
  joinUvLock,
  LOCK_PROJECT_NAME,
  lockFeatures,
  lockId,
  PIP_PIN,
  projectLists,
  readLock,
  splitUvLock,
  STORE,
  tableHashes,
  tableKey,
  type FeatureFragments,
  type LockOptions,
  type PipIndex,
  type PipLockFile,
  type StoredLockFile,
} from '../../src/features/locks.js';

/** One combination's lock files, as the tools wrote them (uv.lock for LOCK_PROJECT_NAME). */
export type LockSet = Record<StoredLockFile, string>;

const PIP_FILES: PipLockFile[] = ['requirements.txt', 'requirements-dev.txt'];

/** Writes the store for `locks` (every combination) into `locksDir`, once it reads back as each of them. */
export function storeLocks(locks: Map<LockOptions, LockSet>, locksDir: string): void {
  const staging = mkdtempSync(path.join(tmpdir(), 'cpda-locks-store-'));
  try {
    writeStore(locks, staging);
    const wrong = [...locks].flatMap(([o, set]) =>
      (Object.keys(set) as StoredLockFile[]).filter((file) => readLock(o, file, staging) !== set[file]).map((file) => `${lockId(o)}: ${file}`),
    );
    forgetStore(staging);
    if (wrong.length > 0) throw new Error(`the store does not assemble these locks as the tools wrote them, nothing was stored:\n${wrong.join('\n')}`);
    for (const entry of readdirSync(locksDir)) rmSync(path.join(locksDir, entry), { recursive: true, force: true });
    cpSync(staging, locksDir, { recursive: true });
    forgetStore(locksDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function writeStore(locks: Map<LockOptions, LockSet>, dir: string): void {
  const pool = new Map<string, string>();
  const parts = new Map<LockOptions, { keys: Set<string>; lists: Record<string, string[]> }>();
  const heads = new Set<string>();
  for (const [o, set] of locks) {
    const { header, tables } = splitUvLock(set['uv.lock']);
    const project = tables.filter((t) => tableKey(t).startsWith(`${LOCK_PROJECT_NAME} `));
    if (project.length !== 1) throw new Error(`${lockId(o)}: uv.lock has ${project.length} tables for ${LOCK_PROJECT_NAME}`);
    const packages = tables.filter((t) => t !== project[0]);
    for (const table of packages) {
      const key = tableKey(table);
      if (pool.has(key) && pool.get(key) !== table) throw new Error(`${key} is written differently in two locks; they cannot share a pool`);
      pool.set(key, table);
    }
    const { skeleton, lists } = projectLists(project[0]!);
    heads.add(joinUvLock(header, [skeleton]).replace(/\n*$/, '\n'));
    parts.set(o, { keys: new Set(packages.map(tableKey)), lists });
  }
  // One header and project skeleton for all; checked again by the read-back.
  writeFileSync(path.join(dir, STORE.uvProject), [...heads][0]!);
  const keys = [...pool.keys()].sort();
  const poolText = joinUvLock(`# Every [[package]] table of the stored uv.lock files, once (src/features/locks.ts).\n`, keys.map((k) => pool.get(k)!));
  writeFileSync(path.join(dir, STORE.uvPool), poolText.replace(/\n*$/, '\n'));
  writeFileSync(path.join(dir, STORE.features), `${JSON.stringify(featureFragments(parts), null, 2)}\n`);
  writePipLocks(locks, pool, dir);
}

/**
 * What each feature adds: what every lock with it has, less what every lock with it has
 * without it too (and, for `base` and the frameworks, less what every lock has).
 */
function featureFragments(parts: Map<LockOptions, { keys: Set<string>; lists: Record<string, string[]> }>): FeatureFragments {
  const entries = [...parts];
  const items = (p: { keys: Set<string>; lists: Record<string, string[]> }) =>
    new Set([...[...p.keys].map((k) => `package\t${k}`), ...Object.entries(p.lists).flatMap(([list, lines]) => lines.map((l) => `${list}\t${l}`))]);
  const common = (sets: Set<string>[]) => new Set([...(sets[0] ?? [])].filter((item) => sets.every((s) => s.has(item))));
  const withFeature = (feature: string) => entries.filter(([o]) => lockFeatures(o).includes(feature));
  const base = common(entries.map(([, p]) => items(p)));
  const features = [...new Set(entries.flatMap(([o]) => lockFeatures(o)))];
  const fragments: FeatureFragments = {};
  for (const feature of features) {
    const having = withFeature(feature);
    const all = common(having.map(([, p]) => items(p)));
    // The same combinations without the feature; a framework has none (one is always chosen).
    const counterparts = having.map(([o]) => withoutFeature(o, feature));
    const without = counterparts.flatMap((o) => (o ? entries.filter(([other]) => lockId(other) === lockId(o)).map(([, p]) => items(p)) : []));
    const already = feature === 'base' ? new Set<string>() : counterparts.every(Boolean) ? common(without) : base;
    const added = [...all].filter((item) => !already.has(item) && (feature === 'base' || !base.has(item)));
    const fragment = { packages: [] as string[], lists: {} as Record<string, string[]> };
    for (const item of added) {
      const [kind, value] = item.split('\t') as [string, string];
      if (kind === 'package') fragment.packages.push(value);
      else (fragment.lists[kind] ??= []).push(value);
    }
    fragments[feature] = fragment;
  }
  return fragments;
}

function withoutFeature(o: LockOptions, feature: string): LockOptions | undefined {
  switch (feature) {
    case 'postgres':
      return { ...o, postgres: false, migrations: false, worker: 'none' };
    case 'worker':
      return { ...o, worker: 'none' };
    case 'redis':
      return { ...o, redis: false, worker: 'none' };
    case 'migrations':
    case 'lint':
      return { ...o, [feature]: false };
    default:
      return undefined;
  }
}

/** pip-hashes.txt (the hashes uv.lock lacks), and each distinct pip lock without hashes once, indexed by combination. */
function writePipLocks(locks: Map<LockOptions, LockSet>, pool: Map<string, string>, dir: string): void {
  const extra = new Map<string, string[]>();
  const stored = new Map<string, string>();
  const index: PipIndex = {};
  mkdirSync(path.join(dir, STORE.pipDir));
  for (const [o, set] of locks) {
    for (const file of PIP_FILES) {
      const text = set[file];
      // Each pin's hash lines, collected and taken out; readLock puts them back.
      const skeleton = text.replace(new RegExp(`${PIP_PIN.source}((?: {4}--hash=sha256:[0-9a-f]{64}(?: \\\\)?\\n)+)`, 'gm'), (_, name: string, version: string, hashLines: string) => {
        const pin = `${name}==${version}`;
        const hashes = [...hashLines.matchAll(/sha256:[0-9a-f]{64}/g)].map((m) => m[0]);
        const fromUv = new Set(tableHashes(pool.get(`${name} ${version}`)));
        const own = hashes.filter((h) => !fromUv.has(h)).sort();
        if (extra.has(pin) && extra.get(pin)!.join() !== own.join()) throw new Error(`${pin} has different hashes in two pip locks`);
        extra.set(pin, own);
        return _.slice(0, _.length - hashLines.length);
      });
      const name = stored.get(skeleton) ?? `${lockId(o)}.${file}`;
      if (!stored.has(skeleton)) {
        stored.set(skeleton, name);
        writeFileSync(path.join(dir, STORE.pipDir, name), skeleton);
      }
      (index[lockId(o)] ??= {} as Record<PipLockFile, string>)[file] = name;
    }
  }
  const pins = [...extra].filter(([, hashes]) => hashes.length > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  const lines = ['# The hashes pip locks of each pin that uv.lock does not have (src/features/locks.ts).', ...pins.flatMap(([pin, hashes]) => [pin, ...hashes.map((h) => `    ${h}`)])];
  writeFileSync(path.join(dir, STORE.pipHashes), `${lines.join('\n')}\n`);
  writeFileSync(path.join(dir, STORE.pipIndex), `${JSON.stringify(index, null, 2)}\n`);
}
