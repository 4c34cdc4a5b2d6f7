// The CLI's exit codes, and the one error type that carries them. Anything thrown that is
// not a CliError is a bug and exits 1 with its message.

export const EXIT = {
  ok: 0,
  /** Refused: a conflict, a non-empty directory, a target we will not write into. */
  refused: 1,
  /** Usage: an unknown flag, an invalid value, a missing answer without a terminal. */
  usage: 2,
  /** Cancelled by the user (Ctrl-C at a prompt, SIGINT). */
  cancelled: 130,
  /** Terminated (SIGTERM) while writing; nothing was left behind. */
  terminated: 143,
} as const;

export type ErrorCode =
  | 'usage'
  | 'missing-answers'
  | 'invalid-name'
  | 'invalid-value'
  | 'not-empty'
  | 'conflict'
  | 'unsafe-target'
  | 'write-failed'
  | 'cancelled'
  | 'detect-failed'
  | 'unsupported'
  | 'not-a-project'
  | 'newer-version'
  | 'dirty-tree'
  | 'internal';

const EXIT_FOR: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  'missing-answers': EXIT.usage,
  'invalid-name': EXIT.usage,
  'invalid-value': EXIT.usage,
  'not-empty': EXIT.refused,
  conflict: EXIT.refused,
  'unsafe-target': EXIT.refused,
  'write-failed': EXIT.refused,
  cancelled: EXIT.cancelled,
  'detect-failed': EXIT.refused,
  unsupported: EXIT.refused,
  /** update: no answers file, or one written by a newer version, or uncommitted changes. */
  'not-a-project': EXIT.refused,
  'newer-version': EXIT.refused,
  'dirty-tree': EXIT.refused,
  internal: EXIT.refused,
};

export class CliError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra lines printed under the one-line message (e.g. the files already there). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
    this.exitCode = EXIT_FOR[code];
  }
}
