// Every answer a command needs, from the first source that has it: a flag (or the answers file),
// then what the repository revealed, then a person at a terminal, then the documented default.
// Which questions exist, their order, prompts and defaults all come from the option table.

import type { Detected } from '../existing/detect.js';
import { optionsOf, useOf, type Answers, type CommandName, type OptionSpec, type OptionUse } from '../options/table.js';
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
  for (const spec of optionsOf(command)) {
    const use = useOf(spec, command);
    let value: unknown = given[spec.key];
    if (use.fromLocation) {
      // Settled where the command looked for its target; nothing else may guess it.
      value ??= how.located?.[spec.key];
      if (value !== undefined) answers[spec.key] = value;
      continue;
    }
    if (value === undefined && how.detected && use.detect) value = use.detect(how.detected, answers as Answers);
    if (value === undefined && how.prompter && use.ask !== false) value = await ask(spec, use, how.prompter, how.detected, answers as Answers);
    if (value === undefined && (how.useDefaults || use.defaultWithoutYes)) value = use.default;
    if (value === undefined) missing.push(spec);
    else answers[spec.key] = value;
  }
  return { answers: answers as Answers, missing };
}

/** One question, offering the suggestion (or the default) as the answer Enter accepts. */
async function ask(spec: OptionSpec, use: OptionUse, prompter: Prompter, detected: Detected | undefined, answers: Answers): Promise<unknown> {
  const message = use.message ?? spec.message;
  const offered = use.suggest?.(detected, answers) ?? use.default;
  if (spec.kind === 'boolean') return prompter.confirm({ message, default: offered === true });
  if (spec.kind === 'choice') return prompter.select({ message, choices: spec.choices, default: String(offered ?? spec.choices[0]) });
  const text = await prompter.text({ message, default: offered === undefined ? '' : String(offered), validate: (value) => spec.problem(value) ?? true });
  return parseValue(spec, text);
}

/** How a missing option is named in an error: `--redis/--no-redis`, `--framework`. */
export function flagName(spec: OptionSpec): string {
  return spec.kind === 'boolean' ? `--${spec.flag}/--no-${spec.flag}` : `--${spec.flag}`;
}
