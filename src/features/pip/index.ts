// pip: a new project declares its dependencies in requirements.in and requirements-dev.in and
// ships them compiled, every distribution pinned with its hashes, to requirements.txt and
// requirements-dev.txt (./templates/), which the image installs with `pip install
// --require-hashes`. `add docker` uses the same layer for a repository's own requirements.txt
// (hashes or not) or pyproject.toml [project].dependencies.

import type { InstallerFeature } from '../types.js';
import { REQUIRES_PYTHON } from '../uv/index.js';

export const pip: InstallerFeature = {
  key: 'pip',
  label: 'pip',
  layer: 'pip',
  chosen: ({ installer }) => installer === 'pip',
  files: ['requirements.txt'],
  venv: '/opt/venv',
};

/**
 * How requirements.txt and requirements-dev.txt are compiled from the .in files: uv's pip
 * interface, resolved once for every Python from the oldest offered one on (--universal),
 * with the hashes of every file of every pinned release. `npm run lock` runs exactly these,
 * the files' headers show them, and the project README tells the user to run them again.
 */
export const PIP_COMPILE = {
  requirements: ['uv', 'pip', 'compile', 'requirements.in', '--universal', '--python-version', REQUIRES_PYTHON.slice(2), '--generate-hashes', '-o', 'requirements.txt'],
  dev: ['uv', 'pip', 'compile', 'requirements-dev.in', '--universal', '--python-version', REQUIRES_PYTHON.slice(2), '--generate-hashes', '-o', 'requirements-dev.txt'],
} as const;
