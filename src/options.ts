// The option table: every question the CLI can ask, its flag, its allowed values and its
// documented default. The CLI's parser, its help text, the prompts and the plop generators
// all read this one table, so a new option is added here and nowhere else.

export const FRAMEWORKS = ['fastapi', 'flask'] as const;
export const PYTHON_VERSIONS = ['3.12', '3.13', '3.14'] as const;
export const DOCKERFILE_VARIANTS = ['standard', 'multi-stage'] as const;

export type Framework = (typeof FRAMEWORKS)[number];
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
export type DockerfileVariant = (typeof DOCKERFILE_VARIANTS)[number];

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
}

/** The answers a user can give; `name` comes from the positional directory argument. */
export type AnswerKey = Exclude<keyof ProjectOptions, 'name'>;

interface BaseSpec {
  key: AnswerKey;
  /** Long flag without the leading dashes. */
  flag: string;
  /** The prompt's question. */
  message: string;
  /** One line for --help. */
  help: string;
}
export interface ChoiceSpec extends BaseSpec {
  kind: 'choice';
  choices: readonly string[];
  default: string;
}
export interface BooleanSpec extends BaseSpec {
  kind: 'boolean';
  default: boolean;
}
export interface TextSpec extends BaseSpec {
  kind: 'text';
  default: string;
}
export type OptionSpec = ChoiceSpec | BooleanSpec | TextSpec;

export const DEFAULT_NAME = 'my-api';

export const OPTION_SPECS: readonly OptionSpec[] = [
  {
    key: 'description',
    flag: 'description',
    kind: 'text',
    message: 'One-line description',
    help: 'one line for the README and the API docs',
    default: 'A Python web service',
  },
  {
    key: 'framework',
    flag: 'framework',
    kind: 'choice',
    choices: FRAMEWORKS,
    message: 'Web framework',
    help: 'web framework',
    default: 'fastapi',
  },
  {
    key: 'python',
    flag: 'python',
    kind: 'choice',
    choices: PYTHON_VERSIONS,
    message: 'Python version',
    help: 'Python version of the image',
    default: '3.13',
  },
  {
    key: 'postgres',
    flag: 'postgres',
    kind: 'boolean',
    message: 'Store data in PostgreSQL?',
    help: 'add PostgreSQL (SQLAlchemy 2 + psycopg 3)',
    default: true,
  },
  {
    key: 'redis',
    flag: 'redis',
    kind: 'boolean',
    message: 'Add Redis (visit counter)?',
    help: 'add Redis (redis-py)',
    default: true,
  },
  {
    key: 'dockerfile',
    flag: 'dockerfile',
    kind: 'choice',
    choices: DOCKERFILE_VARIANTS,
    message: 'Dockerfile variant',
    help: 'single-stage, or a builder stage plus a slim runtime',
    default: 'standard',
  },
];

export function specFor(key: AnswerKey): OptionSpec {
  const spec = OPTION_SPECS.find((s) => s.key === key);
  if (!spec) throw new Error(`no option spec for ${key}`);
  return spec;
}

/** The documented defaults, as used by --yes. */
export function defaultAnswers(): Omit<ProjectOptions, 'name'> {
  const answers: Record<string, string | boolean> = {};
  for (const spec of OPTION_SPECS) answers[spec.key] = spec.default;
  return answers as unknown as Omit<ProjectOptions, 'name'>;
}

/** Every combination of the structural options (framework x postgres x redis x dockerfile). */
export function allCombinations(python: PythonVersion = '3.13'): Omit<ProjectOptions, 'name' | 'description'>[] {
  const out: Omit<ProjectOptions, 'name' | 'description'>[] = [];
  for (const framework of FRAMEWORKS)
    for (const postgres of [true, false])
      for (const redis of [true, false])
        for (const dockerfile of DOCKERFILE_VARIANTS) out.push({ framework, python, postgres, redis, dockerfile });
  return out;
}

export function comboId(o: Pick<ProjectOptions, 'framework' | 'postgres' | 'redis' | 'dockerfile'>): string {
  return [o.framework, o.postgres ? 'pg' : 'nopg', o.redis ? 'redis' : 'noredis', o.dockerfile].join('-');
}
