// Asking for the answers that flags did not give. The questions come from the option table;
// the prompt library sits behind the small `Prompter` interface so tests can inject answers.

import { descriptionProblem, nameProblem, normalizeName } from './names.js';
import { OPTION_SPECS, type ProjectOptions } from './options.js';

export interface Prompter {
  text(q: { message: string; default: string; validate: (value: string) => string | true }): Promise<string>;
  select(q: { message: string; choices: readonly string[]; default: string }): Promise<string>;
  confirm(q: { message: string; default: boolean }): Promise<boolean>;
}

export type Answers = Omit<ProjectOptions, 'name'>;

/** What decides whether a run may ask: its streams and environment, and an injected prompter. */
export interface PromptIo {
  stdin: { isTTY?: boolean };
  stderr: { isTTY?: boolean };
  env: Record<string, string | undefined>;
  prompter?: Prompter;
}

/**
 * The prompter for this run, or undefined when it must not ask: only with a terminal on stdin
 * and stderr, never in CI, never with --yes; --interactive / --no-interactive override the
 * terminal check. The CLI and `add docker` decide alike.
 */
export async function prompterFor(io: PromptIo, flags: { yes?: boolean; interactive?: boolean }): Promise<Prompter | undefined> {
  const interactive = !flags.yes && (flags.interactive ?? (Boolean(io.stdin.isTTY && io.stderr.isTTY) && !isCI(io.env)));
  return interactive ? (io.prompter ?? (await inquirerPrompter())) : undefined;
}

function isCI(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Asks, in table order, every question not already answered; returns complete options. */
export async function askMissing(
  given: { name?: string; answers: Partial<Answers> },
  prompter: Prompter,
): Promise<ProjectOptions> {
  const name =
    given.name ??
    (await prompter.text({
      message: 'Project name',
      default: 'my-api',
      validate: (value) => nameProblem(value) ?? true,
    }));
  const answers: Record<string, string | boolean> = { ...given.answers };
  for (const spec of OPTION_SPECS) {
    if (answers[spec.key] !== undefined) continue;
    if (spec.kind === 'boolean') answers[spec.key] = await prompter.confirm({ message: spec.message, default: spec.default });
    else if (spec.kind === 'choice')
      answers[spec.key] = await prompter.select({ message: spec.message, choices: spec.choices, default: spec.default });
    else
      answers[spec.key] = await prompter.text({
        message: spec.message,
        default: spec.default,
        validate: (value) => descriptionProblem(value) ?? true,
      });
  }
  return { name, ...(answers as unknown as Answers) };
}

/** Offers the nearest valid name when a person typed an invalid one. */
export async function askForValidName(invalid: string, problem: string, prompter: Prompter): Promise<string> {
  return prompter.text({
    message: `${problem}. Project name`,
    default: normalizeName(invalid),
    validate: (value) => nameProblem(value) ?? true,
  });
}

/** The real prompter: @inquirer/prompts, drawing on stderr so stdout stays clean. */
export async function inquirerPrompter(): Promise<Prompter> {
  // Loaded lazily: non-interactive runs never pay for the prompt library.
  const { input, select, confirm } = await import('./inquirer.js');
  const context = { output: process.stderr };
  return {
    text: (q) => input({ message: q.message, default: q.default, validate: q.validate }, context),
    select: (q) =>
      select({ message: q.message, default: q.default, choices: q.choices.map((value) => ({ value })) }, context),
    confirm: (q) => confirm({ message: q.message, default: q.default }, context),
  };
}
