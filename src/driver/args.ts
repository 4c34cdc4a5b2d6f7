// Command-line parsing for every command. The flags are the command's rows of the option table
// plus the control flags it accepts; unknown flags and invalid values are usage errors, never
// ignored.

import { parseArgs } from 'node:util';
import { CliError } from '../errors.js';
import { brief, given, nearest, show } from '../options/names.js';
import { optionsOf, parseList, valueProblem, type Answers, type OptionSpec } from '../options/table.js';
import type { Command, ControlFlag, ParsedArgs } from './command.js';

type FlagConfig = { type: 'string' | 'boolean'; short?: string };

const CONTROL_FLAGS: Record<ControlFlag, FlagConfig> = {
  yes: { type: 'boolean', short: 'y' },
  overwrite: { type: 'boolean' },
  force: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  interactive: { type: 'boolean' },
  answers: { type: 'string' },
  'allow-dirty': { type: 'boolean' },
};

/** Control flags whose `--no-` form means nothing (only --interactive has one). */
const NOT_NEGATABLE: readonly ControlFlag[] = ['yes', 'overwrite', 'force', 'dry-run', 'json', 'help', 'version', 'allow-dirty'];

/**
 * Parses a command line against `options` with the rules every command shares: an unknown flag
 * or a missing value is a usage error in our words (naming the nearest flag), a flag given twice
 * with different values is refused, and `--no-` works only where it means something.
 */
export function parseFlags(argv: string[], controls: readonly ControlFlag[], helpHint: string, extra: Record<string, FlagConfig> = {}) {
  // pnpm and some npm versions pass a literal `--` through; one leading `--` is not a positional.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const options: Record<string, FlagConfig> = {};
  for (const control of controls) options[control] = CONTROL_FLAGS[control];
  Object.assign(options, extra);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, allowNegative: true, strict: true, tokens: true });
  } catch (error) {
    throw usageError(error, Object.keys(options), helpHint, args);
  }
  refuseContradictions(parsed.tokens ?? []);
  for (const flag of NOT_NEGATABLE)
    if (parsed.values[flag] === false) throw new CliError('usage', `--no-${flag} is not a flag; leave --${flag} out instead`);
  return parsed;
}

/** Empty arguments: what the plop generators hand the driver along with their answers. */
export function noArgs(overrides: Partial<ParsedArgs> = {}): ParsedArgs {
  return { positionals: [], answers: {}, yes: false, overwrite: false, force: false, dryRun: false, json: false, help: false, version: false, allowDirty: false, ...overrides };
}

export function parseCommandArgs(command: Pick<Command, 'name' | 'controls' | 'helpHint' | 'maxPositionals'>, argv: string[]): ParsedArgs {
  const specs = optionsOf(command.name);
  const optionFlags: Record<string, FlagConfig> = {};
  for (const spec of specs) optionFlags[spec.flag] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  const { values, positionals } = parseFlags(withBooleanFormsOfChoices(argv, specs), command.controls, command.helpHint, optionFlags);
  if (positionals.length > command.maxPositionals)
    throw new CliError(
      'usage',
      command.maxPositionals === 1
        ? `expected at most one directory, got ${positionals.length}: ${positionals.map(brief).join(' ')}`
        : `unexpected argument ${positionals.map(brief).join(' ')}; ${command.helpHint}`,
    );

  const answers: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = values[spec.flag];
    if (value === undefined) continue;
    // Checked here, before any prompt, so a bad flag never costs the user an answer.
    const problem = valueProblem(spec, value);
    if (problem) throw new CliError('invalid-value', `--${spec.flag}${spec.kind === 'choice' || spec.kind === 'list' ? ' ' : ': '}${problem}`);
    answers[spec.key] = parseValue(spec, value as string | boolean);
  }
  return {
    positionals,
    answers: answers as Answers,
    yes: values.yes === true,
    overwrite: values.overwrite === true,
    force: values.force === true,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    help: values.help === true,
    version: values.version === true,
    interactive: values.interactive as boolean | undefined,
    answersFile: values.answers as string | undefined,
    allowDirty: values['allow-dirty'] === true,
  };
}

/**
 * A choice that was a yes/no before (--ci) keeps its old forms, so scripts written for them work:
 * `--ci` followed by one of its choices takes it; `--ci` alone, or followed by anything else (a
 * positional, another flag), is the old yes; `--no-ci` the old no. Rewritten to `--ci=<choice>`
 * before parsing, so the usual rules (contradictions, validation) apply to the choice.
 */
function withBooleanFormsOfChoices(argv: string[], specs: readonly OptionSpec[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const spec = specs.find((s) => s.kind === 'choice' && s.wasBoolean && (arg === `--${s.flag}` || arg === `--no-${s.flag}`));
    if (spec?.kind !== 'choice' || !spec.wasBoolean) {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (arg.startsWith('--no-')) out.push(`--${spec.flag}=${spec.wasBoolean.false}`);
    else if (next !== undefined && spec.choices.includes(next)) {
      out.push(`--${spec.flag}=${next}`);
      i++;
    } else out.push(`--${spec.flag}=${spec.wasBoolean.true}`);
  }
  return out;
}

/**
 * A flag given twice with different values (`--postgres --no-postgres`, `--framework flask
 * --framework fastapi`) is an error rather than "the last one wins": a script that builds its
 * command line from parts should not get a project other than the one it seems to ask for.
 * The same value twice is harmless and accepted.
 */
function refuseContradictions(tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>): void {
  const seen = new Map<string, { raw: string; value: string | boolean }>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const value = token.value ?? !token.rawName.startsWith('--no-');
    const earlier = seen.get(token.name);
    if (earlier && earlier.value !== value)
      throw new CliError(
        'usage',
        typeof value === 'boolean'
          ? `${earlier.raw} and ${token.rawName} contradict each other; give one of them`
          : `${token.rawName} is given twice with different values (${given(earlier.value)} and ${given(value)}); give it once`,
      );
    seen.set(token.name, { raw: token.rawName, value });
  }
}

export function parseValue(spec: OptionSpec, value: string | boolean): unknown {
  if (spec.kind === 'list') return parseList(spec, value);
  return spec.kind === 'text' && spec.parse ? spec.parse(value as string) : value;
}

/** Turns parseArgs' messages into one line that names the flag and suggests the nearest one. */
function usageError(error: unknown, flags: string[], helpHint: string, args: readonly string[]): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
  if (unknown) {
    const suggestion = unknown.length > 80 ? undefined : nearest(unknown.replace(/^-+(no-)?/, ''), flags);
    const shown = unknown.length > 80 ? show(unknown) : unknown;
    return new CliError('usage', `unknown flag ${shown}${suggestion ? ` (did you mean --${suggestion}?)` : ''}; ${helpHint}`);
  }
  const missingValue = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message)?.[1];
  if (missingValue) return new CliError('usage', `${missingValue} needs a value; ${helpHint}`);
  // `--description --yes`: parseArgs will not take a value that looks like a flag.
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message)?.[1];
  if (ambiguous)
    return new CliError('usage', `${ambiguous} needs a value; for one that starts with '-', write ${ambiguous}=-value; ${helpHint}`);
  // `--postgres=false`, `--no-postgres=true`: parseArgs names the flag without its `no-`, and
  // says nothing of the two forms that work.
  const noValue = /Option '(?:-\w, )?--([\w-]+)' does not take an argument/.exec(message)?.[1];
  if (noValue) {
    const given = args.find((a) => a.startsWith(`--${noValue}=`) || a.startsWith(`--no-${noValue}=`));
    return new CliError('usage', `--${noValue} takes no value: write --${noValue}${flags.includes(noValue) && !NOT_NEGATABLE.includes(noValue as ControlFlag) ? ` or --no-${noValue}` : ''}${given ? ` (got ${brief(given)})` : ''}; ${helpHint}`);
  }
  // Anything else parseArgs says is cut like any echoed value.
  const first = message.split('\n')[0]!;
  return new CliError('usage', `${first.length > 200 ? `${first.slice(0, 160)}...` : first}; ${helpHint}`);
}
