// The plop load path, end to end from the packed tarball: a project with its own plopfile that
// does `await plop.load('create-python-docker-app')` (plop resolves the package "main", i.e.
// dist/plopfile.js) gets python-app, docker and service, runnable with every prompt bypassed
// by name and stdin closed; and the package's own bin runs `add docker`. Needs the npm
// registry (or npm's cache) for plop itself.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDockerFiles } from '../../src/existing/docker-app.js';
import { renderProject } from '../../src/engine/render.js';
import { assertBuilt, cleanEnv, PACKAGE_VERSION, REPO, treeSnapshot } from '../support/cli-run.js';
import { composeFindings, dockerfileFindings, FIXTURES, read } from '../support/existing-app.js';

const PLOP_VERSION = (JSON.parse(read(REPO, 'package.json')) as { devDependencies: Record<string, string> }).devDependencies.plop ?? '4';
let base: string;
let consumer: string;

function sh(command: string, args: string[], cwd: string, timeout = 120_000) {
  const r = spawnSync(command, args, { cwd, env: cleanEnv({ npm_config_update_notifier: 'false', NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }), input: '', encoding: 'utf8', timeout });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}
const plop = (...args: string[]) => sh('npx', ['--no-install', 'plop', ...args], consumer, 30_000);

const DOCKER_ANSWERS = ['--dir', '.', '--framework', 'fastapi', '--app', 'app.main:app', '--port', '8000', '--python', '3.12', '--postgres', 'no', '--redis', 'yes', '--dockerfile', 'standard'];

beforeAll(() => {
  assertBuilt();
  base = mkdtempSync(path.join(tmpdir(), 'cpda-plop-load-'));
  const packed = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', base], REPO);
  expect(packed.status, packed.out).toBe(0);
  const tarball = readdirSync(base).find((f) => f.endsWith('.tgz'))!;

  // The consumer: an existing FastAPI repo (the fixture) with its own plopfile.
  consumer = path.join(base, 'consumer');
  cpSync(path.join(FIXTURES, 'fastapi-main'), consumer, { recursive: true });
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
  writeFileSync(path.join(consumer, 'plopfile.js'), "export default async function (plop) {\n  await plop.load('create-python-docker-app');\n}\n");
  const installed = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(base, tarball), `plop@${PLOP_VERSION}`], consumer, 170_000);
  expect(installed.status, installed.out).toBe(0);
}, 180_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('plop.load from the packed package', () => {
  it('npx plop docker -- (every prompt by name) writes the engine’s files, which pass the checks', () => {
    const run = plop('docker', '--', ...DOCKER_ANSWERS);
    expect(run.status, run.out).toBe(0);
    expect(run.out).toMatch(/create: \.dockerignore, \.env\.example, compose\.override\.yaml, compose\.yaml, Dockerfile/);
    const expected = renderDockerFiles(
      { name: 'consumer', framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: true, dockerfile: 'standard', healthcheck: 'http', installFrom: 'requirements.txt', sourcePaths: ['app'] },
      PACKAGE_VERSION,
    );
    for (const f of expected) expect(read(consumer, f.path), f.path).toBe(f.contents);
    expect(dockerfileFindings(consumer)).toEqual([]);
    expect(composeFindings(consumer)).toEqual([]);

    // The same answers again: every file unchanged, exit 0.
    const again = plop('docker', '--', ...DOCKER_ANSWERS);
    expect(again.status, again.out).toBe(0);
    expect(again.out).toMatch(/unchanged: /);
  });

  it('a conflict exits 1 listing the files and writes nothing; plop --force overwrites', () => {
    const before = treeSnapshot(consumer);
    const other = DOCKER_ANSWERS.map((a) => (a === '8000' ? '9000' : a));
    const refused = plop('docker', '--', ...other);
    expect(refused.status).toBe(1);
    expect(refused.out).toMatch(/already exist and differ; run `plop --force \.\.\.`/);
    expect(refused.out).toMatch(/Dockerfile/);
    expect(treeSnapshot(consumer)).toEqual(before);

    const forced = plop('--force', 'docker', '--', ...other);
    expect(forced.status, forced.out).toBe(0);
    expect(read(consumer, 'Dockerfile')).toContain('EXPOSE 9000');
    expect(plop('--force', 'docker', '--', ...DOCKER_ANSWERS).status).toBe(0);
  });

  it('npx plop service -- adds Postgres to that compose.yaml, once', () => {
    const run = plop('service', '--', '--dir', '.', '--service', 'postgres');
    expect(run.status, run.out).toBe(0);
    expect(read(consumer, 'compose.yaml')).toMatch(/\n  db:\n    image: postgres:/);
    expect(composeFindings(consumer)).toEqual([]);
    const twice = plop('service', '--', '--dir', '.', '--service', 'postgres');
    expect(twice.status).toBe(1);
    expect(twice.out).toMatch(/already has a db service/);
  });

  it('npx plop python-app -- writes the same project as the CLI into a sub-folder', () => {
    const run = plop('python-app', '--', '--name', 'shop', '--description', 'A shop', '--framework', 'flask', '--python', '3.13', '--postgres', 'yes', '--redis', 'no', '--dockerfile', 'multi-stage', '--package-manager', 'uv', '--deploy', 'none', '--migrations', 'yes', '--ci', 'yes', '--dependabot', 'yes', '--lint', 'yes', '--devcontainer', 'yes', '--worker', 'none', '--beat', 'no');
    expect(run.status, run.out).toBe(0);
    const files = renderProject({ name: 'shop', description: 'A shop', framework: 'flask', python: '3.13', postgres: true, redis: false, dockerfile: 'multi-stage', packageManager: 'uv', deploy: [], ci: 'github', dependabot: true, lint: true, devcontainer: true, migrations: true, worker: 'none', beat: false }, PACKAGE_VERSION);
    for (const f of files) expect(read(path.join(consumer, 'shop'), f.path), f.path).toBe(f.contents);
  });

  it('the installed package’s own bin runs add docker on the Flask fixture', () => {
    const flask = path.join(base, 'flask-factory');
    cpSync(path.join(FIXTURES, 'flask-factory'), flask, { recursive: true });
    const bin = path.join(consumer, 'node_modules', '.bin', 'create-python-docker-app');
    const run = sh(bin, ['add', 'docker', '--dir', flask, '--yes', '--json'], consumer, 30_000);
    expect(run.status, run.out).toBe(0);
    const result = JSON.parse(run.out) as { options: { app: string }; files: { path: string; action: string }[] };
    expect(result.options.app).toBe('blog:create_app()');
    expect(result.files.map((f) => `${f.action} ${f.path}`).sort()).toEqual(
      // With PostgreSQL (the fixture's driver): the password Compose mounts, and its folder's .gitignore.
      ['.dockerignore', '.env.example', 'Dockerfile', 'compose.override.yaml', 'compose.yaml', 'gunicorn.conf.py', 'scripts/check-docker', 'secrets/.gitignore', 'secrets/postgres_password'].map((f) => `create ${f}`),
    );
    expect(dockerfileFindings(flask)).toEqual([]);
    expect(composeFindings(flask)).toEqual([]);
  });

  it('in a CommonJS project (npm init -y), the README\'s module.exports plopfile loads the pack', () => {
    const cjs = path.join(base, 'consumer-cjs');
    // The consumer's node_modules (plop and our package), none of the files earlier tests wrote.
    cpSync(consumer, cjs, { recursive: true, filter: (src) => path.dirname(src) !== consumer || ['node_modules', 'app', 'requirements.txt'].includes(path.basename(src)) });
    writeFileSync(path.join(cjs, 'package.json'), JSON.stringify({ name: 'consumer-cjs', version: '1.0.0', main: 'index.js' }, null, 2));
    writeFileSync(path.join(cjs, 'plopfile.js'), "module.exports = async function (plop) {\n  await plop.load('create-python-docker-app');\n};\n");
    const run = sh('npx', ['--no-install', 'plop', 'docker', '--', ...DOCKER_ANSWERS], cjs, 30_000);
    expect(run.status, run.out).toBe(0);
    expect(read(cjs, 'Dockerfile')).toContain('CMD ["uvicorn","app.main:app"');
  });

  it('an invalid bypass value is refused by name', () => {
    const run = plop('docker', '--', ...DOCKER_ANSWERS.map((a) => (a === 'app.main:app' ? 'nope' : a)));
    expect(run.status).not.toBe(0);
    expect(run.out).toMatch(/module:app/);
  });
});
