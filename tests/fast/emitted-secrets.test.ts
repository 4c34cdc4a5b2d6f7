// Nothing lost, nothing leaked (issue 20, items 1 to 3), for every option combination, with and
// without Kubernetes and migrations and the optional files, read from the rendered texts:
//  - every path an emitted code block or comment has the user create (cp, > and >>,
//    --from-env-file/--from-file: tests/support/created-paths.ts parses them) that holds a
//    secret is ignored by git (real `git check-ignore` against the rendered .gitignore) and kept
//    out of the build context (@balena/dockerignore, Docker's own matching rules; the stack
//    journey checks the built image's files on the real engine), and is created only when it is
//    missing: no documented command replaces the user's file;
//  - no emitted file carries a secret value: secret-named assignments are empty or a reference,
//    and every password in an emitted URL is one the app refuses (the real settings module, run
//    with Python);
//  - `create` writes a new project's secret files (secrets/postgres_password, issue 23) with
//    random values, never replaces one, and never records them for `update`; .env and
//    .env.example carry no password; the README's commands for a fresh clone make them the
//    same way;
//  - no emitted script removes anything of the default Compose project (scripts/smoke-test runs
//    as a project of its own, and reads and writes no .env).
// Each check is shown to fail on the fault it guards.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseShell } from 'shell-quote';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { inBuildContext } from '../support/build-context.js';
import { BASE_FILE } from '../../src/engine/base-record.js';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { SECRET_ENV_NAMES } from '../../src/features/local-env.js';
import { randomSecret } from '../../src/features/secret-files.js';
import { comboId, type ProjectOptions } from '../../src/options/table.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { listFiles, removeTempDirs, runMain, SYNTAX_PYTHON, tempDir, treeSnapshot } from '../support/cli-run.js';
import { commandLines, createdPaths, holdsSecret, type CreatedPath } from '../support/created-paths.js';
import { generateInto, render } from '../support/generate.js';

afterAll(() => removeTempDirs());

type Variant = Partial<ProjectOptions>;
const VARIANTS: [string, Variant][] = combinationsUnderTest({ keep: ['flask-pg-redis-standard-uv', 'fastapi-pg-redis-multi-stage-pip'] }).flatMap((o) => {
  const id = comboId(o);
  return [
    [id, o],
    [`${id} --deploy kubernetes`, { ...o, deploy: ['kubernetes'] }],
    ...(o.postgres ? ([[`${id} --no-migrations --deploy kubernetes`, { ...o, migrations: false, deploy: ['kubernetes'] }]] as [string, Variant][]) : []),
    [`${id} --no-ci --no-lint --no-dependabot`, { ...o, ci: 'none', lint: false, dependabot: false }],
  ] as [string, Variant][];
});
const rendered = new Map(VARIANTS.map(([id, options]) => [id, render(options)]));
const filesOf = (id: string): RenderedFile[] => rendered.get(id)!;
const textOf = (files: RenderedFile[], p: string): string => files.find((f) => f.path === p)?.contents ?? '';

/** The created paths that hold a secret, once each. */
function secretPaths(files: RenderedFile[]): CreatedPath[] {
  const seen = new Set<string>();
  return createdPaths(files).filter((p) => holdsSecret(p, files) && !seen.has(p.path) && seen.add(p.path));
}

/**
 * The paths git would offer to commit under this .gitignore: `git check-ignore` in a fresh
 * repository. Most variants share their .gitignore and secret files: each distinct pair is asked once.
 */
const gitVerdicts = new Map<string, string[]>();
function notIgnoredByGit(gitignore: string, paths: string[]): string[] {
  const key = JSON.stringify([gitignore, paths]);
  if (!gitVerdicts.has(key)) gitVerdicts.set(key, askGit(gitignore, paths));
  return [...gitVerdicts.get(key)!];
}

function askGit(gitignore: string, paths: string[]): string[] {
  const repo = tempDir('cpda-gitignore-');
  spawnSync('git', ['init', '-q', repo], { encoding: 'utf8' });
  writeFileSync(path.join(repo, '.gitignore'), gitignore);
  for (const p of paths) {
    mkdirSync(path.dirname(path.join(repo, p)), { recursive: true });
    writeFileSync(path.join(repo, p), 'planted secret\n');
  }
  const r = spawnSync('git', ['-C', repo, 'check-ignore', '--stdin'], { input: paths.join('\n'), encoding: 'utf8' });
  const ignored = new Set(r.stdout.split('\n').filter(Boolean));
  return paths.filter((p) => !ignored.has(p));
}


/** What is wrong with the secret files a project's texts have the user create; empty when nothing is. */
function leakFindings(files: RenderedFile[]): string[] {
  const paths = secretPaths(files);
  const names = paths.map((p) => p.path);
  return [
    ...notIgnoredByGit(textOf(files, '.gitignore'), names).map((p) => `${p}: not ignored by git`),
    ...inBuildContext(textOf(files, '.dockerignore'), names).map((p) => `${p}: in the build context`),
    ...paths.filter((p) => (p.how === 'cp' || p.how === '>') && !p.guarded).map((p) => `${p.path}: \`${p.command.trim()}\` (${p.file}) replaces an existing one`),
  ];
}

const replaceIn = (files: RenderedFile[], p: string, edit: (text: string) => string): RenderedFile[] =>
  files.map((f) => (f.path === p ? { ...f, contents: edit(f.contents) } : f));

describe('secret files the texts have the user create', () => {
  test.each(VARIANTS.map(([id]) => [id]))('%s: each is git-ignored, out of the build context, and never replaced', (id) => {
    const files = filesOf(id);
    const paths = secretPaths(files).map((p) => p.path);
    // Found by parsing, so never none: the README makes .env, Kubernetes' READMEs a Secret's file.
    expect(paths.length, `${id}: no secret file found in the texts`).toBeGreaterThan(0);
    expect(leakFindings(files), id).toEqual([]);
  });

  test("the parser finds .env and the Kubernetes Secret's file with the command that makes them", () => {
    const found = createdPaths(filesOf('flask-pg-redis-standard-uv --deploy kubernetes'));
    expect(found.some((p) => p.path === '.env' && p.file === 'README.md' && p.how === 'cp' && p.guarded)).toBe(true);
    expect(found.some((p) => p.path === 'secrets/postgres_password' && p.file === 'README.md' && p.how === '>' && p.guarded)).toBe(true);
    expect(found.some((p) => p.how === '--from-env-file' && p.file === 'deploy/kubernetes/README.md')).toBe(true);
    expect(found.some((p) => p.how === 'cp' && p.file === 'deploy/kubernetes/README.md' && p.guarded)).toBe(true);
  });

  test('a `[ -e x ] ||` guard covers the commands of the ( ... ) group that follows it, and only those', () => {
    const readme = (line: string): RenderedFile[] => [{ path: 'README.md', contents: `\`\`\`sh\n${line}\n\`\`\`\n` }];
    const made = (line: string) => createdPaths(readme(line)).filter((p) => p.path === 'secrets/a').map((p) => p.guarded);
    expect(made("[ -e secrets/a ] || (umask 022 && printf '%s' x > secrets/a)")).toEqual([true]);
    expect(made("(umask 022 && printf '%s' x > secrets/a)")).toEqual([false]);
    expect(made("[ -e secrets/b ] || (umask 022) && printf '%s' x > secrets/a")).toEqual([false]);
  });

  test("the Kubernetes Secret of files is made from the project's own secret file, which git and the build ignore", () => {
    const files = filesOf('flask-pg-redis-standard-uv --deploy kubernetes');
    const found = createdPaths(files);
    expect(found.some((p) => p.how === '--from-file' && p.path === 'secrets/postgres_password' && p.file === 'deploy/kubernetes/README.md')).toBe(true);
    expect(leakFindings(files).filter((f) => f.startsWith('secrets/'))).toEqual([]);
  });

  test("prod's Secret of files is made from a file of its own, never the one the local stack's database was made with; git and the build ignore it", () => {
    const files = filesOf('flask-pg-redis-standard-uv --deploy kubernetes');
    const fromFile = createdPaths(files).filter((p) => p.how === '--from-file' && p.file === 'deploy/kubernetes/README.md');
    const sources = (dev: boolean) => [...new Set(fromFile.filter((p) => /-n \S+-dev /.test(p.command) === dev).map((p) => p.path))];
    expect(sources(true)).toEqual(['secrets/postgres_password']);
    expect(sources(false)).toEqual(['deploy/kubernetes/overlays/prod/secrets/postgres_password']);
    expect(leakFindings(files).filter((f) => f.includes('overlays/prod/secrets'))).toEqual([]);
  });

  const k8s = 'fastapi-pg-redis-multi-stage-pip --deploy kubernetes';
  test('planted: a .gitignore without the Secret file pattern offers it to git', () => {
    const files = replaceIn(filesOf(k8s), '.gitignore', (t) => t.replace(/^\*secret\*\.env$/m, ''));
    expect(leakFindings(files).filter((f) => f.endsWith('not ignored by git'))).not.toEqual([]);
  });

  test('planted: a .dockerignore without .env puts it in the build context', () => {
    const files = replaceIn(filesOf(k8s), '.dockerignore', (t) => t.replace(/^\*\*\/\.env$/m, ''));
    expect(leakFindings(files)).toContain('.env: in the build context');
  });

  test('planted: a new secret file in a README, which no ignore file names, is found and reported', () => {
    const files = replaceIn(filesOf(k8s), 'deploy/kubernetes/README.md', (t) => `${t}\n\`\`\`sh\ncp deploy/kubernetes/base/secret.example prod-credentials.txt\nkubectl create secret generic x --from-file=deploy/db-password.txt\n\`\`\`\n`);
    const findings = leakFindings(files);
    expect(findings).toContain('deploy/db-password.txt: not ignored by git');
    expect(findings).toContain('prod-credentials.txt: in the build context');
  });

  test("planted: the old Quick start's `cp .env.example .env` is reported: it replaces the user's .env", () => {
    const files = replaceIn(filesOf(k8s), 'README.md', (t) => t.replace('## Quick start\n', '## Quick start\n\n```sh\ncp .env.example .env\n```\n'));
    expect(leakFindings(files)).toContain('.env: `cp .env.example .env` (README.md) replaces an existing one');
  });
});

/** Secret-named assignments (NAME=value, NAME: value) and passwords in URLs, in any text. */
interface SecretValue {
  file: string;
  what: string;
  value: string;
}
const SECRET_NAME = /^[A-Z][A-Z0-9_]*(PASSWORD|SECRET|TOKEN|PASSWD|API_KEY|PRIVATE_KEY)[A-Z0-9_]*$/;
/**
 * Not a value: empty, a variable or command substitution (`${NAME}`, `$name`, `$(...)`), a sed
 * pattern's end anchor or wildcard (`s/^NAME=\$/.../`), or the start of a code collection
 * (the app's own list of refused placeholders), or a value made at run time by Python's `secrets`
 * (the settings tests' samples).
 */
const isReference = (value: string) => value === '' || /^(\$|\\\$$|\.\*|[{[(])/.test(value) || /^secrets\.token_\w+\(\)[,}]?$/.test(value);

function secretValues(files: RenderedFile[]): SecretValue[] {
  const found: SecretValue[] = [];
  // The base record holds the other files' text again (JSON-escaped): they are read themselves.
  for (const file of files.filter((f) => f.path !== BASE_FILE)) {
    // A lookahead, so that assignments inside one another (a sed expression) are each seen.
    for (const m of file.contents.matchAll(/(?<![A-Za-z0-9_{$])(?=([A-Z][A-Z0-9_]*)["']?[ \t]*(?:=|:)[ \t]*["']?([^\s#/"';]*))/g)) {
      if (SECRET_NAME.test(m[1]!)) found.push({ file: file.path, what: m[1]!, value: m[2]! });
    }
    // scheme://user:password@host: the password, as the URL parser reads it.
    for (const m of file.contents.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:"'`]*:([^\s@/"'`]*)@/g)) found.push({ file: file.path, what: 'a URL password', value: m[1]! });
  }
  return found;
}

/**
 * The passwords the rendered app refuses, each written to its secret file, as its own settings
 * module says. Flask's needs the standard library and SQLAlchemy's URL only: a stand-in
 * `sqlalchemy` module gives it one, so no package is installed for this.
 */
function refusedByTheApp(values: string[]): Map<string, string> {
  const dir = generateInto({ name: 'refuses', framework: 'flask', postgres: true, redis: true }, tempDir('cpda-refuse-'));
  mkdirSync(path.join(dir, 'stub', 'sqlalchemy'), { recursive: true });
  writeFileSync(path.join(dir, 'stub', 'sqlalchemy', '__init__.py'), 'class URL:\n    @staticmethod\n    def create(*a, **k):\n        return URL()\n\n    def render_as_string(self, hide_password=True):\n        return "postgresql+psycopg://"\n');
  const script = [
    'import importlib.util, json, os, sys, tempfile',
    'sys.path.insert(0, "stub")',
    'spec = importlib.util.spec_from_file_location("settings", "app/settings.py")',
    'settings = importlib.util.module_from_spec(spec); spec.loader.exec_module(settings)',
    'out = {}',
    'for value in json.loads(sys.stdin.read()):',
    '    secrets = tempfile.mkdtemp()',
    '    with open(os.path.join(secrets, "postgres_password"), "w") as f:',
    '        f.write(value + "\\n")',
    '    env = {"POSTGRES_HOST": "db", "POSTGRES_USER": "app", "POSTGRES_DB": "app", "SECRETS_DIR": secrets, "REDIS_URL": "redis://redis:6379/0"}',
    '    try:',
    '        settings.Settings.from_env(env); out[value] = ""',
    '    except settings.SettingsError as error:',
    '        out[value] = str(error)',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(SYNTAX_PYTHON, ['-c', script], { cwd: dir, input: JSON.stringify(values), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python: ${r.stderr}`);
  return new Map(Object.entries(JSON.parse(r.stdout) as Record<string, string>));
}

describe('no emitted file carries a secret value', () => {
  const all = VARIANTS.flatMap(([id]) => secretValues(filesOf(id)).map((v) => ({ ...v, id })));

  test('every secret-named assignment, in every file of every combination, is empty or a reference', () => {
    const assignments = all.filter((v) => v.what !== 'a URL password');
    // POSTGRES_PASSWORD (.env.example, compose.yaml, the dev StatefulSet) at least.
    expect(assignments.length).toBeGreaterThan(0);
    expect(assignments.filter((v) => !isReference(v.value)).map((v) => `${v.id}: ${v.file}: ${v.what}=${v.value}`)).toEqual([]);
  });

  test('.env.example and the Kubernetes secret.example files leave every value of a secret empty', () => {
    for (const [id] of VARIANTS) {
      const files = filesOf(id);
      for (const [name, value] of [...textOf(files, '.env.example').matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const))
        if (SECRET_ENV_NAMES.includes(name)) expect(value, `${id}: .env.example ${name}`).toBe('');
      for (const file of files.filter((f) => f.path.endsWith('secret.example')))
        for (const m of file.contents.matchAll(/^([A-Z_]+)=(.*)$/gm)) expect(m[2], `${id}: ${file.path} ${m[1]}`).toBe('');
    }
  });

  test('every password in an emitted URL is a placeholder the app refuses, and .env.example names no password at all', () => {
    const shown = [...new Set(all.filter((v) => v.what === 'a URL password' && !isReference(v.value)).map((v) => v.value))];
    // test_store.py's normalisation samples at least (`postgresql://USER:PASSWORD@...`).
    expect(shown.length).toBeGreaterThan(0);
    const verdicts = refusedByTheApp(shown);
    for (const value of shown) expect(verdicts.get(value), `the app takes the password ${JSON.stringify(value)}`).toBe('postgres_password is a placeholder password: set a real one');
    for (const [id] of VARIANTS) expect(textOf(filesOf(id), '.env.example'), id).not.toMatch(/PASSWORD/);
  });

  test('every password that ever shipped, in the secret file, is refused by the app, naming the file; a random one is taken', () => {
    const shipped = ['change-me', 'CHANGE-ME', 'secret'];
    const random = randomSecret();
    const verdicts = refusedByTheApp([...shipped, '', random]);
    for (const value of shipped) expect(verdicts.get(value), `the app takes the password ${JSON.stringify(value)}`).toBe('postgres_password is a placeholder password: set a real one');
    // An empty file (a newline only): named by its path.
    expect(verdicts.get('')).toMatch(/\/postgres_password is empty: the secret postgres_password needs a value$/);
    expect(verdicts.get(random), 'a random password').toBe('');
  });

  test('planted: a password back in .env.example, or a value in a URL, is found', () => {
    const files = replaceIn(filesOf('flask-pg-redis-standard-uv'), '.env.example', (t) => `${t}POSTGRES_PASSWORD=change-me\n`.replace(/^REDIS_URL=.*$/m, 'REDIS_URL=redis://:hunter2hunter2@127.0.0.1:6379/0'));
    const values = secretValues(files).filter((v) => v.file === '.env.example' && !isReference(v.value)).map((v) => v.value);
    expect(values.sort()).toEqual(['change-me', 'hunter2hunter2']);
  });

  test("planted: the password back in the app's Compose environment is found in compose.yaml", () => {
    const files = replaceIn(filesOf('flask-pg-redis-standard-uv'), 'compose.yaml', (t) => t.replace('      POSTGRES_HOST: "db"\n', '      POSTGRES_HOST: "db"\n      POSTGRES_PASSWORD: "hunter2hunter2"\n'));
    expect(secretValues(files).filter((v) => v.file === 'compose.yaml' && !isReference(v.value)).map((v) => v.value)).toEqual(['hunter2hunter2']);
  });
});

describe('the secret files of a new project', () => {
  const secretOf = (dir: string) => readFileSync(path.join(dir, 'secrets', 'postgres_password'), 'utf8');

  test('create writes secrets/postgres_password with a random, URL-safe password (0644 in a 0700 folder), different each time, recorded nowhere; .env has none', async () => {
    const parent = tempDir('cpda-secret-');
    for (const name of ['one', 'two']) expect((await runMain([name, '--yes'], { cwd: parent })).code).toBe(0);
    const [one, two] = ['one', 'two'].map((n) => secretOf(path.join(parent, n)));
    expect(one).toMatch(/^[A-Za-z0-9_-]{40,}\n$/);
    expect(two).not.toBe(one);
    const password = one!.trim();
    expect((statSync(path.join(parent, 'one', 'secrets', 'postgres_password')).mode & 0o777).toString(8)).toBe('644');
    expect((statSync(path.join(parent, 'one', 'secrets')).mode & 0o777).toString(8)).toBe('700');
    // .env is the example, line for line: no password in it.
    expect(readFileSync(path.join(parent, 'one', '.env'), 'utf8')).toBe(readFileSync(path.join(parent, 'one', '.env.example'), 'utf8'));
    for (const file of listFiles(path.join(parent, 'one')).filter((f) => f !== 'secrets/postgres_password'))
      expect(readFileSync(path.join(parent, 'one', file), 'utf8'), file).not.toContain(password);
    expect(JSON.parse(readFileSync(path.join(parent, 'one', '.create-python-docker-app.base.json'), 'utf8')).files).not.toHaveProperty('secrets/postgres_password');
  });

  test('create --overwrite and update leave an existing .env and secret file as they are', async () => {
    const parent = tempDir('cpda-secret-');
    const dir = path.join(parent, 'mine');
    mkdirSync(path.join(dir, 'secrets'), { recursive: true });
    writeFileSync(path.join(dir, '.env'), 'APP_PORT=8001\n');
    writeFileSync(path.join(dir, 'secrets', 'postgres_password'), 'my-own-one-kept\n');
    expect((await runMain(['mine', '--yes', '--overwrite'], { cwd: parent })).code).toBe(0);
    const update = await runMain(['update', '--yes'], { cwd: dir });
    expect(update.code, update.stderr).toBe(0);
    expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe('APP_PORT=8001\n');
    expect(secretOf(dir)).toBe('my-own-one-kept\n');
    expect(listFiles(dir)).toContain('.env.example');
  });

  test('create --overwrite into a folder whose secrets/ others can read: refused in one line naming the chmod, nothing written, the dry run too', async () => {
    const parent = tempDir('cpda-secret-');
    const dir = path.join(parent, 'mine');
    for (const open of [0o755, 0o750, 0o701]) {
      mkdirSync(path.join(dir, 'secrets'), { recursive: true });
      chmodSync(path.join(dir, 'secrets'), open);
      const before = treeSnapshot(dir);
      for (const argv of [['mine', '--yes', '--overwrite'], ['mine', '--yes', '--overwrite', '--dry-run']]) {
        const run = await runMain(argv, { cwd: parent });
        expect(run.code, argv.join(' ')).toBe(1);
        expect(run.stderr.trim()).toBe(`error: secrets/ is open to other users (mode 0${open.toString(8)}) and would hold secrets/postgres_password: run \`chmod 0700 secrets\`, then run again; nothing was written`);
        expect(treeSnapshot(dir)).toEqual(before);
        expect(statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(open);
      }
    }
    // Once the user has closed it, the same run writes the password there.
    chmodSync(path.join(dir, 'secrets'), 0o700);
    expect((await runMain(['mine', '--yes', '--overwrite'], { cwd: parent })).code).toBe(0);
    expect(secretOf(dir)).toMatch(/^[A-Za-z0-9_-]{40,}\n$/);
  });

  test.runIf(process.getuid?.() === 0)('create --overwrite into a folder whose private secrets/ belongs to another user: refused naming the owner, nothing written (as root)', async () => {
    const parent = tempDir('cpda-secret-');
    const dir = path.join(parent, 'mine');
    mkdirSync(path.join(dir, 'secrets'), { recursive: true, mode: 0o700 });
    chownSync(path.join(dir, 'secrets'), 1234, 1234);
    const before = treeSnapshot(dir);
    const run = await runMain(['mine', '--yes', '--overwrite'], { cwd: parent });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('error: secrets/ belongs to another user (uid 1234) than the project (uid 0) and would hold secrets/postgres_password: make it the project\'s (`chown 0 secrets`), then run again; nothing was written');
    expect(treeSnapshot(dir)).toEqual(before);
  });

  test("the README's commands for a fresh clone make the secret file with a random password, and never replace one", () => {
    const files = render({ postgres: true });
    const made = createdPaths(files).find((p) => p.path === 'secrets/postgres_password' && p.file === 'README.md')!;
    const dir = tempDir('cpda-clone-');
    const run = () => spawnSync('sh', ['-c', `mkdir -p secrets && chmod 0700 secrets\n${made.command}`], { cwd: dir, encoding: 'utf8' });
    expect(run().status).toBe(0);
    const first = secretOf(dir);
    expect(first).toMatch(/^[0-9a-f]{48}\n$/);
    expect(run().status).toBe(0);
    expect(secretOf(dir)).toBe(first);
  });

  test("the README's fresh-clone command makes the file 0644 under any umask (umask 077 too), which the image's user must read", () => {
    const made = createdPaths(render({ postgres: true })).find((p) => p.path === 'secrets/postgres_password' && p.file === 'README.md')!;
    const dir = tempDir('cpda-clone-');
    const run = spawnSync('sh', ['-c', `umask 077\nmkdir -p secrets && chmod 0700 secrets\n${made.command}`], { cwd: dir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(statSync(path.join(dir, 'secrets/postgres_password')).mode & 0o777).toBe(0o644);
  });
});

/** Compose subcommands that only read. */
const READ_ONLY = new Set(['version', 'ls', 'config', 'ps', 'port', 'logs', 'images', 'top']);

/** Compose commands of a script (outside comments) that act on the default project: the user's stack. */
function defaultProjectCommands(script: string): string[] {
  // A quoted word is a command too (`trap '...' EXIT`, `sh -c '...'`): its words are read as well.
  const wordsOf = (text: string): string[] =>
    parseShell(text, (name) => `$${name}`)
      .filter((w): w is string => typeof w === 'string')
      .flatMap((w) => (/\s/.test(w) ? wordsOf(w) : [w]));
  return script
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .filter((line) => {
      const words = wordsOf(line);
      const at = words.findIndex((w, i) => w === 'docker' && words[i + 1] === 'compose');
      if (at < 0) return false;
      const rest = words.slice(at + 2);
      const subcommand = rest.find((w, i) => !w.startsWith('-') && !['-f', '--file', '--env-file', '--progress'].includes(rest[i - 1] ?? ''));
      return !READ_ONLY.has(subcommand ?? '') && !rest.some((w) => w === '-p' || w === '--project-name' || w.startsWith('--project-name='));
    })
    .map((line) => line.trim());
}

/** The smoke test of the version before this one, which removed the development stack's volumes. */
const OLD_SMOKE_TEST = `#!/bin/sh
set -eu
trap 'docker compose -f compose.yaml down --volumes' EXIT
docker compose -f compose.yaml up --detach --wait
curl --fail --silent --show-error http://127.0.0.1:8000/health
`;

describe("emitted scripts leave the user's stack and files alone", () => {
  test.each(VARIANTS.map(([id]) => [id]))('%s: no script runs Compose in the default project, or writes .env', (id) => {
    const scripts = filesOf(id).filter((f) => f.path.startsWith('scripts/'));
    expect(scripts.map((s) => s.path)).toContain('scripts/smoke-test');
    for (const script of scripts) {
      expect(defaultProjectCommands(script.contents), script.path).toEqual([]);
      const code = { path: script.path, contents: script.contents.split('\n').filter((l) => !/^\s*#/.test(l)).map((l) => `# ${l}`).join('\n') };
      expect(createdPaths([code]).map((p) => p.path), `${script.path} creates`).not.toContain('.env');
    }
    const smoke = textOf(filesOf(id), 'scripts/smoke-test');
    // It says what it removes before it does.
    expect(smoke).toMatch(/echo "smoke-test: removing its own Compose project \$project[^"]*"[^\n]*\n\s*compose down --volumes/);
  });

  test('planted: the old smoke test, whose trap ran `down --volumes` in the default project, is reported', () => {
    expect(defaultProjectCommands(OLD_SMOKE_TEST)).toEqual(['trap \'docker compose -f compose.yaml down --volumes\' EXIT', 'docker compose -f compose.yaml up --detach --wait']);
  });

  test('commands are read from Markdown code and from comments (inline code in them too), not from prose', () => {
    expect(commandLines({ path: 'x.md', contents: 'cp a b\n\n```sh\ncp c d\n```\n\nRun `cp e f`.\n' })).toEqual(['cp c d', 'cp e f']);
    expect(commandLines({ path: 'x.yaml', contents: 'a: 1  # cp g h\n# Copy: `cp i j`.\n' })).toContain('cp i j');
  });
});

// The README's password change restarts every service that read the old password at start-up
// (each one mounting the secret, but the database itself and the one-shot migrate): a service
// left out keeps the old one in memory and fails at its next connection.
describe("the README's password change restarts every service that reads the password", () => {
  test.each(combinationsUnderTest({ where: (c) => c.postgres }).map((c) => [comboId(c), c] as const))('%s', (_id, combo) => {
    const files = render(combo);
    const compose = parseYaml(files.find((f) => f.path === 'compose.yaml')!.contents) as { services: Record<string, { secrets?: unknown[]; restart?: string }> };
    const readers = Object.entries(compose.services)
      .filter(([name, s]) => (s.secrets ?? []).length > 0 && name !== 'db' && s.restart !== 'no')
      .map(([name]) => name)
      .sort();
    const readme = files.find((f) => f.path === 'README.md')!.contents;
    const restart = /^docker compose restart (.+)$/m.exec(readme.slice(readme.indexOf('ALTER ROLE')));
    expect(restart?.[1]!.split(' ').sort(), 'the restart after ALTER ROLE').toEqual(readers);
  });
});
