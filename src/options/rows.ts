// The option table's rows: every option a command can be given, declared once, here. A row says
// what the option is: its key, its flag, its kind and allowed values, its question and help
// line, and how a typed value is checked. The option types (values.ts: ProjectOptions,
// OptionValues, Framework, ...) are derived from these rows, so a new option is a new row and
// nothing else to declare; how each command uses a row (its default, detection, conditions) is
// the table's (table.ts), which also imports the features and detection. This module imports
// only the validators (names.ts), so the features, detection and the pinned data can name an
// option's type without importing the table that imports them.

import { descriptionProblem, healthPathProblem, imageNameProblem, nameProblem, portProblem, targetProblem, uidProblem } from './names.js';

export const FRAMEWORKS = ['fastapi', 'flask'] as const;
export const PYTHON_VERSIONS = ['3.12', '3.13', '3.14', '3.15'] as const;
export const DOCKERFILE_VARIANTS = ['standard', 'multi-stage'] as const;
export const PACKAGE_MANAGERS = ['uv', 'pip'] as const;
/**
 * Where the project is deployed besides Compose: any number of targets (`--deploy
 * kubernetes,ecs`), each writing deploy/<target>/. `none` is how a flag or an old answers file
 * says the empty list.
 */
export const DEPLOY_TARGETS = ['kubernetes', 'cloud-run', 'ecs', 'aci'] as const;
export const NO_DEPLOY = 'none';
/** The forge whose CI the project gets: GitHub Actions, GitLab CI, or none. Was a yes/no (yes: github). */
export const CI_PROVIDERS = ['github', 'gitlab', 'none'] as const;
/** What runs background tasks beside the app: nothing, or a Celery worker on Redis (src/features/worker-celery/). */
export const WORKER_KINDS = ['none', 'celery'] as const;
/**
 * The options that turn a backing service on, one per service feature (src/features/services.ts
 * lists the features, whose keys these are): each a yes/no row whose question and help line
 * its feature gives (table.ts).
 */
export const SERVICE_KEYS = ['postgres', 'redis'] as const;

interface BaseRow {
  key: string;
  /** Long flag without the leading dashes; also the plop question's name and the answers file key. */
  flag: string;
  /** The prompt's question. */
  message: string;
  /** One line for --help. */
  help: string;
  /**
   * Only adds files that nothing in the running stack reads (a pipeline, an update bot's config,
   * lint settings): checked statically for every combination, and left out of the covering array
   * of the stack runs (tests/support/pairwise.ts), whose every row costs a real build and run.
   */
  filesOnly?: boolean;
  /**
   * Not an option of the project but a fact of an existing repository that the `add` commands
   * need (its folder, its app, its image): never in the answers file; ProjectOptions leaves it out.
   */
  repository?: true;
}
export interface ChoiceRow extends BaseRow {
  kind: 'choice';
  choices: readonly string[];
  /**
   * The option was a yes/no before it became a choice: the choice each answer meant. `--flag`
   * alone and `--no-flag` still parse (as true and false), and so does a recorded true or false
   * in an answers file (--answers, update).
   */
  wasBoolean?: { true: string; false: string };
}
export interface BooleanRow extends BaseRow {
  kind: 'boolean';
}
export interface TextRow extends BaseRow {
  kind: 'text';
  /** Shown in --help after the flag, e.g. `<text>`, `<module:attr>`. */
  placeholder: string;
  /** Why a value is refused, or undefined when it is fine. */
  problem: (value: string) => string | undefined;
  /** Turns the accepted text into the stored value (`port`: a number); without it the value is the text. */
  parse?: (value: string) => unknown;
}
/**
 * Several of a few words (`--deploy kubernetes,ecs`): given as one comma-separated flag value
 * (`none` for none of them), stored as a list in `choices` order without repeats. The question
 * lists the words the table offers after `message`.
 */
export interface ListRow extends BaseRow {
  kind: 'list';
  choices: readonly string[];
  /** The word that means the empty list. */
  none: string;
}
/** A service's yes/no (`--postgres`): its question and help line are its feature's (src/features/<service>/). */
export interface ServiceRow {
  key: (typeof SERVICE_KEYS)[number];
  flag: string;
  kind: 'boolean';
  service: true;
}
export type OptionRow = ChoiceRow | BooleanRow | TextRow | ListRow | ServiceRow;

/**
 * Every option, in table order: the order of each command's questions, of --help, of the answers
 * file. The value type of a row (values.ts) is its kind's: a choice one of its `choices`, a list
 * several of them, a yes/no a boolean, a text a string or what its `parse` returns.
 */
export const OPTION_ROWS = [
  // The project name: directory, Compose project, README title (create takes it from the folder).
  {
    key: 'name',
    flag: 'name',
    kind: 'text',
    placeholder: '<name>',
    message: 'Project name',
    help: 'the project name: Compose project, image, README title',
    problem: nameProblem,
  },
  // The repository, relative to where the command runs.
  {
    key: 'dir',
    repository: true,
    flag: 'dir',
    kind: 'text',
    placeholder: '<path>',
    message: 'Folder of the app (relative to here)',
    help: 'the repository',
    problem: (value: string) => (value.trim() === '' ? 'the folder is empty' : undefined),
  },
  // The service `add service` adds.
  {
    key: 'service',
    repository: true,
    flag: 'service',
    kind: 'choice',
    choices: SERVICE_KEYS,
    message: 'Service to add',
    help: 'the backing service to add to compose.yaml',
  },
  // One line of prose for the README and the API title page.
  {
    key: 'description',
    flag: 'description',
    kind: 'text',
    placeholder: '<text>',
    message: 'One-line description',
    help: 'one line for the README and the API docs',
    problem: descriptionProblem,
  },
  {
    key: 'framework',
    flag: 'framework',
    kind: 'choice',
    choices: FRAMEWORKS,
    message: 'Web framework',
    help: 'web framework',
  },
  // The app to serve: `module:attr` or `module:factory()`.
  {
    key: 'app',
    repository: true,
    flag: 'app',
    kind: 'text',
    placeholder: '<module:attr>',
    message: 'App to serve (module:attr or module:factory())',
    help: 'the app, e.g. app.main:app or myapp:create_app()',
    problem: targetProblem,
  },
  {
    key: 'port',
    repository: true,
    flag: 'port',
    kind: 'text',
    placeholder: '<n>',
    message: 'Port the server listens on',
    help: 'port the server listens on',
    problem: portProblem,
    parse: (value: string) => Number(value),
  },
  {
    key: 'python',
    flag: 'python',
    kind: 'choice',
    choices: PYTHON_VERSIONS,
    message: 'Python version',
    help: 'Python version of the image',
  },
  // --postgres, --redis: one row per service.
  ...SERVICE_KEYS.map((key) => ({ key, flag: key, kind: 'boolean', service: true }) as const),
  {
    key: 'dockerfile',
    flag: 'dockerfile',
    kind: 'choice',
    choices: DOCKERFILE_VARIANTS,
    message: 'Dockerfile variant',
    help: 'single-stage, or a builder stage plus a slim runtime',
  },
  // How dependencies are declared and locked: uv (pyproject.toml + uv.lock) or pip
  // (requirements.in + hashed requirements.txt).
  {
    key: 'packageManager',
    flag: 'package-manager',
    kind: 'choice',
    choices: PACKAGE_MANAGERS,
    message: 'Package manager (either locks every dependency with hashes)',
    help: 'uv: pyproject.toml + uv.lock; pip: requirements.in + requirements.txt with hashes',
  },
  // Deployment files beside the Compose files, one folder per target (deploy/<target>/), in
  // DEPLOY_TARGETS order; the table offers only the targets whose features are registered.
  {
    key: 'deploy',
    flag: 'deploy',
    kind: 'list',
    choices: DEPLOY_TARGETS,
    none: NO_DEPLOY,
    message: 'Deployment manifests: targets, comma-separated',
    help: `where to deploy besides Compose, comma-separated, each writing deploy/<target>/: kubernetes (a kustomize base with dev and prod overlays), cloud-run, ecs (Fargate task and service definitions), aci; ${NO_DEPLOY} for none`,
  },
  // github: .github/workflows/ci.yml (lint, tests against PostgreSQL/Redis, image build, Compose
  // smoke test) and release.yml (on a version tag, the image scanned, pushed to ghcr.io,
  // signed); gitlab: .gitlab-ci.yml with the same stages, released to the GitLab container registry.
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
  },
  {
    key: 'dependabot',
    filesOnly: true,
    flag: 'dependabot',
    kind: 'boolean',
    message: 'Add dependency update proposals (Dependabot; Renovate with GitLab CI) for packages, images, CI pins?',
    help: '.github/dependabot.yml: weekly update pull requests for Python packages, Docker and Compose images, GitHub Actions; with --ci gitlab, renovate.json instead (Renovate; Dependabot runs only on GitHub)',
  },
  {
    key: 'lint',
    filesOnly: true,
    flag: 'lint',
    kind: 'boolean',
    message: 'Configure ruff (lint and format) with a pre-commit hook?',
    help: 'ruff settings in pyproject.toml, scripts/lint and .pre-commit-config.yaml',
  },
  {
    key: 'devcontainer',
    flag: 'devcontainer',
    kind: 'boolean',
    message: 'Add a dev container and a debugger (debugpy, attached from VS Code or any DAP client)?',
    help: '.devcontainer/: the development stack with the dev dependencies and the app under debugpy (127.0.0.1:5678); .vscode/launch.json attaches to it',
  },
  // The image name, without tag.
  {
    key: 'image',
    repository: true,
    flag: 'image',
    kind: 'text',
    placeholder: '<name>',
    message: 'Image name, without tag (the overlays set the tag or digest)',
    help: 'image name, without tag',
    problem: imageNameProblem,
  },
  // The image's non-root UID.
  {
    key: 'uid',
    repository: true,
    flag: 'uid',
    kind: 'text',
    placeholder: '<n>',
    message: 'UID the image runs as (its USER; not 0)',
    help: "the image's non-root UID, for runAsUser",
    problem: uidProblem,
    parse: (value: string) => Number(value),
  },
  // The HTTP path of the probes.
  {
    key: 'healthPath',
    repository: true,
    flag: 'health-path',
    kind: 'text',
    placeholder: '<path>',
    message: 'Path that answers 200 while the app is up',
    help: 'HTTP path of the probes',
    problem: healthPathProblem,
  },
  // Alembic migrations for the PostgreSQL schema (always false without PostgreSQL). Last but
  // the worker's in the table, so plop's positional bypasses of 0.1 keep their order.
  {
    key: 'migrations',
    flag: 'migrations',
    kind: 'boolean',
    message: 'Run Alembic migrations before the app starts?',
    help: 'a Job running `alembic upgrade head` before rollout',
  },
  // A background worker (Celery, Redis as its broker; only with PostgreSQL and Redis).
  {
    key: 'worker',
    flag: 'worker',
    kind: 'choice',
    choices: WORKER_KINDS,
    message: 'Background worker (Celery, on Redis, for the data in PostgreSQL)',
    help: 'celery: a `worker` service running Celery tasks from Redis, with an example task behind POST /items/{id}/process',
  },
  // Celery beat (src/features/celery-beat/): a `beat` service that sends the example periodic
  // task on a schedule; only with the Celery worker, and always exactly one of it. Its own flag,
  // never on by default with the worker: a second beat (a second project sharing the Redis, a
  // copy started by hand) would send every periodic task twice.
  {
    key: 'beat',
    flag: 'beat',
    kind: 'boolean',
    message: 'Add Celery beat (one service sending a periodic example task to the worker)?',
    help: 'a `beat` service (exactly one) that sends the example periodic task to the Celery worker every BEAT_INTERVAL_SECONDS; needs --worker celery',
  },
] as const satisfies readonly OptionRow[];
