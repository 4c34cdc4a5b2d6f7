// The one command driver. The CLI's commands and the plop generators all run through here, so a
// refusal, a prompt, a plan or a report means the same thing whichever way a user came in:
//   1. parse          flags from the option table (the CLI only; plop hands answers over)
//   2. locate         where to write, and what is there (add docker: detection)
//   3. resolve        every answer: flags, detection, prompts, documented defaults
//   4. check          refusals that need the answers (create: a non-empty folder)
//   5. render         the files, from the one engine and the EJS templates
//   6. plan, write    create / overwrite / unchanged / conflict; staged, all-or-nothing writes
//   7. report         a human summary on stderr, or one JSON document on stdout

import { existsSync } from 'node:fs';
import path from 'node:path';
import { recoverInterruptedWrites } from '../engine/interrupted-write.js';
import { pauseAt } from '../engine/test-pause.js';
import { applyWrites, planWrites, releaseLateSignals } from '../engine/write.js';
import { packageVersion } from '../engine/package-version.js';
import { CliError } from '../errors.js';
import { readAnswersFile } from '../options/answers-file.js';
import { brief, show } from '../options/names.js';
import { parseCommandArgs } from './args.js';
import type { CliIo, Command, OwnStepsCommand, ParsedArgs, StepContext } from './command.js';
import { prompterFor } from './prompts.js';
import { helpDocument } from './help.js';
import { displayDir, jsonDocument, printError, printResult, type RunResult } from './report.js';
import { resolveAnswers } from './resolve.js';
import { seeReads } from '../user-files.js';

export const VERSION = packageVersion();

/** Runs a command from its command-line arguments; returns the exit code. */
export async function runCommand(command: Command | OwnStepsCommand, argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    // 1. Parse; --help and --version answer at once, with no side effects (as JSON with --json).
    const args = parseCommandArgs(command, argv);
    if (args.help) return print(io.stdout, args.json ? jsonDocument({ help: helpDocument(command, VERSION) }) : command.help(VERSION));
    if (args.version) return print(io.stdout, args.json ? jsonDocument({ version: VERSION }) : `${VERSION}\n`);
    if ('run' in command) return await command.run(args, io);
    const warnings = args.answersFile ? adoptAnswersFile(args, io.cwd) : [];

    // Only with a terminal, never in CI, never with --yes.
    const prompter = await prompterFor(io, args);
    const result = await execute(command, args, { cwd: io.cwd, prompter, version: VERSION });
    printResult({ ...result, warnings: [...warnings, ...result.warnings] }, args.json, io);
    return 0;
  } catch (error) {
    return printError(asCliError(error), json, io);
  } finally {
    releaseLateSignals();
  }
}

/**
 * Steps 2 to 6, and the result for step 7. The plop generators call this directly with the
 * answers their prompts collected (and no prompter: plop has asked already).
 */
export async function execute(command: Command, args: ParsedArgs, step: StepContext): Promise<RunResult> {
  // What the command reads from here to its render is what it writes its files from: each file
  // it then writes must still be what it read (a save meanwhile, another run), or nothing is.
  const seeing = seeReads();
  let located: Awaited<ReturnType<typeof locateAndRender>>;
  let reads: ReadonlyMap<string, string | null>;
  try {
    located = await locateAndRender(command, args, step);
  } finally {
    reads = seeing.stop();
  }
  const { site, recovered, rendered } = located;

  // 6. Plan, and write unless this is a dry run.
  const forceHint = step.forceHint ?? command.forceHint;
  // Whether the folder is there as the plan is made: a new one is written by one rename, never
  // into a folder that appears meanwhile (engine/write.ts).
  const newTarget = !existsSync(site.dir);
  const plan = planWrites(rendered.files, site.dir, { overwrite: command.overwrites(args) });
  for (const write of plan) {
    const read = reads.get(path.resolve(site.dir, write.path));
    if (read !== undefined && (write.action === 'create' || write.action === 'overwrite')) write.before = read;
  }
  pauseAt('planned');
  const warnings = [...recovered, ...rendered.warnings];
  const conflicts = plan.filter((p) => p.action === 'conflict');
  if (args.dryRun && conflicts.length > 0)
    warnings.unshift(
      `${conflicts.length} file(s) exist and differ (${conflicts.map((c) => c.path).join(', ')}); a real run would write nothing: ${forceHint} to overwrite them`,
    );
  if (!args.dryRun) await applyWrites(rendered.files, plan, site.dir, { forceHint, newTarget });

  // 7. What the report says.
  return {
    command: command.name,
    dryRun: args.dryRun,
    projectDir: site.dir,
    options: rendered.options,
    files: plan,
    warnings,
    nextSteps: rendered.nextSteps(step.cwd),
    notes: rendered.notes,
  };
}

/** Steps 2 to 5: where to write, every answer, the refusals that need them, and the files. */
async function locateAndRender(command: Command, args: ParsedArgs, step: StepContext) {
  // 2. Where to write, and what is there. What a killed run left half-moved in an existing
  // folder is put back before anything reads it: by locate, for the commands that look inside
  // (driver/locate.ts); here for the others (create), which only write.
  const site = await command.locate(args, step);
  const recovered = site.recovered ?? (site.dir === '' ? [] : recoverInterruptedWrites(site.dir, displayDir(site.dir, step.cwd), { dryRun: args.dryRun }));

  // 3. Every answer.
  const useDefaults = args.yes || !command.defaultsNeedYes;
  const { answers, missing } = await resolveAnswers(command.name, args.answers, { detected: site.detected, located: site.answers, prompter: step.prompter, useDefaults });
  if (missing.length > 0 || site.missing.length > 0) {
    const keys = [...site.missing, ...missing.map((spec) => spec.key)];
    throw command.missingError(keys, site);
  }

  // 4. Refusals that need the answers.
  command.check?.(site, args, step);
  pauseAt('checked');

  // 5. Render.
  const rendered = command.render(answers, site, step, args);
  return { site, recovered, rendered };
}

/**
 * Options recorded in a project's answers file count as flags, and flags given explicitly win.
 * The recorded name is one of them: `--answers FILE newdir` reproduces the project byte for
 * byte (the name is in the README, compose.yaml, pyproject.toml...), so the folder's name does
 * not replace it; `--name` does. Without a directory argument the recorded name is the folder.
 * Returns the warnings to show.
 */
function adoptAnswersFile(args: ParsedArgs, cwd: string): string[] {
  const file = args.answersFile!;
  const recorded = readAnswersFile(path.resolve(cwd, file), `--answers ${brief(file)}`);
  args.answers = { ...recorded.options, ...args.answers };
  const warnings: string[] = [];
  const name = recorded.options.name;
  const folder = args.positionals[0] === undefined ? undefined : path.basename(path.resolve(cwd, args.positionals[0]));
  if (name !== undefined && args.answers.name === name && folder !== undefined && folder !== name)
    warnings.push(`the project keeps its recorded name ${show(name)}, in the folder ${brief(folder)}, so it is the same project byte for byte; pass --name ${folder} to name it after the folder`);
  if (recorded.version !== VERSION)
    warnings.push(`${file} was written by version ${recorded.version === undefined ? '(unknown)' : brief(recorded.version)}; this is ${VERSION}, so files may differ from the original`);
  return warnings;
}

function asCliError(error: unknown): unknown {
  // @inquirer/prompts rejects with ExitPromptError on Ctrl-C or a closed input.
  if (error instanceof Error && error.name === 'ExitPromptError') return new CliError('cancelled', 'cancelled; nothing was written');
  return error;
}

function print(stream: NodeJS.WritableStream, text: string): number {
  stream.write(text);
  return 0;
}
