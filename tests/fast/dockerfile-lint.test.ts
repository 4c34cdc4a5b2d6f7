// Our own Dockerfile rules must be able to fail: starting from a generated Dockerfile, which is
// clean, each single fault below yields its own finding. (Faults that hadolint and checkov
// catch, like USER root or a shell-form CMD, are tests/tools/field-checkers.test.ts's.)

import { describe, expect, test } from 'vitest';
import { buildContext, type AppRuntime } from '../../src/engine/context.js';
import { renderLayers } from '../../src/engine/render.js';
import { lintDockerfile, type LintFinding } from '../support/dockerfile-lint.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';
import { mutate } from '../support/mutate.js';

const FASTAPI_REQUIREMENTS = 'fastapi==0.163.2\npydantic-settings==2.16.3\nuvicorn[standard]==0.54.0\n';
const FLASK_REQUIREMENTS = 'flask==3.1.3\ngunicorn==27.0.1\n';
const GUNICORN_CONF = 'import os\nbind = "0.0.0.0:8000"\nworkers = int(os.environ.get("WEB_CONCURRENCY", "2"))\n';

/** The generated Dockerfile of a variant, rendered from its template layer alone (pip: requirements.txt). */
function dockerfileFor(framework: 'fastapi' | 'flask', dockerfile: 'standard' | 'multi-stage' = 'standard', packageManager: 'uv' | 'pip' = 'pip'): string {
  const context = buildContext(optionsFor({ framework, dockerfile, packageManager }), TEST_VERSION);
  const file = renderLayers(context, [`dockerfile-${dockerfile}`]).find((f) => f.path === 'Dockerfile');
  if (!file) throw new Error('no Dockerfile rendered');
  return file.contents;
}

function files(map: Record<string, string>) {
  return { readFile: (p: string) => map[p] };
}
const FASTAPI_APP = { 'app/__init__.py': '', 'app/main.py': 'app = FastAPI()\n' };
const FLASK_APP = { 'app/__init__.py': 'def create_app(): ...\n' };
const fastapiFiles = files({ 'requirements.txt': FASTAPI_REQUIREMENTS, ...FASTAPI_APP });
const flaskFiles = files({ 'requirements.txt': FLASK_REQUIREMENTS, 'gunicorn.conf.py': GUNICORN_CONF, ...FLASK_APP });

const rules = (findings: LintFinding[]) => [...new Set(findings.map((f) => f.rule))];

describe('lintDockerfile on generated Dockerfiles', () => {
  for (const variant of ['standard', 'multi-stage'] as const) {
    test(`fastapi ${variant} is clean`, () => {
      expect(lintDockerfile(dockerfileFor('fastapi', variant), fastapiFiles)).toEqual([]);
    });
    test(`flask ${variant} is clean`, () => {
      expect(lintDockerfile(dockerfileFor('flask', variant), flaskFiles)).toEqual([]);
    });
  }
});

describe('lintDockerfile finds each fault', () => {
  const good = dockerfileFor('fastapi');
  // An ARG before the first FROM, read by the FROM line.
  const fromArg = (arg: string, from: string) => mutate(good, /^FROM python:.*$/m, `${arg}\n${from}`);
  const cases: [name: string, text: string, rule: string][] = [
    ['RUN after USER', mutate(good, /^(USER .*)$/m, '$1\nRUN true'), 'user-after-run'],
    ['EXPOSE 8001', mutate(good, 'EXPOSE 8000', 'EXPOSE 8001'), 'expose-port'],
    ['uvicorn --port 9000', mutate(good, '"--port","8000"', '"--port","9000"'), 'expose-port'],
    ['uvicorn on 127.0.0.1', mutate(good, '"--host","0.0.0.0"', '"--host","127.0.0.1"'), 'expose-port'],
    ['no CMD', mutate(good, /^CMD \[.*\]\n/m, ''), 'cmd'],
    ['HEALTHCHECK without --start-period', mutate(good, ' --start-period=20s', ''), 'healthcheck'],
    ['FROM an ARG without default', fromArg('ARG PYTHON_VERSION', 'FROM python:${PYTHON_VERSION}-slim-trixie'), 'from-pinned'],
    ['FROM an ARG whose default is latest', fromArg('ARG PYTHON_VERSION=latest', 'FROM python:${PYTHON_VERSION}'), 'from-pinned'],
    ['FROM an ARG naming an untagged image', fromArg('ARG BASE=python', 'FROM ${BASE}'), 'from-pinned'],
    ['server not installed', mutate(good, '["uvicorn",', '["hypercorn",'), 'server-in-requirements'],
    ['a shell-form CMD starting a server that is not installed', mutate(good, /^CMD \[.*\]$/m, 'CMD hypercorn app.main:app --bind 0.0.0.0:8000'), 'server-in-requirements'],
    ['CMD serves a missing module', mutate(good, '"app.main:app"', '"missing_module:app"'), 'cmd-target'],
    ['code copied before install', mutate(good, /^(RUN --mount)/m, 'COPY . .\n$1'), 'deps-before-code'],
    ['no syntax directive', mutate(good, /^# syntax=.*\n/, ''), 'syntax-directive'],
  ];
  test.each(cases)('%s', (_name, text, rule) => {
    expect(rules(lintDockerfile(text, fastapiFiles))).toContain(rule);
  });

  test('server missing from requirements.txt', () => {
    const noUvicorn = files({ 'requirements.txt': 'fastapi==0.163.2\npydantic-settings==2.16.3\n', ...FASTAPI_APP });
    expect(rules(lintDockerfile(good, noUvicorn))).toEqual(['server-in-requirements']);
  });
  test('unpinned requirement', () => {
    const loose = files({ 'requirements.txt': FASTAPI_REQUIREMENTS.replace('fastapi==0.163.2', 'fastapi>=0.100'), ...FASTAPI_APP });
    expect(rules(lintDockerfile(good, loose))).toEqual(['pinned-requirements']);
  });
  test('gunicorn binding another port than EXPOSE (from gunicorn.conf.py)', () => {
    const other = files({ 'requirements.txt': FLASK_REQUIREMENTS, 'gunicorn.conf.py': GUNICORN_CONF.replace(':8000', ':8001'), ...FLASK_APP });
    expect(rules(lintDockerfile(dockerfileFor('flask'), other))).toEqual(['expose-port']);
  });
  test('gunicorn.conf.py without bind (gunicorn would listen on 127.0.0.1)', () => {
    const noBind = files({ 'requirements.txt': FLASK_REQUIREMENTS, 'gunicorn.conf.py': 'workers = 2\n', ...FLASK_APP });
    expect(rules(lintDockerfile(dockerfileFor('flask'), noBind))).toEqual(['expose-port']);
  });
  test('a Dockerfile with every fault at once reports each of ours', () => {
    const bad = [
      'FROM python:latest',
      'WORKDIR app',
      'COPY . .',
      'RUN pip install -r requirements.txt',
      'USER root',
      'EXPOSE 8001',
      'HEALTHCHECK CMD curl -f http://localhost:8000/health',
      'CMD gunicorn app:app',
      '',
    ].join('\n');
    const noGunicorn = files({ 'requirements.txt': 'flask==3.1.3\n', 'gunicorn.conf.py': GUNICORN_CONF, ...FLASK_APP });
    expect(rules(lintDockerfile(bad, noGunicorn)).sort()).toEqual(
      ['deps-before-code', 'expose-port', 'server-in-requirements', 'healthcheck', 'syntax-directive'].sort(),
    );
  });
});

describe('the uv Dockerfiles: uv sync installs pyproject.toml\'s [project].dependencies', () => {
  const PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["fastapi==0.163.2", "uvicorn[standard]==0.54.0"]\n';
  const uvFiles = files({ 'pyproject.toml': PYPROJECT, 'uv.lock': 'version = 1\n', ...FASTAPI_APP });
  for (const variant of ['standard', 'multi-stage'] as const) {
    test(`${variant} is clean`, () => {
      expect(lintDockerfile(dockerfileFor('fastapi', variant, 'uv'), uvFiles)).toEqual([]);
    });
    test(`${variant}: the server missing from [project].dependencies is a finding`, () => {
      const noServer = files({ 'pyproject.toml': PYPROJECT.replace(', "uvicorn[standard]==0.54.0"', ''), ...FASTAPI_APP });
      expect(rules(lintDockerfile(dockerfileFor('fastapi', variant, 'uv'), noServer))).toEqual(['server-in-requirements']);
    });
  }
  test('the code copied before uv sync is a finding', () => {
    const early = mutate(dockerfileFor('fastapi', 'standard', 'uv'), /^(RUN --mount=type=cache,target=\/root\/.cache\/uv \\\n    --mount=type=bind)/m, 'COPY . .\n$1');
    expect(rules(lintDockerfile(early, uvFiles))).toEqual(['deps-before-code']);
  });
});

describe('server-in-requirements reads the file the Dockerfile installs from', () => {
  /** An existing app's Dockerfile installing pyproject.toml's [project].dependencies. */
  const fromPyproject = (dockerfile: 'standard' | 'multi-stage') => {
    const runtime: AppRuntime = { target: 'app.main:app', port: 8000, healthcheck: 'http', installFrom: 'pyproject.toml', sourcePaths: ['app'] };
    const context = buildContext(optionsFor({ framework: 'fastapi', dockerfile }), TEST_VERSION, runtime);
    return renderLayers(context, [`dockerfile-${dockerfile}`]).find((f) => f.path === 'Dockerfile')!.contents;
  };
  const pyproject = (dependencies: string[]) =>
    `[project]\nname = "shop"\nversion = "1.0"\ndependencies = [\n${dependencies.map((d) => `  "${d}",  # [not, an, array]\n`).join('')}]\n\n[project.optional-dependencies]\ndev = ["uvicorn", "pytest"]\n`;
  const WITH_SERVER = pyproject(['fastapi>=0.115', 'uvicorn[standard]>=0.30']);
  const WITHOUT_SERVER = pyproject(['fastapi>=0.115']);

  for (const variant of ['standard', 'multi-stage'] as const) {
    test(`${variant}: the server in [project].dependencies is clean (ranges allowed there)`, () => {
      const text = fromPyproject(variant);
      expect(text).toContain('--mount=type=bind,source=pyproject.toml,target=/tmp/pyproject.toml');
      expect(text).not.toContain('source=requirements.txt');
      expect(lintDockerfile(text, files({ 'pyproject.toml': WITH_SERVER, ...FASTAPI_APP }))).toEqual([]);
    });
    test(`${variant}: the server missing from [project].dependencies fails, whatever requirements.txt and optional-dependencies say`, () => {
      const findings = lintDockerfile(fromPyproject(variant), files({ 'pyproject.toml': WITHOUT_SERVER, 'requirements.txt': FASTAPI_REQUIREMENTS, ...FASTAPI_APP }));
      expect(rules(findings)).toEqual(['server-in-requirements']);
      expect(findings[0]!.message).toMatch(/uvicorn is not in pyproject\.toml's \[project\]\.dependencies/);
    });
  }
  test('no pyproject.toml, or one without [project].dependencies (Poetry only), fails', () => {
    const poetry = '[tool.poetry.dependencies]\npython = "^3.12"\nfastapi = "*"\nuvicorn = "*"\n';
    for (const context of [{ 'requirements.txt': FASTAPI_REQUIREMENTS }, { 'pyproject.toml': poetry }] as Record<string, string>[])
      expect(rules(lintDockerfile(fromPyproject('standard'), files({ ...context, ...FASTAPI_APP })))).toEqual(['server-in-requirements']);
  });
  test('a requirements.txt Dockerfile does not look at pyproject.toml', () => {
    const good = dockerfileFor('fastapi');
    const noUvicorn = { 'requirements.txt': 'fastapi==0.163.2\npydantic-settings==2.16.3\n', 'pyproject.toml': WITH_SERVER, ...FASTAPI_APP };
    expect(rules(lintDockerfile(good, files(noUvicorn)))).toEqual(['server-in-requirements']);
    expect(rules(lintDockerfile(good, files({ 'pyproject.toml': WITH_SERVER, ...FASTAPI_APP })))).toEqual(['server-in-requirements']);
  });
});

describe('cmd-target looks under the final stage’s PYTHONPATH (src layout)', () => {
  /** An existing src-layout app's Dockerfile: CMD serves shop.main:app, ENV PYTHONPATH=/app/src. */
  const srcLayout = (dockerfile: 'standard' | 'multi-stage') => {
    const runtime: AppRuntime = { target: 'shop.main:app', port: 8000, healthcheck: 'http', installFrom: 'requirements.txt', sourcePaths: ['src'], importRoot: 'src' };
    const context = buildContext(optionsFor({ framework: 'fastapi', dockerfile }), TEST_VERSION, runtime);
    return renderLayers(context, [`dockerfile-${dockerfile}`]).find((f) => f.path === 'Dockerfile')!.contents;
  };
  const SHOP = { 'requirements.txt': FASTAPI_REQUIREMENTS, 'src/shop/__init__.py': '', 'src/shop/main.py': 'app = FastAPI()\n' };

  for (const variant of ['standard', 'multi-stage'] as const) {
    test(`${variant}: src/shop/main.py is found through PYTHONPATH=/app/src`, () => {
      const text = srcLayout(variant);
      expect(text.match(/^ENV PYTHONPATH=.*$/gm)).toEqual(['ENV PYTHONPATH=/app/src']);
      expect(lintDockerfile(text, files(SHOP))).toEqual([]);
    });
    test(`${variant}: a module missing under src/ is still a finding`, () => {
      const { 'src/shop/main.py': _gone, ...rest } = SHOP;
      const findings = lintDockerfile(srcLayout(variant), files(rest));
      expect(rules(findings)).toEqual(['cmd-target']);
      expect(findings[0]!.message).toMatch(/shop\.main:app, but neither shop\/main\.py nor shop\/main\/__init__\.py .*searched \., src/);
    });
  }
  test('without the PYTHONPATH line, src/shop/main.py is not importable as shop.main', () => {
    const text = mutate(srcLayout('standard'), /^ENV PYTHONPATH=.*\n/m, '');
    expect(rules(lintDockerfile(text, files(SHOP)))).toEqual(['cmd-target']);
  });
  test('PYTHONPATH only counts in the final stage, and only inside the WORKDIR', () => {
    const multi = srcLayout('multi-stage');
    const inBuilder = mutate(mutate(multi, /^ENV PYTHONPATH=.*\n/m, ''), /^(FROM \S+ AS builder\n)/m, '$1ENV PYTHONPATH=/app/src\n');
    expect(rules(lintDockerfile(inBuilder, files(SHOP)))).toEqual(['cmd-target']);
    const outside = mutate(multi, 'ENV PYTHONPATH=/app/src', 'ENV PYTHONPATH=/opt/src');
    expect(rules(lintDockerfile(outside, files(SHOP)))).toEqual(['cmd-target']);
  });
  test('a new project (no src layout) has no PYTHONPATH', () => {
    expect(dockerfileFor('fastapi')).not.toContain('PYTHONPATH');
    expect(dockerfileFor('flask', 'multi-stage')).not.toContain('PYTHONPATH');
  });
});

describe('lintDockerfile finds each apt fault (multi-stage builder)', () => {
  const multi = dockerfileFor('fastapi', 'multi-stage');
  const intoRuntime = (run: string) => mutate(multi, /^(FROM \S+ AS runtime\n)/m, `$1${run}\n`);
  const cases: [name: string, text: string, rule: string][] = [
    ['install without update', mutate(multi, /^ && apt-get update \\\n/m, ''), 'apt-install'],
    ['build-essential in the runtime stage', intoRuntime('RUN apt-get update && apt-get install -y --no-install-recommends build-essential'), 'build-tools-in-final-stage'],
    ['libpq-dev in the runtime stage', intoRuntime('RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev'), 'build-tools-in-final-stage'],
  ];
  test.each(cases)('%s', (_name, text, rule) => {
    expect(rules(lintDockerfile(text, fastapiFiles))).toContain(rule);
  });
  test('a runtime library in the runtime stage is fine', () => {
    const libpq = intoRuntime('RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*');
    expect(lintDockerfile(libpq, fastapiFiles)).toEqual([]);
  });
});
