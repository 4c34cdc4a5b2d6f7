// Poetry, for `add docker` in a repository locked with poetry.lock. Following Poetry's own FAQ
// for Docker: `poetry install --only main --no-root --no-directory` from pyproject.toml and
// poetry.lock alone, before the code is copied, so the layer stays cached. Poetry (pinned) is
// installed into a throwaway virtual environment in the same step and removed with it, so it
// never ships; it installs into /opt/venv and refuses a poetry.lock that no longer matches
// pyproject.toml, verifying every file against the hashes in the lock. The code is not
// installed as a package: the server imports it from /app, as with every other installer.

import { POETRY_VERSION } from '../../engine/versions.js';
import type { InstallerFeature } from '../types.js';

export const poetry: InstallerFeature & { version: string } = {
  key: 'poetry',
  label: 'Poetry',
  layer: 'poetry',
  chosen: ({ installer }) => installer === 'poetry',
  files: ['pyproject.toml', 'poetry.lock'],
  venv: '/opt/venv',
  addCommand: 'poetry add',
  version: POETRY_VERSION,
};
