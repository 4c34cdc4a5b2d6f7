// Turns validated options into the render context every template sees. All decisions
// (which features are on, which packages are pinned, how the server starts) are made here or
// by the features, so templates only print values and test a few booleans. The chosen features
// are one list (`layers`, in the order of src/features/registry.ts, each feature saying whether
// it is chosen and, when its data picks them, which layers); an optional feature's own data is
// under its Feature.contextKey (`redis`, `kubernetes`, `ecs`...), built by its Feature.data from
// one FeatureInput and undefined when it is not chosen, and only its own folder's templates and
// slots test it (tests/fast/template-ownership.test.ts). This module names no feature for its
// data: it builds what every feature may read (the choice, the server, the services, the
// deployment input) and the generic lists the shared files loop over.

import { APP_HOST_PORT, appHostPort, DEV_BIND_ADDRESS, DEV_HOST } from '../features/development.js';
import { START_COMMAND, VERSIONED_FEATURES, type DockerFloor, type VersionedFeature } from '../features/docker-floor.js';
import { DOCKER_FLOOR } from '../features/docker-floor-value.js';
import { APP_PORT, APP_UID, DEFAULT_WORKERS, serverEnv, STOP_GRACE_PERIOD_SECONDS } from '../features/app-server.js';
import { projectCommands, type ProjectCommands } from '../features/ci/index.js';
import { FRAMEWORK_FEATURES } from '../features/frameworks.js';
import { ITEM_LIMITS } from '../features/items.js';
import { RUNTIME_LIMITS } from '../features/runtime-limits.js';
import { backgroundWorkerOf } from '../features/managed-platforms.js';
import { projectUvLock, readLock, type StoredLockFile } from '../features/locks.js';
import { installerFor, PACKAGE_MANAGER_FEATURES, type InstallFrom } from '../features/package-managers.js';
import { PIP_COMPILE } from '../features/pip/index.js';
import { chosenProjectFeatures, featureLayers, featureParts, type FeatureData } from '../features/registry.js';
import { chosenServices } from '../features/services.js';
import { CONTAINER_SECRETS_DIR, containerSecretPath, hostSecretPath, makeSecretCommand, SECRETS_DIR } from '../features/secret-files.js';
import type { DeployInput, EnvVar, FeatureChoice, FeatureInput, FileSecret, TestPrepare, InstallerFeature, ReachedService, ServerSpec, ServiceFeature, ServiceNamespace } from '../features/types.js';
import { LINUX_ENVIRONMENTS, REQUIRES_PYTHON } from '../features/uv/index.js';
import { appHardening, LOG_ROTATION, MIGRATE_HARDENING, SERVICE_HARDENING, type ComposeHardening } from '../features/compose-hardening.js';
import { PYTHON_VERSIONS, type DockerfileVariant, type Framework, type PackageManager, type ProjectOptions, type PythonVersion, type ServiceKey } from '../options/values.js';
import { compareText } from './sort.js';
import { shellWord, wordList, wrap } from './text.js';
import { PIPENV_VERSION, POETRY_VERSION, PYTHON_IMAGE_VARIANT, PYTHON_IMAGES, PYTHON_RELEASES, requirementLine, UV_IMAGE, type Requirement } from './versions.js';

export type { InstallFrom };

/** compose.yaml's app environment is indented 6; a comment there fits yamllint's 80 columns in 72. */
const COMPOSE_COMMENT_WIDTH = 72;

/**
 * What every template sees: the core below (what every project has exactly one of, and the
 * lists of whichever features were chosen), and each optional feature's own data under its
 * Feature.contextKey (`redis`, `kubernetes`, `ecs`...), undefined when the project does not
 * have it. Those entries are FeatureData, derived from the registry's entries, so a feature
 * declares its data's type once, in its own index.ts.
 */
export interface RenderContext extends FeatureData {
  generator: { name: string; version: string };
  project: { name: string; description: string; title: string };
  options: ProjectOptions;
  framework: Framework;
  /** `Flask`, `FastAPI`. */
  frameworkLabel: string;
  isFlask: boolean;
  isFastapi: boolean;
  dockerfile: DockerfileVariant;
  /**
   * `release` is the patch release (3.13.15), `variant` the image variant (slim-trixie), `image`
   * both as one tag; `another` the image of another offered Python, the README's example of
   * changing it.
   */
  python: { version: PythonVersion; release: string; variant: string; image: string; another: string };
  /** compose.yaml's hardening of each service (features/compose-hardening.ts). */
  hardening: { app: ComposeHardening; migrate: ComposeHardening; services: Record<ServiceKey, ComposeHardening>; logging: typeof LOG_ROTATION };
  port: number;
  uid: number;
  server: ServerSpec;
  /** Exec-form HEALTHCHECK: slim images have no curl, so Python's urllib probes /health. */
  healthcheck: string[];
  /** Compose's stop_grace_period in seconds: longer than the server's own graceful shutdown. */
  stopGracePeriod: number;
  /** Server worker processes by default (WEB_CONCURRENCY), and why when a feature caps them ('' if none does). */
  /** The default worker count, and when a feature caps it, why, as comment lines for compose.yaml. */
  workers: { count: number; why: string; composeComment: string[] };
  /**
   * The oldest Docker Engine and Compose that run the project, the features that set them,
   * and the first start command (scripts/check-docker, then Compose).
   */
  docker: DockerFloor & { features: readonly VersionedFeature[]; start: string };
  /** Host address of every port compose.override.yaml publishes: `${DEV_BIND_ADDRESS:-127.0.0.1}`. */
  devHost: string;
  /** The variable that moves the app's published port (scripts/smoke-test sets it to 0), and `${...:-port}`. */
  appHostPort: { name: string; compose: string };
  /** The secrets of .env.example (left empty there): scripts/smoke-test gives each a random value. */
  secretEnv: string[];
  /** What an item of the /items API may hold, and how a page of them may be asked for. */
  items: typeof ITEM_LIMITS;
  /** Timeouts, connection pool and body size of the generated app (settings.py defaults). */
  limits: typeof RUNTIME_LIMITS;
  /**
   * The name compose.yaml gives the image it builds (the app's, and the migrate service's), the
   * README's `docker build -t` and the tag CI builds, so Compose starts what CI built.
   */
  image: string;
  /** The commands the README documents and the workflow runs: install, lint, test, smoke test. */
  commands: ProjectCommands;
  /** `uv run ` (uv) or nothing (pip, in an activated .venv): how the README runs a tool of the venv. */
  inEnv: string;
  /** The chosen services, in file order, and the subsets the generic files loop over. */
  services: ServiceFeature[];
  /** Those the app reaches through a URL variable: Compose environment, settings, test fixtures. */
  reached: ReachedService[];
  /** Those with a namespace setting (schema, key prefix), which the tests set to their own. */
  namespaced: NamespacedService[];
  /** Those the app waits for (depends_on: service_healthy). */
  awaited: ServiceFeature[];
  /** Those with a data volume. */
  stored: StoredService[];
  /** The file secrets of the chosen services (src/features/secret-files.ts), with their paths. */
  secrets: ContextSecret[];
  /** Their folders: on the host (relative to the project) and in a container. */
  secretsDir: { host: string; container: string };
  /** Those published on 127.0.0.1 by the development override. */
  published: PublishedService[];
  /** Prose built from the chosen services, for the README. */
  text: ServiceText;
  requirements: string[];
  devRequirements: string[];
  /** A new project's package manager (its pyproject.toml, README and lock files follow it). */
  packageManager: PackageManager;
  /** The file the image installs the dependencies from: a new project's lock (uv.lock or requirements.txt), or what add docker found. */
  installFrom: InstallFrom;
  /** The tool that installs them in the image, and its layer of Dockerfile parts. */
  installer: InstallerFeature;
  /** pip installs with --require-hashes: a new project's requirements.txt hashes every distribution. */
  requireHashes: boolean;
  /** The pinned tools the images install with. */
  tools: { uvImage: string; poetry: string; pipenv: string };
  /**
   * A new project's lock file as `npm run lock` computed it, read when its template renders
   * (`npm run lock` renders the files the locks are computed from, before there are any).
   */
  lockFile: (file: LockFile) => string;
  /** uv: requires-python and the platforms every lock must cover (pyproject.toml). */
  requiresPython: string;
  linuxEnvironments: string[];
  /** `3.12, 3.13 and 3.14`: the Pythons every lock is checked for. */
  offeredPythons: string;
  /** pip: the commands that compile requirements.txt and requirements-dev.txt. */
  pipCompile: { requirements: string; dev: string };
  /**
   * Every file the install step bind-mounts (and the dev override rebuilds on), relative to the
   * project: installFrom first, then the files requirements.txt includes with -r/-c, each
   * mounted at /tmp/<its path> so the includes resolve as they do in the repository.
   */
  installFiles: string[];
  /** Folders of the app's code named `secrets`, kept in the image past `**\/secrets/` (.dockerignore). */
  codeInSecretsFolders: string[];
  /** A dependency is fetched with git: the builder stage installs git (the runtime stage never does). */
  needsGit: boolean;
  /**
   * For `installFrom: 'pyproject.toml'`: a shell-quoted `python -c` program printing the
   * `[project].dependencies` of the pyproject.toml given as its argument, one a line.
   */
  pyprojectRequirements: string;
  /** Paths relative to the project, each bind-mounted read-only at /app/<path> for auto-reload. */
  sourcePaths: string[];
  /**
   * Directories the image sets PYTHONPATH to: a src layout's `/app/src`, so the server, the
   * dev command and any `python` in the container import its packages by their own names.
   * Empty for a new project (its `app` package is imported from the working directory /app).
   */
  pythonPath: string[];
  env: EnvVar[];
  /** Template layers, in the order their files are added. */
  layers: string[];
  /** The Settings fields of the services (URLs and namespaces), which the tests' fixtures set. */
  serviceSettings: string[];
  /** The app's own imports of the tests' conftest.py, sorted as isort would. */
  conftestImports: string[];
  /**
   * What the tests do to a service's namespace before using it, by service key: with
   * migrations, PostgreSQL's test schema gets the tables the migrations make.
   */
  testPrepare: Partial<Record<string, TestPrepare>>;
  /** Escapers for values placed inside other languages' string literals. */
  q: Quoters;
}

/** `namespace.value` is the app's default for this project (`my-api:`). */
export type NamespacedService = ReachedService & { namespace: ServiceNamespace & { value: string } };
export type ContextSecret = FileSecret & { hostPath: string; containerPath: string; makeCommand: string };
export type StoredService = ServiceFeature & { compose: { volume: { name: string; target: string } } };
export type PublishedService = ServiceFeature & { compose: { devPort: number } };

/** README sentences about the chosen services (empty strings when there are none). */
export interface ServiceText {
  /** `PostgreSQL on \`127.0.0.1:5432\` and Redis on \`127.0.0.1:6379\`` */
  devPorts: string;
  /** `db redis`: the published Compose services, for `docker compose up -d ...` before pytest. */
  composeServices: string;
  /** `POSTGRES_HOST and REDIS_URL` */
  urlVars: string;
  /** The same, each in backticks. */
  urlVarsCode: string;
  /** `PostgreSQL or Redis` */
  labels: string;
  /** `app, db, redis`: every Compose service. */
  stack: string;
  /** `a PostgreSQL schema and a Redis key prefix`: where the tests keep their data. */
  testNamespaces: string;
  /** What to set in .env before the first start, one entry per service that needs it. */
  envSetup: string[];
}

export interface Quoters {
  /** JSON text: also a valid exec-form array, a YAML flow scalar and a TOML basic string. */
  json: (value: unknown) => string;
  /** A Python string literal. */
  py: (value: string) => string;
  /** Text safe inside Markdown prose. */
  md: (value: string) => string;
  /** One POSIX shell word: single-quoted. */
  sh: (value: string) => string;
}

export const GENERATOR_NAME = 'create-python-docker-app';

/** The route a new project answers for health checks (app/health.py); probes and HEALTHCHECK call it. */
export const HEALTH_PATH = '/health';
/** The app's readiness endpoint: its database and Redis answer (the Kubernetes readinessProbe). */
export const READY_PATH = '/ready';


/**
 * Prints the `[project].dependencies` of the pyproject.toml named by its argument, one a line:
 * a requirements file pip can install. Run by the image's Python (tomllib: 3.11+), so the
 * dependency layer depends on pyproject.toml alone and the project itself is not installed.
 */
export const PYPROJECT_REQUIREMENTS_PY =
  'import sys, tomllib; print(*tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"], sep="\\n")';

/**
 * How an existing app runs (`add docker`, the plop `docker` generator); a new project uses
 * the code it generates: the framework's default target, APP_PORT and a /health route.
 */
export interface AppRuntime {
  /** `module:attr`, or `module:factory()` for an app factory. */
  target: string;
  port: number;
  /** 'http': the app answers GET /health; 'tcp': the probe only checks the port accepts connections. */
  healthcheck: 'http' | 'tcp';
  installFrom: InstallFrom;
  /** installFrom and the files it includes; installFrom alone when absent. */
  installFiles?: string[];
  /** Top-level directories and modules of the app's code, mounted for auto-reload. */
  sourcePaths: string[];
  /** A src layout's import root relative to the project ('src'); `target` is relative to it. */
  importRoot?: string;
  /** Some dependency is fetched with git (add docker: git+https requirements). */
  needsGit?: boolean;
  /** Folders of the app's code named `secrets`, which .dockerignore keeps in the image (add docker). */
  codeInSecretsFolders?: string[];
}

/**
 * What every feature decides from (FeatureInput: the choice, the server, the services, the
 * deployment input), with the parts of it that buildContext uses again.
 */
function featureInputFor(options: ProjectOptions, runtime?: AppRuntime) {
  const framework = FRAMEWORK_FEATURES[options.framework];
  const port = runtime?.port ?? APP_PORT;
  const services = chosenServices(options);
  if (options.migrations && !options.postgres) throw new Error('migrations need PostgreSQL (the option table refuses --migrations without --postgres)');
  if (options.worker !== 'none' && !(options.postgres && options.redis)) throw new Error('a worker needs PostgreSQL and Redis (the option table refuses --worker without them)');
  if (options.beat && options.worker !== 'celery') throw new Error('beat needs the Celery worker (the option table refuses --beat without --worker celery)');
  // A new project installs from its package manager's lock; an existing app from what add docker found.
  const installFrom = runtime?.installFrom ?? (options.packageManager === 'uv' ? 'uv.lock' : 'requirements.txt');
  const installer = runtime ? installerFor(installFrom) : PACKAGE_MANAGER_FEATURES[options.packageManager];
  const choice: FeatureChoice = { options, installer: installer.key };
  // The project's own features, in order (src/features/registry.ts): what it installs and sets.
  const features = chosenProjectFeatures(choice);
  const server = runtime ? framework.serverFor(runtime.target, port) : framework.server;
  // What every deployment target's files agree with: this project's image and how it runs.
  const worker = backgroundWorkerOf(options);
  const deploy: DeployInput = {
    name: options.name,
    image: options.name,
    port,
    uid: APP_UID,
    healthPath: HEALTH_PATH,
    readyPath: READY_PATH,
    server: server.package,
    services: services.map((s) => s.key),
    // Set by a migration tool's feature (Alembic's, with --migrations).
    migrations: features.find((f) => f.migrations)?.migrations,
    command: server.command,
    ...(worker ? { worker } : {}),
  };
  const input: FeatureInput = { ...choice, server, services, deploy };
  return { framework, port, services, installFrom, installer, features, server, input };
}

export function buildContext(options: ProjectOptions, generatorVersion: string, runtime?: AppRuntime): RenderContext {
  const { framework, port, services, installFrom, installer, features, server, input } = featureInputFor(options, runtime);
  // Every feature's own data under its key, and the chosen features' layers (src/features/registry.ts).
  const { data, layers } = featureParts(input);
  // Only a new project's own store can cap the workers; an existing app keeps the default.
  const workerLimit = runtime ? undefined : features.find((f) => f.workers)?.workers;
  const workers = workerLimit?.max ?? DEFAULT_WORKERS;
  const reached = services.filter((s): s is ReachedService => s.url !== undefined);
  const testPrepare: Partial<Record<string, TestPrepare>> = Object.assign({}, ...features.map((f) => f.testPrepare ?? {}));
  const requirements = uniqueRequirements(features.flatMap((f) => f.requirements ?? []));
  const devRequirements = uniqueRequirements(features.flatMap((f) => f.devRequirements ?? []));
  return {
    generator: { name: GENERATOR_NAME, version: generatorVersion },
    project: { name: options.name, description: options.description, title: titleOf(options.name) },
    options,
    framework: options.framework,
    frameworkLabel: framework.label,
    isFlask: options.framework === 'flask',
    isFastapi: options.framework === 'fastapi',
    dockerfile: options.dockerfile,
    python: {
      version: options.python,
      release: PYTHON_RELEASES[options.python],
      variant: PYTHON_IMAGE_VARIANT,
      image: PYTHON_IMAGES[options.python],
      another: PYTHON_IMAGES[PYTHON_VERSIONS.filter((v) => v !== options.python).at(-1)!],
    },
    port,
    uid: APP_UID,
    server,
    hardening: { app: appHardening(server.package), migrate: MIGRATE_HARDENING, services: SERVICE_HARDENING, logging: LOG_ROTATION },
    healthcheck: [
      'python',
      '-c',
      runtime?.healthcheck === 'tcp'
        ? `import socket; socket.create_connection(('127.0.0.1', ${port}), timeout=2).close()`
        : `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}${HEALTH_PATH}', timeout=2)`,
    ],
    stopGracePeriod: STOP_GRACE_PERIOD_SECONDS,
    workers: { count: workers, why: workerLimit?.why ?? '', composeComment: workerLimit ? wrap(`${workers} worker: ${workerLimit.why}.`, COMPOSE_COMMENT_WIDTH) : [] },
    docker: { ...DOCKER_FLOOR, features: VERSIONED_FEATURES, start: START_COMMAND },
    devHost: DEV_HOST,
    appHostPort: { name: APP_HOST_PORT.name, compose: appHostPort(port) },
    secretEnv: features.flatMap((f) => f.env ?? []).filter((v) => v.secret).map((v) => v.name),
    items: ITEM_LIMITS,
    limits: RUNTIME_LIMITS,
    image: options.name,
    commands: projectCommands(options.packageManager),
    inEnv: options.packageManager === 'uv' ? 'uv run ' : '',
    services,
    reached,
    namespaced: reached.flatMap((s) =>
      s.namespace ? [{ ...s, namespace: { ...s.namespace, value: s.namespace.default(options.name) } }] : [],
    ),
    awaited: services.filter((s) => s.compose.appWaitsForIt),
    stored: services.filter((s): s is StoredService => s.compose.volume !== undefined),
    secrets: services.flatMap((s) => s.secrets ?? []).map((secret) => ({ ...secret, hostPath: hostSecretPath(secret), containerPath: containerSecretPath(secret), makeCommand: makeSecretCommand(secret) })),
    secretsDir: { host: SECRETS_DIR, container: CONTAINER_SECRETS_DIR },
    published: services.filter((s): s is PublishedService => s.compose.devPort !== undefined),
    text: serviceText(services),
    requirements: requirements.map(requirementLine),
    devRequirements: devRequirements.map(requirementLine),
    packageManager: options.packageManager,
    installFrom,
    installer,
    requireHashes: !runtime && options.packageManager === 'pip',
    tools: { uvImage: UV_IMAGE, poetry: POETRY_VERSION, pipenv: PIPENV_VERSION },
    lockFile: (file) => lockFileFor(options, file),
    requiresPython: REQUIRES_PYTHON,
    linuxEnvironments: LINUX_ENVIRONMENTS,
    offeredPythons: wordList([...PYTHON_VERSIONS], 'and'),
    pipCompile: { requirements: PIP_COMPILE.requirements.join(' '), dev: PIP_COMPILE.dev.join(' ') },
    // pip installs the one file it was given; a lock's tool reads the lock and its manifest.
    installFiles: runtime?.installFiles ?? (installer.key === 'pip' ? [installFrom] : installer.files),
    needsGit: runtime?.needsGit ?? false,
    codeInSecretsFolders: runtime?.codeInSecretsFolders ?? [],
    pyprojectRequirements: QUOTERS.sh(PYPROJECT_REQUIREMENTS_PY),
    sourcePaths: runtime?.sourcePaths ?? ['app'],
    pythonPath: runtime?.importRoot ? [pythonPathEntry(runtime.importRoot)] : [],
    env: [...features.flatMap((f) => f.env ?? []), ...serverEnv(workers, workerLimit), APP_HOST_PORT, DEV_BIND_ADDRESS],
    // One list of the chosen features, in the registry's order (src/features/registry.ts): their
    // templates are rendered, and their slot contributions printed, in this order.
    layers,
    serviceSettings: reached.flatMap((s) => [s.url.field, ...(s.namespace ? [s.namespace.field] : [])]),
    conftestImports: pythonImports([
      framework.appFactory,
      { module: 'app.settings', name: 'Settings' },
      ...services.flatMap((s) => (s.url?.read ? [{ module: 'app.settings', name: s.url.read }] : [])),
      ...services.flatMap((s) => (s.url && s.namespace ? [s.namespace.cleanup] : [])).map((c) => ({ module: c.module, name: c.function })),
      ...Object.values(testPrepare).map((p) => ({ module: p!.module, name: p!.function })),
      { module: 'tests.api', name: 'Api' },
    ]),
    testPrepare,
    q: QUOTERS,
    // Last: spread at the start of this literal, it made V8 add the fixed fields one by one to
    // a copy (measured over the 15,360 answer combinations: 19-21 s, against 5-7 s here).
    ...data,
  };
}

/**
 * The template layers a new project with these answers gets: buildContext's `layers`, without
 * building the rest of its context. tests/support/emitted-paths.ts lists every layer any of the
 * 15,360 answer combinations chooses: through buildContext that took 3.2 CPU-s.
 */
export function chosenLayers(options: ProjectOptions): string[] {
  return featureLayers(featureInputFor(options).input);
}

export type LockFile = StoredLockFile;

/** The stored lock for these options; uv.lock names the project itself, so it gets this project's name. */
function lockFileFor(options: ProjectOptions, file: LockFile): string {
  return file === 'uv.lock' ? projectUvLock(options, options.name) : readLock(options, file);
}

function serviceText(services: ServiceFeature[]): ServiceText {
  const published = services.filter((s) => s.compose.devPort !== undefined);
  const urls = services.flatMap((s) => (s.url ? [s.url.env] : []));
  return {
    devPorts: wordList(published.map((s) => `${s.label} on \`127.0.0.1:${s.compose.devPort}\``), 'and'),
    composeServices: published.map((s) => s.compose.service).join(' '),
    urlVars: wordList(urls, 'and'),
    urlVarsCode: wordList(urls.map((env) => `\`${env}\``), 'and'),
    labels: wordList(services.filter((s) => s.url).map((s) => s.label), 'or'),
    stack: ['app', ...services.map((s) => s.compose.service)].join(', '),
    envSetup: services.flatMap((s) => (s.envSetup ? [s.envSetup] : [])),
    testNamespaces: wordList(services.flatMap((s) => (s.url && s.namespace ? [s.namespace.what] : [])), 'and'),
  };
}

/** `from module import name` lines, one per module, ordered by module as isort orders them. */
function pythonImports(imports: { module: string; name: string }[]): string[] {
  const byModule = new Map<string, string[]>();
  for (const { module, name } of imports) byModule.set(module, [...(byModule.get(module) ?? []), name]);
  return [...byModule.keys()]
    .sort(compareText)
    .map((module) => `from ${module} import ${[...new Set(byModule.get(module))].sort(compareImportedNames).join(', ')}`);
}

/**
 * ruff's (isort's) order of the names of one import, order-by-type: CONSTANTS, then Classes,
 * then functions and modules (`Settings, database_url_from`), each group by compareText.
 */
function compareImportedNames(a: string, b: string): number {
  const kind = (name: string) => (name.length > 1 && name === name.toUpperCase() ? 0 : /^[A-Z]/.test(name) ? 1 : 2);
  return kind(a) - kind(b) || compareText(a, b);
}


/** `src` → `/app/src`: where COPY . . puts the import root in the image. */
function pythonPathEntry(importRoot: string): string {
  if (!/^[A-Za-z_][\w.-]*(\/[A-Za-z_][\w.-]*)*$/.test(importRoot)) throw new Error(`invalid import root ${JSON.stringify(importRoot)}`);
  return `/app/${importRoot}`;
}

function uniqueRequirements(list: Requirement[]): Requirement[] {
  const seen = new Map<string, Requirement>();
  for (const r of list) seen.set(r.name, r);
  return [...seen.values()].sort((a, b) => compareText(a.name, b.name));
}

function titleOf(name: string): string {
  return name
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

export const QUOTERS: Quoters = {
  json: (value) => JSON.stringify(value),
  // Every JSON string escape (\" \\ \n \uXXXX ...) is also a Python escape, so JSON text is a
  // valid Python str literal.
  py: (value) => JSON.stringify(value),
  // Escape Markdown syntax anywhere, plus what only means something at the start of a line
  // (an ordered-list number, a bullet, a setext underline), so a description renders as typed.
  md: (value) =>
    value
      .trim()
      .replace(/([\\`*_{}[\]()#+!|<>&~])/g, '\\$1')
      .replace(/^(\d+)([.)])/, '$1\\$2')
      .replace(/^([-=])/, '\\$1'),
  sh: shellWord,
};
