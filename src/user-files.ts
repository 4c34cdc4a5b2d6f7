// Reading files the user (or their repository) hands us: only regular files, and only up to a
// size that no real answers file, requirements file or source file comes near. A special file
// (/dev/zero, a FIFO, a socket, a terminal) could grow without end or block forever; such a
// path is refused before it is opened.

import { closeSync, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** 1 MiB: far above any file we read, far below what would hurt. */
export const MAX_USER_FILE_BYTES = 1024 * 1024;

export class UserFileError extends Error {
  override name = 'UserFileError';
}

/**
 * The text of a regular file (symlinks followed unless `noFollow`), or a UserFileError saying
 * why it cannot be used: missing, not a regular file, or larger than `maxBytes`.
 */
export function readUserFile(file: string, opts: { maxBytes?: number; noFollow?: boolean } = {}): string {
  const maxBytes = opts.maxBytes ?? MAX_USER_FILE_BYTES;
  let stat: Stats;
  try {
    stat = opts.noFollow ? lstatSync(file) : statSync(file);
  } catch (error) {
    throw new UserFileError(describe(error));
  }
  if (!stat.isFile()) throw new UserFileError(`not a regular file (${kindOf(stat)})`);
  if (stat.size > maxBytes) throw new UserFileError(`${stat.size} bytes is larger than the ${maxBytes} bytes allowed`);
  const fd = openSync(file, 'r');
  try {
    // Checked again on the open file: it may have been swapped since the stat.
    if (!fstatSync(fd).isFile()) throw new UserFileError('not a regular file');
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new UserFileError(`larger than the ${maxBytes} bytes allowed`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The text, or undefined when the file is missing, not a regular file, or too large. */
export function readUserFileIfAny(file: string, opts: { maxBytes?: number; noFollow?: boolean } = {}): string | undefined {
  try {
    return readUserFile(file, opts);
  } catch (error) {
    if (error instanceof UserFileError) return undefined;
    throw error;
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a file';
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'ENOENT: no such file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
