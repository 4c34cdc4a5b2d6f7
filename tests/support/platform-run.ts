// The image run by the local engine as Cloud Run or ACI would run it, its `docker run`
// arguments derived from the rendered deploy/<target>/ file after `envsubst` (the real one, as
// the README runs it) filled the placeholders:
//   the container's user            --user (Cloud Run's runAsUser; ACI: the image's USER)
//   env / environmentVariables      -e NAME=VALUE (a secureValue the same way)
//   the password secret volume      a file mounted read-only at /run/secrets/postgres_password
//   command                         the command after the image
//   resources (limits / requests)   --memory, --cpus
//   the platform's grace period     --stop-timeout and `docker stop -t` (Cloud Run: 10 s)
// Neither platform has a read-only root file system, so the run has none either (the
// Kubernetes pod run checks that the server copes with one). The run must show the server as
// a non-root process, the liveness probe's path (and readiness's, where the file has one) must
// answer 2xx inside the container, and `docker stop` (SIGTERM) must end it with exit 0 within
// the grace period. Until the secrets convention (issue 23) lands, the app on main reads
// DATABASE_URL: the run passes it too, beside the POSTGRES_* variables and the file.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { PLATFORM_GRACE_SECONDS, POSTGRES_PASSWORD_FILE, SECRETS_DIR } from '../../src/features/managed-platforms.js';
import { docker } from './docker.js';
import type { EngineInfo } from './engine.js';
import { documentsOf } from './platform-rules.js';
import type { Platform } from './platforms.js';

/** What the run needs from the platform's app file. */
export interface PlatformContainerRun {
  user?: string;
  env: Record<string, string>;
  command: string[];
  memory: string;
  cpus: string;
  secretFile: boolean;
  probes: string[];
}

/** `envsubst` over a file's text, with only the given variables in its environment. */
export function envsubst(text: string, values: Record<string, string>): string {
  const result = spawnSync('envsubst', [], { input: text, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...values } });
  if (result.status !== 0) throw new Error(`envsubst: ${result.stderr}`);
  return result.stdout;
}

type Probe = { httpGet?: { path: string; port: number } };

/** The app container of the rendered service.yaml or container-group.yaml, as `docker run` needs it. */
export function containerRunOf(platform: Platform, files: readonly RenderedFile[], values: Record<string, string>): PlatformContainerRun {
  const name = platform === 'cloud-run' ? 'service.yaml' : 'container-group.yaml';
  const file = files.find((f) => f.path.endsWith(`/${name}`));
  if (!file) throw new Error(`no ${name}`);
  const doc = documentsOf(envsubst(file.contents, values))[0]!;
  const url = (p?: Probe) => (p?.httpGet ? [`http://127.0.0.1:${p.httpGet.port}${p.httpGet.path}`] : []);
  if (platform === 'cloud-run') {
    type C = { command: string[]; env?: { name: string; value: string }[]; resources: { limits: { cpu: string; memory: string } }; securityContext?: { runAsUser?: number }; livenessProbe?: Probe; readinessProbe?: Probe; volumeMounts?: { mountPath: string }[] };
    const c = (doc as { spec: { template: { spec: { containers: C[] } } } }).spec.template.spec.containers[0]!;
    return {
      user: c.securityContext?.runAsUser === undefined ? undefined : String(c.securityContext.runAsUser),
      env: Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value])),
      command: c.command,
      memory: c.resources.limits.memory.replace(/Mi$/, 'm').replace(/Gi$/, 'g'),
      cpus: c.resources.limits.cpu,
      secretFile: (c.volumeMounts ?? []).some((m) => m.mountPath === SECRETS_DIR),
      probes: [...url(c.livenessProbe), ...url(c.readinessProbe)],
    };
  }
  type A = { command: string[]; environmentVariables?: { name: string; value?: string; secureValue?: string }[]; resources: { requests: { cpu: number; memoryInGB: number } }; livenessProbe?: Probe; readinessProbe?: Probe; volumeMounts?: { mountPath: string }[] };
  const c = (doc as { properties: { containers: { properties: A }[] } }).properties.containers[0]!.properties;
  return {
    env: Object.fromEntries((c.environmentVariables ?? []).map((e) => [e.name, e.value ?? e.secureValue ?? ''])),
    command: c.command,
    memory: `${Math.round(c.resources.requests.memoryInGB * 1024)}m`,
    cpus: String(c.resources.requests.cpu),
    secretFile: (c.volumeMounts ?? []).some((m) => m.mountPath === SECRETS_DIR),
    probes: [...url(c.livenessProbe), ...url(c.readinessProbe)],
  };
}

/** Python inside the container: PID 1's user id. */
const UID_PY = 'print(open("/proc/1/status").read().split("Uid:")[1].split()[1])';
const PROBE_PY = `import sys, urllib.request
bad = []
for url in sys.argv[1:]:
    try: urllib.request.urlopen(url, timeout=2)
    except Exception as e: bad.append(f"{url}: {e}")
print("\\n".join(bad)); sys.exit(1 if bad else 0)`;

/**
 * Runs the image as the platform would; empty when it became healthy, ran as no root user
 * and stopped cleanly within the grace period. `extra` adds the test services (sockets, their
 * URLs while the app reads DATABASE_URL).
 */
export async function runAsPlatform(host: EngineInfo, name: string, image: string, spec: PlatformContainerRun, extra: { env: Record<string, string>; args: string[] }): Promise<string[]> {
  const problems: string[] = [];
  const secrets = mkdtempSync(path.join(tmpdir(), 'cpda-platform-secrets-'));
  try {
    // The secret store's value, as the platform mounts it: readable by the container's user only.
    const password = path.join(secrets, POSTGRES_PASSWORD_FILE);
    writeFileSync(password, `test-${process.pid}-${Date.now()}`);
    chmodSync(secrets, 0o755);
    chmodSync(password, 0o444);
    const env = { ...spec.env, ...extra.env };
    const args = [
      ...(spec.user ? ['--user', spec.user] : []),
      '--memory', spec.memory, '--cpus', spec.cpus,
      '--stop-timeout', String(PLATFORM_GRACE_SECONDS),
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      ...(spec.secretFile ? ['-v', `${password}:${SECRETS_DIR}/${POSTGRES_PASSWORD_FILE}:ro`] : []),
      ...extra.args,
    ];
    const started = await docker(host, ['run', '-d', '--name', name, ...args, image, ...spec.command]);
    if (started.code !== 0) return [`docker run failed: ${started.stderr.trim()}`];
    try {
      const uid = await docker(host, ['exec', name, 'python', '-c', UID_PY]);
      if (uid.stdout.trim() === '0' || uid.code !== 0) problems.push(`the server runs as uid ${uid.stdout.trim() || '?'} ${uid.stderr.trim()}`);
      const deadline = Date.now() + 60_000;
      let answer = await docker(host, ['exec', name, 'python', '-c', PROBE_PY, ...spec.probes]);
      while (answer.code !== 0 && Date.now() < deadline) {
        if ((await docker(host, ['inspect', '-f', '{{.State.Running}}', name])).stdout.trim() !== 'true') break;
        await sleep(500);
        answer = await docker(host, ['exec', name, 'python', '-c', PROBE_PY, ...spec.probes]);
      }
      if (answer.code !== 0) problems.push(`the probes did not answer: ${(answer.stdout + answer.stderr).trim()}`);
      else {
        const t0 = Date.now();
        await docker(host, ['stop', '-t', String(PLATFORM_GRACE_SECONDS), name], { timeoutMs: (PLATFORM_GRACE_SECONDS + 15) * 1000 });
        const seconds = (Date.now() - t0) / 1000;
        const exit = (await docker(host, ['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim();
        if (exit !== '0' || seconds >= PLATFORM_GRACE_SECONDS) problems.push(`after SIGTERM the server exited with ${exit} in ${seconds.toFixed(1)} s (grace ${PLATFORM_GRACE_SECONDS} s)`);
      }
      if (problems.length > 0) {
        const logs = await docker(host, ['logs', name]);
        problems.push(`--- docker logs (last 25 lines):\n${(logs.stdout + logs.stderr).split('\n').slice(-25).join('\n')}`);
      }
    } finally {
      await docker(host, ['rm', '-f', name]);
    }
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
  return problems;
}
