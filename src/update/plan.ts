// `update`'s core, file by file: given the project on disk, what it recorded at generation time
// (base-record.ts) and what this version renders for the same answers, decide what happens to
// every file (planUpdate), then write it all or nothing (applyUpdate, through write.ts).
//
//   on disk (yours)         base (generated)   this version    ->  action
//   same as this version    -                  -                   unchanged
//   same as the base        B                  T                   overwrite with T
//   changed                 B                  T == B              keep yours
//   changed                 B                  T != B              three-way merge (or conflict)
//   absent                  recorded           T                   keep: you deleted it
//   absent                  not recorded       T                   create
//   present                 not recorded       T                   keep: your own file
//   same as the base        B                  not generated       delete (only a released path)
//   changed                 B                  not generated       keep
// Without a base text (a 0.1.0 project, or a damaged record) a file that differs from T is kept.
// A file is deleted only when all three hold (issue 21): its path is one some released version
// emits (released-paths.ts; never in a VCS folder), the record names it, and its content still
// equals the recorded one. The record comes from the user's repository: it alone is never
// enough.

import { isUtf8 } from 'node:buffer';
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { hashOfBytes, notAFile } from '../engine/file-hash.js';
import { RECORD_FILES, sha256, stampBaseRecord, type BaseRecord } from '../engine/base-record.js';
import { CliError } from '../errors.js';
import type { RenderedFile } from '../engine/rendered-file.js';
import { compareText } from '../engine/sort.js';
import { mergeThreeWay } from './three-way.js';
import { applyWrites, assertPrivateFolders, safeJoin, type PlannedWrite } from '../engine/write.js';
import { readUserBytes, UserFileError } from '../user-files.js';
import { isReleasedPath } from './released-paths.js';

/** A generated file is at most a few hundred kB (a uv.lock); a larger one is not judged, only kept. */
const MAX_GENERATED_BYTES = 4 * 1024 * 1024;

export type UpdateAction = 'create' | 'overwrite' | 'merge' | 'conflict' | 'keep' | 'delete' | 'unchanged';

/** Why a file gets its action (README "Updating a project" explains each). */
export type UpdateReason =
  /** unchanged: already what this version generates. */
  | 'up-to-date'
  /** overwrite: the templates changed it and you had not. */
  | 'template-changed'
  /** create: new in the templates. */
  | 'new'
  /** create: absent, and no record says whether you deleted it (projects without a record). */
  | 'missing'
  /** merge: you and the templates changed it, in different places (keep: yours already had the template's change). */
  | 'merged'
  /** conflict: you and the templates changed the same lines; written with conflict markers. */
  | 'conflict'
  /** keep: you changed it, the templates did not. */
  | 'edited'
  /** keep: you deleted it; it stays deleted. */
  | 'deleted'
  /** keep: new in the templates, in a folder the record names files in and you deleted; it stays deleted. */
  | 'deleted-folder'
  /** keep: new in the templates, but you have a file of your own at that path. */
  | 'yours'
  /** keep: it differs from this version's template and there is no base text to merge against. */
  | 'no-base'
  /** keep: not a regular UTF-8 text file (a link, a directory, binary data). */
  | 'not-text'
  /** keep: the templates no longer generate it, but you changed it. */
  | 'kept-removed'
  /** delete: the templates no longer generate it, and you had not changed it. */
  | 'removed'
  /** keep: an ignore file no longer generated, whose folder still holds files it keeps out of git or the image. */
  | 'still-ignoring'
  /** create: a secret file, with the value your `.env` held (secret-files.ts); never recorded. */
  | 'secret'
  /** overwrite/create: the answers file and the base record, now for this version. */
  | 'record';

export interface PlannedFile {
  path: string;
  action: UpdateAction;
  reason: UpdateReason;
  /** The size written, or for keep/delete/unchanged the size on disk (0 when absent). */
  bytes: number;
  /** Conflicting sections written into the file (action 'conflict'). */
  conflicts?: number;
}

export interface UpdatePlan {
  /** Every file the project, its record or this version has, sorted by path. */
  files: PlannedFile[];
  /** Paths written with conflict markers. */
  conflicts: string[];
  /** What applyUpdate writes, with its final contents. */
  writes: RenderedFile[];
  /** What applyUpdate deletes. */
  removals: string[];
  /** For each path written or deleted: the sha256 of the file when planned, or null when absent. */
  seen: ReadonlyMap<string, string | null>;
  /** Files that still hold conflict markers (an earlier update's, or a merge's): `path (line N)`. */
  unresolved: string[];
}

export interface UpdateInput {
  projectDir: string;
  /** What the project recorded at generation time; undefined when it has no record (0.1.0). */
  record: BaseRecord | undefined;
  /** Every file this version renders for the recorded answers (renderProject's output). */
  fresh: RenderedFile[];
  /** Names the template's side of conflict markers, e.g. `create-python-docker-app 0.2.0`. */
  theirsLabel: string;
  /**
   * Files of the user's that the update makes where none is (the secret files, from `.env`:
   * secret-files.ts): created only where the path is empty when written, never recorded.
   */
  userFiles?: RenderedFile[];
}

/** The user's side of conflict markers. */
export const OURS_LABEL = 'your version';

type Current =
  | { kind: 'absent' }
  | { kind: 'other'; bytes: number; hash: string }
  /** `text` has '\n' line ends; `crlf`: the file on disk uses '\r\n' throughout. */
  | { kind: 'text'; text: string; crlf: boolean; executable: boolean; bytes: number; hash: string };

export function planUpdate({ projectDir, record, fresh, theirsLabel, userFiles = [] }: UpdateInput): UpdatePlan {
  const templates = new Map(fresh.filter((f) => !RECORD_FILES.has(f.path)).map((f) => [f.path, f]));
  const paths = new Set([...templates.keys(), ...(record?.hashes.keys() ?? [])]);
  const files: PlannedFile[] = [];
  const writes: RenderedFile[] = [];
  const seen = new Map<string, string | null>();
  /** Paths this version generates where a file of the user's own stays: not recorded as ours. */
  const notOurs = new Set<string>();
  const unresolved: string[] = [];

  const plan = (file: string, current: Current, entry: Omit<PlannedFile, 'path' | 'bytes'>, write?: RenderedFile): void => {
    files.push({ path: file, ...entry, bytes: write ? Buffer.byteLength(write.contents) : current.kind === 'absent' ? 0 : current.bytes });
    if (write) writes.push(write);
    if (write || entry.action === 'delete') seen.set(file, current.kind === 'absent' ? null : current.hash);
  };

  for (const file of paths) {
    const template = templates.get(file);
    const baseHash = record?.hashes.get(file);
    const baseText = record?.texts.get(file);
    const current = readCurrent(projectDir, file);
    if (current.kind === 'text') {
      const line = conflictMarkerLine(current.text);
      if (line !== undefined) unresolved.push(`${file} (line ${line})`);
    }

    if (current.kind === 'other') {
      if (template) notOurs.add(file);
      plan(file, current, { action: 'keep', reason: 'not-text' });
      continue;
    }
    if (!template) {
      // Recorded, but this version no longer generates it.
      if (current.kind === 'absent') continue;
      if (isReleasedPath(file) && baseHash !== undefined && sha256(current.text) === baseHash) plan(file, current, { action: 'delete', reason: 'removed' });
      else plan(file, current, { action: 'keep', reason: 'kept-removed' });
      continue;
    }
    const wanted = template.contents;
    if (current.kind === 'absent') {
      if (baseHash !== undefined) plan(file, current, { action: 'keep', reason: 'deleted' });
      // New in a folder of ours that the user deleted (deploy/kubernetes/): it stays deleted too.
      else if (record && inDeletedFolder(projectDir, file, record)) plan(file, current, { action: 'keep', reason: 'deleted-folder' });
      else plan(file, current, { action: 'create', reason: record ? 'new' : 'missing' }, template);
      continue;
    }
    const withLineEnds = (text: string): RenderedFile => ({
      path: file,
      // (A replaced file keeps its mode, an executable bit included: write.ts sees to that.)
      contents: current.crlf ? text.replace(/\n/g, '\r\n') : text,
    });
    if (current.text === wanted) {
      plan(file, current, { action: 'unchanged', reason: 'up-to-date' });
    } else if (baseHash === undefined) {
      // Not generated before: a file of the user's (or, without any record, a file we cannot judge).
      if (record) notOurs.add(file);
      plan(file, current, { action: 'keep', reason: record ? 'yours' : 'no-base' });
    } else if (sha256(current.text) === baseHash) {
      plan(file, current, { action: 'overwrite', reason: 'template-changed' }, withLineEnds(wanted));
    } else if (sha256(wanted) === baseHash) {
      plan(file, current, { action: 'keep', reason: 'edited' });
    } else if (baseText === undefined) {
      plan(file, current, { action: 'keep', reason: 'no-base' });
    } else {
      const merged = mergeThreeWay(current.text, baseText, wanted, { ours: OURS_LABEL, theirs: theirsLabel });
      const entry = merged.conflicts > 0 ? { action: 'conflict', reason: 'conflict', conflicts: merged.conflicts } as const : { action: 'merge', reason: 'merged' } as const;
      // Yours already holds the template's change (and more): nothing to write.
      if (merged.text === current.text) plan(file, current, { action: 'keep', reason: 'merged' });
      else plan(file, current, entry, withLineEnds(merged.text));
    }
  }

  // The record now describes this version's files (except the user's own files at our paths).
  for (const file of stampBaseRecord(fresh, (p) => !notOurs.has(p)).filter((f) => RECORD_FILES.has(f.path))) {
    const current = readCurrent(projectDir, file.path);
    if (current.kind === 'text' && current.text === file.contents) plan(file.path, current, { action: 'unchanged', reason: 'up-to-date' });
    else plan(file.path, current, { action: current.kind === 'absent' ? 'create' : 'overwrite', reason: 'record' }, file);
  }

  for (const file of userFiles) {
    const current = readCurrent(projectDir, file.path);
    // Never over a file of the user's: the writer checks again that the path is still empty.
    if (current.kind === 'absent') plan(file.path, current, { action: 'create', reason: 'secret' }, file);
  }

  keepIgnoreFilesInUse(projectDir, files, seen);

  // A secret to write into a folder the user left open: refused now, so a dry run says so too.
  assertPrivateFolders(writes, projectDir);
  files.sort((a, b) => compareText(a.path, b.path));
  return {
    files,
    conflicts: files.filter((f) => f.action === 'conflict').map((f) => f.path),
    writes,
    removals: files.filter((f) => f.action === 'delete').map((f) => f.path),
    seen,
    unresolved,
  };
}

/** The files that keep others out of git or an image's build context. */
const IGNORE_FILES = new Set(['.gitignore', '.dockerignore']);

/**
 * An ignore file the templates no longer generate is kept while its folder still holds a file
 * the update does not delete: the user's own files there (a secret.env made as the README says)
 * would otherwise become committable, or be sent to a build, the moment it went.
 */
function keepIgnoreFilesInUse(projectDir: string, files: PlannedFile[], seen: Map<string, string | null>): void {
  const deleted = new Set(files.filter((f) => f.action === 'delete').map((f) => f.path));
  for (const file of files) {
    if (file.action !== 'delete' || !IGNORE_FILES.has(file.path.slice(file.path.lastIndexOf('/') + 1))) continue;
    const folder = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
    if (!holdsFileBesides(projectDir, folder, deleted)) continue;
    file.action = 'keep';
    file.reason = 'still-ignoring';
    seen.delete(file.path);
  }
}

/** Whether `folder` (relative, '/'-separated; '' for the project) holds, at any depth, anything but a folder or a path in `except`. Links are not followed. */
function holdsFileBesides(projectDir: string, folder: string, except: ReadonlySet<string>): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder ? safeJoin(projectDir, folder) : projectDir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((entry) => {
    const relative = folder ? `${folder}/${entry.name}` : entry.name;
    return entry.isDirectory() ? holdsFileBesides(projectDir, relative, except) : !except.has(relative);
  });
}

/**
 * Writes and deletes what `plan` says, all or nothing (write.ts stages every file and renames
 * it into place). Refuses, writing nothing, if a file changed since the plan was made: a
 * confirmation prompt may have waited while the user kept editing.
 */
export async function applyUpdate(projectDir: string, plan: UpdatePlan): Promise<void> {
  const changed = [...plan.seen].filter(([file, hash]) => {
    const current = readCurrent(projectDir, file);
    return (current.kind === 'absent' ? null : current.hash) !== hash;
  });
  if (changed.length > 0)
    throw new CliError('write-failed', `${changed.length} file(s) changed while update was planning; nothing was written: run update again`, changed.map(([file]) => file));
  const planned: PlannedWrite[] = plan.writes.map((f) => ({ path: f.path, action: 'overwrite', bytes: Buffer.byteLength(f.contents) }));
  await applyWrites(plan.writes, planned, projectDir, { removals: plan.removals, expected: plan.seen });
}

function readCurrent(projectDir: string, file: string): Current {
  // safeJoin refuses a path through a symbolic link or a non-directory before anything is read.
  const full = safeJoin(projectDir, file);
  const stat = lstatSync(full, { throwIfNoEntry: false });
  if (!stat) return { kind: 'absent' };
  if (!stat.isFile()) return { kind: 'other', bytes: 0, hash: notAFile(stat.mode) };
  let bytes: Buffer;
  try {
    // Never through a link, never blocking, never more than a generated file could be.
    bytes = readUserBytes(full, { maxBytes: MAX_GENERATED_BYTES, noFollow: true });
  } catch (error) {
    if (!(error instanceof UserFileError)) throw error;
    return { kind: 'other', bytes: stat.size, hash: `unreadable: ${stat.size} ${stat.mtimeMs}` };
  }
  const hash = hashOfBytes(bytes);
  if (!isUtf8(bytes)) return { kind: 'other', bytes: bytes.length, hash };
  const raw = bytes.toString('utf8');
  // A checkout with '\r\n' line ends (git's autocrlf on Windows) is the same text: compare and
  // merge with '\n', write back with '\r\n'.
  const crlf = raw.includes('\r\n') && !/(^|[^\r])\n/.test(raw);
  return { kind: 'text', text: crlf ? raw.replace(/\r\n/g, '\n') : raw, crlf, executable: (stat.mode & 0o111) !== 0, bytes: bytes.length, hash };
}

/**
 * The line of the first conflict left unresolved (git's markers, as update writes them: a
 * `<<<<<<<` line, then `=======`, then `>>>>>>>`), or undefined. All three in order, so a
 * Markdown heading underlined with seven '=' is not taken for one.
 */
export function conflictMarkerLine(text: string): number | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^<{7}(?: |\r?$)/.test(lines[i]!)) continue;
    const middle = lines.findIndex((l, j) => j > i && /^={7}\r?$/.test(l));
    if (middle > i && lines.some((l, j) => j > middle && /^>{7}(?: |\r?$)/.test(l))) return i + 1;
  }
  return undefined;
}

/**
 * The folder `file` goes in is not there, and the record names a file in it: we generated that
 * folder and the user deleted it, so a file new in the templates does not bring it back.
 */
function inDeletedFolder(projectDir: string, file: string, record: BaseRecord): boolean {
  const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  if (folder === '' || lstatSync(safeJoin(projectDir, folder), { throwIfNoEntry: false }) !== undefined) return false;
  return [...record.hashes.keys()].some((recorded) => recorded.startsWith(`${folder}/`));
}
