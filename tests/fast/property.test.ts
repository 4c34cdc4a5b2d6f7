// Property-based tests (fast-check): random names and descriptions either give a project whose
// YAML parses, whose Python compiles and whose Dockerfile lints, with the values intact, or a
// clean refusal (exit 2, one line, the error code of the field at fault, nothing written).

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { QUOTERS } from '../../src/engine/context.js';
import { descriptionProblem, MAX_NAME_LENGTH, nameProblem, normalizeName } from '../../src/options/names.js';
import { DOCKERFILE_VARIANTS, FRAMEWORKS, PACKAGE_MANAGERS, type ProjectOptions } from '../../src/options/table.js';
import { normalizePackageName, readLock, splitUvLock, tableKey, type LockOptions } from '../../src/features/locks.js';
import { renderProject } from '../../src/engine/render.js';
import { propertyRuns } from '../support/combinations.js';
import { COMPOSE_YAML_TAGS } from '../support/compose-check.js';
import { lintDockerfile } from '../support/dockerfile-lint.js';
import { markdownBlockProblem, PACKAGE_VERSION, pythonStringConstants, runMain, SYNTAX_PYTHON, tempDir, treeSnapshot, removeTempDirs } from '../support/cli-run.js';
import { spawnSync } from 'node:child_process';

afterAll(removeTempDirs);

/** Characters that break naive quoting in YAML, Python, shells, Markdown, EJS and Dockerfiles. */
const NASTY = [
  ...'abcxyz019 -_./\\:#"\'`$%{}[]()<>!&|*?~^=,;@+\t\n\r\u0000\u007f\u0085\u00a0\u2028\u2029\ufeff',
  'é', 'ß', 'İ', 'ﬁ', '日', '🚀', '\u0301', '\ud800', '<%', '%>', '${', '"""', "'''", '---', '\\n', '\\u0041',
];

/**
 * fast-check's `binary` unit (any code point but a surrogate), built as fast-check builds it (one
 * nat over both ranges), so it generates the same values from the same seed (checked with
 * fc.sample, 3,000 strings), but it tells a value it can make by arithmetic: fc.string asks its
 * unit that of every letter of its dangerous strings (`__proto__`, `constructor`, ...), and
 * fast-check's own unit first builds a map of all 1,112,064 code points (0.94 s of CPU in the
 * worker that loads this file).
 */
const SURROGATES = 0xe000 - 0xd800;
const binaryUnit = fc.nat({ max: 0x10ffff - SURROGATES }).map(
  (index) => String.fromCodePoint(index < 0xd800 ? index : index + SURROGATES),
  (unit) => {
    const code = typeof unit === 'string' ? unit.codePointAt(0) : undefined;
    if (code === undefined || String.fromCodePoint(code) !== unit || (code >= 0xd800 && code < 0xe000)) throw new Error('not one code point');
    return code < 0xd800 ? code : code - SURROGATES;
  },
);
const binaryString = (constraints: { maxLength?: number } = {}) => fc.string({ unit: binaryUnit, ...constraints });

const nastyString = (maxLength: number) => fc.string({ unit: fc.constantFrom(...NASTY), maxLength });

const names = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9]{0,10}(?:[-_][a-z0-9]{1,8}){0,3}$/),
  nastyString(20),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  binaryString({ maxLength: 12 }),
  fc.constantFrom('true', 'null', 'no', 'class', 'import', 'a'.repeat(64), 'a'.repeat(65), 'x'.repeat(200), '..', '.', '', 'click', 'fastapi', 'redis'),
);

const descriptions = fc.oneof(
  nastyString(60),
  // Prefixes that mean something at the start of a Markdown line or a YAML scalar.
  fc.tuple(fc.constantFrom('- ', '1. ', '    ', '# ', '> ', '---', '&copy; ', '* ', '? ', '! ', '% ', '@'), nastyString(30)).map(([a, b]) => a + b),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  binaryString({ maxLength: 40 }),
  fc.string({ maxLength: 210 }),
);

const structure = fc.record({
  framework: fc.constantFrom(...FRAMEWORKS),
  postgres: fc.boolean(),
  redis: fc.boolean(),
  dockerfile: fc.constantFrom(...DOCKERFILE_VARIANTS),
  packageManager: fc.constantFrom(...PACKAGE_MANAGERS),
});

/** A name uv refuses for a project: a package the project's uv.lock installs. */
function shadowsLockedPackage(name: string, s: Omit<LockOptions, 'migrations' | 'lint' | 'worker'> & { packageManager: string }): boolean {
  if (s.packageManager !== 'uv') return false;
  // Migrations (with PostgreSQL) and ruff are on by default; the CLI below gives neither flag.
  const locked = splitUvLock(readLock({ ...s, migrations: s.postgres, lint: true, worker: 'none' }, 'uv.lock')).tables.map((t) => tableKey(t).split(' ')[0]);
  return locked.includes(normalizePackageName(name));
}

describe('random names and descriptions through the CLI', () => {
  it('give a valid project or a clean refusal', async () => {
    const cwd = tempDir('cpda-prop-');
    await fc.assert(
      fc.asyncProperty(names, descriptions, structure, async (name, description, s) => {
        const argv = [
          '--yes', '--dry-run', '--json',
          `--description=${description}`,
          '--framework', s.framework,
          s.postgres ? '--postgres' : '--no-postgres',
          s.redis ? '--redis' : '--no-redis',
          '--dockerfile', s.dockerfile,
          '--package-manager', s.packageManager,
          '--', name,
        ];
        const run = await runMain(argv, { cwd });
        expect(treeSnapshot(cwd)).toEqual({}); // --dry-run never writes
        const doc = JSON.parse(run.stdout) as { ok: boolean; error?: { code: string; exitCode: number }; options?: ProjectOptions };
        // The positional is the project's folder: the name is its last segment, as the CLI takes
        // it (`a/b` is `b`, `.` the current folder's); a blank one is refused as it is.
        const target = path.resolve(cwd, name);
        const expectedName = name.trim() === '' ? name : path.basename(target);

        if (run.code !== 0) {
          // A clean refusal: exit 2, one line on stderr, blaming the field that is at fault.
          expect(run.code).toBe(2);
          expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
          const badName = nameProblem(expectedName) !== undefined || shadowsLockedPackage(expectedName, s);
          const badDescription = descriptionProblem(description) !== undefined;
          // A folder that exists with files in it (`..`) is refused, named, after the name.
          const occupied = existsSync(target) && readdirSync(target).length > 0;
          expect(badName || badDescription || occupied).toBe(true);
          // Flag values are checked first, then the name (before any prompt), then the folder.
          expect(doc.error!.code).toBe(badDescription ? 'invalid-value' : badName ? 'invalid-name' : 'not-empty');
          return;
        }
        // Accepted: both values are valid, and were used exactly as given.
        expect(nameProblem(expectedName)).toBeUndefined();
        expect(descriptionProblem(description)).toBeUndefined();
        const defaults = { migrations: s.postgres, ci: 'github', dependabot: true, lint: true, devcontainer: true, worker: 'none', beat: false };
        expect(doc.options).toEqual({ ...s, ...defaults, python: '3.14', deploy: [], name: expectedName, description });
        checkProject(doc.options!);
      }),
      { numRuns: propertyRuns(120) },
    );
  });
});

/** Renders in memory and checks every YAML, Python and Docker file, and the answers file. */
function checkProject(options: ProjectOptions): void {
  const files = renderProject(options, PACKAGE_VERSION);
  const byPath = new Map(files.map((f) => [f.path, f.contents]));

  for (const f of files.filter((f) => /\.ya?ml$/.test(f.path))) {
    // Compose's own tags (!override, !reset) are known; any other tag would be a warning.
    const doc = parseDocument(f.contents, { uniqueKeys: true, customTags: COMPOSE_YAML_TAGS });
    expect(doc.errors, f.path).toEqual([]);
    expect(doc.warnings, f.path).toEqual([]);
  }
  const compose = parseYaml(byPath.get('compose.yaml')!) as { name: unknown };
  expect(compose.name).toBe(options.name);

  const py = files.filter((f) => f.path.endsWith('.py'));
  const constants = pythonStringConstants(py); // parses every file: throws on a syntax error
  if (options.framework === 'fastapi') expect(constants['app/main.py']).toContain(options.description);

  const dockerfile = byPath.get('Dockerfile')!;
  expect(lintDockerfile(dockerfile, { readFile: (p) => byPath.get(p) })).toEqual([]);

  // README: the description is one plain Markdown paragraph (no list, code block, entity...).
  // Every project checked here has one that is not blank (a blank one is refused: descriptionProblem).
  const readme = byPath.get('README.md');
  const line = readme?.split('\n').find((l) => l === QUOTERS.md(options.description));
  expect(options.description.trim()).not.toBe('');
  expect(line, 'the README shows the description as a line of its own').toBeDefined();
  expect(markdownBlockProblem(line!), line).toBeUndefined();

  const stamped = JSON.parse(byPath.get(ANSWERS_FILE)!) as { answers: ProjectOptions };
  expect(stamped.answers).toEqual(options);
}

describe('name rules', () => {
  it('normalizeName always offers a valid name, and leaves valid names alone', () => {
    fc.assert(
      fc.property(fc.oneof(nastyString(80), fc.string({ unit: 'grapheme', maxLength: 80 }), binaryString()), (raw) => {
        const offered = normalizeName(raw);
        expect(nameProblem(offered)).toBeUndefined();
        expect(normalizeName(offered)).toBe(offered);
        if (nameProblem(raw) === undefined) expect(offered).toBe(raw);
      }),
      { numRuns: 2000 },
    );
  });

  it('an accepted name is one path segment: the project lands directly inside the working directory', () => {
    fc.assert(
      fc.property(fc.oneof(nastyString(30), fc.stringMatching(/^[a-z][a-z0-9_.\/\\-]{0,70}$/)), (name) => {
        if (nameProblem(name) !== undefined) return;
        const cwd = '/work/here';
        expect(path.dirname(path.resolve(cwd, name))).toBe(cwd);
        expect(path.basename(path.resolve(cwd, name))).toBe(name);
        expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(name).toMatch(/^[a-z][a-z0-9_-]*$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('quoters', () => {
  const accepted = fc.oneof(nastyString(60), fc.string({ unit: 'grapheme', maxLength: 60 }), binaryString({ maxLength: 60 })).filter((d) => descriptionProblem(d) === undefined);

  it('q.json is a YAML scalar that reads back exactly (YAML 1.2 and 1.1)', () => {
    fc.assert(
      fc.property(accepted, (d) => {
        expect((parseYaml(`key: ${QUOTERS.json(d)}\n`) as { key: string }).key).toBe(d);
        expect((parseYaml(`- ${QUOTERS.json(d)}\n`, { version: '1.1' }) as string[])[0]).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });

  it('q.py is a Python string literal that reads back exactly', () => {
    fc.assert(
      fc.property(fc.array(accepted, { minLength: 1, maxLength: 60 }), (list) => {
        const source = `values = [\n${list.map((d) => `    ${QUOTERS.py(d)},`).join('\n')}\n]\n`;
        const script = 'import ast, json, sys; tree = ast.parse(sys.stdin.read()); print(json.dumps([e.value for e in tree.body[0].value.elts]))';
        const result = spawnSync(SYNTAX_PYTHON, ['-c', script], { input: source, encoding: 'utf8' });
        expect(result.stderr).toBe('');
        expect(JSON.parse(result.stdout)).toEqual(list);
      }),
      { numRuns: propertyRuns(40) },
    );
  });
});
