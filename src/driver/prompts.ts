// Asking. The prompt library sits behind the small `Prompter` interface so tests can inject
// answers; which questions are asked, and in what order, comes from the option table (resolve.ts).

import { nameProblem, normalizeName } from '../options/names.js';

export interface Prompter {
  text(q: { message: string; default: string; validate: (value: string) => string | true }): Promise<string>;
  select(q: { message: string; choices: readonly string[]; default: string }): Promise<string>;
  confirm(q: { message: string; default: boolean }): Promise<boolean>;
}

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
 * terminal check. Every command decides alike.
 */
export async function prompterFor(io: PromptIo, flags: { yes?: boolean; interactive?: boolean }): Promise<Prompter | undefined> {
  const interactive = !flags.yes && (flags.interactive ?? (Boolean(io.stdin.isTTY && io.stderr.isTTY) && !isCI(io.env)));
  return interactive ? (io.prompter ?? (await inquirerPrompter())) : undefined;
}

function isCI(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Asks for a project name, offering `offered`; used when the directory argument was left out. */
export function askForName(prompter: Prompter, offered: string, problem?: string): Promise<string> {
  return prompter.text({
    message: problem ? `${problem}. Project name` : 'Project name',
    default: problem ? normalizeName(offered) : offered,
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
