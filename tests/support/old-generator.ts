// An older release of the generator itself, from this repository's git history: its files at a
// commit (git archive), built with this checkout's node_modules (tsup bundles them), run as a
// user ran it then. A project made by it is what `update` meets in the field, .env included;
// rendering old templates with this version's code cannot make one when the render context
// itself changed.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * main before issue 23 (the database password as POSTGRES_PASSWORD in .env, DATABASE_URL built
 * by Compose): the last commit of the generator the secret-file move starts from.
 */
export const BEFORE_SECRET_FILES = 'fd217cdd915aae2d6508e06d139852725ccc8b7f';

/** Builds the generator at `commit` into a temporary folder; returns its CLI's path. */
export function buildOldGenerator(commit: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cpda-old-generator-'));
  // A shallow clone lacks the commit: this says so rather than testing something else.
  const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', commit], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(path.join(ROOT, 'node_modules/.bin/tsup'), ['--silent'], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
  return path.join(dir, 'dist/create-python-docker-app.js');
}
