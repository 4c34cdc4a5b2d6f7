// Every answer a command needs, from the first source that has it: a flag (or the answers file),
// then what the repository revealed, then a person at a terminal, then the documented default.
// Which questions exist, their order, prompts and defaults all come from the option table.

import { CliError } from '../errors.js';
import type { Detected } from '../existing/detected.js';
import { listText, optionsOf, useOf, valueProblem, type Answers, type CommandName, type OptionSpec, type OptionUse } from '../options/table.js';
import { parseValue } from './args.js';
import type { Prompter } from './prompts.js';

export interface Resolution {
  answers: Answers;
  /** The options nobody gave, detected or could be asked for. */
  missing: OptionSpec[];
}

export async function resolveAnswers(
  command: CommandName,
  given: Answers,
  how: { detected?: Detected; located?: Answers; prompter?: Prompter; useDefaults: boolean },
): Promise<Resolution> {
  const answers: Record<string, unknown> = {};
  const missing: OptionSpec[] = [];
  // A new project first offers the recommended setup in one line; only "customise" asks the
  // questions one by one. Each stays reachable by its flag, and by customising.
  let prompter = how.prompter;
  if (prompter && command === 'create' && !how.detected) {
    const open = optionsOf(command).filter((spec) => given[spec.key] === undefined && isAskable(spec, command));
    // Counted as the line shows them: an option that cannot apply (a worker without PostgreSQL)
    // is never asked, so one applicable option left is asked directly.
    const shown = recommendedSetup(open, command, given);
    if (shown.length > 1 && (await askRecommended(prompter, shown)) === SETUP_CHOICES.recommended) prompter = undefined;
  }
  for (const spec of optionsOf(command)) {
    const use = useOf(spec, command);
    let value: unknown = given[spec.key];
    if (use.onlyWhen && !use.onlyWhen.holds(answers as Answers)) {
      // Meaningless with the answers so far: never asked, and never silently dropped if given.
      if (value !== undefined && value !== use.onlyWhen.otherwise)
        throw new CliError('usage', `${optionText(spec, value)} needs ${use.onlyWhen.needs}`);
      answers[spec.key] = use.onlyWhen.otherwise;
      continue;
    }
    if (use.fromLocation) {
      // Settled where the command looked for its target; nothing else may guess it.
      value ??= how.located?.[spec.key];
      if (value !== undefined) answers[spec.key] = value;
      continue;
    }
    if (value === undefined && how.detected && use.detect) value = use.detect(how.detected, answers as Answers);
    if (value === undefined && prompter && use.ask !== false) value = await ask(spec, use, prompter, how.detected, answers as Answers);
    if (value === undefined && (how.useDefaults || use.defaultWithoutYes || (how.prompter && !prompter))) value = use.default;
    if (value === undefined) missing.push(spec);
    else answers[spec.key] = value;
  }
  return { answers: answers as Answers, missing };
}

/** The answers of the one question a new project asks before the others (after its name). */
export const SETUP_CHOICES = { recommended: 'Yes, use the recommended setup', customise: 'No, customise each setting' } as const;
export const SETUP_QUESTION = 'Recommended setup';

/** Whether a person could be asked this option (not settled by the target folder, not hidden). */
function isAskable(spec: OptionSpec, command: CommandName): boolean {
  const use = useOf(spec, command);
  return use.ask !== false && !use.fromLocation;
}

/**
 * "Recommended setup: framework fastapi, python 3.14, postgres, ...": the documented defaults of
 * the options no flag gave, on one line, as their flags would say them; an option that applies
 * only with another (migrations, with PostgreSQL) is shown only where the flags and defaults let it apply.
 */
function recommendedSetup(open: OptionSpec[], command: CommandName, given: Answers): string[] {
  const defaults: Record<string, unknown> = {};
  const shown: string[] = [];
  for (const spec of optionsOf(command)) {
    const use = useOf(spec, command);
    const applies = !use.onlyWhen || use.onlyWhen.holds(defaults as Answers);
    const value = given[spec.key] ?? (applies ? use.default : use.onlyWhen!.otherwise);
    defaults[spec.key] = value;
    if (!open.includes(spec) || !applies || value === undefined) continue;
    if (spec.kind === 'boolean') shown.push(value === true ? spec.flag : `no ${spec.flag}`);
    else if (spec.kind === 'list') shown.push(`${spec.flag} ${listText(spec, value as string[])}`);
    else shown.push(`${spec.flag} ${spec.kind === 'choice' ? String(value) : JSON.stringify(value)}`);
  }
  return shown;
}

async function askRecommended(prompter: Prompter, shown: string[]): Promise<string> {
  return prompter.select({
    message: `${SETUP_QUESTION}: ${shown.join(', ')}`,
    choices: [SETUP_CHOICES.recommended, SETUP_CHOICES.customise],
    default: SETUP_CHOICES.recommended,
  });
}

/** One question, offering the suggestion (or the default) as the answer Enter accepts. */
async function ask(spec: OptionSpec, use: OptionUse, prompter: Prompter, detected: Detected | undefined, answers: Answers): Promise<unknown> {
  const message = use.message ?? spec.message;
  const offered = use.suggest?.(detected, answers) ?? use.default;
  if (spec.kind === 'boolean') return prompter.confirm({ message, default: offered === true });
  if (spec.kind === 'choice') return prompter.select({ message, choices: spec.choices, default: String(offered ?? spec.choices[0]) });
  if (spec.kind === 'list') {
    // Several of a few words: typed as the flag takes them (the prompter has no multi-select).
    const text = await prompter.text({ message, default: listText(spec, (offered as string[] | undefined) ?? []), validate: (value) => valueProblem(spec, value) ?? true });
    return parseValue(spec, text);
  }
  const text = await prompter.text({ message, default: offered === undefined ? '' : String(offered), validate: (value) => spec.problem(value) ?? true });
  return parseValue(spec, text);
}

/** An option as it was given: `--migrations`, `--no-migrations`, `--framework flask`. */
function optionText(spec: OptionSpec, value: unknown): string {
  if (spec.kind === 'boolean') return value === true ? `--${spec.flag}` : `--no-${spec.flag}`;
  if (spec.kind === 'list') return `--${spec.flag} ${listText(spec, value as string[])}`;
  return `--${spec.flag} ${String(value)}`;
}

/** How a missing option is named in an error: `--redis/--no-redis`, `--framework`. */
export function flagName(spec: OptionSpec): string {
  return spec.kind === 'boolean' ? `--${spec.flag}/--no-${spec.flag}` : `--${spec.flag}`;
}
