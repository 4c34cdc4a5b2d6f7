// Every combination of framework x postgres x redis x dockerfile, generated through the CLI
// (main() in-process, --yes plus flags) into a temp dir, with targeted assertions on what each
// combination must and must not contain. Snapshots of every file come last, as a backstop.

import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { parseTOML } from 'confbox/toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../src/options/answers-file.js';
import { BASE_FILE } from '../src/engine/base-record.js';
import { FRAMEWORK_FEATURES } from '../src/features/frameworks.js';
import { PIP_COMPILE } from '../src/features/pip.js';
import { allCombinations, comboId, PYTHON_VERSIONS, type PackageManager, type ProjectOptions } from '../src/options/table.js';
import { PINS, PYTHON_IMAGE_VARIANT, PYTHON_IMAGES, PYTHON_RELEASES, requirementLine, SERVICE_IMAGES, UV_IMAGE } from '../src/engine/versions.js';
import { lintDockerfile } from './support/dockerfile-lint.js';
import { listFiles, PACKAGE_VERSION, pythonSyntaxErrors, runMain, SYNTAX_PYTHON, tempDir, removeTempDirs } from './support/cli-run.js';

afterAll(removeTempDirs);

type Combo = Omit<ProjectOptions, 'name' | 'description'>;
const COMBOS = allCombinations();
const DESCRIPTION = 'Combination test service';

function flagsFor(c: Combo): string[] {
  return [
    '--framework', c.framework,
    '--python', c.python,
    c.postgres ? '--postgres' : '--no-postgres',
    c.redis ? '--redis' : '--no-redis',
    '--dockerfile', c.dockerfile,
    '--package-manager', c.packageManager,
    '--description', DESCRIPTION,
  ];
}

interface Generated {
  dir: string;
  files: string[];
  read: (p: string) => string;
  has: (p: string) => boolean;
}

const parent = tempDir('cpda-combos-');
const generated = new Map<string, Generated>();

beforeAll(async () => {
  for (const combo of COMBOS) {
    const name = comboId(combo).replace('-multi-stage', '-ms');
    const run = await runMain([name, '--yes', ...flagsFor(combo)], { cwd: parent });
    if (run.code !== 0) throw new Error(`${comboId(combo)}: exit ${run.code}: ${run.stderr}`);
    const dir = path.join(parent, name);
    const files = listFiles(dir);
    generated.set(comboId(combo), {
      dir,
      files,
      read: (p) => readFileSync(path.join(dir, p), 'utf8'),
      has: (p) => files.includes(p),
    });
  }
});

const requirementNames = (text: string): string[] =>
  requirementLines(text).map((l) => l.split(/[[=<>~!; ]/)[0]!.toLowerCase());

const requirementLines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').replace(/\\$/, '').trim())
    .filter((l) => l && !l.startsWith('-'));

interface UvLock {
  'requires-python': string;
  package: { name: string; version: string; source: Record<string, string>; sdist?: { hash: string }; wheels?: { url: string; hash: string }[] }[];
}

/** What a project declares: [project] dependencies and the dev group (uv), or the .in files (pip). */
function declared(g: Generated, packageManager: PackageManager): { runtime: string[]; dev: string[] } {
  if (packageManager === 'pip') return { runtime: requirementLines(g.read('requirements.in')), dev: requirementLines(g.read('requirements-dev.in')) };
  const pyproject = parseTOML<{ project: { dependencies: string[] }; 'dependency-groups': { dev: string[] } }>(g.read('pyproject.toml'));
  return { runtime: pyproject.project.dependencies, dev: pyproject['dependency-groups'].dev };
}

describe.each(COMBOS.map((c) => [comboId(c), c] as const))('%s', (id, combo) => {
  const g = (): Generated => generated.get(id)!;
  const flask = combo.framework === 'flask';
  const server = FRAMEWORK_FEATURES[combo.framework].server;

  it('has the expected files', () => {
    const { files, has } = g();
    for (const always of [
      'Dockerfile', 'compose.yaml', 'compose.override.yaml', '.dockerignore', '.gitignore', '.env.example',
      'pyproject.toml', 'README.md', ANSWERS_FILE, 'app/__init__.py', 'app/store.py', 'app/health.py',
    ])
      expect(files, always).toContain(always);
    const uvFiles = ['uv.lock'];
    const pipFiles = ['requirements.in', 'requirements.txt', 'requirements-dev.in', 'requirements-dev.txt'];
    for (const f of uvFiles) expect(has(f), f).toBe(combo.packageManager === 'uv');
    for (const f of pipFiles) expect(has(f), f).toBe(combo.packageManager === 'pip');
    expect(has('gunicorn.conf.py')).toBe(flask);
    expect(has('app/main.py')).toBe(!flask);
    expect(files.some((f) => /^app\/.*(visit|counter)/.test(f))).toBe(combo.redis);
    expect(files.some((f) => f.startsWith('tests/') && f.endsWith('.py'))).toBe(true);
    expect(files.filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('Dockerfile: the framework\'s server as exec-form CMD, the chosen variant, lint-clean', () => {
    const { read, has } = g();
    const dockerfile = read('Dockerfile');
    const cmds = dockerfile.split('\n').filter((l) => l.startsWith('CMD '));
    expect(JSON.parse(cmds[cmds.length - 1]!.slice(4))).toEqual(server.command);
    expect(server.command[0]).toBe(flask ? 'gunicorn' : 'uvicorn');
    const froms = dockerfile.split('\n').filter((l) => /^FROM /.test(l));
    expect(froms).toHaveLength(combo.dockerfile === 'multi-stage' ? 2 : 1);
    expect(dockerfile).toContain(`ARG PYTHON_VERSION=${PYTHON_RELEASES[combo.python]}`);
    expect(dockerfile).toContain(`FROM python:\${PYTHON_VERSION}-${PYTHON_IMAGE_VARIANT}`);
    expect(dockerfile).toMatch(/^USER \d+:\d+$/m);
    expect(dockerfile).not.toMatch(/^USER (root|0)\b/m);
    const findings = lintDockerfile(dockerfile, { readFile: (p) => (has(p) ? read(p) : undefined) });
    expect(findings).toEqual([]);
  });

  it(`Dockerfile installs the lock: ${combo.packageManager === 'uv' ? 'uv sync --locked, before and after the code' : 'pip --require-hashes'}`, () => {
    const dockerfile = g().read('Dockerfile');
    // Instructions with their continuation lines joined, stage by stage.
    const stages = dockerfile
      .replace(/\s*\\\n\s*/g, ' ')
      .split(/^(?=FROM )/m)
      .slice(1)
      .map((stage) => stage.split('\n').filter((l) => l && !l.startsWith('#')));
    const final = stages.at(-1)!;
    const builds = combo.dockerfile === 'multi-stage' ? stages[0]! : final;
    const at = (lines: string[], pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const codeCopy = at(builds, /^COPY \. \.$/);
    if (combo.packageManager === 'uv') {
      expect(dockerfile.match(/^COPY --from=\S+ \/uv \/uvx \/bin\/$/gm)).toEqual([`COPY --from=${UV_IMAGE} /uv /uvx /bin/`]);
      expect(at(builds, /^COPY --from=ghcr\.io\/astral-sh\/uv:/)).toBeGreaterThanOrEqual(0);
      expect(builds.find((l) => l.startsWith('ENV UV_'))).toBe('ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0');
      const deps = at(builds, /^RUN --mount=type=cache,target=\/root\/\.cache\/uv --mount=type=bind,source=uv\.lock,target=uv\.lock --mount=type=bind,source=pyproject\.toml,target=pyproject\.toml uv sync --locked --no-dev --no-install-project$/);
      const project = at(builds, /^RUN --mount=type=cache,target=\/root\/\.cache\/uv uv sync --locked --no-dev$/);
      expect(deps).toBeGreaterThanOrEqual(0);
      expect(deps).toBeLessThan(codeCopy);
      expect(project).toBeGreaterThan(codeCopy);
      expect(final).toContain('ENV PATH=/app/.venv/bin:$PATH'.replace('ENV ', combo.dockerfile === 'multi-stage' ? 'ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ' : 'ENV '));
      if (combo.dockerfile === 'multi-stage') {
        // The runtime stage takes the venv only: uv is neither copied nor run there.
        expect(final).toContain('COPY --from=builder /app/.venv /app/.venv');
        expect(final.filter((l) => /\buv\b|astral-sh/.test(l) && !l.includes('/app/.venv'))).toEqual([]);
      }
    } else {
      expect(builds.filter((l) => /\bpip install\b/.test(l))).toEqual([
        'RUN --mount=type=cache,target=/root/.cache/pip --mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt pip install --require-hashes -r /tmp/requirements.txt',
      ]);
      expect(dockerfile).not.toMatch(/\buv\b/);
    }
  });

  it('compose.yaml parses; a db service iff postgres, a redis service iff redis', () => {
    const { read } = g();
    const doc = parseDocument(read('compose.yaml'));
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    const compose = doc.toJS() as any;
    expect(compose.name).toBe(path.basename(g().dir));
    const services = Object.keys(compose.services).sort();
    expect(services).toEqual(['app', ...(combo.postgres ? ['db'] : []), ...(combo.redis ? ['redis'] : [])].sort());
    const env = compose.services.app.environment ?? {};
    expect('DATABASE_URL' in env).toBe(combo.postgres);
    expect('REDIS_URL' in env).toBe(combo.redis);
    expect(Object.keys(compose.services.app.depends_on ?? {}).sort()).toEqual(services.filter((s) => s !== 'app'));
    if (combo.postgres) {
      expect(compose.services.db.image).toBe(SERVICE_IMAGES.postgres);
      expect(env.DATABASE_URL).toMatch(/^postgresql\+psycopg:\/\/.*@db:5432\//);
    }
    if (combo.redis) {
      expect(compose.services.redis.image).toBe(SERVICE_IMAGES.redis);
      expect(env.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
    }
    expect(Object.keys(compose.volumes ?? {}).length > 0).toBe(combo.postgres || combo.redis);
  });

  it('compose.override.yaml parses and runs the framework\'s reloading dev server', () => {
    const doc = parseDocument(g().read('compose.override.yaml'));
    expect(doc.errors).toEqual([]);
    const override = doc.toJS() as any;
    expect(override.services.app.command).toEqual(server.devCommand);
    // The code is live through the read-only mount; a change to the lock rebuilds the image.
    expect(override.services.app.volumes).toEqual(['./app:/app/app:ro']);
    const rebuilds = override.services.app.develop.watch.filter((w: any) => w.action === 'rebuild').map((w: any) => w.path);
    expect(rebuilds).toEqual(combo.packageManager === 'uv' ? ['pyproject.toml', 'uv.lock'] : ['requirements.txt']);
    expect(Boolean(override.services.db)).toBe(combo.postgres);
    expect(Boolean(override.services.redis)).toBe(combo.redis);
  });

  it('declares gunicorn iff flask, uvicorn iff fastapi, SQLAlchemy+psycopg iff postgres, redis iff redis, each pinned with ==', () => {
    const { runtime, dev } = declared(g(), combo.packageManager);
    const names = runtime.map((r) => requirementNames(r)[0]);
    expect(names.includes('gunicorn')).toBe(flask);
    expect(names.includes('flask')).toBe(flask);
    expect(names.includes('fastapi')).toBe(!flask);
    expect(names.includes('uvicorn')).toBe(!flask);
    expect(names.includes('sqlalchemy')).toBe(combo.postgres);
    expect(names.includes('psycopg')).toBe(combo.postgres);
    expect(names.includes('redis')).toBe(combo.redis);
    expect(runtime).toContain(requirementLine(flask ? PINS.gunicorn : PINS.uvicorn));
    for (const line of [...runtime, ...dev]) expect(line).toMatch(/^[a-z0-9-]+(\[[a-z,]+\])?==\d[\w.]*$/);
    expect(dev.map((r) => requirementNames(r)[0])).toContain('pytest');
  });

  it('the lock pins every distribution, transitive ones included, with hashes, at the declared versions', () => {
    const { read } = g();
    const { runtime, dev } = declared(g(), combo.packageManager);
    const pinned = new Map<string, string>();
    if (combo.packageManager === 'uv') {
      const lock = parseTOML<UvLock>(read('uv.lock'));
      expect(lock['requires-python']).toBe('>=3.12');
      const [project, ...others] = [...lock.package].sort((a, b) => Number(b.source.virtual === '.') - Number(a.source.virtual === '.'));
      expect(project!.name).toBe(path.basename(g().dir));
      expect(project!.source).toEqual({ virtual: '.' });
      for (const p of others) {
        expect(p.source, p.name).toEqual({ registry: 'https://pypi.org/simple' });
        expect(p.wheels?.length, `${p.name} has wheels`).toBeGreaterThan(0);
        for (const file of [...(p.wheels ?? []), ...(p.sdist ? [p.sdist] : [])]) expect(file.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
        pinned.set(p.name, p.version);
      }
    } else {
      for (const file of ['requirements.txt', 'requirements-dev.txt']) {
        // One entry per distribution: `name==version [; marker] \` then its --hash lines.
        const entries = read(file).split(/\n(?=[a-z0-9])/).filter((e) => !e.startsWith('#'));
        expect(entries.length, file).toBeGreaterThan(1);
        for (const entry of entries) {
          const [, name, version] = /^([a-z0-9-]+)==(\S+?)(?: ;.*)? \\\n/.exec(entry) ?? [];
          expect(name, entry.split('\n')[0]).toBeDefined();
          expect(entry, name).toMatch(/--hash=sha256:[0-9a-f]{64}/);
          pinned.set(name!, version!);
        }
      }
      expect(read('requirements-dev.in')).toMatch(/^-c requirements\.txt$/m);
    }
    // The declared pins are what the lock holds; and it holds more than them (the transitive ones).
    for (const line of [...runtime, ...dev]) {
      const [, name, version] = /^([a-z0-9-]+)(?:\[[a-z,]+\])?==(.+)$/.exec(line)!;
      expect(pinned.get(name!), name).toBe(version);
    }
    expect(pinned.size).toBeGreaterThan(runtime.length + dev.length);
  });

  it('app/store.py uses SQLAlchemy iff postgres', () => {
    const store = g().read('app/store.py');
    expect(/^from sqlalchemy\b/m.test(store)).toBe(combo.postgres);
    expect(store).toMatch(/class \w*Store\b|def add\(/);
  });

  it('.env.example lists the variables of the chosen services, and nothing secret is ignored by git', () => {
    const { read } = g();
    const env = read('.env.example');
    expect(/^POSTGRES_PASSWORD=/m.test(env)).toBe(combo.postgres);
    expect(/^DATABASE_URL=/m.test(env)).toBe(combo.postgres);
    expect(/^REDIS_URL=/m.test(env)).toBe(combo.redis);
    expect(read('.gitignore')).toMatch(/^\.env$/m);
    expect(read('.dockerignore')).toMatch(/^\.env$/m);
  });

  it('README: title, description, the framework\'s server, and only the chosen services', () => {
    const readme = g().read('README.md');
    expect(readme.split('\n')[0]).toMatch(/^# \S/);
    expect(readme).toContain(DESCRIPTION);
    expect(readme).toContain('docker compose up --build');
    expect(readme).toContain(flask ? 'gunicorn' : 'uvicorn');
    expect(readme.includes('uvicorn')).toBe(!flask);
    expect(readme.includes('GET /visits')).toBe(combo.redis);
    expect(readme.includes('POSTGRES_PASSWORD')).toBe(combo.postgres);
    expect(readme).toContain(PYTHON_IMAGES[combo.python]);
    expect(readme.includes('Multi-stage')).toBe(combo.dockerfile === 'multi-stage');
    // How to add a dependency and refresh the lock, with this project's tool.
    if (combo.packageManager === 'uv') for (const command of ['uv sync', 'uv add', 'uv lock --upgrade', 'uv run pytest']) expect(readme).toContain(command);
    else for (const command of [PIP_COMPILE.requirements.join(' '), PIP_COMPILE.dev.join(' '), 'pip install --require-hashes -r requirements.txt -r requirements-dev.txt']) expect(readme).toContain(command);
    expect(readme.includes('uv.lock')).toBe(combo.packageManager === 'uv');
    // Code fences are balanced.
    expect((readme.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it('the answers file records the version and every option', () => {
    // "files" is the record `update` merges against (tests/update.test.ts checks it).
    const { files: _record, ...stamped } = JSON.parse(g().read(ANSWERS_FILE));
    expect(stamped).toEqual({
      generator: 'create-python-docker-app',
      version: PACKAGE_VERSION,
      answers: { name: path.basename(g().dir), description: DESCRIPTION, ...combo },
    });
  });

  it('every Python file compiles; no template residue anywhere', () => {
    const { files, read } = g();
    const py = files.filter((f) => f.endsWith('.py')).map((f) => ({ path: f, contents: read(f) }));
    expect(py.length).toBeGreaterThan(3);
    expect(pythonSyntaxErrors(py)).toEqual([]);
    for (const f of files) {
      const text = read(f);
      expect(text, f).not.toMatch(/<%|%>|\bundefined\b|\[object Object\]|\bNaN\b/);
      expect(text.endsWith('\n'), `${f} ends with a newline`).toBe(true);
    }
  });

  it('pyproject.toml parses as TOML', () => {
    const result = spawnSync(SYNTAX_PYTHON, ['-c', 'import sys, tomllib; tomllib.loads(sys.stdin.read())'], { input: g().read('pyproject.toml'), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('python versions', () => {
  it.each(PYTHON_VERSIONS)('--python %s pins that image in the Dockerfile', async (python) => {
    const cwd = tempDir();
    const run = await runMain(['py', '--yes', '--python', python], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const dockerfile = readFileSync(path.join(cwd, 'py', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ARG PYTHON_VERSION=${PYTHON_RELEASES[python]}`);
    for (const other of PYTHON_VERSIONS.filter((v) => v !== python)) expect(dockerfile).not.toContain(PYTHON_RELEASES[other]);
  });
});

describe('all YAML files of every combination parse', () => {
  it('parses each .yaml/.yml file with the yaml package, strictly', () => {
    let count = 0;
    for (const g of generated.values()) {
      for (const f of g.files.filter((p) => /\.ya?ml$/.test(p))) {
        const doc = parseDocument(g.read(f), { strict: true, uniqueKeys: true });
        expect(doc.errors, `${g.dir}/${f}`).toEqual([]);
        expect(parseYaml(g.read(f))).toBeTypeOf('object');
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(COMBOS.length * 2);
  });
});

/**
 * A lock file is snapshotted as what it pins, not its hashes (tests/locks.test.ts holds the
 * locks to their inputs): `name version` per package of uv.lock, the requirement lines of the
 * compiled requirements files.
 */
function lockSummary(file: string, text: string): string | undefined {
  if (file === 'uv.lock') return parseTOML<UvLock>(text).package.map((p) => `${p.name} ${p.version}`).join('\n');
  if (file === 'requirements.txt' || file === 'requirements-dev.txt') return text.split('\n').filter((l) => !/^\s+--hash=/.test(l)).join('\n');
  return undefined;
}

// Snapshots of every file of every combination: a backstop that shows any change to the output
// in review. The targeted assertions above say what must hold; update these with `-u` only after
// reading the diff. The generator version is masked so a version bump does not churn them, and
// so are the record's hashes (README.md names the version); the record's copy of the generated
// text (BASE_FILE) is the other files again, so it is left out.
describe('snapshots', () => {
  it.each(COMBOS.map((c) => [comboId(c)]))('%s', (id) => {
    const g = generated.get(id)!;
    const mask = (text: string) => text.split(PACKAGE_VERSION).join('<version>').replace(/"[0-9a-f]{64}"/g, '"<sha256>"');
    const files = Object.fromEntries(g.files.filter((f) => f !== BASE_FILE).map((f) => [f, lockSummary(f, g.read(f)) ?? mask(g.read(f))]));
    expect(files).toMatchSnapshot();
  });
});
