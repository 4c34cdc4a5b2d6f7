// --worker celery: a Celery worker beside the app, Redis its broker and result store, with an
// example task that reads an item from PostgreSQL (./templates/). The API enqueues it at
// POST /items/{id}/process (202 and a task id) and reports it at GET /tasks/{id} (./slots/).
// The worker is a Compose service of the app's own image with its own command
// (./templates/compose-service.yaml.part.ejs), a Deployment and a PodDisruptionBudget under
// Kubernetes (no Service: nothing calls it), and a job of the CI workflow's tests.

import { PINS } from '../../engine/versions.js';
import type { Feature } from '../types.js';

/** What the worker's templates and slot contributions print, as the render context's `worker`. */
export interface WorkerData {
  /** The Compose service and Kubernetes Deployment name. */
  service: string;
  /** The Celery app the command loads (`celery -A <module>`): it reads the settings at import. */
  module: string;
  /** Exec-form command of the worker container. */
  command: string[];
  /** Exec-form command of the development override: the same, restarted when the code changes. */
  devCommand: string[];
  /** The file the worker touches while its event loop runs; the health check reads its age. */
  heartbeat: { file: string; everySeconds: number; maxAgeSeconds: number };
  /** The health check: the heartbeat's age, no question to the broker. */
  healthcheck: string[];
  /** Task processes per worker (WORKER_CONCURRENCY). */
  concurrency: number;
  /**
   * Seconds after which Redis hands a task that no worker acknowledged to another worker
   * (WORKER_VISIBILITY_TIMEOUT): longer than the longest task, or a running task is run twice.
   */
  visibilityTimeout: number;
  /** kombu checks for such tasks this often (a constant of its Redis transport). */
  restoreEverySeconds: number;
  /** A failing task (the database down) is retried this many times, backing off (TASK_MAX_RETRIES). */
  maxRetries: number;
  /** The longest a task may run before Celery ends it (task_time_limit). */
  timeLimitSeconds: number;
  /** Compose's stop_grace_period: a task running at `docker compose stop` finishes within it. */
  stopGracePeriod: number;
  /** The example task's simulated work, at most this many seconds (its `seconds` parameter). */
  maxTaskSeconds: number;
  /** The name the API sends the example task by. */
  taskName: string;
}

const HEARTBEAT = { file: '/tmp/worker-heartbeat', everySeconds: 5, maxAgeSeconds: 30 };
const MAX_TASK_SECONDS = 20;
const TIME_LIMIT_SECONDS = 30;
const MODULE = 'app.worker_app';

/** The worker's command: no gossip, mingle or event heartbeats, so an idle worker sends nothing to Redis. */
const COMMAND = ['celery', '--app', MODULE, 'worker', '--loglevel', 'INFO', '--without-gossip', '--without-mingle', '--without-heartbeat'];

export function workerData(): WorkerData {
  return {
    service: 'worker',
    module: MODULE,
    command: COMMAND,
    // watchfiles restarts the command when a .py file under app/ changes (Celery has no reloader of its own).
    devCommand: ['watchfiles', '--filter', 'python', COMMAND.join(' '), 'app'],
    heartbeat: HEARTBEAT,
    // A script of its own, run by path: `python -m app.heartbeat` imports the app package first
    // (Flask's imports the framework, SQLAlchemy and Celery): measured in a Flask worker on a
    // loaded 2-core machine, 7.4 s (past the probe's 5 s timeout: never healthy) against 0.6 s.
    healthcheck: ['python', 'app/heartbeat.py'],
    concurrency: 2,
    visibilityTimeout: 60,
    restoreEverySeconds: 10,
    maxRetries: 3,
    timeLimitSeconds: TIME_LIMIT_SECONDS,
    stopGracePeriod: TIME_LIMIT_SECONDS + 10,
    maxTaskSeconds: MAX_TASK_SECONDS,
    taskName: 'app.process_item',
  };
}

export const workerCelery: Feature<WorkerData, 'worker'> = {
  layer: 'worker-celery',
  chosen: ({ options }) => options.worker === 'celery',
  contextKey: 'worker',
  data: workerData,
  requirements: [PINS.celery, PINS.packaging, PINS.watchfiles],
  env: [
    {
      name: 'WORKER_CONCURRENCY',
      example: '2',
      comment: 'Task processes of the Celery worker (one task at a time each).',
    },
    {
      name: 'WORKER_VISIBILITY_TIMEOUT',
      example: '60',
      comment: 'Seconds before a task a killed worker held is given to another; longer than any task runs.',
    },
  ],
};
