// The files a shipped lock is computed from, rendered by the real engine exactly as a new
// project gets them, for the placeholder project name (src/features/locks.ts).

import { buildContext } from '../../src/engine/context.js';
import { packageVersion } from '../../src/engine/package-version.js';
import { renderLayers } from '../../src/engine/render.js';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { LOCK_PROJECT_NAME, type LockOptions } from '../../src/features/locks.js';
import type { PackageManager, ProjectOptions } from '../../src/options/table.js';

export const LOCK_INPUTS: Record<PackageManager, string[]> = {
  uv: ['pyproject.toml'],
  pip: ['requirements.in', 'requirements-dev.in'],
};

export function lockInputs(o: LockOptions, packageManager: PackageManager): RenderedFile[] {
  // Neither the Python version nor the Dockerfile variant changes these files.
  // Neither do the options that only add files of their own (the workflow, Dependabot, the dev
  // container), nor beat (Celery has it: the worker's packages are beat's).
  const options: ProjectOptions = { name: LOCK_PROJECT_NAME, description: 'lock inputs', python: '3.13', dockerfile: 'standard', packageManager, deploy: [], ci: 'none', dependabot: false, devcontainer: false, beat: false, ...o };
  const context = buildContext(options, packageVersion());
  return renderLayers(context, context.layers, (p) => LOCK_INPUTS[packageManager].includes(p));
}
