// Writing rendered files without ever losing a user's file.
//  1. plan: compare each file with what is on disk → create / overwrite / unchanged / conflict.
//  2. apply: write every new or changed file into a staging directory on the same file
//     system, then rename each into place. A failure or a signal while staging removes the
//     staging directory, so an interrupted run leaves nothing half-written; the renames are
//     synchronous, so no signal handler can run between them.
//     The staging writes are synchronous too: a few dozen small files, where a thread-pool round
//     trip per call costs more than the write itself. A signal that arrives meanwhile waits in
//     the event loop and is handled before the commit (see applyWrites).

import { existsSync, lstatSync, statSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from './errors.js';
import type { RenderedFile } from './render.js';

export type FileAction = 'create' | 'overwrite' | 'unchanged' | 'conflict';

export interface PlannedWrite {
  path: string;
  action: FileAction;
  bytes: number;
}

/** Entries that do not make a directory "non-empty" for a new project. */
const IGNORED_ENTRIES = new Set(['.git']);

/**
 * Refuses a target that is a symbolic link (writing through it could land outside the
 * directory the user named) or that is, or sits below, something other than a directory.
 */
export function assertSafeTarget(targetDir: string): void {
  const stat = lstatOrUndefined(path.resolve(targetDir));
  if (stat?.isSymbolicLink())
    throw new CliError('unsafe-target', `${targetDir} is a symbolic link; give the real directory instead`);
  if (stat && !stat.isDirectory()) throw new CliError('unsafe-target', `${targetDir} exists and is not a directory`);
  if (stat) return;
  const ancestor = path.dirname(firstMissingAncestor(path.resolve(targetDir)));
  if (!statOrUndefined(ancestor)?.isDirectory())
    throw new CliError('unsafe-target', `${targetDir} cannot be created: ${ancestor} is not a directory`);
}

/** Lists what is in `targetDir` that would make a new project collide (empty when none). */
export function existingEntries(targetDir: string): string[] {
  if (!existsSync(targetDir)) return [];
  return readdirSync(targetDir)
    .filter((e) => !IGNORED_ENTRIES.has(e))
    .sort();
}

export function planWrites(files: RenderedFile[], targetDir: string, opts: { overwrite: boolean }): PlannedWrite[] {
  return files.map((file) => {
    const bytes = Buffer.byteLength(file.contents);
    const target = safeJoin(targetDir, file.path);
    const stat = lstatOrUndefined(target);
    if (!stat) return { path: file.path, action: 'create', bytes };
    if (stat.isSymbolicLink() || !stat.isFile())
      throw new CliError('unsafe-target', `${file.path} exists in ${targetDir} and is not a regular file; move it away first`);
    if (readFileSync(target, 'utf8') === file.contents) return { path: file.path, action: 'unchanged', bytes };
    return { path: file.path, action: opts.overwrite ? 'overwrite' : 'conflict', bytes };
  });
}

/**
 * Writes the create/overwrite entries of `plan`; refuses if any entry is a conflict.
 * `removals` (used by `update`) are files to delete from an existing target, in the same
 * commit as the renames.
 */
export async function applyWrites(files: RenderedFile[], plan: PlannedWrite[], targetDir: string, removals: readonly string[] = []): Promise<void> {
  const conflicts = plan.filter((p) => p.action === 'conflict');
  if (conflicts.length > 0)
    throw new CliError('conflict', `${conflicts.length} file(s) already exist and differ; pass --force to overwrite`, conflicts.map((c) => c.path));
  const toWrite = new Set(plan.filter((p) => p.action === 'create' || p.action === 'overwrite').map((p) => p.path));
  const writes = files.filter((f) => toWrite.has(f.path));
  if (writes.length === 0 && removals.length === 0) return;
  for (const removal of removals) safeJoin(targetDir, removal);
  if (removals.length > 0 && !existsSync(targetDir)) throw new Error('removals need an existing target');

  const target = path.resolve(targetDir);
  const targetExisted = existsSync(target);
  const firstCreated = targetExisted ? undefined : firstMissingAncestor(target);
  const stagingParent = targetExisted ? target : path.dirname(target);
  let staging: string | undefined;

  // maxRetries: transient errors while removing (EBUSY, ENOTEMPTY, EPERM: say, a virus scanner
  // holding a new file open) are retried rather than given up.
  const cleanUp = (): void => {
    if (staging) rmSync(staging, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    if (firstCreated) rmSync(firstCreated, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    try {
      cleanUp();
    } finally {
      process.exit(signal === 'SIGINT' ? EXIT.cancelled : EXIT.terminated);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    mkdirSync(stagingParent, { recursive: true });
    // Synchronous, so a signal cannot arrive between the directory's creation and `staging` being set.
    staging = mkdtempSync(path.join(stagingParent, `.${path.basename(target)}.staging-`));
    const slowdown = testSlowdownMs();
    for (const file of writes) {
      const staged = path.join(staging, file.path);
      mkdirSync(path.dirname(staged), { recursive: true });
      writeFileSync(staged, file.contents);
      if (file.executable) chmodSync(staged, 0o755);
      if (slowdown > 0) await new Promise((r) => setTimeout(r, slowdown));
    }
    // A SIGINT/SIGTERM that arrived while staging is handled here (clean up, exit), not lost.
    await afterNextPoll();
    commit(staging, target, targetExisted, writes, removals);
    staging = undefined;
  } catch (error) {
    cleanUp();
    if (error instanceof CliError) throw error;
    throw new CliError('write-failed', `could not write the project: ${describe(error)}; nothing was written`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Resolves once the event loop has polled again, which is when a pending signal reaches its
 * handler. One setImmediate is not enough: queued from an I/O callback, it runs in the same
 * turn of the loop, before the next poll.
 */
function afterNextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Moves staged files into place. Synchronous on purpose: see the module comment. */
function commit(staging: string, target: string, targetExisted: boolean, writes: RenderedFile[], removals: readonly string[]): void {
  if (!targetExisted) {
    renameSync(staging, target);
    return;
  }
  const moved: string[] = [];
  for (const file of writes) {
    const final = path.join(target, file.path);
    try {
      mkdirSync(path.dirname(final), { recursive: true });
      renameSync(path.join(staging, file.path), final);
    } catch (error) {
      // Rare (the plan checked every path), but then say exactly what was already written.
      if (moved.length === 0) throw error;
      throw new CliError('write-failed', `could not move ${file.path} into place: ${describe(error)}; ${moved.length} of ${writes.length} files were already written`, moved);
    }
    moved.push(file.path);
  }
  for (const removal of removals) {
    try {
      rmSync(path.join(target, removal), { force: true });
    } catch (error) {
      throw new CliError('write-failed', `could not delete ${removal}: ${describe(error)}; ${moved.length} of ${writes.length} files were already written`, moved);
    }
  }
  rmSync(staging, { recursive: true, force: true });
}

/** Joins a template path onto the target, refusing anything that would land outside it. */
export function safeJoin(targetDir: string, relative: string): string {
  const root = path.resolve(targetDir);
  const joined = path.resolve(root, relative);
  if (!joined.startsWith(root + path.sep)) throw new Error(`refusing to write outside the target: ${relative}`);
  // A symlinked directory inside the target would also lead outside it; a file where a directory
  // must go would fail half-way through moving files into place, so both are refused up front.
  let dir = path.dirname(joined);
  while (dir.startsWith(root + path.sep)) {
    const stat = lstatOrUndefined(dir);
    if (stat?.isSymbolicLink())
      throw new CliError('unsafe-target', `${path.relative(root, dir)} in ${targetDir} is a symbolic link; refusing to write through it`);
    if (stat && !stat.isDirectory())
      throw new CliError('unsafe-target', `${path.relative(root, dir)} in ${targetDir} is not a directory, but the project needs one there; move it away first`);
    dir = path.dirname(dir);
  }
  return joined;
}

function firstMissingAncestor(target: string): string {
  let current = target;
  while (!existsSync(path.dirname(current))) current = path.dirname(current);
  return current;
}

function lstatOrUndefined(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    // throwIfNoEntry: a missing path is the common case (every file of a new project), and
    // building an exception for each one is slower than the lstat itself.
    return lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function statOrUndefined(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') return 'no space left on the device';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'EROFS') return 'the file system is read-only';
    return error.message;
  }
  return String(error);
}

/** Test seam: slows the staging writes so a test can interrupt them. */
function testSlowdownMs(): number {
  const raw = process.env.CPDA_TEST_SLOW_WRITE_MS;
  const n = raw ? Number(raw) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}
