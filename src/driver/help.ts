// --help lines built from the option table, so every flag, its values and its default (or where
// detection looks) are listed for every command. Each command's help text (commands/*.ts)
// places these lines in its own words.

import { optionsOf, useOf, type CommandName, type OptionSpec, type OptionUse } from '../options/table.js';

/** One line per option of the command: the flag with its values, what it does, its default. */
export function optionRows(command: CommandName): string[] {
  return optionsOf(command).map((spec) => {
    const use = useOf(spec, command);
    return row(flagText(spec), `${spec.help} (${defaultText(spec, use)})`);
  });
}

function flagText(spec: OptionSpec): string {
  if (spec.kind === 'boolean') return `--${spec.flag}, --no-${spec.flag}`;
  return `--${spec.flag} ${spec.kind === 'choice' ? spec.choices.join('|') : spec.placeholder}`;
}

function defaultText(spec: OptionSpec, use: OptionUse): string {
  const shown = use.default === undefined ? undefined : spec.kind === 'text' && typeof use.default === 'string' ? JSON.stringify(use.default) : String(use.default);
  if (use.detectedFrom && shown !== undefined) return `default: ${use.detectedFrom}, else ${shown}`;
  if (use.detectedFrom) return `default: ${use.detectedFrom}`;
  return shown === undefined ? 'required' : `default: ${shown}`;
}

/** A help line: the flag column, then the text. */
export function row(left: string, right: string): string {
  return `  ${left.padEnd(36)} ${right}`;
}
