// A run killed while it moves files into an existing folder (SIGKILL, a power cut of the
// process, an OOM kill: nothing the process can catch) would leave that folder half old, half
// new. Before its first move, a run writes a journal into its staging folder (what it will move,
// and the hash of each new file); the next run into the same folder finds the staging folder of
// a process that is gone and puts back what it had moved, from the journal and the originals it
// set aside there, before reading anything: the folder is again as it was before the killed run,
// as after any other interrupted one. A staging folder without a journal (killed while writing
// it, or after the last move) holds nothing of the user's and is removed.
//
// Whose a staging folder is, is in its name: `.<target>.staging-<process>@<host>-XXXXXX` (the
// process as process-identity.ts names it: pid and start time), so a
// folder a live run is still filling is left alone, and so is one from another host (a shared
// network folder), whose process cannot be checked.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { CliError } from '../errors.js';
import { hashOfBytes, hashOfPath } from './file-hash.js';
import { PLAIN_RELATIVE } from './plain-relative.js';
import { isRunning, ownProcessId } from './process-identity.js';
import { moveNoReplace } from './move-no-replace.js';
import { pauseAt } from './test-pause.js';
import { LOCK_FILE, lockFolder } from './write-lock.js';

/** What a run is about to move into an existing folder, in the order it moves them. */
export interface WriteJournal {
  /** Each file written: its path in the target, the sha256 of what was there (null: nothing) and of its new bytes. */
  writes: { path: string; before: string | null; after: string }[];
  /** Each file deleted (update's removals). */
  removals: string[];
  /** The folders the moves create (missing before them), deepest first. */
  created: string[];
}

const JOURNAL = '.journal.json';
/** Where a file replaced or removed waits until the run is complete: `<aside>/<i>`, `<aside>/removed-<i>`. */
export const ASIDE = '.replaced';

let ownTag: string | undefined;
/** This host, as it appears in staging folders' names: a short hash, safe in a file name. */
function hostTag(): string {
  return (ownTag ??= createHash('sha256').update(hostname()).digest('hex').slice(0, 8));
}

/** The mkdtemp prefix of this run's staging folder for `target`. */
export function stagingPrefix(target: string): string {
  return `.${path.basename(target)}.staging-${ownProcessId()}@${hostTag()}-`;
}

/** Written before the first move; a staging folder with none has moved nothing. */
export function writeJournal(staging: string, journal: WriteJournal): void {
  const partial = path.join(staging, `${JOURNAL}.partial`);
  writeFileSync(partial, JSON.stringify(journal));
  // Renamed into place, so a journal is either whole or absent.
  renameSync(partial, path.join(staging, JOURNAL));
}

/** Removed after the last move and before the rest of the staging folder. */
export function dropJournal(staging: string): void {
  rmSync(path.join(staging, JOURNAL), { force: true });
}


interface StaleStaging {
  dir: string;
  /** Inside the target (an existing folder's run) rather than beside it (a new project's). */
  inside: boolean;
  journal: WriteJournal | undefined;
}

/**
 * Puts back what a killed run moved into `targetDir` and removes the staging folders of runs
 * that are gone (inside the folder, and a new project's beside it), and a lock such a run left.
 * Returns what it did, for the report. A dry run changes nothing: it refuses when files would
 * have to be put back (its plan would be made from a half-written folder) and ignores the rest.
 */
export function recoverInterruptedWrites(targetDir: string, shownDir: string, { dryRun = false } = {}): string[] {
  const target = path.resolve(targetDir);
  const targetIsDir = isRealDirectory(target);
  // Inside only a real directory: through a symbolic link, the folder would be someone else's.
  const scan = () => [...(targetIsDir ? staleStagingIn(target, path.basename(target), true) : []), ...staleStagingIn(path.dirname(target), path.basename(target), false)];
  const stale = scan();
  const lockLeft = targetIsDir && lstatSync(path.join(target, LOCK_FILE), { throwIfNoEntry: false }) !== undefined;
  if (stale.length === 0 && !lockLeft) return [];
  const journaled = stale.filter((s) => s.journal !== undefined);
  if (dryRun) {
    if (journaled.length > 0)
      throw new CliError('write-failed', `an earlier run into ${shownDir} was killed while moving files into place; run without --dry-run to put back what it moved, then plan again`);
    return [];
  }
  const notes: string[] = [];
  pauseAt('recovery-scanned');
  // Under the folder's lock, as any run's moves are; a lock left by a killed run is taken over.
  const unlock = targetIsDir ? lockFolder(target, shownDir) : () => {};
  try {
    // Again, under the lock: another run may have recovered meanwhile, and a journal read
    // before it did would undo that run's own files.
    for (const staging of scan()) {
      if (staging.journal) {
        const { putBack, completed } = rollBack(target, staging.dir, staging.journal, shownDir);
        if (putBack > 0)
          notes.push(`an earlier run into ${shownDir} was killed while moving files into place; the ${putBack} file(s) it had changed were put back as they were before it`);
        if (completed !== undefined)
          notes.push(`an earlier run into ${shownDir} was killed after it had moved every file into place, so it is complete and was kept${completed > 0 ? `, with the ${completed} file(s) changed since as they are` : ''}`);
      }
      // The journal first: killed while the rest goes, what is left is garbage, never moves to undo.
      dropJournal(staging.dir);
      rmSync(staging.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    }
  } finally {
    unlock();
  }
  return notes;
}

/** What follows `.<folder>.staging-` in a staging folder's name: its run (pid.start) and host. */
const STAGING_OWNER = /^(\d+(?:\.\d+)?)@([0-9a-f]{8})-[A-Za-z0-9]{6}$/;
/** A staging folder's whole name, for any folder name. */
const STAGING_INSIDE = /^\..+\.staging-(\d+(?:\.\d+)?)@([0-9a-f]{8})-[A-Za-z0-9]{6}$/;

function staleStagingIn(dir: string, targetName: string, inside: boolean): StaleStaging[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = `.${targetName}.staging-`;
  const found: StaleStaging[] = [];
  for (const entry of entries) {
    // Inside the folder, whatever name the folder had then: one renamed (or copied) since a
    // killed run is as half-written as before. Beside it, only this folder's name.
    const owner = inside ? STAGING_INSIDE.exec(entry) : entry.startsWith(prefix) ? STAGING_OWNER.exec(entry.slice(prefix.length)) : null;
    // Another host's run, or one of this host's still going: not ours to touch.
    if (!owner || owner[2] !== hostTag() || isRunning(owner[1]!)) continue;
    const full = path.join(dir, entry);
    const stat = lstatSync(full, { throwIfNoEntry: false });
    // A real folder of this user's: another user's run is not ours to judge or remove.
    if (!stat?.isDirectory() || (process.getuid !== undefined && stat.uid !== process.getuid())) continue;
    found.push({ dir: full, inside, journal: inside ? readJournal(full) : undefined });
  }
  return found;
}

function readJournal(staging: string): WriteJournal | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(staging, JOURNAL), 'utf8');
  } catch (error) {
    // None: the run was killed before its first move, or after its last. Anything else (a
    // folder in its place, no permission) is not a journal to trust, nor to ignore.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    text = '';
  }
  const refused = new CliError('write-failed', `${path.join(staging, JOURNAL)} is not a journal this version wrote; move that folder away, then run again`);
  let journal: WriteJournal;
  try {
    journal = JSON.parse(text) as WriteJournal;
  } catch {
    throw refused;
  }
  const plain = (p: unknown): p is string => typeof p === 'string' && PLAIN_RELATIVE.test(p);
  if (typeof journal !== 'object' || journal === null || !Array.isArray(journal.writes) || !Array.isArray(journal.removals) || !Array.isArray(journal.created)
    || !journal.writes.every((w) => typeof w === 'object' && w !== null && plain(w.path) && typeof w.after === 'string' && (w.before === null || typeof w.before === 'string'))
    || !journal.removals.every(plain) || !journal.created.every(plain))
    throw refused;
  return journal;
}

/**
 * Undoes the journal's moves, newest first, after checking that none of the files it touched
 * changed since the run was killed (then nothing is put back, and the message says where the
 * originals are). Each step leaves a state the next attempt starts from, so a recovery that is
 * itself killed is taken up again. Returns how many files were put back.
 */
function rollBack(target: string, staging: string, journal: WriteJournal, shownDir: string): { putBack: number; completed?: number } {
  const aside = path.join(staging, ASIDE);
  // Every move stays inside the two folders: none through a symbolic link put in place of a
  // folder since (in the project, or in the staging folder), which could lead outside them.
  const linked = [
    ...journal.writes.flatMap((w) => [linkOnTheWay(target, w.path), linkOnTheWay(staging, w.path)]),
    ...journal.removals.map((r) => linkOnTheWay(target, r)),
    ...journal.created.map((c) => linkOnTheWay(target, `${c}/x`)),
    isRealDirectory(aside) || lstatSync(aside, { throwIfNoEntry: false }) === undefined ? undefined : aside,
  ].filter((l): l is string => l !== undefined);
  if (linked.length > 0)
    throw new CliError('unsafe-target', `an earlier run into ${shownDir} was killed while moving files into place, but ${path.relative(target, linked[0]!)} is now a symbolic link (or not a folder), and nothing is moved through one; nothing was put back: see ${path.relative(target, staging)}`);
  // What to do for each file is decided by what is in its place now, not by what is left in
  // the staging folder (a recovery killed while removing that folder leaves it part-empty):
  // the killed run's new file goes back to the staging folder, and the original set aside
  // returns to an empty place; the original already there, or nothing of the run's, needs
  // nothing; anything else is someone's change since, over which no original is put back.
  const steps: { final: string; staged?: string; after?: string; original?: string }[] = [];
  const changed: string[] = [];
  // Every move made (each new file in place, each original set aside, each removal done): the
  // run was killed after its last move, so it is complete, and kept, with whatever was changed
  // since, rather than undone over those changes.
  let complete = true;
  journal.writes.forEach((write, i) => {
    const placed = hashOfPath(path.join(target, write.path));
    const setAsideHere = lstatSync(path.join(aside, String(i)), { throwIfNoEntry: false })?.isFile() === true;
    if (!(placed === write.after || (write.before !== null && setAsideHere && placed !== null))) complete = false;
  });
  if (journal.removals.some((removal) => lstatSync(path.join(target, removal), { throwIfNoEntry: false }) !== undefined)) complete = false;
  if (complete) return { putBack: 0, completed: journal.writes.filter((w) => hashOfPath(path.join(target, w.path)) !== w.after).length };
  journal.writes.forEach((write, i) => {
    const final = path.join(target, write.path);
    const original = path.join(aside, String(i));
    const setAside = lstatSync(original, { throwIfNoEntry: false })?.isFile() === true;
    const now = hashOfPath(final);
    const ours = now === write.after;
    if (ours || now === null) {
      if (ours || setAside) steps.push({ final, staged: ours ? path.join(staging, write.path) : undefined, after: write.after, original: setAside ? original : undefined });
    } else if (now !== write.before && setAside) changed.push(write.path);
  });
  journal.removals.forEach((removal, i) => {
    const final = path.join(target, removal);
    const original = path.join(aside, `removed-${i}`);
    if (lstatSync(original, { throwIfNoEntry: false })?.isFile() !== true) return;
    const now = hashOfPath(final);
    if (now === null) steps.push({ final, original });
    else if (now !== hashOfBytes(readFileSync(original))) changed.push(removal);
  });
  if (changed.length > 0)
    throw new CliError(
      'write-failed',
      `an earlier run into ${shownDir} was killed while moving files into place, and ${changed.length} of them changed since (below, each as you left it: keep it, or take its original back); nothing was put back: the originals are in ${path.relative(target, aside)} (numbered as in ${path.relative(target, path.join(staging, JOURNAL))}): restore the others' by hand, then delete ${path.relative(target, staging)}`,
      changed,
    );
  pauseAt('recover-checked');
  // Each move is checked after it is made, and a place is filled only while empty, so a file
  // someone saves in the meantime (an editor ignores our lock) is never moved away or replaced.
  const savedMeanwhile = (file: string) =>
    new CliError(
      'write-failed',
      `an earlier run into ${shownDir} was killed while moving files into place, and ${path.relative(target, file)} was saved while they were being put back; it was left as saved, and the originals not put back yet are in ${path.relative(target, aside)} (numbered as in ${path.relative(target, path.join(staging, JOURNAL))}): restore them by hand, then delete ${path.relative(target, staging)}`,
    );
  let putBack = 0;
  for (const step of steps.reverse()) {
    if (step.staged) {
      mkdirSync(path.dirname(step.staged), { recursive: true });
      // A staged copy still there has the same bytes, and may be the very file (a run killed
      // between its link and its unlink): rename(2) between two names of one file does nothing.
      rmSync(step.staged, { force: true });
      renameSync(step.final, step.staged);
      if (hashOfPath(step.staged) !== step.after) {
        if (!moveNoReplace(step.staged, step.final)) throw new CliError('write-failed', `${path.relative(target, step.final)} was saved twice while an earlier run's moves were being put back; one save is at ${path.relative(target, step.staged)}`);
        throw savedMeanwhile(step.final);
      }
    }
    if (step.original && !moveNoReplace(step.original, step.final)) throw savedMeanwhile(step.final);
    if (step.staged || step.original) putBack++;
  }
  for (const dir of journal.created) {
    try {
      rmdirSync(path.join(target, dir));
    } catch {
      // Not empty (something of someone else's is in it) or already gone: it stays.
    }
  }
  return { putBack };
}

/** The first folder on the way to `relative` under `root` that is there but not a real folder (its full path). */
function linkOnTheWay(root: string, relative: string): string | undefined {
  const parts = relative.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const stat = lstatSync(path.join(root, ...parts.slice(0, i)), { throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    if (!stat.isDirectory()) return path.join(root, ...parts.slice(0, i));
  }
  return undefined;
}


function isRealDirectory(p: string): boolean {
  return lstatSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
