// A project's managed-platform files (deploy/cloud-run/, deploy/aci/), rendered as `create
// --deploy <target>` writes them, for the platform tests.

import type { RenderedFile } from '../../src/engine/rendered-file.js';
import type { ProjectOptions } from '../../src/options/table.js';
import { render } from './generate.js';

export type Platform = 'cloud-run' | 'aci';
export const PLATFORMS: readonly Platform[] = ['cloud-run', 'aci'];

export function renderPlatform(platform: Platform, overrides: Partial<ProjectOptions> = {}): RenderedFile[] {
  return render({ ...overrides, deploy: [platform] }).filter((f) => f.path.startsWith(`deploy/${platform}/`));
}

/** What a target's files vary with: both frameworks, with and without PostgreSQL (and migrations) and Redis. */
export type PlatformCombo = Pick<ProjectOptions, 'framework' | 'postgres' | 'redis' | 'migrations'>;
export const PLATFORM_COMBOS: PlatformCombo[] = (['flask', 'fastapi'] as const).flatMap((framework) =>
  [
    { postgres: true, migrations: true },
    { postgres: true, migrations: false },
    { postgres: false, migrations: false },
  ].flatMap((db) => [true, false].map((redis) => ({ framework, redis, ...db }))),
);

/**
 * A deploy README's sections as they come and go: PostgreSQL with its migration step, Redis,
 * neither (the framework changes no command). The CLI syntax checks run each README once per row.
 */
export const README_SECTION_COMBOS: PlatformCombo[] = [
  { framework: 'flask', postgres: true, redis: true, migrations: true },
  { framework: 'fastapi', postgres: true, redis: false, migrations: false },
  { framework: 'fastapi', postgres: false, redis: true, migrations: false },
  { framework: 'flask', postgres: false, redis: false, migrations: false },
];
