// What a command (create, add docker, add service) tells the driver. The driver (run.ts) owns the
// flow every command shares: parse -> locate (and detect) -> resolve the answers -> check ->
// render -> plan -> write -> report; a command only fills in the steps that are its own.

import type { CliError } from '../errors.js';
import type { Detected } from '../existing/detected.js';
import type { RenderedFile } from '../engine/rendered-file.js';
import type { Answers, CommandName } from '../options/table.js';
import type { Prompter } from './prompts.js';

/** Flags every command may accept besides its options from the table. */
export type ControlFlag = 'yes' | 'overwrite' | 'force' | 'dry-run' | 'json' | 'help' | 'version' | 'interactive' | 'answers' | 'allow-dirty';

/** A command line, parsed (or, from plop, the answers its questions collected). */
export interface ParsedArgs {
  positionals: string[];
  /** Answers given by flags, validated and parsed (a port is a number). */
  answers: Answers;
  yes: boolean;
  overwrite: boolean;
  force: boolean;
  dryRun: boolean;
  json: boolean;
  help: boolean;
  version: boolean;
  /** undefined: decide from the terminal; true/false: forced by --interactive/--no-interactive. */
  interactive?: boolean;
  /** --answers FILE: options recorded in a project's answers file. */
  answersFile?: string;
}

/** Where a command writes, and what it found there. */
export interface Site {
  /** The directory files are written into (absolute). */
  dir: string;
  /** Answers the location settles (create: the project name, from the folder or --name). */
  answers?: Answers;
  /** What an existing repository revealed (add docker). */
  detected?: Detected;
  /** Positional answers nobody gave and nobody could be asked for, e.g. `[directory]`. */
  missing: string[];
}

/** What a command renders, and what its report says about it. */
export interface Rendered {
  files: RenderedFile[];
  /** The options as the report (and --json) shows them. */
  options: object;
  warnings: string[];
  /** Shown before the report, without --json: what detection found. */
  notes: string[];
  /** What to run next, given the directory the user is in. */
  nextSteps: (cwd: string) => string[];
}

/** What the steps of a command can use besides the answers. */
export interface StepContext {
  cwd: string;
  /** Undefined when the run may not ask (no terminal, CI, --yes). */
  prompter?: Prompter;
  version: string;
  /** How to allow replacing files, when the entry point has its own way (plop: `plop --force`). */
  forceHint?: string;
  /** A folder every write must stay inside (plop: its destination). */
  within?: string;
}

export interface Command {
  name: CommandName;
  /** Control flags it accepts. */
  controls: readonly ControlFlag[];
  /** How many positional arguments it takes (create: the directory). */
  maxPositionals: number;
  /** --help text. */
  help: (version: string) => string;
  /** Where to say "see ... --help" in usage errors. */
  helpHint: string;
  /**
   * Whether documented defaults apply without --yes when nobody can be asked. `create` says no:
   * a script gives every option or --yes, so a missing flag is never a silent default.
   */
  defaultsNeedYes: boolean;
  /** How to allow replacing files that exist and differ, for the refusal message. */
  forceHint: string;
  /** Resolves where to write (asking for a name if it must) and refuses an unsafe place. */
  locate: (args: ParsedArgs, step: StepContext) => Promise<Site>;
  /** The error when answers are missing and nobody can be asked. */
  missingError: (missing: string[], site: Site) => CliError;
  /** Refusals that need the answers (create: a non-empty target without --overwrite). */
  check?: (site: Site, args: ParsedArgs, step: StepContext) => void;
  render: (answers: Answers, site: Site, step: StepContext, args: ParsedArgs) => Rendered;
  /** Whether files that exist and differ are replaced (else they are conflicts). */
  overwrites: (args: ParsedArgs) => boolean;
}
