// Paths as the writer and the driver judge them.

import path from 'node:path';

/** A relative '/'-separated path of one or more parts, none of them empty, `.` or `..`: a path as templates write it. */
export const PLAIN_RELATIVE = /^(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/**
 * Whether absolute `p` is below absolute `root` (not `root` itself). `root + sep` is not the
 * prefix when the root is the file system's own (`/`, `C:\`), which already ends with one.
 */
export function isBelow(root: string, p: string): boolean {
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep) && p !== root;
}
