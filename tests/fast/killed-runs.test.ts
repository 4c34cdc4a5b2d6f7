// A run killed with SIGKILL (no handler runs) while it moves files into an existing folder: the
// next run into that folder puts back what the killed one had moved before it reads anything,
// and removes what a killed run left (its staging folder, its lock), so nothing stays half-done
// (src/engine/interrupted-write.ts). Deterministic: each run is held at a named point of the
// write (src/engine/test-pause.ts) and killed there.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingPrefix } from '../../src/engine/interrupted-write.js';
import { assertBuilt, hasPython, removeTempDirs, runBin, tempDir, treeSnapshot } from '../support/cli-run.js';
import { holdAt } from '../support/hold.js';

afterAll(removeTempDirs);

/** One project to update and the result of one uninterrupted update, made once: each test kills a run in a copy. */
let base: string;
let reference: Record<string, string>;
beforeAll(() => {
  assertBuilt();
  base = projectToUpdate();
  reference = updatedCopy(base);
});

function copyOfBase(): string {
  const dir = path.join(tempDir('cpda-killed-'), 'svc');
  cpSync(base, dir, { recursive: true });
  return dir;
}

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const LOCK = '.create-python-docker-app.lock';
const ANSWERS = '.create-python-docker-app.json';

/** A generated project, committed, whose recorded framework is then switched: update has ~26 files to change. */
function projectToUpdate(): string {
  const cwd = tempDir('cpda-killed-');
  expect(runBin(['svc', '--yes'], { cwd }).status).toBe(0);
  const dir = path.join(cwd, 'svc');
  const answers = path.join(dir, ANSWERS);
  writeFileSync(answers, readFileSync(answers, 'utf8').replace('"framework": "fastapi"', '"framework": "flask"'));
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'flask');
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** The project as one uninterrupted update leaves it (on a copy). */
function updatedCopy(dir: string): Record<string, string> {
  const copy = path.join(tempDir('cpda-reference-'), 'svc');
  cpSync(dir, copy, { recursive: true });
  const run = runBin(['update', '--yes'], { cwd: copy });
  expect(run.status, run.stderr).toBe(0);
  return withoutGit(treeSnapshot(copy));
}

function withoutGit(tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([p]) => p !== '.git' && !p.startsWith(`.git${path.sep}`)));
}

/** Runs the CLI in `cwd`, held at `point`, and kills it there with SIGKILL. */
async function killedAt(point: string, argv: string[], cwd: string): Promise<void> {
  const held = await holdAt(point, argv, cwd);
  held.child.kill('SIGKILL');
  const { code } = await held.release();
  expect(code).toBeNull();
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((e) => e === LOCK || e.includes('.staging-'));
}

describe('a run killed while moving files into place', () => {
  it('update: the next update puts the moved file back, then updates; the project is as after one uninterrupted update', async () => {
    const dir = copyOfBase();
    await killedAt('write-first-moved', ['update', '--yes'], dir);
    // Really half-way: one file changed, the staging folder and the lock left.
    expect(git(dir, 'status', '--porcelain', '--untracked-files=no').trim().split('\n')).toHaveLength(1);
    expect(leftovers(dir)).toHaveLength(2);

    const next = runBin(['update', '--yes'], { cwd: dir });
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toContain('was killed while moving files into place; the 1 file(s) it had changed were put back as they were before it');
    expect(withoutGit(treeSnapshot(dir))).toEqual(reference);
  });

  it('the folder renamed after the kill: the next update there still puts the moved file back, then updates', async () => {
    const dir = copyOfBase();
    await killedAt('write-first-moved', ['update', '--yes'], dir);
    const renamed = path.join(path.dirname(dir), 'renamed');
    renameSync(dir, renamed);
    const next = runBin(['update', '--yes'], { cwd: renamed });
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toContain('the 1 file(s) it had changed were put back as they were before it');
    expect(leftovers(renamed)).toEqual([]);
    expect(withoutGit(treeSnapshot(renamed))).toEqual(reference);
  });

  it("add docker --force: the next add docker puts the user's files back first, and refuses as it did before the killed run", async () => {
    const repo = path.join(tempDir('cpda-killed-'), 'app');
    cpSync(path.join(FIXTURES, 'fastapi-main'), repo, { recursive: true });
    for (const file of ['Dockerfile', 'compose.yaml', '.dockerignore']) writeFileSync(path.join(repo, file), `mine: ${file}\n`);
    const before = treeSnapshot(repo);
    await killedAt('write-first-moved', ['add', 'docker', '--yes', '--force'], repo);
    expect(treeSnapshot(repo)).not.toEqual(before);

    const next = runBin(['add', 'docker', '--yes'], { cwd: repo });
    expect(next.status).toBe(1);
    expect(next.stderr).toMatch(/^error: \d+ file\(s\) already exist and differ; pass --force to overwrite/);
    expect(treeSnapshot(repo)).toEqual(before);
  });

  it('two runs recovering at once: the one that read the journal first, then waited, undoes nothing of what the other wrote', async () => {
    const dir = copyOfBase();
    await killedAt('write-first-moved', ['update', '--yes'], dir);
    const late = await holdAt('recovery-scanned', ['update', '--yes'], dir);
    const first = runBin(['update', '--yes'], { cwd: dir });
    expect(first.status, first.stderr).toBe(0);
    expect(withoutGit(treeSnapshot(dir))).toEqual(reference);
    // The late run finds the update applied and not committed: it refuses, and touches nothing.
    const { code, stderr } = await late.release();
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: the current directory has uncommitted changes/);
    expect(withoutGit(treeSnapshot(dir))).toEqual(reference);
  });

  it('a recovery killed while removing the staging folder (staged copies gone, journal left): the next run ends as a clean one', async () => {
    const dir = copyOfBase();
    await killedAt('write-journaled', ['update', '--yes'], dir);
    const staging = path.join(dir, leftovers(dir).find((e) => e.includes('.staging-'))!);
    const journal = JSON.parse(readFileSync(path.join(staging, '.journal.json'), 'utf8')) as { writes: { path: string }[] };
    for (const write of journal.writes.slice(0, 5)) rmSync(path.join(staging, write.path));
    const next = runBin(['update', '--yes'], { cwd: dir });
    expect(next.status, next.stderr).toBe(0);
    expect(withoutGit(treeSnapshot(dir))).toEqual(reference);
  });

  it('files changed since the kill: nothing is put back, exit 1, one line saying where the originals are', async () => {
    const dir = copyOfBase();
    await killedAt('write-first-moved', ['update', '--yes'], dir);
    const staging = leftovers(dir).find((e) => e.includes('.staging-'))!;
    const journal = JSON.parse(readFileSync(path.join(dir, staging, '.journal.json'), 'utf8')) as { writes: { path: string }[] };
    appendFileSync(path.join(dir, journal.writes[0]!.path), '# edited after the kill\n');
    const edited = treeSnapshot(dir);

    const next = runBin(['update', '--yes'], { cwd: dir });
    expect(next.status).toBe(1);
    const [first, ...details] = next.stderr.trimEnd().split('\n');
    expect(first).toBe(
      `error: an earlier run into the current directory was killed while moving files into place, and 1 of them changed since (below, each as you left it: keep it, or take its original back); nothing was put back: the originals are in ${staging}/.replaced (numbered as in ${staging}/.journal.json): restore the others' by hand, then delete ${staging}`,
    );
    expect(details).toEqual([`  ${journal.writes[0]!.path}`]);
    // All as it was, but for the killed run's lock, which nothing holds any more.
    const { [LOCK]: lock, ...rest } = edited;
    expect(lock).toBeDefined();
    expect(treeSnapshot(dir)).toEqual(rest);
  });

  it('killed between a new file\'s two names (in place, and still in the staging folder): the next update ends as one uninterrupted update', async () => {
    const dir = copyOfBase();
    await killedAt('write-linked .devcontainer/compose.yaml', ['update', '--yes'], dir);
    const next = runBin(['update', '--yes'], { cwd: dir });
    expect(next.status, next.stderr).toBe(0);
    expect(withoutGit(treeSnapshot(dir))).toEqual(reference);
  });

  it('killed after its last move: the next update keeps it as complete (nothing put back), and ends as one uninterrupted update', async () => {
    const dir = copyOfBase();
    await killedAt('write-moved', ['update', '--yes'], dir);
    expect(leftovers(dir)).toHaveLength(2);
    // The complete update is not committed: the tree is dirty, as after an uninterrupted one.
    const next = runBin(['update', '--yes', '--allow-dirty'], { cwd: dir });
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toContain('an earlier run into the current directory was killed after it had moved every file into place, so it is complete and was kept');
    expect(withoutGit(treeSnapshot(dir))).toEqual(reference);
  });

  it('killed after its last move, then a moved file changed: kept as changed, the rest as the complete run left it, exit 0', async () => {
    const dir = copyOfBase();
    await killedAt('write-moved', ['update', '--yes'], dir);
    appendFileSync(path.join(dir, 'app', 'errors.py'), '# edited after the kill\n');
    const edited = readFileSync(path.join(dir, 'app', 'errors.py'), 'utf8');
    const next = runBin(['update', '--yes', '--allow-dirty'], { cwd: dir });
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toContain('so it is complete and was kept, with the 1 file(s) changed since as they are');
    expect(readFileSync(path.join(dir, 'app', 'errors.py'), 'utf8')).toBe(edited);
  });

  it('a file saved while the next run puts the moves back: it is left as saved, exit 1 saying where the originals are', async () => {
    const dir = copyOfBase();
    // Killed with .devcontainer/compose.yaml, .devcontainer/Dockerfile and app/__init__.py in place.
    await killedAt('write-placing app/errors.py', ['update', '--yes'], dir);
    const staging = leftovers(dir).find((e) => e.includes('.staging-'))!;
    // Held once it has decided what to put back, before it moves anything; then an editor saves.
    const held = await holdAt('recover-checked', ['update', '--yes'], dir);
    const saved = '# saved by the user while the moves were put back\n';
    writeFileSync(path.join(dir, '.devcontainer', 'compose.yaml.saving~'), saved);
    renameSync(path.join(dir, '.devcontainer', 'compose.yaml.saving~'), path.join(dir, '.devcontainer', 'compose.yaml'));
    const next = await held.release();
    expect(next.code, next.stderr).toBe(1);
    expect(next.stderr).toContain(
      `.devcontainer/compose.yaml was saved while they were being put back; it was left as saved, and the originals not put back yet are in ${staging}/.replaced`,
    );
    expect(readFileSync(path.join(dir, '.devcontainer', 'compose.yaml'), 'utf8')).toBe(saved);
  });

  it('a folder on the way replaced by a symbolic link since the kill: nothing is moved through it, exit 1, the outside untouched', async () => {
    const dir = copyOfBase();
    await killedAt('write-first-moved', ['update', '--yes'], dir);
    const staging = leftovers(dir).find((e) => e.includes('.staging-'))!;
    const journal = JSON.parse(readFileSync(path.join(dir, staging, '.journal.json'), 'utf8')) as { writes: { path: string }[] };
    const folder = journal.writes.map((w) => w.path.split('/')[0]!).find((first, i) => journal.writes[i]!.path.includes('/') && first !== '.github')!;
    const outside = path.join(tempDir('cpda-outside-'), folder);
    cpSync(path.join(dir, folder), outside, { recursive: true });
    rmSync(path.join(dir, folder), { recursive: true });
    symlinkSync(outside, path.join(dir, folder));
    const outsideBefore = treeSnapshot(outside);

    const next = runBin(['update', '--yes'], { cwd: dir });
    expect(next.status).toBe(1);
    expect(next.stderr).toBe(
      `error: an earlier run into the current directory was killed while moving files into place, but ${folder} is now a symbolic link (or not a folder), and nothing is moved through one; nothing was put back: see ${staging}\n`,
    );
    expect(treeSnapshot(outside)).toEqual(outsideBefore);
  });

  it('a dry run after the kill refuses and changes nothing: its plan would be made from a half-written folder', async () => {
    const dir = copyOfBase();
    await killedAt('write-first-moved', ['update', '--yes'], dir);
    const half = treeSnapshot(dir);
    const dry = runBin(['update', '--dry-run'], { cwd: dir });
    expect(dry.status).toBe(1);
    expect(dry.stderr).toMatch(/^error: an earlier run into the current directory was killed while moving files into place; run without --dry-run to put back what it moved, then plan again\n$/);
    expect(treeSnapshot(dir)).toEqual(half);
  });
});

describe('what a killed run leaves behind', () => {
  it('killed under the lock, before its first move: the next update removes its staging folder and lock, finds the tree clean, and updates', async () => {
    const dir = copyOfBase();
    await killedAt('write-locked', ['update', '--yes'], dir);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(leftovers(dir)).toHaveLength(2);

    const next = runBin(['update', '--yes'], { cwd: dir });
    expect(next.status, next.stderr).toBe(0);
    expect(leftovers(dir)).toEqual([]);
    expect(withoutGit(treeSnapshot(dir))).toEqual(reference);
  });

  it('a new project killed before its rename: the next create of that folder removes the staging folder beside it', async () => {
    const cwd = tempDir('cpda-killed-');
    await killedAt('write-staged', ['svc', '--yes'], cwd);
    expect(readdirSync(cwd)).toEqual([expect.stringMatching(/^\.svc\.staging-/)]);
    const next = runBin(['svc', '--yes'], { cwd });
    expect(next.status, next.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['svc']);
  });
});

describe('whose staging folder it is', () => {
  /** The host part of this host's staging folders' names. */
  const host = /@([0-9a-f]{8})-$/.exec(stagingPrefix('x'))![1]!;

  it("a live run's folder (this test process) and another host's are left alone", () => {
    const cwd = tempDir('cpda-owner-');
    const live = `${stagingPrefix(path.join(cwd, 'svc'))}abcdef`;
    const otherHost = `.svc.staging-1.1@${host === '00000000' ? '11111111' : '00000000'}-abcdef`;
    for (const name of [live, otherHost]) mkdirSync(path.join(cwd, name));
    const run = runBin(['svc', '--yes'], { cwd });
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual([live, otherHost, 'svc'].sort());
  });

  it('a journal that is not one this version wrote: exit 1 naming it, nothing touched', () => {
    const dir = copyOfBase();
    const staging = path.join(dir, `.svc.staging-${process.pid}.1@${host}-abcdef`);
    mkdirSync(staging);
    writeFileSync(path.join(staging, '.journal.json'), '{"writes": [{"path": "../outside", "after": "x"}], "removals": [], "created": []}');
    const before = treeSnapshot(dir);
    const run = runBin(['update', '--yes'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: ${path.join(staging, '.journal.json')} is not a journal this version wrote; move that folder away, then run again\n`);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  // Linux: a process's start time, and whether it is a zombie, are read from /proc.
  it.skipIf(!hasPython() || !existsSync('/proc/self/stat'))('a killed process not yet reaped (a zombie), and a pid now used by another process, count as gone', async () => {
    // A parent that never waits for its child: the child, exited, stays a zombie while the parent sleeps.
    const parent = spawn('python3', ['-c', 'import os,sys,time\npid=os.fork()\nif pid==0: os._exit(0)\ntime.sleep(0.3)\nprint(pid, open(f"/proc/{pid}/stat").read().rsplit(")",1)[1].split()[19], flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let said = '';
      await new Promise<void>((resolve) =>
        parent.stdout.on('data', (d: Buffer) => {
          said += d.toString();
          if (said.includes('\n')) resolve();
        }),
      );
      const [zombie, start] = said.trim().split(' ');
      expect(`${zombie}.${start}`).toMatch(/^\d+\.\d+$/);
      const cwd = tempDir('cpda-owner-');
      for (const id of [`${zombie}.${start}`, `${process.pid}.1`]) mkdirSync(path.join(cwd, `.svc.staging-${id}@${host}-abcdef`));
      const run = runBin(['svc', '--yes'], { cwd });
      expect(run.status, run.stderr).toBe(0);
      expect(readdirSync(cwd)).toEqual(['svc']);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
