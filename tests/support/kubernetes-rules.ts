// Our own rules for the generated Kubernetes objects: the points issue 15 asks for, which a
// schema cannot check (values, and how objects refer to each other). One function, one
// finding per broken point, each naming the object: `Deployment/shop: readOnlyRootFilesystem
// is not true (container app)`. Used on the base files and on each overlay's kustomize build.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { K8sObject } from './kubernetes-check.js';
import { idOf } from './kubernetes-check.js';

/** What the objects must agree with: the image and server they run. */
export interface Expected {
  /** The image's USER. */
  uid: number;
  /** The port the image's server listens on. */
  port: number;
  healthPath: string;
  /** The readinessProbe's path (the app's /ready: database and Redis checked). */
  readyPath: string;
  /** No PostgreSQL: the app keeps its data in its process, so one pod, one worker, no autoscaler. */
  singleReplica: boolean;
  /** The server's graceful shutdown after SIGTERM (gunicorn graceful_timeout, uvicorn --timeout-graceful-shutdown). */
  gracefulTimeoutSeconds: number;
  /** Directories the server writes to: each must be an emptyDir mount. */
  writablePaths: string[];
  migrations: boolean;
  /** 'base': the base's own files; 'dev'/'prod': an overlay's kustomize build. */
  build: 'base' | 'dev' | 'prod';
}

interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Probe {
  httpGet?: { path?: string; port: number | string };
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: object; [source: string]: unknown }[];
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

function podTemplate(o: K8sObject): PodTemplate | undefined {
  return WORKLOADS.has(o.kind) ? ((o.spec as { template?: PodTemplate })?.template ?? undefined) : undefined;
}

const isApp = (o: K8sObject) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'web';

export function kubernetesRuleFindings(objects: K8sObject[], expected: Expected): string[] {
  const findings: string[] = [];
  const say = (o: K8sObject, message: string) => findings.push(`${idOf(o)}: ${message}`);
  const apps = objects.filter(isApp);
  if (apps.length !== 1) findings.push(`expected one app Deployment (component web), found ${apps.length}`);

  // Secrets are referenced, never committed with a value.
  for (const o of objects) if (o.kind === 'Secret') say(o, 'a Secret object is committed; it must only be referenced');

  // Every workload, the dev StatefulSets and the migration Job included, is locked down.
  for (const o of objects) {
    const template = podTemplate(o);
    if (!template) continue;
    hardeningFindings(template.spec, (m) => say(o, m));
  }

  for (const app of apps) appFindings(app, objects, expected, (m) => say(app, m));

  const appLabels = apps[0] ? (podTemplate(apps[0])?.metadata?.labels ?? {}) : {};
  for (const o of objects) {
    const spec = o.spec as Record<string, unknown> | undefined;
    if (o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/component'] === 'web') {
      const selector = (spec?.selector ?? {}) as Record<string, string>;
      if (!selects(selector, appLabels)) say(o, "its selector does not select the app's pods");
      for (const p of (spec?.ports ?? []) as { targetPort?: number | string }[])
        if (apps[0] && containerPort(apps[0], p.targetPort ?? -1) !== expected.port) say(o, `targetPort ${p.targetPort} is not the app's port ${expected.port}`);
    }
    if (o.kind === 'PodDisruptionBudget') {
      const selector = ((spec?.selector as { matchLabels?: Record<string, string> }) ?? {}).matchLabels ?? {};
      // Each budget guards the pods of the Deployment of its component: the app's (web), or
      // another's (the worker's).
      const component = o.metadata.labels?.['app.kubernetes.io/component'];
      const guarded = component === 'web' ? apps[0] : objects.find((d) => d.kind === 'Deployment' && d.metadata.labels?.['app.kubernetes.io/component'] === component);
      const guardedLabels = component === 'web' ? appLabels : guarded ? (podTemplate(guarded)?.metadata?.labels ?? {}) : undefined;
      if (!guardedLabels || !selects(selector, guardedLabels)) say(o, component === 'web' ? "its selector does not select the app's pods" : `its selector does not select the pods of the ${component} Deployment`);
      if (spec?.maxUnavailable === undefined && spec?.minAvailable === undefined) say(o, 'sets neither maxUnavailable nor minAvailable');
      // A drain must be able to evict a pod at the fewest pods the app runs (one, without an
      // autoscaler), and pods that are not ready (an outage /ready reports) at any time.
      const fewest = minReplicas(objects, apps[0]);
      const allowed =
        typeof spec?.maxUnavailable === 'number' ? spec.maxUnavailable : typeof spec?.minAvailable === 'number' ? fewest - spec.minAvailable : 0;
      if (allowed < 1) say(o, `blocks every drain at ${fewest} pod(s) (maxUnavailable ${spec?.maxUnavailable}, minAvailable ${spec?.minAvailable})`);
      if (spec?.unhealthyPodEvictionPolicy !== 'AlwaysAllow') say(o, 'unhealthyPodEvictionPolicy is not AlwaysAllow: pods that are not ready would block drains during an outage');
    }
    if (o.kind === 'HorizontalPodAutoscaler') {
      const target = spec?.scaleTargetRef as { kind?: string; name?: string } | undefined;
      if (target?.kind !== 'Deployment' || !apps.some((a) => a.metadata.name === target.name)) say(o, 'does not scale the app Deployment');
      const metrics = (spec?.metrics ?? []) as { type?: string; resource?: { name?: string; target?: { type?: string } } }[];
      if (!metrics.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.type === 'Utilization'))
        say(o, 'has no CPU utilization metric');
    }
    if (o.kind === 'Ingress') {
      if (expected.build !== 'prod') say(o, 'an Ingress belongs to the prod overlay only');
      const services = objects.filter((s) => s.kind === 'Service').map((s) => s.metadata.name);
      const text = JSON.stringify(spec);
      for (const m of text.matchAll(/"service":\{"name":"([^"]+)"/g)) if (!services.includes(m[1]!)) say(o, `routes to Service ${m[1]}, which does not exist`);
    }
    if (o.kind === 'StatefulSet' && expected.build !== 'dev') say(o, 'databases run in the cluster only in the dev overlay (managed services otherwise)');
  }
  if (expected.build === 'prod' && !objects.some((o) => o.kind === 'Ingress')) findings.push('the prod overlay has no Ingress example');

  // Without PostgreSQL each process is a store of its own: one pod, one worker, no autoscaler.
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  if (expected.singleReplica) {
    for (const hpa of hpas) say(hpa, 'an autoscaler for an app that keeps its data in its process (no PostgreSQL)');
    for (const app of apps) {
      const spec = app.spec as { replicas?: number; strategy?: { type?: string } };
      if (spec.replicas !== 1) say(app, `replicas ${spec.replicas}, not 1, for an app that keeps its data in its process`);
      if (spec.strategy?.type !== 'Recreate') say(app, 'a rolling update would run two stores at once: strategy must be Recreate');
    }
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
      const workers = (cm.data as Record<string, string> | undefined)?.WEB_CONCURRENCY;
      if (workers !== undefined && workers !== '1') say(cm, `WEB_CONCURRENCY ${workers}: each worker process would be a store of its own`);
    }
  } else if (expected.build !== 'base' && hpas.length !== 1) findings.push(`expected one HorizontalPodAutoscaler, found ${hpas.length}`);

  const jobs = objects.filter((o) => o.kind === 'Job');
  if (expected.migrations && jobs.length !== 1) findings.push(`migrations exist but there are ${jobs.length} migration Jobs`);
  if (!expected.migrations && jobs.length > 0) findings.push('a migration Job without migrations');
  for (const job of jobs) {
    const spec = podTemplate(job)!.spec;
    if (spec.restartPolicy !== 'Never') say(job, 'restartPolicy must be Never (a failed migration is not retried in place)');
    const image = spec.containers[0]?.image;
    if (apps[0] && image !== podTemplate(apps[0])!.spec.containers[0]?.image) say(job, `image ${image} is not the app's`);
  }

  if (expected.build !== 'base') for (const o of objects) if (!o.metadata.namespace) say(o, 'has no namespace (the overlay sets one)');
  return findings;
}

/**
 * What the manifests must agree with, from the project itself: the image's UID and port (our
 * Dockerfile: USER 10001, EXPOSE 8000), and the server's graceful timeout as gunicorn.conf.py
 * or the CMD state it (uvicorn without --timeout-graceful-shutdown: the 30 s both servers are
 * to use). Writable paths: found by running the servers (see kubernetes-docker.test.ts).
 */
export function expectedFromProject(dir: string, framework: 'flask' | 'fastapi', build: Expected['build'], migrations = false): Expected {
  const answers = JSON.parse(readFileSync(path.join(dir, '.create-python-docker-app.json'), 'utf8')) as { answers: { postgres: boolean } };
  const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const uid = Number(/^USER (\d+)/m.exec(dockerfile)?.[1]);
  const port = Number(/^EXPOSE (\d+)/m.exec(dockerfile)?.[1]);
  const gunicorn = framework === 'flask' ? readFileSync(path.join(dir, 'gunicorn.conf.py'), 'utf8') : '';
  const graceful =
    /^graceful_timeout = (\d+)/m.exec(gunicorn)?.[1] ?? /--timeout-graceful-shutdown", "(\d+)"/.exec(dockerfile)?.[1] ?? '30';
  return {
    uid,
    port,
    healthPath: '/health',
    readyPath: '/ready',
    singleReplica: !answers.answers.postgres,
    gracefulTimeoutSeconds: Number(graceful),
    writablePaths: framework === 'flask' ? ['/tmp', '/dev/shm'] : ['/tmp'],
    migrations,
    build,
  };
}

function hardeningFindings(spec: PodSpec, say: (m: string) => void): void {
  if (spec.automountServiceAccountToken !== false) say('automountServiceAccountToken is not false');
  const pod = spec.securityContext ?? {};
  if (pod.seccompProfile?.type !== 'RuntimeDefault') say('seccompProfile is not RuntimeDefault');
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext ?? {};
    const where = `(container ${c.name})`;
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) say(`runAsNonRoot is not true ${where}`);
    if (sc.allowPrivilegeEscalation !== false) say(`allowPrivilegeEscalation is not false ${where}`);
    if (sc.readOnlyRootFilesystem !== true) say(`readOnlyRootFilesystem is not true ${where}`);
    if (sc.privileged) say(`privileged ${where}`);
    if (!sc.capabilities?.drop?.includes('ALL')) say(`capabilities are not all dropped ${where}`);
    if ((sc.capabilities?.add ?? []).length > 0) say(`adds capabilities ${where}`);
    for (const kind of ['requests', 'limits'] as const)
      for (const resource of ['cpu', 'memory'])
        if (c.resources?.[kind]?.[resource] === undefined) say(`no ${resource} ${kind.slice(0, -1)} ${where}`);
  }
}

function appFindings(app: K8sObject, objects: K8sObject[], expected: Expected, say: (m: string) => void): void {
  const spec = podTemplate(app)!.spec;
  const c = spec.containers[0]!;
  if (!expected.singleReplica && (app.spec as { replicas?: number }).replicas !== undefined) say('sets replicas, which the HorizontalPodAutoscaler owns');
  const uid = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
  if (uid !== expected.uid) say(`runs as UID ${uid}, not the image's ${expected.uid}`);
  if (!c.ports?.some((p) => p.containerPort === expected.port)) say(`no containerPort ${expected.port}`);

  for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const probe = c[kind]?.httpGet;
    if (!probe) {
      say(`no HTTP ${kind}`);
      continue;
    }
    const path = kind === 'readinessProbe' ? expected.readyPath : expected.healthPath;
    if (probe.path !== path) say(`${kind} calls ${probe.path}, not ${path}`);
    const port = containerPort(app, probe.port);
    if (port !== expected.port) say(`${kind} probes port ${probe.port} (${port ?? 'no such port'}), not ${expected.port}`);
  }

  const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const grace = spec.terminationGracePeriodSeconds ?? 30;
  if (grace <= preStop + expected.gracefulTimeoutSeconds)
    say(`terminationGracePeriodSeconds ${grace} is not above the preStop sleep (${preStop} s) plus the server's graceful timeout (${expected.gracefulTimeoutSeconds} s)`);

  // The root filesystem is read-only: each path the server writes is an emptyDir, and
  // nothing else is mounted writable.
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  for (const wanted of expected.writablePaths) {
    const mount = c.volumeMounts?.find((m) => m.mountPath === wanted);
    if (!mount || !volumes.get(mount.name)?.emptyDir) say(`${wanted} is not an emptyDir mount (the server writes there)`);
  }
  for (const mount of c.volumeMounts ?? [])
    if (!volumes.get(mount.name)?.emptyDir && !mount.readOnly) say(`${mount.mountPath} is mounted writable from something other than an emptyDir`);

  // Settings from a ConfigMap, secrets from a referenced Secret.
  const configMap = c.envFrom?.find((e) => e.configMapRef)?.configMapRef?.name;
  const secret = c.envFrom?.find((e) => e.secretRef)?.secretRef?.name;
  if (!configMap) say('takes no settings from a ConfigMap (envFrom)');
  else if (!objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === configMap) && expected.build !== 'base')
    say(`refers to ConfigMap ${configMap}, which the build does not contain`);
  if (!secret) say('takes no secrets from a Secret (envFrom)');

  const image = c.image ?? '';
  if (expected.build === 'base') {
    if (/[:@]/.test(image.replace(/^[^/]*\//, ''))) say(`image ${image}: the base names the image only; the overlays set the tag or digest`);
  } else if (!/@sha256:[0-9a-f]{64}$/.test(image) && !/:[\w][\w.-]*$/.test(image.replace(/^[^/]*\//, '')) || /:latest$/.test(image)) {
    say(`image ${image} has no tag or digest (or is :latest)`);
  }
}

/** The fewest pods the app runs: the autoscaler's minimum, else the Deployment's replicas (1 when unset). */
function minReplicas(objects: K8sObject[], app: K8sObject | undefined): number {
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
  const min = (hpa?.spec as { minReplicas?: number } | undefined)?.minReplicas;
  return min ?? (app?.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

/** The containerPort a probe or Service port refers to (by number or by name). */
function containerPort(deployment: K8sObject, port: number | string): number | undefined {
  const ports = podTemplate(deployment)?.spec.containers[0]?.ports ?? [];
  if (typeof port === 'number') return ports.some((p) => p.containerPort === port) ? port : undefined;
  return ports.find((p) => p.name === port)?.containerPort;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
