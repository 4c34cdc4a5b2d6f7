// Which tool installs a project's dependencies in the image. A new project uses the package
// manager it was created with (--package-manager); `add docker` uses the tool whose lock file it
// found in the repository (src/existing/detect.ts), else pip.

import type { PackageManager } from '../options/table.js';
import { pip } from './pip/index.js';
import { pipenv } from './pipenv/index.js';
import { poetry } from './poetry/index.js';
import type { InstallerFeature } from './types.js';
import { uv } from './uv/index.js';

export const PACKAGE_MANAGER_FEATURES: Record<PackageManager, InstallerFeature> = { uv, pip };

/**
 * The file the dependencies are installed from: a lock (uv.lock, poetry.lock, Pipfile.lock), a
 * requirements file, or pyproject.toml's PEP 621 `[project].dependencies` (a repository with
 * neither a lock nor requirements.txt; never a Poetry table, which pip cannot read).
 */
export type InstallFrom = 'uv.lock' | 'poetry.lock' | 'Pipfile.lock' | 'requirements.txt' | 'pyproject.toml';

export function installerFor(installFrom: InstallFrom): InstallerFeature {
  switch (installFrom) {
    case 'uv.lock':
      return uv;
    case 'poetry.lock':
      return poetry;
    case 'Pipfile.lock':
      return pipenv;
    case 'requirements.txt':
    case 'pyproject.toml':
      return pip;
  }
}
