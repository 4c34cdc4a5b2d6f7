// The Dockerfile linter must be able to fail: starting from a generated Dockerfile, which is
// clean, each single fault below yields its own finding.

import { describe, expect, test } from 'vitest';
import { buildContext } from '../src/context.js';
import { renderLayers } from '../src/render.js';
import { lintDockerfile, type LintFinding } from './support/dockerfile-lint.js';
import { optionsFor, TEST_VERSION } from './support/generate.js';

const FASTAPI_REQUIREMENTS = 'fastapi==0.163.2\npydantic-settings==2.16.3\nuvicorn[standard]==0.54.0\n';
const FLASK_REQUIREMENTS = 'flask==3.1.3\ngunicorn==27.0.1\n';
const GUNICORN_CONF = 'import os\nbind = "0.0.0.0:8000"\nworkers = int(os.environ.get("WEB_CONCURRENCY", "2"))\n';

/** The generated Dockerfile of a variant, rendered from its template layer alone. */
function dockerfileFor(framework: 'fastapi' | 'flask', dockerfile: 'standard' | 'multi-stage' = 'standard'): string {
  const context = buildContext(optionsFor({ framework, dockerfile }), TEST_VERSION);
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

/** Replaces exactly one occurrence, so a template change cannot turn a case into a no-op. */
function mutate(text: string, from: string | RegExp, to: string): string {
  const all = typeof from === 'string' ? new RegExp(escape(from), 'g') : new RegExp(from.source, `${from.flags}g`);
  const matches = text.match(all);
  if (matches?.length !== 1) throw new Error(`mutation target ${String(from)} found ${matches?.length ?? 0} times`);
  return text.replace(from, to);
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  const cases: [name: string, text: string, rule: string][] = [
    ['USER root', mutate(good, /^USER .*$/m, 'USER root'), 'non-root-user'],
    ['USER 0:0', mutate(good, /^USER .*$/m, 'USER 0:0'), 'non-root-user'],
    ['no USER', mutate(good, /^USER .*\n/m, ''), 'non-root-user'],
    ['RUN after USER', mutate(good, /^(USER .*)$/m, '$1\nRUN true'), 'user-after-run'],
    ['EXPOSE 8001', mutate(good, 'EXPOSE 8000', 'EXPOSE 8001'), 'expose-port'],
    ['uvicorn --port 9000', mutate(good, '"--port","8000"', '"--port","9000"'), 'expose-port'],
    ['uvicorn on 127.0.0.1', mutate(good, '"--host","0.0.0.0"', '"--host","127.0.0.1"'), 'expose-port'],
    ['shell-form CMD', mutate(good, /^CMD \[.*\]$/m, 'CMD uvicorn app.main:app --host 0.0.0.0 --port 8000'), 'exec-form-cmd'],
    ['no CMD', mutate(good, /^CMD \[.*\]\n/m, ''), 'exec-form-cmd'],
    ['shell-form HEALTHCHECK', mutate(good, /CMD \["python","-c".*\]$/m, 'CMD curl -f http://127.0.0.1:8000/health || exit 1'), 'exec-form-healthcheck'],
    ['no HEALTHCHECK', mutate(good, /^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, ''), 'healthcheck'],
    ['HEALTHCHECK without --start-period', mutate(good, ' --start-period=20s', ''), 'healthcheck'],
    ['unpinned FROM', mutate(good, /^ARG PYTHON_IMAGE=.*$/m, 'ARG PYTHON_IMAGE=python'), 'from-pinned'],
    ['FROM :latest', mutate(good, /^ARG PYTHON_IMAGE=.*$/m, 'ARG PYTHON_IMAGE=python:latest'), 'from-pinned'],
    ['FROM an ARG without default', mutate(good, /^ARG PYTHON_IMAGE=.*$/m, 'ARG PYTHON_IMAGE'), 'from-pinned'],
    ['server not installed', mutate(good, '["uvicorn",', '["hypercorn",'), 'server-in-requirements'],
    ['CMD serves a missing module', mutate(good, '"app.main:app"', '"missing_module:app"'), 'cmd-target'],
    ['code copied before install', mutate(good, /^(RUN --mount)/m, 'COPY . .\n$1'), 'deps-before-code'],
    ['no syntax directive', mutate(good, /^# syntax=.*\n/, ''), 'syntax-directive'],
    ['relative WORKDIR', mutate(good, 'WORKDIR /app', 'WORKDIR app'), 'dockerfile-utils/50'],
    ['two CMDs', mutate(good, /^(CMD \[.*\])$/m, '$1\n$1'), 'dockerfile-utils/37'],
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
  test('a Dockerfile with every fault at once reports each of them', () => {
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
      [
        'deps-before-code',
        'expose-port',
        'server-in-requirements',
        'dockerfile-utils/50',
        'exec-form-cmd',
        'exec-form-healthcheck',
        'from-pinned',
        'healthcheck',
        'non-root-user',
        'syntax-directive',
      ].sort(),
    );
  });
});
