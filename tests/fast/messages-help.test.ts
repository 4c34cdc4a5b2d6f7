// Messages and help of every command (issue 21, items 5 and 6), from the CLI's main() run
// in-process (the built bin's exit codes and streams are tests/fast/cli.test.ts's): answers-file
// errors state the rule as flag errors do, no message echoes a long value whole, every
// `--help --json` is JSON, every help text fits 80 columns and lists every exit code, `update`
// takes the flags the other commands take, and `--answers FILE newdir` reproduces a project.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { listFiles, removeTempDirs, runMain, tempDir } from '../support/cli-run.js';

afterAll(removeTempDirs);

/** The CLI run in-process on `argv`: its exit status and what it wrote to stdout and stderr. */
async function cli(argv: string[], opts: { cwd: string }): Promise<{ status: number; stdout: string; stderr: string }> {
  const run = await runMain(argv, opts);
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

/** Every command and sub-command that has a help text. */
const HELPS: string[][] = [[], ['add'], ['add', 'docker'], ['add', 'kubernetes'], ['add', 'deploy'], ['update']];

describe('help', () => {
  it.each(HELPS)('%j --help fits 80 columns and lists every exit code', async (...command) => {
    const run = await cli([...command, '--help'], { cwd: tempDir() });
    expect(run.status, run.stderr).toBe(0);
    const wide = run.stdout.split('\n').filter((line) => line.length > 80);
    expect(wide).toEqual([]);
    const exitCodes = run.stdout.slice(run.stdout.lastIndexOf('Exit codes:'));
    for (const code of ['0', '1', '2', '130', '143']) expect(exitCodes, `exit code ${code}`).toMatch(new RegExp(`\\b${code}\\b`));
  });

  it.each(HELPS)('%j --help --json is one JSON document on stdout, with the exit codes', async (...command) => {
    for (const argv of [[...command, '--help', '--json'], [...command, '--json', '--help']]) {
      const run = await cli(argv, { cwd: tempDir() });
      expect(run.status, run.stderr).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(doc).toMatchObject({ schemaVersion: 1, ok: true });
      const helps = doc.help.commands ?? [doc.help];
      expect(helps.length).toBeGreaterThan(0);
      for (const help of helps) expect(Object.keys(help.exitCodes).sort()).toEqual(['0', '1', '130', '143', '2']);
    }
  });

  it('the main --help names every add command, each as its own help\'s usage line', async () => {
    const main = (await cli(['--help'], { cwd: tempDir() })).stdout;
    const usages = [...(await cli(['add', '--help'], { cwd: tempDir() })).stdout.matchAll(/^Usage: (create-python-docker-app add \S+)/gm)].map((m) => m[1]!);
    expect(usages.length).toBeGreaterThan(3);
    for (const usage of usages) expect(main, usage).toContain(`  ${usage} `);
    expect(main).toContain('create-python-docker-app add deploy <target>');
  });

  it('every add command and update take --yes, so a script can pass it to each', async () => {
    const helps = [(await cli(['add', '--help'], { cwd: tempDir() })).stdout, (await cli(['update', '--help'], { cwd: tempDir() })).stdout].join('\n').split(/^(?=Usage: )/m).filter((h) => h.startsWith('Usage: '));
    expect(helps.length).toBeGreaterThan(4);
    for (const help of helps) expect(help, help.split('\n')[0]).toMatch(/^ {2}-y, --yes /m);
  });

  it('an add command that does not exist is refused in JSON with --json', async () => {
    const run = await cli(['add', 'helm', '--help', '--json'], { cwd: tempDir() });
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'usage', exitCode: 2 } });
  });
});

describe('update takes the flags the other commands take, with the same words', () => {
  it('--version and -v print the version (as JSON with --json)', async () => {
    const version = (await cli(['--version'], { cwd: tempDir() })).stdout;
    expect((await cli(['update', '--version'], { cwd: tempDir() })).stdout).toBe(version);
    expect((await cli(['update', '-v'], { cwd: tempDir() })).stdout).toBe(version);
    expect(JSON.parse((await cli(['update', '--version', '--json'], { cwd: tempDir() })).stdout)).toMatchObject({ ok: true, version: version.trim() });
  });

  it('an unknown flag gets the driver\'s message, not Node\'s', async () => {
    const create = await cli(['--frobnicate'], { cwd: tempDir() });
    const update = await cli(['update', '--frobnicate'], { cwd: tempDir() });
    expect(update.status).toBe(2);
    expect(create.stderr).toBe('error: unknown flag --frobnicate; see --help\n');
    expect(update.stderr).toBe('error: unknown flag --frobnicate; see update --help\n');
    expect((await cli(['update', '--alow-dirty'], { cwd: tempDir() })).stderr).toBe('error: unknown flag --alow-dirty (did you mean --allow-dirty?); see update --help\n');
  });

  it('--no-interactive never asks: without --yes it is exit 2 naming --yes; --interactive is accepted', async () => {
    const cwd = tempDir();
    expect((await cli(['shop', '--yes'], { cwd })).status).toBe(0);
    const dir = path.join(cwd, 'shop');
    const answers = JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8'));
    answers.answers.redis = false;
    writeFileSync(path.join(dir, ANSWERS_FILE), JSON.stringify(answers, null, 2));
    const run = await cli(['update', '--no-interactive'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: prompts are off (--no-interactive); pass --yes to apply the update (or --dry-run to see the plan first)\n');
    expect((await cli(['update', '--interactive', '--dry-run'], { cwd: dir })).status).toBe(0);
    expect((await cli(['update', '--no-interactive', '--yes'], { cwd: dir })).status).toBe(0);
  });
});

describe('answers-file errors state the rule, as flag errors do', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a JSON number for a choice', { python: 3.13 }, '"python" must be one of 3.12, 3.13, 3.14, 3.15 (got the number 3.13); write it as a JSON string: "3.13"'],
    ['an unknown choice', { framework: 'django' }, '"framework" must be one of fastapi, flask (got "django")'],
    ['a string for a boolean', { postgres: 'true' }, '"postgres" must be true or false (got "true"); write it without quotes: true'],
    ['a number for a boolean', { redis: 1 }, '"redis" must be true or false (got the number 1)'],
    ['a number for text', { description: 5 }, '"description" must be a JSON string (got the number 5); write it as a JSON string: "5"'],
    ['text that breaks the rule', { description: ' ' }, '"description" is refused: the description is blank'],
    ['a list for the name', { name: ['shop'] }, '"name" must be a JSON string, the project name (got a list)'],
    ['an invalid name', { name: 'My Shop' }, '"name": the project name "My Shop" is not allowed: use lower-case letters'],
  ];
  it.each(cases)('%s', async (_label, answers, message) => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({ answers }));
    const run = await cli(['--answers', 'answers.json', 'app', '--yes'], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`error: --answers answers.json: ${message}`);
  });
});

describe('no message echoes a long value whole', () => {
  const LONG = 'x'.repeat(5000);
  const one = (stderr: string) => {
    expect(stderr, 'the value is not echoed whole').not.toContain('x'.repeat(100));
    for (const line of stderr.split('\n')) expect(line.length, line.slice(0, 120)).toBeLessThan(400);
  };

  it.each([
    [['app', '--framework', LONG]],
    [['app', '--python', LONG]],
    [['app', '--description', LONG]],
    [['app', '--name', LONG]],
    [[LONG, '--yes']],
    [['app', `--${LONG}`]],
    [['a', LONG, '--yes']],
    [['app', '--framework', 'flask', '--framework', LONG]],
    [['add', 'docker', '--app', LONG]],
    [['add', 'docker', '--port', LONG]],
    [['add', 'kubernetes', '--image', LONG]],
    [['add', 'kubernetes', '--uid', LONG]],
    [['add', 'kubernetes', '--health-path', LONG]],
    [['add', LONG]],
    [['update', `--${LONG}`]],
    [['update', 'a', LONG]],
  ])('%#: a 5,000-character value on the command line', async (argv) => {
    const run = await cli(argv, { cwd: tempDir() });
    expect(run.status).toBe(2);
    one(run.stderr);
  });

  it.each([
    [{ framework: LONG }],
    [{ description: LONG }],
    [{ name: LONG }],
    [{ [LONG]: 'x' }],
    [{ postgres: LONG }],
    [{ python: null, description: LONG }],
  ])('%#: a 5,000-character value in an answers file', async (answers) => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({ answers }));
    const run = await cli(['--answers', 'answers.json', 'app', '--yes'], { cwd });
    expect(run.status).toBe(2);
    one(run.stderr);
  });
});

describe('--answers FILE newdir reproduces the project', () => {
  it('byte for byte, in a folder of another name: the recorded name is kept, and the output says how to rename', async () => {
    const cwd = tempDir();
    expect((await cli(['orders', '--yes', '--framework', 'flask', '--no-redis', '--deploy', 'kubernetes', '--package-manager', 'pip'], { cwd })).status).toBe(0);
    const copy = await cli(['--answers', path.join('orders', ANSWERS_FILE), 'elsewhere/copy'], { cwd });
    expect(copy.status, copy.stderr).toBe(0);
    expect(copy.stderr).toContain('warning: the project keeps its recorded name "orders", in the folder copy, so it is the same project byte for byte; pass --name copy to name it after the folder');
    const original = path.join(cwd, 'orders');
    const reproduced = path.join(cwd, 'elsewhere/copy');
    expect(listFiles(reproduced)).toEqual(listFiles(original));
    expect(listFiles(original).length).toBeGreaterThan(40);
    // Every generated file, byte for byte; .env and the secret files are the user's, not
    // generated: each project gets a password of its own (it is never recorded, so it cannot be
    // reproduced, and must not be).
    const generated = listFiles(original).filter((f) => f !== '.env' && !f.startsWith('secrets/'));
    for (const file of generated) expect(readFileSync(path.join(reproduced, file)).equals(readFileSync(path.join(original, file))), file).toBe(true);
    const secret = 'secrets/postgres_password';
    expect(readFileSync(path.join(reproduced, secret), 'utf8')).not.toBe(readFileSync(path.join(original, secret), 'utf8'));
  });

  it('with --name, the project takes the new name', async () => {
    const cwd = tempDir();
    expect((await cli(['orders', '--yes'], { cwd })).status).toBe(0);
    const run = await cli(['--answers', path.join('orders', ANSWERS_FILE), 'copy', '--name', 'copy', '--json', '--dry-run'], { cwd });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).options.name).toBe('copy');
    expect(JSON.parse(run.stdout).warnings).toEqual([]);
  });
});
