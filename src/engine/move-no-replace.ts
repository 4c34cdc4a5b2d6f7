// Moving a file to a place only while that place is empty. rename(2) replaces whatever is at
// the destination, so a file an editor saves there between our look and our move would be
// lost; link(2) refuses with EEXIST instead, in the same one step of the kernel, and the source
// name is then dropped. Used for every move into a user's folder: the writer's moves into place,
// its undo, and the next run's putting back of a killed run's moves.

import { linkSync, lstatSync, renameSync, unlinkSync } from 'node:fs';

/** What link(2) answers on a file system that has no hard links (FAT, some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Moves `from` to `to` if nothing is at `to`; false, with `from` left where it was, when
 * something is. Both on one file system (the writer checks that before its first move).
 * `linked` runs between the two steps (a test holds a run there).
 */
export function moveNoReplace(from: string, to: string, linked?: () => void): boolean {
  try {
    linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
    // No hard links here: look, then rename; a save in the microseconds between the two can
    // still be replaced, the best such a file system allows.
    if (lstatSync(to, { throwIfNoEntry: false }) !== undefined) return false;
    renameSync(from, to);
    return true;
  }
  linked?.();
  unlinkSync(from);
  return true;
}
