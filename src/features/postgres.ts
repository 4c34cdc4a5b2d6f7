// PostgreSQL: the item store backed by SQLAlchemy 2 + psycopg 3, and a `db` Compose service.
// Without it, the `memory` layer supplies an in-process item store with the same interface.

import { PINS, SERVICE_IMAGES } from '../versions.js';
import type { Feature } from './types.js';

export const postgres: Feature & { image: string } = {
  layer: 'postgres',
  image: SERVICE_IMAGES.postgres,
  requirements: [PINS.sqlalchemy, PINS.psycopg],
  env: [
    { name: 'POSTGRES_USER', example: 'app', comment: 'Database role Compose creates for the app.' },
    {
      name: 'POSTGRES_PASSWORD',
      example: 'change-me',
      comment: 'Required by compose.yaml. Use letters and digits only: it is placed in DATABASE_URL.',
    },
    { name: 'POSTGRES_DB', example: 'app', comment: 'Database Compose creates for the app.' },
    {
      name: 'DATABASE_URL',
      example: 'postgresql+psycopg://app:change-me@127.0.0.1:5432/app',
      comment: 'Used when the app runs outside Compose (pytest, a local server); Compose sets its own.',
    },
  ],
};

export const memoryStore: Feature = { layer: 'memory' };
