// `create-python-docker-app add devcontainer`: .devcontainer/ and .vscode/launch.json for a
// project we generated without them, rendered from its answers file exactly as `create
// --devcontainer` writes them; what the project's own files lack is named, never edited. In-process (fast).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { listFiles, removeTempDirs, runMain, tempDir } from '../support/cli-run.js';
import { generateInto, render, TEST_VERSION } from '../support/generate.js';

afterAll(() => removeTempDirs());

const FEATURE_FILES = ['.devcontainer/Dockerfile', '.devcontainer/compose.yaml', '.devcontainer/devcontainer.json', '.vscode/launch.json'];
const add = (dir: string, ...flags: string[]) => runMain(['add', 'devcontainer', '--dir', dir, '--json', ...flags], { cwd: path.dirname(dir) });
const report = (stdout: string) => JSON.parse(stdout) as { ok: boolean; files: { path: string; action: string }[]; warnings: string[] };
/** The warnings about the project's own files; these projects are rendered as TEST_VERSION, so the record's is left out. */
const sharedWarnings = (stdout: string) => report(stdout).warnings.filter((w) => !w.includes(`the project is from ${TEST_VERSION},`));

describe.each([
  ['fastapi', 'uv'],
  ['flask', 'pip'],
] as const)('add devcontainer on a %s project with %s made without it', (framework, packageManager) => {
  const made = () => generateInto({ framework, packageManager, devcontainer: false }, tempDir('cpda-add-devcontainer-'));

  it('writes the four files `create --devcontainer` writes, byte for byte, and no other', async () => {
    const dir = made();
    const before = listFiles(dir);
    const r = await add(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(listFiles(dir).filter((f) => !before.includes(f)).sort()).toEqual(FEATURE_FILES);
    const created = render({ framework, packageManager, devcontainer: true });
    for (const file of FEATURE_FILES) expect(readFileSync(path.join(dir, file), 'utf8'), file).toBe(created.find((f) => f.path === file)?.contents);
    // Its .gitignore, made without the feature, lets no file of .vscode/ back in: said, not edited.
    expect(sharedWarnings(r.stdout)).toEqual([expect.stringMatching(/^\.gitignore ignores every file in \.vscode\/, \.vscode\/launch\.json too.*`!\.vscode\/launch\.json`/)]);
  });

  it('with `!.vscode/launch.json` in its .gitignore, git sees the new file and nothing is said about it', async () => {
    const dir = made();
    writeFileSync(path.join(dir, '.gitignore'), readFileSync(path.join(dir, '.gitignore'), 'utf8').replace('.vscode/*\n', '.vscode/*\n!.vscode/launch.json\n'));
    const r = await add(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(sharedWarnings(r.stdout)).toEqual([]);
    spawnSync('git', ['init', '-q'], { cwd: dir });
    expect(spawnSync('git', ['check-ignore', '-q', '.vscode/launch.json'], { cwd: dir }).status).toBe(1);
  });

  it('names what an older project lacks (debugpy in its lock, .vscode/ wholly ignored, .devcontainer not in .dockerignore) and edits none of it', async () => {
    const dir = made();
    const lock = packageManager === 'uv' ? 'uv.lock' : 'requirements-dev.txt';
    const older = {
      [lock]: readFileSync(path.join(dir, lock), 'utf8').replace(/debugpy/g, 'not-a-debugger'),
      '.gitignore': readFileSync(path.join(dir, '.gitignore'), 'utf8').replace('.vscode/*\n', '.vscode/\n'),
      '.dockerignore': readFileSync(path.join(dir, '.dockerignore'), 'utf8').replace('.devcontainer\n', ''),
    };
    for (const [file, text] of Object.entries(older)) writeFileSync(path.join(dir, file), text);
    const r = await add(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(sharedWarnings(r.stdout)).toEqual([
      expect.stringMatching(packageManager === 'uv' ? /^uv\.lock has no debugpy.*`uv add --dev debugpy==\d/ : /^requirements-dev\.txt has no debugpy.*requirements-dev\.in/),
      expect.stringMatching(/^\.gitignore ignores the whole \.vscode\/ folder.*`!\.vscode\/launch\.json`/),
      expect.stringMatching(/^\.dockerignore does not leave out \.devcontainer\//),
    ]);
    for (const [file, text] of Object.entries(older)) expect(readFileSync(path.join(dir, file), 'utf8'), file).toBe(text);
  });
});

describe('add devcontainer on a project with a Celery worker', () => {
  it('writes the worker under debugpy and its attach configuration too, as `create --devcontainer --worker celery` does', async () => {
    const options = { framework: 'fastapi', packageManager: 'uv', postgres: true, redis: true, worker: 'celery' } as const;
    const dir = generateInto({ ...options, devcontainer: false }, tempDir('cpda-add-devcontainer-'));
    const r = await add(dir);
    expect(r.code, r.stderr).toBe(0);
    const created = render({ ...options, devcontainer: true });
    for (const file of FEATURE_FILES) expect(readFileSync(path.join(dir, file), 'utf8'), file).toBe(created.find((f) => f.path === file)?.contents);
    const launch = JSON.parse(readFileSync(path.join(dir, '.vscode', 'launch.json'), 'utf8')) as { configurations: { name: string; connect: { port: number } }[] };
    expect(launch.configurations.map((c) => [c.name, c.connect.port])).toEqual([
      ['Attach to the app', 5678],
      ['Attach to the worker', 5679],
    ]);
  });
});

describe('add devcontainer refuses', () => {
  it('a folder without an answers file (not a project create-python-docker-app made): exit 1, nothing written', async () => {
    const dir = tempDir('cpda-add-devcontainer-');
    const r = await add(dir);
    expect([r.code, JSON.parse(r.stdout).error?.message]).toEqual([1, expect.stringMatching(/has no \.create-python-docker-app\.json/)]);
    expect(listFiles(dir)).toEqual([]);
  });

  it('to replace a launch.json of the user’s without --force: a conflict, nothing written', async () => {
    const dir = generateInto({ devcontainer: false }, tempDir('cpda-add-devcontainer-'));
    const mine = '{"version": "0.2.0", "configurations": []}\n';
    mkdirSync(path.join(dir, '.vscode'));
    writeFileSync(path.join(dir, '.vscode', 'launch.json'), mine);
    const r = await add(dir);
    expect(r.code).toBe(1);
    expect(readFileSync(path.join(dir, '.vscode', 'launch.json'), 'utf8')).toBe(mine);
    expect(listFiles(dir).filter((f) => f.startsWith('.devcontainer/'))).toEqual([]);
  });
});

describe('add devcontainer on a project of this version', () => {
  it('is recorded in its answers: add worker then gives the dev container the worker\'s debugger, and add devcontainer again changes nothing', async () => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes', '--no-devcontainer'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'xyzzy');
    expect((await add(dir)).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')).answers.devcontainer).toBe(true);
    const worker = await runMain(['add', 'worker', '--dir', dir], { cwd });
    expect(worker.code, worker.stderr).toBe(0);
    const launch = JSON.parse(readFileSync(path.join(dir, '.vscode', 'launch.json'), 'utf8')) as { configurations: { name: string }[] };
    expect(launch.configurations.map((c) => c.name)).toEqual(['Attach to the app', 'Attach to the worker']);
    const again = await add(dir);
    expect(again.code, again.stderr).toBe(0);
    expect(new Set(report(again.stdout).files.map((f) => f.action))).toEqual(new Set(['unchanged']));
  });
});

describe('add devcontainer refuses an answers file it cannot render from', () => {
  it.each(['deploy', 'framework', 'python'])('one that lacks "%s": exit 2 in one line naming it, nothing written', async (key) => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes', '--no-devcontainer'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'xyzzy');
    const doc = JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')) as { answers: Record<string, unknown> };
    delete doc.answers[key];
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(doc, null, 2)}\n`);
    const before = listFiles(dir);
    const r = await runMain(['add', 'devcontainer', '--dir', dir], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`error: ${ANSWERS_FILE} lacks "${key}"; add the value(s) the project was generated with`]);
    expect(listFiles(dir)).toEqual(before);
  });
});
