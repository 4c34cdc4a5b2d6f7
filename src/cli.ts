// `create-python-docker-app [directory] [flags]`: read top to bottom, one numbered step at a time.

import path from 'node:path';
import { readAnswersFile } from './answers-file.js';
import { parseCliArgs, type ParsedArgs } from './args.js';
import { CliError } from './errors.js';
import { APP_PORT } from './features/frameworks.js';
import { helpText } from './help.js';
import { nameProblem } from './names.js';
import { packageVersion } from './package-version.js';
import { defaultAnswers, DEFAULT_NAME, OPTION_SPECS, type ProjectOptions } from './options.js';
import { askForValidName, askMissing, prompterFor, type Prompter } from './prompts.js';
import { renderProject } from './render.js';
import { dockerNextSteps, displayDir, printError, printResult, type Output } from './report.js';
import { applyWrites, assertSafeTarget, existingEntries, planWrites } from './write.js';

export interface CliIo extends Output {
  stdin: { isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
  /** Injected by tests; the real one is @inquirer/prompts on stderr. */
  prompter?: Prompter;
}

export const VERSION = packageVersion();

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  // `add docker`: Docker files for an existing app (loaded only when asked for).
  if (argv[0] === 'add') {
    const { runAdd } = await import('./add.js');
    return await runAdd(argv.slice(1), io);
  }
  // `update`: bring a generated project up to this version's templates (loaded only when asked for).
  if (argv[0] === 'update') {
    const { runUpdate } = await import('./update.js');
    return await runUpdate(argv.slice(1), io);
  }
  const json = argv.includes('--json');
  try {
    // 1. Parse flags; --help and --version answer at once, with no side effects.
    const args = parseCliArgs(argv);
    if (args.help) return write(io.stdout, helpText(VERSION));
    if (args.version) return write(io.stdout, `${VERSION}\n`);

    // Options recorded in an answers file count as flags; flags given explicitly win.
    const warnings: string[] = [];
    if (args.answersFile) {
      const recorded = readAnswersFile(path.resolve(io.cwd, args.answersFile));
      const { name, ...answers } = recorded.options;
      args.answers = { ...answers, ...args.answers };
      args.directory ??= name;
      if (recorded.version !== VERSION)
        warnings.push(`${args.answersFile} was written by version ${recorded.version ?? '(unknown)'}; this is ${VERSION}, so files may differ from the original`);
    }

    // 2. Decide whether we may ask: only with a terminal, never in CI, never with --yes.
    const prompter = await prompterFor(io, args);

    // 3. Project name and target directory.
    const { name, targetDir } = await resolveTarget(args, io.cwd, prompter);

    // 4. Every other answer: flags first, then --yes defaults, then prompts.
    const options = inTableOrder(await resolveOptions(name, args, prompter));

    // 5. Refuse a target we could lose files in.
    assertSafeTarget(targetDir);
    const existing = existingEntries(targetDir);
    if (existing.length > 0 && !args.overwrite)
      throw new CliError('not-empty', `${displayDir(targetDir, io.cwd)} is not empty; pass --overwrite to write into it anyway`, existing);

    // 6. Render, plan, and write (or only show the plan with --dry-run).
    const files = renderProject(options, VERSION);
    const plan = planWrites(files, targetDir, { overwrite: true });
    if (!args.dryRun) await applyWrites(files, plan, targetDir);

    // 7. Report.
    printResult(
      {
        command: 'create',
        dryRun: args.dryRun,
        projectDir: targetDir,
        options,
        files: plan,
        warnings,
        nextSteps: dockerNextSteps({ dir: targetDir, cwd: io.cwd }, { postgres: options.postgres, port: APP_PORT, healthPath: '/health' }),
      },
      args.json,
      io,
    );
    return 0;
  } catch (error) {
    return printError(asCliError(error), json, io);
  }
}

async function resolveTarget(args: ParsedArgs, cwd: string, prompter?: Prompter): Promise<{ name: string; targetDir: string }> {
  if (args.directory === '.') {
    const name = path.basename(cwd);
    const problem = nameProblem(name);
    if (!problem) return { name, targetDir: cwd };
    if (!prompter) throw new CliError('invalid-name', `${problem}; rename the directory or give a name instead of "."`);
    return { name: await askForValidName(name, problem, prompter), targetDir: cwd };
  }
  let name = args.directory;
  if (name === undefined) {
    if (!prompter && !args.yes) return { name: '', targetDir: '' }; // reported as a missing answer in step 4
    name = prompter ? await prompter.text({ message: 'Project name', default: DEFAULT_NAME, validate: (v) => nameProblem(v) ?? true }) : DEFAULT_NAME;
  }
  const problem = nameProblem(name);
  if (problem) {
    if (!prompter) throw new CliError('invalid-name', problem);
    name = await askForValidName(name, problem, prompter);
  }
  return { name, targetDir: path.resolve(cwd, name) };
}

async function resolveOptions(name: string, args: ParsedArgs, prompter?: Prompter): Promise<ProjectOptions> {
  if (prompter) return askMissing({ name, answers: args.answers }, prompter);
  if (args.yes) return { ...defaultAnswers(), ...args.answers, name };
  const missing = OPTION_SPECS.filter((s) => args.answers[s.key] === undefined).map((s) =>
    s.kind === 'boolean' ? `--${s.flag}/--no-${s.flag}` : `--${s.flag}`,
  );
  if (!name) missing.unshift('[directory]');
  if (missing.length > 0)
    throw new CliError('missing-answers', `no terminal to ask on; pass --yes for the defaults, or give ${missing.join(', ')}`);
  return { ...(args.answers as Omit<ProjectOptions, 'name'>), name };
}

/**
 * The options with their keys in one fixed order (name, then the option table's), whatever order
 * the answers arrived in: the stamped answers file must not depend on which were flags and
 * which were prompts, or `--answers` could not reproduce a project byte for byte.
 */
function inTableOrder(options: ProjectOptions): ProjectOptions {
  const ordered: Record<string, unknown> = { name: options.name };
  for (const spec of OPTION_SPECS) ordered[spec.key] = options[spec.key];
  return ordered as unknown as ProjectOptions;
}

function asCliError(error: unknown): unknown {
  // @inquirer/prompts rejects with ExitPromptError on Ctrl-C or a closed input.
  if (error instanceof Error && error.name === 'ExitPromptError') return new CliError('cancelled', 'cancelled; nothing was written');
  return error;
}

function write(stream: NodeJS.WritableStream, text: string): number {
  stream.write(text);
  return 0;
}

/**
 * The real streams, each built on first use: a run with --yes never looks at stdin, and only
 * --json writes to stdout, so neither costs a non-interactive scaffold anything.
 */
function processIo(): CliIo {
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    cwd: process.cwd(),
    env: process.env,
  };
}
