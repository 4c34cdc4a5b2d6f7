// The only files `update` may delete are files we generated. A record (the answers file's
// "files") comes from the user's repository and may name anything (`.git/HEAD`, whose content
// is the same in most repositories, so its hash is easy to slip into a pull request), so it
// is not trusted to say what is ours. This list is: every path any released version of the
// generator can emit, for any answers and any `add` command. It is committed as
// released-paths.json and shipped inside dist/ (bundled); tests/fast/released-paths.test.ts checks
// that it equals what the current templates can emit plus what templates/ emitted in every
// earlier commit, so a template that is removed or renamed keeps its old path here.

import RELEASED from './released-paths.json' with { type: 'json' };

const RELEASED_PATHS: ReadonlySet<string> = new Set(RELEASED.paths);

/** Folders of version-control systems: never read, written or deleted, whatever a record says. */
export const VCS_FOLDERS: readonly string[] = ['.git', '.hg', '.svn', '.bzr', '_darcs', '.jj', '.pijul', 'CVS'];

/** Whether a path lies in (or is) a version-control folder, at any depth. */
export function inVcsFolder(file: string): boolean {
  return file.split('/').some((segment) => VCS_FOLDERS.includes(segment));
}

/** Whether some released version of the generator can emit this path (and it is outside VCS folders). */
export function isReleasedPath(file: string): boolean {
  return RELEASED_PATHS.has(file) && !inVcsFolder(file);
}

export function releasedPaths(): readonly string[] {
  return RELEASED.paths;
}
