// The answers file stamped into every project (.create-python-docker-app.json) records the
// generator version and the options, so `--answers FILE` can reproduce the project exactly.
// It is read by `--answers` and by `update`, which finds it in the user's repository: either
// way it is untrusted input, read with user-files.ts's guards, and a message about it states
// the rule it breaks without echoing more of it than a short, cut value.

import { CliError } from '../errors.js';
import { readUserJson } from '../user-files.js';
import { jsonKind, nameProblem, nearest, show } from './names.js';
import { choiceOfBoolean, parseList, PROJECT_OPTIONS, useOf, valueProblem, type Answers, type ProjectOptions, type ProjectOptionSpec } from './table.js';

export const ANSWERS_FILE = '.create-python-docker-app.json';

/** An answers file is a few kilobytes (a Kubernetes project's hashes included); 64 KiB leaves room. */
export const MAX_ANSWERS_BYTES = 64 * 1024;

export interface RecordedAnswers {
  options: Partial<ProjectOptions>;
  /** The generator version that wrote the file, when it says. */
  version?: string;
  /** The whole parsed document (update reads its "generator" and "files"). */
  document: Record<string, unknown>;
}

/**
 * Reads and validates an answers file; every problem is a usage error naming the field and
 * what it allows. Messages start with `source` (`update` names the file, not the flag).
 * `noFollow`: the file must itself be a regular file, not a link (update's record in a project).
 */
export function readAnswersFile(file: string, source = `--answers ${file}`, opts: { noFollow?: boolean } = {}): RecordedAnswers {
  let parsed: unknown;
  try {
    // Bounded, regular files only: `--answers /dev/zero` is refused, not read for ever.
    parsed = readUserJson(file, { maxBytes: MAX_ANSWERS_BYTES, noFollow: opts.noFollow });
  } catch (error) {
    throw new CliError('invalid-value', `${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(parsed) || !isObject(parsed.answers))
    throw new CliError('invalid-value', `${source}: expected an object with an "answers" object (got ${isObject(parsed) ? `"answers": ${jsonKind(parsed.answers)}` : jsonKind(parsed)})`);
  const record = new Map(Object.entries(parsed.answers));
  // An unknown key is an error, not a silent drop: a typo (`framwork`) would otherwise change
  // the project without a word.
  const known = ['name', ...PROJECT_OPTIONS.map((spec) => spec.key)];
  for (const key of record.keys())
    if (!known.includes(key)) throw new CliError('invalid-value', `${source}: unknown key ${show(key)}${didYouMean(key, known)}; the keys are ${known.join(', ')}`);
  const out: Record<string, string | boolean | string[]> = {};
  for (const spec of PROJECT_OPTIONS) {
    // A file from before an option existed leaves it out, and means what was generated then.
    // And a file from before a yes/no became a choice (ci: true) means the choice it was then.
    const value = choiceOfBoolean(spec, record.has(spec.key) ? record.get(spec.key) : useOf(spec, 'create').recordedBefore);
    if (value === undefined) continue;
    const problem = answerProblem(spec, value);
    if (problem) throw new CliError('invalid-value', `${source}: "${spec.key}" ${problem}`);
    // A list is kept in its one stored form, whichever form the file had (a file written before
    // deploy was a list records one word: "kubernetes", "none").
    out[spec.key] = spec.kind === 'list' ? parseList(spec, value) : (value as string | boolean);
  }
  const name = record.get('name');
  if (record.has('name')) {
    if (typeof name !== 'string') throw new CliError('invalid-value', `${source}: "name" must be a JSON string, the project name (got ${jsonKind(name)})`);
    const problem = nameProblem(name);
    if (problem) throw new CliError('invalid-value', `${source}: "name": ${problem}`);
    out.name = name;
  }
  const version = parsed.version;
  return { options: out as Partial<ProjectOptions>, version: typeof version === 'string' ? version : undefined, document: parsed };
}

/**
 * A project's answers as a render needs them: every option there (a file edited by hand may
 * lack one), and the option table's rules between options held, as create applies them to flags
 * and --answers (postgres turned off with migrations left on): a usage error naming the key, not
 * a failure half-way through rendering. update, add worker and add devcontainer refuse without
 * them; what records an option in the file records nothing without them.
 */
export function assertCompleteAnswers(recorded: RecordedAnswers): void {
  const missing = ['name', ...PROJECT_OPTIONS.map((s) => s.key)].filter((key) => (recorded.options as Record<string, unknown>)[key] === undefined);
  if (missing.length > 0)
    throw new CliError('invalid-value', `${ANSWERS_FILE} lacks ${missing.map((k) => `"${k}"`).join(', ')}; add the value(s) the project was generated with`);
  for (const spec of PROJECT_OPTIONS) {
    const only = useOf(spec, 'create').onlyWhen;
    const value = (recorded.options as Record<string, unknown>)[spec.key];
    if (only && !only.holds(recorded.options as Answers) && value !== only.otherwise)
      throw new CliError('invalid-value', `${ANSWERS_FILE} records "${spec.key}": ${JSON.stringify(value)}, which needs ${only.needs}; correct the answers in it`);
  }
}

/**
 * Why a recorded value is refused, stated as the flag's rule is: what is allowed, then what was
 * there. The file holds what the CLI wrote, so a JSON number where text is expected (`"python":
 * 3.13`) is refused too, with the fix.
 */
function answerProblem(spec: ProjectOptionSpec, value: unknown): string | undefined {
  const asText = typeof value === 'number' ? `; write it as a JSON string: "${String(value)}"` : '';
  if (spec.kind === 'text') {
    if (typeof value !== 'string') return `must be a JSON string (got ${jsonKind(value)})${asText}`;
    const problem = valueProblem(spec, value);
    return problem ? `is refused: ${problem}` : undefined;
  }
  const problem = valueProblem(spec, value);
  if (!problem) return undefined;
  const fix = spec.kind === 'choice' && typeof value === 'number' && spec.choices.includes(String(value)) ? asText : spec.kind === 'boolean' && (value === 'true' || value === 'false') ? `; write it without quotes: ${value}` : '';
  return `${problem}${fix}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function didYouMean(typed: string, known: string[]): string {
  if (typed.length > 80) return '';
  const near = nearest(typed, known);
  return near ? ` (did you mean "${near}"?)` : '';
}
