// The one fingerprint of what a path holds. The writer (what its plan saw), the journal of an
// interrupted write and update's plan compare one another's values, so they take them from here.

import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';

/** sha256 of a file's bytes as written from `contents` (UTF-8), or as read back. */
export function hashOfBytes(contents: string | Buffer): string {
  return createHash('sha256').update(contents).digest('hex');
}

/** What stands for something at a path that is not a regular file (a link, a folder): never read. */
export function notAFile(mode: number | bigint): string {
  return `not a file: ${mode}`;
}

/** What is at `p`: null when nothing (or nothing reachable), the sha256 of a regular file, else notAFile. */
export function hashOfPath(p: string): string | null {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return null;
  }
  if (!stat) return null;
  return stat.isFile() ? hashOfBytes(readFileSync(p)) : notAFile(stat.mode);
}
