#!/usr/bin/env node
// `scripts/test.sh`'s build: runs tsup unless dist/ is the build of exactly the inputs it has now.
// The quick loop (`npm run test:fast`) runs on every change, many of them to tests only, and the
// build took about 2 s of its wall time (1.2 CPU-s, and `npx` 0.4 more) before vitest could start.
//
// What decides: one SHA-256 over every file the build reads (src/, templates/, generators/,
// scripts/, tsup.config.ts, tsconfig.json, package.json, package-lock.json and the installed
// tree's node_modules/.package-lock.json), each file's path and bytes, and a second over dist/'s
// files as the last build here left them. Both are kept in node_modules/.cache/cpda-build.json
// (outside dist/, which is packed). Any input changed, added or removed, dist/ rebuilt or
// touched by hand since, or no record yet: tsup runs, and the record is written only after it
// succeeded. So a dist/ older than its inputs is never tested; at worst a build runs that was
// not needed.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INPUT_DIRS = ['src', 'templates', 'generators', 'scripts'];
const INPUT_FILES = ['tsup.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json'];
const RECORD = path.join(REPO, 'node_modules', '.cache', 'cpda-build.json');

/** Every regular file under `dir` (relative to the repository), sorted; none when it is missing. */
function filesUnder(dir) {
  const full = path.join(REPO, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(REPO, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/** One digest of the files' paths and contents (a missing file counts as its own state). */
function digest(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    const full = path.join(REPO, file);
    hash.update(`${file}\0`);
    hash.update(existsSync(full) ? readFileSync(full) : '\0missing\0');
    hash.update('\0');
  }
  return hash.digest('hex');
}

const inputs = () => digest([...INPUT_DIRS.flatMap(filesUnder), ...INPUT_FILES]);
const outputs = () => digest(filesUnder('dist'));

const before = { inputs: inputs(), dist: outputs() };
const record = existsSync(RECORD) ? JSON.parse(readFileSync(RECORD, 'utf8')) : undefined;
if (record?.inputs === before.inputs && record?.dist === before.dist && filesUnder('dist').length > 0) process.exit(0);

// The record goes first, so that a build that fails or is interrupted leaves none behind.
rmSync(RECORD, { force: true });
const tsup = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsup'), ['--silent'], { cwd: REPO, stdio: 'inherit' });
if (tsup.error) throw tsup.error;
if (tsup.status !== 0) process.exit(tsup.status ?? 1);
// The inputs as they were when the build started: one edited during the build is rebuilt next time.
mkdirSync(path.dirname(RECORD), { recursive: true });
writeFileSync(RECORD, `${JSON.stringify({ inputs: before.inputs, dist: outputs() })}\n`);
