// --beat (with --worker celery): Celery beat, the scheduler that sends periodic tasks to the
// worker, and an example periodic task (./templates/app/periodic.py.ejs) that counts the items
// every BEAT_INTERVAL_SECONDS. Beat only sends: the worker runs the task like any other. It is
// a Compose service of the app's image with its own command (./templates/compose-service.yaml.part.ejs)
// and, under Kubernetes, a Deployment of exactly one pod, replaced with `Recreate`
// (src/features/kubernetes-beat/). Its own flag, never on by default with the worker: every beat
// sends every periodic task on its own, so two beats double every job.

import type { ComposeHardening } from '../compose-hardening.js';
import { redis } from '../redis/index.js';
import type { Feature } from '../types.js';
import { workerData, type WorkerData } from '../worker-celery/index.js';

/** What beat's templates and slot contributions print, as the render context's `beat`. */
export interface BeatData {
  /** The Compose service and Kubernetes Deployment name. */
  service: string;
  /** Redis's Compose service: the one beat waits for (it never reads the database). */
  broker: string;
  /** Exec-form command: the worker's Celery app, beat, its schedule file in the writable /tmp. */
  command: string[];
  /** The development override's: the same, restarted when the code changes (the schedule is code). */
  devCommand: string[];
  /**
   * Where beat keeps when each task last ran (a shelve file): the root file system is read-only,
   * so the container's /tmp. Lost with the container: after a restart each task is next sent
   * one interval after beat started, which an interval schedule does anyway.
   */
  scheduleFile: string;
  /** The example periodic task's default interval (BEAT_INTERVAL_SECONDS). */
  intervalSeconds: number;
  /** The name beat sends the example periodic task by. */
  taskName: string;
  /** The beat-schedule entry's name. */
  entryName: string;
  /**
   * The heartbeat: beat's scheduler loop touches the worker's heartbeat file (in the beat's own
   * container) on every pass, at least every `everySeconds`; the health check is the worker's
   * (`python app/heartbeat.py`, the file's age), so a probe asks Redis nothing.
   */
  heartbeat: WorkerData['heartbeat'];
  healthcheck: string[];
  /** compose.yaml's hardening of the beat service (one process, its schedule and heartbeat files in /tmp). */
  hardening: ComposeHardening;
}

const SCHEDULE_FILE = '/tmp/celerybeat-schedule';
const INTERVAL_SECONDS = 60;

export function beatData(worker: WorkerData, broker: string): BeatData {
  const command = ['celery', '--app', worker.module, 'beat', '--loglevel', 'INFO', '--schedule', SCHEDULE_FILE];
  return {
    service: 'beat',
    broker,
    command,
    // watchfiles restarts beat when a .py file under app/ changes, as it does the worker.
    devCommand: ['watchfiles', '--filter', 'python', command.join(' '), 'app'],
    scheduleFile: SCHEDULE_FILE,
    intervalSeconds: INTERVAL_SECONDS,
    taskName: 'app.count_items',
    entryName: 'count-items',
    heartbeat: worker.heartbeat,
    healthcheck: worker.healthcheck,
    hardening: {
      tmpfs: [{ path: '/tmp', size: '16m', why: 'the schedule file (--schedule) and the heartbeat file' }],
      capAdd: [],
      // One process with the worker's imports (Celery, SQLAlchemy), no task run in it.
      memory: '256m',
      pids: 64,
    },
  };
}

export const celeryBeat: Feature<BeatData, 'beat'> = {
  layer: 'celery-beat',
  chosen: ({ options }) => options.beat,
  contextKey: 'beat',
  // The worker's Celery app and heartbeat; Redis is the broker it waits for.
  data: () => beatData(workerData(), redis.compose.service),
  // Celery has beat: no package of its own.
  env: [
    {
      name: 'BEAT_INTERVAL_SECONDS',
      example: String(INTERVAL_SECONDS),
      comment: 'Seconds between two runs of the example periodic task (read by the one beat service).',
    },
  ],
};
