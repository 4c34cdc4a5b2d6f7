// Writing rendered files without ever losing a user's file.
//  1. plan: compare each file with what is on disk -> create / overwrite / unchanged / conflict.
//  2. apply: write every new or changed file into a staging directory on the same file
//     system, then move it into place: a new project is one rename of the staging directory;
//     into an existing directory, every move is checked first and undone if one still fails.
//     A failure or a signal before the files are complete removes the staging directory, so an
//     interrupted run leaves nothing half-written; the moves are synchronous, so no signal
//     handler can run between them. The staging writes are synchronous too: a few dozen small
//     files, where a thread-pool round trip per call costs more than the write itself. A
//     signal that arrives meanwhile waits in the event loop and is handled before the moves.

import { accessSync, chmodSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from '../errors.js';
import type { RenderedFile } from './rendered-file.js';
import { pauseAt } from './test-pause.js';
import { hashOfBytes, hashOfPath } from './file-hash.js';
import { ASIDE, dropJournal, stagingPrefix, writeJournal } from './interrupted-write.js';
import { isBelow, PLAIN_RELATIVE } from './plain-relative.js';
import { lockFolder } from './write-lock.js';
import { moveNoReplace } from './move-no-replace.js';

export type FileAction = 'create' | 'overwrite' | 'unchanged' | 'conflict';

export interface PlannedWrite {
  path: string;
  action: FileAction;
  bytes: number;
  /**
   * What the plan saw at this path, for the writes to check again under the lock: null when
   * nothing was there, the sha256 of the file it would overwrite. Only the plan's own view
   * counts: a file someone puts there afterwards is theirs, and is never overwritten.
   */
  before?: string | null;
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
  const join = safeJoiner(targetDir);
  if (join.rootExists) assertPrivateFolders(files, targetDir);
  return files.map((file) => {
    const bytes = Buffer.byteLength(file.contents);
    const target = join(file.path);
    // In a directory that is not there (a new project), no file is there either.
    const stat = join.rootExists ? lstatOrUndefined(target) : undefined;
    if (!stat) return { path: file.path, action: 'create', bytes, before: null };
    if (stat.isSymbolicLink() || !stat.isFile())
      throw new CliError('unsafe-target', `${file.path} exists in ${targetDir} and is not a regular file; move it away first`);
    // Read only a file of the same size: anything else differs, however large it is.
    if (stat.size === bytes && readFileSync(target, 'utf8') === file.contents) return { path: file.path, action: 'unchanged', bytes };
    if (!opts.overwrite && !file.replace) return { path: file.path, action: 'conflict', bytes };
    return { path: file.path, action: 'overwrite', bytes, before: hashOfPath(target) };
  });
}

/**

 * Writes the create/overwrite entries of `plan`; refuses if any entry is a conflict, telling the
 * user how to allow it (`pass --force`, `run \`plop --force ...\``: each entry point says its own).
 * `removals` (used by `update`) are files to delete from an existing target, in the same
 * all-or-nothing move as the writes. All or nothing: on any failure, or SIGINT/SIGTERM before
 * the files are complete, the target is left exactly as it was (exit 1, 130, 143); a signal
 * after that changes nothing.
 */
export async function applyWrites(
  files: RenderedFile[],
  plan: PlannedWrite[],
  targetDir: string,
  {
    forceHint = 'pass --force',
    removals = [],
    expected,
    newTarget = false,
  }: {
    forceHint?: string;
    removals?: readonly string[];
    /** What each path held when the plan was made (sha256, null: absent); default: the plan's `before`, else now. */
    expected?: ReadonlyMap<string, string | null>;
    /**
     * The plan was made for a folder that was not there (a new project): it is made by one
     * rename, which fails on a folder someone filled meanwhile (another run, the user), instead
     * of moving files into theirs.
     */
    newTarget?: boolean;
  } = {},
): Promise<void> {
  const conflicts = plan.filter((p) => p.action === 'conflict');
  if (conflicts.length > 0)
    throw new CliError('conflict', `${conflicts.length} file(s) already exist and differ; ${forceHint} to overwrite`, conflicts.map((c) => c.path));
  const toWrite = new Set(plan.filter((p) => p.action === 'create' || p.action === 'overwrite').map((p) => p.path));
  const writes = files.filter((f) => toWrite.has(f.path));
  if (writes.length === 0 && removals.length === 0) return;
  // planWrites has checked each path already; a plan made any other way gets the same guard here,
  // since a staged path outside the staging folder would be written outside the target.
  const join = safeJoiner(targetDir);
  const inTarget = new Map(writes.map((f) => [f.path, join(f.path)]));
  for (const relative of removals) join(relative);
  if (removals.length > 0 && !existsSync(targetDir)) throw new Error('removals need an existing target');
  assertPrivateFolders(writes, targetDir);

  const target = path.resolve(targetDir);
  const targetExisted = !newTarget && existsSync(target);
  const stagingParent = targetExisted ? target : path.dirname(target);
  // Another run (or the user) may write the same files meanwhile: what the plan saw is checked
  // again, under the lock, right before the moves; a path the plan has no view of, as it is now.
  const planned = new Map(plan.flatMap((p) => (p.before === undefined ? [] : [[p.path, p.before] as const])));
  const seen =
    expected ??
    (targetExisted
      ? new Map([...writes.map((f) => f.path), ...removals].map((p) => [p, planned.has(p) ? planned.get(p)! : hashOfPath(path.join(target, p))]))
      : new Map<string, string | null>());
  let staging: string | undefined;
  // Only what this run made itself is ever removed: its staging directory, and the missing
  // parents its own mkdir created, each only while empty (another run may have put its
  // project there meanwhile). A new project's folder is made by the final rename alone, which
  // fails on a folder with anything in it: a run never removes a folder it did not make.
  let createdParent: string | undefined;

  // maxRetries: transient errors while removing (EBUSY, ENOTEMPTY, EPERM: say, a virus scanner
  // holding a new file open) are retried rather than given up.
  const cleanUp = (): void => {
    // The journal first (its moves are undone by now): killed while the rest goes, what is left
    // is garbage for the next run, never moves to undo (interrupted-write.ts).
    if (staging) dropJournal(staging);
    if (staging) rmSync(staging, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    if (createdParent) removeEmptyParents(stagingParent, createdParent);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    try {
      cleanUp();
    } finally {
      process.exit(signal === 'SIGINT' ? EXIT.cancelled : EXIT.terminated);
    }
  };
  // First in line: a host process's own handler (plop's spinner) may exit at once, and the
  // staging folder must be gone before anything ends the process.
  process.prependListener('SIGINT', onSignal);
  process.prependListener('SIGTERM', onSignal);
  try {
    pauseAt('write-start');
    createdParent = mkdirSync(stagingParent, { recursive: true });
    // Synchronous, so a signal cannot arrive between the directory's creation and `staging` being set.
    // Named for this process, so that a later run can tell it from a live run's (interrupted-write.ts).
    staging = mkdtempSync(path.join(stagingParent, stagingPrefix(target)));
    // mkdtemp makes it 0700; a new project is this very directory, renamed: give it the mode
    // the user's umask gives every other directory.
    if (!targetExisted) chmodSync(staging, 0o777 & ~process.umask());
    const slowdown = testSlowdownMs();
    // Each folder of the staging directory is made once (a project's 60 files share 20).
    const madeDirs = new Set<string>();
    for (const file of writes) {
      // The same place under the staging directory as the file's under the target.
      const staged = staging + inTarget.get(file.path)!.slice(join.root.length);
      const dir = path.dirname(staged);
      if (!madeDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        madeDirs.add(dir);
      }
      writeFileSync(staged, file.contents);
      if (file.mode !== undefined) chmodSync(staged, file.mode);
      if (file.dirMode !== undefined) chmodSync(dir, file.dirMode);
      if (slowdown > 0) await new Promise((r) => setTimeout(r, slowdown));
    }
    // A SIGINT/SIGTERM that arrived while staging is handled here (clean up, exit), not lost.
    await afterNextPoll();
    pauseAt('write-staged');
    if (targetExisted) {
      const unlock = lockFolder(target, targetDir);
      try {
        pauseAt('write-locked');
        assertUnchanged(target, seen);
        moveIntoPlace(staging, target, writes, removals, seen);
      } catch (error) {
        // Some moves could not be undone: the originals wait in the staging folder, beside the
        // journal, for the next run to put back. It must not be removed.
        if (error instanceof PartlyUndone) staging = undefined;
        throw error;
      } finally {
        unlock();
      }
    } else renameNew(staging, target, targetDir);
    // The files are complete: from here a signal no longer changes the outcome, and nothing
    // may be cleaned up any more (a parent made for a new project now holds it).
    staging = undefined;
    createdParent = undefined;
    // Held before the cleaning-up handlers go: with no handler at all for a moment, a signal
    // would take its default action and end the run as if nothing had been written.
    holdLateSignals();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    pauseAt('write-complete');
  } catch (error) {
    cleanUp();
    if (error instanceof CliError) throw error;
    throw new CliError('write-failed', `could not write the project: ${describe(error)}${whereRefused(error)}; nothing was written`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Refuses to write a file that must sit in a private folder (a secret, whose `dirMode` is 0700)
 * into a folder that is already there and open to others: the write gives a folder that mode
 * only when it makes it, and a folder that was there is the user's, not ours to change. Checked
 * by the plan (a dry run says so too) and again before the writes.
 */
export function assertPrivateFolders(files: readonly RenderedFile[], targetDir: string): void {
  const join = safeJoiner(targetDir);
  for (const file of files) {
    if (file.dirMode === undefined) continue;
    // Not there (the write makes it with dirMode) or not a folder (the write refuses it): nothing to check.
    const stat = lstatOrUndefined(path.dirname(join(file.path)));
    if (!stat?.isDirectory()) continue;
    const folder = path.posix.dirname(file.path);
    const mode = Number(stat.mode);
    const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;
    if ((mode & 0o777 & ~file.dirMode) !== 0)
      throw new CliError(
        'unsafe-target',
        `${folder}/ is open to other users (mode ${octal(mode)}) and would hold ${file.path}: run \`chmod ${octal(file.dirMode)} ${folder}\`, then run again; nothing was written`,
      );
    // Its owner reads whatever goes in: another user than the project's (the run as root in a
    // folder someone else made) would be given the secret.
    const owner = Number(stat.uid);
    const projectOwner = Number(lstatOrUndefined(join.root)?.uid ?? owner);
    if (owner !== projectOwner)
      throw new CliError(
        'unsafe-target',
        `${folder}/ belongs to another user (uid ${owner}) than the project (uid ${projectOwner}) and would hold ${file.path}: make it the project's (\`chown ${projectOwner} ${folder}\`), then run again; nothing was written`,
      );
  }
}

/** sha256 of each path's bytes in `dir`, null when absent. */
export function snapshot(dir: string, paths: readonly string[]): Map<string, string | null> {
  return new Map(paths.map((p) => [p, hashOfPath(path.join(dir, p))]));
}


function assertUnchanged(target: string, seen: ReadonlyMap<string, string | null>): void {
  const changed = [...seen].filter(([p, hash]) => hashOfPath(path.join(target, p)) !== hash).map(([p]) => p);
  if (changed.length > 0)
    throw new CliError(
      'write-failed',
      `${changed.length} file(s) changed since this run read them (another run writing here?); nothing was written: run again`,
      changed,
    );
}

/**
 * A new project is its staging directory renamed into place. rename(2) replaces only an empty
 * directory: one that another run (or anyone) filled meanwhile makes it fail, and that folder
 * is theirs, so it is refused and left alone.
 */
function renameNew(staging: string, target: string, shown: string): void {
  try {
    renameSync(staging, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
      throw new CliError('not-empty', `${shown} appeared while this run was writing it (another run?); nothing was written, and what is there was left alone`);
    throw error;
  }
}

/** Removes `from` and its parents up to `upTo` (the first one this run created), while empty. */
function removeEmptyParents(from: string, upTo: string): void {
  let dir = from;
  for (;;) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === upTo || path.dirname(dir) === dir) return;
    dir = path.dirname(dir);
  }
}

/**
 * A SIGINT/SIGTERM that arrives once the files are complete is noted and otherwise ignored, so
 * the run still reports what it wrote and exits 0 rather than 130/143, which would claim that
 * nothing was written. The driver calls `releaseLateSignals()` when the run is over.
 */
let lateSignals: (() => void) | undefined;
/** Set by the executable: a process that is about to exit keeps holding them (see below). */
let holdUntilExit = false;

function holdLateSignals(): void {
  if (lateSignals) return;
  lateSignals = () => {};
  process.on('SIGINT', lateSignals);
  process.on('SIGTERM', lateSignals);
}

/**
 * For the executable: late signals stay held until the process exits. Released when main()
 * returns, they would leave a moment with no handler, in which a signal takes its default
 * action and the run that wrote everything exits 130/143. (Signal handlers do not keep the
 * process alive.) Tests and plop, which run in a longer-lived process, release them.
 */
export function holdLateSignalsUntilExit(): void {
  holdUntilExit = true;
}

export function releaseLateSignals(): void {
  if (!lateSignals || holdUntilExit) return;
  process.off('SIGINT', lateSignals);
  process.off('SIGTERM', lateSignals);
  lateSignals = undefined;
}

/**
 * Resolves once the event loop has polled again, which is when a pending signal reaches its
 * handler. One setImmediate is not enough: queued from an I/O callback, it runs in the same
 * turn of the loop, before the next poll.
 */
function afterNextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * Moves staged files into an existing directory, all or nothing. Synchronous on purpose (see
 * the module comment). Before the first move it checks that every destination directory is
 * writable and on the staging directory's file system (a rename cannot cross a mount); then
 * each file it replaces or removes is first moved aside into the staging directory, so that if
 * a move still fails (an immutable file, no inode left for a new directory), every earlier move
 * is undone and the target is as it was.
 */
function moveIntoPlace(staging: string, target: string, writes: RenderedFile[], removals: readonly string[], seen: ReadonlyMap<string, string | null>): void {
  const device = statSync(staging).dev;
  for (const file of [...writes, ...removals.map((removal) => ({ path: removal }))]) {
    const dir = nearestExisting(path.dirname(path.join(target, file.path)));
    const where = path.relative(target, dir) || '.';
    if (statSync(dir).dev !== device)
      throw new CliError('write-failed', `could not write the project: ${where} in ${target} is on another file system (a mount point), and files cannot be moved across one at once; nothing was written`);
    try {
      accessSync(dir, constants.W_OK);
    } catch (error) {
      throw new CliError('write-failed', `could not write the project: ${where} in ${target}: ${describe(error)}; nothing was written`);
    }
  }

  const aside = path.join(staging, ASIDE);
  mkdirSync(aside);
  // What each place holds now: checked against what the run saw a moment ago, under the lock.
  const before = new Map(writes.map((file) => [file.path, seen.has(file.path) ? seen.get(file.path)! : hashOfPath(path.join(target, file.path))]));
  // What the moves will do, for the next run to undo if this process is killed half-way
  // (SIGKILL: no handler runs); the moves below name their originals as the journal does.
  writeJournal(staging, {
    writes: writes.map((file) => ({ path: file.path, before: before.get(file.path)!, after: hashOfBytes(file.contents) })),
    removals: [...removals],
    created: missingDirs(target, writes.map((file) => path.dirname(file.path))),
  });
  pauseAt('write-journaled');
  const done: MoveStep[] = [];
  for (const [i, file] of writes.entries()) {
    const final = path.join(target, file.path);
    try {
      assertRealFolders(target, file.path);
      const step: MoveStep = { relative: file.path, final, createdDir: mkdirSync(path.dirname(final), { recursive: true }) };
      done.push(step);
      if (step.createdDir && file.dirMode !== undefined) chmodSync(path.dirname(final), file.dirMode);
      const staged = path.join(staging, file.path);
      if (existsSync(final)) {
        // The new text takes the old file's place with its mode: an executable bit, or a
        // narrower permission the user chose, is kept.
        chmodSync(staged, statSync(final).mode & 0o7777);
        step.replaced = path.join(aside, String(i));
        renameSync(final, step.replaced);
        step.setAside = assertStillSeen(file.path, step.replaced, seen);
      }
      pauseAt(`write-placing ${file.path}`);
      // Into an empty place only: a file saved there since the look above (an editor's save
      // writes a new file and renames it over the old name) stays, and the run is undone.
      const placed = { ino: lstatSync(staged).ino, hash: hashOfBytes(file.contents) };
      if (!moveNoReplace(staged, final, () => pauseAt(`write-linked ${file.path}`))) throw new ChangedMeanwhile(`${file.path} was saved while this run was moving files into place (another program saving it?)`);
      step.moved = placed;
      if (i === 0) pauseAt('write-first-moved');
    } catch (error) {
      if (error instanceof ChangedMeanwhile) throw undoneOrNot(done, error.message);
      throw undoneOrNot(done, `could not move ${file.path} into place: ${describe(error)}`);
    }
  }
  for (const [i, removal] of removals.entries()) {
    const final = path.join(target, removal);
    if (!existsSync(final)) continue;
    const step: MoveStep = { relative: removal, final, replaced: path.join(aside, `removed-${i}`) };
    try {
      done.push(step);
      assertRealFolders(target, removal);
      renameSync(final, step.replaced!);
      step.setAside = assertStillSeen(removal, step.replaced!, seen);
    } catch (error) {
      if (error instanceof ChangedMeanwhile) throw undoneOrNot(done, error.message);
      throw undoneOrNot(done, `could not delete ${removal}: ${describe(error)}`);
    }
  }
  // A program that had a file open before it was set aside writes into the set-aside copy,
  // which goes with the staging folder: each is checked once more, last, and one written to
  // since undoes the run, so that those bytes are back in place.
  pauseAt('write-moved');
  for (const step of done)
    if (step.replaced !== undefined && hashOfPath(step.replaced) !== step.setAside)
      throw undoneOrNot(done, `${step.relative} was written to while this run was moving files into place (a program that had it open?)`);
  // Complete: first the journal goes, so that what is left of the staging folder if this
  // process dies now is only garbage for the next run to remove, never moves to undo.
  dropJournal(staging);
  removeEmptiedDirs(target, removals);
  rmSync(staging, { recursive: true, force: true });
}

/** The error after a failed move: every earlier move undone, or the ones that could not be. */
class ChangedMeanwhile extends Error {}

/**
 * The file a move just set aside is the one the run saw: checked on the set-aside copy itself,
 * so a save that lands after the check under the lock and before this move (an editor ignores
 * our lock) is found too, and every move is undone instead of the save being replaced. Returns
 * what it holds, which the run checks once more before it completes.
 */
function assertStillSeen(relative: string, setAside: string, seen: ReadonlyMap<string, string | null>): string | null {
  const expected = seen.get(relative);
  const now = hashOfPath(setAside);
  if (expected !== undefined && now !== expected)
    throw new ChangedMeanwhile(`${relative} changed while this run was moving files into place (another program saving it?)`);
  return now;
}

function undoneOrNot(done: MoveStep[], why: string): CliError {
  const notUndone = undo(done);
  if (notUndone.length === 0) return new CliError('write-failed', `${why}; every file already moved was put back, so nothing was changed`);
  return new PartlyUndone('write-failed', `${why}, and ${notUndone.length} earlier move(s) could not be undone (listed below); the next run into this folder puts them back`, notUndone);
}

/** A failed move whose earlier moves could not all be undone: the staging folder is kept. */
class PartlyUndone extends CliError {}

/** The folders (relative, '/'-separated) that are missing for `dirs` in `target`, deepest first. */
function missingDirs(target: string, dirs: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const dir of dirs)
    for (let d = dir; d !== '.' && d !== '' && !missing.has(d) && !existsSync(path.join(target, d)); d = path.posix.dirname(d)) missing.add(d);
  return [...missing].sort((a, b) => b.split('/').length - a.split('/').length);
}

/**
 * The folders that update's removals left empty (a deploy target's deploy/<target>/base...),
 * up to the target: the tool made them for its files, and they held nothing else.
 */
function removeEmptiedDirs(target: string, removals: readonly string[]): void {
  for (const removal of removals)
    for (let dir = path.posix.dirname(removal); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) {
      try {
        rmdirSync(path.join(target, dir));
      } catch {
        break;
      }
    }
}

interface MoveStep {
  /** The file's path in the project, as the plan names it. */
  relative: string;
  final: string;
  /** The directory mkdir created for it (the first of several), if any. */
  createdDir?: string;
  /** Where the file it replaced waits, until the move is complete. */
  replaced?: string;
  /** What that file held as it was set aside (its hash): checked again before the run completes. */
  setAside?: string | null;
  /**
   * Once the new file is in place: its inode and its bytes' hash, which tell it from a file
   * saved over it since (a new file renamed over it) or into it (the same file, rewritten).
   */
  moved?: { ino: number; hash: string };
}

/**
 * Puts back what `moveIntoPlace` did, newest first; returns what could not be put back. A file
 * someone saved in a place meanwhile (over the new file, or where the original was set aside)
 * is theirs and newer than the original: it stays, and the set-aside original goes, as their
 * save would have replaced it without this run.
 */
function undo(done: MoveStep[]): string[] {
  const failed: string[] = [];
  for (const step of [...done].reverse()) {
    try {
      if (step.moved !== undefined && lstatSync(step.final, { throwIfNoEntry: false })?.ino === step.moved.ino && hashOfPath(step.final) === step.moved.hash) rmSync(step.final);
      if (step.replaced && existsSync(step.replaced) && !moveNoReplace(step.replaced, step.final)) rmSync(step.replaced);
      if (step.createdDir) removeEmptyDirs(step.createdDir);
    } catch {
      failed.push(step.replaced ? `${step.final} (the original is at ${step.replaced})` : step.final);
    }
  }
  return failed;
}

/** `dir` and the folders under it, deepest first, as far as they are empty: a file someone put there meanwhile keeps its folders. */
function removeEmptyDirs(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeEmptyDirs(path.join(dir, entry.name));
  try {
    rmdirSync(dir);
  } catch {
    // Not empty: what is in it is not this run's.
  }
}

/**
 * Each folder on the way to `relative` in `target` that is there is a real folder, as the plan
 * found it: checked again as each file moves, so that a folder swapped for a symbolic link
 * since (to one outside the project) is never moved through.
 */
function assertRealFolders(target: string, relative: string): void {
  const parts = relative.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const stat = lstatSync(path.join(target, ...parts.slice(0, i)), { throwIfNoEntry: false });
    if (stat === undefined) return;
    if (!stat.isDirectory()) throw new ChangedMeanwhile(`${parts.slice(0, i).join('/')} became ${stat.isSymbolicLink() ? 'a symbolic link' : 'something else than a folder'} while this run was moving files into place, and nothing is moved through one`);
  }
}

function nearestExisting(dir: string): string {
  let current = dir;
  while (!existsSync(current)) current = path.dirname(current);
  return current;
}

/** Joins a template path onto the target, refusing anything that would land outside it. */
export function safeJoin(targetDir: string, relative: string): string {
  return safeJoiner(targetDir)(relative);
}

/**
 * safeJoin for many paths into one target: each directory inside it is checked once (a
 * project's 67 files share 20), and none when the target itself is not there (nothing inside
 * it is then either).
 */
function safeJoiner(targetDir: string): ((relative: string) => string) & { root: string; rootExists: boolean } {
  const root = path.resolve(targetDir);
  const rootExists = lstatOrUndefined(root) !== undefined;
  const checked = new Set<string>();
  // A path as templates write it ('a/b/c', no '.', '..' or empty part) lands where
  // path.resolve would put it, root/a/b/c: on POSIX, where '/' is the separator, it is joined
  // as it is (path.resolve parses the whole path again for each of a project's files).
  const plain = path.sep === '/' && root !== '/';
  const join = (relative: string): string => {
    const joined = plain && PLAIN_RELATIVE.test(relative) ? `${root}/${relative}` : path.resolve(root, relative);
    if (!isBelow(root, joined)) throw new Error(`refusing to write outside the target: ${relative}`);
    if (!rootExists) return joined;
    // A symlinked directory inside the target would also lead outside it; a file where a directory
    // must go would fail half-way through moving files into place, so both are refused up front.
    // A directory already checked had its parents checked too.
    let dir = path.dirname(joined);
    while (isBelow(root, dir) && !checked.has(dir)) {
      const stat = lstatOrUndefined(dir);
      if (stat?.isSymbolicLink())
        throw new CliError('unsafe-target', `${path.relative(root, dir)} in ${targetDir} is a symbolic link; refusing to write through it`);
      if (stat && !stat.isDirectory())
        throw new CliError('unsafe-target', `${path.relative(root, dir)} in ${targetDir} is not a directory, but the project needs one there; move it away first`);
      checked.add(dir);
      dir = path.dirname(dir);
    }
    return joined;
  };
  return Object.assign(join, { root, rootExists });
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

/** For a permission or space error, the folder it happened in (the staging folder's parent, not its temporary name). */
function whereRefused(error: unknown): string {
  const { code, path: where } = error as NodeJS.ErrnoException;
  if (!where || !['EACCES', 'EPERM', 'EROFS', 'ENOSPC'].includes(code ?? '')) return '';
  return ` in ${path.basename(where).includes('.staging-') ? path.dirname(where) : where}`;
}

/** Test seam: slows the staging writes so a test can interrupt them. */
function testSlowdownMs(): number {
  const raw = process.env.CPDA_TEST_SLOW_WRITE_MS;
  const n = raw ? Number(raw) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}
