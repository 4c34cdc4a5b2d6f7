// What the managed container platforms (Cloud Run, Azure Container Instances) share: how the
// server stops inside their grace period, how many instances the database's connection budget
// allows, and how the app reaches its managed PostgreSQL and Redis. The files each platform
// emits are in src/features/deploy-cloud-run/ and src/features/deploy-aci/; the facts that
// differ per platform are in their index.ts.

import type { BackgroundWorker, DeployInput } from './types.js';
import { resourceName, type ServerKind } from './kubernetes/index.js';
import { RUNTIME_LIMITS } from './runtime-limits.js';

/**
 * Seconds the server gives requests in flight after SIGTERM on these platforms. Cloud Run sends
 * SIGKILL 10 s after SIGTERM (its documented container contract) and this cannot be raised;
 * ACI documents no grace period at all, so the same short stop is the safe choice there too.
 * The image's own 30 s (GRACEFUL_SHUTDOWN_SECONDS) would be cut off half way.
 */
export const PLATFORM_GRACE_SECONDS = 10;
export const PLATFORM_GRACEFUL_SECONDS = 8;

/**
 * PostgreSQL's connections a project may hold in all: max_connections 100 minus the 3 kept for
 * superusers (tests/fast/capacity.test.ts adds up the Kubernetes and Compose counts the same way).
 * The README of each platform names a database size whose max_connections is at least 100.
 */
export const CONNECTION_BUDGET = 100 - 3;

/** Instances at most even when the budget allows more: a small team's first service. */
export const MAX_INSTANCES_CAP = 10;

/** Where the app reads the database password from (the secrets convention, issue 23). */
export const SECRETS_DIR = '/run/secrets';
export const POSTGRES_PASSWORD_FILE = 'postgres_password';

/** Worker processes per instance, as in the Kubernetes pods: scale with instances, not processes. */
export function platformWorkers(server: ServerKind, postgres: boolean): number {
  // Without PostgreSQL each worker process would be a store of its own; an unknown server keeps
  // its own default, which WEB_CONCURRENCY=1 asks to be one.
  if (!postgres || server === 'unknown') return 1;
  return server === 'gunicorn' ? 2 : 1;
}

/** Connections one worker may hold: its pool and what it opens beyond it (settings.py's defaults). */
export const CONNECTIONS_PER_WORKER = RUNTIME_LIMITS.database.poolSize + RUNTIME_LIMITS.database.maxOverflow;

/**
 * The most instances one revision may run so that, during a release, the old and the new
 * revision at their most (twice this) plus the one migration connection stay in the budget.
 */
export function maxInstancesFor(workers: number): number {
  const perInstance = workers * CONNECTIONS_PER_WORKER;
  return Math.max(1, Math.min(MAX_INSTANCES_CAP, Math.floor((CONNECTION_BUDGET - 1) / (2 * perInstance))));
}

/**
 * The image's own command with the platform's graceful stop: the image is unchanged, its CMD
 * is given again with one option changed (gunicorn reads its command line after gunicorn.conf.py,
 * so `--graceful-timeout` there wins; uvicorn's flag is replaced in place). Unknown (an app
 * `add deploy` did not generate): none, and a warning says the stop is the image's own.
 */
export function stopCommand(server: ServerKind, command: readonly string[] | undefined): string[] | undefined {
  if (!command || server === 'unknown') return undefined;
  const seconds = String(PLATFORM_GRACEFUL_SECONDS);
  if (server === 'uvicorn') {
    const at = command.indexOf('--timeout-graceful-shutdown');
    if (at < 0) return [...command, '--timeout-graceful-shutdown', seconds];
    return command.map((part, i) => (i === at + 1 ? seconds : part));
  }
  return [command[0]!, '--graceful-timeout', seconds, ...command.slice(1)];
}

/** The facts both platforms print the same way. */
export interface PlatformFacts extends DeployInput {
  postgres: boolean;
  redis: boolean;
  workers: number;
  /** One instance: the app keeps its data in process memory (SINGLE_INSTANCE_WHY). */
  singleInstance: boolean;
  singleInstanceWhy: string;
  /** The container's command: the image's CMD with a short graceful stop; undefined: the image's own. */
  command?: string[];
  graceSeconds: number;
  gracefulSeconds: number;
  secretsDir: string;
  passwordFile: string;
  budget: number;
  connectionsPerWorker: number;
}

export const SINGLE_INSTANCE_WHY =
  'without PostgreSQL the app keeps its data in the memory of its one process: a second instance would be a second, separate store behind the same address';

/**
 * A resource name cut to a platform's limit (whole at most `max` characters, no trailing '-'):
 * resourceName keeps 50, and some names are shorter (a Cloud Run service 49, a Google service
 * account ID 30, a Key Vault 24).
 */
export function cutName(name: string, max: number): string {
  return name.slice(0, max).replace(/-+$/, '');
}

/** What the user should know about a platform's files: a constraint, and why. */
export function platformWarnings(facts: PlatformFacts & { dir: string }, platform: string): string[] {
  return [
    ...(facts.singleInstance ? [`${platform}: one instance at most: ${facts.singleInstanceWhy}`] : []),
    ...(facts.command ? [] : [`${platform}: the image's own command and graceful stop are kept (its CMD is not known here, so it cannot be given again with a shorter stop): check that it stops within ${PLATFORM_GRACE_SECONDS} s of SIGTERM`]),
    ...undeployedWorkerWarnings(facts.worker, { label: platform, dir: facts.dir }),
  ];
}

/** A project's Celery worker from its options (--worker celery, --beat), or none. */
export function backgroundWorkerOf(options: { worker: string; beat: boolean }): BackgroundWorker | undefined {
  return options.worker === 'celery' ? { beat: options.beat } : undefined;
}

/**
 * What a target that runs the web app only leaves undeployed: the Celery worker and its beat
 * (only the Kubernetes manifests run them). Without a worker the tasks the API enqueues stay
 * pending, and nothing else would tell the user: every request still answers 202.
 */
export function undeployedWorkerWarnings(worker: BackgroundWorker | undefined, target: { label: string; dir: string }): string[] {
  if (!worker) return [];
  const what = worker.beat ? 'the Celery worker and beat are' : 'the Celery worker is';
  const run = worker.beat ? "compose.yaml's `worker` and exactly one `beat`" : "compose.yaml's `worker`";
  return [`${target.label}: ${what} not deployed (${target.dir}/ runs the web app only), so queued tasks stay pending: run ${run} elsewhere against the same Redis and PostgreSQL, or deploy with Kubernetes (--deploy kubernetes), whose manifests run ${worker.beat ? 'both' : 'it'}`];
}

export function platformFacts(input: DeployInput): PlatformFacts {
  const postgres = input.services.includes('postgres');
  return {
    ...input,
    name: resourceName(input.name),
    postgres,
    redis: input.services.includes('redis'),
    workers: platformWorkers(input.server, postgres),
    singleInstance: !postgres,
    singleInstanceWhy: SINGLE_INSTANCE_WHY,
    command: stopCommand(input.server, input.command),
    graceSeconds: PLATFORM_GRACE_SECONDS,
    gracefulSeconds: PLATFORM_GRACEFUL_SECONDS,
    secretsDir: SECRETS_DIR,
    passwordFile: POSTGRES_PASSWORD_FILE,
    budget: CONNECTION_BUDGET,
    connectionsPerWorker: CONNECTIONS_PER_WORKER,
  };
}
