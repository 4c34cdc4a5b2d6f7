// Whether a directory is in a git work tree, and whether that part of the tree has changes
// that are not committed. `update` refuses to write over uncommitted work (unless told to), so
// that its result can be reviewed with `git diff` and undone with `git checkout`/`git stash`.

import { spawnSync } from 'node:child_process';

export type GitState =
  /** No git, or not inside a work tree: nothing to check. */
  | { kind: 'none' }
  | { kind: 'clean' }
  /** `changes`: `git status --porcelain` lines (XY path), paths relative to the repository root. */
  | { kind: 'dirty'; changes: string[] }
  /** git is there but could not answer (e.g. "dubious ownership"): `message` says why. */
  | { kind: 'unknown'; message: string };

/** The state of `dir` and everything below it (untracked files count; ignored ones do not). */
export function gitState(dir: string): GitState {
  const result = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'], {
    cwd: dir,
    encoding: 'utf8',
    // Status may refresh the index; a concurrent git command in the repository must not fail on its lock.
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    timeout: 30_000,
  });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unknown', message: result.error.message };
  }
  if (result.status !== 0) {
    if (/not a git repository/i.test(result.stderr)) return { kind: 'none' };
    return { kind: 'unknown', message: result.stderr.trim().split('\n')[0] || `git status exited ${result.status}` };
  }
  const changes = parsePorcelainZ(result.stdout);
  return changes.length === 0 ? { kind: 'clean' } : { kind: 'dirty', changes };
}

/** `XY path\0` entries; a rename or copy (X or Y is R/C) is followed by its source path. */
function parsePorcelainZ(output: string): string[] {
  const fields = output.split('\0');
  const changes: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    changes.push(entry);
    if (/[RC]/.test(entry.slice(0, 2))) i++;
  }
  return changes;
}
