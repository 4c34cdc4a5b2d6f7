// The answers file stamped into every project (.create-python-docker-app.json) records the
// generator version and the options, so `--answers FILE` can reproduce the project exactly.

import { CliError } from '../errors.js';
import { readUserFile } from '../user-files.js';
import { nameProblem, nearest } from './names.js';
import { PROJECT_OPTIONS, useOf, valueProblem, type ProjectOptions } from './table.js';

export const ANSWERS_FILE = '.create-python-docker-app.json';

/** An answers file is a few hundred bytes; 64 KiB leaves room for whatever it records later. */
const MAX_ANSWERS_BYTES = 64 * 1024;

export interface RecordedAnswers {
  options: Partial<ProjectOptions>;
  /** The generator version that wrote the file, when it says. */
  version?: string;
}

/**
 * Reads and validates an answers file; every problem is a usage error naming the field.
 * Messages start with `source` (`update` names the file, not the flag).
 */
export function readAnswersFile(file: string, source = `--answers ${file}`): RecordedAnswers {
  let parsed: unknown;
  try {
    // Bounded, regular files only: `--answers /dev/zero` is refused, not read for ever.
    parsed = JSON.parse(readUserFile(file, { maxBytes: MAX_ANSWERS_BYTES }));
  } catch (error) {
    throw new CliError('invalid-value', `${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const answers = (parsed as { answers?: unknown } | null)?.answers;
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers))
    throw new CliError('invalid-value', `${source}: expected an object with an "answers" object`);
  const record = answers as Record<string, unknown>;
  // An unknown key is an error, not a silent drop: a typo (`framwork`) would otherwise change
  // the project without a word.
  const known = ['name', ...PROJECT_OPTIONS.map((spec) => spec.key)];
  for (const key of Object.keys(record))
    if (!known.includes(key))
      throw new CliError('invalid-value', `${source}: unknown key "${key}"${didYouMean(key, known)}; the keys are ${known.join(', ')}`);
  const out: Record<string, string | boolean> = {};
  for (const spec of PROJECT_OPTIONS) {
    // A file from before an option existed leaves it out, and means what was generated then.
    const value = record[spec.key] ?? useOf(spec, 'create').recordedBefore;
    if (value === undefined) continue;
    // A number where text is expected is refused too: the file holds what the CLI wrote.
    const ok = spec.kind === 'text' ? typeof value === 'string' && !valueProblem(spec, value) : !valueProblem(spec, value);
    if (!ok) throw new CliError('invalid-value', `${source}: "${spec.key}" has an invalid value ${JSON.stringify(value)}`);
    out[spec.key] = value as string | boolean;
  }
  if (record.name !== undefined) {
    if (typeof record.name !== 'string' || nameProblem(record.name))
      throw new CliError('invalid-value', `${source}: "name" is not a valid project name`);
    out.name = record.name;
  }
  const version = (parsed as { version?: unknown }).version;
  return { options: out as Partial<ProjectOptions>, version: typeof version === 'string' ? version : undefined };
}

function didYouMean(typed: string, known: string[]): string {
  const near = nearest(typed, known);
  return near ? ` (did you mean "${near}"?)` : '';
}
