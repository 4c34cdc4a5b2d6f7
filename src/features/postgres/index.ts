// PostgreSQL: the item store backed by SQLAlchemy 2 + psycopg 3 (./templates/), and a
// `db` Compose service (./templates/compose-service.yaml.part.ejs).

import { PINS, SERVICE_IMAGES } from '../../engine/versions.js';
import { RUNTIME_LIMITS } from '../runtime-limits.js';
import type { FileSecret, ServiceFeature } from '../types.js';

/** The database password: a file secret (src/features/secret-files.ts), never a variable of a container. */
export const POSTGRES_PASSWORD_SECRET: FileSecret = {
  name: 'postgres_password',
  env: 'POSTGRES_PASSWORD',
  fileEnv: 'POSTGRES_PASSWORD_FILE',
  what: "the database role's password",
};

/**
 * Where compose.yaml's db entry point writes its `postgres` launcher, which drops the password
 * the image's entry point exports (a tmpfs: compose-hardening.ts).
 */
export const POSTGRES_LAUNCHER_DIR = '/run/postgres-launcher';

/** What PostgreSQL's templates and slot contributions print, as the render context's `postgres`. */
export interface PostgresData {
  /** The app's timeouts and connection pool (settings.py's defaults of the DATABASE_* variables). */
  limits: typeof RUNTIME_LIMITS.database;
  launcherDir: string;
}

export function postgresData(): PostgresData {
  return { limits: RUNTIME_LIMITS.database, launcherDir: POSTGRES_LAUNCHER_DIR };
}

export const postgres: ServiceFeature<PostgresData, 'postgres'> = {
  key: 'postgres',
  layer: 'postgres',
  chosen: ({ options }) => options.postgres,
  contextKey: 'postgres',
  data: postgresData,
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
  secrets: [POSTGRES_PASSWORD_SECRET],
  url: {
    env: 'POSTGRES_HOST',
    field: 'database_url',
    // Built from the POSTGRES_* parts and the password's secret file (slot settings.url_builders).
    read: 'database_url_from',
    // The parts the app builds its URL from; the password is the file secret.
    compose: { POSTGRES_HOST: 'db', POSTGRES_PORT: '5432', POSTGRES_USER: '${POSTGRES_USER:-app}', POSTGRES_DB: '${POSTGRES_DB:-app}' },
    // The README's `docker run` line: the parts, and the password's file mounted where Compose
    // puts it. The file, as Compose mounts it, not the folder: secrets/ is 0700 and the host
    // user's, so the image's non-root user could not enter it.
    placeholder: 'HOST -e POSTGRES_USER=USER -e POSTGRES_DB=DB -v "$PWD/secrets/postgres_password:/run/secrets/postgres_password:ro"',
    // No password in either: no emitted file carries one (the app refuses the known placeholders).
    local: '127.0.0.1 (with POSTGRES_PORT/USER/DB; the password in SECRETS_DIR)',
    // The password as a variable here (random: no value written in a file); tests.settings.secrets reads it from a file.
    sample: { POSTGRES_HOST: '"db"', POSTGRES_USER: '"app"', POSTGRES_DB: '"app"', POSTGRES_PASSWORD: 'secrets.token_urlsafe()' },
    sampleUrl: 'f"postgresql+psycopg://app:{FULL_ENV[\'POSTGRES_PASSWORD\']}@db:5432/app"',
    needs: 'a PostgreSQL database',
    comment: 'SQLAlchemy URL, built by database_url_from() from POSTGRES_* and the secret postgres_password.',
  },
  namespace: {
    field: 'database_schema',
    env: 'DATABASE_SCHEMA',
    default: () => '',
    comment: "PostgreSQL schema of the app's tables; empty: the database's default (public).",
    what: 'a PostgreSQL schema',
    testValue: 'f"test_{RUN_ID}"',
    cleanup: { module: 'app.store', function: 'drop_schema' },
  },
  ci: {
    // The container exists for one CI job and listens on the runner only: no password.
    env: { POSTGRES_USER: 'app', POSTGRES_DB: 'app', POSTGRES_HOST_AUTH_METHOD: 'trust' },
    health: 'pg_isready -U app -d app',
    // Trust authentication ignores the password, but the app wants one (no secret file on the
    // runner: the variable). The run's id: no value written in the workflow file (GitLab's
    // pipeline gets its own run id: ci-gitlab's gitlabJobEnv).
    jobEnv: { POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: '5432', POSTGRES_USER: 'app', POSTGRES_DB: 'app', POSTGRES_PASSWORD: '${{ github.run_id }}' },
  },
  driver: PINS.psycopg,
  drivers: ['psycopg', 'psycopg2', 'psycopg2-binary', 'psycopg-binary', 'asyncpg', 'pg8000'],
  requirements: [PINS.sqlalchemy, PINS.psycopg],
  env: [
    { name: 'POSTGRES_USER', example: 'app', comment: 'Database role Compose creates for the app.' },
    { name: 'POSTGRES_DB', example: 'app', comment: 'Database Compose creates for the app.' },
    {
      name: 'POSTGRES_HOST',
      example: '127.0.0.1',
      comment: 'Used when the app runs outside Compose (pytest, a local server), with POSTGRES_PORT; Compose sets its own.',
    },
    { name: 'POSTGRES_PORT', example: '5432', comment: "PostgreSQL's port outside Compose (compose.override.yaml publishes it on 127.0.0.1)." },
    {
      name: 'SECRETS_DIR',
      example: 'secrets',
      comment: 'Where the app reads secret files (postgres_password) outside Compose; in a container they are in /run/secrets.',
    },
  ],
};
