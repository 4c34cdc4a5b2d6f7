// Hostile input (issue 5): names, descriptions and targets chosen to break things. Each one
// gets a clear message, the right exit code, and a file system unchanged outside what was
// planned. The read-only directory and the full disk are real (a read-only bind mount and a
// tiny tmpfs, each in a private mount namespace), not mocks.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { parseTOML } from 'confbox/toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { NAME_RULE } from '../../src/options/names.js';
import { BASE_FILE } from '../../src/engine/base-record.js';
import { lintDockerfile } from '../support/dockerfile-lint.js';
import { oncePerText } from '../support/once-per-text.js';
import {
  assertBuilt,
  BIN,
  cleanEnv,
  IS_ROOT,
  listFiles,
  markdownBlockProblem,
  type MainRun,
  precompilePython,
  pythonCompiledConstants,
  pythonSyntaxErrors,
  runCommand,
  runMain,
  tempDir,
  treeSnapshot,
  removeTempDirs,
} from '../support/cli-run.js';

afterAll(removeTempDirs);

// The directory argument is a path (issue 10): its last part names the project, so a hostile
// last part is refused unless --name gives the project a valid name.
describe('hostile names are refused with exit 2 and one line saying what is allowed', () => {
  const refused: [label: string, name: string, why: RegExp][] = [
    ['a Windows path (one segment here)', 'C:\\evil', /is a path, not a name/],
    ['a dotfile', '.hidden', /is not allowed/],
    ['a space', 'my app', /is not allowed/],
    ['unicode', 'café', /is not allowed/],
    ['CJK', '日本語', /is not allowed/],
    ['an emoji', 'api-🚀', /is not allowed/],
    ['a semicolon command', 'x;touch pwned', /is not allowed/],
    ['command substitution', '$(touch pwned)', /is not allowed/],
    ['backticks', '`touch pwned`', /is not allowed/],
    ['a pipe', 'a|touch pwned', /is not allowed/],
    ['quotes', `a'b"c`, /is not allowed/],
    ['a glob', 'a*', /is not allowed/],
    ['a tilde', '~', /is not allowed/],
    ['a leading digit', '1api', /is not allowed/],
    ['only digits', '2024', /is not allowed/],
    ['a leading underscore', '_api', /is not allowed/],
    ['a trailing dash', 'api-', /is not allowed/],
    ['a double separator', 'a--b', /is not allowed/],
    ['upper case', 'MyApi', /is not allowed/],
    ['a newline', 'a\nb', /is not allowed/],
    ['a NUL byte', 'a\u0000b', /is not allowed/],
    ['a 65-character name', 'a'.repeat(65), /65 characters long/],
    ['a 200-character name', 'b'.repeat(200), /200 characters long/],
    ['an empty name', '', /is empty/],
    ['a blank name', '  ', /is empty/],
  ];

  it.each(refused)('%s: %j', async (_label, name, why) => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'a'));
    const before = treeSnapshot(cwd);
    const run = await runMain([name, '--yes'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(why);
    expect(run.stderr).toContain(NAME_RULE);
    // Another name fixes it (not for an empty argument: that is no folder at all).
    if (name.trim()) expect(run.stderr).toContain('pass --name <name>');
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1); // control characters are shown escaped
    expect(run.stderr.length).toBeLessThan(400); // a long name is shortened in the message
    // Nothing was created, and no shell ever ran.
    expect(treeSnapshot(cwd)).toEqual(before);
    expect(existsSync(path.join(cwd, 'pwned'))).toBe(false);

    const json = await runMain([name, '--yes', '--json'], { cwd });
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'invalid-name', exitCode: 2 });
  });

  const accepted = ['class', 'import', 'async', 'lambda', 'none', 'true', 'false', 'null', 'yes', 'on', 'nan', 'app', 'tests', 'a', 'x'.repeat(64), 'a1_b2-c3'];
  // Every accepted name's two projects are generated first, so that one Python run compiles
  // all their Python (each distinct file once); each test checks its own name's projects.
  const FRAMEWORKS = ['fastapi', 'flask'] as const;
  const madeFor = new Map<string, { cwd: string; runs: Map<string, MainRun> }>();
  /** Both frameworks' Python of a name's projects, each path under its framework's folder. */
  const pythonOf = (cwd: string, name: string) =>
    FRAMEWORKS.flatMap((framework) => {
      const project = path.join(cwd, framework, name);
      return listFiles(project).filter((f) => f.endsWith('.py')).map((f) => ({ path: `${framework}/${f}`, contents: readFileSync(path.join(project, f), 'utf8') }));
    });
  beforeAll(async () => {
    for (const name of accepted) {
      const cwd = tempDir();
      const runs = new Map<string, MainRun>();
      for (const framework of FRAMEWORKS) {
        mkdirSync(path.join(cwd, framework));
        runs.set(framework, await runMain([name, '--yes', '--framework', framework], { cwd: path.join(cwd, framework) }));
      }
      madeFor.set(name, { cwd, runs });
    }
    precompilePython([...madeFor].filter(([, { runs }]) => [...runs.values()].every((r) => r.code === 0)).map(([name, { cwd }]) => pythonOf(cwd, name)));
  });

  it.each(accepted)('%j is a valid name: the project builds and its Python compiles', async (name) => {
    const { cwd, runs } = madeFor.get(name)!;
    for (const framework of FRAMEWORKS) {
      const run = runs.get(framework)!;
      expect(run.code, run.stderr).toBe(0);
      const project = path.join(cwd, framework, name);
      const compose = parseDocument(readFileSync(path.join(project, 'compose.yaml'), 'utf8'));
      expect(compose.errors).toEqual([]);
      // A name YAML would read as a boolean or null (true, null; yes/on in YAML 1.1) must be quoted.
      expect(compose.get('name')).toBe(name);
      expect(parseDocument(readFileSync(path.join(project, 'compose.yaml'), 'utf8'), { version: '1.1' }).get('name')).toBe(name);
    }
    // Both frameworks' Python, compiled in one run of Python.
    const py = pythonOf(cwd, name);
    expect(py.filter((f) => f.path.startsWith('flask/')).length).toBeGreaterThan(0);
    expect(py.filter((f) => f.path.startsWith('fastapi/')).length).toBeGreaterThan(0);
    expect(pythonSyntaxErrors(py)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

// Finds the description in the generated files. The '.' keeps it out of every random value a
// project is generated with (secrets/postgres_password is base64url: letters, digits, - and _),
// which a marker of letters and digits alone matched about once in 10,000 projects.
const MARK = 'Zq7.';
const hostileDescriptions: [label: string, description: string][] = [
  ['double quotes', `${MARK} He said "hi" and left`],
  ['single quotes', `${MARK} it's O'Reilly's`],
  ['triple quotes', `${MARK} """docstring""" and '''more'''`],
  ['a hash', `${MARK} # not a comment`],
  ['a colon and YAML syntax', `${MARK} key: value - [a, b] {c: d} &anchor *alias !tag | > ---`],
  ['shell and compose interpolation', `${MARK} \${HOME} $HOME $(id) \`id\` $$`],
  ['EJS tags', `${MARK} <% throw new Error('x') %> <%- process.exit(3) %> <%= 1 %>`],
  ['backslashes', `${MARK} C:\\path\\to\\n \\u0041 \\x00 trailing\\`],
  ['Markdown and HTML', `${MARK} *bold* _it_ [link](http://x) <script>alert(1)</script> | a | b |`],
  ['unicode', `${MARK} café ☕ 日本語 🚀 ﬁ \u00a0nbsp`],
  ['a description starting with a dash (given as --description=-...)', `-${MARK} - not a flag`],
  ['a Markdown list marker at the start', `- ${MARK} reads like a list item`],
  ['an ordered-list marker at the start', `1. ${MARK} reads like a numbered list`],
  ['four leading spaces (a Markdown code block)', `    ${MARK} indented`],
  ['HTML entities', `${MARK} AT&amp;T &copy; &#169;`],
  ['Python f-string and format braces', `${MARK} {name} {{x}} {0!r} %s %(x)s`],
  ['Jinja and Handlebars', `${MARK} {{ config }} {% raw %} {{{html}}}`],
  ['only spaces', `${MARK}    `],
  ['the maximum length', `${MARK} ${'x'.repeat(200 - MARK.length - 1)}`],
];

/** A YAML file's parse errors and scalars, once per distinct text: only the files that carry the description differ. */
const parsedYaml = oncePerText((text: string) => {
  const doc = parseDocument(text);
  return { errors: doc.errors.map((e) => e.message), scalars: doc.errors.length === 0 ? scalars(doc.toJS()) : [] };
});

describe.each(['fastapi', 'flask'])('hostile descriptions (%s)', (framework) => {
  // Every description's project is generated first, so that one Python run compiles all their
  // Python (each distinct file once: only the files that carry the description differ); each
  // test below checks its own project, and asks about its own files.
  const made = new Map<string, { cwd: string; run: MainRun }>();
  beforeAll(async () => {
    for (const [, description] of hostileDescriptions) {
      const cwd = tempDir();
      made.set(description, { cwd, run: await runMain(['svc', '--yes', '--framework', framework, `--description=${description}`], { cwd }) });
    }
    const generated = [...made.values()].filter(({ run }) => run.code === 0).map(({ cwd }) => path.join(cwd, 'svc'));
    precompilePython(generated.map((dir) => listFiles(dir).filter((f) => f.endsWith('.py')).map((f) => ({ path: f, contents: readFileSync(path.join(dir, f), 'utf8') }))));
  });

  it.each(hostileDescriptions)('%s: generated, escaped wherever it lands, round-trips', async (_label, description) => {
    const { cwd, run } = made.get(description)!;
    expect(run.code, run.stderr).toBe(0);
    const dir = path.join(cwd, 'svc');
    const files = listFiles(dir);
    const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
    expect(listFiles(cwd).every((f) => f.startsWith('svc/'))).toBe(true);

    // The answers file records it exactly.
    expect(JSON.parse(read(ANSWERS_FILE)).answers.description).toBe(description);

    // Python: compiles, and wherever the description appears it is one exact string constant.
    const py = files.filter((f) => f.endsWith('.py')).map((f) => ({ path: f, contents: read(f) }));
    const { errors, constants } = pythonCompiledConstants(py);
    expect(errors).toEqual([]);
    for (const [file, values] of Object.entries(constants))
      for (const value of values.filter((v) => v.includes(MARK))) expect(value, file).toBe(description);
    if (framework === 'fastapi') expect(constants['app/main.py']).toContain(description);

    // YAML: parses, and any scalar carrying the description is exact (with Compose's $$ undone).
    for (const f of files.filter((p) => /\.ya?ml$/.test(p))) {
      const doc = parsedYaml(read(f));
      expect(doc.errors, f).toEqual([]);
      for (const value of doc.scalars.filter((v) => v.includes(MARK))) {
        expect(value.replace(/\$\$/g, '$'), f).toContain(description);
        expect(value, `${f}: an unescaped $ would be interpolated by Compose`).not.toMatch(/(?<!\$)\$(?!\$)/);
      }
    }

    // TOML: a uv project's pyproject.toml parses and carries it exactly as [project].description.
    const pyproject = parseTOML<{ project?: { description?: string } }>(read('pyproject.toml'));
    expect(pyproject.project?.description).toBe(description);

    // Dockerfile: still lint-clean; a description in it must not be shell/variable-expanded.
    const dockerfile = read('Dockerfile');
    expect(lintDockerfile(dockerfile, { readFile: (p) => (files.includes(p) ? read(p) : undefined) })).toEqual([]);
    if (dockerfile.includes(MARK)) expect(dockerfile).not.toMatch(/(?<!\\)\$\{?HOME/);

    // Markdown: the description stays one plain paragraph and reads back once escapes are undone.
    for (const f of files.filter((p) => p.endsWith('.md') && read(p).includes(MARK))) {
      for (const line of read(f).split('\n').filter((l) => l.includes(MARK))) expect(markdownBlockProblem(line), `${f}: ${line}`).toBeUndefined();
      expect(read(f).replace(/\\([!-/:-@[-`{-~])/g, '$1')).toContain(description.trim());
    }

    // Nothing else carries it raw except the places checked above (and BASE_FILE, their copy).
    for (const f of files.filter((p) => read(p).includes(MARK)))
      expect([ANSWERS_FILE, BASE_FILE, 'README.md', 'pyproject.toml', ...Object.keys(constants)].includes(f) || /\.ya?ml$|Dockerfile$/.test(f), f).toBe(true);
  });

  it.each([
    ['a newline', 'one\ntwo'],
    ['a carriage return', 'one\rtwo'],
    ['a tab', 'one\ttwo'],
    ['an escape sequence', 'red \x1b[31m text'],
    ['a NUL byte', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['a C1 control (CSI)', 'a\u009b31mb'],
    ['NEL', 'one\u0085two'],
    ['a line separator', 'one\u2028two'],
    ['a paragraph separator', 'one\u2029two'],
    ['201 characters', 'x'.repeat(201)],
  ])('%s is a clean refusal (exit 2, nothing written)', async (_label, description) => {
    const cwd = tempDir();
    const run = await runMain(['svc', '--yes', '--framework', framework, '--description', description], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).not.toContain('\x1b[31m text');
    expect(treeSnapshot(cwd)).toEqual({});
  });
});

function scalars(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(scalars);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...scalars(v)]);
  return [];
}

// ---------------------------------------------------------------------------------------------

describe('hostile targets', () => {
  it('a target that is a file: exit 1, the file untouched', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'svc'), 'not a directory');
    const before = treeSnapshot(cwd);
    for (const extra of [[], ['--overwrite']]) {
      const run = await runMain(['svc', '--yes', ...extra], { cwd });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('exists and is not a directory');
      expect(treeSnapshot(cwd)).toEqual(before);
    }
  });

  it('a target that is a symlink pointing outside: exit 1, the outside untouched', async () => {
    const cwd = tempDir();
    const outside = tempDir('cpda-outside-');
    writeFileSync(path.join(outside, 'precious.txt'), 'keep');
    symlinkSync(outside, path.join(cwd, 'svc'));
    const before = { cwd: treeSnapshot(cwd), outside: treeSnapshot(outside) };
    const run = await runMain(['svc', '--yes', '--overwrite', '--json'], { cwd });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'unsafe-target', exitCode: 1 });
    expect(JSON.parse(run.stdout).error.message).toContain('is a symbolic link');
    expect({ cwd: treeSnapshot(cwd), outside: treeSnapshot(outside) }).toEqual(before);
  });

  it('a symlinked directory inside the target pointing outside: exit 1 with --overwrite, nothing written', async () => {
    const cwd = tempDir();
    const outside = tempDir('cpda-outside-');
    mkdirSync(path.join(cwd, 'svc'));
    symlinkSync(outside, path.join(cwd, 'svc', 'app'));
    const before = { cwd: treeSnapshot(cwd), outside: treeSnapshot(outside) };
    const run = await runMain(['svc', '--yes', '--overwrite'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/app in .*svc is a symbolic link; refusing to write through it/);
    expect({ cwd: treeSnapshot(cwd), outside: treeSnapshot(outside) }).toEqual(before);
  });

  it('a symlinked file inside the target pointing outside: exit 1 with --overwrite, the outside file untouched', async () => {
    const cwd = tempDir();
    const outside = tempDir('cpda-outside-');
    writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0\n');
    mkdirSync(path.join(cwd, 'svc'));
    symlinkSync(path.join(outside, 'passwd'), path.join(cwd, 'svc', 'Dockerfile'));
    const before = { cwd: treeSnapshot(cwd), outside: treeSnapshot(outside) };
    const run = await runMain(['svc', '--yes', '--overwrite'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Dockerfile exists in');
    expect(run.stderr).toContain('is not a regular file');
    expect({ cwd: treeSnapshot(cwd), outside: treeSnapshot(outside) }).toEqual(before);
  });

  it('a file where the project needs a directory (app): exit 1 with --overwrite, nothing half-written', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'svc'));
    writeFileSync(path.join(cwd, 'svc', 'app'), 'a file, not a package');
    writeFileSync(path.join(cwd, 'svc', '.gitignore'), 'mine\n');
    const before = treeSnapshot(cwd);
    const run = await runMain(['svc', '--yes', '--overwrite'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/app in .*svc is not a directory/);
    expect(treeSnapshot(cwd)).toEqual(before);
  });

  it('"." inside a symlinked directory writes to the real directory only', async () => {
    const real = path.join(tempDir(), 'svc');
    mkdirSync(real);
    const linkParent = tempDir();
    symlinkSync(real, path.join(linkParent, 'svc'));
    // process.cwd() is always the real path; the CLI is given that, as a shell would.
    const run = await runMain(['.', '--yes', '--json', '--dry-run'], { cwd: real });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).projectDir).toBe(real);
  });
});

// ---------------------------------------------------------------------------------------------
// Real read-only and full file systems, inside a private mount namespace (needs root).

/** Runs the built CLI in `dir` inside `unshare -m` after `setup` (shell) ran; reports exit code and what is left. */
function inMountNamespace(setup: string, dir: string, argv: string[]): { status: number; left: string[]; stdout: string; stderr: string } {
  const script = `
set -e
D="$1"; shift
mount --make-rprivate /
${setup}
cd "$D"
set +e
"${process.execPath}" "${BIN}" "$@"
rc=$?
echo "@@rc=$rc" >&2
find "$D" -mindepth 1 | sort | sed 's/^/@@left=/' >&2
`;
  const run = runCommand('unshare', ['-m', 'sh', '-c', script, 'sh', dir, ...argv], { cwd: dir });
  if (run.status !== 0) throw new Error(`namespace wrapper failed: ${run.stderr}`);
  const rc = /@@rc=(\d+)/.exec(run.stderr)?.[1];
  const left = [...run.stderr.matchAll(/^@@left=(.*)$/gm)].map((m) => path.relative(dir, m[1]!));
  return { status: Number(rc), left, stdout: run.stdout, stderr: run.stderr.replace(/^@@.*\n/gm, '') };
}

const canMount = IS_ROOT && spawnSync('unshare', ['-m', 'true']).status === 0;
/** chattr +i works where the temp directory's file system keeps attributes (ext4, xfs; not tmpfs). */
const hasChattr = IS_ROOT && (() => {
  const probe = path.join(tempDir('cpda-chattr-'), 'probe');
  writeFileSync(probe, '');
  const ok = spawnSync('chattr', ['+i', probe]).status === 0;
  spawnSync('chattr', ['-i', probe]);
  return ok;
})();

describe.skipIf(!canMount)('real file-system failures (root: unshare -m, bind mounts, tmpfs)', () => {
  beforeAll(() => assertBuilt());

  it('a read-only parent directory: exit 1, "read-only", nothing created', () => {
    const dir = tempDir('cpda-ro-');
    writeFileSync(path.join(dir, 'existing.txt'), 'x');
    const before = treeSnapshot(dir);
    const run = inMountNamespace('mount --bind "$D" "$D"; mount -o remount,bind,ro "$D"', dir, ['svc', '--yes', '--json']);
    expect(run.status).toBe(1);
    const error = JSON.parse(run.stdout).error;
    expect(error).toMatchObject({ code: 'write-failed', exitCode: 1 });
    expect(error.message).toContain('the file system is read-only');
    expect(error.message).toContain('nothing was written');
    expect(run.left).toEqual(['existing.txt']);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a read-only existing target with --overwrite: exit 1, its files untouched', () => {
    const dir = tempDir('cpda-ro-');
    mkdirSync(path.join(dir, 'svc'));
    writeFileSync(path.join(dir, 'svc', 'Dockerfile'), 'FROM mine\n');
    const before = treeSnapshot(dir);
    const run = inMountNamespace('mount --bind "$D/svc" "$D/svc"; mount -o remount,bind,ro "$D/svc"', dir, ['svc', '--yes', '--overwrite']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: could not write the project: the file system is read-only in ${path.join(dir, 'svc')}; nothing was written`);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  // --overwrite into an existing folder: every move is checked before the first one, and undone
  // if one still fails, so exit 1 means nothing changed, whatever stands in the way.
  it('a read-only subdirectory: refused before anything moves, exit 1, nothing changed', () => {
    const dir = tempDir('cpda-ro-');
    mkdirSync(path.join(dir, 'svc', 'app'), { recursive: true });
    writeFileSync(path.join(dir, 'svc', 'Dockerfile'), 'FROM mine\n');
    const before = treeSnapshot(dir);
    const run = inMountNamespace('mount --bind "$D/svc/app" "$D/svc/app"; mount -o remount,bind,ro "$D/svc/app"', dir, ['svc', '--yes', '--overwrite', '--json']);
    expect(run.status).toBe(1);
    const error = JSON.parse(run.stdout).error;
    expect(error.code).toBe('write-failed');
    expect(error.message).toMatch(/^could not write the project: app in .*svc: the file system is read-only; nothing was written$/);
    expect(treeSnapshot(dir)).toEqual(before);
    expect(run.left.filter((f) => f.includes('.staging-'))).toEqual([]);
  });

  it('a subdirectory on another file system (a mount point): refused before anything moves, nothing changed', () => {
    const dir = tempDir('cpda-mnt-');
    mkdirSync(path.join(dir, 'svc', 'app'), { recursive: true });
    writeFileSync(path.join(dir, 'svc', 'Dockerfile'), 'FROM mine\n');
    const run = inMountNamespace('mount -t tmpfs cpda-mnt "$D/svc/app"', dir, ['svc', '--yes', '--overwrite']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/app in .*svc is on another file system \(a mount point\).*nothing was written/);
    expect(run.left.sort()).toEqual(['svc', 'svc/Dockerfile', 'svc/app']);
  });

  it.runIf(hasChattr)('a file that cannot be replaced (immutable) met half-way: every earlier move is undone, nothing changed', () => {
    // The checks cannot see this one: the directory is writable, only that one file is not.
    // Files before it in the plan are already in place when its move fails; they go back.
    const dir = tempDir('cpda-immutable-');
    mkdirSync(path.join(dir, 'svc', 'tests'), { recursive: true });
    writeFileSync(path.join(dir, 'svc', 'Dockerfile'), 'FROM mine\n');
    writeFileSync(path.join(dir, 'svc', 'README.md'), 'mine\n');
    writeFileSync(path.join(dir, 'svc', 'tests', 'test_items.py'), '# mine\n');
    const locked = path.join(dir, 'svc', 'tests', 'test_items.py');
    expect(spawnSync('chattr', ['+i', locked]).status).toBe(0);
    try {
      const before = treeSnapshot(dir);
      const run = spawnSync(process.execPath, [BIN, 'svc', '--yes', '--overwrite', '--json'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
      expect(run.status).toBe(1);
      const error = JSON.parse(run.stdout).error;
      expect(error.message).toMatch(/^could not move tests\/test_items\.py into place: .*; every file already moved was put back, so nothing was changed$/);
      expect(treeSnapshot(dir)).toEqual(before);
      expect(readdirSync(path.join(dir, 'svc')).filter((e) => e.includes('.staging-'))).toEqual([]);
    } finally {
      spawnSync('chattr', ['-i', locked]);
    }
  });

  it('a full disk (16 kB tmpfs): exit 1, "no space left", nothing left behind', () => {
    const dir = tempDir('cpda-full-');
    const run = inMountNamespace('mount -t tmpfs -o size=16k cpda-full "$D"', dir, ['svc', '--yes', '--json']);
    expect(run.status).toBe(1);
    const error = JSON.parse(run.stdout).error;
    expect(error).toMatchObject({ code: 'write-failed', exitCode: 1 });
    expect(error.message).toContain('no space left on the device');
    expect(run.left).toEqual([]);
  });

  it('a full disk with --overwrite into an existing project: exit 1, the old files intact', () => {
    const dir = tempDir('cpda-full-');
    const setup = 'mount -t tmpfs -o size=16k cpda-full "$D"; mkdir "$D/svc"; printf "FROM mine\\n" > "$D/svc/Dockerfile"; printf "keep" > "$D/svc/notes.txt"';
    const script = `${setup}`;
    const run = inMountNamespace(script, dir, ['svc', '--yes', '--overwrite']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no space left on the device');
    expect(run.left).toEqual(['svc', 'svc/Dockerfile', 'svc/notes.txt']);
  });
});
