// `create-python-docker-app add docker [--dir PATH] [flags]`: Docker files for an existing
// Flask/FastAPI repository, like `docker init` but scriptable. Read top to bottom:
//  1. parse flags;  2. detect what the repository tells us;  3. ask only what detection and
//  flags left open (or fail naming the flag when we may not ask);  4. render from the project
//  templates, plan against the disk, and write (never over a user's file without --force).

import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from './cli.js';
import {
  DOCKER_DEFAULTS,
  dockerWarnings,
  renderDockerFiles,
  resolveDockerOptions,
  type DockerAppOptions,
} from './docker-files.js';
import { CliError } from './errors.js';
import { detectApp, portProblem, targetProblem, type Detected } from './existing-app.js';
import { DEFAULT_TARGETS } from './features/frameworks.js';
import { DOCKERFILE_VARIANTS, FRAMEWORKS, PYTHON_VERSIONS, specFor, type ChoiceSpec } from './options.js';
import { packageVersion } from './package-version.js';
import { prompterFor, type Prompter } from './prompts.js';
import { dockerNextSteps, printError, printResult } from './report.js';
import { applyWrites, assertSafeTarget, planWrites } from './write.js';

const FLAGS = {
  dir: { type: 'string' },
  framework: { type: 'string' },
  app: { type: 'string' },
  port: { type: 'string' },
  python: { type: 'string' },
  postgres: { type: 'boolean' },
  redis: { type: 'boolean' },
  dockerfile: { type: 'string' },
  force: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  interactive: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function addHelpText(): string {
  const choice = (key: 'framework' | 'python' | 'dockerfile') => (specFor(key) as ChoiceSpec).choices.join('|');
  return `Usage: create-python-docker-app add docker [--dir <path>] [flags]

Adds a Dockerfile, .dockerignore, compose.yaml, compose.override.yaml and .env.example (and
gunicorn.conf.py for Flask) to an existing Flask or FastAPI app. The framework, the app
(module:app, or a create_app() factory), the port, the Python version and whether Postgres or
Redis are used are detected from requirements.txt, pyproject.toml and the code; flags override
what was detected, and only what could not be detected is asked. In a src layout (src/<package>/,
no src/__init__.py) the app is relative to src/ (--app src.shop.main:app means shop.main:app) and
the image puts /app/src on PYTHONPATH.

  --dir <path>                     the repository (default: the current directory)
  --framework ${choice('framework').padEnd(20)} web framework
  --app <module:attr>              the app, e.g. app.main:app or myapp:create_app()
  --port <n>                       port the server listens on (default: detected, else ${DOCKER_DEFAULTS.port})
  --python ${choice('python').padEnd(23)} Python version of the image (default: detected, else ${DOCKER_DEFAULTS.python})
  --postgres, --no-postgres        add a PostgreSQL service (default: a driver is in your dependencies)
  --redis, --no-redis              add a Redis service (default: redis is in your dependencies)
  --dockerfile ${choice('dockerfile').padEnd(19)} Dockerfile variant (default: ${DOCKER_DEFAULTS.dockerfile})
  --force                          overwrite files that exist and differ
  --dry-run                        print the plan (create/overwrite/unchanged/conflict), write nothing
  --json                           print one JSON document on stdout
  -y, --yes                        never prompt: detected values, then the defaults
  --interactive, --no-interactive  force prompts on or off (default: on with a terminal)
  -h, --help                       show this help

Existing files that differ are never overwritten without --force: they are listed as conflicts
and nothing is written (exit 1). Without a terminal, a framework or app that could not be
detected must be given (exit 2 names the flag).
`;
}

export async function runAdd(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    // 1. Parse.
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.stdout.write(addHelpText());
      return 0;
    }
    if (positionals[0] !== 'docker' || positionals.length > 1)
      throw new CliError('usage', `expected \`add docker\`, got \`add ${positionals.join(' ')}\`; see add --help`);
    const given = givenAnswers(values);

    // 2. Detect.
    const dir = path.resolve(io.cwd, values.dir ?? '.');
    assertSafeTarget(dir);
    if (!isDirectory(dir)) throw new CliError('detect-failed', `${values.dir ?? dir} does not exist; run add docker inside your repository or pass --dir`);
    const detected = detectApp(dir);

    // 3. Ask what is still open, or refuse naming the flags.
    const prompter = await prompterFor(io, values);
    if (prompter) await askOpen(given, detected, prompter);
    const { options, missing } = resolveDockerOptions(dir, given, detected);
    if (!options) throw missingError(missing, detected);

    // 4. Render, plan, write.
    const files = renderDockerFiles(options, packageVersion());
    const plan = planWrites(files, dir, { overwrite: values.force === true });
    const warnings = dockerWarnings(options, detected);
    const conflicts = plan.filter((p) => p.action === 'conflict');
    if (values['dry-run'] && conflicts.length > 0)
      warnings.unshift(`${conflicts.length} file(s) exist and differ (${conflicts.map((c) => c.path).join(', ')}); a real run would write nothing without --force`);
    if (!values['dry-run']) await applyWrites(files, plan, dir);

    if (!values.json && detected.notes.length > 0) io.stderr.write(`Detected: ${detected.notes.join('; ')}\n`);
    printResult(
      {
        command: 'add docker',
        dryRun: values['dry-run'] === true,
        projectDir: dir,
        options: { ...options, detected: detected.notes },
        files: plan,
        warnings,
        nextSteps: dockerNextSteps({ dir, cwd: io.cwd }, { postgres: options.postgres, port: options.port, healthPath: options.healthcheck === 'http' ? '/health' : '/' }),
      },
      values.json === true,
      io,
    );
    return 0;
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') return printError(new CliError('cancelled', 'cancelled; nothing was written'), json, io);
    return printError(error, json, io);
  }
}

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    return parseArgs({ args, options: FLAGS, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new CliError('usage', `${message}; see add --help`);
  }
}

function givenAnswers(values: Values): Partial<DockerAppOptions> {
  const given: Partial<DockerAppOptions> = {};
  for (const flag of ['force', 'dry-run', 'json', 'yes', 'help'] as const)
    if (values[flag] === false) throw new CliError('usage', `--no-${flag} is not a flag; leave --${flag} out instead`);
  const choice = <T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined => {
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value))
      throw new CliError('invalid-value', `--${flag} must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
    return value as T;
  };
  given.framework = choice('framework', values.framework, FRAMEWORKS);
  given.python = choice('python', values.python, PYTHON_VERSIONS);
  given.dockerfile = choice('dockerfile', values.dockerfile, DOCKERFILE_VARIANTS);
  if (values.app !== undefined) {
    const problem = targetProblem(values.app);
    if (problem) throw new CliError('invalid-value', `--app: ${problem}`);
    given.app = values.app;
  }
  if (values.port !== undefined) {
    const problem = portProblem(values.port);
    if (problem) throw new CliError('invalid-value', `--port: ${problem}`);
    given.port = Number(values.port);
  }
  if (values.postgres !== undefined) given.postgres = values.postgres;
  if (values.redis !== undefined) given.redis = values.redis;
  for (const key of Object.keys(given) as Array<keyof DockerAppOptions>) if (given[key] === undefined) delete given[key];
  return given;
}

/** Asks, in order, for each value neither given by a flag nor detected. Mutates `given`. */
async function askOpen(given: Partial<DockerAppOptions>, detected: Detected, prompter: Prompter): Promise<void> {
  if (!given.framework && !detected.framework)
    given.framework = (await prompter.select({ message: 'Web framework (not detected)', choices: FRAMEWORKS, default: 'fastapi' })) as DockerAppOptions['framework'];
  const framework = given.framework ?? detected.framework!;
  const detectedTargetFits = !given.framework || given.framework === detected.framework;
  if (!given.app && !(detectedTargetFits && detected.target))
    given.app = await prompter.text({
      message: 'App to serve, module:attr or module:factory() (not detected)',
      default: detected.targetCandidates[0] ?? DEFAULT_TARGETS[framework],
      validate: (v) => targetProblem(v) ?? true,
    });
  // The port is not asked: our CMD binds it, so an undetected port is simply the default.
  if (!given.python && !detected.python)
    given.python = (await prompter.select({ message: 'Python version', choices: PYTHON_VERSIONS, default: DOCKER_DEFAULTS.python })) as DockerAppOptions['python'];
  if (!given.dockerfile)
    given.dockerfile = (await prompter.select({ message: 'Dockerfile variant', choices: DOCKERFILE_VARIANTS, default: DOCKER_DEFAULTS.dockerfile })) as DockerAppOptions['dockerfile'];
}

function missingError(missing: Array<'framework' | 'app'>, detected: Detected): CliError {
  const parts: string[] = [];
  if (missing.includes('framework')) parts.push(`--framework ${FRAMEWORKS.join('|')} (found no flask or fastapi dependency or import)`);
  if (missing.includes('app'))
    parts.push(
      detected.targetCandidates.length > 0
        ? `--app (several candidates: ${detected.targetCandidates.join(', ')})`
        : '--app module:attr (found no app instance or create_app factory)',
    );
  return new CliError('missing-answers', `could not detect everything and there is no terminal to ask on; pass ${parts.join(' and ')}`);
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
