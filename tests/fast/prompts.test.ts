// The interactive flow: a prompt for exactly what flags did not give, in table order, with the
// documented defaults; invalid names re-asked with a normalized default; Ctrl-C (an
// ExitPromptError) is exit 130 with nothing written. Injected answers through the Prompter
// interface first, then the real @inquirer/prompts on a pseudo-terminal.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { listText, PROJECT_OPTIONS } from '../../src/options/table.js';
import type { Prompter } from '../../src/driver/prompts.js';
import { SETUP_CHOICES } from '../../src/driver/resolve.js';
import { assertBuilt, ENTER, hasPython, listFiles, runBin, runMain, runOnPty, scriptedPrompter, tempDir, treeSnapshot, removeTempDirs } from '../support/cli-run.js';

afterAll(removeTempDirs);

const CUSTOMISE = SETUP_CHOICES.customise;
/** Customise, then Enter at every question. */
const ENTER_ALL = { setup: CUSTOMISE, ...Object.fromEntries(PROJECT_OPTIONS.map((s) => [s.key, ENTER])) };

describe('injected prompter', () => {
  it('asks the name, then offers the recommended setup in one line: Enter takes it, two questions in all', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ name: 'shop', setup: ENTER });
    const run = await runMain(['--json'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked.map((q) => q.key)).toEqual(['name', 'setup']);
    const setup = prompter.asked[1]!;
    expect(setup).toMatchObject({ kind: 'select', default: SETUP_CHOICES.recommended, choices: [SETUP_CHOICES.recommended, CUSTOMISE] });
    // The one line names every default it stands for, as its flag says it.
    expect(setup.message).toBe(
      'Recommended setup: description "A Python web service", framework fastapi, python 3.14, postgres, redis, dockerfile standard, package-manager uv, deploy none, ci github, dependabot, lint, devcontainer, migrations, worker none',
    );
    const { name: _, ...options } = JSON.parse(run.stdout).options;
    expect(options).toEqual(Object.fromEntries(PROJECT_OPTIONS.map((s) => [s.key, s.default])));
  });

  it('the recommended line leaves out what flags gave, and shows what applies with them', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ setup: ENTER });
    const run = await runMain(['shop', '--framework', 'flask', '--no-postgres', '--description', 'd', '--json', '--dry-run'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    // Without PostgreSQL there is nothing to migrate: migrations is neither shown nor asked.
    expect(prompter.asked.map((q) => q.message)).toEqual([
      'Recommended setup: python 3.14, redis, dockerfile standard, package-manager uv, deploy none, ci github, dependabot, lint, devcontainer',
    ]);
    expect(JSON.parse(run.stdout).options).toMatchObject({ framework: 'flask', postgres: false, migrations: false, redis: true });
  });

  it('one option left to ask is asked directly, without the recommended line', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ lint: false });
    const argv = ['shop', '--description', 'd', '--framework', 'fastapi', '--python', '3.12', '--redis', '--postgres', '--dockerfile', 'standard', '--package-manager', 'uv', '--deploy', 'none', '--ci', '--no-dependabot', '--devcontainer', '--migrations', '--worker', 'none', '--dry-run'];
    const run = await runMain(argv, { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked.map((q) => q.key)).toEqual(['lint']);
  });

  it('customising asks every option, in table order, with the documented defaults and choices', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ name: 'shop', ...ENTER_ALL });
    const run = await runMain(['--json'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    // All but beat, which only the Celery worker has (the default is none).
    const asked = PROJECT_OPTIONS.filter((s) => s.key !== 'beat');
    expect(prompter.asked.map((q) => q.key)).toEqual(['name', 'setup', ...asked.map((s) => s.key)]);
    expect(prompter.asked[0]).toMatchObject({ kind: 'text', default: 'my-api' });
    for (const spec of asked) {
      const q = prompter.asked.find((a) => a.key === spec.key)!;
      expect(q.kind).toBe(spec.kind === 'boolean' ? 'confirm' : spec.kind === 'choice' ? 'select' : 'text');
      // A list is typed as the flag takes it (`none`, `kubernetes,ecs`).
      expect(q.default).toBe(spec.kind === 'list' ? listText(spec, spec.default as unknown as string[]) : spec.default);
      if (spec.kind === 'choice') expect(q.choices).toEqual(spec.choices);
    }
    const doc = JSON.parse(run.stdout);
    expect(doc.options.name).toBe('shop');
    expect(listFiles(path.join(cwd, 'shop'))).toContain('Dockerfile');
  });

  it('asks about Celery beat right after the worker, and only when the worker is Celery', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ name: 'shop', ...ENTER_ALL, worker: 'celery', beat: true });
    const run = await runMain(['--json', '--dry-run'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked.map((q) => q.key).slice(-2)).toEqual(['worker', 'beat']);
    expect(prompter.asked.at(-1)).toMatchObject({ kind: 'confirm', default: false });
    expect(JSON.parse(run.stdout).options).toMatchObject({ worker: 'celery', beat: true });
  });

  it('asks only what the flags did not give', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ setup: CUSTOMISE, python: '3.14', redis: false, description: ENTER, packageManager: 'pip', deploy: ENTER, ci: ENTER, dependabot: false, lint: ENTER, devcontainer: ENTER });
    const run = await runMain(['shop', '--framework', 'flask', '--no-postgres', '--dockerfile', 'multi-stage', '--json', '--dry-run'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    // Without PostgreSQL, migrations are not asked: there is nothing to migrate.
    expect(prompter.asked.map((q) => q.key)).toEqual(['setup', 'description', 'python', 'redis', 'packageManager', 'deploy', 'ci', 'dependabot', 'lint', 'devcontainer']);
    expect(JSON.parse(run.stdout).options).toEqual({
      name: 'shop',
      description: 'A Python web service',
      framework: 'flask',
      python: '3.14',
      postgres: false,
      redis: false,
      dockerfile: 'multi-stage',
      packageManager: 'pip',
      deploy: [],
      ci: 'github',
      dependabot: false,
      lint: true,
      devcontainer: true,
      migrations: false,
      worker: 'none',
      beat: false,
    });
  });

  it('asks nothing when every option is a flag', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({});
    const argv = ['shop', '--description', 'd', '--framework', 'fastapi', '--python', '3.12', '--redis', '--postgres', '--dockerfile', 'standard', '--package-manager', 'uv', '--deploy', 'none', '--ci', '--no-dependabot', '--lint', '--devcontainer', '--migrations', '--worker', 'none', '--dry-run'];
    const run = await runMain(argv, { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked).toEqual([]);
  });

  it('--yes asks nothing, even on a terminal', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({});
    const run = await runMain(['--yes', '--json', '--dry-run'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked).toEqual([]);
    expect(JSON.parse(run.stdout).options.name).toBe('my-api');
  });

  // The folder stays what was typed (a path, like every create-* tool takes); only the project
  // name, its last part, is asked for.
  it.each([
    ['My API', 'my-api'],
    ['Café Ünïcode', 'cafe-unicode'],
    ['2fast', 'fast'],
    ['sub/Web App', 'web-app'],
    ['a'.repeat(200), 'a'.repeat(64)],
  ])('a directory %j whose name is not a valid project name gets the name asked, offering %j', async (typed, normalized) => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ name: ENTER, ...ENTER_ALL });
    const run = await runMain([typed, '--json'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    const q = prompter.asked[0]!;
    expect(q).toMatchObject({ kind: 'text', key: 'name', default: normalized });
    expect(q.message).toContain('use lower-case letters');
    const doc = JSON.parse(run.stdout);
    expect(doc.projectDir).toBe(path.join(cwd, typed));
    expect(doc.options.name).toBe(normalized);
    // Nothing was written anywhere but the folder that was named.
    expect(Object.keys(treeSnapshot(cwd)).filter((p) => !p.startsWith(typed) && !typed.startsWith(`${p}/`))).toEqual([]);
  });

  it('an invalid typed name is rejected by validate and asked again; the offered default is a valid name', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ name: ['../evil', 'Bad Name', 'good-name'], ...ENTER_ALL });
    const run = await runMain(['--dry-run', '--json'], { cwd, tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked[0]!.rejected).toHaveLength(2);
    expect(prompter.asked[0]!.rejected[0]).toContain('is a path, not a name');
    expect(prompter.asked[0]!.rejected[1]).toContain('is not allowed');
    expect(JSON.parse(run.stdout).options.name).toBe('good-name');
  });

  it('a multi-line description is rejected by validate and asked again', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({ name: 'x', ...ENTER_ALL, description: ['one\ntwo', 'one two'] });
    const run = await runMain(['--dry-run', '--json'], { cwd, tty: true, prompter });
    expect(run.code).toBe(0);
    expect(prompter.asked.find((q) => q.key === 'description')!.rejected[0]).toContain('without control characters');
    expect(JSON.parse(run.stdout).options.description).toBe('one two');
  });

  it('an interactive run is reproduced byte for byte by --answers without a terminal', async () => {
    const cwd = tempDir();
    // Some options by flag, the rest asked: the order the answers arrive in must not matter.
    const prompter = scriptedPrompter({ name: 'shop', setup: CUSTOMISE, description: 'Asked "politely"', framework: 'flask', python: ENTER, postgres: false, dockerfile: 'multi-stage', packageManager: ENTER, deploy: ENTER, ci: ENTER, dependabot: ENTER, lint: ENTER, devcontainer: ENTER });
    const first = await runMain(['--redis'], { cwd, tty: true, prompter });
    expect(first.code, first.stderr).toBe(0);
    const elsewhere = tempDir();
    const again = await runMain(['--answers', path.join(cwd, 'shop', ANSWERS_FILE)], { cwd: elsewhere });
    expect(again.code, again.stderr).toBe(0);
    expect(treeSnapshot(path.join(elsewhere, 'shop'))).toEqual(treeSnapshot(path.join(cwd, 'shop')));
    // And by --yes with the same options as flags.
    const third = tempDir();
    const flags = ['shop', '--yes', '--dockerfile', 'multi-stage', '--no-postgres', '--framework', 'flask', '--description', 'Asked "politely"'];
    expect((await runMain(flags, { cwd: third })).code).toBe(0);
    expect(treeSnapshot(path.join(third, 'shop'))).toEqual(treeSnapshot(path.join(cwd, 'shop')));
  });

  it('an invalid --description flag is an error before any prompt, even the name', async () => {
    const cwd = tempDir();
    const prompter = scriptedPrompter({});
    const run = await runMain(['--description', 'a\tb'], { cwd, tty: true, prompter });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--description: the description must be one line');
    expect(prompter.asked).toEqual([]);
  });

  it('a cancelled prompt (ExitPromptError) exits 130 and writes nothing', async () => {
    const cwd = tempDir();
    const cancel = async (): Promise<never> => {
      const error = new Error('User force closed the prompt with SIGINT');
      error.name = 'ExitPromptError';
      throw error;
    };
    let asked = 0;
    const prompter: Prompter = {
      text: async (q) => (asked++ === 0 ? 'shop' : q.default),
      select: cancel,
      confirm: cancel,
    };
    const run = await runMain([], { cwd, tty: true, prompter });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('cancelled; nothing was written');
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('a crashing prompter is an error (exit 1), never exit 0', async () => {
    const cwd = tempDir();
    const prompter: Prompter = {
      text: async () => {
        throw new Error('boom');
      },
      select: async () => 'x',
      confirm: async () => true,
    };
    const run = await runMain(['--json'], { cwd, tty: true, prompter });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'internal', message: 'unexpected error: boom' });
  });
});

// ---------------------------------------------------------------------------------------------
// The real @inquirer/prompts, on a pseudo-terminal, through the built bin.

/** Keys for the i-th of a customised run's questions: the name typed, customise chosen, Enter after. */
const answerOnPty = (i: number, name: string) => (i === 0 ? `${name}\r` : i === 1 ? '\x1b[B\r' : '\r');

describe.skipIf(!hasPython())('@inquirer/prompts on a pseudo-terminal', () => {
  beforeAll(() => assertBuilt());

  it('the name and Enter at the recommended setup: a default project from two answers', async () => {
    const cwd = tempDir();
    const run = await runOnPty([], [{ expect: 'Project name', send: 'quick-app\r' }, { expect: 'Recommended setup', send: '\r' }], { cwd });
    expect(run.failedStep, run.text).toBeNull();
    expect(run.status, run.text).toBe(0);
    expect(run.text).not.toContain('Web framework');
    const { name: _, ...answers } = JSON.parse(readFileSync(path.join(cwd, 'quick-app', ANSWERS_FILE), 'utf8')).answers;
    expect(answers).toEqual(Object.fromEntries(PROJECT_OPTIONS.map((s) => [s.key, s.default])));
  });

  it('answers every question by keyboard and generates the chosen project', async () => {
    const cwd = tempDir();
    const run = await runOnPty(
      [],
      [
        { expect: 'Project name', send: 'pty-app\r' },
        { expect: 'Recommended setup', send: '\x1b[B\r' }, // Down: customise
        { expect: 'One-line description', send: 'Typed on a "terminal"\r' },
        { expect: 'Web framework', send: '\x1b[B\r' }, // Down: flask
        { expect: 'Python version', send: '\x1b[A\x1b[A\r' }, // Up twice from 3.14: 3.12
        { expect: 'PostgreSQL\\?', send: 'n\r' },
        { expect: 'Redis', send: '\r' },
        { expect: 'Dockerfile variant', send: '\x1b[B\r' }, // multi-stage
        { expect: 'Package manager', send: '\x1b[B\r' }, // pip
        { expect: 'Deployment manifests', send: 'kubernetes\r' }, // typed: several may be given, comma-separated
        { expect: 'CI pipeline', send: '\r' },
        { expect: 'Dependabot', send: 'n\r' },
        { expect: 'ruff', send: '\r' },
        { expect: 'dev container', send: '\r' },
      ],
      { cwd },
    );
    expect(run.failedStep, run.text).toBeNull();
    expect(run.timedOut).toBe(false);
    expect(run.status, run.text).toBe(0);
    expect(run.text).toMatch(/Done: \d+ file\(s\) written/);
    // On a terminal, the report is coloured.
    expect(run.raw).toContain('\x1b[32mDone:');
    const stamped = JSON.parse(readFileSync(path.join(cwd, 'pty-app', ANSWERS_FILE), 'utf8'));
    expect(stamped.answers).toEqual({
      name: 'pty-app',
      description: 'Typed on a "terminal"',
      framework: 'flask',
      python: '3.12',
      postgres: false,
      redis: true,
      dockerfile: 'multi-stage',
      packageManager: 'pip',
      deploy: ['kubernetes'],
      ci: 'github',
      dependabot: false,
      lint: true,
      devcontainer: true,
      migrations: false,
      worker: 'none',
      beat: false,
    });
    expect(listFiles(path.join(cwd, 'pty-app'))).toContain('deploy/kubernetes/base/deployment.yaml');
  });

  it('with --json, the prompts draw on stderr and stdout gets the one JSON document only', async () => {
    const cwd = tempDir();
    const out = path.join(tempDir(), 'out.json');
    const steps = ['Project name', 'Recommended setup', 'description', 'Web framework', 'Python version', 'PostgreSQL', 'Redis', 'Dockerfile variant', 'Package manager', 'Deployment manifests', 'CI pipeline', 'Dependabot', 'ruff', 'dev container', 'Alembic', 'Background worker'];
    const run = await runOnPty(['--json'], steps.map((expect, i) => ({ expect, send: answerOnPty(i, 'json-app') })), { cwd, stdoutFile: out });
    expect(run.failedStep, run.text).toBeNull();
    expect(run.status, run.text).toBe(0);
    expect(run.text).toContain('Dockerfile variant'); // the prompts were on the terminal (stderr)
    const stdout = readFileSync(out, 'utf8');
    expect(stdout).not.toContain('\x1b');
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1, ok: true, options: { name: 'json-app' } });
  });

  it('CI=true on a real terminal: no prompt, exit 2 naming the missing flags', async () => {
    const cwd = tempDir();
    const run = await runOnPty(['app'], [], { cwd, env: { CI: 'true' }, timeoutMs: 10_000 });
    expect(run.timedOut).toBe(false);
    expect(run.status).toBe(2);
    expect(run.text).toContain('no terminal to ask on');
    expect(run.text).not.toContain('?');
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('--interactive with stdin closed does not hang: exit 130, nothing written', () => {
    const cwd = tempDir();
    const run = runBin(['app', '--interactive'], { cwd, timeoutMs: 10_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(130);
    expect(run.stderr).toContain('cancelled; nothing was written');
    expect(treeSnapshot(cwd)).toEqual({});
  });

  it('re-asks an invalid name offering the normalized one, which Enter accepts', async () => {
    const cwd = tempDir();
    const run = await runOnPty(
      ['My Shop!', '--no-postgres', '--no-redis', '--framework', 'fastapi', '--python', '3.13', '--dockerfile', 'standard', '--package-manager', 'uv', '--deploy', 'none', '--ci', '--dependabot', '--lint', '--devcontainer', '--description', 'd'],
      [{ expect: 'Project name \\(my-shop\\)', send: '\r' }],
      { cwd },
    );
    expect(run.failedStep, run.text).toBeNull();
    expect(run.status, run.text).toBe(0);
    expect(run.text.replace(/\s+/g, ' ')).toContain('"My Shop!" is not allowed: use lower-case letters');
    expect(listFiles(cwd).every((f) => f.startsWith('My Shop!/'))).toBe(true);
    expect(readFileSync(path.join(cwd, 'My Shop!', 'compose.yaml'), 'utf8')).toContain('name: "my-shop"');
  });

  it('NO_COLOR: prompts and report without a single colour code on a terminal', async () => {
    const cwd = tempDir();
    const steps = ['Project name', 'Recommended setup', 'description', 'Web framework', 'Python version', 'PostgreSQL', 'Redis', 'Dockerfile variant', 'Package manager', 'Deployment manifests', 'CI pipeline', 'Dependabot', 'ruff', 'dev container', 'Alembic', 'Background worker'];
    const plain = await runOnPty([], steps.map((expect, i) => ({ expect, send: answerOnPty(i, 'plain') })), { cwd, env: { NO_COLOR: '1' } });
    expect(plain.status, plain.text).toBe(0);
    expect(plain.text).toContain('Done:');
    expect(plain.raw).not.toMatch(/\x1b\[[0-9;]*m/); // no SGR (colour/bold) sequence at all
    // The same run without NO_COLOR is coloured, so the assertion above can fail.
    const coloured = await runOnPty([], steps.map((expect, i) => ({ expect, send: answerOnPty(i, 'colour') })), { cwd });
    expect(coloured.status, coloured.text).toBe(0);
    expect(coloured.raw).toMatch(/\x1b\[[0-9;]*m/);
  });
});
