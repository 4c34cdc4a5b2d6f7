// How the app's server runs in its container, whichever framework and Dockerfile variant: its
// port, its user, its worker processes and its graceful shutdown. Each framework's own server
// command is in its folder (src/features/flask/, src/features/fastapi/).

import type { EnvVar } from './types.js';

/** The port a new project's server listens on (add docker uses the detected one). */
export const APP_PORT = 8000;

/** Fixed UID/GID of the non-root user, above the range distributions hand out. */
export const APP_UID = 10001;

/**
 * On SIGTERM (`docker stop`) both servers stop accepting connections and give the requests in
 * flight this long to finish (gunicorn's graceful_timeout, uvicorn's
 * --timeout-graceful-shutdown); then they cancel what is left and exit 0.
 */
export const GRACEFUL_SHUTDOWN_SECONDS = 30;

/** Compose's stop_grace_period: longer than the servers' own, so Docker never has to SIGKILL them. */
export const STOP_GRACE_PERIOD_SECONDS = GRACEFUL_SHUTDOWN_SECONDS + 10;

/** Worker processes of the server unless a feature needs fewer (see Feature.workers). */
export const DEFAULT_WORKERS = 2;

/**
 * Server settings compose.yaml passes to the container; gunicorn and uvicorn read both natively.
 * `limit` is the feature that caps the worker count, if any.
 */
export function serverEnv(workers: number, limit?: { why: string }): EnvVar[] {
  return [
    {
      name: 'WEB_CONCURRENCY',
      example: String(workers),
      comment: limit
        ? `Worker processes of the server in the container. Keep it at ${workers}: ${limit.why}.`
        : 'Worker processes of the server in the container (the CPU count inside Docker is unreliable).',
    },
    {
      name: 'FORWARDED_ALLOW_IPS',
      example: '127.0.0.1',
      comment: 'IPs of reverse proxies whose X-Forwarded-* headers are trusted; add your proxy\'s address.',
    },
  ];
}
