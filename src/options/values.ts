// What each option of the table holds, derived from the table's rows (rows.ts), where the option
// set is declared, once: OptionValues maps every row's key to its value type, and every other
// option type (ProjectOptions, OptionKey, Answers, AnswerKey, Combination, Framework, ...) is
// derived from it. Like rows.ts this imports nothing above it, so the pinned versions, the
// features and detection can name an option's type without importing the table, which imports
// them.

import type { OPTION_ROWS } from './rows.js';

export { CI_PROVIDERS, DEPLOY_TARGETS, DOCKERFILE_VARIANTS, FRAMEWORKS, NO_DEPLOY, PACKAGE_MANAGERS, PYTHON_VERSIONS, SERVICE_KEYS, WORKER_KINDS } from './rows.js';

type Row = (typeof OPTION_ROWS)[number];

/** A row's value: a choice one of its words, a list several of them, a yes/no a boolean, a text what `parse` returns (else the text). */
type ValueOf<R> = R extends { kind: 'boolean' }
  ? boolean
  : R extends { kind: 'choice'; choices: readonly (infer W)[] }
    ? W
    : R extends { kind: 'list'; choices: readonly (infer W)[] }
      ? W[]
      : R extends { kind: 'text'; parse: (value: string) => infer V }
        ? V
        : R extends { kind: 'text' }
          ? string
          : never;

/** Everything a command's answers can hold, by key: the value type of each row of the option table. */
export type OptionValues = { -readonly [R in Row as R['key']]: ValueOf<R> };

/** Every key of the table: the project's options plus what the `add` commands need to know of a repository. */
export type OptionKey = keyof OptionValues;

/**
 * Everything that decides what a generated project contains: create's answers, the answers
 * file's keys (every row but a repository's; `name` included, which create takes from the folder).
 */
export type ProjectOptions = { -readonly [R in Row as R extends { repository: true } ? never : R['key']]: ValueOf<R> };

/** The options that turn a backing service on, one per service feature. */
export type ServiceKey = Extract<Row, { service: true }>['key'];

export type Framework = OptionValues['framework'];
export type PythonVersion = OptionValues['python'];
export type DockerfileVariant = OptionValues['dockerfile'];
export type PackageManager = OptionValues['packageManager'];
export type DeployTarget = OptionValues['deploy'][number];
export type CiProvider = OptionValues['ci'];
export type WorkerKind = OptionValues['worker'];

/** The answers a user can give to `create`; `name` comes from the positional directory argument. */
export type AnswerKey = Exclude<keyof ProjectOptions, 'name'>;

/** Answers given so far, by key. */
export type Answers = Partial<OptionValues>;

/** The options that only add files of their own (each defaults to on); the combinations leave them at that. */
export type ExtraOptionKey = ProjectKeys<'ci' | 'dependabot' | 'lint' | 'devcontainer'>;

/** Keys checked against the project's options (a misspelt or removed one does not compile). */
type ProjectKeys<K extends keyof ProjectOptions> = K;

/** A project's structural options: what the combination tests, snapshots and the lock store vary. */
export type Combination = Omit<ProjectOptions, 'name' | 'description' | ExtraOptionKey>;
