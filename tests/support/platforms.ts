// Renders a project's managed-platform files (deploy/cloud-run/, deploy/aci/) from the same
// context the generator builds, for the platform tests.

import { buildContext, HEALTH_PATH, READY_PATH } from '../../src/engine/context.js';
import { renderLayers } from '../../src/engine/render.js';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { aciFacts, aciLayers } from '../../src/features/deploy-aci/index.js';
import { cloudRunFacts, cloudRunLayers } from '../../src/features/deploy-cloud-run/index.js';
import { platformInput } from '../../src/features/deploy-platform-input.js';
import type { ProjectOptions } from '../../src/options/table.js';
import { optionsFor, TEST_VERSION } from './generate.js';

export type Platform = 'cloud-run' | 'aci';
export const PLATFORMS: readonly Platform[] = ['cloud-run', 'aci'];

export function renderPlatform(platform: Platform, overrides: Partial<ProjectOptions> = {}): RenderedFile[] {
  const options = optionsFor(overrides);
  const context = buildContext(options, TEST_VERSION);
  const input = platformInput({
    name: options.name,
    port: context.port,
    uid: context.uid,
    healthPath: HEALTH_PATH,
    readyPath: READY_PATH,
    server: context.server,
    services: context.services.map((s) => s.key),
    migrations: options.migrations,
  });
  if (platform === 'cloud-run') {
    const cloudRun = cloudRunFacts(input);
    return renderLayers({ ...context, cloudRun }, cloudRunLayers(cloudRun));
  }
  const aci = aciFacts(input);
  return renderLayers({ ...context, aci }, aciLayers(aci));
}
