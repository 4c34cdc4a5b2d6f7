// Redis: a visit counter at GET /visits (redis-py), and a `redis` Compose service.

import { PINS, SERVICE_IMAGES } from '../versions.js';
import type { Feature } from './types.js';

export const redis: Feature & { image: string } = {
  layer: 'redis',
  image: SERVICE_IMAGES.redis,
  requirements: [PINS.redis],
  env: [
    {
      name: 'REDIS_URL',
      example: 'redis://127.0.0.1:6379/0',
      comment: 'Used when the app runs outside Compose (pytest, a local server); Compose sets its own.',
    },
  ],
};
