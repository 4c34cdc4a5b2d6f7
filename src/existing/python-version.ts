// Which Python the image of an existing repository may use: the newest one we offer whose
// release (the exact patch the image pins) satisfies every constraint the repository states;
// with no constraint, add docker's default.
// uv refuses an interpreter outside `requires-python`, Pipenv one that differs from
// `[requires]`, Poetry one outside its `python` dependency: an image built on such a Python
// fails inside the build, so none fitting is refused before anything is written.
// Specifiers are PEP 440, matched by @renovatebot/pep440 (not a parser of our own); Poetry's
// `^`/`~` shorthands are rewritten to PEP 440 first, as Poetry defines them.

import { satisfies, validRange } from '@renovatebot/pep440';
import path from 'node:path';
import { PYTHON_RELEASES } from '../engine/versions.js';
import { PYTHON_VERSIONS, type PythonVersion } from '../options/values.js';
import { readUserFileIfAny } from '../user-files.js';
import { readToml } from './toml.js';
import { fileLine } from '../options/names.js';

export interface PythonConstraint {
  /** Where it was found, for messages: `requires-python in pyproject.toml`. */
  source: string;
  /** As written. */
  text: string;
  /** PEP 440 specifier set(s): the release must satisfy one of them (Poetry's `||`). */
  anyOf: string[];
}

export interface PythonChoice {
  python?: PythonVersion;
  constraints: PythonConstraint[];
  /** Set when nothing we offer fits. */
  problem?: string;
  /** The Python is the one the project's answers file records. */
  recorded?: boolean;
}

export function choosePython(root: string, recorded?: PythonVersion): PythonChoice {
  const constraints = pythonConstraints(root);
  const fits = (v: PythonVersion) => constraints.every((c) => fitsConstraint(v, c));
  // A project we generated runs the Python its answers file records, where that still fits.
  if (recorded && fits(recorded)) return { python: recorded, constraints, recorded: true };
  if (constraints.length === 0) return { constraints };
  // The newest offered that the repository allows: a lower bound (`>=3.12`) states what it
  // needs, not which Python to stop at.
  const python = [...PYTHON_VERSIONS].reverse().find(fits);
  if (python || constraints.length === 0) return { python, constraints };
  return { constraints, problem: `no Python offered (${offered()}) fits ${describeConstraints(constraints)}` };
}

/** Why `python` cannot build this repository, or undefined when it can. */
export function pythonMisfit(python: PythonVersion, constraints: PythonConstraint[]): string | undefined {
  const broken = constraints.filter((c) => !fitsConstraint(python, c));
  if (broken.length === 0) return undefined;
  return `Python ${python} (${PYTHON_RELEASES[python]} in the image) does not fit ${describeConstraints(broken)}`;
}

export function fitsConstraint(python: PythonVersion, constraint: PythonConstraint): boolean {
  return constraint.anyOf.some((spec) => satisfies(PYTHON_RELEASES[python], spec));
}

function describeConstraints(constraints: PythonConstraint[]): string {
  return constraints.map((c) => `${c.source} (${fileLine(c.text)})`).join(' and ');
}

function offered(): string {
  return PYTHON_VERSIONS.map((v) => PYTHON_RELEASES[v]).join(', ');
}

/** Every Python constraint the repository states that its installer enforces or names. */
export function pythonConstraints(root: string): PythonConstraint[] {
  const out: PythonConstraint[] = [];
  const add = (source: string, text: string, anyOf: string[]) => {
    // One we cannot read as PEP 440 is left out rather than guessed at.
    if (anyOf.length > 0 && anyOf.every((s) => validRange(s))) out.push({ source, text, anyOf });
  };
  for (const rel of ['.python-version', 'runtime.txt']) {
    const text = readUserFileIfAny(path.join(root, rel), { noFollow: true });
    // `3.12`, `3.12.3`, `cpython-3.12`, `python-3.12.3`: the minor version is what it asks for.
    const m = text && /^\s*(?:[a-z]+[-@])?(\d+)\.(\d+)/im.exec(text);
    if (m) add(rel, `${m[1]}.${m[2]}`, [`==${m[1]}.${m[2]}.*`]);
  }
  const pyproject = readToml(path.join(root, 'pyproject.toml'));
  const requires = pyproject?.project?.['requires-python'];
  if (typeof requires === 'string') add('requires-python in pyproject.toml', requires, [requires]);
  const poetry = pyproject?.tool?.poetry?.dependencies?.python;
  if (typeof poetry === 'string') add('python in [tool.poetry.dependencies]', poetry, poetryToPep440(poetry));
  const pipfile = readToml(path.join(root, 'Pipfile'));
  const full = pipfile?.requires?.python_full_version;
  const minor = pipfile?.requires?.python_version;
  if (typeof full === 'string') add("python_full_version in the Pipfile's [requires]", full, [`==${full}`]);
  else if (typeof minor === 'string') add("python_version in the Pipfile's [requires]", minor, [`==${minor}.*`]);
  return out;
}

/**
 * Poetry's constraint syntax in PEP 440: `^3.12` is >=3.12,<4.0; `^0.3` is >=0.3,<0.4; `~3.12`
 * is >=3.12,<3.13; `3.12.*` and PEP 440 operators stay; a bare `3.12` is ==3.12.*; `,` or a
 * space joins (and), `||` separates alternatives (or).
 */
export function poetryToPep440(text: string): string[] {
  return text.split('||').map((alternative) =>
    alternative
      .replace(/([<>=!~^])\s+/g, '$1')
      .trim()
      .split(/\s*,\s*|\s+(?=[<>=!~^\d])/)
      .filter(Boolean)
      .map(poetryClause)
      .join(','),
  );
}

function poetryClause(clause: string): string {
  const caret = /^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(clause);
  if (caret) {
    const [major, minor, patch] = [Number(caret[1]), caret[2] === undefined ? undefined : Number(caret[2]), caret[3] === undefined ? undefined : Number(caret[3])];
    const lower = [major, minor ?? 0, patch ?? 0].join('.');
    const upper = major > 0 || minor === undefined ? `${major + 1}.0.0` : minor > 0 || patch === undefined ? `0.${minor + 1}.0` : `0.0.${(patch ?? 0) + 1}`;
    return `>=${lower},<${upper}`;
  }
  const tilde = /^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(clause);
  if (tilde) {
    const major = Number(tilde[1]);
    if (tilde[2] === undefined) return `>=${major}.0.0,<${major + 1}.0.0`;
    const minor = Number(tilde[2]);
    return `>=${major}.${minor}.${tilde[3] ?? 0},<${major}.${minor + 1}.0`;
  }
  if (/^\d+(?:\.\d+)*$/.test(clause)) return `==${clause}.*`;
  if (/^\d+(?:\.\d+)*\.\*$/.test(clause)) return `==${clause}`;
  return clause;
}
