// The CLI contract (issues 2 and 5): flags, --yes, non-interactive behaviour, exit codes, the
// non-empty-directory refusal, --dry-run, --json, the answers file, colour. In-process runs of
// main() first, then the built bin spawned as a user (or a CI job) would run it.

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../src/options/answers-file.js';
import { DOCKERFILE_VARIANTS, FRAMEWORKS, PROJECT_OPTIONS, PYTHON_VERSIONS, defaultAnswers } from '../src/options/table.js';
import { assertBuilt, listFiles, PACKAGE_VERSION, runBin, runMain, tempDir, treeSnapshot, removeTempDirs } from './support/cli-run.js';

afterAll(removeTempDirs);

const ALL_FLAGS = ['--description', 'x', '--framework', 'flask', '--python', '3.12', '--no-postgres', '--redis', '--dockerfile', 'standard'];

function parseJson(stdout: string): Record<string, any> {
  // Exactly one JSON document and nothing else: JSON.parse throws on anything extra.
  return JSON.parse(stdout) as Record<string, any>;
}

describe('help and version', () => {
  it('--help lists every flag with its default, the npm create form, and exits 0 writing nothing', async () => {
    const cwd = tempDir();
    for (const flag of ['--help', '-h']) {
      const run = await runMain([flag], { cwd });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      for (const spec of PROJECT_OPTIONS) {
        const line = run.stdout.split('\n').find((l) => l.trimStart().startsWith(`--${spec.flag}`));
        expect(line, `help line for --${spec.flag}`).toBeDefined();
        const shown = spec.kind === 'text' ? JSON.stringify(spec.default) : String(spec.default);
        expect(line).toContain(`(default: ${shown})`);
        if (spec.kind === 'choice') expect(line).toContain(spec.choices.join('|'));
        if (spec.kind === 'boolean') expect(line).toContain(`--no-${spec.flag}`);
      }
      for (const control of ['-y, --yes', '--overwrite', '--dry-run', '--json', '--answers', '--interactive', '-h, --help', '-v, --version'])
        expect(run.stdout).toContain(control);
      expect(run.stdout).toContain('npm create python-docker-app@latest my-api -- --framework fastapi');
      expect(run.stdout).toMatch(/Exit codes: 0 .*1 .*2 .*130/);
    }
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('--version and -v print the package version alone', async () => {
    const cwd = tempDir();
    for (const flag of ['--version', '-v']) {
      const run = await runMain([flag], { cwd });
      expect(run).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
    }
  });
});

describe('usage errors exit 2 and never fall back silently', () => {
  const cases: [string[], RegExp][] = [
    [['app', '--yes', '--framework', 'django'], /--framework must be one of fastapi, flask \(got "django"\)/],
    [['app', '--yes', '--python', '3.11'], new RegExp(`--python must be one of ${PYTHON_VERSIONS.join(', ')}`)],
    [['app', '--yes', '--dockerfile', 'alpine'], new RegExp(`--dockerfile must be one of ${DOCKERFILE_VARIANTS.join(', ')}`)],
    [['app', '--yes', '--framwork', 'flask'], /unknown flag --framwork \(did you mean --framework\?\)/],
    [['app', '--yes', '--postgress'], /unknown flag --postgress \(did you mean --postgres\?\)/],
    [['app', '--yes', '--frobnicate'], /unknown flag --frobnicate; see --help/],
    [['app', '--yes', '-x'], /unknown flag -x/],
    [['app', '--yes', '--framework'], /--framework needs a value/],
    [['app', '--description', '--yes'], /--description needs a value; for one that starts with '-', write --description=-value/],
    [['app', '--yes', '--postgres=false'], /--postgres/],
    [['app', 'other', '--yes'], /at most one directory, got 2: app other/],
    [['app', '--no-yes'], /--no-yes is not a flag/],
    [['app', '--yes', '--description', 'two\nlines'], /one line of text without control characters/],
    [['app', '--yes', '--description', 'x'.repeat(201)], /at most 200/],
  ];
  it.each(cases)('%j', async (argv, message) => {
    const cwd = tempDir();
    const run = await runMain(argv, { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('with --json the error is the one JSON document on stdout, with its code', async () => {
    const cwd = tempDir();
    const run = await runMain(['app', '--yes', '--json', '--framework', 'django'], { cwd });
    expect(run.code).toBe(2);
    const doc = parseJson(run.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, ok: false, error: { code: 'invalid-value', exitCode: 2 } });
    expect(doc.error.message).toContain('fastapi, flask');
  });

  it('tolerates one leading `--` (pnpm, npm create)', async () => {
    const cwd = tempDir();
    const run = await runMain(['--', 'app', '--yes', '--dry-run', '--json'], { cwd });
    expect(run.code).toBe(0);
    expect(parseJson(run.stdout).projectDir).toBe(path.join(cwd, 'app'));
  });
});

describe('without a terminal it never asks', () => {
  it('exits 2 naming every missing flag when neither --yes nor the flags are given', async () => {
    const cwd = tempDir();
    const run = await runMain(['app'], { cwd });
    expect(run.code).toBe(2);
    for (const spec of PROJECT_OPTIONS)
      expect(run.stderr).toContain(spec.kind === 'boolean' ? `--${spec.flag}/--no-${spec.flag}` : `--${spec.flag}`);
    expect(run.stderr).toContain('--yes');
    expect(run.stderr).not.toContain('[directory]');
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('names only the flags still missing, and [directory] when no name was given', async () => {
    const cwd = tempDir();
    const run = await runMain(['--framework', 'flask', '--no-redis'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[directory]');
    expect(run.stderr).toContain('--python');
    expect(run.stderr).not.toContain('--framework');
    expect(run.stderr).not.toContain('--redis');
  });

  it('treats CI=true as no terminal even when stdin and stderr are TTYs', async () => {
    const cwd = tempDir();
    const run = await runMain(['app'], { cwd, tty: true, env: { CI: 'true' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no terminal to ask on');
  });

  it('generates with every flag given and no --yes', async () => {
    const cwd = tempDir();
    const run = await runMain(['app', ...ALL_FLAGS, '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson(run.stdout).options).toEqual({
      name: 'app',
      description: 'x',
      framework: 'flask',
      python: '3.12',
      postgres: false,
      redis: true,
      dockerfile: 'standard',
    });
  });

  it('--yes fills every unanswered option with the documented default', async () => {
    const cwd = tempDir();
    const run = await runMain(['--yes', '--json', '--no-redis'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const doc = parseJson(run.stdout);
    expect(doc.options).toEqual({ ...defaultAnswers(), redis: false, name: 'my-api' });
    expect(doc.projectDir).toBe(path.join(cwd, 'my-api'));
  });

  it('--no-interactive wins over a terminal; --yes wins over --interactive', async () => {
    const cwd = tempDir();
    expect((await runMain(['app', '--no-interactive'], { cwd, tty: true })).code).toBe(2);
    const prompter = { text: fail, select: fail, confirm: fail };
    const run = await runMain(['app', '--interactive', '--yes', '--dry-run'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
  });
});

async function fail(): Promise<never> {
  throw new Error('must not prompt');
}

describe('the target directory', () => {
  it('refuses a non-empty directory with exit 1, lists what is there, and changes nothing', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'app', 'src'), { recursive: true });
    writeFileSync(path.join(cwd, 'app', 'notes.txt'), 'mine');
    writeFileSync(path.join(cwd, 'app', 'Dockerfile'), 'FROM scratch\n');
    const before = treeSnapshot(cwd);
    const run = await runMain(['app', '--yes'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: app is not empty; pass --overwrite/);
    expect(run.stderr).toContain('  Dockerfile\n');
    expect(run.stderr).toContain('  notes.txt\n');
    expect(run.stderr).toContain('  src\n');
    expect(treeSnapshot(cwd)).toEqual(before);
  });

  it('--json reports the refusal with the entries as details', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'app'));
    writeFileSync(path.join(cwd, 'app', 'keep.txt'), 'x');
    const run = await runMain(['app', '--yes', '--json'], { cwd });
    expect(run.code).toBe(1);
    expect(parseJson(run.stdout).error).toMatchObject({ code: 'not-empty', details: ['keep.txt'], exitCode: 1 });
  });

  it('a directory holding only .git counts as empty', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'app', '.git'), { recursive: true });
    writeFileSync(path.join(cwd, 'app', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const run = await runMain(['app', '--yes'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(cwd, 'app', '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(existsSync(path.join(cwd, 'app', 'Dockerfile'))).toBe(true);
  });

  it('--overwrite replaces the project files and keeps everything else', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'app'));
    writeFileSync(path.join(cwd, 'app', 'notes.txt'), 'mine');
    writeFileSync(path.join(cwd, 'app', 'Dockerfile'), 'FROM scratch\n');
    const run = await runMain(['app', '--yes', '--overwrite', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const doc = parseJson(run.stdout);
    expect(doc.files.find((f: any) => f.path === 'Dockerfile').action).toBe('overwrite');
    expect(doc.files.filter((f: any) => f.path !== 'Dockerfile').every((f: any) => f.action === 'create')).toBe(true);
    expect(readFileSync(path.join(cwd, 'app', 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(path.join(cwd, 'app', 'Dockerfile'), 'utf8')).not.toBe('FROM scratch\n');
    expect(listFiles(cwd).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('"." generates into the current directory, named after it', async () => {
    const parent = tempDir();
    const cwd = path.join(parent, 'orders_api');
    mkdirSync(cwd);
    const run = await runMain(['.', '--yes', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const doc = parseJson(run.stdout);
    expect(doc.options.name).toBe('orders_api');
    expect(doc.projectDir).toBe(cwd);
    expect(doc.nextSteps[0]).not.toMatch(/^cd /);
    expect(existsSync(path.join(cwd, 'Dockerfile'))).toBe(true);
  });

  it('"." in a directory whose name is not a valid project name is refused (exit 2)', async () => {
    const parent = tempDir();
    const cwd = path.join(parent, 'My Project');
    mkdirSync(cwd);
    const run = await runMain(['.', '--yes'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rename the directory or give a name instead of "."');
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('refuses a target that is a symbolic link (exit 1)', async () => {
    const cwd = tempDir();
    const outside = tempDir('cpda-outside-');
    symlinkSync(outside, path.join(cwd, 'app'));
    const run = await runMain(['app', '--yes', '--overwrite'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is a symbolic link');
    expect(treeSnapshot(outside)).toEqual({});
  });
});

describe('--dry-run', () => {
  it('prints the per-file plan with actions and sizes and writes nothing', async () => {
    const cwd = tempDir();
    const run = await runMain(['app', '--yes', '--dry-run'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Dry run: nothing was written. Plan for ${path.join(cwd, 'app')}:`);
    expect(run.stderr).toMatch(/^ {2}create +Dockerfile +\d+(\.\d)? k?B$/m);
    expect(run.stderr).not.toContain('Done:');
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('with --json lists every file with its action and exact byte count', async () => {
    const cwd = tempDir();
    const dry = parseJson((await runMain(['app', '--yes', '--dry-run', '--json'], { cwd })).stdout);
    expect(dry).toMatchObject({ schemaVersion: 1, ok: true, command: 'create', dryRun: true, warnings: [] });
    expect(treeSnapshot(cwd)).toEqual({});
    // The real run writes exactly the planned files, with exactly the planned sizes.
    const real = parseJson((await runMain(['app', '--yes', '--json'], { cwd })).stdout);
    expect(real.files).toEqual(dry.files);
    expect(listFiles(path.join(cwd, 'app'))).toEqual(dry.files.map((f: any) => f.path).sort());
    for (const f of dry.files) expect(readFileSync(path.join(cwd, 'app', f.path)).length).toBe(f.bytes);
  });

  it('on an existing project shows unchanged and overwrite, still writing nothing', async () => {
    const cwd = tempDir();
    expect((await runMain(['app', '--yes'], { cwd })).code).toBe(0);
    const readme = path.join(cwd, 'app', 'Dockerfile');
    writeFileSync(readme, 'edited\n');
    const before = treeSnapshot(cwd);
    const run = await runMain(['app', '--yes', '--overwrite', '--dry-run', '--json'], { cwd });
    expect(run.code).toBe(0);
    const actions = Object.fromEntries(parseJson(run.stdout).files.map((f: any) => [f.path, f.action]));
    expect(actions.Dockerfile).toBe('overwrite');
    expect(Object.entries(actions).filter(([p]) => p !== 'Dockerfile').every(([, a]) => a === 'unchanged')).toBe(true);
    expect(treeSnapshot(cwd)).toEqual(before);
  });
});

describe('--json', () => {
  it('writes exactly one versioned document on stdout and nothing on stderr', async () => {
    const cwd = tempDir();
    const run = await runMain(['app', '--yes', '--json', '--framework', 'flask'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const doc = parseJson(run.stdout);
    expect(Object.keys(doc).sort()).toEqual(['command', 'dryRun', 'files', 'nextSteps', 'ok', 'options', 'projectDir', 'schemaVersion', 'warnings']);
    expect(doc).toMatchObject({ schemaVersion: 1, ok: true, dryRun: false, projectDir: path.join(cwd, 'app') });
    expect(doc.options.framework).toBe('flask');
    expect(doc.nextSteps).toContain('sh scripts/check-docker && docker compose up --build');
    expect(doc.files.every((f: any) => f.action === 'create' && f.bytes > 0)).toBe(true);
  });
});

describe('the answers file', () => {
  it('stamps the generator version and answers; --answers reproduces the project byte for byte', async () => {
    const cwd = tempDir();
    const flags = ['--description', 'Orders: "quoted" # not a comment', '--framework', 'flask', '--python', '3.14', '--postgres', '--no-redis', '--dockerfile', 'multi-stage'];
    expect((await runMain(['orders', ...flags], { cwd })).code).toBe(0);
    const stamped = JSON.parse(readFileSync(path.join(cwd, 'orders', ANSWERS_FILE), 'utf8'));
    expect(stamped).toEqual({
      generator: 'create-python-docker-app',
      version: PACKAGE_VERSION,
      answers: { name: 'orders', description: 'Orders: "quoted" # not a comment', framework: 'flask', python: '3.14', postgres: true, redis: false, dockerfile: 'multi-stage' },
    });

    const elsewhere = tempDir();
    const run = await runMain(['--answers', path.join(cwd, 'orders', ANSWERS_FILE)], { cwd: elsewhere });
    expect(run.code, run.stderr).toBe(0);
    const original = treeSnapshot(path.join(cwd, 'orders'));
    expect(Object.keys(original).length).toBeGreaterThan(5);
    expect(treeSnapshot(path.join(elsewhere, 'orders'))).toEqual(original);
  });

  it('warns (and still generates) when the answers file comes from another version', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'old.json'), JSON.stringify({ generator: 'create-python-docker-app', version: '0.0.1', answers: { name: 'old', framework: 'flask' } }));
    const run = await runMain(['--answers', 'old.json', '--yes', '--json', '--dry-run'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const doc = parseJson(run.stdout);
    expect(doc.options).toMatchObject({ name: 'old', framework: 'flask' });
    expect(doc.warnings).toEqual([`old.json was written by version 0.0.1; this is ${PACKAGE_VERSION}, so files may differ from the original`]);
    const human = await runMain(['--answers', 'old.json', '--yes', '--dry-run'], { cwd });
    expect(human.stderr).toContain('warning: old.json was written by version 0.0.1');
    // The same version: no warning.
    writeFileSync(path.join(cwd, 'same.json'), JSON.stringify({ version: PACKAGE_VERSION, answers: { name: 'same' } }));
    expect(parseJson((await runMain(['--answers', 'same.json', '--yes', '--json', '--dry-run'], { cwd })).stdout).warnings).toEqual([]);
  });

  it('flags given beside --answers win over the recorded answers', async () => {
    const cwd = tempDir();
    expect((await runMain(['orders', '--yes', '--framework', 'flask'], { cwd })).code).toBe(0);
    const run = await runMain(['copy', '--answers', path.join('orders', ANSWERS_FILE), '--framework', 'fastapi', '--json', '--dry-run'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson(run.stdout).options).toMatchObject({ name: 'copy', framework: 'fastapi' });
  });

  it.each([
    ['not json', '{', /--answers .*JSON/],
    ['no answers object', '{"answers": 3}', /expected an object with an "answers" object/],
    ['an invalid choice', '{"answers": {"framework": "django"}}', /"framework" has an invalid value "django"/],
    ['an invalid name', '{"answers": {"name": "../x"}}', /"name" is not a valid project name/],
    ['a multi-line description', '{"answers": {"description": "a\\nb"}}', /"description" has an invalid value/],
  ])('refuses an answers file with %s (exit 2)', async (_label, text, message) => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'answers.json'), text);
    const run = await runMain(['--answers', 'answers.json', '--yes'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(Object.keys(treeSnapshot(cwd))).toEqual(['answers.json']);
  });

  it('a missing answers file is a usage error', async () => {
    const cwd = tempDir();
    const run = await runMain(['--answers', 'nope.json'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--answers .*nope\.json: ENOENT/);
  });
});

describe('colour', () => {
  // util.styleText reads the colour variables from process.env: clear them for these two.
  const withoutColourEnv = async <T>(fn: () => Promise<T>): Promise<T> => {
    const saved = { FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR, NODE_DISABLE_COLORS: process.env.NODE_DISABLE_COLORS };
    for (const k of Object.keys(saved)) delete process.env[k];
    try {
      return await fn();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  };

  it('no ANSI on a non-TTY stderr; colour on a TTY stderr', async () => {
    const cwd = tempDir();
    const plain = await withoutColourEnv(() => runMain(['app', '--yes', '--framework', 'django'], { cwd }));
    expect(plain.stderr).toMatch(/^error: /);
    expect(plain.stderr).not.toContain('\x1b[');
    const tty = await withoutColourEnv(() => runMain(['app', '--yes', '--framework', 'django'], { cwd, tty: true }));
    expect(tty.stderr).toMatch(/^\x1b\[31merror: /);
  });
});

// ---------------------------------------------------------------------------------------------
// The built bin, spawned with stdin closed: what a user or a CI job runs.

describe('the built CLI (node dist/create-python-docker-app.js)', () => {
  beforeAll(() => assertBuilt());

  it('--help and --version exit 0 on stdout with no side effects', () => {
    const cwd = tempDir();
    const help = runBin(['--help'], { cwd });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('npm create python-docker-app@latest my-api -- --framework fastapi');
    expect(help.stdout).toContain('--no-postgres');
    expect(help.stderr).toBe('');
    const version = runBin(['-v'], { cwd });
    expect(version).toMatchObject({ status: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('--yes generates a project (exit 0, human report on stderr only)', () => {
    const cwd = tempDir();
    const run = runBin(['api', '--yes'], { cwd });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Done: \d+ file\(s\) written to /);
    expect(run.stderr).toContain('cd api');
    expect(run.stderr).not.toContain('\x1b[');
    expect(listFiles(path.join(cwd, 'api'))).toContain('Dockerfile');
  });

  it('without a terminal and without --yes exits 2 at once and names the missing flags', () => {
    const cwd = tempDir();
    const run = runBin(['api'], { cwd, timeoutMs: 10_000 });
    expect(run.status).toBe(2);
    expect(run.signal).toBeNull();
    expect(run.stderr).toContain('--framework');
    expect(run.stderr).toContain('--postgres/--no-postgres');
    expect(run.ms).toBeLessThan(5_000);
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('never waits on a piped stdin, even with text on it', () => {
    const cwd = tempDir();
    const run = runBin([], { cwd, input: 'my-app\n', timeoutMs: 10_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('[directory]');
  });

  it('CI=true exits 2 (never asks) and --yes in CI works', () => {
    const cwd = tempDir();
    expect(runBin(['api'], { cwd, env: { CI: 'true' } }).status).toBe(2);
    const ok = runBin(['api', '--yes', '--json'], { cwd, env: { CI: 'true' } });
    expect(ok.status, ok.stderr).toBe(0);
    expect(parseJson(ok.stdout).ok).toBe(true);
  });

  it('refuses a non-empty directory with exit 1 and leaves it unchanged', () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'api'));
    writeFileSync(path.join(cwd, 'api', 'main.py'), 'print("mine")\n');
    const before = treeSnapshot(cwd);
    const run = runBin(['api', '--yes'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('api is not empty');
    expect(run.stderr).toContain('  main.py');
    expect(treeSnapshot(cwd)).toEqual(before);
  });

  it.each([['../api'], ['/tmp/api'], ['My API'], ['1api'], ['api;rm -rf ~']])('refuses the name %j with exit 2 and one line saying what is allowed', (name) => {
    const cwd = tempDir();
    const run = runBin([name, '--yes'], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain("use lower-case letters, digits and single '-' or '_' between them, starting with a letter");
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('an unknown flag exits 2 with a suggestion', () => {
    const run = runBin(['api', '--yes', '--dockerfle', 'standard'], { cwd: tempDir() });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('did you mean --dockerfile?');
  });

  it('--json keeps stdout to one document even when refusing', () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'api'));
    writeFileSync(path.join(cwd, 'api', 'x'), '');
    const run = runBin(['api', '--yes', '--json'], { cwd, env: { FORCE_COLOR: '1' } });
    expect(run.status).toBe(1);
    expect(parseJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'not-empty', exitCode: 1 } });
    expect(run.stdout).not.toContain('\x1b[');
  });

  it('colour: FORCE_COLOR turns it on without a TTY; NO_COLOR and a pipe keep it off', () => {
    const cwd = tempDir();
    const argv = ['api', '--yes', '--framework', 'django'];
    expect(runBin(argv, { cwd, env: { FORCE_COLOR: '1' } }).stderr).toContain('\x1b[31merror:');
    expect(runBin(argv, { cwd }).stderr).not.toContain('\x1b[');
    expect(runBin(argv, { cwd, env: { NO_COLOR: '1' } }).stderr).not.toContain('\x1b[');
  });

  it('every framework is accepted by the built CLI', () => {
    for (const framework of FRAMEWORKS) {
      const run = runBin([`api-${framework}`, '--yes', '--framework', framework, '--dry-run', '--json'], { cwd: tempDir() });
      expect(run.status, run.stderr).toBe(0);
      expect(parseJson(run.stdout).options.framework).toBe(framework);
    }
  });
});
