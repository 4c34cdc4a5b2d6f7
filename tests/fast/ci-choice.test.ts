// --ci became a choice (github, gitlab, none) where it was a yes/no: what scripts and answers
// files written for the yes/no say still means what it meant (yes: github, no: none), on the
// command line, in an answers file (--answers), and through `update`, which records the choice.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { removeTempDirs, runMain, tempDir } from '../support/cli-run.js';

afterAll(removeTempDirs);

/** The options and files `create` would write for these flags (a dry run). */
async function planned(flags: string[]): Promise<{ code: number; stderr: string; ci?: string; files: string[] }> {
  const run = await runMain(['app', '--yes', '--dry-run', '--json', ...flags], { cwd: tempDir() });
  if (run.code !== 0) return { code: run.code, stderr: run.stderr, files: [] };
  const doc = JSON.parse(run.stdout) as { options: { ci: string }; files: { path: string }[] };
  return { code: 0, stderr: run.stderr, ci: doc.options.ci, files: doc.files.map((f) => f.path) };
}

describe('on the command line', () => {
  it.each([
    [[], 'github'],
    [['--ci'], 'github'],
    [['--no-ci'], 'none'],
    [['--ci', 'gitlab'], 'gitlab'],
    [['--ci=gitlab'], 'gitlab'],
    [['--ci', 'none'], 'none'],
    // `--ci` before another flag is the old yes, not a flag taken as its value.
    [['--ci', '--no-lint'], 'github'],
  ])('%j is --ci %s', async (flags, ci) => {
    const run = await planned(flags);
    expect(run.code, run.stderr).toBe(0);
    expect(run.ci).toBe(ci);
  });

  it('--ci alone before the directory is the old yes, and the directory stays the directory', async () => {
    const cwd = tempDir();
    const run = await runMain(['--ci', 'app', '--yes', '--dry-run', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ projectDir: path.join(cwd, 'app'), options: { ci: 'github' } });
  });

  it('--ci gitlab writes .gitlab-ci.yml and renovate.json, no .github/', async () => {
    const { files } = await planned(['--ci', 'gitlab']);
    expect(files).toEqual(expect.arrayContaining(['.gitlab-ci.yml', 'renovate.json']));
    expect(files.filter((f) => f.startsWith('.github/'))).toEqual([]);
  });

  it('an unknown forge, or --ci with --no-ci, is a usage error naming the choices', async () => {
    const unknown = await planned(['--ci=bitbucket']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('must be one of github, gitlab, none');
    const both = await planned(['--ci', '--no-ci']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--ci is given twice with different values \("github" and "none"\)/);
  });

  it('--help shows the choices and the old forms', async () => {
    const run = await runMain(['--help'], { cwd: tempDir() });
    expect(run.stdout).toContain('--ci github|gitlab|none, --ci, --no-ci');
  });
});

describe('in an answers file written when --ci was a yes/no', () => {
  it.each([
    [true, 'github', '.github/workflows/release.yml'],
    [false, 'none', undefined],
  ])('"ci": %s reads as %s', async (recorded, ci, file) => {
    const cwd = tempDir();
    const answers = path.join(cwd, 'old.json');
    writeFileSync(answers, JSON.stringify({ generator: 'create-python-docker-app', version: '0.5.0', answers: { name: 'old', ci: recorded } }));
    const run = await runMain(['--answers', answers, '--yes', '--dry-run', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { options: { ci: string }; files: { path: string }[] };
    expect(doc.options.ci).toBe(ci);
    const workflows = doc.files.map((f) => f.path).filter((p) => p.startsWith('.github/workflows/'));
    expect(workflows).toEqual(file ? expect.arrayContaining([file]) : []);
  });

  it('update carries "ci": true over as github: the workflows stay, and the record says github', async () => {
    const cwd = tempDir();
    expect((await runMain(['shop', '--yes'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'shop');
    const record = JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8'));
    record.answers.ci = true;
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(record, null, 2)}\n`);

    const run = await runMain(['update', dir, '--yes', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const removed = (JSON.parse(run.stdout) as { files: { path: string; action: string }[] }).files.filter((f) => f.path.startsWith('.github/') && f.action !== 'unchanged');
    expect(removed).toEqual([]);
    expect(existsSync(path.join(dir, '.github/workflows/release.yml'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')).answers.ci).toBe('github');
  });
});
