// `--deploy` takes several targets, as one comma-separated value (`--deploy kubernetes,ecs`;
// `none` for none); the answers file records them as a list, and reads a record written when
// deploy was one word ("kubernetes", "none") as that one target or none. `add deploy <target>`
// adds a target's files to an existing project (`add deploy kubernetes` is `add kubernetes`).
// In-process (fast): each test makes at most two small projects.

import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { DEPLOY_TARGETS, listText, parseList, specFor, valueProblem, type ListSpec } from '../../src/options/table.js';
import { listFiles, removeTempDirs, REPO, runMain, tempDir } from '../support/cli-run.js';

afterAll(removeTempDirs);

const deploy = specFor('deploy') as ListSpec;
const FLAGS = ['--yes', '--framework', 'flask', '--no-redis', '--no-ci', '--no-dependabot'];
const deployFiles = (dir: string) =>
  Object.fromEntries(listFiles(dir).filter((f) => f.startsWith('deploy/')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
const answersOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')) as { answers: Record<string, unknown> };

describe('--deploy as a list', () => {
  it('offers only the targets that write files, each of the issue\'s four names', () => {
    expect(deploy.choices.length).toBeGreaterThan(0);
    for (const target of deploy.choices) expect(DEPLOY_TARGETS).toContain(target);
    expect(deploy.choices).toContain('kubernetes');
  });

  it('a comma-separated value is stored in the table\'s order, each target once; none is the empty list', () => {
    const all = [...deploy.choices];
    expect(parseList(deploy, [...all].reverse().join(', '))).toEqual(all);
    expect(parseList(deploy, 'kubernetes,kubernetes')).toEqual(['kubernetes']);
    expect(parseList(deploy, 'none')).toEqual([]);
    expect(listText(deploy, [])).toBe('none');
    expect(listText(deploy, all)).toBe(all.join(','));
  });

  it('a value that is not a target, or a list with one, is refused naming it; so is a JSON number', () => {
    expect(valueProblem(deploy, 'kubernetes,nomad')).toMatch(/got "nomad"/);
    expect(valueProblem(deploy, 'kubernetes,')).toMatch(/got ""/);
    expect(valueProblem(deploy, ['kubernetes', 3])).toMatch(/must be/);
    expect(valueProblem(deploy, 'kubernetes')).toBeUndefined();
    expect(valueProblem(deploy, ['kubernetes'])).toBeUndefined();
  });

  it('a bad target on the command line is one line of error and exit 2, nothing written', async () => {
    const cwd = tempDir();
    const run = await runMain(['shop', '--yes', '--deploy', 'kubernetes,nomad'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--deploy must be .* \(got "nomad"\)/);
    expect(listFiles(cwd)).toEqual([]);
  });

  it('--deploy given twice with different values is refused: a list is one value', async () => {
    const run = await runMain(['shop', '--yes', '--deploy', 'kubernetes', '--deploy', 'none'], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--deploy is given twice with different values');
  });

  it('the answers file records the list, and --answers reproduces the project from it', async () => {
    const cwd = tempDir();
    const made = await runMain(['shop', ...FLAGS, '--deploy', listText(deploy, deploy.choices)], { cwd });
    expect(made.code, made.stderr).toBe(0);
    expect(answersOf(path.join(cwd, 'shop')).answers.deploy).toEqual([...deploy.choices]);
    const again = await runMain(['--answers', path.join(cwd, 'shop', ANSWERS_FILE), path.join(cwd, 'copy')], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(deployFiles(path.join(cwd, 'copy'))).toEqual(deployFiles(path.join(cwd, 'shop')));
  });
});

describe('answers files from when deploy was one word', () => {
  it.each([
    ['"kubernetes"', 'kubernetes', ['kubernetes']],
    ['"none"', 'none', []],
  ] as const)('deploy %s reads as %j: --answers makes the same project', async (_, word, list) => {
    const cwd = tempDir();
    expect((await runMain(['shop', ...FLAGS, '--deploy', listText(deploy, list)], { cwd })).code).toBe(0);
    const record = answersOf(path.join(cwd, 'shop'));
    record.answers.deploy = word;
    const old = path.join(cwd, 'old.json');
    writeFileSync(old, JSON.stringify(record));
    const run = await runMain(['--answers', old, path.join(cwd, 'copy'), '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).options.deploy).toEqual(list);
    expect(deployFiles(path.join(cwd, 'copy'))).toEqual(deployFiles(path.join(cwd, 'shop')));
  });

  it('update carries a one-word record over: the same files, and the record rewritten as a list', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'shop');
    expect((await runMain(['shop', ...FLAGS, '--deploy', 'kubernetes'], { cwd })).code).toBe(0);
    const before = deployFiles(dir);
    const record = JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')) as { answers: Record<string, unknown> };
    record.answers.deploy = 'kubernetes';
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(record, null, 2)}\n`);
    const run = await runMain(['update', dir, '--yes', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(deployFiles(dir)).toEqual(before);
    expect(answersOf(dir).answers.deploy).toEqual(['kubernetes']);
  });
});

describe('add deploy <target>', () => {
  it('add deploy kubernetes writes what add kubernetes writes', async () => {
    const cwd = tempDir();
    for (const name of ['xyzzy', 'plugh']) expect((await runMain([name, ...FLAGS], { cwd })).code).toBe(0);
    const viaDeploy = await runMain(['add', 'deploy', 'kubernetes', '--dir', 'xyzzy', '--yes'], { cwd });
    expect(viaDeploy.code, viaDeploy.stderr).toBe(0);
    expect((await runMain(['add', 'kubernetes', '--dir', 'plugh', '--yes'], { cwd })).code).toBe(0);
    const one = deployFiles(path.join(cwd, 'xyzzy'));
    expect(Object.keys(one).length).toBeGreaterThan(0);
    expect(Object.fromEntries(Object.entries(deployFiles(path.join(cwd, 'plugh'))).map(([f, text]) => [f, text.replaceAll('plugh', 'xyzzy')]))).toEqual(one);
  });

  it.each([['nomad'], ['--yes']])('add deploy %s is one line naming the targets, exit 2', async (arg) => {
    const run = await runMain(['add', 'deploy', arg], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`add deploy needs a target, one of ${deploy.choices.join(', ')}`);
  });

  it('on a project of this version, the target is recorded in its answers, beside the one it had', async () => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes', '--deploy', 'kubernetes'], { cwd })).code).toBe(0);
    const run = await runMain(['add', 'deploy', 'ecs', '--dir', 'xyzzy', '--yes'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'xyzzy', ANSWERS_FILE), 'utf8')).answers.deploy).toEqual(['kubernetes', 'ecs']);
    expect((await runMain(['update', '--dry-run'], { cwd: path.join(cwd, 'xyzzy') })).code).toBe(0);
  });

  it('--migrations where the repository shows none (no alembic.ini, no PostgreSQL): each is said, as add kubernetes says it', async () => {
    const dir = path.join(tempDir(), 'app');
    cpSync(path.join(REPO, 'tests', 'fixtures', 'kubernetes-app'), dir, { recursive: true });
    rmSync(path.join(dir, 'alembic.ini'));
    for (const [command, what, where] of [
      [['add', 'deploy', 'cloud-run'], 'the migration step', 'deploy/cloud-run/'],
      [['add', 'kubernetes'], 'the Job', 'base/migration-job.yaml'],
    ] as const) {
      const run = await runMain([...command, '--dir', dir, '--yes', '--migrations', '--no-postgres', '--dry-run', '--json'], { cwd: tempDir() });
      expect(run.code, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as { warnings: string[] }).warnings).toEqual(
        expect.arrayContaining([
          `--migrations without an alembic.ini: ${what} runs \`alembic upgrade head\`; change its command in ${where} if yours differs`,
          `--migrations without PostgreSQL: ${what} migrates the database the app's own settings name, which these files do not provide`,
        ]),
      );
    }
  });

  it('add deploy --help (no target) prints the help of every target\'s command, exit 0', async () => {
    const run = await runMain(['add', 'deploy', '--help'], { cwd: tempDir() });
    expect(run.code, run.stderr).toBe(0);
    const usages = run.stdout.split('\n').filter((l) => l.startsWith('Usage:'));
    expect(usages).toEqual(deploy.choices.filter((t) => t !== 'none').map((t) => `Usage: create-python-docker-app add ${t === 'kubernetes' ? 'kubernetes' : `deploy ${t}`} [--dir <path>] [flags]`));
    const doc = JSON.parse((await runMain(['add', 'deploy', '--help', '--json'], { cwd: tempDir() })).stdout) as { help: { command: string; commands: unknown[] } };
    expect(doc.help.command).toBe('add deploy');
    expect(doc.help.commands).toHaveLength(usages.length);
  });
});

// Only the Kubernetes manifests run the Celery worker and beat: every other target deploys the
// web app alone, where the tasks it queues would stay pending with nothing to say why.
describe('--worker celery with a target that runs the web app only', () => {
  const WITH_SERVICES = ['--yes', '--framework', 'fastapi', '--postgres', '--redis', '--no-ci', '--no-dependabot'];
  const warningsOf = (stderr: string) => stderr.split('\n').filter((l) => l.includes('warning: '));
  const undeployed = /^warning: (ECS|Cloud Run|ACI): the Celery worker and beat are not deployed \(deploy\/[a-z-]+\/ runs the web app only\).*(--deploy kubernetes)/;

  it('create warns once for each such target, naming the worker and beat and what to do; exit 0', async () => {
    const run = await runMain(['shop', ...WITH_SERVICES, '--worker', 'celery', '--beat', '--deploy', 'kubernetes,ecs,cloud-run,aci'], { cwd: tempDir() });
    expect(run.code, run.stderr).toBe(0);
    const labels = warningsOf(run.stderr).map((l) => undeployed.exec(l)?.[1]);
    expect(labels.sort()).toEqual(['ACI', 'Cloud Run', 'ECS']);
  });

  it('each such target\'s README says the worker and beat are not deployed', async () => {
    const cwd = tempDir();
    expect((await runMain(['shop', ...WITH_SERVICES, '--worker', 'celery', '--beat', '--deploy', 'ecs,cloud-run,aci'], { cwd })).code).toBe(0);
    for (const target of ['ecs', 'cloud-run', 'aci'])
      expect(readFileSync(path.join(cwd, 'shop', 'deploy', target, 'README.md'), 'utf8'), target).toContain('## Not deployed: the Celery worker and beat');
  });

  it('add deploy on a project with the worker warns as create does', async () => {
    const cwd = tempDir();
    expect((await runMain(['shop', ...WITH_SERVICES, '--worker', 'celery', '--deploy', 'none'], { cwd })).code).toBe(0);
    const run = await runMain(['add', 'deploy', 'cloud-run', '--dir', 'shop', '--yes'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(warningsOf(run.stderr).filter((l) => l.includes('Celery'))).toEqual([
      expect.stringMatching(/^warning: Cloud Run: the Celery worker is not deployed \(deploy\/cloud-run\/ runs the web app only\)/),
    ]);
  });

  it('a project without a worker gets no such warning, nor the README section', async () => {
    const cwd = tempDir();
    const run = await runMain(['shop', ...WITH_SERVICES, '--deploy', 'ecs,cloud-run,aci'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(warningsOf(run.stderr).filter((l) => l.includes('Celery'))).toEqual([]);
    for (const target of ['ecs', 'cloud-run', 'aci']) expect(readFileSync(path.join(cwd, 'shop', 'deploy', target, 'README.md'), 'utf8')).not.toContain('Celery');
  });
});

describe('add deploy on an app create-python-docker-app did not make', () => {
  const WITH_SERVICES = ['--yes', '--framework', 'fastapi', '--postgres', '--redis', '--no-ci', '--no-dependabot'];
  const warningsOf = (stderr: string) => stderr.split('\n').filter((l) => l.includes('warning: '));
  it.each(['ecs', 'cloud-run', 'aci'])('%s: says the database comes as POSTGRES_* parts, not the DATABASE_URL such an app may read', async (target) => {
    const dir = path.join(tempDir(), 'shop');
    cpSync(path.join(REPO, 'tests/fixtures/kubernetes-app'), dir, { recursive: true });
    const run = await runMain(['add', 'deploy', target, '--dir', dir, '--yes'], { cwd: path.dirname(dir) });
    expect(run.code, run.stderr).toBe(0);
    expect(warningsOf(run.stderr).filter((l) => l.includes('DATABASE_URL'))).toEqual([expect.stringMatching(/^warning: deploy\/[a-z-]+\/ gives the app PostgreSQL as POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_DB and the password .* if yours reads DATABASE_URL, build it from those$/)]);
  });

  it('a project it made gets no such warning', async () => {
    const cwd = tempDir();
    expect((await runMain(['shop', ...WITH_SERVICES, '--deploy', 'none'], { cwd })).code).toBe(0);
    const run = await runMain(['add', 'deploy', 'ecs', '--dir', 'shop', '--yes'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('DATABASE_URL');
  });
});
