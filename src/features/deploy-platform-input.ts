// The facts of a project that the managed platforms' files (Cloud Run, ACI) are built from,
// taken from its render context: one place, so both platforms read the app the same way.

import type { ServiceKey } from '../options/values.js';
import { ALEMBIC_MIGRATIONS, resourceName } from './kubernetes/index.js';
import type { PlatformInput } from './managed-platforms.js';

export interface PlatformSource {
  name: string;
  port: number;
  uid: number;
  healthPath: string;
  readyPath: string;
  server: { package: string; command: readonly string[] };
  services: ServiceKey[];
  migrations: boolean;
}

export function platformInput(source: PlatformSource): PlatformInput {
  return {
    name: resourceName(source.name),
    port: source.port,
    uid: source.uid,
    healthPath: source.healthPath,
    readyPath: source.readyPath,
    server: source.server.package === 'gunicorn' ? 'gunicorn' : 'uvicorn',
    serverCommand: source.server.command,
    services: source.services,
    ...(source.migrations ? { migrations: ALEMBIC_MIGRATIONS } : {}),
  };
}
