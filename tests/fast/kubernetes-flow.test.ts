// The deploy flow of deploy/kubernetes/README.md, as a user runs it, without a cluster
// (tests/support/kubernetes-flow.ts): for every combination with --deploy kubernetes (and with
// PostgreSQL but no migrations), both overlays, the steps read from the rendered README run
// once per cluster and then for two releases against the real `kubectl kustomize` build; every
// object a step applies finds what it refers to in that step or an earlier one, every object is
// applied each release, the migration Job is a new one each release and is waited for. Then:
// the flow is the only one the emitted files give, and broken manifests and flows fail.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combinationId } from '../../src/options/table.js';
import { combinationsUnderTest, idWithoutPackageManager } from '../support/combinations.js';
import { listFiles, removeTempDirs, runMain, tempDir } from '../support/cli-run.js';
import { copyFixture, removeCopies } from '../support/existing-app.js';
import { kustomizeUnavailable, type K8sObject } from '../support/kubernetes-check.js';
import { documentedFlows, parseSelector, referencesOf, runFlow, selects, type DocumentedFlow } from '../support/kubernetes-flow.js';

afterAll(() => {
  removeCopies();
  removeTempDirs();
});

interface Case {
  id: string;
  flags: string[];
  migrations: boolean;
}
// The manifests do not depend on the package manager (uv stands for both); two more with
// PostgreSQL and --no-migrations (no Job: one apply).
const CASES: Case[] = [
  ...combinationsUnderTest({ python: '3.13', deploy: ['kubernetes'], where: (c) => c.packageManager === 'uv', keep: ['flask-pg-redis-standard-uv'] })
    .map((c) => ({
      id: idWithoutPackageManager(c),
      flags: ['--framework', c.framework, c.postgres ? '--postgres' : '--no-postgres', c.redis ? '--redis' : '--no-redis', '--dockerfile', c.dockerfile, '--worker', c.worker, c.beat ? '--beat' : '--no-beat'],
      migrations: c.migrations,
    })),
  ...(['flask', 'fastapi'] as const).map((framework) => ({
    id: combinationId({ framework, postgres: true, redis: true, migrations: false }, ['framework', 'postgres', 'redis', 'migrations']),
    flags: ['--framework', framework, '--postgres', '--redis', '--no-migrations'],
    migrations: false,
  })),
  // The Celery worker and beat with migrations, whichever pairs the covering array chose:
  // their Deployments must start after the release's migration too.
  { id: 'fastapi-worker-beat', flags: ['--framework', 'fastapi', '--postgres', '--redis', '--migrations', '--worker', 'celery', '--beat'], migrations: true },
];
const K8S = 'deploy/kubernetes';
const noKustomize = kustomizeUnavailable();
const parent = tempDir('cpda-k8s-flow-');
const dirOf = (id: string) => path.join(parent, id);

beforeAll(async () => {
  for (const c of CASES) {
    const run = await runMain([c.id, '--yes', ...c.flags, '--deploy', 'kubernetes'], { cwd: parent });
    if (run.code !== 0) throw new Error(`${c.id}: exit ${run.code}: ${run.stderr}`);
  }
});

const readme = (id: string) => readFileSync(path.join(dirOf(id), K8S, 'README.md'), 'utf8');
const flowOf = (id: string, overlay: 'prod' | 'dev'): DocumentedFlow => {
  const flow = documentedFlows(readme(id)).find((f) => f.title.includes(`overlays/${overlay}`));
  if (!flow) throw new Error(`${id}: the README documents no flow for overlays/${overlay}`);
  return flow;
};

// A repository we did not generate: add kubernetes writes the same flow for its image.
describe.skipIf(noKustomize)('add kubernetes on tests/fixtures/kubernetes-app: the same flow', () => {
  it.each(['prod', 'dev'] as const)('overlays/%s: once per cluster, then two releases, with its migration Job', async (overlay) => {
    const dir = copyFixture('kubernetes-app');
    const added = await runMain(['add', 'kubernetes', '--dir', dir, '--yes'], { cwd: path.dirname(dir) });
    expect(added.code, added.stderr).toBe(0);
    const flow = documentedFlows(readFileSync(path.join(dir, K8S, 'README.md'), 'utf8')).find((f) => f.title.includes(`overlays/${overlay}`))!;
    const result = await runFlow(flow, { projectDir: dir });
    expect(result.problems.join('\n\n')).toBe('');
    expect(result.applied.flat()).toContain('Job/kubernetes-app-migrate');
  });
});

describe('kubectl label selectors, as `kubectl -l` reads them', () => {
  const labels = { 'app.kubernetes.io/component': 'web', 'app.kubernetes.io/name': 'shop' };
  it.each([
    ['app.kubernetes.io/component=web', labels, true],
    ['app.kubernetes.io/component==web', labels, true],
    ['app.kubernetes.io/component!=web', labels, false],
    ['app.kubernetes.io/component!=web', { 'app.kubernetes.io/name': 'shop' }, true],
    ['app.kubernetes.io/component!=web', undefined, true],
    ['app.kubernetes.io/component=web', undefined, false],
    ['app.kubernetes.io/component=web,app.kubernetes.io/name=shop', labels, true],
    ['app.kubernetes.io/component=web, app.kubernetes.io/name!=shop', labels, false],
  ] as const)('%s on %j selects: %s', (selector, on, want) => {
    expect(selects(parseSelector(selector), on)).toBe(want);
  });
  it('a set-based selector is refused rather than misread', () => {
    expect(() => parseSelector('app.kubernetes.io/component in (web,config)')).toThrow(/not understood/);
  });
});

describe.skipIf(noKustomize)(`the documented deploy flow${noKustomize ? ` (${noKustomize})` : ''}`, () => {
  describe.each(CASES.map((c) => [c.id, c] as const))('%s', (id, c) => {
    it.each(['prod', 'dev'] as const)(
      'overlays/%s: once per cluster, then two releases: every object finds what it refers to, everything is applied, the migration runs each release',
      async (overlay) => {
        const flow = flowOf(id, overlay);
        const result = await runFlow(flow, { projectDir: dirOf(id) });
        expect(result.problems.join('\n\n')).toBe('');
        expect(result.done).toEqual([...flow.once, ...flow.release, ...flow.release]);
        // With migrations, the Job is applied before the app's Deployment, in each release.
        const order = result.applied.flat();
        if (c.migrations) {
          const job = order.indexOf(`Job/${id}-migrate`);
          expect(job, 'the Job is applied').toBeGreaterThanOrEqual(0);
          // Every Deployment of the app's code (the web tier, the worker and beat) starts after it:
          // new code on the old schema fails its requests and its tasks.
          const deployments = [...new Set(order.filter((o) => o.startsWith('Deployment/')))];
          expect(deployments).toContain(`Deployment/${id}`);
          for (const deployment of deployments) expect(order.indexOf(deployment), `${deployment} is applied before the migration Job`).toBeGreaterThan(job);
          expect(flow.release.some((l) => /kubectl .*wait .*job\//.test(l)), 'a step waits for the Job').toBe(true);
        } else expect(order.some((o) => o.startsWith('Job/'))).toBe(false);
      },
    );

    it('every kubectl apply and every secret file in the emitted files is one of the documented flow', () => {
      const flows = documentedFlows(readme(id));
      expect(flows.map((f) => f.title)).toEqual([expect.stringContaining('overlays/prod'), expect.stringContaining('overlays/dev')]);
      const documented = flows.flatMap((f) => [...f.once, ...f.release]).map((l) => l.replace(/\s+#.*$/, ''));
      const secretFiles = documented.flatMap((l) => [...l.matchAll(/--from-env-file=(\S+)/g)].map((m) => m[1]!));
      const dir = dirOf(id);
      const texts = listFiles(dir)
        .filter((f) => f.startsWith('deploy/') || f === 'README.md')
        .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')] as const);
      let applies = 0;
      for (const [file, text] of texts) {
        for (const m of text.matchAll(/kubectl apply -k [^`#\n)]*/g)) {
          applies++;
          expect(documented, `${file}: ${m[0]}`).toContain(m[0].trim());
        }
        for (const m of text.matchAll(/--from-env-file=([^\s`)]+)/g)) expect(secretFiles, `${file}: ${m[0]}`).toContain(m[1]);
      }
      expect(applies).toBeGreaterThanOrEqual(c.migrations ? 4 : 2);
    });
  });
});

// Each check must be able to fail: one project with migrations, PostgreSQL and Redis, broken
// one way at a time, in the manifests or in the documented steps.
describe.skipIf(noKustomize)('the flow check catches a broken manifest or flow', () => {
  const id = 'flask-pg-redis-standard';
  const app = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Deployment') as K8sObject & { spec: any };
  const job = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Job') as K8sObject & { spec: any };
  const configMap = (objects: K8sObject[]) => objects.find((o) => o.kind === 'ConfigMap')!;
  const broken = (overlay: 'prod' | 'dev', mutate?: (o: K8sObject[]) => void, flow?: (f: DocumentedFlow) => DocumentedFlow) =>
    runFlow(flow ? flow(flowOf(id, overlay)) : flowOf(id, overlay), { projectDir: dirOf(id), ...(mutate ? { mutate } : {}) }).then((r) => r.problems.join('\n'));
  const replaceIn = (from: RegExp, to: string) => (f: DocumentedFlow) => ({ ...f, release: f.release.map((l) => l.replace(from, to)) });
  const without = (what: RegExp) => (f: DocumentedFlow) => ({ ...f, release: f.release.filter((l) => !what.test(l)) });

  it("the ConfigMap labelled web: the Job's step runs without the settings it reads", async () => {
    expect(
      await broken('prod', (o) => {
        configMap(o).metadata.labels = { ...configMap(o).metadata.labels, 'app.kubernetes.io/component': 'web' };
      }),
    ).toMatch(/Job\/flask-pg-redis-standard-migrate \(container migrate envFrom\) refers to ConfigMap\/flask-pg-redis-standard-\w+, which no step so far applied/);
  });

  it('the issue\'s flow: the first step selects component=migration, so the unlabelled ConfigMap is left out', async () => {
    const problems = await broken('prod', (o) => delete configMap(o).metadata.labels, replaceIn(/'app\.kubernetes\.io\/component!=web'/, 'app.kubernetes.io/component=migration'));
    expect(problems).toMatch(/Job\/\S+ \(container wait-for-database envFrom\) refers to ConfigMap/);
  });

  it("the Deployment's Secret renamed: no step makes it", async () => {
    expect(await broken('prod', (o) => (app(o).spec.template.spec.containers[0].envFrom[1].secretRef.name = 'flask-pg-redis-standard-secrets'))).toMatch(
      /Deployment\/flask-pg-redis-standard \(container app envFrom\) refers to Secret\/flask-pg-redis-standard-secrets, which no step so far applied/,
    );
  });

  it("the dev database's secret file renamed: the Secret made from secrets/ has no such key", async () => {
    const problems = await broken('dev', (o) => {
      const db = o.find((x) => x.kind === 'StatefulSet' && x.metadata.name === 'db') as K8sObject & { spec: any };
      db.spec.template.spec.volumes.find((v: any) => v.name === 'secret-files').secret.items[0].key = 'PGPASSWORD';
    });
    expect(problems).toMatch(/StatefulSet\/db \(volume secret-files\) reads key PGPASSWORD of Secret\/flask-pg-redis-standard-files, which has only postgres_password/);
  });

  it('a setting that names a Service no step applies; one that names the dev database is found', async () => {
    const withUrl = (url: string) => (o: K8sObject[]) => ((configMap(o).data as Record<string, string>).CACHE_URL = url);
    expect(await broken('prod', withUrl('redis://cache:6379/0'))).toMatch(/reads CACHE_URL of ConfigMap\/\S+, naming Service cache, which no step so far applied/);
    expect(await broken('dev', withUrl('postgresql://db:5432/app'))).toBe('');
  });

  it("the dev database's Service renamed: the Secret's POSTGRES_HOST (db) names a Service no step applies", async () => {
    const problems = await broken('dev', (o) => {
      for (const x of o.filter((x) => x.metadata.name === 'db')) x.metadata.name = 'postgres';
      (o.find((x) => x.kind === 'StatefulSet' && x.metadata.name === 'postgres')!.spec as { serviceName: string }).serviceName = 'postgres';
    });
    expect(problems).toMatch(/Job\/\S+ reads POSTGRES_HOST of Secret\/flask-pg-redis-standard, naming Service db, which no step so far applied/);
  });

  it('a ServiceAccount no step makes', async () => {
    expect(await broken('prod', (o) => (job(o).spec.template.spec.serviceAccountName = 'migrator'))).toMatch(/refers to ServiceAccount\/migrator/);
  });

  it("without the delete step, the second release's Job is refused (prod: a new image) or never runs (dev: the same tag)", async () => {
    expect(await broken('prod', undefined, without(/delete job/))).toMatch(/Job\/\S+ exists with another pod template: the API server refuses the change/);
    expect(await broken('dev', undefined, without(/delete job/))).toMatch(/is the one of release 1: this release's migration never ran/);
  });

  it('a plain `kubectl apply -k` as the only apply: the Job and the app at once, and the next release refused', async () => {
    const plain = (f: DocumentedFlow) => ({
      ...f,
      release: f.release.filter((l) => !/delete job|wait |component=web/.test(l)).map((l) => l.replace(/ -l '\S+'/, '')),
    });
    expect(await broken('prod', undefined, plain)).toMatch(/field is immutable/);
  });

  it('a step that leaves an object out of every apply', async () => {
    expect(await broken('prod', undefined, without(/component=web/))).toMatch(/release 1: no step applied .*Deployment\/flask-pg-redis-standard/);
  });

  it('the reference list covers envFrom, env keys, volumes, the ServiceAccount and Services', () => {
    const pod: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: {
        template: {
          spec: {
            serviceAccountName: 'sa',
            containers: [
              {
                name: 'c',
                envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 's', optional: true } }],
                env: [
                  { name: 'A', valueFrom: { configMapKeyRef: { name: 'cm2', key: 'k' } } },
                  { name: 'B', valueFrom: { secretKeyRef: { name: 's2', key: 'k2' } } },
                  { name: 'C', value: 'http://api:8080/x' },
                  { name: 'D', value: 'https://example.com/' },
                ],
              },
            ],
            volumes: [{ name: 'v', configMap: { name: 'cm3' } }, { name: 'w', secret: { secretName: 's3' } }],
          },
        },
      },
    };
    expect(referencesOf(pod).map((r) => `${r.kind}/${r.name}${r.key ? `:${r.key}` : ''}`)).toEqual([
      'ServiceAccount/sa', 'ConfigMap/cm3', 'Secret/s3', 'ConfigMap/cm', 'ConfigMap/cm2:k', 'Secret/s2:k2', 'Service/api',
    ]);
  });
});
