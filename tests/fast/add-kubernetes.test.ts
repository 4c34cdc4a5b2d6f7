// `create-python-docker-app add kubernetes`: deploy/kubernetes/ for a repository whose
// Dockerfile builds the app, on a project we generated and on fixture repositories we did not
// (tests/fixtures/kubernetes-app: its own Dockerfile, compose.yaml and alembic.ini;
// tests/fixtures/existing-dockerfile: a Dockerfile running as root). What it detects, what it
// must be told when it cannot, and that its manifests pass the same schema and rule checks as
// a new project's (tests/support/kubernetes-check.ts, kubernetes-rules.ts). In-process (fast).

import { existsSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { listFiles, PACKAGE_VERSION, removeTempDirs, runMain, scriptedPrompter, tempDir, treeSnapshot } from '../support/cli-run.js';
import { copyFixture, removeCopies } from '../support/existing-app.js';
import { allSchemaErrors, kustomizeBuild, kustomizeUnavailable, parseObjects, type K8sObject } from '../support/kubernetes-check.js';
import { fieldErrors } from '../support/kubernetes-fields.js';
import { documentedFlows } from '../support/kubernetes-flow.js';
import { run as runProcess } from '../support/run.js';
import { expectedFromProject, kubernetesRuleFindings, type Expected } from '../support/kubernetes-rules.js';

afterAll(() => {
  removeCopies();
  removeTempDirs();
});

const K8S = 'deploy/kubernetes';
const noKustomize = kustomizeUnavailable();
const add = (dir: string, ...flags: string[]) => runMain(['add', 'kubernetes', '--dir', dir, ...flags], { cwd: path.dirname(dir) });
const json = (stdout: string) =>
  JSON.parse(stdout) as { ok: boolean; options: Record<string, unknown>; files: { path: string; action: string }[]; warnings: string[]; nextSteps: string[] };

function deployFiles(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).filter((f) => f.startsWith('deploy/')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

async function build(dir: string, which: string): Promise<K8sObject[]> {
  const r = await kustomizeBuild(path.join(dir, K8S, which));
  if (r.code !== 0) throw new Error(`kustomize build ${which}: ${r.stderr}`);
  return parseObjects(r.stdout);
}

/** base, dev and prod, each through the schemas, the field check and our rules; empty when all pass. */
async function problems(dir: string, expected: Omit<Expected, 'build'>): Promise<string[]> {
  const out: string[] = [];
  const all: K8sObject[] = [];
  for (const [which, kind] of [['base', 'base'], ['overlays/dev', 'dev'], ['overlays/prod', 'prod']] as const) {
    const objects = await build(dir, which);
    all.push(...objects);
    out.push(...(await allSchemaErrors(objects)), ...kubernetesRuleFindings(objects, { ...expected, build: kind }).map((f) => `${which}: ${f}`));
  }
  return [...out, ...fieldErrors(all)];
}

/**
 * Two projects of `flags`, `xyzzy` without Kubernetes and `shop` with it; then add kubernetes on
 * xyzzy. Its deploy files (with xyzzy's name read as shop's) beside create's, and the run.
 */
async function addedBesideCreated(flags: readonly string[]) {
  const cwd = tempDir();
  for (const [name, deploy] of [['xyzzy', 'none'], ['shop', 'kubernetes']] as const)
    expect((await runMain([name, '--yes', ...flags, '--deploy', deploy], { cwd })).code).toBe(0);
  // Same name, so the names in the manifests agree too.
  const generated = deployFiles(path.join(cwd, 'shop'));
  const run = await runMain(['add', 'kubernetes', '--dir', 'xyzzy', '--json'], { cwd });
  expect(run.code, run.stderr).toBe(0);
  const added = Object.fromEntries(Object.entries(deployFiles(path.join(cwd, 'xyzzy'))).map(([f, text]) => [f, text.replaceAll('xyzzy', 'shop')]));
  return { cwd, run, generated, added };
}

describe('on a project create-python-docker-app generated', () => {
  it('writes the same deploy/kubernetes/ as create --deploy kubernetes, byte for byte', async () => {
    const { run, generated, added } = await addedBesideCreated(['--framework', 'flask', '--no-redis']);
    expect(Object.keys(generated).length).toBeGreaterThan(10);
    expect(added).toEqual(generated);
    expect(json(run.stdout).options).toMatchObject({ name: 'xyzzy', image: 'xyzzy', port: 8000, uid: 10001, healthPath: '/health', server: 'gunicorn', postgres: true, redis: false, migrations: true });
  });

  it('without PostgreSQL too (one pod, no autoscaler), and its next steps are the README\'s production flow', async () => {
    const { cwd, run, generated, added } = await addedBesideCreated(['--framework', 'fastapi', '--no-postgres']);
    expect(added).toEqual(generated);
    expect(Object.keys(added)).not.toContain(`${K8S}/base/hpa.yaml`);
    expect(added[`${K8S}/base/deployment.yaml`]).toContain('  replicas: 1\n');
    const doc = json(run.stdout);
    expect(doc.warnings.join('\n')).toContain('no PostgreSQL: one pod and no autoscaler');
    const flow = documentedFlows(readFileSync(path.join(cwd, 'xyzzy', K8S, 'README.md'), 'utf8')).find((f) => f.title.includes('overlays/prod'))!;
    expect(doc.nextSteps).toEqual(['cd xyzzy', ...flow.once, ...flow.release]);
  });

  it.skipIf(noKustomize)('with --no-postgres on a repository that has PostgreSQL: one pod, no autoscaler, in every overlay', async () => {
    const dir = copyFixture('kubernetes-app');
    const run = await add(dir, '--no-postgres', '--no-migrations', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings.join('\n')).toContain('no PostgreSQL: one pod and no autoscaler');
    const expected = { uid: 10001, port: 8080, healthPath: '/healthz', readyPath: '/healthz', singleReplica: true, gracefulTimeoutSeconds: 30, writablePaths: ['/tmp'], migrations: false };
    expect(await problems(dir, expected)).toEqual([]);
    for (const which of ['overlays/dev', 'overlays/prod']) {
      const objects = await build(dir, which);
      expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
      expect((objects.find((o) => o.kind === 'Deployment')!.spec as { replicas: number }).replicas).toBe(1);
    }
  });

  it('with the Celery worker and beat: their Deployments too, byte for byte as create --deploy kubernetes writes them', async () => {
    const { generated, added } = await addedBesideCreated(['--worker', 'celery', '--beat']);
    expect(Object.keys(generated)).toEqual(expect.arrayContaining([`${K8S}/base/worker-deployment.yaml`, `${K8S}/base/beat-deployment.yaml`]));
    expect(added).toEqual(generated);
  });

  it('is recorded in the project\'s answers: add worker then gives the manifests the worker, as create makes them, and update finds nothing to do', async () => {
    const cwd = tempDir();
    for (const argv of [['xyzzy', '--yes'], ['shop', '--yes', '--worker', 'celery', '--deploy', 'kubernetes']])
      expect((await runMain(argv, { cwd })).code).toBe(0);
    const run = await runMain(['add', 'kubernetes', '--dir', 'xyzzy', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'xyzzy', ANSWERS_FILE), 'utf8')).answers.deploy).toEqual(['kubernetes']);
    const worker = await runMain(['add', 'worker', '--dir', 'xyzzy'], { cwd });
    expect(worker.code, worker.stderr).toBe(0);
    const added = Object.fromEntries(Object.entries(deployFiles(path.join(cwd, 'xyzzy'))).map(([f, text]) => [f, text.replaceAll('xyzzy', 'shop')]));
    expect(added).toEqual(deployFiles(path.join(cwd, 'shop')));
    expect((await runMain(['update', '--dry-run'], { cwd: path.join(cwd, 'xyzzy') })).stderr).toContain('nothing to change: the project is up to date');
  });

  it('with a flag that makes the files other than create writes them (--port): not recorded, which a warning says', async () => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes'], { cwd })).code).toBe(0);
    const answers = path.join(cwd, 'xyzzy', ANSWERS_FILE);
    const before = readFileSync(answers, 'utf8');
    const run = await runMain(['add', 'kubernetes', '--dir', 'xyzzy', '--port', '9000', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toContainEqual(expect.stringMatching(/^not recorded in \.create-python-docker-app\.json: 3 files \(deploy\/kubernetes\/base\/deployment\.yaml, \.\.\.\) differ from what create writes for this project's answers \(made from a flag, or from what was read of an edited Dockerfile or compose\.yaml\), and update would undo that/));
    expect(readFileSync(answers, 'utf8')).toBe(before);
  });

  it('an answers file that lacks a key (deploy): not recorded, so update cannot take another target\'s files for gone', async () => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes', '--deploy', 'ecs'], { cwd })).code).toBe(0);
    const answers = path.join(cwd, 'xyzzy', ANSWERS_FILE);
    const doc = JSON.parse(readFileSync(answers, 'utf8')) as { answers: Record<string, unknown> };
    delete doc.answers.deploy;
    const before = `${JSON.stringify(doc, null, 2)}\n`;
    writeFileSync(answers, before);
    const run = await runMain(['add', 'kubernetes', '--dir', 'xyzzy', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toContain(
      `not recorded in ${ANSWERS_FILE}: ${ANSWERS_FILE} lacks "deploy"; add the value(s) the project was generated with; update and add worker will not know of these files`,
    );
    expect(readFileSync(answers, 'utf8')).toBe(before);
  });

  it.each([ANSWERS_FILE, '.create-python-docker-app.base.json'])('a record file (%s) that is a symbolic link: nothing recorded, which a warning says', async (file) => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'xyzzy');
    renameSync(path.join(dir, file), path.join(cwd, 'elsewhere.json'));
    symlinkSync(path.join(cwd, 'elsewhere.json'), path.join(dir, file));
    const answersBefore = readFileSync(path.join(dir, ANSWERS_FILE), 'utf8');
    const run = await runMain(['add', 'kubernetes', '--dir', 'xyzzy', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toContainEqual(expect.stringMatching(new RegExp(`^not recorded in ${ANSWERS_FILE.replaceAll('.', '\\.')}: `)));
    expect(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')).toBe(answersBefore);
  });

  it('in a project from another version: not recorded, and a warning says to run update first', async () => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes'], { cwd })).code).toBe(0);
    const answers = path.join(cwd, 'xyzzy', ANSWERS_FILE);
    const before = readFileSync(answers, 'utf8').replace(/"version": "[^"]*"/, '"version": "0.0.9"');
    writeFileSync(answers, before);
    const run = await runMain(['add', 'kubernetes', '--dir', 'xyzzy', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toContain(
      `not recorded in ${ANSWERS_FILE}: the project is from 0.0.9, not this ${PACKAGE_VERSION}: run update first (and commit), then this command again; update and add worker will not know of these files`,
    );
    expect(readFileSync(answers, 'utf8')).toBe(before);
  });

  it('on a project made with --deploy kubernetes, every file is unchanged', async () => {
    const cwd = tempDir();
    expect((await runMain(['shop', '--yes', '--deploy', 'kubernetes'], { cwd })).code).toBe(0);
    const run = await runMain(['add', 'kubernetes', '--dir', 'shop', '--json', '--dry-run'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const actions = new Set(json(run.stdout).files.map((f) => f.action));
    expect([...actions]).toEqual(['unchanged']);
  });
});

describe('on tests/fixtures/kubernetes-app (its own Dockerfile, compose.yaml, alembic.ini)', () => {
  it('detects the port, UID, health path, server, image, database and migrations', async () => {
    const dir = copyFixture('kubernetes-app');
    const run = await add(dir, '--json', '--dry-run');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).options).toMatchObject({
      name: 'kubernetes-app',
      // EXPOSE 8080; ARG UID=10001 + adduser --uid "${UID}" shop + USER shop; the HEALTHCHECK's URL.
      port: 8080,
      uid: 10001,
      healthPath: '/healthz',
      server: 'gunicorn',
      // compose.yaml's app image without its tag; its db service is postgres; alembic.ini.
      image: 'ghcr.io/acme/shop',
      postgres: true,
      redis: false,
      migrations: true,
    });
    // It has no .dockerignore: the filled-in secret files would go into the image.
    expect(json(run.stdout).warnings).toEqual([expect.stringContaining(".dockerignore does not leave out deploy/kubernetes/ (or **/secret.env)")]);
  });

  it('says nothing of the secret files when .dockerignore leaves them out, and git ignores them', async () => {
    const dir = copyFixture('kubernetes-app');
    writeFileSync(path.join(dir, '.dockerignore'), '.git\n**/secret.env\n');
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toEqual([]);
    // The README's `cp` targets, as git sees them in this repository.
    expect((await runProcess('git', ['init', '-q'], { cwd: dir })).code).toBe(0);
    for (const overlay of ['prod', 'dev']) {
      const file = `${K8S}/overlays/${overlay}/secret.env`;
      expect(readFileSync(path.join(dir, K8S, 'README.md'), 'utf8')).toContain(` ${file}`);
      expect((await runProcess('git', ['check-ignore', '-q', file], { cwd: dir })).code, file).toBe(0);
    }
    expect((await runProcess('git', ['check-ignore', '-q', `${K8S}/base/secret.example`], { cwd: dir })).code).toBe(1);
  });

  it('writes a migration Job that runs alembic in the app image, and no Secret with a value', async () => {
    const dir = copyFixture('kubernetes-app');
    expect((await add(dir)).code).toBe(0);
    const job = parseObjects(readFileSync(path.join(dir, K8S, 'base/migration-job.yaml'), 'utf8'));
    const container = { image: 'ghcr.io/acme/shop', command: ['alembic', 'upgrade', 'head'] };
    expect(job).toMatchObject([{ kind: 'Job', spec: { template: { spec: { containers: [container] } } } }]);
    expect(readFileSync(path.join(dir, K8S, 'base/kustomization.yaml'), 'utf8')).toContain('- migration-job.yaml');
    expect(readFileSync(path.join(dir, K8S, 'base/secret.example'), 'utf8')).toMatch(/^DATABASE_URL=$/m);
    expect(readFileSync(path.join(dir, K8S, 'README.md'), 'utf8')).toContain('kubectl -n kubernetes-app wait --for=condition=complete --timeout=10m job/kubernetes-app-migrate');
  });

  it.skipIf(noKustomize)('its base, dev and prod pass the schemas and our rules, with the image from its registry', async () => {
    const dir = copyFixture('kubernetes-app');
    expect((await add(dir)).code).toBe(0);
    // Not our app: no /ready, so readiness asks the health path; with PostgreSQL, the autoscaler.
    const expected = { uid: 10001, port: 8080, healthPath: '/healthz', readyPath: '/healthz', singleReplica: false, gracefulTimeoutSeconds: 30, writablePaths: ['/tmp'], migrations: true };
    expect(await problems(dir, expected)).toEqual([]);
    const prod = await build(dir, 'overlays/prod');
    const images = prod.flatMap((o) => JSON.stringify(o).match(/"image":"[^"]+"/g) ?? []);
    expect(new Set(images)).toEqual(new Set(['"image":"ghcr.io/acme/shop:0.1.0"']));
  });

  it('flags override what was detected', async () => {
    const dir = copyFixture('kubernetes-app');
    const run = await add(dir, '--port', '9000', '--uid', '2000', '--health-path', '/ready', '--no-migrations', '--image', 'shop', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).options).toMatchObject({ port: 9000, uid: 2000, healthPath: '/ready', migrations: false, image: 'shop' });
    expect(existsSync(path.join(dir, K8S, 'base/migration-job.yaml'))).toBe(false);
    const deployment = readFileSync(path.join(dir, K8S, 'base/deployment.yaml'), 'utf8');
    expect(deployment).toContain('containerPort: 9000');
    expect(deployment).toContain('runAsUser: 2000');
    expect(deployment).toContain('path: /ready');
  });

  it('a flag that is not what the image says (EXPOSE, USER, HEALTHCHECK) is followed, with a warning naming both', async () => {
    const dir = copyFixture('kubernetes-app');
    const run = await add(dir, '--port', '9000', '--uid', '2000', '--health-path', '/ready', '--json');
    expect(run.code, run.stderr).toBe(0);
    const said = json(run.stdout).warnings.filter((w) => / is not the Dockerfile's /.test(w));
    expect(said).toEqual([
      "--port 9000 is not the Dockerfile's EXPOSE (8080); the probes and the Service use it: the server in the image must listen there",
      "--uid 2000 is not the Dockerfile's USER (10001); the pods run as it: the files the image gives its user may not be readable or writable by it",
      "--health-path /ready is not the Dockerfile's HEALTHCHECK (/healthz); the probes ask it: the app must answer there",
    ]);
    const same = await add(copyFixture('kubernetes-app'), '--port', '8080', '--json');
    expect(json(same.stdout).warnings.filter((w) => / is not the Dockerfile's /.test(w))).toEqual([]);
  });

  it('refuses an image name with a tag, and UID 0', async () => {
    const dir = copyFixture('kubernetes-app');
    const tagged = await add(dir, '--image', 'shop:1.0');
    expect(tagged.code).toBe(2);
    expect(tagged.stderr).toContain('has a tag or digest; give the name only');
    const root = await add(dir, '--uid', '0');
    expect(root.code).toBe(2);
    expect(root.stderr).toContain('must not be 0 (root)');
  });

  it('never overwrites a file that differs without --force; a second run is unchanged', async () => {
    const dir = copyFixture('kubernetes-app');
    expect((await add(dir)).code).toBe(0);
    expect(json((await add(dir, '--json', '--dry-run')).stdout).files.every((f) => f.action === 'unchanged')).toBe(true);
    const deployment = path.join(dir, K8S, 'base/deployment.yaml');
    writeFileSync(deployment, 'edited by the team\n');
    const before = treeSnapshot(dir);
    const refused = await add(dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('deploy/kubernetes/base/deployment.yaml');
    expect(treeSnapshot(dir)).toEqual(before);
    expect((await add(dir, '--force')).code).toBe(0);
    expect(readFileSync(deployment, 'utf8')).toContain('kind: Deployment');
  });
});

describe('a compose.yaml that is not valid YAML', () => {
  it('is said in a warning naming what was not read, and the manifests are written from the rest', async () => {
    const dir = copyFixture('kubernetes-app');
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  app: [\n');
    const run = await add(dir, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).warnings).toContainEqual(
      expect.stringMatching(/^compose\.yaml is not valid YAML \(.*at line 3, column 1\), so its image name, services and password file were not read: /),
    );
  });
});

describe('on tests/fixtures/existing-dockerfile (runs as root, no HEALTHCHECK)', () => {
  it('without a terminal, exits 2 naming --uid: it will not guess the UID', async () => {
    const dir = copyFixture('existing-dockerfile');
    const before = treeSnapshot(dir);
    const run = await add(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --uid (the Dockerfile has no non-root USER with a known UID)');
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('an EXPOSE that names no port number (a variable) is said as such when --port is asked for', async () => {
    const dir = copyFixture('kubernetes-app');
    const dockerfile = path.join(dir, 'Dockerfile');
    writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace(/^EXPOSE .*$/m, 'EXPOSE ${PORT}/tcp'));
    const run = await add(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("pass --port (the Dockerfile's EXPOSE ${PORT}/tcp names no port number)");
  });

  it('asks for the UID at a terminal; the port comes from EXPOSE and the health path from the /health route', async () => {
    const dir = copyFixture('existing-dockerfile');
    const prompter = scriptedPrompter({ '?UID to run as (the Dockerfile has no numeric non-root USER)': '1000' });
    const run = await runMain(['add', 'kubernetes', '--dir', dir, '--json'], { cwd: path.dirname(dir), tty: true, prompter });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked.map((q) => q.message)).toEqual(['UID to run as (the Dockerfile has no numeric non-root USER)']);
    const doc = json(run.stdout);
    expect(doc.options).toMatchObject({ uid: 1000, port: 5000, healthPath: '/health', server: 'gunicorn', migrations: false });
    // The image itself still runs as root: the user is told to add the USER.
    expect(doc.warnings.join('\n')).toContain('runs the server as root');
  });

  it.skipIf(noKustomize)('with --uid, its manifests pass the schemas and our rules', async () => {
    const dir = copyFixture('existing-dockerfile');
    expect((await add(dir, '--uid', '1000')).code).toBe(0);
    // No PostgreSQL detected: one pod, no autoscaler.
    const expected = { uid: 1000, port: 5000, healthPath: '/health', readyPath: '/health', singleReplica: true, gracefulTimeoutSeconds: 30, writablePaths: ['/tmp', '/dev/shm'], migrations: false };
    expect(await problems(dir, expected)).toEqual([]);
  });
});

describe('refusals and help', () => {
  it('a repository without a Dockerfile is refused: add docker first', async () => {
    const dir = copyFixture('flask-factory');
    const run = await add(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no Dockerfile');
    expect(run.stderr).toContain('add docker');
    expect(listFiles(dir).some((f) => f.startsWith('deploy/'))).toBe(false);
  });

  it('a Dockerfile that is a symbolic link is refused as one, not as missing, and not read', async () => {
    const dir = copyFixture('flask-factory');
    const outside = path.join(tempDir(), 'Dockerfile');
    writeFileSync(outside, 'FROM python:3.14-slim\nEXPOSE 9999\n');
    symlinkSync(outside, path.join(dir, 'Dockerfile'));
    const run = await add(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the Dockerfile in .* is a symbolic link, which add kubernetes does not read; make it a regular file, then run it again\n$/);
    expect(listFiles(dir).some((f) => f.startsWith('deploy/'))).toBe(false);
  });

  it('--help lists every flag with its detection', async () => {
    const run = await runMain(['add', 'kubernetes', '--help'], { cwd: tempDir() });
    expect(run.code).toBe(0);
    for (const flag of ['--dir', '--port', '--uid', '--health-path', '--image', '--postgres, --no-postgres', '--migrations, --no-migrations', '--force', '--dry-run'])
      expect(run.stdout).toContain(flag);
    expect(run.stdout).toContain("the Dockerfile's USER");
    // `add --help` lists both add commands.
    expect((await runMain(['add', '--help'], { cwd: tempDir() })).stdout).toContain('add kubernetes');
  });

  it('the generated project checks the same way as with create (expected values from the project files)', () => {
    // expectedFromProject reads the UID and port from our Dockerfile: a guard against the
    // rules and the Dockerfile drifting apart.
    const cwd = tempDir();
    return runMain(['p', '--yes', '--framework', 'fastapi'], { cwd }).then(() => {
      expect(expectedFromProject(path.join(cwd, 'p'), 'fastapi', 'base')).toMatchObject({ uid: 10001, port: 8000, gracefulTimeoutSeconds: 30 });
    });
  });
});
