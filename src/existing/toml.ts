// The TOML files of a repository (pyproject.toml, Pipfile), read with a TOML parser (confbox's,
// bundled), never by lines: a table header inside a multi-line string or an inline table is not
// a section, and only a parser knows which is which.

import path from 'node:path';
import { parseTOML } from 'confbox/toml';
import { CliError } from '../errors.js';
import { readUserFileIfAny } from '../user-files.js';

/**
 * A TOML file of the repository, parsed; undefined when absent. Not valid TOML is refused, naming
 * the line: its own tools (pip, uv, Poetry, pipenv) refuse it too, so files made from what could
 * be read of it would not build, and reading around it would drop what it declares (the
 * dependencies, requires-python) without a word. Typed loosely: callers look up the few keys
 * they need with optional chaining and check each value's type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readToml(file: string): any {
  const text = readUserFileIfAny(file, { noFollow: true });
  if (text === undefined) return undefined;
  try {
    return parseTOML(text);
  } catch (error) {
    throw new CliError('detect-failed', `${path.basename(path.dirname(file))}/${path.basename(file)} is not valid TOML (${tomlProblem(error)}); fix it (its own tools refuse it too), then run the command again`);
  }
}

/** confbox's message, in one line: what is wrong and on which line (it draws the line under it). */
function tomlProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const [first = '', ...rest] = message.split('\n');
  const what = first.replace(/^Invalid TOML document: /, '').slice(0, 100);
  const caret = rest.findIndex((line) => /^\s*\^\s*$/.test(line));
  const line = caret > 0 ? /^(\d+):/.exec(rest[caret - 1]!)?.[1] : undefined;
  return line ? `line ${line}: ${what}` : what;
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
