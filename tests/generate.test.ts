// Every combination of framework x postgres x redis x dockerfile, generated through the CLI
// (main() in-process, --yes plus flags) into a temp dir, with targeted assertions on what each
// combination must and must not contain. Snapshots of every file come last, as a backstop.

import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../src/answers-file.js';
import { FRAMEWORK_FEATURES } from '../src/features/frameworks.js';
import { allCombinations, comboId, PYTHON_VERSIONS, type ProjectOptions } from '../src/options.js';
import { PINS, PYTHON_IMAGE_VARIANT, PYTHON_IMAGES, PYTHON_RELEASES, requirementLine, SERVICE_IMAGES } from '../src/versions.js';
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
    const name = comboId(combo).replace(/-multi-stage$/, '-ms');
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
  text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l && !l.startsWith('-'))
    .map((l) => l.split(/[[=<>~!]/)[0]!.toLowerCase());

describe.each(COMBOS.map((c) => [comboId(c), c] as const))('%s', (id, combo) => {
  const g = (): Generated => generated.get(id)!;
  const flask = combo.framework === 'flask';
  const server = FRAMEWORK_FEATURES[combo.framework].server;

  it('has the expected files', () => {
    const { files, has } = g();
    for (const always of [
      'Dockerfile', 'compose.yaml', 'compose.override.yaml', '.dockerignore', '.gitignore', '.env.example',
      'requirements.txt', 'requirements-dev.txt', 'pyproject.toml', 'README.md', ANSWERS_FILE, 'app/__init__.py', 'app/store.py', 'app/health.py',
    ])
      expect(files, always).toContain(always);
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
    expect(Boolean(override.services.db)).toBe(combo.postgres);
    expect(Boolean(override.services.redis)).toBe(combo.redis);
  });

  it('requirements pin gunicorn iff flask, uvicorn iff fastapi, SQLAlchemy+psycopg iff postgres, redis iff redis', () => {
    const { read } = g();
    const text = read('requirements.txt');
    const names = requirementNames(text);
    expect(names.includes('gunicorn')).toBe(flask);
    expect(names.includes('flask')).toBe(flask);
    expect(names.includes('fastapi')).toBe(!flask);
    expect(names.includes('uvicorn')).toBe(!flask);
    expect(names.includes('sqlalchemy')).toBe(combo.postgres);
    expect(names.includes('psycopg')).toBe(combo.postgres);
    expect(names.includes('redis')).toBe(combo.redis);
    if (flask) expect(text).toContain(requirementLine(PINS.gunicorn));
    else expect(text).toContain(requirementLine(PINS.uvicorn));
    for (const line of text.split('\n').filter((l) => l.trim() && !l.startsWith('#'))) expect(line).toMatch(/^[a-z0-9-]+(\[[a-z,]+\])?==\d[\w.]*$/);
    const dev = read('requirements-dev.txt');
    expect(dev).toMatch(/^-r requirements\.txt$/m);
    expect(requirementNames(dev)).toContain('pytest');
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
    // Code fences are balanced.
    expect((readme.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it('the answers file records the version and every option', () => {
    const stamped = JSON.parse(g().read(ANSWERS_FILE));
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

// Snapshots of every file of every combination: a backstop that shows any change to the output
// in review. The targeted assertions above say what must hold; update these with `-u` only after
// reading the diff. The generator version is masked so a version bump does not churn them.
describe('snapshots', () => {
  it.each(COMBOS.map((c) => [comboId(c)]))('%s', (id) => {
    const g = generated.get(id)!;
    const files = Object.fromEntries(g.files.map((f) => [f, g.read(f).split(PACKAGE_VERSION).join('<version>')]));
    expect(files).toMatchSnapshot();
  });
});
