// `create-python-docker-app add docker`: detection on the fixture repositories, the files it
// writes (from the project templates, passing the same lint and schema checks as new
// projects), never losing a user's file, --dry-run, idempotent re-runs, and the flags it must
// be given when it may not ask. In-process through `main` (fast), plus the spawned built CLI.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser, type ModifiableInstruction } from 'dockerfile-ast';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { inBuildContext } from '../support/build-context.js';
import { COMPOSE_YAML_TAGS } from '../support/compose-check.js';
import { renderDockerFiles } from '../../src/existing/docker-app.js';
import { detectApp, pyprojectDependencyNames } from '../../src/existing/detect.js';
import { parseToml } from '../../src/existing/toml.js';
import { FRAMEWORK_FEATURES, serverFor } from '../../src/features/frameworks.js';
import type { Prompter } from '../../src/driver/prompts.js';
import { assertBuilt, PACKAGE_VERSION, removeTempDirs, runBin, runMain, tempDir, treeSnapshot } from '../support/cli-run.js';
import {
  composeConfigProblems,
  composeFindings,
  copyFixture,
  dockerfileFindings,
  HAS_COMPOSE,
  read,
  removeCopies,
  type FixtureName,
} from '../support/existing-app.js';

afterAll(() => {
  removeCopies();
  removeTempDirs();
});

const add = (dir: string, ...flags: string[]) => runMain(['add', 'docker', '--dir', dir, ...flags], { cwd: path.dirname(dir) });
const json = (stdout: string) => JSON.parse(stdout) as { ok: boolean; options: Record<string, unknown>; files: { path: string; action: string }[]; warnings: string[]; error?: { code: string; message: string; details: string[] } };

interface Expectation {
  fixture: FixtureName;
  files: string[];
  framework: string;
  app: string;
  port: number;
  python: string;
  postgres: boolean;
  redis: boolean;
  cmd: string[];
  healthcheck: 'http' | 'tcp';
  /** The file the Dockerfile installs from. */
  installFrom: 'requirements.txt' | 'pyproject.toml' | 'uv.lock' | 'poetry.lock' | 'Pipfile.lock';
  /** The files the install step bind-mounts and compose.override.yaml rebuilds on; installFrom alone when absent. */
  installFiles?: string[];
  /** How the Dockerfile installs them. */
  installs: RegExp;
  /** compose.override.yaml's read-only code volumes. */
  volumes: string[];
  /** A src layout's import root: the final stage sets PYTHONPATH=/app/<it>; absent: no PYTHONPATH. */
  importRoot?: string;
  /** Lint findings inherent to the repo (not to our files), with the warning that explains them. */
  expectedFindings: string[];
  warnings: RegExp[];
}

const DOCKER_FILES = ['.dockerignore', '.env.example', 'compose.override.yaml', 'compose.yaml', 'Dockerfile', 'scripts/check-docker'];
/** Beside them with PostgreSQL: its password, random, and the folder's own .gitignore. */
const SECRET_FILES = ['secrets/.gitignore', 'secrets/postgres_password'];

const CASES: Expectation[] = [
  {
    fixture: 'flask-factory',
    files: [...DOCKER_FILES, 'gunicorn.conf.py', ...SECRET_FILES],
    framework: 'flask',
    app: 'blog:create_app()',
    port: 8000,
    python: '3.14',
    postgres: true,
    redis: false,
    cmd: ['gunicorn', '--config', 'gunicorn.conf.py', 'blog:create_app()'],
    healthcheck: 'tcp',
    installFrom: 'requirements.txt',
    installs: /^ {4}pip install -r \/tmp\/requirements\.txt$/m,
    volumes: ['./blog:/app/blog:ro'],
    expectedFindings: [],
    warnings: [/no \/health route/],
  },
  {
    fixture: 'fastapi-main',
    files: DOCKER_FILES,
    framework: 'fastapi',
    app: 'app.main:app',
    port: 8000,
    python: '3.12',
    postgres: false,
    redis: true,
    cmd: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000', '--timeout-graceful-shutdown', '30'],
    healthcheck: 'http',
    installFrom: 'requirements.txt',
    installs: /^ {4}pip install -r \/tmp\/requirements\.txt$/m,
    volumes: ['./app:/app/app:ro'],
    expectedFindings: [],
    warnings: [],
  },
  {
    fixture: 'pyproject-app',
    files: [...DOCKER_FILES, ...SECRET_FILES],
    framework: 'fastapi',
    app: 'service.main:create_app()',
    port: 8080,
    python: '3.15',
    postgres: true,
    redis: false,
    cmd: ['uvicorn', '--factory', 'service.main:create_app', '--host', '0.0.0.0', '--port', '8080', '--timeout-graceful-shutdown', '30'],
    healthcheck: 'tcp',
    // No requirements.txt: the image installs pyproject.toml's [project].dependencies.
    installFrom: 'pyproject.toml',
    installs: / && pip install -r \/tmp\/requirements\.txt/,
    volumes: ['./service:/app/service:ro'],
    expectedFindings: [],
    warnings: [/no \/health route/],
  },
  {
    // src/shop/ without src/__init__.py: served as shop.main (not src.shop.main, whose
    // `from shop.routes import router` would fail), with /app/src on PYTHONPATH.
    fixture: 'src-layout',
    files: DOCKER_FILES,
    framework: 'fastapi',
    app: 'shop.main:app',
    port: 8000,
    python: '3.15',
    postgres: false,
    redis: false,
    cmd: ['uvicorn', 'shop.main:app', '--host', '0.0.0.0', '--port', '8000', '--timeout-graceful-shutdown', '30'],
    healthcheck: 'http',
    installFrom: 'pyproject.toml',
    installs: / && pip install -r \/tmp\/requirements\.txt/,
    volumes: ['./src:/app/src:ro'],
    importRoot: 'src',
    expectedFindings: [],
    warnings: [],
  },
  {
    // uv.lock beside pyproject.toml: installed with uv, as a new uv project is.
    fixture: 'uv-project',
    files: DOCKER_FILES,
    framework: 'fastapi',
    app: 'app.main:app',
    port: 8000,
    python: '3.13',
    postgres: false,
    redis: false,
    cmd: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000', '--timeout-graceful-shutdown', '30'],
    healthcheck: 'http',
    installFrom: 'uv.lock',
    installFiles: ['pyproject.toml', 'uv.lock'],
    installs: /^ {4}uv sync --locked --no-dev --no-install-project$/m,
    volumes: ['./app:/app/app:ro'],
    expectedFindings: [],
    warnings: [],
  },
  {
    // poetry.lock beside a Poetry pyproject.toml (no [project] table): installed with Poetry.
    fixture: 'poetry-project',
    files: [...DOCKER_FILES, 'gunicorn.conf.py'],
    framework: 'flask',
    app: 'shop:create_app()',
    port: 8000,
    python: '3.15',
    postgres: false,
    redis: false,
    cmd: ['gunicorn', '--config', 'gunicorn.conf.py', 'shop:create_app()'],
    healthcheck: 'http',
    installFrom: 'poetry.lock',
    installFiles: ['pyproject.toml', 'poetry.lock'],
    installs: /poetry install --only main --no-root --no-directory/,
    volumes: ['./shop:/app/shop:ro'],
    expectedFindings: [],
    warnings: [],
  },
  {
    // Pipfile.lock beside a Pipfile: installed with Pipenv.
    fixture: 'pipenv-project',
    files: DOCKER_FILES,
    framework: 'fastapi',
    app: 'main:app',
    port: 8000,
    python: '3.13',
    postgres: false,
    redis: false,
    cmd: ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '8000', '--timeout-graceful-shutdown', '30'],
    healthcheck: 'http',
    installFrom: 'Pipfile.lock',
    installFiles: ['Pipfile', 'Pipfile.lock'],
    installs: /pipenv install --deploy/,
    volumes: ['./main.py:/app/main.py:ro'],
    expectedFindings: [],
    warnings: [],
  },
];

describe('add docker on the fixture repositories', () => {
  for (const c of CASES) {
    it(`${c.fixture}: detects ${c.app} and writes the Docker files`, async () => {
      const dir = copyFixture(c.fixture);
      const before = treeSnapshot(dir);
      const run = await add(dir, '--json');
      expect(run.code, run.stderr).toBe(0);
      const result = json(run.stdout);
      expect(result.options).toMatchObject({ framework: c.framework, app: c.app, port: c.port, python: c.python, postgres: c.postgres, redis: c.redis, healthcheck: c.healthcheck, installFrom: c.installFrom });
      expect(result.options.importRoot).toBe(c.importRoot);
      expect(result.files.map((f) => `${f.path} ${f.action}`).sort()).toEqual(c.files.map((f) => `${f} create`).sort());
      for (const w of c.warnings) expect(result.warnings.some((x) => w.test(x)), `${w} in ${result.warnings.join(' | ')}`).toBe(true);
      expect(result.warnings.length, result.warnings.join(' | ')).toBe(c.warnings.length);

      // Only the Docker files were added; the user's files are untouched.
      const after = treeSnapshot(dir);
      for (const [file, print] of Object.entries(before)) expect(after[file], file).toBe(print);
      // (and the scripts/ folder that holds scripts/check-docker)
      expect(Object.keys(after).filter((f) => !(f in before)).sort()).toEqual([...c.files, 'scripts', ...(c.postgres ? ['secrets'] : [])].sort());

      const dockerfile = read(dir, 'Dockerfile');
      expect(dockerfile).toContain(`CMD ${JSON.stringify(c.cmd)}`);
      expect(dockerfile).toContain(`EXPOSE ${c.port}`);
      expect(dockerfile.match(/^ENV PYTHONPATH=.*$/gm) ?? []).toEqual(c.importRoot ? [`ENV PYTHONPATH=/app/${c.importRoot}`] : []);
      expect(dockerfile).toContain(c.healthcheck === 'http' ? `127.0.0.1:${c.port}/health` : `socket.create_connection(('127.0.0.1', ${c.port})`);
      const compose = parseYaml(read(dir, 'compose.yaml')) as { name: string; services: { app: { ports: string[] } } };
      // The host side is ${APP_PORT:-<port>}: the smoke test asks for a free one.
      expect(compose.services.app.ports).toEqual([`\${APP_PORT:-${c.port}}:${c.port}`]);
      expect(compose.name).toBe(c.fixture);
      if (c.framework === 'flask') expect(read(dir, 'gunicorn.conf.py')).toContain(`bind = "0.0.0.0:${c.port}"`);
      const installFiles = c.installFiles ?? [c.installFrom];
      for (const file of installFiles) expect(dockerfile).toMatch(new RegExp(`--mount=type=bind,source=${file.replace('.', '\\.')},target=`));
      expect(dockerfile).toMatch(c.installs);
      type Override = { services: { app: { volumes: string[]; develop: { watch: Array<{ action: string; path: string }> } } } };
      const override = parseYaml(read(dir, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as Override;
      expect(override.services.app.volumes).toEqual(c.volumes);
      expect(override.services.app.develop.watch).toEqual(installFiles.map((path) => ({ action: 'rebuild', path })));

      // The same checks as a new project's files.
      expect(dockerfileFindings(dir).map((f) => f.rule)).toEqual(c.expectedFindings);
      expect(composeFindings(dir)).toEqual([]);
    });
  }

  it('a lock wins over requirements.txt, and the report says which file the image installs', async () => {
    const dir = copyFixture('uv-project');
    writeFileSync(path.join(dir, 'requirements.txt'), 'fastapi==0.163.2\nuvicorn[standard]==0.54.0\n');
    const result = json((await add(dir, '--json')).stdout);
    expect(result.options.installFrom).toBe('uv.lock');
    expect(result.options.detected).toContain('dependencies: installed from uv.lock with uv (uv sync --locked) (requirements.txt is not used)');
    expect(read(dir, 'Dockerfile')).not.toContain('requirements.txt');
  });

  it('a lock without the file it locks is not a lock: Pipfile.lock alone falls back to requirements.txt', async () => {
    const dir = copyFixture('pipenv-project');
    rmSync(path.join(dir, 'Pipfile'));
    writeFileSync(path.join(dir, 'requirements.txt'), 'fastapi==0.163.2\nuvicorn[standard]==0.54.0\n');
    const result = json((await add(dir, '--json')).stdout);
    expect(result.options.installFrom).toBe('requirements.txt');
    expect(read(dir, 'Dockerfile')).not.toContain('pipenv');
  });

  it.each([
    ['uv-project', /"uvicorn\[standard\]==0\.54\.0",\n/, "uv add 'uvicorn[standard]==0.54.0'"],
    ['poetry-project', /^gunicorn = .*\n/m, "poetry add 'gunicorn==27.0.1'"],
    ['pipenv-project', /^uvicorn = .*\n/m, "pipenv install 'uvicorn[standard]==0.54.0'"],
  ] as const)('%s without its server: the warning says how to add it with the lock’s own tool', async (fixture, server, command) => {
    const dir = copyFixture(fixture);
    const manifest = fixture === 'pipenv-project' ? 'Pipfile' : 'pyproject.toml';
    writeFileSync(path.join(dir, manifest), read(dir, manifest).replace(server, ''));
    const result = json((await add(dir, '--json')).stdout);
    expect(result.warnings).toEqual([expect.stringContaining(`add it with \`${command}\``)]);
  });

  it.runIf(HAS_COMPOSE)('docker compose config accepts every fixture’s compose files', async () => {
    for (const c of CASES) {
      const dir = copyFixture(c.fixture);
      expect((await add(dir)).code).toBe(0);
      expect(await composeConfigProblems(dir), c.fixture).toBe('');
    }
  });

  it('re-running with the same answers reports every file unchanged and writes nothing', async () => {
    const dir = copyFixture('fastapi-main');
    expect((await add(dir)).code).toBe(0);
    const snapshot = treeSnapshot(dir);
    const again = await add(dir, '--json');
    expect(again.code).toBe(0);
    expect(json(again.stdout).files.every((f) => f.action === 'unchanged')).toBe(true);
    expect(treeSnapshot(dir)).toEqual(snapshot);
  });

  it('renders the same bytes as the engine for the same answers (one template set)', async () => {
    const dir = copyFixture('fastapi-main');
    const run = await add(dir, '--json');
    const options = json(run.stdout).options as unknown as Parameters<typeof renderDockerFiles>[0];
    for (const file of renderDockerFiles(options, PACKAGE_VERSION))
      expect(read(dir, file.path), file.path).toBe(file.contents);
  });
});

describe('never losing a user file', () => {
  it('an existing Dockerfile is a conflict: exit 1, listed, and nothing at all is written', async () => {
    const dir = copyFixture('existing-dockerfile');
    const before = treeSnapshot(dir);
    const run = await add(dir, '--json');
    expect(run.code).toBe(1);
    const result = json(run.stdout);
    expect(result.error?.code).toBe('conflict');
    expect(result.error?.details).toEqual(['Dockerfile']);
    expect(run.stderr).toContain('Dockerfile');
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('--dry-run prints the plan (conflict included) and writes nothing', async () => {
    const dir = copyFixture('existing-dockerfile');
    const before = treeSnapshot(dir);
    const run = await add(dir, '--dry-run', '--json');
    expect(run.code).toBe(0);
    const result = json(run.stdout);
    expect(Object.fromEntries(result.files.map((f) => [f.path, f.action]))).toEqual({
      '.dockerignore': 'create',
      '.env.example': 'create',
      'compose.override.yaml': 'create',
      'compose.yaml': 'create',
      Dockerfile: 'conflict',
      'gunicorn.conf.py': 'create',
      'scripts/check-docker': 'create',
    });
    expect(result.warnings[0]).toMatch(/1 file\(s\) exist and differ \(Dockerfile\)/);
    expect(treeSnapshot(dir)).toEqual(before);

    const human = await add(dir, '--dry-run');
    expect(human.stderr).toMatch(/Dry run: nothing was written/);
    expect(human.stderr).toMatch(/conflict\s+Dockerfile/);
  });

  it('--force overwrites the conflicting file; the detected port (EXPOSE 5000) is kept', async () => {
    const dir = copyFixture('existing-dockerfile');
    const run = await add(dir, '--force', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).files.find((f) => f.path === 'Dockerfile')?.action).toBe('overwrite');
    expect(read(dir, 'Dockerfile')).toContain('CMD ["gunicorn","--config","gunicorn.conf.py","app:app"]');
    expect(read(dir, 'Dockerfile')).toContain('EXPOSE 5000');
    expect(read(dir, 'gunicorn.conf.py')).toContain('bind = "0.0.0.0:5000"');
    expect(dockerfileFindings(dir)).toEqual([]);
    expect(composeFindings(dir)).toEqual([]);
    const dry = json((await add(dir, '--dry-run', '--json')).stdout);
    expect(dry.files.every((f) => f.action === 'unchanged')).toBe(true);
  });

  it('a symlink inside the repo pointing outside it is refused, nothing written', async () => {
    const dir = copyFixture('fastapi-main');
    const outside = tempDir('cpda-outside-');
    symlinkSync(path.join(outside, 'compose.yaml'), path.join(dir, 'compose.yaml'));
    const before = treeSnapshot(dir);
    const run = await add(dir, '--force');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/compose\.yaml .*not a regular file/);
    expect(treeSnapshot(dir)).toEqual(before);
    expect(treeSnapshot(outside)).toEqual({});
  });

  it('an old docker-compose.yml is left alone, with a warning that compose.yaml now wins', async () => {
    const dir = copyFixture('fastapi-main');
    writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  web:\n    build: .\n');
    const run = await add(dir, '--json');
    expect(run.code).toBe(0);
    expect(json(run.stdout).warnings.some((w) => w.startsWith('docker-compose.yml exists'))).toBe(true);
    expect(read(dir, 'docker-compose.yml')).toBe('services:\n  web:\n    build: .\n');
  });

  it('a --dir that does not exist is refused', async () => {
    const run = await runMain(['add', 'docker', '--dir', 'nope'], { cwd: tempDir('cpda-') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not exist/);
  });
});

describe('a package of the app named secrets', () => {
  it('is kept in the image past .dockerignore\'s **/secrets/, with a warning to keep no secret in it; the password folder stays out', async () => {
    const dir = copyFixture('flask-factory');
    mkdirSync(path.join(dir, 'app', 'secrets'), { recursive: true });
    writeFileSync(path.join(dir, 'app', 'secrets', '__init__.py'), '');
    writeFileSync(path.join(dir, 'app', 'secrets', 'vault.py'), 'def get(name):\n    return name\n');
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toContain(
      'app/secrets/ holds Python code, so .dockerignore keeps it in the image (`!app/secrets/`, after the `**/secrets/` that leaves other secrets/ folders out): keep no secret in it',
    );
    // As Docker's builder reads the .dockerignore.
    const paths = ['app/secrets/__init__.py', 'app/secrets/vault.py', 'app/__init__.py', 'secrets/postgres_password', 'config/secrets/token'];
    expect(inBuildContext(read(dir, '.dockerignore'), paths)).toEqual(['app/secrets/__init__.py', 'app/secrets/vault.py', 'app/__init__.py']);
  });

  it('without one, the only exception in .dockerignore is .env.example', async () => {
    const dir = copyFixture('flask-factory');
    expect((await add(dir)).code).toBe(0);
    expect(read(dir, '.dockerignore').split('\n').filter((l) => l.startsWith('!'))).toEqual(['!.env.example']);
  });
});

describe("the database's password, with PostgreSQL", () => {
  const git = (dir: string, ...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });

  it('is written random to secrets/postgres_password (0644 in a 0700 folder), which git ignores whatever the repository\'s .gitignore says, in a fresh clone too', async () => {
    const dir = copyFixture('flask-factory');
    writeFileSync(path.join(dir, '.gitignore'), '__pycache__/\n.env\n');
    git(dir, 'init', '-q');
    const run = await add(dir);
    expect(run.code, run.stderr).toBe(0);
    const password = read(dir, 'secrets/postgres_password');
    expect(password).toMatch(/^[A-Za-z0-9_-]{40,}\n$/);
    expect(statSync(path.join(dir, 'secrets/postgres_password')).mode & 0o777).toBe(0o644);
    expect(statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    // Compose mounts that very file.
    expect(read(dir, 'compose.yaml')).toContain('file: ./secrets/postgres_password');
    // Only the folder's own .gitignore can be committed, so a fresh clone keeps the rule.
    const status = git(dir, 'status', '--porcelain', '--untracked-files=all');
    expect(status.stdout.split('\n').filter((l) => l.includes('secrets/'))).toEqual(['?? secrets/.gitignore']);
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'docker');
    const clone = `${dir}-clone`;
    expect(spawnSync('git', ['clone', '-q', dir, clone]).status).toBe(0);
    // The password made again there, as the folder's .gitignore says, is ignored too.
    const remake = read(clone, 'secrets/.gitignore').split('\n').filter((l) => l.startsWith('#   ')).map((l) => l.slice(4)).join('\n');
    expect(spawnSync('sh', ['-c', remake], { cwd: clone }).status).toBe(0);
    expect(read(clone, 'secrets/postgres_password')).toMatch(/^[0-9a-f]{48}\n$/);
    expect(git(clone, 'status', '--porcelain', '--untracked-files=all').stdout).toBe('');
    rmSync(clone, { recursive: true, force: true });
    // The password is in no other file, and not in the report.
    for (const [file] of Object.entries(treeSnapshot(dir)).filter(([f]) => f !== path.join('secrets', 'postgres_password') && !f.startsWith('.git')))
      if (statSync(path.join(dir, file)).isFile()) expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toContain(password.trim());
    expect(run.stderr).not.toContain(password.trim());
  });

  it('the next steps ask for no password in .env, which nothing reads', async () => {
    const dir = copyFixture('flask-factory');
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    const steps = (JSON.parse(run.stdout) as { nextSteps: string[] }).nextSteps;
    expect(steps).toContain('[ -e .env ] || cp .env.example .env');
    expect(steps.join('\n')).not.toMatch(/PASSWORD/);
  });

  it('a password file and a .gitignore already in secrets/ are kept as they are, and not listed', async () => {
    const dir = copyFixture('flask-factory');
    mkdirSync(path.join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(path.join(dir, 'secrets/postgres_password'), 'ours-in-use\n');
    writeFileSync(path.join(dir, 'secrets/.gitignore'), '*.pem\n');
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).files.map((f) => f.path)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^secrets\//)]));
    expect(read(dir, 'secrets/postgres_password')).toBe('ours-in-use\n');
    expect(read(dir, 'secrets/.gitignore')).toBe('*.pem\n');
  });

  /** add docker in a git repository whose secrets/ has a .gitignore of the user's with `rules`. */
  async function besideOwnIgnore(rules: string) {
    const dir = copyFixture('flask-factory');
    git(dir, 'init', '-q');
    mkdirSync(path.join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(path.join(dir, 'secrets/.gitignore'), rules);
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    return { dir, warnings: json(run.stdout).warnings };
  }

  it('a secrets/.gitignore of the user\'s that does not ignore the password: a warning that git would commit it, with the lines to add', async () => {
    const { dir, warnings } = await besideOwnIgnore('*.pem\n');
    expect(warnings).toContain(
      'secrets/postgres_password is not ignored by git here (secrets/.gitignore is yours, and kept), so `git add` would commit it: add the lines `*` and `!.gitignore` to secrets/.gitignore',
    );
    // As git itself sees it.
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all').stdout).toContain('?? secrets/postgres_password');
  });

  it('a secrets/.gitignore of the user\'s that ignores it: no warning', async () => {
    const { dir, warnings } = await besideOwnIgnore('postgres_*\n');
    expect(warnings.filter((w) => w.includes('secrets/'))).toEqual([]);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all').stdout).not.toContain('postgres_password');
  });

  it('a password file git already tracks: a warning that it is in the history, saying how to untrack it', async () => {
    const dir = copyFixture('flask-factory');
    git(dir, 'init', '-q');
    mkdirSync(path.join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(path.join(dir, 'secrets/postgres_password'), 'committed-once\n');
    git(dir, 'add', 'secrets/postgres_password');
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toContain(
      "secrets/postgres_password is tracked by git here, so its secret is in the repository's history: run `git rm --cached secrets/postgres_password`, commit, and change that password",
    );
  });

  it('without PostgreSQL there is no secrets/ folder', async () => {
    const dir = copyFixture('fastapi-main');
    expect((await add(dir)).code).toBe(0);
    expect(existsSync(path.join(dir, 'secrets'))).toBe(false);
  });
});

describe('asking only what could not be detected', () => {
  const emptyRepo = () => {
    const dir = path.join(tempDir('cpda-bare-'), 'bare');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'README.md'), 'nothing to detect\n');
    return dir;
  };

  it('without a terminal, a framework and app that could not be detected are exit 2 naming the flags', async () => {
    const dir = emptyRepo();
    const run = await add(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--framework fastapi\|flask/);
    expect(run.stderr).toMatch(/--app module:attr/);
    const onlyApp = await add(dir, '--framework', 'fastapi');
    expect(onlyApp.code).toBe(2);
    expect(onlyApp.stderr).not.toMatch(/--framework/);
    expect(onlyApp.stderr).toMatch(/--app/);
    // --yes does not guess an app either.
    expect((await add(dir, '--yes')).code).toBe(2);
  });

  it('flags make an undetectable repo scriptable', async () => {
    const dir = emptyRepo();
    const run = await add(dir, '--framework', 'flask', '--app', 'wsgi:application', '--port', '9000', '--python', '3.14', '--no-postgres', '--redis', '--dockerfile', 'multi-stage', '--json');
    expect(run.code, run.stderr).toBe(0);
    const dockerfile = read(dir, 'Dockerfile');
    expect(dockerfile).toContain('AS builder');
    expect(dockerfile).toContain('CMD ["gunicorn","--config","gunicorn.conf.py","wsgi:application"]');
    expect((parseYaml(read(dir, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as { services: { app: { command: string[] } } }).services.app.command.slice(0, 4)).toEqual(['flask', '--app', 'wsgi', 'run']);
    expect(read(dir, 'compose.yaml')).toContain('redis:');
    expect(read(dir, 'compose.yaml')).not.toContain('db:');
  });

  it('invalid values are usage errors (exit 2)', async () => {
    const dir = copyFixture('fastapi-main');
    for (const flags of [['--port', '99999'], ['--app', 'not a target'], ['--framework', 'django'], ['--bogus'], ['--no-force']]) {
      const run = await add(dir, ...flags);
      expect(run.code, flags.join(' ')).toBe(2);
    }
    const other = await runMain(['add', 'nomad'], { cwd: dir });
    expect(other.code).toBe(2);
  });

  it('with a terminal it asks only the questions detection left open', async () => {
    const asked: string[] = [];
    const prompter: Prompter = {
      text: async (q) => (asked.push(q.message), q.message.startsWith('App') ? 'main:api' : q.default),
      select: async (q) => (asked.push(q.message), q.message.startsWith('Web framework') ? 'fastapi' : q.default),
      confirm: async (q) => (asked.push(q.message), q.default),
    };
    // A detected repo: only the Dockerfile variant (which no repo tells us) is asked.
    const detected = copyFixture('fastapi-main');
    const run = await runMain(['add', 'docker', '--dir', detected], { cwd: detected, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(asked).toEqual(['Dockerfile variant']);

    // A bare repo: framework, app, Python and variant are asked (the port defaults to 8000: our CMD binds it).
    asked.length = 0;
    const bare = emptyRepo();
    const second = await runMain(['add', 'docker', '--dir', bare], { cwd: bare, tty: true, prompter });
    expect(second.code, second.stderr).toBe(0);
    expect(asked).toEqual(['Web framework (not detected)', 'App to serve, module:attr or module:factory() (not detected)', 'Python version', 'Dockerfile variant']);
    expect(read(bare, 'Dockerfile')).toContain('CMD ["uvicorn","main:api","--host","0.0.0.0","--port","8000","--timeout-graceful-shutdown","30"]');
  });
});

describe('detection details', () => {
  it('reads PEP 621 and Poetry dependencies, ignoring brackets in extras and dev groups', () => {
    expect(
      pyprojectDependencyNames(parseToml(`[project]\nname = "x"\ndependencies = [\n  "uvicorn[standard]>=0.30",  # server\n  'Flask_SQLAlchemy',\n]\n[project.optional-dependencies]\ndev = ["pytest"]\n[tool.poetry.dependencies]\npython = "^3.12"\nFastAPI = "^0.115"\n[tool.poetry.group.dev.dependencies]\nhttpx = "*"\n`)),
    ).toEqual(['uvicorn', 'flask-sqlalchemy', 'fastapi']);
  });

  it('reads TOML as TOML: a table header inside a multi-line string is text, not a section', () => {
    const pyproject = `[project]\nname = "x"\ndescription = """\n[tool.poetry.dependencies]\ndjango = "*"\n"""\ndependencies = ["flask>=3"]\n`;
    expect(pyprojectDependencyNames(parseToml(pyproject))).toEqual(['flask']);
  });

  it('finds the factory, the instance and the port of each fixture', () => {
    expect(detectApp(copyFixture('flask-factory'))).toMatchObject({ framework: 'flask', target: 'blog:create_app()', uses: { postgres: true, redis: false }, hasHealthRoute: false });
    expect(detectApp(copyFixture('pyproject-app'))).toMatchObject({ framework: 'fastapi', target: 'service.main:create_app()', port: 8080, uses: { postgres: true }, hasRequirementsTxt: false });
    expect(detectApp(copyFixture('existing-dockerfile'))).toMatchObject({ framework: 'flask', target: 'app:app', port: 5000, hasHealthRoute: true });
  });

  it('new projects keep their exact server commands (serverFor with the defaults)', () => {
    expect(FRAMEWORK_FEATURES.flask.server).toEqual({
      package: 'gunicorn',
      target: 'app:create_app()',
      gracefulSeconds: 30,
      command: ['gunicorn', '--config', 'gunicorn.conf.py', 'app:create_app()'],
      devCommand: ['flask', '--app', 'app', 'run', '--debug', '--host', '0.0.0.0', '--port', '8000'],
      devStopSignal: 'SIGINT',
    });
    expect(FRAMEWORK_FEATURES.fastapi.server).toEqual({
      package: 'uvicorn',
      target: 'app.main:app',
      gracefulSeconds: 30,
      command: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000', '--timeout-graceful-shutdown', '30'],
      devCommand: ['uvicorn', 'app.main:app', '--reload', '--host', '0.0.0.0', '--port', '8000'],
    });
    expect(serverFor('flask', 'shop.web:make()', 5000).devCommand.slice(0, 3)).toEqual(['flask', '--app', 'shop.web:make()']);
  });
});

describe('src layout (src/<package>/, no src/__init__.py)', () => {
  const temps: string[] = [];
  afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));
  /** A repo of `files` (paths may have directories) with FastAPI dependencies. */
  const repo = (files: Record<string, string>) => {
    const dir = path.join(tempDir('cpda-src-'), 'repo');
    temps.push(path.dirname(dir));
    for (const [file, text] of Object.entries({ 'requirements.txt': 'fastapi==0.115.11\nuvicorn==0.34.0\n', ...files })) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };
  const MAIN = 'from fastapi import FastAPI\n\nfrom shop.routes import router\n\napp = FastAPI()\n';

  it('is detected: the target is relative to src/, and the notes say so', () => {
    const detected = detectApp(copyFixture('src-layout'));
    expect(detected).toMatchObject({ framework: 'fastapi', target: 'shop.main:app', importRoot: 'src', hasHealthRoute: true, installFrom: 'pyproject.toml' });
    expect(detected.notes.some((n) => /^src layout: src\/ has no __init__\.py and holds shop\b/.test(n)), detected.notes.join(' | ')).toBe(true);
  });

  it('is not a src layout when src/ is a package, when the code imports through `src.`, or for a lone src/main.py', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'src/__init__.py': '', 'src/shop/__init__.py': '', 'src/shop/main.py': MAIN }, 'src.shop.main:app'],
      [{ 'src/shop/__init__.py': '', 'src/shop/main.py': MAIN.replace('from shop.routes', 'from src.shop.routes') }, 'src.shop.main:app'],
      [{ 'src/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n' }, 'src.main:app'],
    ];
    for (const [files, target] of cases) {
      const detected = detectApp(repo(files));
      expect(detected.target, Object.keys(files).join(', ')).toBe(target);
      expect(detected.importRoot, Object.keys(files).join(', ')).toBeUndefined();
      expect(detected.notes.some((n) => n.startsWith('src layout'))).toBe(false);
    }
  });

  it('an app at the root next to src/ packages keeps its own name; src/ still goes on PYTHONPATH and is mounted', async () => {
    const dir = repo({ 'asgi.py': 'from shop.web import build\n\napp = build()\n', 'src/shop/__init__.py': '', 'src/shop/web.py': 'from fastapi import FastAPI\n\ndef build():\n    return FastAPI()\n' });
    const run = await add(dir, '--app', 'asgi:app', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).options).toMatchObject({ app: 'asgi:app', importRoot: 'src', sourcePaths: ['asgi.py', 'src'] });
    expect(read(dir, 'Dockerfile')).toContain('ENV PYTHONPATH=/app/src\n');
    expect(dockerfileFindings(dir)).toEqual([]);
  });

  it('an explicit --app src.shop.main:app is served as shop.main:app (the same files as detection)', async () => {
    const detected = copyFixture('src-layout');
    expect((await add(detected)).code).toBe(0);
    for (const app of ['src.shop.main:app', 'shop.main:app']) {
      const dir = copyFixture('src-layout');
      const run = await add(dir, '--app', app, '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(json(run.stdout).options).toMatchObject({ app: 'shop.main:app', importRoot: 'src' });
      for (const file of DOCKER_FILES) expect(read(dir, file), `${app}: ${file}`).toBe(read(detected, file));
    }
  });

  it('multi-stage: PYTHONPATH is set in the runtime stage, and the dev command needs no flag for it', async () => {
    const dir = copyFixture('src-layout');
    expect((await add(dir, '--dockerfile', 'multi-stage')).code).toBe(0);
    const dockerfile = read(dir, 'Dockerfile');
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(dockerfile.match(/^ENV PYTHONPATH=.*$/gm)).toEqual(['ENV PYTHONPATH=/app/src']);
    expect(runtime).toContain('ENV PYTHONPATH=/app/src\n');
    expect(dockerfileFindings(dir)).toEqual([]);
    const override = parseYaml(read(dir, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as { services: { app: { command: string[]; volumes: string[] } } };
    expect(override.services.app.command).toEqual(['uvicorn', 'shop.main:app', '--reload', '--host', '0.0.0.0', '--port', '8000']);
    expect(override.services.app.volumes).toEqual(['./src:/app/src:ro']);
  });
});

describe('what the image installs and what the override mounts', () => {
  const PYTHON3_TOMLLIB = spawnSync('python3', ['-c', 'import tomllib'], { stdio: 'ignore' }).status === 0;
  const temps: string[] = [];
  const temp = (prefix: string) => (temps.push(tempDir(prefix)), temps[temps.length - 1]!);
  afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));
  const newRepo = (files: Record<string, string>) => {
    const dir = path.join(temp('cpda-repo-'), 'repo');
    mkdirSync(dir);
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    return dir;
  };
  type Override = { services: { app: { volumes?: string[]; develop: { watch: Array<{ path: string }> } } } };

  it.runIf(PYTHON3_TOMLLIB)('the Dockerfile’s own command, run by python3, prints pyproject.toml’s [project].dependencies for pip', async () => {
    const dir = copyFixture('pyproject-app');
    const shim = temp('cpda-python-');
    // The image calls it `python`; here that is the host's python3 (3.11+, which has tomllib).
    symlinkSync(spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim(), path.join(shim, 'python'));
    for (const variant of ['standard', 'multi-stage']) {
      expect((await add(dir, '--dockerfile', variant, '--force')).code).toBe(0);
      // The RUN that bind-mounts pyproject.toml: `<extract> > <file> && pip install -r <file> ...`.
      const run = DockerfileParser.parse(read(dir, 'Dockerfile'))
        .getInstructions()
        .find((i) => i.getKeyword() === 'RUN' && (i as ModifiableInstruction).getFlags().some((f) => /source=pyproject\.toml/.test(f.getValue() ?? '')));
      expect(run, variant).toBeDefined();
      const mount = (run as ModifiableInstruction).getFlags().map((f) => f.getValue() ?? '').find((v) => v.includes('source=pyproject.toml'))!;
      const target = /target=([^,]+)/.exec(mount)![1]!;
      const command = run!.getRawArgumentsContent()!.replace(/\\\n/g, ' ');
      const m = /^\s*(python -c '[^']*' (\S+)) > (\S+)\s+&&\s+pip install -r (\S+)/.exec(command);
      expect(m, command).not.toBeNull();
      const [, extract, argument, written, installed] = m!;
      expect([argument, installed]).toEqual([target, written]);

      // The same shell line, with the bind-mount target replaced by the fixture's file.
      const out = path.join(shim, `requirements-${variant}.txt`);
      const line = `${extract!.replace(target, `'${path.join(dir, 'pyproject.toml')}'`)} > '${out}'`;
      const result = spawnSync('sh', ['-c', line], { encoding: 'utf8', env: { ...process.env, PATH: `${shim}:${process.env.PATH}` } });
      expect(result.status, result.stderr).toBe(0);
      expect(read(shim, path.basename(out)).split('\n')).toEqual(['fastapi>=0.115', 'uvicorn[standard]>=0.30', 'SQLAlchemy>=2.0', 'psycopg[binary]>=3.2', '']);
    }
  });

  it('a Poetry-only pyproject.toml still installs requirements.txt and is told to export one; a top-level module is mounted', async () => {
    const dir = newRepo({
      'pyproject.toml': '[tool.poetry]\nname = "shop"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nfastapi = "^0.115"\nuvicorn = "^0.30"\n',
      'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
    });
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = json(run.stdout);
    expect(result.options).toMatchObject({ app: 'main:app', installFrom: 'requirements.txt', sourcePaths: ['main.py'] });
    expect(result.warnings.some((w) => /no requirements\.txt/.test(w)), result.warnings.join(' | ')).toBe(true);
    expect(read(dir, 'Dockerfile')).toContain('--mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt');
    const override = parseYaml(read(dir, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as Override;
    expect(override.services.app.volumes).toEqual(['./main.py:/app/main.py:ro']);
    expect(override.services.app.develop.watch[0]!.path).toBe('requirements.txt');
    expect(composeFindings(dir)).toEqual([]);
  });

  it('mounts every importable top-level source root, and no volume at all when there is no code', async () => {
    const dir = newRepo({ 'requirements.txt': 'flask==3.1.3\ngunicorn==23.0.0\n', 'wsgi.py': 'from shop import create_app\n\napp = create_app()\n', 'setup.py': '' });
    for (const pkg of ['shop', 'tools', 'not-importable']) {
      mkdirSync(path.join(dir, pkg));
      writeFileSync(path.join(dir, pkg, '__init__.py'), pkg === 'shop' ? 'from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n' : '');
    }
    expect((await add(dir)).code).toBe(0);
    expect((parseYaml(read(dir, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as Override).services.app.volumes).toEqual([
      './shop:/app/shop:ro',
      './tools:/app/tools:ro',
      './wsgi.py:/app/wsgi.py:ro',
    ]);
    expect(composeFindings(dir)).toEqual([]);

    const bare = newRepo({ 'README.md': 'no code yet\n' });
    expect((await add(bare, '--framework', 'fastapi', '--app', 'main:app')).code).toBe(0);
    expect((parseYaml(read(bare, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as Override).services.app).not.toHaveProperty('volumes');
    expect(composeFindings(bare)).toEqual([]);
  });
});

describe('requirements.txt that includes other files or local code (issue 10)', () => {
  it('-r and -c files are mounted beside requirements.txt at their own paths; the override rebuilds on each', async () => {
    const dir = copyFixture('requirements-includes');
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    const dockerfile = read(dir, 'Dockerfile');
    for (const file of ['requirements.txt', 'requirements/base.txt', 'constraints.txt'])
      expect(dockerfile).toContain(`--mount=type=bind,source=${file},target=/tmp/${file} \\`);
    expect(dockerfile).toContain('pip install -r /tmp/requirements.txt');
    const watch = (parseYaml(read(dir, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as { services: { app: { develop: { watch: { path: string }[] } } } }).services.app.develop.watch;
    expect(watch.map((w) => w.path)).toEqual(['requirements.txt', 'requirements/base.txt', 'constraints.txt']);
    expect(json(run.stdout).warnings).toEqual([]);
    expect(dockerfileFindings(dir)).toEqual([]);
  });

  it.each([
    ['-e .', /line 2 \(-e \.\): it installs local code/],
    ['./libs/shared', /line 2 \(\.\/libs\/shared\): it installs local code/],
    ['shared @ file:///opt/shared', /it installs local code/],
    ['-f ./wheels', /a local --find-links folder/],
    ['-r ../outside.txt', /\.\.\/outside\.txt is outside the repository/],
    ['-r /etc/outside.txt', /line 2 \(-r \/etc\/outside\.txt\): \/etc\/outside\.txt is outside the repository/],
    ['-r missing.txt', /missing\.txt is not a file in the repository/],
  ])('a line the image cannot install (%s) is refused, naming the line; nothing is written', async (line, message) => {
    const dir = copyFixture('fastapi-main');
    writeFileSync(path.join(dir, 'requirements.txt'), `fastapi==0.115.11\n${line}\nuvicorn==0.34.0\n`);
    const before = treeSnapshot(dir);
    const run = await add(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/run add docker again/);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a refused line with terminal control characters is echoed with them escaped, and a long one is cut', async () => {
    const dir = copyFixture('fastapi-main');
    const long = `./${'p'.repeat(300)}`;
    writeFileSync(path.join(dir, 'requirements.txt'), `fastapi==0.115.11\n-e ./x\u001b]0;PWNED\u0007\u001b[2J\n${long}\n`);
    const run = await add(dir);
    expect(run.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(run.stderr).toContain('requirements.txt line 2 ("-e ./x\\u001b]0;PWNED\\u0007\\u001b[2J"): it installs local code');
    expect(run.stderr).toContain(`requirements.txt line 3 ("./${'p'.repeat(58)}..." (302 characters))`);
    expect(run.stderr).not.toContain('p'.repeat(61));
  });

  it('a pyproject.toml that is not valid TOML is refused naming the line, not read around; nothing is written', async () => {
    const dir = copyFixture('pyproject-app');
    const text = readFileSync(path.join(dir, 'pyproject.toml'), 'utf8');
    writeFileSync(path.join(dir, 'pyproject.toml'), `${text}[project\n`);
    const before = treeSnapshot(dir);
    const run = await add(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: ${path.basename(dir)}/pyproject.toml is not valid TOML (line ${text.split('\n').length}: incomplete key-value: cannot find end of key); fix it (its own tools refuse it too), then run the command again\n`);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('any message that carries a control character shows it escaped: a --dir named with one', async () => {
    const parent = tempDir();
    const run = await runMain(['add', 'docker', '--dir', 'x\u001b[2Jy\u0007'], { cwd: parent });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: x\\x1b[2Jy\\x07 does not exist or is not a directory; run add docker inside your repository or pass --dir\n');
  });

  it('index and hash options need nothing: they are accepted as they are', async () => {
    const dir = copyFixture('fastapi-main');
    writeFileSync(path.join(dir, 'requirements.txt'), '--index-url https://pypi.org/simple\n--trusted-host pypi.org\nfastapi==0.115.11 \\\n    --hash=sha256:0000\nuvicorn==0.34.0\n');
    const run = await add(dir);
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('frameworks we do not support (yet)', () => {
  it.each([
    ['Django', 'requirements.txt', 'django==5.2\n', 'manage.py', 'import django\n'],
    ['Litestar', 'requirements.txt', 'uvicorn==0.34.0\n', 'main.py', 'from litestar import Litestar\napp = Litestar([])\n'],
  ])('a %s repository is told so (exit 1), not asked to pass --framework', async (label, deps, depsText, code, codeText) => {
    const dir = path.join(tempDir('cpda-other-'), 'site');
    mkdirSync(dir);
    writeFileSync(path.join(dir, deps), depsText);
    writeFileSync(path.join(dir, code), codeText);
    const run = await add(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${label} is not supported (yet)`);
    expect(run.stderr).not.toMatch(/no terminal to ask on/);
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });
});

describe('--dir: one rule for the CLI and plop', () => {
  it('a --dir that does not exist is refused by add docker, and nothing is created', async () => {
    const base = tempDir('cpda-nodir-');
    const run = await runMain(['add', 'docker', '--dir', 'not/there', '--framework', 'fastapi', '--app', 'a:b'], { cwd: base });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not\/there does not exist/);
    expect(treeSnapshot(base)).toEqual({});
    rmSync(base, { recursive: true, force: true });
  });

  it('a --dir reached through a symlinked parent is written at its real path, and reported so', async () => {
    const real = copyFixture('fastapi-main');
    const links = tempDir('cpda-links-');
    symlinkSync(path.dirname(real), path.join(links, 'via'));
    const run = await runMain(['add', 'docker', '--dir', path.join('via', path.basename(real)), '--json'], { cwd: links });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout)).toMatchObject({ ok: true });
    expect((JSON.parse(run.stdout) as { projectDir: string }).projectDir).toBe(real);
    rmSync(links, { recursive: true, force: true });
  });
});

describe('the built CLI', () => {
  it('add docker runs from the built bin (spawned, stdin closed)', () => {
    assertBuilt();
    const dir = copyFixture('flask-factory');
    const run = runBin(['add', 'docker', '--dir', dir, '--json'], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(json(run.stdout).options).toMatchObject({ app: 'blog:create_app()' });
    const help = runBin(['add', '--help'], { cwd: dir });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/add docker \[--dir <path>\]/);
  });
});
