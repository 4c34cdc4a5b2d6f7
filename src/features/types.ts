// What a feature adds to a project. Each feature is a folder under src/features/<feature>/: its
// facts (index.ts) and its template layer (templates/), whose files are copied into the project at the same
// relative path (a file named *.part.ejs is not copied: it is a part other templates print).
// A leaf module (types only, importing only the option and version types), so every feature's
// index.ts and the registry can name these without importing each other.

import type { Requirement } from '../engine/versions.js';
import type { DeployTarget, Framework, ProjectOptions, ServiceKey } from '../options/values.js';

/** An environment variable the app or Compose reads; it is listed in `.env.example`. */
export interface EnvVar {
  name: string;
  /** The value written into `.env.example`: empty for a secret, which no emitted file carries. */
  example: string;
  /**
   * A secret: `.env.example` leaves it empty, and a new project's `.env` (git-ignored, written
   * by `create` only: src/features/local-env.ts) gets a random value.
   */
  secret?: boolean;
  /** Why the variable exists, written as a comment above it. */
  comment: string;
  /** The characters a value may have, when not all are safe; `example` follows it. */
  allowed?: { pattern: RegExp; description: string };
}

/** What decides which features a project has (each feature's `chosen`). */
export interface FeatureChoice {
  options: ProjectOptions;
  /**
   * The key of the tool that installs the dependencies in the image (InstallerFeature.key):
   * a new project's package manager, or the one whose lock `add docker` found.
   */
  installer: string;
}

/**
 * What a chosen feature's data is built from (Feature.data): the choice, and the facts of the
 * project that are decided before any feature's data (src/engine/context.ts builds it once).
 */
export interface FeatureInput extends FeatureChoice {
  /** How the app's server starts: the framework's, or the target `add docker` detected. */
  server: ServerSpec;
  /** The chosen services, in file order. */
  services: readonly ServiceFeature[];
  /** What every deployment target's files agree with: the image and how it runs. */
  deploy: DeployInput;
}

/**
 * A framework, a store, a Dockerfile variant, a deployment: the files of its layer and what it
 * installs. `D` is the data its own templates print and `K` the name they print it under
 * (`redis.timeout`): the render context's type is derived from these (src/features/registry.ts,
 * FeatureData), so a feature's data is declared once, in its own index.ts.
 */
export interface Feature<D = unknown, K extends string = string> {
  /** The layer of this feature's files: src/features/<layer>/templates/ (templates/common/ for the skeleton). */
  layer: string;
  /** Whether a project has it; src/features/registry.ts lists every feature in order and asks each. */
  chosen: (choice: FeatureChoice) => boolean;
  /**
   * The render context's entry its templates and slots print (`redis`, `kubernetes`, `ecs`),
   * with `data`: undefined in the context when the project does not have the feature, and read
   * only by its own folder's templates (tests/fast/template-ownership.test.ts).
   */
  contextKey?: K;
  /** Its data for a project that has it, built from what every feature may know (FeatureInput). */
  data?: (input: FeatureInput) => D;
  /**
   * The layers it renders, when its own data picks them (Kubernetes: the autoscaler only for
   * an app whose pods share their state, the migration Job only with migrations); `[layer]`
   * when absent. A method, so that a feature with data of its own type is still a Feature.
   */
  layers?(data: D): string[];
  requirements?: Requirement[];
  devRequirements?: Requirement[];
  env?: EnvVar[];
  /**
   * The most server worker processes (WEB_CONCURRENCY) with which the API stays consistent,
   * when the feature keeps state in each process (the in-memory store), and why.
   */
  workers?: { max: number; why: string };

  /** The app's schema migrations (a migration tool's feature sets it): Kubernetes runs them in a Job before each rollout. */
  migrations?: Migrations;

  /** What the tests do to a service's namespace before using it, by service key (the conftest's fixtures call it). */
  testPrepare?: Partial<Record<ServiceKey, TestPrepare>>;
}

/** A function of the tests, called with a service's URL and the tests' namespace in it. */
export interface TestPrepare {
  module: string;
  function: string;
  /** The comment above the call. */
  why: string;
}

/** How the app's schema migrations run: in its own image, before the new version starts. */
export interface Migrations {
  /** Exec-form command. */
  command: string[];
}

/** The server a container runs, as far as its writable paths and worker count go. */
export type ServerKind = 'gunicorn' | 'uvicorn' | 'unknown';

/**
 * What every deployment target's files are built from: the image and how it runs. A new project
 * and `add deploy <target>` / `add kubernetes` build a target's files from the same input, so
 * `add deploy` on a generated project writes what `--deploy` would have.
 */
export interface DeployInput {
  /** The project name: the service, task family and log group are named after it. */
  name: string;
  /** The image name, without registry or tag (the target's files name where it is pushed, once). */
  image: string;
  port: number;
  uid: number;
  /** GET answers 200 with no I/O: the liveness/health check. */
  healthPath: string;
  /** GET checks the database and Redis (a generated app's /ready), else healthPath. */
  readyPath: string;
  server: ServerKind;
  services: ServiceKey[];
  migrations?: Migrations;
  /**
   * The image's CMD, exec form, when known (a new project's server command; `add deploy` reads
   * the Dockerfile's exec-form CMD when it has no ENTRYPOINT): Cloud Run and ACI give it again
   * with a shorter graceful stop.
   */
  command?: readonly string[];
  /**
   * The Celery worker (and its beat, exactly one) the project runs beside the app: Kubernetes
   * deploys them; the other targets' files run the web app only and say so.
   */
  worker?: BackgroundWorker;
}

export interface BackgroundWorker {
  beat: boolean;
}

/**
 * A deployment target besides Kubernetes (src/features/deploy-targets.ts offers them; the
 * registry lists them among the features): chosen by `--deploy <key>`, its facts under
 * `contextKey`, its layers picked by its facts, and what `add deploy` says after writing them.
 * Kubernetes is a Feature of its own (src/features/kubernetes/), with its own command.
 */
export interface DeployTargetFeature<F = unknown, K extends string = string> extends Feature<F, K> {
  key: Exclude<DeployTarget, 'kubernetes'>;
  /** Where its files go in the project: deploy/<target>. */
  dir: string;
  contextKey: K;
  /** Its name in a warning: "Cloud Run: ...". */
  label: string;
  /** One line for `add deploy --help`. */
  summary: string;
  /** Its facts from the image and how it runs: `add deploy` has only this input, a new project its FeatureInput.deploy. */
  facts: (input: DeployInput) => F;
  data: (input: FeatureInput) => F;
  layers(facts: F): string[];
  /** What the user should know about these files (a constrained combination, and why). */
  warnings: (facts: F) => string[];
  /** The commands to run next (the target's README has them all). */
  nextSteps: (facts: F) => string[];
}

/**
 * A tool the image installs the dependencies with (uv, pip, poetry, pipenv), and from which
 * files. Its layer holds the Dockerfile parts that install them, `standard.dockerfile` (the
 * single-stage image: dependencies, then the code) and `builder.dockerfile` (the multi-stage
 * builder: the dependencies into `venv`), and, for a package manager a new project can use,
 * the files it declares and locks the dependencies in.
 */
export interface InstallerFeature extends Feature {
  /** `uv`, `pip`, `poetry`, `pipenv`. */
  key: string;
  /** Its name in prose. */
  label: string;
  /** The files the install reads, bind-mounted for it; compose.override.yaml rebuilds when one changes. */
  files: string[];
  /** The virtual environment the multi-stage builder fills and the runtime copies and puts on PATH. */
  venv: string;
  /** The command that adds a dependency to the manifest and the lock (`uv add`); absent for pip, whose files are edited by hand. */
  addCommand?: string;
  /**
   * An image the Dockerfile takes the tool's binary from. It is a named stage of its own
   * (`FROM <image> AS <stage>`, then `COPY --from=<stage>`): Dependabot reads image references
   * only on FROM lines, never in `COPY --from=<image>`.
   */
  toolStage?: { stage: string; image: string };
}



/**
 * A service of the stack beside the app (PostgreSQL, Redis; a worker would be one too): its own
 * Compose service, and optionally a data volume, a port published on 127.0.0.1 in
 * development, and a URL variable through which the app reaches it. Templates loop over the
 * chosen services for everything generic (Compose environment, depends_on, volumes and dev
 * ports; settings fields, .env.example, README lists, test fixtures); the service's own Compose
 * block is the part `compose-service.yaml` in its layer.
 */
export interface ServiceFeature<D = unknown, K extends string = string> extends Feature<D, K> {
  /** The option that turns it on. */
  key: ServiceKey;
  /** Its name in prose: `PostgreSQL`. */
  label: string;
  /** Its --<key>/--no-<key> option: the prompt, the help line, the default for a new project. */
  question: { message: string; help: string; default: boolean; detectedFrom: string };
  compose: {
    /** The Compose service name (also its host name on the Compose network). */
    service: string;
    /** The pinned image; absent for a service built from the project itself (a worker). */
    image?: string;
    /** The app starts only once this service is healthy (depends_on: service_healthy). */
    appWaitsForIt: boolean;
    /** A named volume for its data. */
    volume?: { name: string; target: string };
    /** Published on 127.0.0.1 by compose.override.yaml, for tests and local tools. */
    devPort?: number;
  };
  /** What the user must set in .env before the first start, as the README says it. */
  envSetup?: string;
  /** How the app reaches the service; absent for one the app does not call (a worker). */
  url?: ServiceUrl;
  /**
   * Secrets the service and the app read as files (Compose `secrets:`, mounted under
   * /run/secrets/<name>), never as environment variables: src/features/secret-files.ts.
   */
  secrets?: FileSecret[];
  /**
   * The setting that names the app's own part of the service (a PostgreSQL schema, a Redis
   * key prefix). The project's tests set their own, so they never touch the app's live data.
   */
  namespace?: ServiceNamespace;
  /**
   * How the CI workflow runs it for the tests: a GitHub Actions service container of the same
   * image, published on its dev port on the runner; absent for a service the tests do not use.
   */
  ci?: ServiceCi;
  /** Distributions whose presence in an existing app's dependencies means it uses the service. */
  drivers: string[];
  /** The one an existing app is told to add when it has none of them. */
  driver: Requirement;
}

/** A service the app reaches through a URL variable (Compose environment, settings, test fixtures). */
export type ReachedService = ServiceFeature & { url: ServiceUrl };

/** A service container of the CI workflow's test job. */
export interface ServiceCi {
  /** The container's environment (no secrets: the container lives for one job). */
  env: Record<string, string>;
  /** Its health check command, which the job waits for before the first step. */
  health: string;
  /** The test job's environment: where the tests find the service on the runner. */
  jobEnv: Record<string, string>;
}

/**
 * A secret kept in a file: on the host `secrets/<name>` (git-ignored, out of the build context,
 * written with a random value by `create` only when missing), in each container that needs it
 * `/run/secrets/<name>` (Compose's top-level `secrets:`; a Kubernetes Secret mounted as files).
 */
export interface FileSecret {
  /** The secret's name: its file name on the host and under /run/secrets/, and the settings field. */
  name: string;
  /** The variable a platform that can only inject variables (CI, ECS) sets instead of the file. */
  env: string;
  /** Its `*_FILE` variable in the service's own image (the official images' contract). */
  fileEnv: string;
  /** What it is, in prose. */
  what: string;
}

/** The environment variable that tells the app where a service is. */
export interface ServiceUrl {
  /** The environment variable that says where it is, e.g. REDIS_URL (or POSTGRES_HOST, with `read`). */
  env: string;
  /** The settings field that holds it, e.g. database_url. */
  field: string;
  /**
   * The function of app/settings.py (from a slot of the service) that builds the URL from the
   * environment, when it is not one variable: PostgreSQL's reads its parts and a secret file.
   */
  read?: string;

  /**
   * The app's environment inside Compose (values may use ${...} from .env): one URL
   * (REDIS_URL), or the parts the app builds its URL from, the secret being a file.
   */
  compose: Record<string, string>;
  /** A value for a server on this machine, as the tests' docs show it. */
  local: string;
  /**
   * Sample variables for the settings tests, as Python expressions: the URL's, or (with `read`)
   * the parts' (a password: random, `secrets.token_urlsafe()`).
   */
  sample: Record<string, string>;
  /** With `read`: the URL the sample's parts build, a Python expression. */
  sampleUrl?: string;
  /** How the README's `docker run` line shows it. */
  placeholder: string;
  /** The comment above the settings field. */
  comment: string;
  /** What a test that needs it says it needs: `a PostgreSQL database`. */
  needs: string;
}

/** A setting that keeps the app's data apart from other users of the same server. */
export interface ServiceNamespace {
  /** The settings field, e.g. database_schema; read from the upper-case environment variable. */
  field: string;
  /** Its environment variable, e.g. DATABASE_SCHEMA. */
  env: string;
  /** The app's value when the variable is unset (may be empty), for a project of this name. */
  default: (projectName: string) => string;
  /** The comment above the settings field. */
  comment: string;
  /** What it is, in prose: `a PostgreSQL schema`. */
  what: string;
  /** The tests' own value, a Python expression of the conftest's RUN_ID: `f"test_{RUN_ID}"`. */
  testValue: string;
  /** The app function the tests call, with the URL and their value, to remove their data. */
  cleanup: { module: string; function: string };
}

/** A web framework (src/features/flask/, src/features/fastapi/): its packages and how its server starts. */
export interface FrameworkFeature extends Feature {
  key: Framework;
  /** Its name in prose: `FastAPI`. */
  label: string;
  /** The app target a new project's code defines (and add docker's suggestion). */
  defaultTarget: string;
  /** How the server starts for an app target on a port (`add docker` passes what it detected). */
  serverFor: (target: string, port: number) => ServerSpec;
  /** The server of a new project: its defaultTarget on APP_PORT. */
  server: ServerSpec;
  /** Where the tests import the application factory from. */
  appFactory: { module: string; name: string };
  /** The class an app is an instance of (`Flask`): how add docker finds the app in the code. */
  appClass: string;
  /** The server add docker tells an app that has none to add (the image runs it). */
  serverRequirement: Requirement;
  /** Files of its layer the image needs beside the Docker files (the CMD's config): add docker writes them too. */
  imageFiles: string[];
}

/** How the production and development servers are started. */
export interface ServerSpec {
  /** The package that provides the server binary; it must be in requirements.txt. */
  package: 'gunicorn' | 'uvicorn';
  /** Exec-form CMD of the image. */
  command: string[];
  /** Exec-form command of the development override (auto-reload). */
  devCommand: string[];
  /**
   * The signal the development server stops on, when it is not Docker's SIGTERM (the override's
   * `stop_signal`).
   */
  devStopSignal?: 'SIGINT';
  /** The ASGI/WSGI target, e.g. `app.main:app`. */
  target: string;
  /** Seconds the server gives requests in flight after SIGTERM before it cancels them and exits. */
  gracefulSeconds: number;
}
