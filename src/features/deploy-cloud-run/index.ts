// Google Cloud Run (`--deploy cloud-run`): deploy/cloud-run/ holds a Knative Service for
// `gcloud run services replace` (./templates/) and, with migrations, a Cloud Run Job that runs
// them (src/features/deploy-cloud-run-migrations/templates/). The database is Cloud SQL through
// its Unix socket, Redis is Memorystore through the VPC; the database password is a Secret
// Manager secret mounted as the file /run/secrets/postgres_password.

import type { DeployInput, DeployTargetFeature } from '../types.js';
import { cutName, maxInstancesFor, platformFacts, platformWarnings, type PlatformFacts } from '../managed-platforms.js';

export const CLOUD_RUN_LAYER = 'deploy-cloud-run';
export const CLOUD_RUN_MIGRATIONS_LAYER = 'deploy-cloud-run-migrations';
export const CLOUD_RUN_DIR = 'deploy/cloud-run';

/** What the Cloud Run templates print. */
export interface CloudRunFacts extends PlatformFacts {
  dir: string;
  /** autoscaling.knative.dev/maxScale of a revision (maxInstancesFor, or 1: singleInstance). */
  maxInstances: number;
  /** Requests one instance takes at once: gunicorn's workers x threads, FastAPI's thread pool. */
  concurrency: number;
  resources: { cpu: string; memory: string };
  /** The Secret Manager secret holding the database password. */
  passwordSecret: string;
  jobName: string;
  /** The service account's ID (6 to 30 characters). */
  serviceAccount: string;
}

/** gunicorn.conf.py's threads per worker (GUNICORN_THREADS' default). */
const GUNICORN_THREADS = 4;
/** Starlette runs sync endpoints in a pool of 40 threads (anyio's default). */
const FASTAPI_THREADS = 40;

export function cloudRunFacts(input: DeployInput): CloudRunFacts {
  const platform = platformFacts(input);
  // Cloud Run's service names are at most 49 characters.
  const facts = { ...platform, name: cutName(platform.name, 49) };
  return {
    ...facts,
    serviceAccount: `${cutName(facts.name, 26)}-run`,
    dir: CLOUD_RUN_DIR,
    maxInstances: facts.singleInstance ? 1 : maxInstancesFor(facts.workers),
    concurrency: input.server === 'uvicorn' ? FASTAPI_THREADS : facts.workers * GUNICORN_THREADS,
    // One CPU and the Kubernetes pod's memory limit; always allocated (no CPU throttling
    // between requests), which the connection pools and gunicorn's heartbeats need.
    resources: { cpu: '1', memory: '512Mi' },
    passwordSecret: `${facts.name}-postgres-password`,
    jobName: `${facts.name}-migrate`,
  };
}

export function cloudRunLayers(facts: Pick<CloudRunFacts, 'migrations'>): string[] {
  return [CLOUD_RUN_LAYER, ...(facts.migrations ? [CLOUD_RUN_MIGRATIONS_LAYER] : [])];
}

export const cloudRunTarget: DeployTargetFeature<CloudRunFacts, 'cloudRun'> = {
  key: 'cloud-run',
  dir: CLOUD_RUN_DIR,
  layer: CLOUD_RUN_LAYER,
  chosen: ({ options }) => options.deploy.includes('cloud-run'),
  contextKey: 'cloudRun',
  label: 'Cloud Run',
  summary: 'a Knative Service for gcloud run services replace, and a Cloud Run Job for the migrations',
  facts: cloudRunFacts,
  data: ({ deploy }) => cloudRunFacts(deploy),
  layers: cloudRunLayers,
  warnings: (facts) => platformWarnings(facts, cloudRunTarget.label),
  nextSteps: (facts) => [`# Cloud Run: fill in ${facts.dir}/settings.env, then follow ${facts.dir}/README.md`],
};
