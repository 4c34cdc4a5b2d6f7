// The option table: every value a command can be given, with its flag, its allowed values, its
// prompt, its help line, and, per command, its documented default and how an existing repository
// reveals it. The argument parser, --help, the prompts, the plop questions, validation and the
// answers file all read this one table, so a new option is one row here (plus the feature that
// uses it). Which rows a command takes, and in what order, is the command's own list.

import type { Detected } from '../existing/detect.js';
import type { ServiceKey } from '../features/types.js';
import { descriptionProblem, nameProblem, portProblem, targetProblem } from './names.js';

export const FRAMEWORKS = ['fastapi', 'flask'] as const;
export const PYTHON_VERSIONS = ['3.12', '3.13', '3.14'] as const;
export const DOCKERFILE_VARIANTS = ['standard', 'multi-stage'] as const;
export const PACKAGE_MANAGERS = ['uv', 'pip'] as const;

export type Framework = (typeof FRAMEWORKS)[number];
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
export type DockerfileVariant = (typeof DOCKERFILE_VARIANTS)[number];
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** Everything that decides what a generated project contains. */
export interface ProjectOptions {
  /** Project name: directory, compose project, README title. Validated by `names.ts`. */
  name: string;
  /** One line of prose for the README and the API title page. */
  description: string;
  framework: Framework;
  python: PythonVersion;
  postgres: boolean;
  redis: boolean;
  dockerfile: DockerfileVariant;
  /** How dependencies are declared and locked: uv (pyproject.toml + uv.lock) or pip (requirements.in + hashed requirements.txt). */
  packageManager: PackageManager;
}

/** The answers a user can give to `create`; `name` comes from the positional directory argument. */
export type AnswerKey = Exclude<keyof ProjectOptions, 'name'>;

/** Every key of the table: the project's answers plus what the `add` commands need to know. */
export type OptionKey = AnswerKey | 'name' | 'dir' | 'app' | 'port' | 'service';

/** The commands that take options from the table (`add service` is the plop `service` generator's). */
export type CommandName = 'create' | 'add docker' | 'add service';

/** Everything a command's answers can hold, by key. */
export interface OptionValues {
  name: string;
  description: string;
  framework: Framework;
  python: PythonVersion;
  postgres: boolean;
  redis: boolean;
  dockerfile: DockerfileVariant;
  packageManager: PackageManager;
  dir: string;
  app: string;
  port: number;
  service: ServiceKey;
}
export type Answers = Partial<OptionValues>;

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
}
export interface ChoiceSpec<K extends OptionKey = OptionKey> extends BaseSpec<K> {
  kind: 'choice';
  choices: readonly string[];
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
export type OptionSpec = ChoiceSpec | BooleanSpec | TextSpec;

export const DEFAULT_NAME = 'my-api';

export const OPTION_TABLE: readonly OptionSpec[] = [
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
    commands: { 'add docker': { default: '.', ask: false }, 'add service': { default: '.', ask: false } },
  },
  {
    key: 'service',
    flag: 'service',
    kind: 'choice',
    // The keys of src/features/services.ts SERVICE_FEATURES (a value import here would be circular).
    choices: ['postgres', 'redis'] satisfies ServiceKey[],
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
        suggest: (d, a) => d?.targetCandidates[0] ?? (a.framework ? DEFAULT_TARGETS[a.framework] : undefined),
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
    // Not asked: our CMD binds it, so an undetected port is simply the default.
    commands: { 'add docker': { default: 8000, detect: (d) => d.port, detectedFrom: 'detected', ask: false } },
  },
  {
    key: 'python',
    flag: 'python',
    kind: 'choice',
    choices: PYTHON_VERSIONS,
    message: 'Python version',
    help: 'Python version of the image',
    commands: {
      create: { default: '3.13' },
      'add docker': { default: '3.13', detect: (d) => d.python, detectedFrom: 'detected' },
    },
  },
  {
    key: 'postgres',
    flag: 'postgres',
    kind: 'boolean',
    message: 'Store data in PostgreSQL?',
    help: 'add PostgreSQL (SQLAlchemy 2 + psycopg 3)',
    commands: {
      create: { default: true },
      'add docker': { detect: (d) => d.postgres, detectedFrom: 'a driver is in your dependencies', ask: false },
    },
  },
  {
    key: 'redis',
    flag: 'redis',
    kind: 'boolean',
    message: 'Add Redis (visit counter)?',
    help: 'add Redis (redis-py)',
    commands: {
      create: { default: true },
      'add docker': { detect: (d) => d.redis, detectedFrom: 'redis is in your dependencies', ask: false },
    },
  },
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
    // Projects generated before this option existed installed requirements.txt with pip.
    commands: { create: { default: 'uv', recordedBefore: 'pip' } },
  },
];

/** The target a new project's code defines, per framework (and add docker's suggestion). */
export const DEFAULT_TARGETS: Record<Framework, string> = { flask: 'app:create_app()', fastapi: 'app.main:app' };

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

/** The documented default of an option for a command (undefined: required). */
export function defaultOf(spec: OptionSpec, command: CommandName): OptionValues[OptionKey] | undefined {
  return useOf(spec, command).default;
}

/** Why `value` is not valid for the option, or undefined; choices and text rules alike. */
export function valueProblem(spec: OptionSpec, value: unknown): string | undefined {
  if (spec.kind === 'boolean') return typeof value === 'boolean' ? undefined : `must be true or false (got ${JSON.stringify(value)})`;
  if (spec.kind === 'choice')
    return typeof value === 'string' && spec.choices.includes(value) ? undefined : `must be one of ${spec.choices.join(', ')} (got ${JSON.stringify(value)})`;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return `must be text (got ${JSON.stringify(value)})`;
  return spec.problem(text);
}

/**
 * Every combination of the structural options (framework x postgres x redis x dockerfile x
 * package manager), for one Python version.
 */
export function allCombinations(python: PythonVersion = '3.13'): Omit<ProjectOptions, 'name' | 'description'>[] {
  const out: Omit<ProjectOptions, 'name' | 'description'>[] = [];
  for (const framework of FRAMEWORKS)
    for (const postgres of [true, false])
      for (const redis of [true, false])
        for (const dockerfile of DOCKERFILE_VARIANTS)
          for (const packageManager of PACKAGE_MANAGERS) out.push({ framework, python, postgres, redis, dockerfile, packageManager });
  return out;
}

export function comboId(o: Pick<ProjectOptions, 'framework' | 'postgres' | 'redis' | 'dockerfile' | 'packageManager'>): string {
  return [o.framework, o.postgres ? 'pg' : 'nopg', o.redis ? 'redis' : 'noredis', o.dockerfile, o.packageManager].join('-');
}
