// Reading files the user (or their repository) hands us: only regular files, and only up to a
// size that no real answers file, requirements file or source file comes near. A special file
// (/dev/zero, a FIFO, a socket, a terminal) could grow without end or block forever; such a
// path is refused before it is opened, and the open itself never blocks (O_NONBLOCK: a FIFO
// swapped in after the check) nor follows a link it was told not to (O_NOFOLLOW).

import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { hashOfBytes } from './engine/file-hash.js';

/** 1 MiB: far above any file we read, far below what would hurt. */
export const MAX_USER_FILE_BYTES = 1024 * 1024;

export class UserFileError extends Error {
  override name = 'UserFileError';
}

/** What the reads of a command held, by absolute path (null: not there), while seeReads records them. */
let seen: Map<string, string | null> | undefined;

/**
 * Records, until `stop`, what each file read through here held when it was first read: a
 * command that writes a new version of a file it read (the service generator's compose.yaml)
 * must not write over a change made after that read (driver/run.ts hands these to write.ts,
 * which checks them again under the folder's lock).
 */
export function seeReads(): { stop: () => ReadonlyMap<string, string | null> } {
  const reads = new Map<string, string | null>();
  seen = reads;
  return {
    stop: () => {
      if (seen === reads) seen = undefined;
      return reads;
    },
  };
}

function saw(file: string, hash: string | null): void {
  const key = path.resolve(file);
  if (seen && !seen.has(key)) seen.set(key, hash);
}

/**
 * The text of a regular file (symlinks followed unless `noFollow`), or a UserFileError saying
 * why it cannot be used: missing, not a regular file, or larger than `maxBytes`.
 */
export function readUserFile(file: string, opts: { maxBytes?: number; noFollow?: boolean } = {}): string {
  return readUserBytes(file, opts).toString('utf8');
}

/** readUserFile's bytes, undecoded (update hashes a file's bytes and checks they are UTF-8). */
export function readUserBytes(file: string, opts: { maxBytes?: number; noFollow?: boolean } = {}): Buffer {
  const maxBytes = opts.maxBytes ?? MAX_USER_FILE_BYTES;
  let stat: Stats;
  try {
    stat = opts.noFollow ? lstatSync(file) : statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') saw(file, null);
    throw new UserFileError(describe(error));
  }
  if (stat.isSymbolicLink()) throw new UserFileError('a symbolic link, which is not followed');
  if (!stat.isFile()) throw new UserFileError(`not a regular file (${kindOf(stat)})`);
  if (stat.size > maxBytes) throw new UserFileError(`${stat.size} bytes is larger than the ${maxBytes} bytes allowed`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    throw new UserFileError(describe(error));
  }
  try {
    // Checked again on the open file: it may have been swapped since the stat.
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new UserFileError(`not a regular file (${kindOf(opened)})`);
    // Memory stays bounded by what the file held when opened (plus one byte to notice growth),
    // never by maxBytes alone: a 200-byte answers file does not cost a 4 MiB buffer.
    const buffer = Buffer.alloc(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) throw new UserFileError(length > maxBytes ? `larger than the ${maxBytes} bytes allowed` : 'it grew while it was read');
    }
    const bytes = buffer.subarray(0, length);
    saw(file, hashOfBytes(bytes));
    return bytes;
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
  if (code === 'ELOOP') return 'a symbolic link, which is not followed';
  if (code === 'EISDIR') return 'not a regular file (a directory)';
  return error instanceof Error ? error.message : String(error);
}

/**
 * A JSON file read with the guards of readUserFile. A syntax error says where, never what:
 * JSON.parse's own message quotes the text, and the file may be anything (a link to
 * /etc/passwd, a hostile pull request), so none of it is echoed.
 */
export function readUserJson(file: string, opts: { maxBytes?: number; noFollow?: boolean } = {}): unknown {
  const text = readUserFile(file, opts);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const where = /\(line (\d+) column (\d+)\)/.exec(message);
    const at = /at position (\d+)/.exec(message);
    throw new UserFileError(
      text.trim() === '' ? 'empty, not JSON' : `not valid JSON${where ? ` (line ${where[1]}, column ${where[2]})` : at ? ` (at character ${at[1]})` : /end of JSON/.test(message) ? ' (it ends too early)' : ''}`,
    );
  }
}
