// `--deploy kubernetes`, for every combination of framework x postgres x redis x dockerfile:
// the files of deploy/kubernetes/, and the objects they stand for, checked with real parts
// (tests/support/kubernetes-check.ts): the base files as written, and the base, dev and prod as
// `kustomize build` (kustomize 5.8 from Debian) and `kubectl kustomize` (kubectl 1.36) build
// them, against the Kubernetes 1.36 OpenAPI schemas (kubernetes-models) and against our own
// rules for the points of issue 15 (tests/support/kubernetes-rules.ts). The last block breaks
// a manifest in the ways that matter and shows each check fails.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import type { ExtraOptionKey, ProjectOptions } from '../../src/options/table.js';
import { combinationsUnderTest, idWithoutPackageManager } from '../support/combinations.js';
import { listFiles, removeTempDirs, runMain, tempDir } from '../support/cli-run.js';
import {
  allSchemaErrors,
  kubectlKustomize,
  kustomizeBuild,
  kustomizeUnavailable,
  parseObjects,
  readObjects,
  type K8sObject,
} from '../support/kubernetes-check.js';
import { fieldErrors } from '../support/kubernetes-fields.js';
import { passwordInEnvironment, secretFileProblems, type SecretFileSpec } from '../support/kubernetes-secret-files.js';
import { expectedFromProject, kubernetesRuleFindings, type Expected } from '../support/kubernetes-rules.js';

afterAll(removeTempDirs);

type Combo = Omit<ProjectOptions, 'name' | 'description' | ExtraOptionKey>;
// The manifests do not depend on the package manager: the default one (uv) stands for both.
const COMBOS = combinationsUnderTest({ python: '3.13', deploy: ['kubernetes'], where: (c) => c.packageManager === 'uv', keep: ['flask-pg-redis-standard-uv', 'fastapi-nopg-noredis-multi-stage-uv'] });
const idOf = idWithoutPackageManager;
const K8S = 'deploy/kubernetes';
const BUILDS = ['base', 'overlays/dev', 'overlays/prod'] as const;
const noKustomize = kustomizeUnavailable();

const parent = tempDir('cpda-k8s-');
const projects = new Map<string, string>();

beforeAll(async () => {
  for (const combo of COMBOS) {
    const id = idOf(combo);
    const flags = ['--framework', combo.framework, combo.postgres ? '--postgres' : '--no-postgres', combo.redis ? '--redis' : '--no-redis', '--worker', combo.worker, combo.beat ? '--beat' : '--no-beat'];
    const run = await runMain([id, '--yes', ...flags, '--dockerfile', combo.dockerfile, '--deploy', 'kubernetes'], { cwd: parent });
    if (run.code !== 0) throw new Error(`${id}: exit ${run.code}: ${run.stderr}`);
    projects.set(id, path.join(parent, id));
  }
});

/** The resource files the base's kustomization.yaml lists, parsed. */
function baseObjects(dir: string): K8sObject[] {
  const base = path.join(dir, K8S, 'base');
  const kustomization = parseYaml(readFileSync(path.join(base, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return kustomization.resources.flatMap((file) => readObjects(path.join(base, file)));
}

/**
 * `kustomize build` of a project's base or overlay, once per folder: no test here changes a
 * project's files, so each build's output is kept and parsed afresh for every caller (who may
 * break its copy of the objects).
 */
const builds = new Map<string, Promise<string>>();
function buildText(dir: string, which: (typeof BUILDS)[number]): Promise<string> {
  const folder = path.join(dir, K8S, which);
  if (!builds.has(folder))
    builds.set(folder, kustomizeBuild(folder).then((r) => {
      if (r.code !== 0) throw new Error(`kustomize build ${which}: ${r.stderr}`);
      return r.stdout;
    }));
  return builds.get(folder)!;
}

async function built(dir: string, which: (typeof BUILDS)[number]): Promise<K8sObject[]> {
  return parseObjects(await buildText(dir, which));
}

const buildKind = (which: (typeof BUILDS)[number]): Expected['build'] => (which === 'base' ? 'base' : which === 'overlays/dev' ? 'dev' : 'prod');

describe.each(COMBOS.map((c) => [idOf(c), c] as const))('%s --deploy kubernetes', (id, combo) => {
  const dir = () => projects.get(id)!;

  it('writes deploy/kubernetes/ as a kustomize base with dev and prod overlays, every manifest a .yaml file', () => {
    const files = listFiles(dir()).filter((f) => f.startsWith('deploy/'));
    const devServices = combo.postgres || combo.redis;
    expect(files.sort()).toEqual(
      [
        '.gitignore', 'base/config.env', 'base/deployment.yaml', ...(combo.postgres ? ['base/hpa.yaml'] : []), 'base/kustomization.yaml',
        ...(combo.migrations ? ['base/migration-job.yaml'] : []), 'base/pdb.yaml',
        'base/secret.example', 'base/service.yaml', 'overlays/dev/kustomization.yaml', 'overlays/dev/secret.example',
        ...(devServices ? ['overlays/dev/services.yaml'] : []), 'overlays/prod/ingress.yaml', 'overlays/prod/kustomization.yaml',
        'README.md',
        // The worker's own Deployment and PodDisruptionBudget, no Service.
        ...(combo.worker === 'celery' ? ['base/worker-deployment.yaml', 'base/worker-pdb.yaml'] : []),
        // Beat's Deployment alone: no Service, no PodDisruptionBudget, no autoscaler.
        ...(combo.beat ? ['base/beat-deployment.yaml'] : []),
      ].map((f) => `${K8S}/${f}`).sort(),
    );
    const answers = JSON.parse(readFileSync(path.join(dir(), ANSWERS_FILE), 'utf8')) as { answers: { deploy: string[] } };
    expect(answers.answers.deploy).toEqual(['kubernetes']);
  });

  it('the base files validate against the Kubernetes 1.36 schemas and our rules', async () => {
    const objects = baseObjects(dir());
    const worker = combo.worker === 'celery' ? ['Deployment', 'PodDisruptionBudget'] : [];
    const beat = combo.beat ? ['Deployment'] : [];
    expect(objects.map((o) => o.kind).sort()).toEqual([...worker, ...beat, 'Deployment', ...(combo.postgres ? ['HorizontalPodAutoscaler'] : []), ...(combo.migrations ? ['Job'] : []), 'PodDisruptionBudget', 'Service'].sort());
    expect(await allSchemaErrors(objects)).toEqual([]);
    expect(kubernetesRuleFindings(objects, expectedFromProject(dir(), combo.framework, 'base', combo.migrations))).toEqual([]);
  });

  it('the Secret is only referenced: each secret.example lists its keys without values and the kubectl command', () => {
    // No password among them: it is the file of the Secret <name>-files (below).
    const app = [...(combo.postgres ? ['POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_USER', 'POSTGRES_DB'] : []), ...(combo.redis ? ['REDIS_URL'] : [])];
    for (const [file, namespace, keys] of [
      ['base/secret.example', id, app],
      ['overlays/dev/secret.example', `${id}-dev`, app],
    ] as const) {
      const example = readFileSync(path.join(dir(), K8S, file), 'utf8');
      expect([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => m[1]), file).toEqual(keys);
      for (const m of example.matchAll(/^([A-Z_]+)=(.*)$/gm)) expect(m[2], `${file}: ${m[1]} has a value`).toBe('');
      const overlay = file.startsWith('base') ? 'prod' : 'dev';
      expect(example).toContain(`kubectl -n ${namespace} create secret generic ${id} --from-env-file=${K8S}/overlays/${overlay}/secret.env`);
      // Prod's password file is the overlay's own, never the one the local stack was made with.
      const passwordFile = overlay === 'prod' ? `${K8S}/overlays/prod/secrets/postgres_password` : 'secrets/postgres_password';
      if (combo.postgres) expect(example).toContain(`kubectl -n ${namespace} create secret generic ${id}-files --from-file=postgres_password=${passwordFile}`);
      else expect(example).not.toContain('--from-file');
    }
    const deployment = readFileSync(path.join(dir(), K8S, 'base/deployment.yaml'), 'utf8');
    expect(deployment).toMatch(/secretRef:\n\s+name: /);
  });

  it.skipIf(noKustomize)(`kustomize builds the base, dev and prod; every object validates against the schemas and our rules${noKustomize ? ` (${noKustomize})` : ''}`, async () => {
    for (const which of BUILDS) {
      const objects = await built(dir(), which);
      const where = `${id}: kustomize build ${K8S}/${which}`;
      expect(await allSchemaErrors(objects), where).toEqual([]);
      expect(kubernetesRuleFindings(objects, expectedFromProject(dir(), combo.framework, buildKind(which), combo.migrations)), where).toEqual([]);
      const statefulSets = objects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name);
      const inCluster = which === 'overlays/dev' ? [...(combo.postgres ? ['db'] : []), ...(combo.redis ? ['redis'] : [])] : [];
      expect(statefulSets, `${where}: StatefulSets`).toEqual(inCluster);
    }
  });

  it.skipIf(noKustomize)('kubectl kustomize (what kubectl apply -k uses) builds the same objects as kustomize build', async () => {
    for (const which of BUILDS) {
      const [a, b] = await Promise.all([buildText(dir(), which), kubectlKustomize(path.join(dir(), K8S, which))]);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout, `${id}: ${which}`).toBe(a);
    }
  });
});

// What `kubectl apply` (strict field validation) would refuse and the schemas let through.
describe.skipIf(noKustomize)('unknown fields', () => {
  it('no object of any combination, in the base, dev or prod build, has a field Kubernetes 1.36 does not define', async () => {
    const objects: K8sObject[] = [];
    const labels: string[] = [];
    for (const [id, dir] of projects)
      for (const which of BUILDS)
        for (const o of await built(dir, which)) {
          objects.push(o);
          labels.push(`${id} ${which}`);
        }
    expect(objects.length).toBeGreaterThan(COMBOS.length * 3 * 5);
    expect(fieldErrors(objects, labels)).toEqual([]);
  });

  it('a misspelt field is reported (readOnlyRootFileSystem)', async () => {
    const objects = await built(projects.get(idOf(COMBOS[0]!))!, 'overlays/prod');
    const deployment = objects.find((o) => o.kind === 'Deployment') as K8sObject & { spec: any };
    deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    expect(fieldErrors(objects).join('\n')).toMatch(/'"readOnlyRootFileSystem"' does not exist in type 'ISecurityContext'/);
  });
});

describe('without --deploy', () => {
  it('a project has no deploy/ folder and its answers file records deploy as an empty list', async () => {
    const cwd = tempDir();
    const run = await runMain(['plain', '--yes'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(listFiles(path.join(cwd, 'plain')).filter((f) => f.startsWith('deploy/'))).toEqual([]);
    const answers = JSON.parse(readFileSync(path.join(cwd, 'plain', ANSWERS_FILE), 'utf8')) as { answers: { deploy: string[] } };
    expect(answers.answers.deploy).toEqual([]);
  });

  it('a script that gives every other flag but not --deploy still generates (deploy defaults to none, the empty list)', async () => {
    const cwd = tempDir();
    const flags = ['--description', 'x', '--framework', 'flask', '--python', '3.13', '--postgres', '--no-redis', '--dockerfile', 'standard', '--package-manager', 'pip'];
    const run = await runMain(['scripted', ...flags, '--json', '--dry-run'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).options.deploy).toEqual([]);
  });

  it.skipIf(noKustomize)('a project name with underscores becomes valid Kubernetes names (DNS-1123 labels), the image keeps it', async () => {
    const cwd = tempDir();
    expect((await runMain(['shop_api_2', '--yes', '--deploy', 'kubernetes'], { cwd })).code).toBe(0);
    const objects = await built(path.join(cwd, 'shop_api_2'), 'overlays/prod');
    for (const o of objects) expect(o.metadata.name, `${o.kind}`).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(objects.find((o) => o.kind === 'Deployment')!.metadata.name).toBe('shop-api-2');
    expect(JSON.stringify(objects)).toContain('"image":"registry.example.com/shop_api_2:0.1.0"');
  });

  it('--deploy accepts only none or its targets', async () => {
    const run = await runMain(['x', '--yes', '--deploy', 'nomad'], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--deploy must be kubernetes');
    expect(run.stderr).toContain('or none (got "nomad")');
  });
});

// Without PostgreSQL the app's items live in its process (the memory store): two pods, or two
// workers, would be two stores behind one Service. Every such combination, both overlays.
describe.skipIf(noKustomize)('--no-postgres --deploy kubernetes: one pod, one worker, no autoscaler', () => {
  const single = COMBOS.filter((c) => !c.postgres);
  it.each(single.map((c) => [idOf(c), c] as const))('%s: dev and prod run one pod with one worker, a drain can evict it, and the manifest and README say why', async (id) => {
    const dir = projects.get(id)!;
    for (const which of ['overlays/dev', 'overlays/prod'] as const) {
      const objects = await built(dir, which);
      expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler'), which).toEqual([]);
      const deployment = objects.find((o) => o.kind === 'Deployment')!.spec as { replicas?: number; strategy?: { type?: string } };
      expect(deployment.replicas, which).toBe(1);
      expect(deployment.strategy?.type, which).toBe('Recreate');
      expect((objects.find((o) => o.kind === 'ConfigMap')!.data as Record<string, string>).WEB_CONCURRENCY, which).toBe('1');
      const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget')!.spec as { maxUnavailable?: number; unhealthyPodEvictionPolicy?: string };
      expect(pdb, which).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    }
    expect(readFileSync(path.join(dir, K8S, 'base/deployment.yaml'), 'utf8')).toMatch(/replicas: 1\n/);
    expect(readFileSync(path.join(dir, K8S, 'base/deployment.yaml'), 'utf8')).toMatch(/keeps\n\s+# its data in the memory of its one process/);
    expect(readFileSync(path.join(dir, K8S, 'README.md'), 'utf8')).toMatch(/## One pod\n\nThis app runs one pod and no HorizontalPodAutoscaler/);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('Without PostgreSQL the app runs one pod and no autoscaler');
  });

  it('our rules catch a second store: an autoscaler, two replicas, a rolling update, two workers', async () => {
    const dir = projects.get(idOf(single[0]!))!;
    const expected = expectedFromProject(dir, single[0]!.framework, 'prod', false);
    const pristine = await built(dir, 'overlays/prod');
    expect(kubernetesRuleFindings(pristine, expected)).toEqual([]);
    const withPostgres = await built(projects.get(idOf(COMBOS.find((c) => c.postgres && c.framework === single[0]!.framework)!))!, 'overlays/prod');
    const breaks: [(o: K8sObject[]) => void, RegExp][] = [
      [(o) => o.push(withPostgres.find((x) => x.kind === 'HorizontalPodAutoscaler')!), /an autoscaler for an app that keeps its data in its process/],
      [(o) => ((o.find((x) => x.kind === 'Deployment')!.spec as { replicas: number }).replicas = 2), /replicas 2, not 1/],
      [(o) => ((o.find((x) => x.kind === 'Deployment')!.spec as { strategy: object }).strategy = { type: 'RollingUpdate' }), /strategy must be Recreate/],
      [(o) => ((o.find((x) => x.kind === 'ConfigMap')!.data as Record<string, string>).WEB_CONCURRENCY = '2'), /WEB_CONCURRENCY 2/],
    ];
    for (const [change, finding] of breaks) {
      const copy = structuredClone(pristine);
      change(copy);
      expect(kubernetesRuleFindings(copy, expected).join('\n')).toMatch(finding);
    }
  });
});

// Each check must be able to fail: the prod build of one project, broken one way at a time.
describe.skipIf(noKustomize)('the checks catch a broken manifest', () => {
  type Mutation = [what: string, change: (objects: K8sObject[]) => void, finding: RegExp];
  const app = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Deployment')! as K8sObject & { spec: any };
  const container = (objects: K8sObject[]) => app(objects).spec.template.spec.containers[0];
  const mutations: Mutation[] = [
    ['readOnlyRootFilesystem off', (o) => (container(o).securityContext.readOnlyRootFilesystem = false), /readOnlyRootFilesystem is not true/],
    ['capabilities kept', (o) => delete container(o).securityContext.capabilities, /capabilities are not all dropped/],
    ['no seccomp profile', (o) => delete app(o).spec.template.spec.securityContext.seccompProfile, /seccompProfile is not RuntimeDefault/],
    ['the service-account token mounted', (o) => delete app(o).spec.template.spec.automountServiceAccountToken, /automountServiceAccountToken/],
    ['root', (o) => (app(o).spec.template.spec.securityContext.runAsUser = 0), /runs as UID 0, not the image's 10001/],
    ['a probe on the wrong port', (o) => (container(o).readinessProbe.httpGet.port = 8001), /readinessProbe probes port 8001/],
    ['a probe on the wrong path', (o) => (container(o).livenessProbe.httpGet.path = '/healthz'), /livenessProbe calls \/healthz/],
    ['no /tmp emptyDir', (o) => (container(o).volumeMounts = container(o).volumeMounts.filter((m: any) => m.mountPath !== '/tmp')), /\/tmp is not an emptyDir mount/],
    ['a short grace period', (o) => (app(o).spec.template.spec.terminationGracePeriodSeconds = 30), /terminationGracePeriodSeconds 30 is not above/],
    ['no memory limit', (o) => delete container(o).resources.limits.memory, /no memory limit/],
    ['a committed Secret', (o) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'x' }, stringData: { A: 'b' } }), /a Secret object is committed/],
    ['an untagged image', (o) => (container(o).image = 'registry.example.com/x'), /has no tag or digest/],
    ['a Service on another port', (o) => (o.find((s) => s.kind === 'Service')!.spec as any).ports[0].targetPort = 9000, /targetPort 9000/],
    ['no Ingress', (o) => o.splice(o.findIndex((s) => s.kind === 'Ingress'), 1), /no Ingress example/],
    ['readiness on /health (no database check)', (o) => (container(o).readinessProbe.httpGet.path = '/health'), /readinessProbe calls \/health, not \/ready/],
    ['liveness on /ready (an outage would restart every pod)', (o) => (container(o).livenessProbe.httpGet.path = '/ready'), /livenessProbe calls \/ready, not \/health/],
    ['a PDB that blocks every drain', (o) => (pdb(o).spec = { ...pdb(o).spec, maxUnavailable: undefined, minAvailable: 2 }), /blocks every drain at 2 pod\(s\)/],
    ['a PDB that keeps unready pods', (o) => delete pdb(o).spec.unhealthyPodEvictionPolicy, /unhealthyPodEvictionPolicy is not AlwaysAllow/],
    ['no autoscaler with PostgreSQL', (o) => o.splice(o.findIndex((s) => s.kind === 'HorizontalPodAutoscaler'), 1), /expected one HorizontalPodAutoscaler, found 0/],
  ];
  const pdb = (objects: K8sObject[]) => objects.find((o) => o.kind === 'PodDisruptionBudget')! as K8sObject & { spec: any };
  const schemaMutations: Mutation[] = [
    ['a port given as text', (o) => (container(o).ports[0].containerPort = '8000'), /containerPort must be integer/],
    ['an unknown probe handler value', (o) => (container(o).readinessProbe.httpGet.scheme = 'FTP'), /scheme must be equal to one of the allowed values/],
    ['a missing selector', (o) => delete app(o).spec.selector, /\/spec must have required property selector/],
  ];
  let pristine: K8sObject[] = [];
  let expected: Expected;
  beforeAll(async () => {
    const combo = COMBOS.find((c) => c.framework === 'flask' && c.postgres && c.redis)!;
    const dir = projects.get(idOf(combo))!;
    pristine = await built(dir, 'overlays/prod');
    expected = expectedFromProject(dir, combo.framework, 'prod', combo.migrations);
  });
  const broken = (change: (o: K8sObject[]) => void) => {
    const copy = structuredClone(pristine);
    change(copy);
    return copy;
  };

  it('the unbroken build passes both', async () => {
    expect(kubernetesRuleFindings(pristine, expected)).toEqual([]);
    expect(await allSchemaErrors(pristine)).toEqual([]);
  });
  it.each(mutations)('our rules: %s', (_what, change, finding) => {
    expect(kubernetesRuleFindings(broken(change), expected).join('\n')).toMatch(finding);
  });
  it.each(schemaMutations)('the schema: %s', async (_what, change, finding) => {
    expect((await allSchemaErrors(broken(change))).join('\n')).toMatch(finding);
  });
});

// Issue 23: the database password is a file in every pod that reads it, never a variable.
describe.skipIf(noKustomize)('the database password is a mounted file, never in an environment', () => {
  const withPostgres = COMBOS.filter((c) => c.postgres);
  const spec = (id: string): SecretFileSpec => ({ secretName: `${id}-files`, key: 'postgres_password', path: '/run/secrets/postgres_password' });
  /** The keys of the Secrets the flow creates, from each overlay's secret.example (secret.env is its filled-in copy). */
  const secretKeys = (dir: string, id: string, overlay: 'dev' | 'prod'): Record<string, string[]> => {
    const example = readFileSync(path.join(dir, K8S, overlay === 'prod' ? 'base/secret.example' : 'overlays/dev/secret.example'), 'utf8');
    return { [id]: [...example.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!), [`${id}-files`]: ['postgres_password'] };
  };
  /** The containers that connect to the database, per build. */
  const readers = (objects: K8sObject[]) =>
    objects.flatMap((o) => {
      const pod = (o.spec as any)?.template?.spec;
      if (!pod || o.kind === 'StatefulSet' && o.metadata.name !== 'db') return [];
      if (o.kind === 'StatefulSet') return [[o, 'postgres'] as const];
      return [...(pod.initContainers ?? []), ...pod.containers].map((c: { name: string }) => [o, c.name] as const);
    });

  it.each(withPostgres.map((c) => [idOf(c), c] as const))('%s: no container has it in env or envFrom; the app, the migration Job and the dev PostgreSQL read /run/secrets/postgres_password', async (id, combo) => {
    const dir = projects.get(id)!;
    for (const overlay of ['dev', 'prod'] as const) {
      const objects = await built(dir, `overlays/${overlay}`);
      expect(passwordInEnvironment(objects, spec(id), secretKeys(dir, id, overlay)), overlay).toEqual([]);
      const pairs = readers(objects);
      expect(pairs.map(([o, c]) => `${o.kind}/${c}`).sort(), overlay).toEqual(
        ['Deployment/app', ...(combo.worker === 'celery' ? ['Deployment/worker'] : []), ...(combo.beat ? ['Deployment/beat'] : []), ...(combo.migrations ? ['Job/migrate', 'Job/wait-for-database'] : []), ...(overlay === 'dev' ? ['StatefulSet/postgres'] : [])].sort(),
      );
      for (const [o, c] of pairs) expect(secretFileProblems(o, c, spec(id)), `${overlay} ${o.kind}/${c}`).toEqual([]);
      const db = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'db') as any;
      if (db) {
        const postgres = db.spec.template.spec.containers[0];
        expect(postgres.env).toContainEqual({ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/postgres_password' });
        // The entry point exports what it read; the server is started by a launcher that drops
        // it, as compose.yaml's db does, with the image's own entry point and command.
        expect(postgres.command.slice(0, 2)).toEqual(['sh', '-c']);
        expect(postgres.command[2]).toMatch(/unset POSTGRES_PASSWORD\\n[\s\S]*exec docker-entrypoint\.sh "\$@"/);
        expect(postgres.args).toEqual(['postgres']);
      }
    }
  });

  it('catches the password put back into a variable, a Secret with it read whole, a missing mount and an unreadable mode', async () => {
    const combo = withPostgres.find((c) => c.migrations)!;
    const id = idOf(combo);
    const dir = projects.get(id)!;
    const pristine = await built(dir, 'overlays/dev');
    const keys = secretKeys(dir, id, 'dev');
    const app = (o: K8sObject[]) => (o.find((x) => x.kind === 'Deployment') as any).spec.template.spec;
    const breaks: [(o: K8sObject[]) => void, RegExp, 'env' | 'file'][] = [
      [(o) => app(o).containers[0].env = [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: `${id}-files`, key: 'postgres_password' } } }], /env POSTGRES_PASSWORD from Secret .*-files key postgres_password/, 'env'],
      [(o) => app(o).containers[0].envFrom.push({ secretRef: { name: `${id}-files` } }), /envFrom Secret .*-files, which has postgres_password/, 'env'],
      [(o) => (app(o).containers[0].volumeMounts = app(o).containers[0].volumeMounts.filter((m: any) => m.name !== 'secret-files')), /nothing mounts key postgres_password/, 'file'],
      [(o) => delete app(o).securityContext.fsGroup, /mode 0440 \(fsGroup none\) cannot be read/, 'file'],
      [(o) => delete app(o).containers[0].volumeMounts.find((m: any) => m.name === 'secret-files').readOnly, /is not mounted readOnly/, 'file'],
    ];
    expect(passwordInEnvironment(pristine, spec(id), keys)).toEqual([]);
    for (const [change, finding, which] of breaks) {
      const copy = structuredClone(pristine);
      change(copy);
      const deployment = copy.find((x) => x.kind === 'Deployment')!;
      const found = which === 'env' ? passwordInEnvironment(copy, spec(id), keys) : secretFileProblems(deployment, 'app', spec(id));
      expect(found.join('\n')).toMatch(finding);
    }
  });
});

// A backstop for everything the targeted checks above do not look at (comments, README).
describe('snapshots of deploy/kubernetes', () => {
  it.each(['flask-pg-redis-standard', 'fastapi-nopg-noredis-multi-stage'])('%s', (id) => {
    const dir = projects.get(id)!;
    const files = listFiles(dir).filter((f) => f.startsWith('deploy/'));
    expect(Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]))).toMatchSnapshot();
  });
});
