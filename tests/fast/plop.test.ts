// The plop pack, driven programmatically with node-plop against the fixture repositories:
// every generator renders through our engine (byte-identical to the CLI), every prompt is
// bypassable (no `when`), conflicts are failures that write nothing, plop's force is honoured,
// and `service` adds Postgres/Redis to a compose.yaml exactly as if it had been rendered with it.

import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodePlop, { type NodePlopAPI, type PlopGenerator } from 'node-plop';
import { parse as parseYamlText } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import plopfile, { plopCliForce } from '../../generators/plopfile.js';
import { renderDockerFiles, type DockerAppOptions } from '../../src/existing/docker-app.js';
import { PROJECT_OPTIONS, type DeployTarget } from '../../src/options/table.js';
import { renderProject } from '../../src/engine/render.js';
import { addService } from '../../src/commands/add-service.js';
import type { Command } from '../../src/driver/command.js';
import { noArgs } from '../../src/driver/args.js';
import { execute } from '../../src/driver/run.js';
import { PACKAGE_VERSION, removeTempDirs, runMain, tempDir, treeSnapshot } from '../support/cli-run.js';
import { COMPOSE_YAML_TAGS } from '../support/compose-check.js';
import { composeConfigProblems, composeFindings, copyFixture, dockerfileFindings, HAS_COMPOSE, read, removeCopies } from '../support/existing-app.js';

/** Compose YAML with its own tags (`ports: !override` in the dev override). */
const parseCompose = (text: string) => parseYamlText(text, { customTags: COMPOSE_YAML_TAGS });

afterAll(() => {
  removeCopies();
  removeTempDirs();
});

async function pack(destBasePath: string, force = false): Promise<NodePlopAPI> {
  const plop = await nodePlop('', { destBasePath, force });
  plopfile(plop, { force });
  return plop;
}

/** The docker generator's prompt values, in prompt order, as `plop docker -- --name value` would give them. */
function dockerBypass(a: { dir?: string; framework: string; app: string; port: number; python: string; postgres: boolean; redis: boolean; dockerfile: string }): string[] {
  return [a.dir ?? '.', a.framework, a.app, String(a.port), a.python, a.postgres ? 'yes' : 'no', a.redis ? 'yes' : 'no', a.dockerfile];
}

async function run(gen: PlopGenerator, bypass: string[]) {
  const answers = await gen.runPrompts(bypass);
  return gen.runActions(answers);
}

/** Folders the generators wrote, for the `docker compose config` test at the end of the file. */
const composeChecks: Array<{ label: string; dir: string }> = [];

describe('the generators', () => {
  it('python-app, docker, kubernetes and service, with plain prompts that can all be bypassed by name', async () => {
    const plop = await pack(tempDir('cpda-plop-'));
    expect(plop.getGeneratorList().map((g) => g.name)).toEqual(['python-app', 'docker', 'kubernetes', 'service']);
    expect(plop.getActionTypeList()).toEqual(['cpda:write']);
    const flags = new Set(PROJECT_OPTIONS.map((s) => s.flag));
    for (const { name } of plop.getGeneratorList()) {
      const prompts = plop.getGenerator(name).prompts as Array<Record<string, unknown>>;
      expect(Array.isArray(prompts)).toBe(true);
      for (const p of prompts) {
        expect(p.when, `${name}.${String(p.name)}`).toBeUndefined();
        expect(['input', 'list', 'confirm']).toContain(p.type);
      }
      const names = prompts.map((p) => String(p.name));
      expect(new Set(names).size).toBe(names.length);
      // Option-table questions use the CLI's flag names, so `-- --framework flask` means the same everywhere.
      for (const n of names) expect(flags.has(n) || ['name', 'dir', 'app', 'port', 'service', 'image', 'uid', 'health-path', 'migrations'].includes(n), n).toBe(true);
    }
    expect((plop.getGenerator('python-app').prompts as Array<{ name: string }>).map((p) => p.name)).toEqual(['name', ...PROJECT_OPTIONS.map((s) => s.flag)]);
  });

  it('reads plop --force from plop’s command line (plop does not pass it to loaded packs)', () => {
    expect(plopCliForce(['node', '/p/node_modules/.bin/plop', '--force', 'docker'])).toBe(true);
    expect(plopCliForce(['node', '/p/node_modules/plop/bin/plop.js', '-f', 'docker', '--', '--dir', '.'])).toBe(true);
    expect(plopCliForce(['node', '/p/node_modules/.bin/plop', 'docker', '--', '--force'])).toBe(false);
    expect(plopCliForce(['node', '/p/vitest.mjs', '--force'])).toBe(false);
  });

  it('docker prompt defaults come from detection (a person at a terminal presses Enter)', async () => {
    const dir = copyFixture('flask-factory');
    const plop = await pack(dir);
    const prompts = plop.getGenerator('docker').prompts as Array<{ name: string; default: unknown }>;
    const answers: Record<string, unknown> = { dir: '.' };
    for (const p of prompts.slice(1)) answers[p.name] = typeof p.default === 'function' ? p.default(answers) : p.default;
    expect(answers).toEqual({ dir: '.', framework: 'flask', app: 'blog:create_app()', port: '8000', python: '3.14', postgres: true, redis: false, dockerfile: 'standard' });
  });
});

describe('kubernetes generator', () => {
  it('prompt defaults come from the Dockerfile, compose.yaml and alembic.ini', async () => {
    const dir = copyFixture('kubernetes-app');
    const plop = await pack(dir);
    const prompts = plop.getGenerator('kubernetes').prompts as Array<{ name: string; default: unknown }>;
    const answers: Record<string, unknown> = { dir: '.' };
    for (const p of prompts.slice(1)) answers[p.name] = typeof p.default === 'function' ? p.default(answers) : p.default;
    expect(answers).toEqual({ dir: '.', port: '8080', postgres: true, redis: false, image: 'ghcr.io/acme/shop', uid: '10001', 'health-path': '/healthz', migrations: true });
  });

  it('writes the same files as `add kubernetes`', async () => {
    const viaPlop = copyFixture('kubernetes-app');
    const bypass = ['.', '8080', 'yes', 'no', 'ghcr.io/acme/shop', '10001', '/healthz', 'yes'];
    const result = await run((await pack(viaPlop)).getGenerator('kubernetes'), bypass);
    expect(result.failures).toEqual([]);
    const viaCli = copyFixture('kubernetes-app');
    expect((await runMain(['add', 'kubernetes', '--dir', viaCli], { cwd: path.dirname(viaCli) })).code).toBe(0);
    expect(treeSnapshot(viaPlop)).toEqual(treeSnapshot(viaCli));
  });
});

describe('docker generator on the fixture repositories', () => {
  type Detected = Pick<DockerAppOptions, 'healthcheck' | 'installFrom' | 'sourcePaths' | 'importRoot'>;
  const cases: Array<{ fixture: 'flask-factory' | 'fastapi-main' | 'pyproject-app' | 'src-layout'; answers: Omit<DockerAppOptions, 'name' | keyof Detected>; detected: Detected }> = [
    { fixture: 'flask-factory', answers: { framework: 'flask', app: 'blog:create_app()', port: 8000, python: '3.13', postgres: true, redis: false, dockerfile: 'standard' }, detected: { healthcheck: 'tcp', installFrom: 'requirements.txt', sourcePaths: ['blog'] } },
    { fixture: 'fastapi-main', answers: { framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: true, dockerfile: 'multi-stage' }, detected: { healthcheck: 'http', installFrom: 'requirements.txt', sourcePaths: ['app'] } },
    // No requirements.txt in a pyproject-only repo: the image installs [project].dependencies.
    { fixture: 'pyproject-app', answers: { framework: 'fastapi', app: 'service.main:create_app()', port: 8080, python: '3.13', postgres: true, redis: false, dockerfile: 'multi-stage' }, detected: { healthcheck: 'tcp', installFrom: 'pyproject.toml', sourcePaths: ['service'] } },
    // A src layout: the app is relative to src/, which the image puts on PYTHONPATH.
    { fixture: 'src-layout', answers: { framework: 'fastapi', app: 'shop.main:app', port: 8000, python: '3.13', postgres: false, redis: false, dockerfile: 'standard' }, detected: { healthcheck: 'http', installFrom: 'pyproject.toml', sourcePaths: ['src'], importRoot: 'src' } },
  ];
  for (const c of cases) {
    it(`${c.fixture}: writes the same files as the engine, which pass the lint and schema checks`, async () => {
      const dir = copyFixture(c.fixture);
      const plop = await pack(dir);
      const result = await run(plop.getGenerator('docker'), dockerBypass(c.answers));
      expect(result.failures).toEqual([]);
      expect(result.changes).toHaveLength(1);
      expect(result.changes[0]!.type).toBe('cpda:write');
      expect(result.changes[0]!.path).toMatch(/create: /);

      const expected = renderDockerFiles({ ...c.answers, ...c.detected, name: c.fixture }, PACKAGE_VERSION);
      for (const file of expected) expect(read(dir, file.path), file.path).toBe(file.contents);
      expect(result.changes[0]!.path).not.toMatch(/warning: .*(no requirements\.txt|your code is in)/);
      expect(dockerfileFindings(dir)).toEqual([]);
      expect(composeFindings(dir)).toEqual([]);
      composeChecks.push({ label: `docker generator on ${c.fixture}`, dir });

      // Idempotent: the same answers again change nothing.
      const snapshot = treeSnapshot(dir);
      const again = await run(plop.getGenerator('docker'), dockerBypass(c.answers));
      expect(again.failures).toEqual([]);
      expect(again.changes[0]!.path).toMatch(/\(unchanged: [^;]*\)/);
      expect(treeSnapshot(dir)).toEqual(snapshot);
    });
  }

  it('matches `add docker` byte for byte for the same answers', async () => {
    const viaPlop = copyFixture('fastapi-main');
    const viaCli = copyFixture('fastapi-main');
    const answers = { framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: true, dockerfile: 'standard' };
    await run((await pack(viaPlop)).getGenerator('docker'), dockerBypass(answers));
    const cli = await runMain(['add', 'docker', '--dir', viaCli, '--dockerfile', 'standard'], { cwd: viaCli });
    expect(cli.code, cli.stderr).toBe(0);
    const plopTree = treeSnapshot(viaPlop);
    expect(plopTree).toEqual(treeSnapshot(viaCli));
  });

  it('an existing Dockerfile: the action fails listing it and writes nothing; plop force overwrites', async () => {
    const dir = copyFixture('existing-dockerfile');
    const before = treeSnapshot(dir);
    const answers = { framework: 'flask', app: 'app:app', port: 5000, python: '3.12', postgres: false, redis: false, dockerfile: 'standard' };
    const refused = await run((await pack(dir)).getGenerator('docker'), dockerBypass(answers));
    expect(refused.changes).toEqual([]);
    expect(refused.failures).toHaveLength(1);
    expect(refused.failures[0]!.error).toMatch(/already exist and differ[\s\S]*Dockerfile/);
    expect(treeSnapshot(dir)).toEqual(before);

    const forced = await run((await pack(dir, true)).getGenerator('docker'), dockerBypass(answers));
    expect(forced.failures).toEqual([]);
    expect(forced.changes[0]!.path).toMatch(/overwrite: Dockerfile/);
    expect(read(dir, 'Dockerfile')).toContain('CMD ["gunicorn","--config","gunicorn.conf.py","app:app"]');
    expect(dockerfileFindings(dir)).toEqual([]);
  });

  it('bypass values are validated; a dir outside the destination is refused', async () => {
    const dir = copyFixture('fastapi-main');
    const gen = (await pack(dir)).getGenerator('docker');
    await expect(gen.runPrompts(dockerBypass({ framework: 'fastapi', app: 'not a target', port: 8000, python: '3.12', postgres: false, redis: false, dockerfile: 'standard' }))).rejects.toThrow(/module:app/);
    await expect(gen.runPrompts(['.', 'django'])).rejects.toThrow(/framework/);
    const outside = await run(gen, dockerBypass({ dir: '..', framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: false, dockerfile: 'standard' }));
    expect(outside.failures[0]!.error).toMatch(/outside/);
  });
});

describe('--dir: the same rule as add docker (issue 10)', () => {
  const answers = { framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: false, dockerfile: 'standard' };

  it('a dir whose symlinked parent leads outside the destination is refused; nothing is written there', async () => {
    const dest = tempDir('cpda-plop-dest-');
    const outside = copyFixture('fastapi-main');
    symlinkSync(path.dirname(outside), path.join(dest, 'link'));
    const before = treeSnapshot(outside);
    const result = await run((await pack(dest)).getGenerator('docker'), dockerBypass({ ...answers, dir: path.join('link', 'fastapi-main') }));
    expect(result.failures[0]!.error).toMatch(/is outside .* \(it leads to /);
    expect(treeSnapshot(outside)).toEqual(before);
  });

  it('a dir that does not exist is refused, not created (as add docker refuses it)', async () => {
    const dest = tempDir('cpda-plop-dest-');
    const result = await run((await pack(dest)).getGenerator('docker'), dockerBypass({ ...answers, dir: 'not-there' }));
    expect(result.failures[0]!.error).toMatch(/not-there does not exist/);
    expect(treeSnapshot(dest)).toEqual({});
    const cli = await runMain(['add', 'docker', '--dir', 'not-there', '--framework', 'fastapi', '--app', 'app.main:app'], { cwd: dest });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/not-there does not exist/);
  });
});

describe('python-app generator', () => {
  it.each([
    ['yes', 'github'],
    ['no', 'none'],
    ['gitlab', 'gitlab'],
    ['none', 'none'],
  ])('--ci bypassed as %s (a yes/no before it was a choice) answers %s', async (given, ci) => {
    const gen = (await pack(tempDir('cpda-plop-ci-'))).getGenerator('python-app');
    const answers = await gen.runPrompts(['shop-api', 'A shop', 'flask', '3.13', 'yes', 'no', 'multi-stage', 'uv', 'none', given, 'yes', 'yes', 'yes', 'yes', 'none', 'no']);
    expect(answers.ci).toBe(ci);
  });

  it('writes the same project as the CLI into a sub-folder; refuses a non-empty folder unless forced', async () => {
    const base = tempDir('cpda-plop-app-');
    const bypass = ['shop-api', 'A shop', 'flask', '3.13', 'yes', 'no', 'multi-stage', 'uv', 'none', 'yes', 'yes', 'yes', 'yes', 'yes', 'none', 'no'];
    const result = await run((await pack(base)).getGenerator('python-app'), bypass);
    expect(result.failures).toEqual([]);
    const options = { name: 'shop-api', description: 'A shop', framework: 'flask', python: '3.13', postgres: true, redis: false, dockerfile: 'multi-stage', packageManager: 'uv', deploy: [] as DeployTarget[], ci: 'github', dependabot: true, lint: true, devcontainer: true, migrations: true, worker: 'none', beat: false } as const;
    const files = renderProject(options, PACKAGE_VERSION);
    for (const f of files) expect(read(path.join(base, 'shop-api'), f.path), f.path).toBe(f.contents);

    const again = await run((await pack(base)).getGenerator('python-app'), bypass);
    expect(again.failures[0]!.error).toMatch(/not empty/);
    const forced = await run((await pack(base, true)).getGenerator('python-app'), bypass);
    expect(forced.failures).toEqual([]);
  });
});

describe('service generator', () => {
  async function dockerThenService(service: 'postgres' | 'redis', start: { postgres: boolean; redis: boolean }) {
    const dir = copyFixture('fastapi-main');
    const plop = await pack(dir);
    const base = { framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', dockerfile: 'standard' };
    await run(plop.getGenerator('docker'), dockerBypass({ ...base, ...start }));
    const result = await run(plop.getGenerator('service'), ['.', service]);
    const both = renderDockerFiles({ ...base, ...start, [service]: true, name: 'fastapi-main', healthcheck: 'http' } as DockerAppOptions, PACKAGE_VERSION);
    return { dir, plop, result, expected: Object.fromEntries(both.map((f) => [f.path, f.contents])) };
  }

  it('adds Postgres to a compose.yaml we made: the same document as rendering with Postgres on', async () => {
    const { dir, result, expected } = await dockerThenService('postgres', { postgres: false, redis: true });
    expect(result.failures).toEqual([]);
    expect(parseCompose(read(dir, 'compose.yaml'))).toEqual(parseCompose(expected['compose.yaml']!));
    expect(parseCompose(read(dir, 'compose.override.yaml'))).toEqual(parseCompose(expected['compose.override.yaml']!));
    // The comments come along: the file reads like a freshly generated one (the override's
    // Compose tags, `ports: !override`, too).
    expect(read(dir, 'compose.yaml')).toBe(expected['compose.yaml']);
    expect(read(dir, 'compose.override.yaml')).toBe(expected['compose.override.yaml']);
    expect(read(dir, 'compose.override.yaml')).toContain('ports: !override');
    expect(read(dir, '.env.example')).toBe(expected['.env.example']);
    // Compose's $-syntax never went through Handlebars.
    expect(read(dir, 'compose.yaml')).toContain('${POSTGRES_USER:-app}');
    expect(read(dir, 'compose.yaml')).toContain('$${POSTGRES_USER}');
    expect(composeFindings(dir)).toEqual([]);
    composeChecks.push({ label: 'Postgres added by the service generator', dir });
    expect(result.changes[0]!.path).toMatch(/psycopg\[binary\]==/); // the driver is missing from requirements.txt
  });

  it('adds Redis to a compose.yaml without any service (creates volumes and depends_on)', async () => {
    const { dir, result, expected } = await dockerThenService('redis', { postgres: false, redis: false });
    expect(result.failures).toEqual([]);
    expect(parseCompose(read(dir, 'compose.yaml'))).toEqual(parseCompose(expected['compose.yaml']!));
    expect(parseCompose(read(dir, 'compose.override.yaml'))).toEqual(parseCompose(expected['compose.override.yaml']!));
    expect(read(dir, 'compose.yaml')).toBe(expected['compose.yaml']);
    expect(composeFindings(dir)).toEqual([]);
    composeChecks.push({ label: 'Redis added by the service generator', dir });
  });

  it('adds Redis after Postgres: the same text as rendering both', async () => {
    const { dir, result, expected } = await dockerThenService('redis', { postgres: true, redis: false });
    expect(result.failures).toEqual([]);
    expect(read(dir, 'compose.yaml')).toBe(expected['compose.yaml']);
    // yaml's printer writes flow sequences as ["a", "b"]; the template prints JSON ["a","b"].
    const flow = (t: string) => t.replace(/",\s+"/g, '","');
    expect(flow(read(dir, 'compose.override.yaml'))).toBe(flow(expected['compose.override.yaml']!));
    expect(read(dir, '.env.example')).toBe(expected['.env.example']);
  });

  it('keeps the user’s own edits and comments', async () => {
    const dir = copyFixture('fastapi-main');
    const plop = await pack(dir);
    await run(plop.getGenerator('docker'), dockerBypass({ framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: false, dockerfile: 'standard' }));
    const edited = read(dir, 'compose.yaml').replace('    restart: unless-stopped\n', '    restart: unless-stopped\n    # ours: keep me\n    labels:\n      team: orders\n');
    writeFileSync(path.join(dir, 'compose.yaml'), edited);
    const result = await run(plop.getGenerator('service'), ['.', 'postgres']);
    expect(result.failures).toEqual([]);
    const text = read(dir, 'compose.yaml');
    expect(text).toContain('# ours: keep me\n    labels:\n      team: orders\n');
    expect(parseCompose(text).services.db.image).toMatch(/^postgres:/);
    expect(composeFindings(dir)).toEqual([]);
  });

  it('PostgreSQL beside a secrets/.gitignore of the user\'s that does not ignore the password: warns that git would commit it', async () => {
    const dir = copyFixture('fastapi-main');
    const plop = await pack(dir);
    await run(plop.getGenerator('docker'), dockerBypass({ framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: false, dockerfile: 'standard' }));
    expect(spawnSync('git', ['init', '-q'], { cwd: dir }).status).toBe(0);
    mkdirSync(path.join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(path.join(dir, 'secrets/.gitignore'), '# ours\n');
    const result = await run(plop.getGenerator('service'), ['.', 'postgres']);
    expect(result.failures).toEqual([]);
    expect(result.changes[0]!.path).toContain('secrets/postgres_password is not ignored by git here (secrets/.gitignore is yours, and kept), so `git add` would commit it');
  });

  it('Redis added to a generated project: add kubernetes then deploys it too (compose.yaml runs it), and says the manifests are not recorded', async () => {
    const cwd = tempDir('cpda-plop-');
    expect((await runMain(['pp', '--yes', '--no-redis'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'pp');
    const result = await run((await pack(dir)).getGenerator('service'), ['.', 'redis']);
    expect(result.failures).toEqual([]);
    const k8s = await runMain(['add', 'kubernetes', '--dir', dir, '--json'], { cwd });
    expect(k8s.code, k8s.stderr).toBe(0);
    const report = JSON.parse(k8s.stdout) as { options: { redis: boolean }; warnings: string[] };
    expect(report.options.redis).toBe(true);
    expect(read(dir, 'deploy/kubernetes/overlays/dev/kustomization.yaml')).toMatch(/redis/);
    expect(report.warnings).toContainEqual(expect.stringMatching(/^not recorded in \.create-python-docker-app\.json: .* differ from what create writes for this project's answers/));
  });

  it('refuses a service that is already there, a compose.yaml we did not make, and a missing one', async () => {
    const { dir, plop } = await dockerThenService('postgres', { postgres: false, redis: false });
    const snapshot = treeSnapshot(dir);
    const twice = await run(plop.getGenerator('service'), ['.', 'postgres']);
    expect(twice.failures[0]!.error).toMatch(/already has a db service/);
    expect(treeSnapshot(dir)).toEqual(snapshot);

    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  app:\n    image: theirs\n');
    const foreign = await run(plop.getGenerator('service'), ['.', 'redis']);
    expect(foreign.failures[0]!.error).toMatch(/not produced by create-python-docker-app/);
    expect(read(dir, 'compose.yaml')).toBe('services:\n  app:\n    image: theirs\n');

    const bare = tempDir('cpda-plop-bare-');
    const missing = await run((await pack(bare)).getGenerator('service'), ['.', 'redis']);
    expect(missing.failures[0]!.error).toMatch(/does not exist/);
  });
});

describe("service generator: the user's files it edits", () => {
  /** A repository where the docker generator wrote compose.yaml without services. */
  async function dockerOnly() {
    const dir = copyFixture('fastapi-main');
    const plop = await pack(dir);
    await run(plop.getGenerator('docker'), dockerBypass({ framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.12', postgres: false, redis: false, dockerfile: 'standard' }));
    return { dir, plop };
  }

  it('a .env.example over the size it reads (1 MiB) is refused, never taken for a missing one and replaced', async () => {
    const { dir, plop } = await dockerOnly();
    appendFileSync(path.join(dir, '.env.example'), 'USER_SETTING=kept\n'.repeat(70_000));
    const before = treeSnapshot(dir);
    const result = await run(plop.getGenerator('service'), ['.', 'redis']);
    expect(result.failures[0]!.error).toMatch(/^\.env\.example cannot be edited: \d+ bytes is larger than the 1048576 bytes allowed; nothing was written$/);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a compose.yaml that is a symbolic link is named as one, not as missing', async () => {
    const { dir, plop } = await dockerOnly();
    renameSync(path.join(dir, 'compose.yaml'), path.join(dir, 'real.yaml'));
    symlinkSync('real.yaml', path.join(dir, 'compose.yaml'));
    const result = await run(plop.getGenerator('service'), ['.', 'redis']);
    expect(result.failures[0]!.error).toBe('compose.yaml cannot be edited: a symbolic link, which is not followed; nothing was written');
  });

  it.each([
    ['a file mode written 0440, which Compose reads as octal', '    volumes: []\n', '    x-mode: 0440\n', 'services.app.x-mode, written 0440'],
    ['a number too long for a double', '    volumes: []\n', '    x-build: 12345678901234567890\n', 'services.app.x-build, written 12345678901234567890'],
  ])('%s: the rewrite would change it, so it is refused naming it, nothing written', async (_what, _at, line, named) => {
    const { dir, plop } = await dockerOnly();
    const text = read(dir, 'compose.yaml').replace('    restart: unless-stopped\n', `    restart: unless-stopped\n${line}`);
    writeFileSync(path.join(dir, 'compose.yaml'), text);
    const before = treeSnapshot(dir);
    const result = await run(plop.getGenerator('service'), ['.', 'postgres']);
    expect(result.failures[0]!.error).toContain(`compose.yaml: rewriting it would change ${named}; nothing was written`);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it.each([
    ['1e3, which a YAML 1.1 reader takes for a string and the printer writes 1e+3', '    x-scale: 1e3\n', 'services.app.x-scale as 1e+3 instead of 1e3'],
    ['20 digits of pi, which the printer cuts to 17', '    x-pi: 3.14159265358979323846\n', 'services.app.x-pi as 3.141592653589793 instead of 3.14159265358979323846'],
    ['.5, the same number written 0.5', '    x-half: .5\n', 'services.app.x-half as 0.5 instead of .5'],
  ])('a value the printer would write otherwise, %s: refused naming it, nothing written', async (_what, line, named) => {
    const { dir, plop } = await dockerOnly();
    writeFileSync(path.join(dir, 'compose.yaml'), read(dir, 'compose.yaml').replace('    restart: unless-stopped\n', `    restart: unless-stopped\n${line}`));
    const before = treeSnapshot(dir);
    const result = await run(plop.getGenerator('service'), ['.', 'postgres']);
    expect(result.failures[0]!.error).toContain(`compose.yaml: rewriting it would write ${named}; nothing was written`);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('the same value written as YAML 1.2 means it (0o440) goes through, kept', async () => {
    const { dir, plop } = await dockerOnly();
    writeFileSync(path.join(dir, 'compose.yaml'), read(dir, 'compose.yaml').replace('    restart: unless-stopped\n', '    restart: unless-stopped\n    x-mode: 0o440\n'));
    expect((await run(plop.getGenerator('service'), ['.', 'postgres'])).failures).toEqual([]);
    expect(read(dir, 'compose.yaml')).toContain('    x-mode: 0o440\n');
  });

  it.each([
    ['a duplicate key', (t: string) => t.replace('services:\n', 'services:\nservices:\n'), /^compose\.yaml is not valid YAML \(line \d+\): Map keys must be unique; nothing was written$/],
    ['two documents', (t: string) => `${t}---\nother: 1\n`, /^compose\.yaml holds more than one YAML document; the generator edits a file of one, so nothing was written$/],
    ['a broken line', (t: string) => `${t}x: [unclosed\n`, /^compose\.yaml is not valid YAML \(line \d+\): [^\n]+; nothing was written$/],
  ])('a compose.yaml with %s: refused in one line, nothing written', async (_what, edit, message) => {
    const { dir, plop } = await dockerOnly();
    writeFileSync(path.join(dir, 'compose.yaml'), edit(read(dir, 'compose.yaml')));
    const before = treeSnapshot(dir);
    const result = await run(plop.getGenerator('service'), ['.', 'redis']);
    expect(result.failures[0]!.error).toMatch(message);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it("in a uv project without the driver, it says to add it with uv, as add docker does, not to a requirements.txt there is none of", async () => {
    const dir = copyFixture('uv-project');
    const plop = await pack(dir);
    const docker = await run(plop.getGenerator('docker'), dockerBypass({ framework: 'fastapi', app: 'app.main:app', port: 8000, python: '3.13', postgres: false, redis: false, dockerfile: 'standard' }));
    expect(docker.failures).toEqual([]);
    const result = await run(plop.getGenerator('service'), ['.', 'postgres']);
    expect(result.failures).toEqual([]);
    expect(result.changes[0]!.path).toMatch(/add it with `uv add 'psycopg\[binary\]==[^']+'`, which updates uv\.lock too/);
    expect(result.changes[0]!.path).not.toContain('requirements.txt');
  });

  it('a compose.yaml and .env.example of CRLF lines with a byte order mark, forced: both keep CRLF throughout and the mark', async () => {
    const { dir } = await dockerOnly();
    for (const file of ['compose.yaml', '.env.example']) writeFileSync(path.join(dir, file), `\uFEFF${read(dir, file).replace(/\n/g, '\r\n')}`);
    const forced = await pack(dir, true);
    expect((await run(forced.getGenerator('service'), ['.', 'redis'])).failures).toEqual([]);
    for (const file of ['compose.yaml', '.env.example']) {
      const text = read(dir, file);
      expect(text.startsWith('\uFEFF'), `${file} keeps its mark`).toBe(true);
      expect(text.split('\r\n').some((l) => l.includes('\n')), `${file} has a bare LF`).toBe(false);
      expect(text, file).toContain('REDIS');
    }
  });

  it('with Postgres: the password compose.yaml now mounts is written, random, 0644 in a 0700 folder that git ignores', async () => {
    const { dir, plop } = await dockerOnly();
    expect((await run(plop.getGenerator('service'), ['.', 'postgres'])).failures).toEqual([]);
    expect(read(dir, 'compose.yaml')).toContain('file: ./secrets/postgres_password');
    expect(read(dir, 'secrets/postgres_password')).toMatch(/^[A-Za-z0-9_-]{40,}\n$/);
    expect(statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(read(dir, 'secrets/.gitignore')).toContain('\n*\n!.gitignore\n');
  });

  it('a save to compose.yaml after the generator read it and before its write: refused, the save kept', async () => {
    const { dir } = await dockerOnly();
    // The service command, with the user saving compose.yaml right after it has read and rendered.
    const saving: Command = {
      ...addService,
      render(answers, site, step, args) {
        const rendered = addService.render(answers, site, step, args);
        appendFileSync(path.join(site.dir, 'compose.yaml'), '# saved meanwhile\n');
        return rendered;
      },
    };
    const args = noArgs({ answers: { dir: '.', service: 'redis' }, yes: true });
    await expect(execute(saving, args, { cwd: dir, within: dir, version: PACKAGE_VERSION })).rejects.toThrow(/changed since this run read them/);
    expect(read(dir, 'compose.yaml')).toMatch(/# saved meanwhile\n$/);
    expect(read(dir, 'compose.yaml')).not.toContain('redis:');
  });
});

// Docker Compose itself reads what the generators above wrote (the folders they left in
// composeChecks, in the order they ran). Its own test, so that a machine without the Compose
// binary (no root: scripts/setup-test-env.sh caches it) says it skipped this instead of passing.
describe('docker compose config', () => {
  it.skipIf(!HAS_COMPOSE)(
    `accepts the compose files every generator above wrote${HAS_COMPOSE ? '' : ' (skipped: no Compose binary; scripts/setup-test-env.sh caches it, as root)'}`,
    async () => {
      expect(composeChecks.map((c) => c.label)).toHaveLength(6);
      for (const { label, dir } of composeChecks) expect(await composeConfigProblems(dir), label).toBe('');
    },
  );
});
