// Alembic migrations of the PostgreSQL schema (--migrations, on by default with --postgres):
// alembic.ini and migrations/ with the items table's first revision, a test that the models and
// the migrations agree (./templates/), and a one-shot Compose service that applies them
// before the app starts (`depends_on: condition: service_completed_successfully`). Its
// Feature.migrations makes --deploy kubernetes emit the Job that runs them before a rollout.
// Without migrations the PostgreSQL store creates its table at start-up instead.

import { PINS } from '../../engine/versions.js';
import { ALEMBIC_MIGRATIONS } from '../kubernetes/index.js';
import type { Feature } from '../types.js';

export const migrationsFeature: Feature<MigrationsData, 'migrations'> = {
  layer: 'migrations',
  chosen: ({ options }) => options.migrations,
  contextKey: 'migrations',
  data: migrationsData,
  requirements: [PINS.alembic],
  migrations: ALEMBIC_MIGRATIONS,
  // PostgreSQL's test schema gets the tables the migrations make.
  testPrepare: { postgres: { module: 'tests.migrations', function: 'upgrade', why: 'The tables, as `alembic upgrade head` makes them for the app.' } },
};

/** The Compose service that runs the migrations and exits; the app waits for it to succeed. */
export const MIGRATE_SERVICE = 'migrate';

/** The id of the first revision, which creates the items table (migrations/versions/). */
export const FIRST_REVISION = '0001';

/**
 * The PostgreSQL advisory lock that makes concurrent runs of the migrations take turns (two
 * `docker compose up`, a Kubernetes Job retried while the first still runs). Any constant: it
 * only has to be the same in every run.
 */
export const MIGRATION_LOCK_ID = 7_301_456;

/** What the migrations' templates and slot contributions print, as the render context's `migrations`. */
export interface MigrationsData {
  service: string;
  firstRevision: string;
  lockId: number;
}

export function migrationsData(): MigrationsData {
  return { service: MIGRATE_SERVICE, firstRevision: FIRST_REVISION, lockId: MIGRATION_LOCK_ID };
}
