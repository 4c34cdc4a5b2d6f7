// Command-line parsing for `create-python-docker-app [dir] [flags]`. Flags come from the
// option table; unknown flags and invalid values are usage errors, never ignored.

import { parseArgs } from 'node:util';
import { CliError } from './errors.js';
import { descriptionProblem } from './names.js';
import { OPTION_SPECS, type ProjectOptions } from './options.js';

export interface ParsedArgs {
  /** The positional directory argument, if given. */
  directory?: string;
  /** Answers given by flags. */
  answers: Partial<Omit<ProjectOptions, 'name'>>;
  yes: boolean;
  overwrite: boolean;
  dryRun: boolean;
  json: boolean;
  help: boolean;
  version: boolean;
  /** --answers FILE: options recorded in a project's answers file. */
  answersFile?: string;
  /** undefined: decide from the terminal; true/false: forced by --interactive/--no-interactive. */
  interactive?: boolean;
}

const CONTROL_FLAGS = {
  yes: { type: 'boolean', short: 'y' },
  overwrite: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  interactive: { type: 'boolean' },
  answers: { type: 'string' },
} as const;

export const CONTROL_FLAG_NAMES = Object.keys(CONTROL_FLAGS);

export function parseCliArgs(argv: string[]): ParsedArgs {
  // pnpm and some npm versions pass a literal `--` through; one leading `--` is not a positional.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { ...CONTROL_FLAGS };
  for (const spec of OPTION_SPECS) options[spec.flag] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    throw usageError(error);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1)
    throw new CliError('usage', `expected at most one directory, got ${positionals.length}: ${positionals.join(' ')}`);

  const answers: Record<string, string | boolean> = {};
  for (const spec of OPTION_SPECS) {
    const value = values[spec.flag];
    if (value === undefined) continue;
    if (spec.kind === 'choice') {
      if (typeof value !== 'string' || !spec.choices.includes(value))
        throw new CliError('invalid-value', `--${spec.flag} must be one of ${spec.choices.join(', ')} (got ${JSON.stringify(value)})`);
    }
    // Checked here, before any prompt, so a bad flag never costs the user an answer.
    const problem = spec.kind === 'text' ? descriptionProblem(value as string) : undefined;
    if (problem) throw new CliError('invalid-value', `--${spec.flag}: ${problem}`);
    answers[spec.key] = value as string | boolean;
  }
  for (const flag of ['yes', 'overwrite', 'dry-run', 'json', 'help', 'version']) {
    if (values[flag] === false) throw new CliError('usage', `--no-${flag} is not a flag; leave --${flag} out instead`);
  }
  return {
    directory: positionals[0],
    answers: answers as ParsedArgs['answers'],
    yes: values.yes === true,
    overwrite: values.overwrite === true,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    help: values.help === true,
    version: values.version === true,
    interactive: values.interactive as boolean | undefined,
    answersFile: values.answers as string | undefined,
  };
}

/** Turns parseArgs' messages into one line that names the flag and suggests the nearest one. */
function usageError(error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
  if (unknown) {
    const suggestion = nearestFlag(unknown.replace(/^-+(no-)?/, ''));
    return new CliError('usage', `unknown flag ${unknown}${suggestion ? ` (did you mean --${suggestion}?)` : ''}; see --help`);
  }
  const missingValue = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message)?.[1];
  if (missingValue) return new CliError('usage', `${missingValue} needs a value; see --help`);
  // `--description --yes`: parseArgs will not take a value that looks like a flag.
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message)?.[1];
  if (ambiguous)
    return new CliError('usage', `${ambiguous} needs a value; for one that starts with '-', write ${ambiguous}=-value; see --help`);
  return new CliError('usage', `${message.split('\n')[0]}; see --help`);
}

function nearestFlag(typed: string): string | undefined {
  const names = [...CONTROL_FLAG_NAMES, ...OPTION_SPECS.map((s) => s.flag)];
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(typed, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
