// What each option of the table holds: the one place the option set is typed. Every other option
// type (OptionKey, Answers, AnswerKey, Combination) is derived from ProjectOptions and
// OptionValues, and the table's rows (table.ts) are checked against them: a row whose kind,
// choices or default disagree with its value type here does not compile. This module imports
// nothing, so the pinned versions, the features and detection can name an option's type without
// importing the table, which imports them.

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
 * The option keys that turn a backing service on, one per service feature (src/features/services.ts
 * lists the features, whose keys these are; the table makes each one's row from its feature).
 */
export type ServiceKey = 'postgres' | 'redis';

export type Framework = (typeof FRAMEWORKS)[number];
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
export type DockerfileVariant = (typeof DOCKERFILE_VARIANTS)[number];
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];
export type DeployTarget = (typeof DEPLOY_TARGETS)[number];
export type CiProvider = (typeof CI_PROVIDERS)[number];
export type WorkerKind = (typeof WORKER_KINDS)[number];

/** Everything that decides what a generated project contains: create's answers, the answers file's keys. */
export interface ProjectOptions extends Record<ServiceKey, boolean> {
  /** Project name: directory, compose project, README title. Validated by `names.ts`. */
  name: string;
  /** One line of prose for the README and the API title page. */
  description: string;
  framework: Framework;
  python: PythonVersion;
  dockerfile: DockerfileVariant;
  /** Alembic migrations for the PostgreSQL schema (always false without PostgreSQL). */
  migrations: boolean;
  /** How dependencies are declared and locked: uv (pyproject.toml + uv.lock) or pip (requirements.in + hashed requirements.txt). */
  packageManager: PackageManager;
  /** Deployment files beside the Compose files, one folder per target (deploy/<target>/), in DEPLOY_TARGETS order. */
  deploy: DeployTarget[];
  /** A background worker (Celery, Redis as its broker; only with PostgreSQL and Redis). */
  worker: WorkerKind;
  /**
   * Celery beat (src/features/celery-beat/): a `beat` service that sends the example periodic
   * task on a schedule; only with the Celery worker, and always exactly one of it.
   */
  beat: boolean;
  /**
   * github: .github/workflows/ci.yml (lint, tests against PostgreSQL/Redis, image build, Compose
   * smoke test) and release.yml (on a version tag, the image scanned, pushed to ghcr.io, signed);
   * gitlab: .gitlab-ci.yml with the same stages, released to the GitLab container registry.
   */
  ci: CiProvider;
  /**
   * Dependency update proposals for packages, images and the CI's own pins: .github/dependabot.yml,
   * or renovate.json with --ci gitlab (Dependabot runs only on GitHub).
   */
  dependabot: boolean;
  /** ruff settings in pyproject.toml, scripts/lint and .pre-commit-config.yaml. */
  lint: boolean;
  /**
   * .devcontainer/ (a development image with the dev dependencies, the app under debugpy on
   * 127.0.0.1:5678) and .vscode/launch.json, which attaches to it.
   */
  devcontainer: boolean;
}

/** What the `add` commands also need to know of an existing repository. */
interface ExistingAppOptions {
  /** The repository, relative to where the command runs. */
  dir: string;
  /** The app to serve: `module:attr` or `module:factory()`. */
  app: string;
  port: number;
  /** The service `add service` adds. */
  service: ServiceKey;
  /** The image name, without tag. */
  image: string;
  /** The image's non-root UID. */
  uid: number;
  /** The HTTP path of the probes. */
  healthPath: string;
}

/** Everything a command's answers can hold, by key: the value type of each row of the option table. */
export type OptionValues = ProjectOptions & ExistingAppOptions;

/** Every key of the table: the project's options plus what the `add` commands need to know. */
export type OptionKey = keyof OptionValues;

/** The answers a user can give to `create`; `name` comes from the positional directory argument. */
export type AnswerKey = Exclude<keyof ProjectOptions, 'name'>;

/** Answers given so far, by key. */
export type Answers = Partial<OptionValues>;

/** The options that only add files of their own (each defaults to on); the combinations leave them at that. */
export type ExtraOptionKey = 'ci' | 'dependabot' | 'lint' | 'devcontainer';

/** A project's structural options: what the combination tests, snapshots and the lock store vary. */
export type Combination = Omit<ProjectOptions, 'name' | 'description' | ExtraOptionKey>;
