// --beat (src/features/celery-beat, src/features/kubernetes-beat): Celery beat beside the Celery
// worker. Only with the worker (a one-line refusal otherwise); its files only with the flag; one
// beat, ever: one Compose service with the worker's hardening, and under Kubernetes one
// Deployment of one replica replaced with Recreate, which no autoscaler, disruption budget or
// Service touches. What it sends is run on the real engine by tests/stack/stack-compose.test.ts.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProjectOptions } from '../../src/options/values.js';
import { removeTempDirs, runMain, tempDir } from '../support/cli-run.js';
import { COMPOSE_YAML_TAGS } from '../support/compose-check.js';
import { hardeningProblems } from '../support/compose-hardening.js';
import { render } from '../support/generate.js';
import { kustomizeBuild, kustomizeUnavailable, parseObjects, type K8sObject } from '../support/kubernetes-check.js';

afterAll(removeTempDirs);

const WORKER = { postgres: true, redis: true, migrations: true, worker: 'celery' } as const satisfies Partial<ProjectOptions>;
const file = (overrides: Partial<ProjectOptions>, p: string) => render(overrides).find((f) => f.path === p)?.contents;
const paths = (overrides: Partial<ProjectOptions>) => render(overrides).map((f) => f.path);

interface ComposeService {
  image: string;
  command: string[];
  deploy?: { replicas?: number };
  ports?: unknown[];
  depends_on: Record<string, { condition: string }>;
  healthcheck: { test: string[] };
  tmpfs?: string[];
  environment: Record<string, string>;
  volumes?: string[];
}
const services = (text: string) => (parseYaml(text, { customTags: COMPOSE_YAML_TAGS }) as { services: Record<string, ComposeService> }).services;

describe('--beat on the command line', () => {
  it.each([[['--beat']], [['--beat', '--worker', 'none']]])('%j without --worker celery is refused in one line naming what beat needs (exit 2), nothing written', async (flags) => {
    const cwd = tempDir();
    const run = await runMain(['app', '--yes', ...flags], { cwd });
    expect([run.code, run.stderr.trim().split('\n')]).toEqual([2, ['error: --beat needs --worker celery: beat only sends tasks, the Celery worker runs them']]);
    expect(run.stdout).toBe('');
  });

  it('--no-beat without the worker is what it says: accepted', async () => {
    const run = await runMain(['app', '--yes', '--no-beat', '--dry-run'], { cwd: tempDir() });
    expect(run.code, run.stderr).toBe(0);
  });

  it('--beat with the worker is recorded in the answers file', async () => {
    const cwd = tempDir();
    const run = await runMain(['app', '--yes', '--worker', 'celery', '--beat', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).options).toMatchObject({ worker: 'celery', beat: true });
  });
});

describe.each(['fastapi', 'flask'] as const)('%s: the files beat adds', (framework) => {
  it('only with the flag: its module, its tests and, under Kubernetes, its Deployment', () => {
    const without = paths({ ...WORKER, framework, deploy: ['kubernetes'] });
    const withBeat = paths({ ...WORKER, framework, deploy: ['kubernetes'], beat: true });
    expect(withBeat.filter((p) => !without.includes(p)).sort()).toEqual(['app/periodic.py', 'deploy/kubernetes/base/beat-deployment.yaml', 'tests/test_periodic.py']);
    expect(without.filter((p) => !withBeat.includes(p))).toEqual([]);
  });

  it('the worker registers the periodic tasks; the settings read BEAT_INTERVAL_SECONDS, which .env.example names', () => {
    const options = { ...WORKER, framework, beat: true };
    expect(file(options, 'app/worker.py')).toMatch(/^from \.periodic import add_periodic_tasks$[\s\S]*^ {4}add_periodic_tasks\(celery, settings, store\)$/m);
    expect(file(options, 'app/settings.py')).toContain('beat_interval_seconds');
    expect(file(options, '.env.example')).toMatch(/^BEAT_INTERVAL_SECONDS=60$/m);
    expect(file({ ...WORKER, framework }, 'app/worker.py')).not.toContain('periodic');
  });
});

describe('compose.yaml: exactly one beat, hardened as the worker', () => {
  const compose = file({ ...WORKER, beat: true }, 'compose.yaml')!;
  const all = services(compose);
  const beat = all.beat!;

  it('is the app’s image running `celery --app app.worker_app beat`, its schedule file in a tmpfs', () => {
    expect(beat.image).toBe(all.app!.image);
    expect(beat.command.slice(0, 4)).toEqual(['celery', '--app', 'app.worker_app', 'beat']);
    const schedule = beat.command[beat.command.indexOf('--schedule') + 1]!;
    const tmpfs = (beat.tmpfs ?? []).map((t) => t.split(':')[0]!);
    expect(tmpfs.some((dir) => schedule.startsWith(`${dir}/`)), `${schedule} in ${tmpfs.join(', ')}`).toBe(true);
  });

  it('runs one instance and publishes nothing', () => {
    expect(beat.deploy).toEqual({ replicas: 1 });
    expect(beat.ports).toBeUndefined();
  });

  it('waits for Redis alone, healthy; reads the interval with its default', () => {
    expect(beat.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(beat.environment.BEAT_INTERVAL_SECONDS).toBe('${BEAT_INTERVAL_SECONDS:-60}');
  });

  it('its health check is the worker’s heartbeat probe, which asks Redis nothing', () => {
    expect(beat.healthcheck.test).toEqual(all.worker!.healthcheck.test);
    expect(beat.healthcheck.test).toEqual(['CMD', 'python', 'app/heartbeat.py']);
  });

  it('every service passes the hardening check, beat included', () => {
    expect(hardeningProblems(compose)).toEqual([]);
    expect(Object.keys(all)).toContain('beat');
  });

  it('compose.override.yaml restarts it on a code change, the code mounted read-only, as the worker', () => {
    const override = services(file({ ...WORKER, beat: true }, 'compose.override.yaml')!);
    expect(override.beat!.command.slice(0, 3)).toEqual(['watchfiles', '--filter', 'python']);
    expect(override.beat!.command[3]).toBe(beat.command.join(' '));
    expect(override.beat!.volumes).toEqual(override.worker!.volumes);
  });
});

describe('README: how to run beat, why one only, how to change the schedule', () => {
  it('has a Periodic tasks section with beat, and the worker’s pointer to it instead of “not set up”', () => {
    const readme = file({ ...WORKER, beat: true }, 'README.md')!;
    expect(readme).toContain('## Periodic tasks');
    expect(readme).toContain('**Exactly one beat.**');
    expect(readme).toContain('**Changing the schedule.** `BEAT_INTERVAL_SECONDS`');
    expect(readme).not.toContain('are not set up');
    const without = file(WORKER, 'README.md')!;
    expect(without).not.toContain('## Periodic tasks');
    expect(without).toContain('(Celery beat) are not set up: `add worker --beat` adds them');
  });

  it('says one replica and Recreate under Kubernetes only', () => {
    expect(file({ ...WORKER, beat: true, deploy: ['kubernetes'] }, 'README.md')).toContain('`replicas: 1` and `strategy: Recreate`');
    expect(file({ ...WORKER, beat: true }, 'README.md')).not.toContain('strategy: Recreate');
  });
});

const noKustomize = kustomizeUnavailable();
describe.skipIf(noKustomize)(noKustomize ? `Kubernetes: one beat pod (skipped: ${noKustomize})` : 'Kubernetes: one beat pod, ever', () => {
  const dir = path.join(tempDir('cpda-beat-k8s-'), 'demo-api');
  for (const f of render({ ...WORKER, beat: true, deploy: ['kubernetes'] })) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
  const built = async (overlay: string): Promise<K8sObject[]> => {
    const r = await kustomizeBuild(path.join(dir, 'deploy/kubernetes/overlays', overlay));
    if (r.code !== 0) throw new Error(`kustomize build ${overlay}: ${r.stderr}`);
    return parseObjects(r.stdout);
  };
  const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
  type Pod = { securityContext: unknown; containers: { securityContext: unknown; livenessProbe: unknown; readinessProbe: unknown; startupProbe: unknown }[] };
  const podOf = (o: K8sObject) => (o.spec as { template: { spec: Pod } }).template.spec;

  it.each(['dev', 'prod'])('%s: one Deployment of one replica, strategy Recreate (no rollout overlap)', async (overlay) => {
    const beats = (await built(overlay)).filter((o) => component(o) === 'beat');
    expect(beats.map((o) => o.kind)).toEqual(['Deployment']);
    expect((beats[0]!.spec as { replicas: number; strategy: unknown })).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
  });

  it.each(['dev', 'prod'])('%s: no autoscaler, disruption budget or Service reaches it', async (overlay) => {
    const objects = await built(overlay);
    const beat = objects.find((o) => o.kind === 'Deployment' && component(o) === 'beat')!;
    const reaching = objects.filter((o) => {
      const spec = o.spec as { scaleTargetRef?: { name: string }; selector?: { matchLabels?: Record<string, string> } & Record<string, string> } | undefined;
      if (o.kind === 'HorizontalPodAutoscaler') return spec?.scaleTargetRef?.name === beat.metadata.name;
      if (o.kind === 'PodDisruptionBudget') return spec?.selector?.matchLabels?.['app.kubernetes.io/component'] === 'beat';
      if (o.kind === 'Service') return spec?.selector?.['app.kubernetes.io/component'] === 'beat';
      return false;
    });
    expect(reaching.map((o) => o.kind)).toEqual([]);
  });

  it('runs with the worker’s security context and the worker’s heartbeat probes', async () => {
    const objects = await built('prod');
    const [beat, worker] = ['beat', 'worker'].map((c) => podOf(objects.find((o) => o.kind === 'Deployment' && component(o) === c)!));
    expect(beat!.securityContext).toEqual(worker!.securityContext);
    const [b, w] = [beat!.containers[0]!, worker!.containers[0]!];
    expect(b.securityContext).toEqual(w.securityContext);
    expect([b.startupProbe, b.livenessProbe, b.readinessProbe]).toEqual([w.startupProbe, w.livenessProbe, w.readinessProbe]);
  });
});
