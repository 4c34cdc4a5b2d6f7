// The TOML files of a repository (pyproject.toml, Pipfile), read with a TOML parser (confbox's,
// bundled), never by lines: a table header inside a multi-line string or an inline table is not
// a section, and only a parser knows which is which.

import { parseTOML } from 'confbox/toml';
import { readUserFileIfAny } from '../user-files.js';

/**
 * A TOML file of the repository, parsed; undefined when absent or not valid TOML (a file its
 * own tools would refuse tells nothing we could rely on). Typed loosely: callers look up the
 * few keys they need with optional chaining and check each value's type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readToml(file: string): any {
  const text = readUserFileIfAny(file, { noFollow: true });
  return text === undefined ? undefined : parseToml(text);
}

/** TOML text parsed; undefined when it is not valid TOML. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseToml(text: string): any {
  try {
    return parseTOML(text);
  } catch {
    return undefined;
  }
}
