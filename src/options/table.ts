// The option table: every value a command can be given, with its flag, its allowed values, its
// prompt, its help line, and, per command, its documented default and how an existing repository
// reveals it. The argument parser, --help, the prompts, the plop questions, validation and the
// answers file all read this one table, so a new option is one row here (plus the feature that
// uses it). Which rows a command takes, and in what order, is the command's own list.

import type { Detected } from '../existing/detected.js';
import { offeredDeployTargets } from '../features/deploy-targets.js';
import { FRAMEWORK_FEATURES } from '../features/frameworks.js';
import { SERVICE_FEATURES, SERVICE_KEYS } from '../features/services.js';
import type { ServiceFeature } from '../features/types.js';
import { descriptionProblem, given, healthPathProblem, imageNameProblem, nameProblem, portProblem, targetProblem, uidProblem } from './names.js';
import {
  CI_PROVIDERS,
  DEPLOY_TARGETS,
  DOCKERFILE_VARIANTS,
  NO_DEPLOY,
  FRAMEWORKS,
  PACKAGE_MANAGERS,
  PYTHON_VERSIONS,
  WORKER_KINDS,
  type Answers,
  type AnswerKey,
  type Framework,
  type OptionKey,
  type OptionValues,
  type ProjectOptions,
  type ServiceKey,
} from './values.js';

// The option types and choice lists are declared in values.ts, below everything that uses them;
// the commands, the driver and the tests take them from here, with the table.
export * from './values.js';
export { allCombinations, comboId } from './combinations.js';

/** The commands, each with the options it takes from the table (`add service` is the plop `service` generator's; `update` takes none: it reads the project's answers file). */
export type CommandName = 'create' | 'add docker' | 'add kubernetes' | 'add deploy' | 'add devcontainer' | 'add worker' | 'add service' | 'update';

/** How one command uses an option. */
export interface OptionUse<K extends OptionKey = OptionKey> {
  /** The documented default. Absent: required (a flag, detection or an answer must give it). */
  default?: OptionValues[K];
  /** Read from an existing repository (`add docker`); may depend on answers already given. */
  detect?: (detected: Detected, answers: Answers) => OptionValues[K] | undefined;
  /** For --help: what detection looks at. */
  detectedFrom?: string;
  /** Asked at a terminal when nothing else gave it. Default true. */
  ask?: boolean;
  /** The question, when it differs from the option's own `message`. */
  message?: string;
  /** The offered answer, when it depends on earlier answers or detection (else `default`). */
  suggest?: (detected: Detected | undefined, answers: Answers) => OptionValues[K] | undefined;
  /**
   * Settled by the command's locate step rather than by the general rules (create: the project
   * name, which comes with the target folder); the flag, help, validation and plop question
   * still come from this row.
   */
  fromLocation?: boolean;
  /**
   * What an answers file written before this option existed means by leaving it out (update,
   * --answers): the value those projects were generated with, not today's default.
   */
  recordedBefore?: OptionValues[K];
  /**
   * The default applies even where the command otherwise wants --yes (create): an option added
   * later and off by default, so scripts that give every other flag, and answers files written
   * before it existed, keep producing the same project.
   */
  defaultWithoutYes?: boolean;
  /** For --help, when this command's use differs from the row's `help`. */
  help?: string;
  /**
   * The option means something only when an earlier answer allows it (migrations: PostgreSQL).
   * Otherwise it is not asked and takes `otherwise`; given as anything else, it is a usage
   * error saying what it `needs`.
   */
  onlyWhen?: { holds: (answers: Answers) => boolean; otherwise: OptionValues[K]; needs: string };
}

interface BaseSpec<K extends OptionKey> {
  key: K;
  /** Long flag without the leading dashes; also the plop question's name and the answers file key. */
  flag: string;
  /** The prompt's question. */
  message: string;
  /** One line for --help. */
  help: string;
  /** The commands that take it, each with its own default and detection. */
  commands: Partial<Record<CommandName, OptionUse<K>>>;
  /**
   * Only adds files that nothing in the running stack reads (a pipeline, an update bot's config,
   * lint settings): checked statically for every combination, and left out of the covering array
   * of the stack runs (tests/support/pairwise.ts), whose every row costs a real build and run.
   */
  filesOnly?: boolean;
}
export interface ChoiceSpec<K extends OptionKey = OptionKey> extends BaseSpec<K> {
  kind: 'choice';
  choices: readonly string[];
  /**
   * The option was a yes/no before it became a choice: the choice each answer meant. `--flag`
   * alone and `--no-flag` still parse (as true and false), and so does a recorded true or false
   * in an answers file (--answers, update).
   */
  wasBoolean?: { true: string; false: string };
}
export interface BooleanSpec<K extends OptionKey = OptionKey> extends BaseSpec<K> {
  kind: 'boolean';
}
export interface TextSpec<K extends OptionKey = OptionKey> extends BaseSpec<K> {
  kind: 'text';
  /** Shown in --help after the flag, e.g. `<text>`, `<module:attr>`. */
  placeholder: string;
  /** Why a value is refused, or undefined when it is fine. */
  problem: (value: string) => string | undefined;
  /** Turns the accepted text into the stored value (`port`: a number). */
  parse?: (value: string) => OptionValues[K];
}
/**
 * Several of a few words (`--deploy kubernetes,ecs`): given as one comma-separated flag value
 * (`none` for none of them), stored as a list in `choices` order without repeats.
 */
export interface ListSpec<K extends OptionKey = OptionKey> extends BaseSpec<K> {
  kind: 'list';
  choices: readonly string[];
  /** The word that means the empty list. */
  none: string;
}
export type OptionSpec = ChoiceSpec | BooleanSpec | TextSpec | ListSpec;

/**
 * The row the table must have for a key, by the key's value type (values.ts): a boolean is a
 * yes/no, a union of words a choice among exactly them, a number a text that parses to one, a
 * string a text. Defaults, detections and suggestions are of that type too.
 */
type RowOf<K extends OptionKey> = OptionValues[K] extends boolean
  ? BooleanSpec<K>
  : OptionValues[K] extends readonly (infer W)[]
    ? ListSpec<K> & { choices: readonly W[] }
  : OptionValues[K] extends number
    ? TextSpec<K> & { parse: (value: string) => OptionValues[K] }
    : string extends OptionValues[K]
      ? TextSpec<K>
      : ChoiceSpec<K> & { choices: readonly OptionValues[K][] };
type Row = { [K in OptionKey]: RowOf<K> }[OptionKey];

export const DEFAULT_NAME = 'my-api';

const ROWS: readonly Row[] = [
  {
    key: 'name',
    flag: 'name',
    kind: 'text',
    placeholder: '<name>',
    message: 'Project name',
    help: 'the project name: Compose project, image, README title',
    problem: nameProblem,
    commands: { create: { fromLocation: true, detectedFrom: "the directory's name", suggest: () => DEFAULT_NAME } },
  },
  {
    key: 'dir',
    flag: 'dir',
    kind: 'text',
    placeholder: '<path>',
    message: 'Folder of the app (relative to here)',
    help: 'the repository',
    problem: (value) => (value.trim() === '' ? 'the folder is empty' : undefined),
    commands: {
      'add docker': { default: '.', ask: false },
      'add kubernetes': { default: '.', ask: false },
      'add devcontainer': { default: '.', ask: false },
      'add worker': { default: '.', ask: false },
      'add service': { default: '.', ask: false },
    },
  },
  {
    key: 'service',
    flag: 'service',
    kind: 'choice',
    choices: SERVICE_KEYS,
    message: 'Service to add',
    help: 'the backing service to add to compose.yaml',
    commands: { 'add service': {} },
  },
  {
    key: 'description',
    flag: 'description',
    kind: 'text',
    placeholder: '<text>',
    message: 'One-line description',
    help: 'one line for the README and the API docs',
    problem: descriptionProblem,
    commands: { create: { default: 'A Python web service' } },
  },
  {
    key: 'framework',
    flag: 'framework',
    kind: 'choice',
    choices: FRAMEWORKS,
    message: 'Web framework',
    help: 'web framework',
    commands: {
      create: { default: 'fastapi' },
      'add docker': {
        detect: (d) => d.framework,
        detectedFrom: 'detected from your dependencies and imports',
        message: 'Web framework (not detected)',
        suggest: () => 'fastapi',
      },
    },
  },
  {
    key: 'app',
    flag: 'app',
    kind: 'text',
    placeholder: '<module:attr>',
    message: 'App to serve (module:attr or module:factory())',
    help: 'the app, e.g. app.main:app or myapp:create_app()',
    problem: targetProblem,
    commands: {
      'add docker': {
        // A target found for another framework than the one answered would not serve.
        detect: (d, a) => (a.framework && a.framework !== d.framework ? undefined : d.target),
        detectedFrom: 'detected: an app instance or a create_app() factory',
        message: 'App to serve, module:attr or module:factory() (not detected)',
        suggest: (d, a) => d?.targetCandidates[0] ?? (a.framework ? FRAMEWORK_FEATURES[a.framework].defaultTarget : undefined),
      },
    },
  },
  {
    key: 'port',
    flag: 'port',
    kind: 'text',
    placeholder: '<n>',
    message: 'Port the server listens on',
    help: 'port the server listens on',
    problem: portProblem,
    parse: (value) => Number(value),
    commands: {
      // Not asked: our CMD binds it, so an undetected port is simply the default.
      'add docker': { default: 8000, detect: (d) => d.port, detectedFrom: 'detected', ask: false },
      // The image's own port: probes and the Service on a guessed port would never answer.
      'add kubernetes': {
        detect: (d) => d.deployment?.port,
        detectedFrom: "the Dockerfile's EXPOSE",
        message: 'Port the image serves (no EXPOSE in the Dockerfile)',
        suggest: (d) => d?.port,
      },
    },
  },
  {
    key: 'python',
    flag: 'python',
    kind: 'choice',
    choices: PYTHON_VERSIONS,
    message: 'Python version',
    help: 'Python version of the image',
    commands: {
      create: { default: '3.14' },
      'add docker': { default: '3.14', detect: (d) => d.python, detectedFrom: 'detected' },
    },
  },
  // --postgres, --redis: one row per service, from what its feature module says of it.
  ...SERVICE_FEATURES.map(serviceOption),
  {
    key: 'dockerfile',
    flag: 'dockerfile',
    kind: 'choice',
    choices: DOCKERFILE_VARIANTS,
    message: 'Dockerfile variant',
    help: 'single-stage, or a builder stage plus a slim runtime',
    commands: { create: { default: 'standard' }, 'add docker': { default: 'standard' } },
  },
  {
    key: 'packageManager',
    flag: 'package-manager',
    kind: 'choice',
    choices: PACKAGE_MANAGERS,
    message: 'Package manager (either locks every dependency with hashes)',
    help: 'uv: pyproject.toml + uv.lock; pip: requirements.in + requirements.txt with hashes',
    // add docker installs with the tool whose lock file it finds (uv.lock, poetry.lock, ...).
    // Projects generated before this option existed installed requirements.txt with pip. Not
    // defaultWithoutYes: the default changes every dependency file, so a script that gives
    // every other flag is told to choose rather than switched to uv without a word.
    commands: { create: { default: 'uv', recordedBefore: 'pip' } },
  },
  {
    key: 'deploy',
    flag: 'deploy',
    kind: 'list',
    // Only the targets that write files (features/deploy-targets.ts registers them).
    choices: offeredDeployTargets(DEPLOY_TARGETS),
    none: NO_DEPLOY,
    message: `Deployment manifests: targets, comma-separated (${offeredDeployTargets(DEPLOY_TARGETS).join(', ')}; or ${NO_DEPLOY})`,
    help: `where to deploy besides Compose, comma-separated, each writing deploy/<target>/: kubernetes (a kustomize base with dev and prod overlays), cloud-run, ecs (Fargate task and service definitions), aci; ${NO_DEPLOY} for none`,
    commands: { create: { default: [], defaultWithoutYes: true } },
  },
  // Added after 0.1, on by default even without --yes (see migrations): files a project may do
  // without, each its own question. Off for a project whose answers file predates them, so
  // update brings it no files it did not ask for.
  {
    key: 'ci',
    filesOnly: true,
    flag: 'ci',
    kind: 'choice',
    choices: CI_PROVIDERS,
    // Was a yes/no until GitLab CI was added: yes was GitHub Actions.
    wasBoolean: { true: 'github', false: 'none' },
    message: 'CI pipeline (lint, tests, image build, smoke test; a scanned, signed release on a version tag)',
    help: 'github: .github/workflows/ci.yml and release.yml (image to ghcr.io); gitlab: .gitlab-ci.yml (image to the GitLab container registry); each lints, runs pytest against PostgreSQL/Redis, builds the image with a cache, runs `docker compose up --wait`, and on a version tag scans, pushes and signs the image. --ci alone is github, --no-ci is none',
    commands: { create: { default: 'github', defaultWithoutYes: true, recordedBefore: 'none' } },
  },
  {
    key: 'dependabot',
    filesOnly: true,
    flag: 'dependabot',
    kind: 'boolean',
    message: 'Add dependency update proposals (Dependabot; Renovate with GitLab CI) for packages, images, CI pins?',
    help: '.github/dependabot.yml: weekly update pull requests for Python packages, Docker and Compose images, GitHub Actions; with --ci gitlab, renovate.json instead (Renovate; Dependabot runs only on GitHub)',
    commands: { create: { default: true, defaultWithoutYes: true, recordedBefore: false } },
  },
  {
    key: 'lint',
    filesOnly: true,
    flag: 'lint',
    kind: 'boolean',
    message: 'Configure ruff (lint and format) with a pre-commit hook?',
    help: 'ruff settings in pyproject.toml, scripts/lint and .pre-commit-config.yaml',
    commands: { create: { default: true, defaultWithoutYes: true, recordedBefore: false } },
  },
  {
    key: 'devcontainer',
    flag: 'devcontainer',
    kind: 'boolean',
    message: 'Add a dev container and a debugger (debugpy, attached from VS Code or any DAP client)?',
    help: '.devcontainer/: the development stack with the dev dependencies and the app under debugpy (127.0.0.1:5678); .vscode/launch.json attaches to it',
    commands: { create: { default: true, defaultWithoutYes: true, recordedBefore: false } },
  },
  {
    key: 'image',
    flag: 'image',
    kind: 'text',
    placeholder: '<name>',
    message: 'Image name, without tag (the overlays set the tag or digest)',
    help: 'image name, without tag',
    problem: imageNameProblem,
    commands: {
      'add kubernetes': {
        detect: (d) => d.deployment?.image,
        detectedFrom: "compose.yaml's app image, else the project name",
        ask: false,
      },
    },
  },
  {
    key: 'uid',
    flag: 'uid',
    kind: 'text',
    placeholder: '<n>',
    message: 'UID the image runs as (its USER; not 0)',
    help: "the image's non-root UID, for runAsUser",
    problem: uidProblem,
    parse: (value) => Number(value),
    commands: {
      'add kubernetes': {
        detect: (d) => d.deployment?.uid,
        detectedFrom: "the Dockerfile's USER",
        message: 'UID to run as (the Dockerfile has no numeric non-root USER)',
      },
    },
  },
  {
    key: 'healthPath',
    flag: 'health-path',
    kind: 'text',
    placeholder: '<path>',
    message: 'Path that answers 200 while the app is up',
    help: 'HTTP path of the probes',
    problem: healthPathProblem,
    commands: {
      'add kubernetes': {
        detect: (d) => d.deployment?.healthPath ?? (d.hasHealthRoute ? '/health' : undefined),
        detectedFrom: "the Dockerfile's HEALTHCHECK, or a /health route",
        message: 'Path the probes call (no HEALTHCHECK URL or /health route found)',
        suggest: () => '/health',
      },
    },
  },
  {
    key: 'migrations',
    flag: 'migrations',
    kind: 'boolean',
    message: 'Run Alembic migrations before the app starts?',
    help: 'a Job running `alembic upgrade head` before rollout',
    commands: {
      // Added after 0.1: on by default even without --yes, so scripts that give every other
      // flag keep working (and get the migrations a new project should have). Last in the
      // table, so plop's positional bypasses of 0.1 keep their order.
      create: {
        default: true,
        defaultWithoutYes: true,
        // A project from before has its table made at start-up, and its database has that table:
        // the first migration would fail on it, so update keeps it as it was.
        recordedBefore: false,
        help: 'Alembic migrations, run by a one-shot `migrate` service before the app starts; without them the table is created at start-up (PostgreSQL only)',
        onlyWhen: { holds: (a) => a.postgres === true, otherwise: false, needs: '--postgres: Alembic migrates the PostgreSQL schema, and without PostgreSQL the items live in memory' },
      },
      'add kubernetes': { default: false, detect: (d) => d.deployment?.migrations, detectedFrom: 'alembic.ini or the answers file', ask: false },
    },
  },
  {
    key: 'worker',
    flag: 'worker',
    kind: 'choice',
    choices: WORKER_KINDS,
    message: 'Background worker (Celery, on Redis, for the data in PostgreSQL)',
    help: 'celery: a `worker` service running Celery tasks from Redis, with an example task behind POST /items/{id}/process',
    commands: {
      // Added after 0.1 and off by default: scripts and answers files from before keep their project.
      create: {
        default: 'none',
        defaultWithoutYes: true,
        recordedBefore: 'none',
        onlyWhen: {
          holds: (a) => a.postgres === true && a.redis === true,
          otherwise: 'none',
          needs: '--postgres and --redis: Redis carries the tasks to the worker, and the example task reads its item from PostgreSQL',
        },
      },
    },
  },
  {
    key: 'beat',
    flag: 'beat',
    kind: 'boolean',
    // Its own flag, never on by default with the worker: a second beat (a second project
    // sharing the Redis, a copy started by hand) would send every periodic task twice.
    message: 'Add Celery beat (one service sending a periodic example task to the worker)?',
    help: 'a `beat` service (exactly one) that sends the example periodic task to the Celery worker every BEAT_INTERVAL_SECONDS; needs --worker celery',
    commands: {
      // Added after the worker and off by default: scripts and answers files from before keep their project.
      create: {
        default: false,
        defaultWithoutYes: true,
        recordedBefore: false,
        onlyWhen: { holds: (a) => a.worker === 'celery', otherwise: false, needs: '--worker celery: beat only sends tasks, the Celery worker runs them' },
      },
      // add worker --beat: the worker with its beat, or the beat for a project that has the worker.
      'add worker': { default: false, ask: false, help: 'Celery beat too (the `beat` service, exactly one, and the example periodic task); to a project with the worker, beat alone' },
    },
  },
];

/**
 * A service's on/off option: on by default for a new project; for an existing app, on when one
 * of the service's drivers is among its dependencies (never asked: detection always answers).
 */
function serviceOption(service: ServiceFeature): Row {
  const row: BooleanSpec<ServiceKey> = {
    key: service.key,
    flag: service.key,
    kind: 'boolean',
    message: service.question.message,
    help: service.question.help,
    commands: {
      create: { default: service.question.default },
      'add docker': { detect: (d) => d.uses[service.key], detectedFrom: service.question.detectedFrom, ask: false },
      'add kubernetes': {
        default: false,
        detect: (d) => d.deployment?.[service.key] ?? (d.uses[service.key] || undefined),
        detectedFrom: `the answers file, compose.yaml, or ${service.question.detectedFrom}`,
        ask: false,
      },
    },
  };
  // The row of whichever service this is: TypeScript cannot tell a feature's key from its type.
  return row as Row;
}

/**
 * `add deploy <target>` needs what `add kubernetes` needs of a repository (the image's port, UID,
 * health path, name, services, migrations), found and asked the same way: every target's files
 * must agree with the same image.
 */
function withAddDeploy(row: Row): Row {
  const kubernetes = row.commands['add kubernetes'];
  return kubernetes ? ({ ...row, commands: { ...row.commands, 'add deploy': kubernetes } } as Row) : row;
}

export const OPTION_TABLE: readonly OptionSpec[] = ROWS.map(withAddDeploy);


export function specFor(key: OptionKey): OptionSpec {
  const spec = OPTION_TABLE.find((s) => s.key === key);
  if (!spec) throw new Error(`no option spec for ${key}`);
  return spec;
}

/** The rows a command takes, in table order (the order of its questions). */
export function optionsOf(command: CommandName): OptionSpec[] {
  return OPTION_TABLE.filter((s) => s.commands[command] !== undefined);
}

export function useOf(spec: OptionSpec, command: CommandName): OptionUse {
  const use = spec.commands[command];
  if (!use) throw new Error(`--${spec.flag} is not an option of ${command}`);
  return use as OptionUse;
}

/** A question of a new project with its documented default. */
export type ProjectOptionSpec = OptionSpec & { key: AnswerKey; default: string | boolean };

/** The questions of a new project, in the order they are asked after the name. */
export const PROJECT_OPTIONS: readonly ProjectOptionSpec[] = optionsOf('create')
  .filter((spec) => !useOf(spec, 'create').fromLocation)
  .map((spec) => ({
  ...spec,
  key: spec.key as AnswerKey,
  default: useOf(spec, 'create').default as string | boolean,
}));

/**
 * The options with their keys in one fixed order (name, then the option table's), whatever order
 * the answers arrived in: the stamped answers file must not depend on which were flags and
 * which were prompts, or `--answers` could not reproduce a project byte for byte.
 */
export function inTableOrder(options: object): ProjectOptions {
  const given = options as Record<string, unknown>;
  const ordered: Record<string, unknown> = { name: given.name };
  for (const spec of PROJECT_OPTIONS) ordered[spec.key] = given[spec.key];
  return ordered as unknown as ProjectOptions;
}

/** The documented defaults of `create`, as used by --yes. */
export function defaultAnswers(): Omit<ProjectOptions, 'name'> {
  return Object.fromEntries(PROJECT_OPTIONS.map((spec) => [spec.key, spec.default])) as unknown as Omit<ProjectOptions, 'name'>;
}

/** A yes/no given to an option that was one before it became a choice: the choice it meant (else the value as given). */
export function choiceOfBoolean(spec: OptionSpec, value: unknown): unknown {
  return spec.kind === 'choice' && spec.wasBoolean && typeof value === 'boolean' ? spec.wasBoolean[value ? 'true' : 'false'] : value;
}

/** Why `value` is not valid for the option, or undefined; choices and text rules alike. */
export function valueProblem(spec: OptionSpec, value: unknown): string | undefined {
  if (spec.kind === 'list') return listProblem(spec, value);
  if (spec.kind === 'boolean') return typeof value === 'boolean' ? undefined : `must be true or false (got ${given(value)})`;
  if (spec.kind === 'choice')
    return typeof value === 'string' && spec.choices.includes(value) ? undefined : `must be one of ${spec.choices.join(', ')} (got ${given(value)})`;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return `must be text (got ${given(value)})`;
  return spec.problem(text);
}

/**
 * A list option's value: a flag's comma-separated text (`kubernetes,ecs`, `none`), or, from an
 * answers file, a JSON list of the words or one word (as files written before it was a list
 * recorded it: `"kubernetes"`, `"none"`).
 */
function listProblem(spec: ListSpec, value: unknown): string | undefined {
  const words = listWords(spec, value);
  const allowed = `${spec.choices.join(', ')}, a comma-separated list of them, or ${spec.none}`;
  if (words === undefined) return `must be ${allowed} (got ${given(value)})`;
  const bad = words.find((word) => !spec.choices.includes(word));
  if (bad !== undefined) return `must be ${allowed} (got ${given(bad)})`;
  return undefined;
}

/** The words of a list option's value, or undefined when it is not text or a list of text. */
function listWords(spec: ListSpec, value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.every((w) => typeof w === 'string') ? (value as string[]) : undefined;
  if (typeof value !== 'string') return undefined;
  if (value.trim() === spec.none) return [];
  return value.split(',').map((word) => word.trim());
}

/** A valid list option's value as it is stored: its words in `choices` order, each once. */
export function parseList(spec: ListSpec, value: unknown): string[] {
  const words = new Set(listWords(spec, value) ?? []);
  return spec.choices.filter((choice) => words.has(choice));
}

/** A list as a flag says it: `kubernetes,ecs`, or `none`. */
export function listText(spec: ListSpec, value: readonly string[]): string {
  return value.length === 0 ? spec.none : value.join(',');
}
