// What `update` prints: the plan file by file with the reason for each action, on stderr, or
// one JSON document on stdout with --json (the same envelope as the other commands').

import { styleText } from 'node:util';
import { CliError } from '../errors.js';
import { JSON_SCHEMA_VERSION, screenText, type Output } from '../driver/report.js';
import type { PlannedFile, UpdateAction, UpdatePlan } from './plan.js';

export interface UpdateResult {
  /** The command whose plan this is: update, or an add command that goes through it (add worker). */
  command: 'update' | 'add worker';
  dryRun: boolean;
  projectDir: string;
  /** The version that generated the project (from its answers file), if it says. */
  fromVersion?: string;
  toVersion: string;
  options: object;
  /** Whether the project had a record of what was generated (projects from 0.1.0 do not). */
  baseRecord: boolean;
  plan: UpdatePlan;
  /** What happened besides the files, one line each (a secret moved from .env). */
  notes: string[];
  warnings: string[];
  nextSteps: string[];
}

/** One line per reason: what happens to the file and why. */
const WHY: Record<PlannedFile['reason'], string> = {
  'up-to-date': 'already what this version generates',
  'template-changed': 'the templates changed it; you had not',
  new: 'new in the templates',
  missing: 'missing, and no record says you deleted it: created (delete it again if you had)',
  merged: 'your changes and the template\'s, merged',
  conflict: 'you and the templates changed the same lines: resolve the conflict markers',
  edited: 'your changes kept; the templates did not change it',
  deleted: 'you deleted it: it stays deleted',
  'deleted-folder': 'new in the templates, in a folder you deleted: it stays deleted',
  yours: 'new in the templates, but you have your own file there: kept',
  'no-base': 'differs from this version\'s template and there is no record to merge against: kept as yours',
  'not-text': 'not a regular text file: left alone',
  'kept-removed': 'no longer generated, but you changed it: kept',
  removed: 'no longer generated, and you had not changed it',
  'still-ignoring': 'no longer generated, but files it keeps out of git or the image are still in its folder: kept',
  secret: 'your secret, now a file (see below)',
  record: 'the record of this version\'s answers and files',
};

/** Prints the result; returns the exit code (1 when conflicts were written). */
export function printUpdateResult(result: UpdateResult, json: boolean, out: Output): number {
  const { plan } = result;
  const conflicted = !result.dryRun && plan.conflicts.length > 0;
  const error = conflicted
    ? new CliError('conflict', `${plan.conflicts.length} file(s) have conflicts (${plan.conflicts.join(', ')}): resolve the <<<<<<< ======= >>>>>>> sections; the rest of the update was applied`, plan.conflicts)
    : undefined;

  if (json) {
    const { plan: _plan, ...rest } = result;
    const document = {
      schemaVersion: JSON_SCHEMA_VERSION,
      ok: !error,
      ...rest,
      files: plan.files,
      conflicts: plan.conflicts,
      ...(error ? { error: { code: error.code, message: error.message, details: error.details, exitCode: error.exitCode } } : {}),
    };
    out.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    // As with the other commands: with --json, stderr carries only the error line, if any.
    if (error) out.stderr.write(screenText(`${painter(out.stderr)('red', `error: ${error.message}`)}\n`));
    return error?.exitCode ?? 0;
  }
  const paint = painter(out.stderr);
  const lines = planLines(result, paint);
  if (!result.dryRun && plan.writes.length + plan.removals.length > 0) {
    const written = plan.writes.length;
    const deleted = plan.removals.length;
    const summary = `${written} file(s) written${deleted > 0 ? `, ${deleted} deleted` : ''} in ${result.projectDir}`;
    lines.push('', error ? paint('yellow', `Updated: ${summary}`) : paint('green', `Done: ${summary}`));
    if (error) lines.push(paint('red', `error: ${error.message}`));
  }
  if (result.nextSteps.length > 0) lines.push('', 'Next steps:', ...result.nextSteps.map((s) => `  ${s}`));
  out.stderr.write(screenText(`${lines.join('\n')}\n`));
  return error?.exitCode ?? 0;
}

/** The plan as a person reads it: every file that changes or is kept, then the warnings. */
export function planLines(result: UpdateResult, paint = (_colour: Colour, text: string) => text): string[] {
  const from = result.fromVersion ?? '(unknown version)';
  const what = result.command === 'update' ? `Update ${result.projectDir} from ${from} to ${result.toVersion}` : `${result.command}: ${result.projectDir} (${result.toVersion}), through update's plan`;
  const lines = [`${result.dryRun ? 'Dry run: nothing was written. ' : ''}${what}:`];
  const shown = result.plan.files.filter((f) => f.action !== 'unchanged');
  const width = Math.max(10, ...shown.map((f) => f.path.length));
  for (const file of shown) lines.push(`  ${paint(colourOf(file.action), file.action.padEnd(9))} ${file.path.padEnd(width)}  ${WHY[file.reason]}`);
  const unchanged = result.plan.files.length - shown.length;
  if (shown.length === 0) lines.push('  nothing to change: the project is up to date');
  else if (unchanged > 0) lines.push(paint('dim', `  ${unchanged} other file(s) already up to date`));
  for (const note of result.notes) lines.push(note);
  for (const warning of result.warnings) lines.push(paint('yellow', `warning: ${warning}`));
  return lines;
}

type Colour = 'green' | 'yellow' | 'red' | 'cyan' | 'dim';

function colourOf(action: UpdateAction): Colour {
  if (action === 'conflict') return 'red';
  if (action === 'create' || action === 'merge') return 'green';
  if (action === 'overwrite' || action === 'delete') return 'yellow';
  return 'dim';
}

/** util.styleText with a stream drops colour when it is not a TTY, NO_COLOR is set, or FORCE_COLOR=0. */
function painter(stream: Output['stderr']): (colour: Colour, text: string) => string {
  return (colour, text) => styleText(colour, text, { stream: stream as NodeJS.WriteStream });
}
