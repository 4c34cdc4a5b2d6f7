// The two Dockerfile variants. Both share the base image, user, CMD and HEALTHCHECK, which
// come from the render context; each variant is one template in its own layer.

import type { DockerfileVariant } from '../options/values.js';
import type { EnvVar, Feature } from './types.js';

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

export const DOCKERFILE_FEATURES: Record<DockerfileVariant, Feature> = {
  standard: { layer: 'dockerfile-standard' },
  'multi-stage': { layer: 'dockerfile-multi-stage' },
};

/** Fixed UID/GID of the non-root user, above the range distributions hand out. */
export const APP_UID = 10001;
