// Pipenv, for `add docker` in a repository locked with Pipfile.lock. Pipenv's own Docker page
// says Pipenv is a build tool that should not be in the image, and builds a virtual environment
// from the lock in a builder stage. So: Pipenv (pinned) is installed into a throwaway virtual
// environment and removed in the same step (the single-stage image never holds it either), and
// `pipenv install --deploy` installs exactly Pipfile.lock into /opt/venv, with pip checking
// every hash, and refuses a Pipfile.lock that no longer matches the Pipfile.

import { PIPENV_VERSION } from '../../engine/versions.js';
import type { InstallerFeature } from '../types.js';

export const pipenv: InstallerFeature & { version: string } = {
  key: 'pipenv',
  label: 'Pipenv',
  layer: 'pipenv',
  chosen: ({ installer }) => installer === 'pipenv',
  files: ['Pipfile', 'Pipfile.lock'],
  venv: '/opt/venv',
  addCommand: 'pipenv install',
  version: PIPENV_VERSION,
};
