// Redis: a visit counter at GET /visits (redis-py, ./templates/), and a `redis` Compose
// service (./templates/compose-service.yaml.part.ejs).

import { PINS, SERVICE_IMAGES } from '../../engine/versions.js';
import { RUNTIME_LIMITS } from '../runtime-limits.js';
import type { ServiceFeature } from '../types.js';

/** What Redis's templates and slot contributions print, as the render context's `redis`. */
export interface RedisData {
  /** Seconds to connect to Redis and for one command (settings.py's default REDIS_TIMEOUT). */
  timeout: number;
}

export function redisData(): RedisData {
  return { timeout: RUNTIME_LIMITS.redisTimeout };
}

export const redis: ServiceFeature<RedisData, 'redis'> = {
  key: 'redis',
  layer: 'redis',
  chosen: ({ options }) => options.redis,
  contextKey: 'redis',
  data: redisData,
  label: 'Redis',
  question: { message: 'Add Redis (visit counter)?', help: 'add Redis (redis-py)', default: true, detectedFrom: 'redis is in your dependencies' },
  compose: {
    service: 'redis',
    appWaitsForIt: true,
    image: SERVICE_IMAGES.redis,
    volume: { name: 'redis-data', target: '/data' },
    devPort: 6379,
  },
  url: {
    env: 'REDIS_URL',
    field: 'redis_url',
    compose: { REDIS_URL: 'redis://redis:6379/0' },
    placeholder: 'redis://HOST:6379/0',
    local: 'redis://127.0.0.1:6379/0',
    sample: { REDIS_URL: '"redis://redis:6379/0"' },
    needs: 'a Redis server',
    comment: 'e.g. redis://host:6379/0',
  },
  namespace: {
    field: 'redis_key_prefix',
    env: 'REDIS_KEY_PREFIX',
    default: (projectName) => `${projectName}:`,
    comment: 'Start of every key the app writes, so several apps can share one Redis.',
    what: 'a Redis key prefix',
    testValue: 'f"test-{RUN_ID}:"',
    cleanup: { module: 'app.counter', function: 'delete_keys' },
  },
  ci: { env: {}, health: 'redis-cli ping', jobEnv: { REDIS_URL: 'redis://127.0.0.1:6379/0' } },
  driver: PINS.redis,
  drivers: ['redis', 'aioredis', 'hiredis'],
  requirements: [PINS.redis],
  env: [
    {
      name: 'REDIS_URL',
      example: 'redis://127.0.0.1:6379/0',
      comment: 'Used when the app runs outside Compose (pytest, a local server); Compose sets its own.',
    },
  ],
};
