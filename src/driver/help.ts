// --help built from the option table, so every flag, its values and its default (or where
// detection looks) are listed for every command, in at most 80 columns; `--help --json` gives
// the same as one JSON document. Each command's help text (commands/*.ts) places these lines
// in its own words.

import { wrap } from '../engine/text.js';
import { listText, optionsOf, useOf, type CommandName, type OptionSpec, type OptionUse } from '../options/table.js';
import type { Command, ControlFlag, OwnStepsCommand } from './command.js';

/** What help reads of a command. */
type HelpedCommand = Pick<Command | OwnStepsCommand, 'name' | 'controls' | 'controlHelp' | 'usage' | 'exitCodes'>;

const WIDTH = 80;
const FLAG_COLUMN = 34;

/** What each control flag does, the same for every command that takes it. */
const CONTROL_HELP: Record<ControlFlag, { flag: string; help: string }> = {
  yes: { flag: '-y, --yes', help: 'never prompt: detected values and the defaults above for every option not given' },
  overwrite: { flag: '--overwrite', help: 'write into a non-empty directory, replacing files the project contains' },
  force: { flag: '--force', help: 'overwrite files that exist and differ' },
  'dry-run': { flag: '--dry-run', help: 'print what each file would get (create, overwrite, unchanged, conflict); write nothing' },
  json: { flag: '--json', help: 'print one JSON document on stdout (human output goes to stderr)' },
  answers: { flag: '--answers <file>', help: "take options from a project's .create-python-docker-app.json, its name too (unless --name): the same project, byte for byte" },
  interactive: { flag: '--interactive, --no-interactive', help: 'force prompts on or off (default: on with a terminal)' },
  help: { flag: '-h, --help', help: 'show this help (with --json: as JSON)' },
  version: { flag: '-v, --version', help: 'show the version' },
  'allow-dirty': { flag: '--allow-dirty', help: 'update even though git shows uncommitted changes in the project' },
};

/** What each exit code means, in every command's `--help --json` (each help text says it in words). */
export const EXIT_CODES: Readonly<Record<number, string>> = {
  0: 'done (with --dry-run: planned)',
  1: 'refused or failed; nothing was changed',
  2: 'usage: an unknown flag, an invalid value, a missing answer without a terminal',
  130: 'cancelled (Ctrl-C at a prompt)',
  143: 'terminated (SIGTERM) while writing; nothing was left behind',
};

/** One entry per option of the command: the flag with its values, what it does, its default. */
export function optionRows(command: CommandName): string[] {
  return optionsOf(command).map((spec) => {
    const use = useOf(spec, command);
    return row(flagText(spec), `${use.help ?? spec.help} (${defaultText(spec, use)})`);
  });
}

/** One entry per positional argument its usage states (update: `[directory]`), with its default. */
export function positionalRows(command: HelpedCommand): string[] {
  return (command.usage?.positionals ?? []).map((p) => row(p.name, `${p.help} (default: ${p.default === '.' ? 'the current directory' : p.default})`));
}

/** One entry per control flag the command takes, in the order it lists them. */
export function controlRows(command: HelpedCommand): string[] {
  return command.controls.map((control) => controlEntry(command, control)).map((entry) => row(entry.flag, entry.help));
}

/** A control flag's entry: the shared words, or the command's own where it has them. */
function controlEntry(command: HelpedCommand, control: ControlFlag): { flag: string; help: string } {
  const own = command.controlHelp?.[control];
  return own === undefined ? CONTROL_HELP[control] : { ...CONTROL_HELP[control], help: own };
}

/** `--help --json`: the command's flags as data, for scripts and agents. */
export function helpDocument(command: HelpedCommand, version: string): object {
  return {
    command: command.name,
    version,
    ...(command.usage ? { usage: command.usage.line, positionals: command.usage.positionals } : {}),
    options: optionsOf(command.name).map((spec) => {
      const use = useOf(spec, command.name);
      return {
        flag: `--${spec.flag}`,
        ...(spec.kind === 'boolean' ? { negation: `--no-${spec.flag}` } : {}),
        ...(spec.kind === 'choice' && spec.wasBoolean ? { negation: `--no-${spec.flag}`, alone: spec.wasBoolean.true } : {}),
        kind: spec.kind,
        ...(spec.kind === 'choice' || spec.kind === 'list' ? { values: spec.choices } : {}),
        ...(use.default !== undefined ? { default: use.default } : {}),
        ...(use.detectedFrom ? { detectedFrom: use.detectedFrom } : {}),
        required: use.default === undefined && !use.detect,
        help: use.help ?? spec.help,
      };
    }),
    flags: command.controls.map((control) => controlEntry(command, control)),
    exitCodes: { ...EXIT_CODES, ...command.exitCodes },
  };
}

function flagText(spec: OptionSpec): string {
  if (spec.kind === 'boolean') return `--${spec.flag}, --no-${spec.flag}`;
  if (spec.kind === 'choice' && spec.wasBoolean) return `--${spec.flag} ${spec.choices.join('|')}, --${spec.flag}, --no-${spec.flag}`;
  if (spec.kind === 'list') return `--${spec.flag} ${spec.none}|<${spec.choices.join('|')}>[,...]`;
  return `--${spec.flag} ${spec.kind === 'choice' ? spec.choices.join('|') : spec.placeholder}`;
}

function defaultText(spec: OptionSpec, use: OptionUse): string {
  const shown = use.default === undefined ? undefined : spec.kind === 'list' ? listText(spec, use.default as string[]) : spec.kind === 'text' && typeof use.default === 'string' ? JSON.stringify(use.default) : String(use.default);
  if (use.detectedFrom && shown !== undefined) return `default: ${use.detectedFrom}, else ${shown}`;
  if (use.detectedFrom) return `default: ${use.detectedFrom}`;
  return shown === undefined ? 'required' : `default: ${shown}`;
}

/**
 * A help entry: the flag, then its text wrapped at 80 columns in a column of its own. A flag too
 * long for its column puts the text on the next line.
 */
export function row(flag: string, text: string): string {
  const indent = ' '.repeat(2 + FLAG_COLUMN + 1);
  const lines = wrap(text, WIDTH - indent.length);
  const first = `  ${flag.padEnd(FLAG_COLUMN)} `;
  const head = flag.length < FLAG_COLUMN ? [`${first}${lines[0]}`] : [`  ${flag}`, `${indent}${lines[0]}`];
  return [...head, ...lines.slice(1).map((line) => `${indent}${line}`)].join('\n');
}
