// What a command (create, add docker, add kubernetes, add service, update) tells the driver. The
// driver (run.ts) owns the flow every command shares: parse -> locate (and detect) -> resolve
// the answers -> check -> render -> plan -> write -> report; a command only fills in the steps
// that are its own. `update` parses, helps and fails through the same driver, then runs steps of
// its own (a three-way merge, confirmed before it writes): an OwnStepsCommand.

import type { CliError } from '../errors.js';
import type { Detected } from '../existing/detected.js';
import type { RenderedFile } from '../engine/rendered-file.js';
import type { Answers, CommandName } from '../options/table.js';
import type { Prompter } from './prompts.js';
import type { Output } from './report.js';

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
  /** --allow-dirty (update): go on with uncommitted changes in git. */
  allowDirty: boolean;
}

/** The streams and the place a command line runs in. */
export interface CliIo extends Output {
  stdin: { isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
  /** Injected by tests; the real one is @inquirer/prompts on stderr. */
  prompter?: Prompter;
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
  /** What was put back of a killed run's moves before looking inside (driver/locate.ts). */
  recovered?: string[];
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

/** What the driver needs of every command to parse its command line and answer --help. */
interface CommandFace {
  name: CommandName;
  /** Control flags it accepts. */
  controls: readonly ControlFlag[];
  /** Where a control flag means something more specific for this command than the shared words. */
  controlHelp?: Partial<Record<ControlFlag, string>>;
  /** How many positional arguments it takes (create, update: the directory). */
  maxPositionals: number;
  /** --help text. */
  help: (version: string) => string;
  /** Where to say "see ... --help" in usage errors. */
  helpHint: string;
  /** For `--help --json`: the usage line and the positionals, where the command states them. */
  usage?: { line: string; positionals: { name: string; help: string; default: string }[] };
  /** For `--help --json`: exit codes whose meaning differs from the shared one. */
  exitCodes?: Readonly<Record<number, string>>;
}

export interface Command extends CommandFace {
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

/**
 * A command that parses its flags, answers --help and --version, and reports a failure as every
 * command does, and runs steps of its own once the command line is parsed (update). Returns
 * the exit code.
 */
export interface OwnStepsCommand extends CommandFace {
  run: (args: ParsedArgs, io: CliIo) => Promise<number>;
}
