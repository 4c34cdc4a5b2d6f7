// Every combination of framework x postgres x redis x dockerfile, generated through the CLI
// (main() in-process, --yes plus flags) into a temp dir, with targeted assertions on what each
// combination must and must not contain. Snapshots of every file come last, as a backstop.

import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DockerfileParser, Healthcheck } from 'dockerfile-ast';
import { parse as parseYaml, parseDocument } from 'yaml';
import { parseTOML } from 'confbox/toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { BASE_FILE } from '../../src/engine/base-record.js';
import { compareVersions } from '../../src/features/docker-floor-compare.js';
import { DOCKER_FLOOR } from '../../src/features/docker-floor-value.js';
import { FRAMEWORK_FEATURES } from '../../src/features/frameworks.js';
import { PIP_COMPILE } from '../../src/features/pip/index.js';
import { randomSecret, SECRET_ENV_NAMES } from '../../src/features/local-env.js';
import { SERVICE_FEATURES } from '../../src/features/services.js';
import { renderDockerFiles } from '../../src/existing/docker-app.js';
import { allCombinations, comboId, PROJECT_OPTIONS, PYTHON_VERSIONS, type PackageManager, type ExtraOptionKey, type ProjectOptions } from '../../src/options/table.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { PINS, PYTHON_IMAGE_VARIANT, PYTHON_IMAGES, PYTHON_RELEASES, requirementLine, SERVICE_IMAGES, UV_IMAGE } from '../../src/engine/versions.js';
import { COMPOSE_YAML_TAGS } from '../support/compose-check.js';
import { lintDockerfile } from '../support/dockerfile-lint.js';
import { listFiles, PACKAGE_VERSION, precompilePython, pythonSyntaxErrors, runMain, SYNTAX_PYTHON, tempDir, removeTempDirs } from '../support/cli-run.js';
import { missingPairs, pairwiseProjects } from '../support/pairwise.js';

afterAll(removeTempDirs);

type Combo = Omit<ProjectOptions, 'name' | 'description' | ExtraOptionKey>;
const COMBOS = allCombinations();
// Every combination in a full run, a covering array of them in test:fast (tests/support/combinations.ts).
const UNDER_TEST = combinationsUnderTest();
const DESCRIPTION = 'Combination test service';

function flagsFor(c: Combo): string[] {
  return [
    '--framework', c.framework,
    '--python', c.python,
    c.postgres ? '--postgres' : '--no-postgres',
    c.redis ? '--redis' : '--no-redis',
    '--dockerfile', c.dockerfile,
    '--package-manager', c.packageManager,
    '--worker', c.worker,
    c.beat ? '--beat' : '--no-beat',
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
  // The snapshots' combinations too, whichever set is under test.
  for (const combo of [...UNDER_TEST, ...SNAPSHOT_COMBOS]) {
    if (generated.has(comboId(combo))) continue;
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
  // Every project's Python compiled in one run, each distinct file once (most are shared); each
  // test below still asks about its own project's files.
  precompilePython([...generated.values()].map(({ files, read }) => files.filter((f) => f.endsWith('.py')).map((f) => ({ path: f, contents: read(f) }))));
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

describe.each(UNDER_TEST.map((c) => [comboId(c), c] as const))('%s', (id, combo) => {
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
    // The Python image on one FROM line, its tag written out (tests/fast/dependabot-images.test.ts:
    // the form Dependabot reads); the multi-stage builder and runtime both start from it.
    const froms = dockerfile.split('\n').filter((l) => /^FROM /.test(l));
    const uvStage = combo.packageManager === 'uv' ? [`FROM ${UV_IMAGE} AS uv`] : [];
    expect(froms).toEqual(
      combo.dockerfile === 'multi-stage'
        ? [...uvStage, `FROM ${PYTHON_IMAGES[combo.python]} AS base`, 'FROM base AS builder', 'FROM base AS runtime']
        : [...uvStage, `FROM ${PYTHON_IMAGES[combo.python]}`],
    );
    expect(PYTHON_IMAGES[combo.python]).toBe(`python:${PYTHON_RELEASES[combo.python]}-${PYTHON_IMAGE_VARIANT}`);
    expect(dockerfile).not.toContain('ARG ');
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
    const builds = combo.dockerfile === 'multi-stage' ? stages.find((stage) => stage[0]!.endsWith(' AS builder'))! : final;
    const at = (lines: string[], pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const codeCopy = at(builds, /^COPY \. \.$/);
    if (combo.packageManager === 'uv') {
      expect(dockerfile.match(/^COPY --from=\S+ \/uv \/uvx \/bin\/$/gm)).toEqual(['COPY --from=uv /uv /uvx /bin/']);
      expect(stages[0]).toEqual([`FROM ${UV_IMAGE} AS uv`]);
      expect(at(builds, /^COPY --from=uv /)).toBeGreaterThanOrEqual(0);
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
    const worker = [...(combo.worker === 'celery' ? ['worker'] : []), ...(combo.beat ? ['beat'] : [])];
    expect(services).toEqual(['app', ...(combo.postgres ? ['db'] : []), ...(combo.migrations ? ['migrate'] : []), ...(combo.redis ? ['redis'] : []), ...worker].sort());
    const env = compose.services.app.environment ?? {};
    // PostgreSQL's parts, the password being a file secret (issue 23).
    expect('POSTGRES_HOST' in env).toBe(combo.postgres);
    expect('POSTGRES_PASSWORD' in env).toBe(false);
    expect((compose.services.app.secrets ?? []).includes('postgres_password')).toBe(combo.postgres);
    expect('REDIS_URL' in env).toBe(combo.redis);
    const backing = services.filter((s) => !['app', 'worker', 'beat'].includes(s));
    expect(Object.keys(compose.services.app.depends_on ?? {}).sort()).toEqual(backing);
    // The worker: the app's image, its own command, after the same services as the app.
    if (combo.worker === 'celery') {
      expect(compose.services.worker.image).toBe(compose.services.app.image);
      expect(compose.services.worker.command.slice(0, 4)).toEqual(['celery', '--app', 'app.worker_app', 'worker']);
      expect(Object.keys(compose.services.worker.depends_on).sort()).toEqual(backing);
    }
    if (combo.postgres) {
      expect(compose.services.db.image).toBe(SERVICE_IMAGES.postgres);
      expect(env).toMatchObject({ POSTGRES_HOST: 'db', POSTGRES_PORT: '5432' });
      expect(compose.secrets.postgres_password.file).toBe('./secrets/postgres_password');
    }
    if (combo.redis) {
      expect(compose.services.redis.image).toBe(SERVICE_IMAGES.redis);
      expect(env.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
    }
    expect(Object.keys(compose.volumes ?? {}).length > 0).toBe(combo.postgres || combo.redis);
  });

  it('compose.override.yaml parses and runs the framework\'s reloading dev server', () => {
    const doc = parseDocument(g().read('compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS });
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    const override = doc.toJS() as any;
    expect(override.services.app.command).toEqual(server.devCommand);
    // The code is live through the read-only mount; a change to the lock rebuilds the image.
    expect(override.services.app.volumes).toEqual(['./app:/app/app:ro']);
    const rebuilds = override.services.app.develop.watch.filter((w: any) => w.action === 'rebuild').map((w: any) => w.path);
    // ... and so does a new migration, which the image holds too.
    const migrations = g().has('alembic.ini') ? ['migrations'] : [];
    expect(rebuilds).toEqual([...(combo.packageManager === 'uv' ? ['pyproject.toml', 'uv.lock'] : ['requirements.txt']), ...migrations]);
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
    expect(runtime).toContain(requirementLine(flask ? PINS.gunicorn : PINS.uvicornServer));
    // A marker only where the package does not exist everywhere (uvloop: not on Windows).
    for (const line of [...runtime, ...dev]) expect(line).toMatch(/^[a-z0-9-]+(\[[a-z,]+\])?==\d[\w.]*(; [\w .'!=]+)?$/);
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
      const [, name, version] = /^([a-z0-9-]+)(?:\[[a-z,]+\])?==([^;\s]+)(?:; .+)?$/.exec(line)!;
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
    // No password: it is the file secrets/postgres_password, ignored by git and Docker too.
    expect(env).not.toMatch(/PASSWORD/);
    expect(/^POSTGRES_HOST=/m.test(env)).toBe(combo.postgres);
    expect(read('.gitignore')).toMatch(/^secrets\/$/m);
    expect(read('.dockerignore')).toMatch(/^\*\*\/secrets\/$/m);
    expect(/^REDIS_URL=/m.test(env)).toBe(combo.redis);
    expect(read('.gitignore')).toMatch(/^\.env$/m);
    expect(read('.dockerignore')).toMatch(/^\*\*\/\.env$/m);
  });

  it('README: title, description, the framework\'s server, and only the chosen services', () => {
    const readme = g().read('README.md');
    expect(readme.split('\n')[0]).toMatch(/^# \S/);
    expect(readme).toContain(DESCRIPTION);
    expect(readme).toMatch(/^sh scripts\/check-docker && docker compose up --build$/m);
    expect(readme).toContain(flask ? 'gunicorn' : 'uvicorn');
    expect(readme.includes('uvicorn')).toBe(!flask);
    expect(readme.includes('GET /visits')).toBe(combo.redis);
    expect(readme.includes('POSTGRES_PASSWORD')).toBe(combo.postgres);
    expect(readme).toContain(PYTHON_IMAGES[combo.python]);
    expect(readme.includes('Multi-stage')).toBe(combo.dockerfile === 'multi-stage');
    // How to add a dependency and refresh the lock, with this project's tool.
    if (combo.packageManager === 'uv') for (const command of ['uv sync --locked', 'uv add', 'uv lock --upgrade', 'uv run sh scripts/test']) expect(readme).toContain(command);
    else for (const command of [PIP_COMPILE.requirements.join(' '), PIP_COMPILE.dev.join(' '), 'pip install --require-hashes -r requirements.txt -r requirements-dev.txt']) expect(readme).toContain(command);
    expect(readme.includes('uv.lock')).toBe(combo.packageManager === 'uv');
    // Code fences are balanced.
    expect((readme.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it('the answers file records the version and every option', () => {
    // "files" is the record `update` merges against (tests/fast/update.test.ts checks it).
    const { files: _record, ...stamped } = JSON.parse(g().read(ANSWERS_FILE));
    expect(stamped).toEqual({
      generator: 'create-python-docker-app',
      version: PACKAGE_VERSION,
      // The options that only add files are on by default.
      answers: { name: path.basename(g().dir), description: DESCRIPTION, ...combo, ci: 'github', dependabot: true, lint: true, devcontainer: true },
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

  it('README and scripts/check-docker state one Docker floor, which covers every versioned feature the files use', () => {
    const { files, read } = g();
    const readme = read('README.md');
    const check = read('scripts/check-docker');
    expect(readme).toContain(`Docker Engine ${DOCKER_FLOOR.engine} or later, with Docker Compose ${DOCKER_FLOOR.compose} or later`);
    expect(check).toMatch(new RegExp(`^ENGINE_MIN=${escapeRegExp(DOCKER_FLOOR.engine)}$`, 'm'));
    expect(check).toMatch(new RegExp(`^COMPOSE_MIN=${escapeRegExp(DOCKER_FLOOR.compose)}$`, 'm'));
    const all = files.map((f) => read(f)).join('\n');
    for (const use of VERSIONED_USES.filter((u) => u.pattern.test(all))) {
      const [product, floor] = use.engine ? ['Engine', DOCKER_FLOOR.engine] : ['Compose', DOCKER_FLOOR.compose];
      expect(compareVersions(floor, use.engine ?? use.compose!), `${use.what} needs ${product} ${use.engine ?? use.compose}`).toBeGreaterThanOrEqual(0);
    }
  });

  it('Dockerfile HEALTHCHECK: healthy within about a second of the server answering, then a steady 30 s', () => {
    const timing = healthcheckTiming(g().read('Dockerfile'));
    // While the container starts, Docker probes every start-interval, so it is healthy that
    // long (plus the probe) after /health first answers; start-period covers a slow start.
    expect(timing['start-interval'], 'HEALTHCHECK has no --start-interval').toBeDefined();
    expect(timing['start-interval'], 'HEALTHCHECK --start-interval').toBeLessThanOrEqual(1000);
    expect(timing['start-period'], 'HEALTHCHECK --start-period').toBeGreaterThanOrEqual(10_000);
    expect(timing.interval, 'HEALTHCHECK --interval').toBe(30_000);
  });

  it("the server's graceful shutdown ends before compose.yaml's stop_grace_period", () => {
    const { read } = g();
    const cmd = JSON.parse(read('Dockerfile').split('\n').filter((l) => l.startsWith('CMD ')).at(-1)!.slice(4)) as string[];
    const graceful = flask
      ? Number(/^graceful_timeout = (\d+)$/m.exec(read('gunicorn.conf.py'))?.[1])
      : Number(cmd[cmd.indexOf('--timeout-graceful-shutdown') + 1]);
    const compose = parseYaml(read('compose.yaml')) as { services: { app: { stop_grace_period: string } } };
    const stop = durationMs(compose.services.app.stop_grace_period);
    expect(graceful, `${flask ? 'gunicorn graceful_timeout' : 'uvicorn --timeout-graceful-shutdown'}`).toBeGreaterThan(0);
    expect(graceful * 1000, `graceful shutdown ${graceful} s vs stop_grace_period`).toBeLessThan(stop);
  });

  it('.env.example: every value that must keep to a character rule keeps to the rule stated above it', () => {
    const rules = new Map(
      [...SERVICE_FEATURES.flatMap((s) => s.env ?? [])].flatMap((v) => (v.allowed ? [[v.name, v.allowed] as const] : [])),
    );
    const entries = envEntries(g().read('.env.example'));
    const checked: string[] = [];
    for (const entry of entries) {
      const restricts = /\bUse\b[^.]*\bonly\b/.test(entry.comment);
      const rule = rules.get(entry.name);
      if (!restricts && !rule) continue;
      checked.push(entry.name);
      expect(rule, `${entry.name}: its comment restricts the characters, but no rule says which`).toBeDefined();
      expect(entry.comment, `${entry.name}: the comment does not state the rule`).toContain(rule!.description);
      // A secret is empty in the example; the value a new project's .env gets keeps to the rule.
      const secret = SERVICE_FEATURES.flatMap((s) => s.env ?? []).find((v) => v.name === entry.name)?.secret;
      if (secret) expect(entry.value, `${entry.name}: a secret with a value in .env.example`).toBe('');
      expect(secret ? randomSecret() : entry.value, `${entry.name}: the value breaks the rule`).toMatch(rule!.pattern);
    }
    // Every variable with a rule that the file has was checked (none, in a project without services).
    expect(checked.sort()).toEqual(entries.filter((e) => rules.has(e.name)).map((e) => e.name).sort());
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
    expect(dockerfile).toMatch(new RegExp(`^FROM ${PYTHON_IMAGES[python].replace(/\./g, '\\.')}$`, 'm'));
    for (const other of PYTHON_VERSIONS.filter((v) => v !== python)) expect(dockerfile).not.toContain(PYTHON_RELEASES[other]);
  });
});

describe('all YAML files of every combination parse', () => {
  it('parses each .yaml/.yml file with the yaml package, strictly', () => {
    let count = 0;
    for (const g of generated.values()) {
      for (const f of g.files.filter((p) => /\.ya?ml$/.test(p))) {
        const doc = parseDocument(g.read(f), { strict: true, uniqueKeys: true, customTags: COMPOSE_YAML_TAGS });
        expect(doc.errors, `${g.dir}/${f}`).toEqual([]);
        expect(doc.warnings, `${g.dir}/${f}`).toEqual([]);
        expect(parseYaml(g.read(f), { customTags: COMPOSE_YAML_TAGS })).toBeTypeOf('object');
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(UNDER_TEST.length * 2);
  });
});

describe('next steps', () => {
  it.each(UNDER_TEST.map((c) => [comboId(c), c] as const))(
    '%s: the CLI\'s first start checks Docker before Compose, with the command the README gives',
    async (_id, combo) => {
      const run = await runMain(['next', '--yes', '--dry-run', '--json', ...flagsFor(combo)], { cwd: tempDir() });
      const steps = (JSON.parse(run.stdout) as { nextSteps: string[] }).nextSteps;
      const start = steps.find((s) => s.includes('docker compose up'));
      expect(start, steps.join('\n')).toBe('sh scripts/check-docker && docker compose up --build');
      const readme = generated.get(comboId(combo))!.read('README.md');
      expect(readme.split('\n')).toContain(start);
    },
  );
});

describe("add docker's Dockerfiles", () => {
  it.each(['standard', 'multi-stage'] as const)('%s: the same HEALTHCHECK timing as a new project\'s', (dockerfile) => {
    const [file] = renderDockerFiles(
      { name: 'existing', framework: 'fastapi', app: 'main:app', port: 8080, python: '3.13', postgres: false, redis: false, dockerfile, healthcheck: 'tcp', installFrom: 'requirements.txt', sourcePaths: ['main.py'] },
      PACKAGE_VERSION,
    ).filter((f) => f.path === 'Dockerfile');
    const timing = healthcheckTiming(file!.contents);
    expect(timing['start-interval'], 'HEALTHCHECK has no --start-interval').toBeDefined();
    expect(timing['start-interval']).toBeLessThanOrEqual(1000);
    expect(timing.interval).toBe(30_000);
  });
});

/**
 * Docker features the generated files may use that older releases lack, with the first release
 * that has each (Docker Engine and Compose release notes); the stated floor must cover every
 * one a project uses. Independent of src/features/docker-floor.ts on purpose.
 */
const VERSIONED_USES: { what: string; pattern: RegExp; engine?: string; compose?: string }[] = [
  { what: 'RUN --mount (BuildKit, the default builder from Engine 23.0)', pattern: /^RUN --mount=/m, engine: '23.0' },
  { what: 'healthcheck start_interval / HEALTHCHECK --start-interval', pattern: /start_interval:|--start-interval=/, engine: '25.0' },
  { what: 'depends_on: restart', pattern: /^ {8}restart: true$/m, compose: '2.17.0' },
  { what: 'develop: watch', pattern: /^ {4}develop:\n {6}watch:/m, compose: '2.22.0' },
  { what: 'the !override tag', pattern: /!override\b/, compose: '2.24.4' },
  { what: 'docker compose up --watch', pattern: /docker compose up --watch/, compose: '2.25.0' },
];

/** A Docker duration (`30s`, `1m30s`, `500ms`) in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0);
}

/** The durations of the last HEALTHCHECK's flags, by flag name, in milliseconds. */
function healthcheckTiming(dockerfile: string): Record<string, number | undefined> {
  const last = DockerfileParser.parse(dockerfile)
    .getInstructions()
    .filter((i): i is Healthcheck => i instanceof Healthcheck)
    .at(-1);
  if (!last) throw new Error('no HEALTHCHECK');
  const flags = last.getFlags();
  return Object.fromEntries(
    flags.filter((f) => f.getName() !== 'retries').map((f) => [f.getName(), durationMs(f.getValue() ?? '')]),
  );
}

/** `.env.example` entries: the comment lines above each NAME=value. */
function envEntries(text: string): { name: string; value: string; comment: string }[] {
  const entries: { name: string; value: string; comment: string }[] = [];
  let comment: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) comment.push(line.replace(/^#\s?/, ''));
    else if (line.trim() === '') comment = [];
    else {
      const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (m) entries.push({ name: m[1]!, value: m[2]!, comment: comment.join(' ') });
      comment = [];
    }
  }
  return entries;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A lock file is snapshotted as what it pins, not its hashes (tests/tools/locks.test.ts holds the
 * locks to their inputs): `name version` per package of uv.lock, the requirement lines of the
 * compiled requirements files.
 */
const LOCK_FILES = ['uv.lock', 'requirements.txt', 'requirements-dev.txt'];
function lockSummary(file: string, text: string): string | undefined {
  if (file === 'uv.lock') return parseTOML<UvLock>(text).package.map((p) => `${p.name} ${p.version}`).join('\n');
  if (file === 'requirements.txt' || file === 'requirements-dev.txt') return text.split('\n').filter((l) => !/^\s+--hash=/.test(l)).join('\n');
  return undefined;
}

// Snapshots, a backstop that shows any change to the output in review: every emitted file of a
// few combinations that together hold every pair of option values (a covering array of these
// options' rows of the table, tests/support/pairwise.ts),
// one file per emitted file under __snapshots__/generate/<combination>/, readable and diffable
// as the file itself. The targeted assertions above say what must hold for every combination;
// update these with `-u` only after reading the diff. The generator version is masked so a
// version bump does not churn them, and so are the record's hashes (README.md names the
// version) and the random secrets of the .env `create` writes; the record's copy of the
// generated text (BASE_FILE) is the other files again, so it is left out. A lock is kept as what
// it pins (`<lock>.pins`), and a .gitignore as `.gitignore.txt`: git would obey it in our tree.
const SNAPSHOT_KEYS = ['framework', 'postgres', 'redis', 'dockerfile', 'packageManager'] as const satisfies readonly (keyof Combo)[];
const SNAPSHOT_SPECS = PROJECT_OPTIONS.filter((spec) => (SNAPSHOT_KEYS as readonly string[]).includes(spec.key));
const SNAPSHOT_COMBOS = pairwiseProjects(SNAPSHOT_SPECS).map((row) => COMBOS.find((c) => SNAPSHOT_KEYS.every((k) => c[k] === row[k]))!);

describe('snapshots', () => {
  it('the snapshotted combinations hold every pair of option values', () => {
    expect(SNAPSHOT_COMBOS.every(Boolean)).toBe(true);
    expect(missingPairs(SNAPSHOT_COMBOS, SNAPSHOT_SPECS)).toEqual([]);
    expect(SNAPSHOT_COMBOS.length).toBeLessThan(COMBOS.length);
  });

  it.each(SNAPSHOT_COMBOS.map((c) => [comboId(c)]))('%s: its file list and every file', async (id) => {
    const g = generated.get(id)!;
    const secrets = new RegExp(`^(${SECRET_ENV_NAMES.join('|') || '(?!)'})=.+$`, 'gm');
    const mask = (text: string) => text.split(PACKAGE_VERSION).join('<version>').replace(/"[0-9a-f]{64}"/g, '"<sha256>"').replace(secrets, '$1=<random>');
    const files = g.files.filter((f) => f !== BASE_FILE);
    // The list first: a file that is no longer emitted leaves its snapshot behind, which only
    // the list shows.
    const snapshotNames = files.map((f) => (LOCK_FILES.includes(f) ? `${f}.pins` : path.basename(f) === '.gitignore' ? `${f}.txt` : f));
    await expect(`${snapshotNames.join('\n')}\n`).toMatchFileSnapshot(`__snapshots__/generate/${id}.files.txt`);
    for (const [i, f] of files.entries()) {
      // A secret file holds a random value: its shape only (a value, a newline).
      const text = f.startsWith('secrets/') ? g.read(f).replace(/^[A-Za-z0-9_-]{40,}\n$/, '<random>\n') : g.read(f);
      await expect.soft(lockSummary(f, text) ?? mask(text)).toMatchFileSnapshot(`__snapshots__/generate/${id}/${snapshotNames[i]}`);
    }
  });
});
