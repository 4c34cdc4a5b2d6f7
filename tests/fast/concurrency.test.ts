// Two runs side by side (issue 21, item 3): a run removes only what it made itself, and the
// loser refuses, leaving the winner's files alone. Deterministic, not a race: run A is held at
// a named point through the test-only seam (CPDA_TEST_PAUSE_AT + CPDA_TEST_PAUSE_DIR, see
// src/engine/test-pause.ts), run B goes to completion, then A is released.

import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import nodePlop from 'node-plop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plopfile from '../../generators/plopfile.js';
import { assertBuilt, BIN, cleanEnv, listFiles, removeTempDirs, runBin, tempDir, treeSnapshot } from '../support/cli-run.js';
import { holdAt } from '../support/hold.js';
import { run as runProcess } from '../support/run.js';

afterAll(removeTempDirs);
beforeAll(() => assertBuilt());

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const LOCK = '.create-python-docker-app.lock';

/** The tree under `dir`, without the held run's staging directory (it is that run's own, and goes with it). */
function settled(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(treeSnapshot(dir)).filter(([p]) => !p.split(path.sep).some((part) => part.includes('.staging-'))));
}

function repo(fixture: string): string {
  const dir = path.join(tempDir('cpda-conc-'), 'app');
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

describe('two create runs into the same new folder', () => {
  it('the run held before its rename refuses in one line, and the winner keeps every file', async () => {
    const cwd = tempDir();
    const a = await holdAt('write-staged', ['svc', '--yes', '--framework', 'flask'], cwd);
    const b = runBin(['svc', '--yes'], { cwd });
    expect(b.status, b.stderr).toBe(0);
    const winner = settled(path.join(cwd, 'svc'));
    expect(Object.keys(winner).length).toBeGreaterThan(30);

    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(loser.stderr).toBe(`error: ${path.join(cwd, 'svc')} appeared while this run was writing it (another run?); nothing was written, and what is there was left alone\n`);
    expect(treeSnapshot(path.join(cwd, 'svc'))).toEqual(winner);
    // The loser's staging directory is gone too: only the winner's project is left.
    expect(readdirSync(cwd)).toEqual(['svc']);
  });

  it('the run held between its plan and its writes refuses once the other made the folder, and the winner keeps every file', async () => {
    const cwd = tempDir();
    const a = await holdAt('planned', ['svc', '--yes', '--framework', 'flask'], cwd);
    const b = runBin(['svc', '--yes'], { cwd });
    expect(b.status, b.stderr).toBe(0);
    const winner = treeSnapshot(path.join(cwd, 'svc'));

    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(loser.stderr).toContain('appeared while this run was writing it');
    expect(treeSnapshot(path.join(cwd, 'svc'))).toEqual(winner);
    expect(readdirSync(cwd)).toEqual(['svc']);
  });

  it('a missing parent made by the other run meanwhile is not removed by the loser', async () => {
    const cwd = tempDir();
    const a = await holdAt('write-start', ['new/parent/svc', '--yes'], cwd);
    const b = runBin(['new/parent/svc', '--yes'], { cwd });
    expect(b.status, b.stderr).toBe(0);
    const winner = settled(cwd);

    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(loser.stderr).toContain('new/parent/svc appeared while this run was writing it');
    expect(treeSnapshot(cwd)).toEqual(winner);
  });

  it('a parent the loser made itself, where another project has appeared, is kept with that project', async () => {
    const cwd = tempDir();
    const a = await holdAt('write-staged', ['new/svc', '--yes'], cwd);
    // A made new/ (its staging directory is in it); a sibling project and the same target arrive.
    expect(runBin(['new/other', '--yes'], { cwd }).status).toBe(0);
    expect(runBin(['new/svc', '--yes'], { cwd }).status).toBe(0);
    const winners = settled(cwd);

    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(treeSnapshot(cwd)).toEqual(winners);
    expect(readdirSync(path.join(cwd, 'new')).sort()).toEqual(['other', 'svc']);
  });

  it('a loser that made the missing parents and finds its target taken removes only its own empty parents', async () => {
    const cwd = tempDir();
    const a = await holdAt('write-staged', ['made/by/a/svc', '--yes'], cwd);
    // Someone else's folder at A's target (not a create run: anything with a file in it).
    mkdirSync(path.join(cwd, 'made/by/a/svc'));
    writeFileSync(path.join(cwd, 'made/by/a/svc/notes.txt'), 'mine');
    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(listFiles(cwd)).toEqual(['made/by/a/svc/notes.txt']);
  });
});

describe('a file the user puts into the folder while create runs', () => {
  for (const point of ['checked', 'planned'] as const)
    it(`after the ${point === 'checked' ? 'emptiness check' : 'plan'}: refused, the user's file kept, nothing of the project written`, async () => {
      const cwd = tempDir();
      mkdirSync(path.join(cwd, 'svc'));
      const run = await holdAt(point, ['svc', '--yes'], cwd);
      writeFileSync(path.join(cwd, 'svc', 'README.md'), 'mine\n');
      const { code, stderr } = await run.release();
      expect(code, stderr).toBe(1);
      expect(stderr.split('\n')[0]).toMatch(/^error: 1 file\(s\) (already exist and differ|changed since this run read them)/);
      expect(readdirSync(path.join(cwd, 'svc'))).toEqual(['README.md']);
      expect(readFileSync(path.join(cwd, 'svc', 'README.md'), 'utf8')).toBe('mine\n');
      expect(readdirSync(cwd)).toEqual(['svc']);
    });
});

describe('two add runs into the same repository', () => {
  it('add docker held before its moves refuses once the other wrote, naming the files, and keeps them', async () => {
    const dir = repo('fastapi-main');
    const a = await holdAt('write-staged', ['add', 'docker', '--dir', dir, '--yes', '--port', '9000'], dir);
    const b = runBin(['add', 'docker', '--dir', dir, '--yes'], { cwd: dir });
    expect(b.status, b.stderr).toBe(0);
    const winner = settled(dir);

    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(loser.stderr).toMatch(/^error: \d+ file\(s\) changed since this run read them \(another run writing here\?\); nothing was written: run again\n {2}\.dockerignore\n/);
    expect(treeSnapshot(dir)).toEqual(winner);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('8000');
  });

  it('the plop docker generator finishing first: the held add docker refuses and the generator\'s files stay', async () => {
    const dir = repo('fastapi-main');
    const a = await holdAt('write-staged', ['add', 'docker', '--dir', dir, '--yes'], dir);
    const plop = await nodePlop('', { destBasePath: dir, force: false });
    plopfile(plop, { force: false });
    const generator = plop.getGenerator('docker');
    const answers = await generator.runPrompts(['.', 'fastapi', 'app.main:app', '9000', '3.12', 'no', 'yes', 'standard']);
    const result = await generator.runActions(answers);
    expect(result.failures, JSON.stringify(result.failures)).toEqual([]);
    const winner = settled(dir);
    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(loser.stderr).toContain('changed since this run read them');
    expect(settled(dir)).toEqual(winner);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('9000');
  });

  it('add kubernetes side by side: the held run refuses and the winner keeps its manifests', async () => {
    const dir = repo('fastapi-main');
    expect(runBin(['add', 'docker', '--dir', dir, '--yes'], { cwd: dir }).status).toBe(0);
    const a = await holdAt('write-staged', ['add', 'kubernetes', '--dir', dir, '--yes'], dir);
    const b = runBin(['add', 'kubernetes', '--dir', dir, '--yes'], { cwd: dir });
    expect(b.status, b.stderr).toBe(0);
    const winner = settled(dir);
    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(loser.stderr).toContain('changed since this run read them');
    expect(treeSnapshot(dir)).toEqual(winner);
  });

  it('a lock left by a killed run (its process is gone) is taken over, and removed after', () => {
    const dir = repo('fastapi-main');
    // A pid far above any live one on this host: the process that held it is gone.
    writeFileSync(path.join(dir, LOCK), `999999999 ${hostname()}`);
    const run = runBin(['add', 'docker', '--dir', dir, '--yes'], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, LOCK))).toBe(false);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(true);
  });

  // The two runs that wait out the lock (3 s) wait side by side: spawned without blocking the
  // worker (runProcess), each test asserting through its context's expect (tests/support/assertion-guard.ts).
  it.concurrent('a run that finds the other inside its moves waits, then refuses naming the lock, and writes nothing', async ({ expect }) => {
    const dir = repo('fastapi-main');
    const a = await holdAt('write-locked', ['add', 'docker', '--dir', dir, '--yes'], dir);
    const before = treeSnapshot(dir);
    const b = await runProcess(process.execPath, [BIN, 'add', 'docker', '--dir', dir, '--yes', '--port', '9000'], { cwd: dir, env: cleanEnv(), timeoutMs: 15_000 });
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(new RegExp(`^error: process \\d+ on \\S+ is writing into .* \\(${LOCK.replace(/\./g, '\\.')}\\); nothing was written: run again when it is done`));
    expect(treeSnapshot(dir)).toEqual(before);

    const winner = await a.release();
    expect(winner.code, winner.stderr).toBe(0);
    expect(existsSync(path.join(dir, LOCK))).toBe(false);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('8000');
  });

  it.concurrent('a lock held by a live process on this host is respected: refused, nothing written, the lock kept', async ({ expect }) => {
    const dir = repo('fastapi-main');
    writeFileSync(path.join(dir, LOCK), `${process.pid} ${hostname()}`);
    const refused = await runProcess(process.execPath, [BIN, 'add', 'docker', '--dir', dir, '--yes'], { cwd: dir, env: cleanEnv(), timeoutMs: 15_000 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`process ${process.pid} on`);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    expect(existsSync(path.join(dir, LOCK))).toBe(true);
  });
});

/** A generated project whose recorded Dockerfile variant was switched: update has files to change. */
function projectToUpdate(): string {
  const cwd = tempDir();
  expect(runBin(['svc', '--yes'], { cwd }).status).toBe(0);
  const dir = path.join(cwd, 'svc');
  const answersPath = path.join(dir, '.create-python-docker-app.json');
  const answers = JSON.parse(readFileSync(answersPath, 'utf8'));
  answers.answers.dockerfile = 'multi-stage';
  writeFileSync(answersPath, `${JSON.stringify(answers, null, 2)}\n`);
  return dir;
}

describe('two update runs in the same project', () => {
  it('the held update refuses once the other applied, and the project is the winner\'s', async () => {
    const dir = projectToUpdate();

    const a = await holdAt('write-staged', ['update', '--yes'], dir);
    const b = runBin(['update', '--yes'], { cwd: dir });
    expect(b.status, b.stderr).toBe(0);
    const winner = settled(dir);

    const loser = await a.release();
    expect(loser.code).toBe(1);
    expect(loser.stderr).toContain('changed since this run read them (another run writing here?); nothing was written: run again');
    expect(treeSnapshot(dir)).toEqual(winner);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/AS builder/);
  });
});

describe('a save that lands after the check under the lock (an editor ignores the lock)', () => {
  it('update held before its moves: the saved file is found as the moves set it aside, every move undone, exit 1, the save kept', async () => {
    const dir = projectToUpdate();
    // Held after the journal, past every check: what a save then meets is the moves themselves.
    const held = await holdAt('write-journaled', ['update', '--yes'], dir);
    const saved = `${readFileSync(path.join(dir, 'Dockerfile'), 'utf8')}# saved by the user meanwhile\n`;
    writeFileSync(path.join(dir, 'Dockerfile'), saved);
    const before = treeSnapshot(dir);
    const run = await held.release();
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile changed while this run was moving files into place \(another program saving it\?\); every file already moved was put back, so nothing was changed/);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(saved);
    const after = treeSnapshot(dir);
    const ours = (p: string) => p.includes('.staging-') || p === '.create-python-docker-app.lock';
    expect(Object.keys(after).filter(ours)).toEqual([]);
    expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([p]) => !ours(p))));
  });
});

/** A tree snapshot less some paths (the files a test checks by their text). */
function without(tree: Record<string, string>, ...paths: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([p]) => !paths.includes(p)));
}

/** What an editor's save does: the new text into a file of its own, then renamed over the name. */
function editorSave(file: string, text: string): void {
  writeFileSync(`${file}.saving~`, text);
  renameSync(`${file}.saving~`, file);
}

describe('a save that lands while the run moves that very file (an editor ignores the lock)', () => {
  it('saved where the run has just set the old file aside: exit 1, every move undone, the save kept', async () => {
    const dir = projectToUpdate();
    const before = treeSnapshot(dir);
    const held = await holdAt('write-placing Dockerfile', ['update', '--yes'], dir);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    const saved = '# saved by the user meanwhile\n';
    editorSave(path.join(dir, 'Dockerfile'), saved);
    const run = await held.release();
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('Dockerfile was saved while this run was moving files into place (another program saving it?); every file already moved was put back, so nothing was changed');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(saved);
    expect(without(treeSnapshot(dir), 'Dockerfile')).toEqual(without(before, 'Dockerfile'));
  });

  it('a file made where the run is about to place a new one: exit 1, every move undone, that file kept', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'svc'));
    writeFileSync(path.join(cwd, 'svc', 'notes.txt'), 'mine\n');
    const held = await holdAt('write-placing README.md', ['svc', '--yes', '--overwrite'], cwd);
    editorSave(path.join(cwd, 'svc', 'README.md'), '# my own README\n');
    const run = await held.release();
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('README.md was saved while this run was moving files into place');
    expect(readdirSync(path.join(cwd, 'svc')).sort()).toEqual(['README.md', 'notes.txt']);
    expect(readFileSync(path.join(cwd, 'svc', 'README.md'), 'utf8')).toBe('# my own README\n');
    expect(readFileSync(path.join(cwd, 'svc', 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('a file saved into a folder the run had made: when the run is undone, the file and its folder stay', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'svc'));
    const held = await holdAt('write-placing README.md', ['svc', '--yes', '--overwrite'], cwd);
    // .devcontainer/ is made and filled before README.md (the moves go in order).
    expect(existsSync(path.join(cwd, 'svc', '.devcontainer', 'devcontainer.json'))).toBe(true);
    writeFileSync(path.join(cwd, 'svc', '.devcontainer', 'notes.txt'), 'mine\n');
    editorSave(path.join(cwd, 'svc', 'README.md'), '# my own README\n');
    const run = await held.release();
    expect(run.code, run.stderr).toBe(1);
    expect(listFiles(path.join(cwd, 'svc')).sort()).toEqual(['.devcontainer/notes.txt', 'README.md']);
    expect(readFileSync(path.join(cwd, 'svc', '.devcontainer', 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it.each([
    ['a new file renamed over it', editorSave],
    ['the same file rewritten (Save All)', (file: string, text: string) => writeFileSync(file, text)],
  ] as const)('saved over a file the run had already placed (%s): when the run is undone, that save stays', async (_how, save) => {
    const dir = projectToUpdate();
    const before = treeSnapshot(dir);
    // Dockerfile is in place by then (the moves go in order), README.md set aside.
    const held = await holdAt('write-placing README.md', ['update', '--yes'], dir);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/AS builder/);
    const dockerfile = '# the user\'s own Dockerfile, saved over the new one\n';
    const readme = '# the README, saved meanwhile\n';
    save(path.join(dir, 'Dockerfile'), dockerfile);
    editorSave(path.join(dir, 'README.md'), readme);
    const run = await held.release();
    expect(run.code, run.stderr).toBe(1);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(dockerfile);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe(readme);
    expect(without(treeSnapshot(dir), 'Dockerfile', 'README.md')).toEqual(without(before, 'Dockerfile', 'README.md'));
  });
});

describe('a program that had a file open, or a folder swapped, while the run moves files', () => {
  it('bytes written through a file opened before it was set aside: the run is undone, and they are back in place', async () => {
    const dir = projectToUpdate();
    const before = treeSnapshot(dir);
    const original = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const fd = openSync(path.join(dir, 'Dockerfile'), 'a');
    try {
      // Every file moved: Dockerfile's original is set aside, the open file with it.
      const held = await holdAt('write-moved', ['update', '--yes'], dir);
      writeSync(fd, '# appended by a program that had it open\n');
      const run = await held.release();
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain('Dockerfile was written to while this run was moving files into place (a program that had it open?); every file already moved was put back');
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(`${original}# appended by a program that had it open\n`);
    expect(without(treeSnapshot(dir), 'Dockerfile')).toEqual(without(before, 'Dockerfile'));
  });

  it('a folder on the way swapped for a link to one outside: nothing is moved through it, exit 1, the outside untouched', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'svc'));
    mkdirSync(path.join(cwd, 'outside'));
    // README.md comes before tests/ (the moves go in order): tests/ is not made yet.
    const held = await holdAt('write-placing README.md', ['svc', '--yes', '--overwrite'], cwd);
    symlinkSync(path.join(cwd, 'outside'), path.join(cwd, 'svc', 'tests'));
    const run = await held.release();
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('tests became a symbolic link while this run was moving files into place, and nothing is moved through one');
    expect(readdirSync(path.join(cwd, 'outside'))).toEqual([]);
    expect(readdirSync(path.join(cwd, 'svc'))).toEqual(['tests']);
  });
});

describe('the pause seam is harmless outside tests', () => {
  it('CPDA_TEST_PAUSE_AT without CPDA_TEST_PAUSE_DIR does not hold a run', () => {
    const cwd = tempDir();
    const run = runBin(['svc', '--yes'], { cwd, env: { CPDA_TEST_PAUSE_AT: 'write-staged' } });
    expect(run.status, run.stderr).toBe(0);
  });
});
