// Interruptions (issue 5): Ctrl-C at any prompt and SIGTERM/SIGINT while files are being
// written leave no files behind. Real spawned processes: the built bin, on a pseudo-terminal
// for the prompts, slowed down (CPDA_TEST_SLOW_WRITE_MS) so a signal lands mid-write, and at
// full speed with the signal sent the moment the staging directory appears.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, hasPython, REPO, runOnPty, tempDir, treeSnapshot, removeTempDirs } from '../support/cli-run.js';
import { holdAt } from '../support/hold.js';

afterAll(removeTempDirs);

beforeAll(() => assertBuilt());

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Files in the staging directory when the signal was sent. */
  stagedWhenKilled: number;
}

/**
 * Spawns the CLI with slowed writes, waits until its staging directory (under `stagingIn`)
 * holds at least `afterFiles` files, then sends `signal`.
 */
function interruptWhileWriting(argv: string[], cwd: string, stagingIn: string, signal: NodeJS.Signals, afterFiles = 2, script = BIN): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...argv], {
      cwd,
      env: cleanEnv({ CPDA_TEST_SLOW_WRITE_MS: '150' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let staged = -1;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 15_000;
    const poll = setInterval(() => {
      const staging = readdirSync(stagingIn).find((e) => e.includes('.staging-'));
      const count = staging ? countFiles(path.join(stagingIn, staging)) : 0;
      if (count >= afterFiles) {
        clearInterval(poll);
        staged = count;
        child.kill(signal);
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`no staging directory with ${afterFiles} files appeared; stderr: ${stderr}`));
      }
    }, 5);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stderr, stagedWhenKilled: staged });
    });
  });
}

/** How many files a run with these arguments would write (its --dry-run --json plan), asked once per argv. */
const planned = new Map<string, number>();
function countPlannedFiles(argv: string[]): number {
  const key = JSON.stringify(argv);
  if (!planned.has(key)) {
    const r = spawnSync(process.execPath, [BIN, ...argv, '--dry-run', '--json'], { cwd: tempDir(), env: cleanEnv(), encoding: 'utf8' });
    planned.set(key, (JSON.parse(r.stdout) as { files: unknown[] }).files.length);
  }
  return planned.get(key)!;
}

function countFiles(dir: string): number {
  try {
    return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { isFile(): boolean }[]).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

describe('a signal while writing leaves nothing behind', () => {
  it('SIGTERM while staging a new project: exit 143, the directory is as before', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'unrelated.txt'), 'x');
    const before = treeSnapshot(cwd);
    const run = await interruptWhileWriting(['svc', '--yes'], cwd, cwd, 'SIGTERM');
    expect(run.stagedWhenKilled).toBeGreaterThanOrEqual(2);
    expect(run.code).toBe(143);
    expect(treeSnapshot(cwd)).toEqual(before);
  });

  it('SIGINT while staging a new project: exit 130, the directory is as before', async () => {
    const cwd = tempDir();
    const run = await interruptWhileWriting(['svc', '--yes'], cwd, cwd, 'SIGINT');
    expect(run.stagedWhenKilled).toBeGreaterThanOrEqual(2);
    expect(run.code).toBe(130);
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('SIGTERM while staging an --overwrite into an existing project: its files are untouched', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'svc'));
    writeFileSync(path.join(cwd, 'svc', 'Dockerfile'), 'FROM mine\n');
    writeFileSync(path.join(cwd, 'svc', 'notes.txt'), 'keep');
    const before = treeSnapshot(cwd);
    const run = await interruptWhileWriting(['svc', '--yes', '--overwrite'], cwd, path.join(cwd, 'svc'), 'SIGTERM', 3);
    expect(run.code).toBe(143);
    expect(treeSnapshot(cwd)).toEqual(before);
  });

  it("SIGTERM in a host process whose own handler exits at once (plop's spinner does): the staging folder is gone all the same", async () => {
    // The driver run from a host that registered its SIGTERM handler first, as plop does.
    const host = path.join(tempDir(), 'host.mjs');
    writeFileSync(host, `process.on('SIGTERM', () => process.exit(143));\nconst { main } = await import(${JSON.stringify(pathToFileURL(path.join(REPO, 'dist', 'cli.js')).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`);
    const cwd = tempDir();
    const run = await interruptWhileWriting(['svc', '--yes'], cwd, cwd, 'SIGTERM', 2, host);
    expect(run.stagedWhenKilled).toBeGreaterThanOrEqual(2);
    expect(run.code).toBe(143);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('SIGTERM the moment staging starts, at full speed: each run leaves the whole project or nothing', async () => {
    // No slow-down seam: the staging writes are synchronous, and the signal must still be seen
    // before the files are moved into place. fs.watch reports the staging directory's creation
    // and the signal follows at once; a run the signal reaches only after its final rename has
    // a complete project (a single rename), which is also allowed, but not one in between.
    const expected = countPlannedFiles(['svc', '--yes']);
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const cwd = tempDir();
      const child = spawn(process.execPath, [BIN, 'svc', '--yes'], { cwd, env: cleanEnv(), stdio: 'ignore' });
      const watcher = watch(cwd, (_event, name) => {
        if (name?.includes('.staging-')) child.kill('SIGTERM');
      });
      const status = await new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? '?')));
      watcher.close();
      const left = readdirSync(cwd);
      if (left.length === 0) outcomes.push(`${status}: nothing`);
      else {
        expect(left, `run ${i} (exit ${status}) left ${left.join(', ')}`).toEqual(['svc']);
        expect(countFiles(path.join(cwd, 'svc')), `run ${i} (exit ${status}): a partial project`).toBe(expected);
        outcomes.push(`${status}: whole project`);
      }
    }
    // The interesting case must really happen: the signal handled while staging.
    expect(outcomes, outcomes.join('; ')).toContain('143: nothing');
  });

  it('SIGTERM once the project is complete changes nothing: exit 0, the whole project, the report', async () => {
    // Held just after the final rename, with the write's own handlers gone; the signal arrives
    // while it is held and is handled when it goes on.
    const cwd = tempDir();
    const expected = countPlannedFiles(['svc', '--yes']);
    const held = await holdAt('write-complete', ['svc', '--yes'], cwd);
    expect(countFiles(path.join(cwd, 'svc'))).toBe(expected);
    held.child.kill('SIGTERM');
    const { code, stderr } = await held.release();
    expect(code, stderr).toBe(0);
    expect(countFiles(path.join(cwd, 'svc'))).toBe(expected);
    expect(stderr).toContain('Done:');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    it(`${signal} after the report, as the process exits: exit 0, the whole project`, async () => {
      // Held after main() returned, where the run used to give its late-signal handlers back:
      // a signal there took its default action and the complete run ended 143/130.
      const cwd = tempDir();
      const expected = countPlannedFiles(['svc', '--yes']);
      const held = await holdAt('exiting', ['svc', '--yes'], cwd);
      held.child.kill(signal);
      const { code, stderr } = await held.release();
      expect(code, stderr).toBe(0);
      expect(countFiles(path.join(cwd, 'svc'))).toBe(expected);
      expect(stderr).toContain('Done:');
    });

  it('without a signal the slowed run completes (the seam only slows, it does not change the result)', async () => {
    const cwd = tempDir();
    const child = spawn(process.execPath, [BIN, 'svc', '--yes', '--json'], { cwd, env: cleanEnv({ CPDA_TEST_SLOW_WRITE_MS: '1' }) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const written = (JSON.parse(out) as { files: { path: string }[] }).files.length;
    expect(countFiles(path.join(cwd, 'svc'))).toBe(written);
    expect(readdirSync(cwd)).toEqual(['svc']);
  });
});

describe.skipIf(!hasPython())('Ctrl-C at a prompt (pseudo-terminal)', () => {
  it('at the first prompt: exit 130, "cancelled", nothing written', async () => {
    const cwd = tempDir();
    const run = await runOnPty([], [{ expect: 'Project name', send: '\x03' }], { cwd });
    expect(run.failedStep, run.text).toBeNull();
    expect(run.status).toBe(130);
    expect(run.text).toContain('cancelled; nothing was written');
    expect(run.text).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('at a later prompt, after answers were given: exit 130, nothing written', async () => {
    const cwd = tempDir();
    const run = await runOnPty(
      [],
      [
        { expect: 'Project name', send: 'half-done\r' },
        { expect: 'Recommended setup', send: '\x1b[B\r' }, // Down: customise
        { expect: 'One-line description', send: '\r' },
        { expect: 'Web framework', send: '\x1b[B' },
        { expect: 'flask', send: '\x03' },
      ],
      { cwd },
    );
    expect(run.failedStep, run.text).toBeNull();
    expect(run.status).toBe(130);
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('at every prompt in turn: exit 130 and nothing written each time', async () => {
    const answers = [
      { expect: 'Project name', send: 'each\r' },
      { expect: 'Recommended setup', send: '\x1b[B\r' }, // Down: customise
      { expect: 'One-line description', send: '\r' },
      { expect: 'Web framework', send: '\r' },
      { expect: 'Python version', send: '\r' },
      { expect: 'PostgreSQL\\?', send: '\r' },
      { expect: 'Redis', send: '\r' },
      { expect: 'Dockerfile variant', send: '\r' },
    ];
    const runs = await Promise.all(
      answers.map(async (_, i) => {
        const cwd = tempDir();
        const steps = [...answers.slice(0, i), { expect: answers[i]!.expect, send: '\x03' }];
        return { cwd, run: await runOnPty([], steps, { cwd }) };
      }),
    );
    for (const { cwd, run } of runs) {
      expect(run.failedStep, run.text).toBeNull();
      expect(run.status, run.text).toBe(130);
      expect(treeSnapshot(cwd)).toEqual({});
    }
  });

  it('the name prompt offered for an invalid directory argument: exit 130, nothing written', async () => {
    const cwd = tempDir();
    const run = await runOnPty(['Bad Name'], [{ expect: 'Project name \\(bad-name\\)', send: '\x03' }], { cwd });
    expect(run.failedStep, run.text).toBeNull();
    expect(run.status).toBe(130);
    expect(treeSnapshot(cwd)).toEqual({});
  });
});
