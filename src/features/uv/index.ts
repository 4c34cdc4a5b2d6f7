// uv: a new project declares its dependencies in pyproject.toml ([project] dependencies and a
// `dev` dependency group) and ships uv.lock, which pins every distribution with its hashes for
// every platform (./templates/). The image copies a pinned uv binary from uv's own image and
// installs with `uv sync --locked` into /app/.venv, following uv's Docker guide; `add docker`
// uses the same steps for a repository with a uv.lock.

import { UV_IMAGE } from '../../engine/versions.js';
import { PYTHON_VERSIONS } from '../../options/values.js';
import type { InstallerFeature } from '../types.js';

/** The oldest Python a project may run on: every lock is resolved for it and every newer one. */
export const REQUIRES_PYTHON = `>=${PYTHON_VERSIONS[0]}`;

/**
 * The platforms the images run on. A new project's pyproject.toml lists them as uv's
 * `required-environments`, so `uv lock` fails rather than lock a wheel-only package that has
 * no wheel for one of them.
 */
export const LINUX_ENVIRONMENTS = ["sys_platform == 'linux' and platform_machine == 'x86_64'", "sys_platform == 'linux' and platform_machine == 'aarch64'"];

export const uv: InstallerFeature = {
  key: 'uv',
  label: 'uv',
  layer: 'uv',
  chosen: ({ installer }) => installer === 'uv',
  files: ['pyproject.toml', 'uv.lock'],
  // uv's project environment; the Dockerfile's WORKDIR is /app.
  venv: '/app/.venv',
  addCommand: 'uv add',
  toolStage: { stage: 'uv', image: UV_IMAGE },
};
