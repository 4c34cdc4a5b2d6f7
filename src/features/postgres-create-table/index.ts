// PostgreSQL without migrations (--postgres --no-migrations): the store creates its table at
// start-up when it is missing, every server worker taking its turn under an advisory lock. Its
// slots fill the PostgreSQL store, models and store tests where the `migrations` feature fills
// them otherwise (it checks the schema Alembic made): the meeting of PostgreSQL and no migrations.

import type { Feature } from '../types.js';

export const postgresCreateTable: Feature = {
  layer: 'postgres-create-table',
};
