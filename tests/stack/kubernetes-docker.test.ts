// The built image, run by the real Docker engine exactly as the prod overlay's Deployment
// constrains its pods (no cluster can run here). The `docker run` arguments are derived from
// the kustomize build, not written by hand (podRunArgs below):
//   readOnlyRootFilesystem       --read-only
//   runAsUser / runAsGroup       --user UID:GID
//   capabilities.drop ALL        --cap-drop ALL (and --cap-add for any added)
//   allowPrivilegeEscalation     --security-opt no-new-privileges
//   each emptyDir volumeMount    --tmpfs PATH (size from sizeLimit); --ipc none, so no /dev/shm
//                                exists unless the manifest mounts one (stricter than a node,
//                                whose runtime always provides one)
//   resources.limits             --memory, --cpus
//   the ConfigMap's data         -e KEY=VALUE; the Secret's keys: the test services' URLs (or,
//                                for a fixture that connects to nothing, secret.example's values)
//   a `secret` volume            its items written as files (the item's mode or defaultMode,
//                                group fsGroup) into a folder bind-mounted read-only at the
//                                mountPath, --group-add fsGroup: a generated app's password
//                                (the test PostgreSQL ignores it: trust over its socket), which
//                                must then be in neither `docker inspect` nor /proc/*/environ
//   terminationGracePeriod       --stop-timeout
//   a container's own env           -e KEY=VALUE, after the ConfigMap's and Secret's
// seccompProfile RuntimeDefault is Docker's default profile. With migrations the Job runs
// first, as a kubelet runs its pod: its init container (which waits for PostgreSQL) is started
// before the database exists and must wait, saying so, and exit 0 once it is made; then the
// migration. Then each probe's path and port (named ports resolved; the readinessProbe's only
// where the app's code serves its path) must answer 2xx/3xx inside the container, the server must listen on
// every interface (a kubelet probes the pod IP), Python's temporary directory (where the
// frameworks spool request bodies) must be writable, the logs must show no write error, and
// `docker stop` (SIGTERM) must end the server cleanly within the grace period.
// The engine is one of the stack group's (tests/support/stack-setup.ts, docker.ts); the images
// are built from the project's Dockerfile as generated, installing from PyPI; the services are
// the host's PostgreSQL and Redis of services-setup.ts, reached through their Unix sockets.

import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { comboId, type ExtraOptionKey, type ProjectOptions } from '../../src/options/table.js';
import { listFiles, runMain } from '../support/cli-run.js';
import { docker, engineFor } from '../support/docker.js';
import type { EngineInfo } from '../support/engine.js';
import { copyFixture } from '../support/existing-app.js';
import { kustomizeBuild, kustomizeUnavailable, parseObjects, type K8sObject } from '../support/kubernetes-check.js';
import { createDatabase, databaseSocketUrl, redisSocketUrl, type ServicesState } from '../support/services.js';
import { createFlags, engineForProject, pairwiseProjects, projectLabel, projectName, type StackProject } from '../support/pairwise.js';
import { appContainer, fargateRunArgs, healthCommand, missingTaskConstraints } from '../support/fargate-run.js';
import { mutate } from '../support/mutate.js';
import { containerRunOf, runAsPlatform } from '../support/platform-run.js';
import { PLATFORMS, renderPlatform } from '../support/platforms.js';
import { constraintsBroken, missingConstraints, PROCESS_CONSTRAINTS_PY, type HostLimits, type ProcessConstraints } from '../support/pod-constraints.js';

const parent = mkdtempSync(path.join(tmpdir(), 'cpda-k8s-docker-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

type Combo = StackProject;
/**
 * The covering array's projects with --deploy kubernetes (tests/support/pairwise.ts): every
 * value of every other option, each with Kubernetes, in at least one of them. `index` is the
 * project's place in the array: its image is built on the engine stack-compose.test.ts builds
 * that project on (engineForProject), so one engine's build cache holds its layers and its
 * downloaded wheels, and a cold run builds each project once, not on two engines.
 */
const COMBOS: [id: string, combo: Combo, index: number][] = pairwiseProjects()
  .map((combo, index) => [projectName(index), combo, index] as [string, Combo, number])
  .filter(([, combo]) => combo.deploy.includes('kubernetes'));

const engines = inject('engines');
const services: ServicesState = inject('services') ?? { ok: false, reason: 'tests/support/services-setup.ts did not run' };
const noKustomize = kustomizeUnavailable();
const SOCKETS_INSIDE = '/run/test-services';
const title = engines.available ? 'pods as the Deployment constrains them' : `pods as the Deployment constrains them (skipped: ${engines.reason})`;

type Workload = K8sObject & { spec: { template: { spec: PodSpec } } };
interface Pod {
  deployment: Workload;
  configMap: Record<string, string>;
  /** The migration Job of the same build (with migrations), which reads the same ConfigMap. */
  migrationJob?: Workload;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  volumes?: { name: string; emptyDir?: { sizeLimit?: string }; secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string; mode?: number }[] } }[];
}

/** What the pods get from the Secrets the deploy flow creates: variables, and files by Secret name and key. */
interface PodSecrets {
  env: Record<string, string>;
  files?: Record<string, Record<string, string>>;
}
interface ContainerSpec {
    name: string;
    image: string;
    command?: string[];
    args?: string[];
    env?: { name: string; value?: string }[];
    ports?: { name?: string; containerPort: number }[];
    resources?: { limits?: { cpu?: string; memory?: string } };
    securityContext?: { runAsUser?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
    startupProbe?: { httpGet?: { path: string; port: number | string } };
    readinessProbe?: { httpGet?: { path: string; port: number | string } };
    livenessProbe?: { httpGet?: { path: string; port: number | string } };
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

/**
 * What envsubst fills into the Cloud Run and ACI files for a local run: the image under test;
 * the account's names, unreachable stand-ins (the test services are reached by the URLs the
 * run adds); the secure values from the test services.
 */
function placeholderValues(image: string, secretEnv: Record<string, string>): Record<string, string> {
  return { IMAGE: image, CLOUD_SQL_INSTANCE: 'project:region:instance', REDIS_HOST: 'redis.invalid', POSTGRES_SERVER: 'postgres.invalid', REDIS_URL: secretEnv.REDIS_URL ?? '', SERVICE_ACCOUNT: 'run@project.iam.gserviceaccount.com', LOCATION: 'westeurope' };
}

/** The prod overlay's app Deployment and the data of the ConfigMap it reads. */
async function prodPod(dir: string): Promise<Pod> {
  const r = await kustomizeBuild(path.join(dir, 'deploy/kubernetes/overlays/prod'));
  if (r.code !== 0) throw new Error(`kustomize build: ${r.stderr}`);
  const objects = parseObjects(r.stdout);
  const deployment = objects.find((o) => o.kind === 'Deployment') as Pod['deployment'];
  const ref = JSON.stringify(deployment).match(/"configMapRef":\{"name":"([^"]+)"/)?.[1];
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref) as (K8sObject & { data: Record<string, string> }) | undefined;
  if (!configMap) throw new Error(`the Deployment's ConfigMap ${ref} is not in the build`);
  const migrationJob = objects.find((o) => o.kind === 'Job') as Workload | undefined;
  return { deployment, configMap: configMap.data, migrationJob };
}

/** Kubernetes quantities as Docker takes them: 64Mi -> 64m, 500m CPU -> 0.5. */
const bytes = (q: string) => q.replace(/Mi$/, 'm').replace(/Gi$/, 'g');
const cpus = (q: string) => (q.endsWith('m') ? String(Number(q.slice(0, -1)) / 1000) : q);

/**
 * `docker run` arguments that apply the pod's constraints (see the header) to one of its
 * containers (the first by default; an init container of a Job's pod for its own run).
 */
function podRunArgs(pod: Pod, secrets: PodSecrets, container?: ContainerSpec): string[] {
  const spec = pod.deployment.spec.template.spec;
  const c = container ?? spec.containers[0]!;
  const sc = c.securityContext ?? {};
  const uid = sc.runAsUser ?? spec.securityContext?.runAsUser;
  const gid = spec.securityContext?.runAsGroup ?? uid;
  const args = ['--network', 'none', '--ipc', 'none'];
  if (uid !== undefined) args.push('--user', `${uid}:${gid}`);
  if (sc.readOnlyRootFilesystem) args.push('--read-only');
  for (const cap of sc.capabilities?.drop ?? []) args.push('--cap-drop', cap);
  for (const cap of sc.capabilities?.add ?? []) args.push('--cap-add', cap);
  if (sc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  const fsGroup = spec.securityContext?.fsGroup;
  if (fsGroup !== undefined) args.push('--group-add', String(fsGroup));
  for (const mount of c.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (volume?.secret) {
      args.push('-v', `${secretVolumeDir(volume.secret, secrets, fsGroup)}:${mount.mountPath}:ro`);
      continue;
    }
    if (!volume?.emptyDir) throw new Error(`volume ${mount.name} is not an emptyDir: no Docker equivalent here`);
    args.push('--tmpfs', `${mount.mountPath}:rw,nosuid,nodev${volume.emptyDir.sizeLimit ? `,size=${bytes(volume.emptyDir.sizeLimit)}` : ''}`);
  }
  if (c.resources?.limits?.memory) args.push('--memory', bytes(c.resources.limits.memory));
  if (c.resources?.limits?.cpu) args.push('--cpus', cpus(c.resources.limits.cpu));
  // envFrom (the ConfigMap, the Secret), then the container's own env, which wins as in a pod.
  const own = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  for (const [key, value] of Object.entries({ ...pod.configMap, ...secrets.env, ...own })) args.push('-e', `${key}=${value}`);
  args.push('--stop-timeout', String(spec.terminationGracePeriodSeconds ?? 30));
  if (c.command) args.push('--entrypoint', c.command[0]!);
  return args;
}

/**
 * A `secret` volume as the kubelet makes it: each item a file at its path, with its mode (or the
 * volume's defaultMode, else 0644), owned by root and the pod's fsGroup.
 */
function secretVolumeDir(volume: NonNullable<NonNullable<PodSpec['volumes']>[number]['secret']>, secrets: PodSecrets, fsGroup: number | undefined): string {
  const data = secrets.files?.[volume.secretName];
  if (!data) throw new Error(`the pod mounts Secret ${volume.secretName}, which the test does not make`);
  const dir = mkdtempSync(path.join(parent, 'secret-volume-'));
  chmodSync(dir, 0o755);
  for (const item of volume.items ?? Object.keys(data).map((key): { key: string; path: string; mode?: number } => ({ key, path: key }))) {
    const value = data[item.key];
    if (value === undefined) throw new Error(`Secret ${volume.secretName} has no key ${item.key}`);
    const file = path.join(dir, item.path);
    writeFileSync(file, value);
    chownSync(file, 0, fsGroup ?? 0);
    chmodSync(file, item.mode ?? volume.defaultMode ?? 0o644);
  }
  return dir;
}

type ProbeKind = 'startupProbe' | 'readinessProbe' | 'livenessProbe';
const ALL_PROBES: ProbeKind[] = ['startupProbe', 'readinessProbe', 'livenessProbe'];

/** Every probe's URL inside the container, named ports resolved to their containerPort. */
function probeUrls(pod: Pod, kinds: ProbeKind[] = ALL_PROBES): { probe: string; url: string; port: number | undefined }[] {
  const c = pod.deployment.spec.template.spec.containers[0]!;
  return kinds.map((probe) => {
    const get = c[probe]?.httpGet;
    if (!get) throw new Error(`no HTTP ${probe}`);
    const port = typeof get.port === 'number' ? get.port : c.ports?.find((p) => p.name === get.port)?.containerPort;
    return { probe, url: `http://127.0.0.1:${port ?? get.port}${get.path}`, port };
  });
}

/** Python run inside the container: exit 0 when every probe answers 2xx/3xx, as a kubelet counts success. */
const PROBE_PY = `import sys, urllib.request, urllib.error
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(NoRedirect)
bad = []
for url in sys.argv[1:]:
    try:
        status = opener.open(url, timeout=2).status
    except urllib.error.HTTPError as e:
        status = e.code
    except Exception as e:
        bad.append(f"{url}: {e}"); continue
    if not 200 <= status < 400: bad.append(f"{url}: HTTP {status}")
print("\\n".join(bad)); sys.exit(1 if bad else 0)`;

/** Every process's environment in the container, as one text. */
const ENVIRON_PY = `import glob
out = []
for f in glob.glob("/proc/[0-9]*/environ"):
    try: out.append(open(f, "rb").read().decode("utf-8", "replace"))
    except OSError: pass
print("\\n".join(out))`;

/** Listening TCP ports and their local address, from /proc/net/tcp{,6} (no ss/netstat in slim images). */
const LISTEN_PY = `import sys
port = int(sys.argv[1]); found = []
for f in ("/proc/net/tcp", "/proc/net/tcp6"):
    try: lines = open(f).read().splitlines()[1:]
    except OSError: continue
    for line in lines:
        local, state = line.split()[1], line.split()[3]
        addr, p = local.rsplit(":", 1)
        if state == "0A" and int(p, 16) == port: found.append(addr)
wild = [a for a in found if set(a) == {"0"}]
print("listening on all interfaces" if wild else f"port {port} not listening on all interfaces (local addresses {found})")
sys.exit(0 if wild else 1)`;

/** What each framework does with a large request body: spool it to Python's temp directory. */
const SPOOL_PY: Record<'flask' | 'fastapi', string> = {
  // Werkzeug's form parser: bodies over 500 kB go to tempfile.TemporaryFile.
  flask: `from werkzeug.formparser import default_stream_factory
f = default_stream_factory(total_content_length=10_000_000, content_type="application/octet-stream", filename="upload.bin")
f.write(b"x" * 1_000_000); f.close(); print("werkzeug spooled a 1 MB upload to disk")`,
  // Starlette's multipart parser: files over spool_max_size roll over to disk.
  fastapi: `import tempfile
from starlette.formparsers import MultiPartParser
f = tempfile.SpooledTemporaryFile(max_size=MultiPartParser.spool_max_size)
f.write(b"x" * (MultiPartParser.spool_max_size + 1)); f.rollover(); f.close(); print("starlette spooled an upload to disk")`,
};

interface PodRun {
  /** Empty when everything held; otherwise what failed, with the container's logs. */
  problems: string[];
}

/** What a container's output shows when the pod's constraints broke it. */
const WRITE_FAILURES = ['Read-only file system', 'Permission denied', 'Traceback'];

/**
 * Starts the image with the pod's constraints, waits for the startup probe (its own
 * failureThreshold x periodSeconds, at most 60 s), then checks probes, interfaces, the temp
 * directory, the logs, and a clean stop within the grace period.
 */
async function runAsPod(host: EngineInfo, name: string, image: string, pod: Pod, secrets: PodSecrets, framework: 'flask' | 'fastapi', extra: string[] = [], probeKinds: ProbeKind[] = ALL_PROBES): Promise<PodRun> {
  const args = podRunArgs(pod, secrets);
  // The required constraints, not the manifest's own (tests/support/pod-constraints.ts): a
  // manifest that lost one would otherwise weaken this run with it and still pass.
  const problems: string[] = missingConstraints(args);
  const run = await docker(host, ['run', '-d', '--name', name, ...args, ...extra, image]);
  if (run.code !== 0) return { problems: [...problems, `docker run failed: ${run.stderr.trim()}`] };
  try {
    const seen = await docker(host, ['exec', name, 'python', '-c', PROCESS_CONSTRAINTS_PY]);
    const limits = await docker(host, ['inspect', '-f', '{{json .HostConfig}}', name]);
    if (seen.code !== 0 || limits.code !== 0) problems.push(`could not read what the server runs under: ${seen.stderr.trim()} ${limits.stderr.trim()}`);
    else problems.push(...constraintsBroken(JSON.parse(seen.stdout) as ProcessConstraints, JSON.parse(limits.stdout) as HostLimits));
    const probes = probeUrls(pod, probeKinds);
    const urls = probes.map((p) => p.url);
    // Like the kubelet: the startup probe first (up to 60 s), then every probe.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const started = await docker(host, ['exec', name, 'python', '-c', PROBE_PY, urls[0]!]);
      const state = (await docker(host, ['inspect', '-f', '{{.State.Running}}', name])).stdout.trim();
      if (started.code === 0 || state !== 'true') break;
      await sleep(500);
    }
    // A secret file's value is in no environment: not the container's config, not a process's.
    const fileValues = Object.values(secrets.files ?? {}).flatMap((d) => Object.values(d));
    if (fileValues.length > 0) {
      const inspect = await docker(host, ['inspect', name]);
      const environs = await docker(host, ['exec', name, 'python', '-c', ENVIRON_PY]);
      for (const value of fileValues) {
        if (inspect.stdout.includes(value)) problems.push('a secret file\'s value is in `docker inspect`');
        if (environs.code !== 0 || environs.stdout.includes(value)) problems.push(`a secret file's value is in a process's environment (or /proc/*/environ could not be read: ${environs.stderr.trim()})`);
      }
    }
    const answer = await docker(host, ['exec', name, 'python', '-c', PROBE_PY, ...urls]);
    if (answer.code !== 0) problems.push(`the probes did not answer (${probes.map((p) => `${p.probe} ${p.url}`).join(', ')}): ${(answer.stdout + answer.stderr).trim()}`);
    else {
      const port = probes[0]!.port ?? -1;
      const listen = await docker(host, ['exec', name, 'python', '-c', LISTEN_PY, String(port)]);
      if (listen.code !== 0) problems.push((listen.stdout + listen.stderr).trim());
      const spool = await docker(host, ['exec', name, 'python', '-c', SPOOL_PY[framework]]);
      if (spool.code !== 0) problems.push(`the framework cannot spool a request body to its temp directory: ${spool.stderr.trim().split('\n').at(-1)}`);
      const grace = pod.deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
      const started = Date.now();
      await docker(host, ['stop', '-t', String(grace), name], { timeoutMs: (grace + 15) * 1000 });
      const seconds = (Date.now() - started) / 1000;
      const exit = (await docker(host, ['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim();
      if (exit !== '0') problems.push(`after SIGTERM the server exited with ${exit} (${seconds.toFixed(1)} s), not 0`);
    }
    const logs = await docker(host, ['logs', name]);
    const text = logs.stdout + logs.stderr;
    for (const sign of [...WRITE_FAILURES, "doesn't exist", 'No usable temporary directory'])
      if (text.includes(sign)) problems.push(`the logs show "${sign}"`);
    if (problems.length > 0) problems.push(`--- docker logs (last 25 lines):\n${text.split('\n').slice(-25).join('\n')}`);
    return { problems };
  } finally {
    await docker(host, ['rm', '-f', name]);
  }
}

/**
 * The migration Job's container, run to its end as the Job's pod spec constrains it (the same
 * arguments as the app's pod, from the Job's own spec), as a cluster runs it before the rollout
 * (deploy/kubernetes/README.md). Empty when it exited 0 and logged no write error.
 */
async function runMigrationJob(host: EngineInfo, name: string, image: string, pod: Pod, secrets: PodSecrets, extra: string[]): Promise<string> {
  const job = pod.migrationJob;
  if (!job) return 'the build has no migration Job';
  // As the kubelet runs a pod: each init container to its end, in order, then the container.
  const spec = job.spec.template.spec;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const argv = [...(c.command?.slice(1) ?? []), ...(c.args ?? [])];
    const args = podRunArgs({ deployment: job, configMap: pod.configMap }, secrets, c);
    const missing = missingConstraints(args);
    if (missing.length > 0) return `the migration Job's container ${c.name}: ${missing.join('; ')}`;
    const r = await docker(host, ['run', '--rm', '--name', `${name}-${c.name}`, ...args, ...extra, image, ...argv], { timeoutMs: 300_000 });
    const output = (r.stdout + r.stderr).trim();
    if (r.code !== 0) return `the migration Job's container ${c.name} exited ${r.code}:\n${output}`;
    const sign = WRITE_FAILURES.find((s) => output.includes(s));
    if (sign) return `the migration Job's container ${c.name} logged "${sign}":\n${output}`;
  }
  return '';
}

/**
 * The Job's init container started while its database does not exist yet (as in the dev
 * overlay, where PostgreSQL starts beside it): it must keep waiting, saying so, and exit 0
 * once the database is there. Empty when it did.
 */
async function initWaitsForDatabase(host: EngineInfo, name: string, image: string, pod: Pod, secrets: PodSecrets, extra: string[], createIt: () => Promise<void>): Promise<string> {
  const c = pod.migrationJob?.spec.template.spec.initContainers?.[0];
  if (!c) return 'the migration Job has no init container';
  const argv = [...(c.command?.slice(1) ?? []), ...(c.args ?? [])];
  const args = podRunArgs({ deployment: pod.migrationJob!, configMap: pod.configMap }, secrets, c);
  const missing = missingConstraints(args);
  if (missing.length > 0) return `the init container ${c.name}: ${missing.join('; ')}`;
  const started = await docker(host, ['run', '-d', '--name', name, ...args, ...extra, image, ...argv]);
  if (started.code !== 0) return `docker run failed: ${started.stderr.trim()}`;
  try {
    // Waiting: still running after it said so twice (one retry at least), within 60 s.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const running = (await docker(host, ['inspect', '-f', '{{.State.Running}}', name])).stdout.trim();
      const logs = await docker(host, ['logs', name]);
      const text = logs.stdout + logs.stderr;
      if (running !== 'true') return `it did not wait for the missing database:\n${text}`;
      if ((text.match(/waiting for the database/g) ?? []).length >= 2) break;
      if (Date.now() > deadline) return `in 60 s it neither exited nor said twice that it waits:\n${text}`;
      await sleep(500);
    }
    await createIt();
    const exit = await docker(host, ['wait', name], { timeoutMs: 60_000 });
    return exit.stdout.trim() === '0' ? '' : `it exited ${exit.stdout.trim()} after the database appeared:\n${(await docker(host, ['logs', name])).stderr}`;
  } finally {
    await docker(host, ['rm', '-f', name]);
  }
}

/** Builds a project's Dockerfile as generated (its `# syntax=` frontend is a stand-in image). */
async function buildImage(host: EngineInfo, dir: string, image: string): Promise<void> {
  const build = await docker(host, ['build', '-q', '-t', image, dir], { timeoutMs: 600_000 });
  if (build.code !== 0) throw new Error(`docker build of ${dir} failed:\n${build.stderr.split('\n').slice(-20).join('\n')}`);
}

/**
 * The Secret's keys as the pods would get them: the test services, reached through their
 * sockets. The database is made by `createIt` (a Job's init container is shown waiting for it).
 */
function secretEnvFor(id: string, combo: Combo, state: ServicesState, pod: Pod): PodSecrets & { mounts: string[]; createIt: () => Promise<void> } {
  if (!combo.postgres && !combo.redis) return { env: {}, mounts: [], createIt: async () => {} };
  if (!state.ok) throw new Error(`no test PostgreSQL/Redis: ${state.reason}`);
  const env: Record<string, string> = {};
  const files: Record<string, Record<string, string>> = {};
  // One per run: the database must not exist before createIt.
  const database = `k8s_${id.replace(/-/g, '_')}_${process.pid}`;
  // A generated app reads the password from the Secret mounted as files (deploy/kubernetes/README.md).
  const passwordSecret = pod.deployment.spec.template.spec.volumes?.find((v) => v.secret?.items?.some((i) => i.key === 'postgres_password'))?.secret;
  if (combo.postgres && passwordSecret) {
    const { port, user } = state.services.postgres;
    Object.assign(env, { POSTGRES_HOST: SOCKETS_INSIDE, POSTGRES_PORT: String(port), POSTGRES_USER: user, POSTGRES_DB: database });
    // Any value: the test PostgreSQL trusts its socket; it must reach the app only as a file.
    files[passwordSecret.secretName] = { postgres_password: `${randomBytes(24).toString('hex')}\n` };
  } else if (combo.postgres) env.DATABASE_URL = databaseSocketUrl(state.services, database, SOCKETS_INSIDE);
  if (combo.redis) env.REDIS_URL = redisSocketUrl(SOCKETS_INSIDE, 1);
  // A read-only bind mount of the sockets: it adds no writable path.
  return { env, files, mounts: ['-v', `${state.services.socketDir}:${SOCKETS_INSIDE}:ro`], createIt: () => (combo.postgres ? createDatabase(state.services, database) : Promise.resolve()) };
}

/**
 * The probes to ask of a generated app: all three, but readiness only where the app serves
 * its path (the app's /ready, added beside /health): a project whose code has no such route
 * answers 404 there by design, so its run asks startup and liveness, and says so.
 */
function probesServed(dir: string, pod: Pod): { kinds: ProbeKind[]; note?: string } {
  const path_ = pod.deployment.spec.template.spec.containers[0]!.readinessProbe?.httpGet?.path ?? '';
  const code = listFiles(path.join(dir, 'app')).map((f) => readFileSync(path.join(dir, 'app', f), 'utf8')).join('\n');
  if (code.includes(`"${path_}"`) || code.includes(`'${path_}'`)) return { kinds: ALL_PROBES };
  return { kinds: ['startupProbe', 'livenessProbe'], note: `the app has no ${path_} route yet: readinessProbe not asked` };
}

/**
 * What the task definition's placeholders and secrets stand for here: the test services through
 * their sockets (POSTGRES_HOST as libpq's socket directory, REDIS_URL as the socket URL) and a
 * random password (the test PostgreSQL trusts its socket). An app that still reads DATABASE_URL
 * (before the secrets convention's POSTGRES_* settings, issue 23) is given it too, and the run
 * says so.
 */
function fargateValues(dir: string, combo: Combo, secretEnv: Record<string, string>): { values: Record<string, string>; note?: string } {
  const values: Record<string, string> = {};
  let note: string | undefined;
  if (combo.postgres) {
    values.POSTGRES_HOST = SOCKETS_INSIDE;
    values.POSTGRES_PASSWORD = randomBytes(12).toString('hex');
    const settings = readFileSync(path.join(dir, 'app/settings.py'), 'utf8');
    if (!/postgres_host/i.test(settings)) {
      values.DATABASE_URL = secretEnv.DATABASE_URL!;
      note = 'ECS run: this app reads DATABASE_URL (not yet POSTGRES_*), given beside the task definition\'s variables';
    } else {
      // The test PostgreSQL's port, user and database in place of the task definition's
      // (RDS's): given after its variables, so they win.
      for (const name of ['POSTGRES_PORT', 'POSTGRES_USER', 'POSTGRES_DB']) if (secretEnv[name]) values[`bridge:${name}`] = secretEnv[name]!;
    }
  }
  if (combo.redis) values.REDIS_URL = secretEnv.REDIS_URL!;
  return { values, ...(note ? { note } : {}) };
}

/**
 * Runs the image as the task definition says (tests/support/fargate-run.ts), runs its health
 * command inside the container as the ECS agent does until it passes (within startPeriod +
 * interval x retries), checks the server's user, root mount and capabilities, then stops it
 * within stopTimeout. Empty when all held; otherwise what failed, with the logs.
 */
async function runAsFargateTask(host: EngineInfo, name: string, image: string, task: Record<string, any>, values: Record<string, string>, extra: string[]): Promise<string[]> {
  const args = fargateRunArgs(task, values);
  const problems = missingTaskConstraints(args);
  // DATABASE_URL only for an app from before the secrets convention (fargateValues).
  const bridge = values.DATABASE_URL ? ['-e', `DATABASE_URL=${values.DATABASE_URL}`] : [];
  for (const [key, value] of Object.entries(values)) if (key.startsWith('bridge:')) bridge.push('-e', `${key.slice('bridge:'.length)}=${value}`);
  const run = await docker(host, ['run', '-d', '--name', name, ...args, ...bridge, ...extra, image]);
  if (run.code !== 0) return [...problems, `docker run failed: ${run.stderr.trim()}`];
  try {
    const seen = await docker(host, ['exec', name, 'python', '-c', PROCESS_CONSTRAINTS_PY]);
    const limits = await docker(host, ['inspect', '-f', '{{json .HostConfig}}', name]);
    if (seen.code !== 0 || limits.code !== 0) problems.push(`could not read what the server runs under: ${seen.stderr.trim()}`);
    // Fargate has no no-new-privileges setting: not claimed (fargate-run.ts).
    else problems.push(...constraintsBroken(JSON.parse(seen.stdout) as ProcessConstraints, JSON.parse(limits.stdout) as HostLimits).filter((p) => !p.includes('may gain privileges')));
    const check = appContainer(task).healthCheck as { interval: number; retries: number; startPeriod: number };
    const deadline = Date.now() + (check.startPeriod + check.interval * check.retries) * 1000;
    let healthy = false;
    while (!healthy && Date.now() < deadline) {
      healthy = (await docker(host, ['exec', name, ...healthCommand(task)])).code === 0;
      if (!healthy) await sleep(500);
    }
    if (!healthy) problems.push(`the health command never passed: ${healthCommand(task).join(' ')}`);
    else {
      const timeout = appContainer(task).stopTimeout as number;
      const started = Date.now();
      await docker(host, ['stop', '-t', String(timeout), name], { timeoutMs: (timeout + 15) * 1000 });
      const seconds = (Date.now() - started) / 1000;
      const exit = (await docker(host, ['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim();
      if (exit !== '0' || seconds >= timeout) problems.push(`after SIGTERM the server exited with ${exit} in ${seconds.toFixed(1)} s (stopTimeout ${timeout} s), not 0 within it`);
    }
    const logs = await docker(host, ['logs', name]);
    const text = logs.stdout + logs.stderr;
    for (const sign of [...WRITE_FAILURES, 'No usable temporary directory']) if (text.includes(sign)) problems.push(`the logs show "${sign}"`);
    if (problems.length > 0) problems.push(`--- docker logs (last 25 lines):\n${text.split('\n').slice(-25).join('\n')}`);
    return problems;
  } finally {
    await docker(host, ['rm', '-f', name]);
  }
}

describe.skipIf(!engines.available || noKustomize)(title, () => {
  let host: EngineInfo;
  beforeAll(() => {
    if (engines.available) host = engineFor(engines.engines, 0);
  });

  test.concurrent.for(COMBOS.map(([id, combo, index]) => [`${id}: ${projectLabel(combo)}`, id, combo, index] as const))(
    '%s: the image, without deploy/, runs as the prod Deployment constrains it and its probes answer',
    // A build, the Job, the pod run and each deploy target's run (ECS, Cloud Run, ACI), on the
    // project's engine, beside whatever else runs there (no port is published: --network none).
    { timeout: 600_000 },
    async ([, id, combo, index], { expect, annotate }) => {
      const engine = engineForProject(engines.available ? engines.engines : [], index);
      const run = await runMain([id, '--yes', ...createFlags(combo)], { cwd: parent });
      expect(run.code, run.stderr).toBe(0);
      const dir = path.join(parent, id);
      const image = `cpda-k8s/${id}:test`;
      await buildImage(engine, dir, image);
      // The project's .dockerignore keeps the manifests (deploy/) out of the image they describe.
      const inImage = await docker(engine, ['run', '--rm', '--network', 'none', '--entrypoint', 'ls', image, '-A', '/app']);
      expect(inImage.code, inImage.stderr).toBe(0);
      expect(inImage.stdout.split('\n')).toContain('app');
      expect(inImage.stdout.split('\n'), 'deploy/ was copied into the image').not.toContain('deploy');
      const pod = await prodPod(dir);
      const secrets = secretEnvFor(id, combo, services, pod);
      // With migrations the schema is the Job's to make: its init container waits for the
      // database (made only now), the Job runs, and the app's pod after it.
      expect(pod.migrationJob !== undefined, `${id}: a migration Job in the build`).toBe(combo.migrations);
      if (combo.migrations) {
        expect(await initWaitsForDatabase(engine, `cpda-k8s-${id}-wait-${process.pid}`, image, pod, secrets, secrets.mounts, secrets.createIt), id).toBe('');
        expect(await runMigrationJob(engine, `cpda-k8s-${id}-migrate-${process.pid}`, image, pod, secrets, secrets.mounts), id).toBe('');
      } else await secrets.createIt();
      const probes = probesServed(dir, pod);
      if (probes.note) await annotate(probes.note);
      const result = await runAsPod(engine, `cpda-k8s-${id}-${process.pid}`, image, pod, secrets, combo.framework, secrets.mounts, probes.kinds);
      expect(result.problems.join('\n'), `${id}: docker run ${podRunArgs(pod, secrets).join(' ')}`).toBe('');
      // The same image as ECS on Fargate runs it (deploy/ecs/task-definition.json), folded into
      // this run: the covering array's projects with Kubernetes have every deploy target.
      if (combo.deploy.includes('ecs')) {
        const task = JSON.parse(readFileSync(path.join(dir, 'deploy/ecs/task-definition.json'), 'utf8')) as Record<string, any>;
        const values = fargateValues(dir, combo, secrets.env);
        if (values.note) await annotate(values.note);
        const started = Date.now();
        const fargate = await runAsFargateTask(engine, `cpda-ecs-${id}-${process.pid}`, image, task, values.values, secrets.mounts);
        console.info(`[stack] ${id}: the ECS task run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
        expect(fargate.join('\n'), `${id}: docker run ${fargateRunArgs(task, values.values).join(' ')}`).toBe('');
      }
      // The same image as Cloud Run and ACI run it, from their files (tests/support/platform-run.ts).
      const platformsStarted = Date.now();
      for (const platform of PLATFORMS.filter((p) => combo.deploy.includes(p))) {
        const spec = containerRunOf(platform, renderPlatform(platform, { ...combo, name: id }), placeholderValues(image, secrets.env));
        const problems = await runAsPlatform(engine, `cpda-${platform}-${id}-${process.pid}`, image, spec, { env: secrets.env, args: secrets.mounts });
        expect(problems.join('\n'), `${id} as ${platform} runs it`).toBe('');
      }
      console.info(`[stack] ${id}: the Cloud Run and ACI runs took ${((Date.now() - platformsStarted) / 1000).toFixed(1)} s`);
      // A broken file fails the run: Cloud Run's service.yaml with a root user, in the first project.
      if (id === COMBOS[0]![0] && combo.deploy.includes('cloud-run')) {
        const broken = renderPlatform('cloud-run', { ...combo, name: id }).map((f) => (f.path.endsWith('/service.yaml') ? { ...f, contents: mutate(f.contents, /runAsUser: \d+/, 'runAsUser: 0') } : f));
        const problems = await runAsPlatform(engine, `cpda-cloud-run-root-${id}-${process.pid}`, image, containerRunOf('cloud-run', broken, placeholderValues(image, secrets.env)), { env: secrets.env, args: secrets.mounts });
        expect(problems[0], 'a root user in service.yaml').toMatch(/^the server runs as uid 0/);
      }
    },
  );

  // A repository we did not generate: gunicorn without a gunicorn.conf.py keeps its worker
  // heartbeat files in the temp directory, so here /tmp is what the server itself needs.
  test('add kubernetes on tests/fixtures/kubernetes-app: its image runs as its Deployment constrains it and its probes answer', { timeout: 300_000 }, async () => {
    const { image, pod, secrets } = await fixturePod('kubernetes-app');
    const result = await runAsPod(host, `cpda-k8s-fixture-${process.pid}`, image, pod, secrets, 'flask');
    expect(result.problems.join('\n')).toBe('');
  });

  // The checks above must be able to fail: the same runs with one thing broken in the manifest.
  test("without the /tmp emptyDir, the fixture's gunicorn cannot start its workers: the run fails", { timeout: 300_000 }, async () => {
    const { image, pod, secrets } = await fixturePod('kubernetes-app');
    const c = pod.deployment.spec.template.spec.containers[0]!;
    c.volumeMounts = (c.volumeMounts ?? []).filter((m) => m.mountPath !== '/tmp');
    const result = await runAsPod(host, `cpda-k8s-notmp-${process.pid}`, image, pod, secrets, 'flask');
    expect(result.problems.join('\n')).toMatch(/the probes did not answer/);
    expect(result.problems.join('\n')).toMatch(/No usable temporary directory/);
  });

  // Each required constraint, taken out of the fixture's manifest: the app still starts and
  // answers, so only the required-constraint checks can fail the run, and they must.
  type ContainerSecurity = NonNullable<ContainerSpec['securityContext']>;
  const WEAKENINGS: [what: string, weaken: (pod: Pod) => void, says: RegExp][] = [
    ['runAsUser 0 (root)', (pod) => { pod.deployment.spec.template.spec.securityContext = { runAsUser: 0, runAsGroup: 0 }; }, /lacks a non-root user[\s\S]*the server runs as root/],
    ['no readOnlyRootFilesystem', (pod) => { delete securityOf(pod).readOnlyRootFilesystem; }, /lacks a read-only root filesystem[\s\S]*the root filesystem is writable/],
    ['no capabilities.drop', (pod) => { delete securityOf(pod).capabilities; }, /lacks every capability dropped[\s\S]*the server holds capabilities/],
    ['a capability added back (NET_BIND_SERVICE)', (pod) => { securityOf(pod).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }; }, /lacks every capability dropped[\s\S]*the server holds capabilities/],
    ['allowPrivilegeEscalation left out', (pod) => { delete securityOf(pod).allowPrivilegeEscalation; }, /lacks no privilege escalation[\s\S]*may gain privileges/],
    ['no resources.limits', (pod) => { delete pod.deployment.spec.template.spec.containers[0]!.resources; }, /lacks a memory limit[\s\S]*lacks a CPU limit[\s\S]*no memory limit[\s\S]*no CPU limit/],
  ];
  function securityOf(pod: Pod): ContainerSecurity {
    return (pod.deployment.spec.template.spec.containers[0]!.securityContext ??= {});
  }
  test.for(WEAKENINGS)('with %s in the manifest, the run fails, naming the required constraint', { timeout: 300_000 }, async ([what, weaken, says]) => {
    const { image, pod, secrets } = await fixturePod('kubernetes-app');
    weaken(pod);
    const result = await runAsPod(host, `cpda-k8s-weak-${what.replace(/\W+/g, '-')}-${process.pid}`, image, pod, secrets, 'flask');
    expect(result.problems.join('\n')).toMatch(says);
    expect(result.problems.join('\n'), 'the app itself still answered').not.toMatch(/the probes did not answer/);
  });

  test('with a probe on the wrong port, the run fails', { timeout: 300_000 }, async () => {
    const { image, pod, secrets } = await fixturePod('kubernetes-app');
    pod.deployment.spec.template.spec.containers[0]!.readinessProbe!.httpGet!.port = 8081;
    const result = await runAsPod(host, `cpda-k8s-badport-${process.pid}`, image, pod, secrets, 'flask');
    expect(result.problems.join('\n')).toMatch(/the probes did not answer .*readinessProbe http:\/\/127\.0\.0\.1:8081\/healthz/);
  });

  // The wait check must be able to fail: an init container that tries the database once.
  test("a migration Job whose init container does not wait for the database: the run fails", { timeout: 300_000 }, async () => {
    const [id, combo, index] = COMBOS.find(([, c]) => c.migrations)!;
    // The project's engine, where its image was built above.
    const engine = engineForProject(engines.available ? engines.engines : [], index);
    const dir = path.join(parent, id);
    const image = `cpda-k8s/${id}:test`;
    await buildImage(engine, dir, image);
    const pod = await prodPod(dir);
    const init = pod.migrationJob!.spec.template.spec.initContainers![0]!;
    init.command = [
      'python',
      '-c',
      'import os, sqlalchemy; from sqlalchemy.engine import URL; sqlalchemy.create_engine(URL.create("postgresql+psycopg", username=os.environ["POSTGRES_USER"], host=os.environ["POSTGRES_HOST"], port=int(os.environ["POSTGRES_PORT"]), database=os.environ["POSTGRES_DB"])).connect()',
    ];
    const secrets = secretEnvFor(`${id}-nowait`, combo, services, pod);
    const found = await initWaitsForDatabase(engine, `cpda-k8s-nowait-${process.pid}`, image, pod, secrets, secrets.mounts, secrets.createIt);
    expect(found).toMatch(/it did not wait for the missing database/);
    expect(found).toMatch(/does not exist/);
  });

  /** add kubernetes on a copy of a fixture, its image built once per test file run. */
  const fixtureImages = new Map<string, Promise<void>>();
  async function fixturePod(fixture: 'kubernetes-app') {
    const base = path.join(parent, `fixture-${fixture}-${fixtureImages.size}-${Date.now()}`);
    mkdirSync(base);
    const dir = copyFixture(fixture, base);
    const added = await runMain(['add', 'kubernetes', '--dir', dir, '--yes'], { cwd: base });
    if (added.code !== 0) throw new Error(`add kubernetes: ${added.stderr}`);
    const image = `cpda-k8s/fixture-${fixture}:test`;
    if (!fixtureImages.has(fixture)) fixtureImages.set(fixture, buildImage(host, dir, image));
    await fixtureImages.get(fixture);
    // The Secret's keys with secret.example's values: this app connects to nothing at start-up.
    const example = readFileSync(path.join(dir, 'deploy/kubernetes/base/secret.example'), 'utf8');
    const secrets: PodSecrets = { env: Object.fromEntries([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!])) };
    return { dir, image, pod: await prodPod(dir), secrets };
  }
});
