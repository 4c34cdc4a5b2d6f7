// PostgreSQL: the item store backed by SQLAlchemy 2 + psycopg 3 (templates/postgres/), and a
// `db` Compose service (templates/postgres/compose-service.yaml.part.ejs).

import { PINS, SERVICE_IMAGES } from '../engine/versions.js';
import type { ServiceFeature } from './types.js';

export const postgres: ServiceFeature = {
  key: 'postgres',
  layer: 'postgres',
  label: 'PostgreSQL',
  question: {
    message: 'Store data in PostgreSQL?',
    help: 'add PostgreSQL (SQLAlchemy 2 + psycopg 3)',
    default: true,
    detectedFrom: 'a driver is in your dependencies',
  },
  compose: {
    service: 'db',
    appWaitsForIt: true,
    image: SERVICE_IMAGES.postgres,
    // PostgreSQL 18+ images keep their data under /var/lib/postgresql/<major>/docker.
    volume: { name: 'postgres-data', target: '/var/lib/postgresql' },
    devPort: 5432,
  },
  url: {
    env: 'DATABASE_URL',
    field: 'database_url',
    compose: 'postgresql+psycopg://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD:?Set POSTGRES_PASSWORD in .env}@db:5432/${POSTGRES_DB:-app}',
    placeholder: 'postgresql+psycopg://USER:PASSWORD@HOST:5432/DB',
    local: 'postgresql+psycopg://app:secret@127.0.0.1:5432/app',
    sample: 'postgresql+psycopg://app:secret@db:5432/app',
    needs: 'a PostgreSQL database',
    comment: 'SQLAlchemy URL, e.g. postgresql+psycopg://user:password@host:5432/dbname',
  },
  driver: PINS.psycopg,
  drivers: ['psycopg', 'psycopg2', 'psycopg2-binary', 'psycopg-binary', 'asyncpg', 'pg8000'],
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
