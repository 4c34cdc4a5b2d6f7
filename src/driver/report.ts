// What the CLI prints: a human summary on stderr, or one versioned JSON document on stdout
// with --json. Nothing else ever goes to stdout, so `--json` output can be piped to a parser.

import path from 'node:path';
import { styleText } from 'node:util';
import type { PlannedWrite } from '../engine/write.js';
import { shellWord } from '../engine/text.js';
import { CliError } from '../errors.js';
import { START_COMMAND } from '../features/docker-floor.js';

export const JSON_SCHEMA_VERSION = 1;

/**
 * What to do after writing Docker files (a new project, or `add docker`): go there, make .env,
 * start the stack, and probe the app. The stack starts only once scripts/check-docker has
 * found a Docker recent enough, so an older one fails with a clear message, not a Compose
 * error; the generated README gives the same command.
 */
export function dockerNextSteps(
  where: { dir: string; cwd: string },
  app: { port: number; healthPath: string; hasEnv?: boolean },
): string[] {
  const steps: string[] = [...cdStep(where)];
  // A new project's .env was written; an existing .env is never replaced. No password goes in
  // it: the database's is the secret file written beside the Docker files (secret-files.ts).
  if (!app.hasEnv) steps.push('[ -e .env ] || cp .env.example .env');
  steps.push(START_COMMAND);
  steps.push(`curl http://localhost:${app.port}${app.healthPath}`);
  return steps;
}

/**
 * The next steps' first line when the folder is not the current one: `cd` to it, as a shell
 * word (a path with a space or a quote is quoted, so the line works pasted as it is).
 */
export function cdStep(where: { dir: string; cwd: string }): string[] {
  if (path.resolve(where.dir) === path.resolve(where.cwd)) return [];
  const shown = displayDir(where.dir, where.cwd);
  return [`cd ${/^[\w./@%+=:,-]+$/.test(shown) ? shown : shellWord(shown)}`];
}

/** A directory as the user would type it from `cwd`: relative when inside, absolute when not. */
export function displayDir(dir: string, cwd: string): string {
  const relative = path.relative(cwd, dir);
  return relative === '' ? '.' : relative.startsWith('..') ? dir : relative;
}

export interface RunResult {
  command: string;
  dryRun: boolean;
  projectDir: string;
  options: object;
  files: PlannedWrite[];
  warnings: string[];
  nextSteps: string[];
  /** What detection found: printed before the plan, and part of `options` in --json. */
  notes: string[];
}

export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The one JSON document of a successful run: versioned, with `ok: true`. */
/**
 * What reaches the terminal: every control character a message could carry from a user's
 * file (a requirements line, a Dockerfile, a record) made visible as `\x1b` instead of acted on
 * (an escape sequence could retitle the window or clear the screen), except the line breaks,
 * tabs and the colour codes this report adds itself (util.styleText's `ESC [ n m`).
 */
export function screenText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[\d{1,3}m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => (c.length > 1 ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

export function jsonDocument(body: object): string {
  return `${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ok: true, ...body }, null, 2)}\n`;
}

export function printResult(result: RunResult, json: boolean, out: Output): void {
  const { notes, ...document } = result;
  if (json) {
    out.stdout.write(jsonDocument(document));
    return;
  }
  const paint = painter(out.stderr);
  const lines: string[] = [];
  if (notes.length > 0) lines.push(`Detected: ${notes.join('; ')}`);
  const width = Math.max(...result.files.map((f) => f.path.length), 10);
  if (result.dryRun) lines.push(`Dry run: nothing was written. Plan for ${result.projectDir}:`);
  for (const file of result.files) {
    if (!result.dryRun && file.action === 'unchanged') continue;
    lines.push(`  ${paint(actionColour(file.action), file.action.padEnd(9))} ${file.path.padEnd(width)}  ${formatBytes(file.bytes)}`);
  }
  for (const warning of result.warnings) lines.push(paint('yellow', `warning: ${warning}`));
  if (!result.dryRun) {
    const written = result.files.filter((f) => f.action === 'create' || f.action === 'overwrite').length;
    lines.push('', paint('green', `Done: ${written} file(s) written to ${result.projectDir}`));
  }
  if (result.nextSteps.length > 0) lines.push('', 'Next steps:', ...result.nextSteps.map((s) => `  ${s}`));
  out.stderr.write(screenText(`${lines.join('\n')}\n`));
}

export function printError(error: unknown, json: boolean, out: Output): number {
  const cliError =
    error instanceof CliError
      ? error
      : new CliError('internal', `unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  if (json) {
    const body = { code: cliError.code, message: cliError.message, details: cliError.details, exitCode: cliError.exitCode };
    out.stdout.write(`${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ok: false, error: body }, null, 2)}\n`);
  }
  const paint = painter(out.stderr);
  const details = cliError.details.slice(0, 20).map((d) => `  ${d}`);
  if (cliError.details.length > 20) details.push(`  ... and ${cliError.details.length - 20} more`);
  out.stderr.write(screenText(`${[paint('red', `error: ${cliError.message}`), ...details].join('\n')}\n`));
  return cliError.exitCode;
}

type Colour = 'green' | 'yellow' | 'red' | 'cyan' | 'dim';

function actionColour(action: PlannedWrite['action']): Colour {
  return action === 'create' ? 'green' : action === 'overwrite' ? 'yellow' : action === 'conflict' ? 'red' : 'dim';
}

/**
 * Colour only where it belongs: util.styleText with a stream drops it when the stream is not a
 * TTY or FORCE_COLOR=0, and turns it on without a TTY for FORCE_COLOR=1..3. NO_COLOR (set and
 * not empty) always wins: it is the user saying "never", where Node would let FORCE_COLOR win.
 */
function painter(stream: Output['stderr']): (colour: Colour, text: string) => string {
  if (process.env.NO_COLOR) return (_colour, text) => text;
  // Not a terminal and no FORCE_COLOR: styleText would say plain too, but loading its colour
  // support builds process.stderr (Node's net and stream modules for a pipe) just to ask.
  if (!stream.isTTY && process.env.FORCE_COLOR === undefined) return (_colour, text) => text;
  // Whether the stream takes colours is asked once, not for each of a project's 60 lines
  // (each ask reads the environment again): a sample that comes back plain means it does not.
  if (styleText('green', '.', { stream: stream as NodeJS.WriteStream }) === '.') return (_colour, text) => text;
  return (colour, text) => styleText(colour, text, { validateStream: false });
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}
