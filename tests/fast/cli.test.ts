// The CLI contract (issues 2 and 5): flags, --yes, non-interactive behaviour, exit codes, the
// non-empty-directory refusal, --dry-run, --json, the answers file, colour. In-process runs of
// main() first, then the built bin spawned as a user (or a CI job) would run it.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { DOCKERFILE_VARIANTS, FRAMEWORKS, PROJECT_OPTIONS, PYTHON_VERSIONS, defaultAnswers, listText, useOf } from '../../src/options/table.js';
import { assertBuilt, BIN, cleanEnv, listFiles, PACKAGE_VERSION, runBin, runMain, tempDir, treeSnapshot, removeTempDirs } from '../support/cli-run.js';
import { BASE_FILE } from '../../src/engine/base-record.js';

afterAll(removeTempDirs);

const ALL_FLAGS = ['--description', 'x', '--framework', 'flask', '--python', '3.12', '--no-postgres', '--redis', '--dockerfile', 'standard', '--package-manager', 'pip'];

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
      // At most 80 columns: an entry's text wraps onto indented lines of its own.
      expect(run.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
      const entries = run.stdout.replace(/\n {37}/g, ' ').split('\n');
      for (const spec of PROJECT_OPTIONS) {
        const line = entries.find((l) => l.trimStart().startsWith(`--${spec.flag}`));
        expect(line, `help entry for --${spec.flag}`).toBeDefined();
        const shown = spec.kind === 'text' ? JSON.stringify(spec.default) : spec.kind === 'list' ? listText(spec, spec.default as unknown as string[]) : String(spec.default);
        expect(line).toContain(`(default: ${shown})`);
        if (spec.kind === 'choice') expect(line).toContain(spec.choices.join('|'));
        if (spec.kind === 'boolean') expect(line).toContain(`--no-${spec.flag}`);
      }
      for (const control of ['-y, --yes', '--overwrite', '--dry-run', '--json', '--answers', '--interactive', '-h, --help', '-v, --version'])
        expect(run.stdout).toContain(control);
      expect(run.stdout).toContain('npm create python-docker-app@latest my-api -- --framework fastapi');
      expect(run.stdout.replace(/\n/g, ' ')).toMatch(/Exit codes: 0 .*1 .*2 .*130 .*143/);
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
    [['app', '--yes', '--postgres=false'], /^error: --postgres takes no value: write --postgres or --no-postgres \(got --postgres=false\); see --help$/m],
    [['app', '--yes', '--no-postgres=true'], /^error: --postgres takes no value: write --postgres or --no-postgres \(got --no-postgres=true\); see --help$/m],
    [['app', '--yes=1'], /^error: --yes takes no value: write --yes \(got --yes=1\); see --help$/m],
    [['app', 'other', '--yes'], /at most one directory, got 2: app other/],
    [['app', '--no-yes'], /--no-yes is not a flag/],
    [['app', '--yes', '--description', 'two\nlines'], /one line of text without control characters/],
    [['app', '--yes', '--description', 'x'.repeat(201)], /at most 200/],
    [['add', 'foo'], /^error: expected `add docker` or `add kubernetes` or `add devcontainer` or `add worker` or `add deploy <target>`, got `add foo`; see add --help$/m],
    [['add'], /^error: expected `add docker` or .*, got nothing after it; see add --help$/m],
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

describe('no silent surprises', () => {
  it.each([
    [['app', '--yes', '--postgres', '--no-postgres'], /--postgres and --no-postgres contradict each other/],
    [['app', '--yes', '--no-redis', '--redis'], /--no-redis and --redis contradict each other/],
    [['app', '--yes', '--framework', 'flask', '--framework=fastapi'], /--framework is given twice with different values \("flask" and "fastapi"\)/],
    [['app', '--yes', '--description', 'a', '--description', 'b'], /--description is given twice/],
  ])('contradicting flags %j are a usage error, not "the last one wins"', async (argv, message) => {
    const cwd = tempDir();
    const run = await runMain(argv, { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('the same flag twice with the same value is accepted', async () => {
    const run = await runMain(['app', '--yes', '--no-redis', '--no-redis', '--framework', 'flask', '--framework', 'flask', '--dry-run', '--json'], { cwd: tempDir() });
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson(run.stdout).options).toMatchObject({ redis: false, framework: 'flask' });
  });

  it('--help --json and --version --json are one JSON document each', async () => {
    const help = parseJson((await runMain(['--help', '--json'], { cwd: tempDir() })).stdout);
    expect(help).toMatchObject({ schemaVersion: 1, ok: true, help: { command: 'create' } });
    const flags = help.help.options.map((o: { flag: string }) => o.flag);
    for (const spec of PROJECT_OPTIONS) expect(flags).toContain(`--${spec.flag}`);
    expect(help.help.options.find((o: { flag: string }) => o.flag === '--framework')).toMatchObject({ kind: 'choice', values: [...FRAMEWORKS], default: 'fastapi' });
    const add = parseJson((await runMain(['add', 'docker', '--help', '--json'], { cwd: tempDir() })).stdout);
    expect(add.help.options.find((o: { flag: string }) => o.flag === '--app')).toMatchObject({ required: false, detectedFrom: expect.any(String) });
    expect(parseJson((await runMain(['--version', '--json'], { cwd: tempDir() })).stdout)).toEqual({ schemaVersion: 1, ok: true, version: PACKAGE_VERSION });
  });

  it.each([[''], ['   ']])('a blank description %j is refused, not rendered as empty text', async (description) => {
    const run = await runMain(['app', '--yes', '--description', description], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the description is blank/);
  });

  it('the description limit counts characters as Python does (code points), not UTF-16 units', async () => {
    const emoji = '🚀'.repeat(200); // 200 characters, 400 UTF-16 units
    const run = await runMain(['app', '--yes', '--dry-run', '--json', '--description', emoji], { cwd: tempDir() });
    expect(run.code, run.stderr).toBe(0);
    const over = await runMain(['app', '--yes', '--description', `${emoji}!`], { cwd: tempDir() });
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/is 201 characters long; at most 200/);
  });
});

describe('without a terminal it never asks', () => {
  it('exits 2 naming every missing flag when neither --yes nor the flags are given', async () => {
    const cwd = tempDir();
    const run = await runMain(['app'], { cwd });
    expect(run.code).toBe(2);
    // Options added later and off by default (--deploy) take their default without --yes.
    for (const spec of PROJECT_OPTIONS) {
      const flag = spec.kind === 'boolean' ? `--${spec.flag}/--no-${spec.flag}` : `--${spec.flag}`;
      if (useOf(spec, 'create').defaultWithoutYes) expect(run.stderr).not.toContain(flag);
      else expect(run.stderr).toContain(flag);
    }
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
      packageManager: 'pip',
      deploy: [],
      // Added after 0.1, so on by default even without --yes (migrations only with PostgreSQL).
      migrations: false,
      ci: 'github',
      dependabot: true,
      lint: true,
      devcontainer: true,
      // Added later still, and off by default (a worker needs PostgreSQL and Redis anyway).
      worker: 'none',
      // Beat only with the worker: off.
      beat: false,
    });
  });

  it.each([['--no-redis'], ['--no-postgres']])('--worker celery with %s is refused in one line naming what the worker needs (exit 2)', async (without) => {
    const cwd = tempDir();
    const run = await runMain(['app', '--yes', '--worker', 'celery', without], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['error: --worker celery needs --postgres and --redis: Redis carries the tasks to the worker, and the example task reads its item from PostgreSQL']);
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
    expect(run.stderr).toContain('pass --name <name> to name the project (or rename the directory)');
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('a directory argument is a path: its last part names the project, missing parents are created', async () => {
    const cwd = tempDir();
    const outside = tempDir();
    const cases: [target: string, dir: string][] = [
      ['./orders', path.join(cwd, 'orders')],
      ['services/billing/api', path.join(cwd, 'services', 'billing', 'api')],
      [path.join(outside, 'abs', 'shop'), path.join(outside, 'abs', 'shop')],
      [`../${path.basename(outside)}/sibling`, path.join(outside, 'sibling')],
    ];
    for (const [target, dir] of cases) {
      const run = await runMain([target, '--yes', '--json'], { cwd });
      expect(run.code, `${target}: ${run.stderr}`).toBe(0);
      const doc = parseJson(run.stdout);
      expect(doc.projectDir).toBe(dir);
      expect(doc.options.name).toBe(path.basename(dir));
      expect(JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')).answers.name).toBe(path.basename(dir));
    }
  });

  it('--name names the project when the folder name is not a valid name; without it, exit 2 names --name', async () => {
    const cwd = tempDir();
    const refused = await runMain(['My Service', '--yes'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/"My Service" is not allowed.*pass --name <name>/);
    expect(treeSnapshot(cwd)).toEqual({});

    const run = await runMain(['My Service', '--yes', '--name', 'my-service', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson(run.stdout)).toMatchObject({ projectDir: path.join(cwd, 'My Service'), options: { name: 'my-service' } });
    expect(readFileSync(path.join(cwd, 'My Service', 'compose.yaml'), 'utf8')).toContain('name: "my-service"');
    // Without a directory, --name is also the folder.
    const named = await runMain(['--yes', '--name', 'billing', '--json', '--dry-run'], { cwd });
    expect(parseJson(named.stdout).projectDir).toBe(path.join(cwd, 'billing'));
    // An invalid --name is a usage error like any invalid value.
    const bad = await runMain(['ok', '--yes', '--name', 'Bad Name'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--name: the project name "Bad Name" is not allowed/);
  });

  it('the project folder gets the mode the umask gives, not a temporary folder\'s 0700', async () => {
    const cwd = tempDir();
    expect((await runMain(['svc', '--yes'], { cwd })).code).toBe(0);
    const expected = 0o777 & ~process.umask();
    expect(statSync(path.join(cwd, 'svc')).mode & 0o777).toBe(expected);
    expect(statSync(path.join(cwd, 'svc', 'app')).mode & 0o777).toBe(expected);
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

describe('the next steps', () => {
  // A folder whose path has a space, a quote and a non-ASCII letter on the way.
  const awkward = "my repos/it's ünï";
  it.each([
    ['create', (where: string) => [`${where}/svc`, '--yes']],
    ['add kubernetes', (where: string) => ['add', 'kubernetes', '--dir', `${where}/svc`, '--yes']],
    ['add deploy ecs', (where: string) => ['add', 'deploy', 'ecs', '--dir', `${where}/svc`, '--yes']],
  ] as const)('%s: the first line, cd into the folder, works pasted into a shell', async (_label, argv) => {
    const cwd = tempDir();
    if (_label !== 'create') expect((await runMain([`${awkward}/svc`, '--yes'], { cwd })).code).toBe(0);
    const run = await runMain([...argv(awkward), '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const [cd] = (JSON.parse(run.stdout) as { nextSteps: string[] }).nextSteps;
    const shell = spawnSync('sh', ['-c', `${cd} && pwd -P`], { cwd, encoding: 'utf8' });
    expect(shell.status, `${cd}: ${shell.stderr}`).toBe(0);
    expect(shell.stdout.trim()).toBe(path.join(realpathSync(cwd), awkward, 'svc'));
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
    const flags = ['--description', 'Orders: "quoted" # not a comment', '--framework', 'flask', '--python', '3.14', '--postgres', '--no-redis', '--dockerfile', 'multi-stage', '--package-manager', 'uv'];
    expect((await runMain(['orders', ...flags], { cwd })).code).toBe(0);
    const { files: recorded, ...stamped } = JSON.parse(readFileSync(path.join(cwd, 'orders', ANSWERS_FILE), 'utf8'));
    expect(stamped).toEqual({
      generator: 'create-python-docker-app',
      version: PACKAGE_VERSION,
      answers: { name: 'orders', description: 'Orders: "quoted" # not a comment', framework: 'flask', python: '3.14', postgres: true, redis: false, dockerfile: 'multi-stage', packageManager: 'uv', deploy: [], migrations: true, ci: 'github', dependabot: true, lint: true, devcontainer: true, worker: 'none', beat: false },
    });
    // The record `update` merges against: every other file, by its sha256 (and BASE_FILE, its text).
    // .env and the secret files are the user's: never recorded, and never reproduced.
    expect(Object.keys(recorded).sort()).toEqual(listFiles(path.join(cwd, 'orders')).filter((f) => f !== ANSWERS_FILE && f !== BASE_FILE && f !== '.env' && !f.startsWith('secrets/')).sort());

    const elsewhere = tempDir();
    const run = await runMain(['--answers', path.join(cwd, 'orders', ANSWERS_FILE)], { cwd: elsewhere });
    expect(run.code, run.stderr).toBe(0);
    const withoutEnv = (tree: Record<string, unknown>) => Object.fromEntries(Object.entries(tree).filter(([f]) => f !== '.env' && !f.startsWith('secrets/')));
    const original = treeSnapshot(path.join(cwd, 'orders'));
    expect(Object.keys(original).length).toBeGreaterThan(5);
    expect(withoutEnv(treeSnapshot(path.join(elsewhere, 'orders')))).toEqual(withoutEnv(original));
    // Each project has a password of its own.
    const password = (dir: string) => readFileSync(path.join(dir, 'orders', 'secrets', 'postgres_password'), 'utf8');
    expect(password(elsewhere)).not.toBe(password(cwd));
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
    // The folder's name does not replace the recorded name (that would change 20+ files); --name does.
    expect(parseJson(run.stdout).options).toMatchObject({ name: 'orders', framework: 'fastapi' });
    const named = await runMain(['copy', '--answers', path.join('orders', ANSWERS_FILE), '--name', 'copy', '--json', '--dry-run'], { cwd });
    expect(parseJson(named.stdout).options).toMatchObject({ name: 'copy', framework: 'flask' });
  });

  it.each([
    ['not json', '{', /--answers .*JSON/],
    ['no answers object', '{"answers": 3}', /expected an object with an "answers" object/],
    ['an invalid choice', '{"answers": {"framework": "django"}}', /"framework" must be one of fastapi, flask \(got "django"\)/],
    ['an invalid name', '{"answers": {"name": "../x"}}', /"name": the project name "\.\.\/x" is a path, not a name: use lower-case letters/],
    ['a multi-line description', '{"answers": {"description": "a\\nb"}}', /"description" is refused: the description must be one line of text/],
  ])('refuses an answers file with %s (exit 2)', async (_label, text, message) => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'answers.json'), text);
    const run = await runMain(['--answers', 'answers.json', '--yes'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(Object.keys(treeSnapshot(cwd))).toEqual(['answers.json']);
  });

  it('refuses an unknown key, naming it and the nearest known one, instead of dropping it', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({ answers: { name: 'x', framwork: 'flask' } }));
    const run = await runMain(['--answers', 'answers.json', '--yes'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown key "framwork" \(did you mean "framework"\?\)/);
    expect(Object.keys(treeSnapshot(cwd))).toEqual(['answers.json']);
  });

  it('reads only a bounded regular file: /dev/zero, a named pipe, a directory and a huge file are refused at once', async () => {
    const cwd = tempDir();
    const fifo = path.join(cwd, 'pipe.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    writeFileSync(path.join(cwd, 'huge.json'), `{"answers": {}, "pad": "${'x'.repeat(70 * 1024)}"}`);
    mkdirSync(path.join(cwd, 'dir.json'));
    const cases: [file: string, message: RegExp][] = [
      ['/dev/zero', /not a regular file \(a character device\)/],
      [fifo, /not a regular file \(a named pipe\)/],
      ['dir.json', /not a regular file \(a directory\)/],
      ['huge.json', /larger than the 65536 bytes allowed/],
    ];
    for (const [file, message] of cases) {
      const started = Date.now();
      const run = await runMain(['--answers', file, '--yes', '--dry-run'], { cwd });
      expect(run.code, file).toBe(2);
      expect(run.stderr, file).toMatch(message);
      expect(run.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(Date.now() - started, `${file} was not refused at once`).toBeLessThan(2000);
    }
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

  it('a path is a target: ./svc, sub/dir/svc (parents created) and an absolute path each give a project named svc', () => {
    const cwd = tempDir();
    for (const target of ['./svc', 'sub/dir/svc', path.join(tempDir(), 'abs', 'svc')]) {
      const run = runBin([target, '--yes', '--json'], { cwd });
      expect(run.status, `${target}: ${run.stderr}`).toBe(0);
      const doc = parseJson(run.stdout);
      expect(doc.projectDir).toBe(path.resolve(cwd, target));
      expect(doc.options.name).toBe('svc');
      expect(existsSync(path.join(path.resolve(cwd, target), 'compose.yaml'))).toBe(true);
    }
  });

  it.each([['My API'], ['1api'], ['api;rm -rf ~']])('refuses the name %j with exit 2 and one line saying what is allowed', (name) => {
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
    // NO_COLOR is the user saying "never": it wins over FORCE_COLOR (Node would let FORCE_COLOR win).
    const both = runBin(argv, { cwd, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.stderr).not.toContain('\x1b[');
    expect(both.stderr).toMatch(/^error: /);
  });

  it('a reader that closes the pipe early (--help | head) ends the run quietly, exit 0', async () => {
    // The reading end is closed before the CLI has started, so its first write meets EPIPE.
    const child = spawn(process.execPath, [BIN, '--help'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('every framework is accepted by the built CLI', () => {
    for (const framework of FRAMEWORKS) {
      const run = runBin([`api-${framework}`, '--yes', '--framework', framework, '--dry-run', '--json'], { cwd: tempDir() });
      expect(run.status, run.stderr).toBe(0);
      expect(parseJson(run.stdout).options.framework).toBe(framework);
    }
  });
});
