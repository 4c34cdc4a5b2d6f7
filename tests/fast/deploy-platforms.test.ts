// Cloud Run and Azure Container Instances (issue 25): for every framework with and without
// PostgreSQL, Redis and migrations, the files each target emits are valid by the platform's own
// definition, offline and strictly, and keep the Kubernetes manifests' guarantees:
//  - the Cloud Run Service against Knative Serving's API types (@kubernetes-models/knative,
//    generated from knative.dev/serving's Go types; the TypeScript compiler refuses an unknown
//    field or a wrongly typed value at any depth, as for the Kubernetes manifests);
//  - the Cloud Run Job against the Cloud Run Admin API v1 discovery document (vendored:
//    tests/support/schemas/README.md), unknown fields refused as the API refuses them;
//  - (ACI's container groups against Azure's SDK model: tests/tools/deploy-platforms-aci.test.ts,
//    which needs PyPI);
//  - no literal secret, the app's port served, no root user, the image from settings.env only,
//    the graceful stop inside the platform's grace period, max instances within PostgreSQL's
//    connection budget, and one instance for the in-memory store;
//  - the READMEs' shell blocks parse (`bash -n`); the commands themselves need an account.
// Each check is shown to fail on the fault it guards.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles, removeTempDirs, runMain, tempDir } from '../support/cli-run.js';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { READY_PATH } from '../../src/engine/context.js';
import { CONNECTION_BUDGET, PLATFORM_GRACE_SECONDS } from '../../src/features/managed-platforms.js';
import { RUNTIME_LIMITS } from '../../src/features/runtime-limits.js';
import { MAX_NAME_LENGTH } from '../../src/options/names.js';
import { combinationId } from '../../src/options/table.js';
import { discoveryValidator } from '../support/discovery-schema.js';
import type { K8sObject } from '../support/kubernetes-check.js';
import { fieldErrors } from '../support/kubernetes-fields.js';
import { mutate } from '../support/mutate.js';
import { appContainerFaults, containersOf, documentsOf, gracefulSeconds, literalSecrets } from '../support/platform-rules.js';
import { containerRunOf } from '../support/platform-run.js';
import { PLATFORMS, renderPlatform, type Platform, PLATFORM_COMBOS, type PlatformCombo } from '../support/platforms.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const validateJob = discoveryValidator(path.join(HERE, '../support/schemas/cloud-run-admin-v1.discovery.json'), 'Job');
const PORT = 8000;

type Combo = PlatformCombo;
const COMBOS = PLATFORM_COMBOS;
const idOf = (c: Combo) => combinationId(c, ['framework', 'postgres', { key: 'migrations', onlyWith: 'postgres' }, 'redis']);

const fileOf = (files: readonly RenderedFile[], name: string): RenderedFile => {
  const file = files.find((f) => f.path.endsWith(`/${name}`));
  if (!file) throw new Error(`no ${name} among ${files.map((f) => f.path).join(', ')}`);
  return file;
};
const docOf = (text: string) => documentsOf(text)[0]!;
const withText = (file: RenderedFile, contents: string): RenderedFile => ({ ...file, contents });

/** PostgreSQL connections at most: two revisions at maxScale during a release, plus the migration. */
function cloudRunConnections(service: Record<string, unknown>): number {
  const template = (service as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template;
  const maxScale = Number(template.metadata.annotations['autoscaling.knative.dev/maxScale']);
  const workers = Number(containersOf(service)[0]!.env.WEB_CONCURRENCY);
  return 2 * maxScale * workers * (RUNTIME_LIMITS.database.poolSize + RUNTIME_LIMITS.database.maxOverflow) + 1;
}

// One compiler run for every combination (each run costs seconds).
it("Cloud Run: every combination's Service is a Knative Service by Knative's API types", () => {
  const services = COMBOS.map((c) => docOf(fileOf(renderPlatform('cloud-run', c), 'service.yaml').contents) as unknown as K8sObject);
  expect(fieldErrors(services, COMBOS.map(idOf))).toEqual([]);
});

describe.each(COMBOS.map((c) => [idOf(c), c] as const))('%s', (_id, combo) => {
  const files = Object.fromEntries(PLATFORMS.map((p) => [p, renderPlatform(p, combo)])) as Record<Platform, RenderedFile[]>;

  it('Cloud Run: the Job, with migrations, is a Cloud Run Job by the Admin API', () => {
    const job = files['cloud-run'].find((f) => f.path.endsWith('/migrate-job.yaml'));
    expect(job !== undefined).toBe(combo.migrations);
    if (job) expect(validateJob(docOf(job.contents))).toEqual([]);
  });

  it.each(PLATFORMS)('%s: no literal secret, the port served, no root user, the image from settings.env', (platform) => {
    expect(literalSecrets(files[platform])).toEqual([]);
    for (const file of files[platform].filter((f) => f.path.endsWith('.yaml'))) expect(appContainerFaults(docOf(file.contents), PORT)).toEqual([]);
    const images = files[platform].flatMap((f) => [...f.contents.matchAll(/^\s*IMAGE=|image: .*/gm)].map((m) => m[0].trim()));
    expect(new Set(images.filter((i) => i !== 'IMAGE=')), 'every image: line reads ${IMAGE}').toEqual(new Set(['image: ${IMAGE}']));
  });

  // The container run asks the probes the file names (containerRunOf, liveness first), so it
  // cannot see a probe moved or dropped: the paths are pinned here, against the app's routes.
  it.each(['cloud-run', 'aci'] as const)('%s: liveness asks /health and readiness the readiness route', (platform) => {
    expect(containerRunOf(platform, files[platform], {}).probes).toEqual([`http://127.0.0.1:${PORT}/health`, `http://127.0.0.1:${PORT}${READY_PATH}`]);
  });

  it.each(PLATFORMS)('%s: the server stops inside the platform grace period', (platform) => {
    const app = files[platform].find((f) => /\/(service|container-group)\.yaml$/.test(f.path))!;
    const [container] = containersOf(docOf(app.contents));
    expect(gracefulSeconds(container!.command!)).toBeLessThan(PLATFORM_GRACE_SECONDS);
  });

  it('Cloud Run: max instances keep PostgreSQL within its connection budget, or one instance for the in-memory store', () => {
    const service = docOf(fileOf(files['cloud-run'], 'service.yaml').contents);
    const annotations = (service as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template.metadata.annotations;
    if (combo.postgres) expect(cloudRunConnections(service)).toBeLessThanOrEqual(CONNECTION_BUDGET);
    else {
      // Constrained, and saying why, where the user reads it: the file and the README.
      expect(fileOf(files['cloud-run'], 'service.yaml').contents).toMatch(/One instance at most: without PostgreSQL the app keeps its data in the\s+# memory of its one process/);
      expect(fileOf(files['cloud-run'], 'README.md').contents).toContain('At most one instance');
      expect(fileOf(files.aci, 'container-group.yaml').contents).toMatch(/Keep it one group: without PostgreSQL the app keeps its data in the memory/);
      expect(annotations['autoscaling.knative.dev/maxScale']).toBe('1');
      expect(containersOf(service)[0]!.env.WEB_CONCURRENCY).toBe('1');
    }
  });

  it.each(PLATFORMS)("%s: the README's shell blocks parse", (platform) => {
    const readme = fileOf(files[platform], 'README.md').contents;
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) {
      const result = spawnSync('bash', ['-n'], { input: block, encoding: 'utf8' });
      expect(result.stderr, block).toBe('');
      expect(result.status).toBe(0);
    }
  });
});

it("the longest project name fits each platform's name limits", () => {
  const name = 'a'.repeat(MAX_NAME_LENGTH);
  const settings = (platform: Platform) => Object.fromEntries(fileOf(renderPlatform(platform, { name, postgres: true }), 'settings.env').contents.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.split('=')[0]!, l.slice(l.indexOf('=') + 1)]));
  const service = docOf(fileOf(renderPlatform('cloud-run', { name }), 'service.yaml').contents) as { metadata: { name: string } };
  expect(service.metadata.name.length).toBeLessThanOrEqual(49);
  const account = settings('cloud-run').SERVICE_ACCOUNT!.split('@')[0]!;
  expect(account.length).toBeGreaterThanOrEqual(6);
  expect(account.length).toBeLessThanOrEqual(30);
  expect(settings('aci').KEY_VAULT!.length).toBeLessThanOrEqual(24);
  expect(settings('aci').REGISTRY!.split('.')[0]).toMatch(/^[a-z0-9]{5,50}$/);
});

describe('add deploy on a generated project', () => {
  afterAll(removeTempDirs);

  it.each(PLATFORMS)('add deploy %s writes what --deploy would have, file for file', async (platform) => {
    const cwd = tempDir();
    const flags = ['--yes', '--framework', 'fastapi', '--postgres', '--redis', '--no-ci', '--no-dependabot'];
    expect((await runMain(['plain', ...flags, '--deploy', 'none'], { cwd })).code).toBe(0);
    expect((await runMain(['withit', ...flags, '--deploy', platform], { cwd })).code).toBe(0);
    const added = await runMain(['add', 'deploy', platform, '--dir', path.join(cwd, 'plain'), '--yes'], { cwd });
    expect(added.code, added.stderr).toBe(0);
    const deployFiles = (dir: string) => Object.fromEntries(listFiles(dir).filter((f) => f.startsWith('deploy/')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
    const withIt = deployFiles(path.join(cwd, 'withit'));
    expect(Object.keys(withIt).length).toBeGreaterThan(2);
    expect(deployFiles(path.join(cwd, 'plain'))).toEqual(JSON.parse(JSON.stringify(withIt).replaceAll('withit', 'plain')));
  });
});

describe('a broken file fails its check', () => {
  const cloudRun = renderPlatform('cloud-run', { framework: 'flask', postgres: true, redis: true, migrations: true });
  const aci = renderPlatform('aci', { framework: 'fastapi', postgres: true, redis: true, migrations: true });
  const service = fileOf(cloudRun, 'service.yaml');
  const job = fileOf(cloudRun, 'migrate-job.yaml');
  const group = fileOf(aci, 'container-group.yaml');

  it("Knative's types refuse a misspelt key and a wrong type in the Service", () => {
    const misspelt = docOf(mutate(service.contents, 'containerConcurrency:', 'containerConcurency:'));
    const wrongType = docOf(mutate(service.contents, 'timeoutSeconds: 60', 'timeoutSeconds: [60]'));
    const errors = fieldErrors([misspelt, wrongType] as unknown as K8sObject[], ['misspelt', 'wrong type']);
    expect(errors.filter((e) => e.startsWith('misspelt: ')).join('\n')).toMatch(/containerConcurency"' does not exist in type 'IRevisionSpec'/);
    expect(errors.filter((e) => e.startsWith('wrong type: ')).join('\n')).toMatch(/not assignable to type 'number'/);
  });

  it('the Admin API definition refuses a misspelt key and a wrong type in the Job', () => {
    const misspelt = validateJob(docOf(mutate(job.contents, 'maxRetries:', 'maxRetry:')));
    expect(misspelt.map((e) => e.params)).toContainEqual({ additionalProperty: 'maxRetry' });
    const wrongType = validateJob(docOf(mutate(job.contents, 'taskCount: 1', 'taskCount: one')));
    expect(wrongType.map((e) => `${e.instancePath} ${e.message}`)).toContain('/spec/template/spec/taskCount must be integer');
  });

  it('a literal password, a URL with credentials or a literal secure value is found', () => {
    const literal = mutate(service.contents, '- name: POSTGRES_DB\n', '- name: POSTGRES_PASSWORD\n              value: hunter2hunter2\n            - name: POSTGRES_DB\n');
    expect(literalSecrets([withText(service, literal)])).toEqual([`${service.path}: POSTGRES_PASSWORD has a plain value`]);
    const url = mutate(service.contents, 'redis://${REDIS_HOST}', 'redis://:s3cretkey@${REDIS_HOST}');
    expect(literalSecrets([withText(service, url)])).toHaveLength(1);
    const secure = mutate(group.contents, 'secureValue: ${REDIS_URL}', 'secureValue: rediss-literal');
    expect(literalSecrets([withText(group, secure)])).toEqual([`${group.path}: REDIS_URL's secureValue is a literal`]);
    const volume = mutate(group.contents, 'postgres_password: ${POSTGRES_PASSWORD_BASE64}', 'postgres_password: aHVudGVyMg==');
    expect(literalSecrets([withText(group, volume)])).toEqual([`${group.path}: secret volume entry postgres_password is a literal`]);
  });

  it('a missing port, a root user or a second image reference is found', () => {
    const noPort = docOf(mutate(service.contents, 'containerPort: 8000', 'containerPort: 9000'));
    expect(appContainerFaults(noPort, PORT)).toEqual(['app: no port 8000']);
    const root = docOf(mutate(service.contents, 'runAsUser: 10001', 'runAsUser: 0'));
    expect(appContainerFaults(root, PORT)).toEqual(['app: runs as root (runAsUser 0)']);
    const groupNoPort = docOf(mutate(group.contents, /ipAddress:\n(.*\n){3}      - port: 8000/, 'ipAddress:\n    type: Public\n    dnsNameLabel: x\n    ports:\n      - port: 80'));
    expect(appContainerFaults(groupNoPort, PORT)).toEqual(['group: port 8000 not exposed']);
    const pinned = docOf(mutate(group.contents, 'image: ${IMAGE}', 'image: docker.io/library/demo-api:latest'));
    expect(appContainerFaults(pinned, PORT)).toHaveLength(1);
  });

  it('a graceful stop beyond the grace period, or more instances than the budget, is found', () => {
    const slow = containersOf(docOf(mutate(service.contents, '- "8"', '- "30"')))[0]!;
    expect(gracefulSeconds(slow.command!)).toBeGreaterThanOrEqual(PLATFORM_GRACE_SECONDS);
    const many = docOf(mutate(service.contents, /maxScale: "\d+"/, 'maxScale: "20"'));
    expect(cloudRunConnections(many)).toBeGreaterThan(CONNECTION_BUDGET);
  });
});
