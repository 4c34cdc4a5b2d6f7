// The option table: every value a command can be given, with its flag, its allowed values, its
// prompt, its help line, and, per command, its documented default and how an existing repository
// reveals it. The argument parser, --help, the prompts, the plop questions, validation and the
// answers file all read this one table. Each option is declared once, as a row of rows.ts (what
// it is; the option types are derived from the rows); this module adds how each command uses it
// (USES below, which must name every row and no other key) and what the features say of it (a
// service's question, the deployment targets that are registered). A command takes the rows it
// has a use for, in the rows' order (the order of its questions and of its --help).

import type { Detected } from '../existing/detected.js';
import { offeredDeployTargets } from '../features/deploy-targets.js';
import { FRAMEWORK_FEATURES } from '../features/frameworks.js';
import { serviceFeature } from '../features/services.js';
import { given } from './names.js';
import { OPTION_ROWS, type BooleanRow, type ChoiceRow, type ListRow, type TextRow } from './rows.js';
import type { AnswerKey, Answers, OptionKey, OptionValues, ProjectOptions, ServiceKey } from './values.js';

// The option types and choice lists are derived and declared below the features (values.ts,
// rows.ts); the commands, the driver and the tests take them from here, with the table.
export * from './values.js';
export { allCombinations, COMBINATION_AXES, combinationId, comboId } from './combinations.js';

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

/** How each command uses an option, by command; the table's own part of a row. */
type Uses<K extends OptionKey> = Partial<Record<CommandName, OptionUse<K>>>;

/**
 * A project's option is `create`'s (the answers file records what create answered); a
 * repository's fact (rows.ts: `repository`) is never create's. So ProjectOptions, derived from
 * the rows, and create's questions cannot disagree.
 */
type UsesOf<K extends OptionKey> = K extends keyof ProjectOptions ? Uses<K> & { create: OptionUse<K> } : Uses<K> & { create?: never };

/** A row of the table: the option's row (rows.ts) with how each command uses it. */
interface Used {
  key: OptionKey;
  /** The commands that take it, each with its own default and detection. */
  commands: Uses<OptionKey>;
}
export type ChoiceSpec = ChoiceRow & Used;
export type BooleanSpec = BooleanRow & Used;
export type TextSpec = TextRow & Used;
export type ListSpec = ListRow & Used;
export type OptionSpec = ChoiceSpec | BooleanSpec | TextSpec | ListSpec;

export const DEFAULT_NAME = 'my-api';

/**
 * How the commands use each option of rows.ts, by key: every key has its entry, and no other key
 * does; a service's (`postgres`, `redis`) is the same for every service (serviceUses).
 */
const USES: { [K in Exclude<OptionKey, ServiceKey>]: UsesOf<K> } = {
  name: { create: { fromLocation: true, detectedFrom: "the directory's name", suggest: () => DEFAULT_NAME } },
  dir: {
    'add docker': { default: '.', ask: false },
    'add kubernetes': { default: '.', ask: false },
    'add devcontainer': { default: '.', ask: false },
    'add worker': { default: '.', ask: false },
    'add service': { default: '.', ask: false },
  },
  service: { 'add service': {} },
  description: { create: { default: 'A Python web service' } },
  framework: {
    create: { default: 'fastapi' },
    'add docker': {
      detect: (d) => d.framework,
      detectedFrom: 'detected from your dependencies and imports',
      message: 'Web framework (not detected)',
      suggest: () => 'fastapi',
    },
  },
  app: {
    'add docker': {
      // A target found for another framework than the one answered would not serve.
      detect: (d, a) => (a.framework && a.framework !== d.framework ? d.appFor[a.framework] : d.target),
      detectedFrom: 'detected: an app instance or a create_app() factory',
      message: 'App to serve, module:attr or module:factory() (not detected)',
      suggest: (d, a) => d?.targetCandidates[0] ?? (a.framework ? FRAMEWORK_FEATURES[a.framework].defaultTarget : undefined),
    },
  },
  port: {
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
  python: {
    create: { default: '3.14' },
    'add docker': { default: '3.14', detect: (d) => d.python, detectedFrom: 'detected' },
  },
  dockerfile: { create: { default: 'standard' }, 'add docker': { default: 'standard' } },
  // add docker installs with the tool whose lock file it finds (uv.lock, poetry.lock, ...).
  // Projects generated before this option existed installed requirements.txt with pip. Not
  // defaultWithoutYes: the default changes every dependency file, so a script that gives
  // every other flag is told to choose rather than switched to uv without a word.
  packageManager: { create: { default: 'uv', recordedBefore: 'pip' } },
  deploy: { create: { default: [], defaultWithoutYes: true } },
  // Added after 0.1, on by default even without --yes (see migrations): files a project may do
  // without, each its own question. Off for a project whose answers file predates them, so
  // update brings it no files it did not ask for.
  ci: { create: { default: 'github', defaultWithoutYes: true, recordedBefore: 'none' } },
  dependabot: { create: { default: true, defaultWithoutYes: true, recordedBefore: false } },
  lint: { create: { default: true, defaultWithoutYes: true, recordedBefore: false } },
  devcontainer: { create: { default: true, defaultWithoutYes: true, recordedBefore: false } },
  image: {
    'add kubernetes': {
      detect: (d) => d.deployment?.image,
      detectedFrom: "compose.yaml's app image, else the project name",
      ask: false,
    },
  },
  uid: {
    'add kubernetes': {
      detect: (d) => d.deployment?.uid,
      detectedFrom: "the Dockerfile's USER",
      message: 'UID to run as (the Dockerfile has no numeric non-root USER)',
    },
  },
  healthPath: {
    'add kubernetes': {
      detect: (d) => d.deployment?.healthPath ?? (d.hasHealthRoute ? '/health' : undefined),
      detectedFrom: "the Dockerfile's HEALTHCHECK, or a /health route",
      message: 'Path the probes call (no HEALTHCHECK URL or /health route found)',
      suggest: () => '/health',
    },
  },
  migrations: {
    // Added after 0.1: on by default even without --yes, so scripts that give every other
    // flag keep working (and get the migrations a new project should have).
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
  worker: {
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
  beat: {
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
};

/**
 * A service's on/off option: on by default for a new project; for an existing app, on when one
 * of the service's drivers is among its dependencies (never asked: detection always answers).
 */
function serviceUses(key: ServiceKey): UsesOf<ServiceKey> {
  const { question } = serviceFeature(key);
  return {
    create: { default: question.default },
    'add docker': { detect: (d) => d.uses[key], detectedFrom: question.detectedFrom, ask: false },
    'add kubernetes': {
      default: false,
      detect: (d) => d.deployment?.[key] ?? (d.uses[key] || undefined),
      detectedFrom: `the answers file, compose.yaml, or ${question.detectedFrom}`,
      ask: false,
    },
  };
}

/**
 * `add deploy <target>` needs what `add kubernetes` needs of a repository (the image's port, UID,
 * health path, name, services, migrations), found and asked the same way: every target's files
 * must agree with the same image.
 */
function withAddDeploy(uses: Uses<OptionKey>): Uses<OptionKey> {
  const kubernetes = uses['add kubernetes'];
  return kubernetes ? { ...uses, 'add deploy': kubernetes } : uses;
}

/** A row of rows.ts made a row of the table: its uses, and what the features say of it. */
function specOf(row: (typeof OPTION_ROWS)[number]): OptionSpec {
  if ('service' in row) {
    // A service's question and help line are its feature's.
    const { question } = serviceFeature(row.key);
    const commands = withAddDeploy(serviceUses(row.key) as Uses<OptionKey>);
    return { key: row.key, flag: row.flag, kind: row.kind, message: question.message, help: question.help, commands };
  }
  const commands = withAddDeploy(USES[row.key] as Uses<OptionKey>);
  if (row.kind === 'list') {
    // Only the targets that write files (features/deploy-targets.ts registers them); the
    // question lists them.
    const choices = offeredDeployTargets(row.choices);
    return { ...row, choices, message: `${row.message} (${choices.join(', ')}; or ${row.none})`, commands };
  }
  return { ...row, commands };
}

export const OPTION_TABLE: readonly OptionSpec[] = OPTION_ROWS.map(specOf);


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
