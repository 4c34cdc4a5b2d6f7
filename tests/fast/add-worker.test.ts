// `create-python-docker-app add worker`: --worker celery for a project we generated without it,
// through update's plan: the same files `create --worker celery` writes, the user's edits kept
// by the three-way merge, refused without PostgreSQL and Redis. In-process (fast).

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderProject } from '../../src/engine/render.js';
import type { ProjectOptions } from '../../src/options/values.js';
import { listFiles, PACKAGE_VERSION, removeTempDirs, runMain, tempDir, treeSnapshot } from '../support/cli-run.js';
import { optionsFor, writeFiles } from '../support/generate.js';

afterAll(() => removeTempDirs());

const add = (dir: string, ...flags: string[]) => runMain(['add', 'worker', '--dir', dir, ...flags], { cwd: path.dirname(dir) });

/** A project as `create` of this version writes it (its answers file and record included). */
function made(overrides: Partial<ProjectOptions>): string {
  const dir = path.join(tempDir('cpda-add-worker-'), 'demo-api');
  writeFiles(dir, renderProject(optionsFor(overrides), PACKAGE_VERSION));
  return dir;
}

describe.each([
  ['fastapi', 'uv'],
  ['flask', 'pip'],
] as const)('add worker on a %s project with %s, PostgreSQL and Redis', (framework, packageManager) => {
  const options = { framework, packageManager, postgres: true, redis: true, migrations: true, worker: 'none' } as const;

  it('leaves the project exactly as `create --worker celery` writes it, file for file', async () => {
    const dir = made(options);
    const r = await add(dir);
    expect(r.code, r.stderr).toBe(0);
    const created = renderProject(optionsFor({ ...options, worker: 'celery' }), PACKAGE_VERSION);
    expect(listFiles(dir).sort()).toEqual(created.map((f) => f.path).sort());
    for (const file of created) expect(readFileSync(path.join(dir, file.path), 'utf8'), file.path).toBe(file.contents);
  });
});

describe('add worker on a project deployed to a target that does not run the worker', () => {
  it('says so as create does (ECS runs the web app only)', async () => {
    const dir = made({ postgres: true, redis: true, migrations: true, worker: 'none', deploy: ['ecs'] });
    const r = await add(dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const created = await runMain(['shop', '--yes', '--deploy', 'ecs', '--worker', 'celery', '--json'], { cwd: tempDir() });
    const said = (JSON.parse(created.stdout) as { warnings: string[] }).warnings;
    expect(said).toHaveLength(1);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings).toContain(said[0]);
  });
});

describe('add worker on a project the user has edited', () => {
  it('deploy/kubernetes/ deleted on purpose stays deleted: the worker\'s manifests are not brought back into it', async () => {
    const dir = made({ postgres: true, redis: true, migrations: true, worker: 'none', deploy: ['kubernetes'] });
    rmSync(path.join(dir, 'deploy'), { recursive: true });
    const r = await add(dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'deploy'))).toBe(false);
    const files = (JSON.parse(r.stdout) as { files: { path: string; action: string; reason: string }[] }).files;
    expect(files.filter((f) => f.path.startsWith('deploy/kubernetes/base/worker-')).map((f) => [f.action, f.reason])).toEqual([
      ['keep', 'deleted-folder'],
      ['keep', 'deleted-folder'],
    ]);
  });

  it('keeps an edit of a file the worker changes too (app/main.py), merged with the worker’s lines', async () => {
    const options = { framework: 'fastapi', packageManager: 'uv', postgres: true, redis: true, worker: 'none' } as const;
    const dir = made(options);
    const main = path.join(dir, 'app', 'main.py');
    const edited = `# Our team's API.\n${readFileSync(main, 'utf8')}`;
    writeFileSync(main, edited);
    const r = await add(dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { command: string; files: { path: string; action: string }[] };
    expect(doc.command).toBe('add worker');
    expect(doc.files.find((f) => f.path === 'app/main.py')?.action).toBe('merge');
    const created = renderProject(optionsFor({ ...options, worker: 'celery' }), PACKAGE_VERSION).find((f) => f.path === 'app/main.py')!.contents;
    expect(readFileSync(main, 'utf8')).toBe(`# Our team's API.\n${created}`);
  });
});

describe('add worker refuses', () => {
  it.each([
    ['Redis', { postgres: true, redis: false, migrations: true }],
    ['PostgreSQL', { postgres: false, redis: true, migrations: false }],
  ] as const)('a project without %s: one line, exit 2, nothing written', async (lacking, services) => {
    const dir = made({ ...services, worker: 'none' });
    const before = treeSnapshot(dir);
    const r = await add(dir);
    expect([r.code, r.stderr.trim().split('\n')]).toEqual([2, [expect.stringMatching(new RegExp(`^error: add worker needs PostgreSQL and Redis.* has no ${lacking}$`))]]);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a folder we did not generate: one line saying it needs one of ours and --dir, not to run update (which refuses it too)', async () => {
    const dir = path.join(tempDir('cpda-add-worker-'), 'repo');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
    const r = await add(dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `error: repo has no .create-python-docker-app.json, so it was not generated by create-python-docker-app (or the file was deleted); add worker works on a project it generated: run it in that project's directory, or pass --dir`,
    ]);
  });
});

describe('add worker --dry-run', () => {
  it('prints the plan (the worker’s files created, compose.yaml replaced) and writes nothing', async () => {
    const dir = made({ postgres: true, redis: true, worker: 'none' });
    const before = treeSnapshot(dir);
    const r = await add(dir, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const actions = Object.fromEntries((JSON.parse(r.stdout) as { files: { path: string; action: string }[] }).files.map((f) => [f.path, f.action]));
    expect(actions).toMatchObject({ 'app/worker.py': 'create', 'app/tasks.py': 'create', 'app/heartbeat.py': 'create', 'tests/test_worker.py': 'create', 'compose.yaml': 'overwrite' });
    expect(treeSnapshot(dir)).toEqual(before);
  });
});

describe('add worker --beat', () => {
  const services = { framework: 'flask', packageManager: 'uv', postgres: true, redis: true, migrations: true } as const;
  /** The project exactly as `create` writes it with these options. */
  const expectCreated = (dir: string, overrides: Partial<ProjectOptions>) => {
    const created = renderProject(optionsFor(overrides), PACKAGE_VERSION);
    expect(listFiles(dir).sort()).toEqual(created.map((f) => f.path).sort());
    for (const file of created) expect(readFileSync(path.join(dir, file.path), 'utf8'), file.path).toBe(file.contents);
  };

  it('adds the worker and its beat, as `create --worker celery --beat` writes them', async () => {
    const dir = made({ ...services, worker: 'none' });
    const r = await add(dir, '--beat');
    expect(r.code, r.stderr).toBe(0);
    expectCreated(dir, { ...services, worker: 'celery', beat: true });
  });

  it('adds beat alone to a project that has the worker', async () => {
    const dir = made({ ...services, worker: 'celery' });
    const r = await add(dir, '--beat');
    expect(r.code, r.stderr).toBe(0);
    expectCreated(dir, { ...services, worker: 'celery', beat: true });
  });

  it.each([
    ['without --beat, a project that has the worker', { worker: 'celery' }, [], '--beat adds its beat'],
    ['with --beat, a project that has both', { worker: 'celery', beat: true }, ['--beat'], 'worker: celery, beat: true'],
  ] as const)('refuses, %s: one line naming what it has, exit 1, nothing written', async (_what, has, flags, says) => {
    const dir = made({ ...services, ...has });
    const before = treeSnapshot(dir);
    const r = await add(dir, ...flags);
    expect([r.code, r.stderr.trim().split('\n')]).toEqual([1, [expect.stringContaining(says)]]);
    expect(treeSnapshot(dir)).toEqual(before);
  });
});
