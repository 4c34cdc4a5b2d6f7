// The answers file stamped into every project (.create-python-docker-app.json) records the
// generator version and the options, so `--answers FILE` can reproduce the project exactly.

import { readFileSync } from 'node:fs';
import { CliError } from './errors.js';
import { descriptionProblem, nameProblem } from './names.js';
import { OPTION_SPECS, type ProjectOptions } from './options.js';

export const ANSWERS_FILE = '.create-python-docker-app.json';

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
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError('invalid-value', `${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const answers = (parsed as { answers?: unknown } | null)?.answers;
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers))
    throw new CliError('invalid-value', `${source}: expected an object with an "answers" object`);
  const record = answers as Record<string, unknown>;
  const out: Record<string, string | boolean> = {};
  for (const spec of OPTION_SPECS) {
    const value = record[spec.key];
    if (value === undefined) continue;
    const ok =
      spec.kind === 'boolean'
        ? typeof value === 'boolean'
        : typeof value === 'string' && (spec.kind === 'text' ? !descriptionProblem(value) : spec.choices.includes(value));
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
