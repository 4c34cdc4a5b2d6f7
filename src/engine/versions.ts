// Every version the generated project pins, in one place so that a bump is one edit.
// Python packages: newest releases on PyPI as of 2026-11 (see README "Pinned versions").
// Images: newest official-image tags; each is pinned to patch level and Debian release.

import type { PythonVersion } from '../options/table.js';

/** The newest patch release of each Python version the generator offers. */
export const PYTHON_RELEASES: Record<PythonVersion, string> = {
  '3.12': '3.12.14',
  '3.13': '3.13.15',
  '3.14': '3.14.7',
};

/** The official image's variant: slim, on Debian 13 (trixie). */
export const PYTHON_IMAGE_VARIANT = 'slim-trixie';

export const PYTHON_IMAGES = Object.fromEntries(
  Object.entries(PYTHON_RELEASES).map(([version, release]) => [version, `python:${release}-${PYTHON_IMAGE_VARIANT}`]),
) as Record<PythonVersion, string>;

export const SERVICE_IMAGES = {
  postgres: 'postgres:18.6-trixie',
  redis: 'redis:8.10.1-trixie',
} as const;

/**
 * The tools the images install with. uv is copied from its own image (the same static binary
 * as the uv wheel on PyPI); `npm run lock` computes the shipped locks with this same uv.
 * poetry and pipenv (add docker, for a repository locked with them) are installed from PyPI
 * in the build and never ship.
 */
export const UV_VERSION = '0.13.9';
export const UV_IMAGE = `ghcr.io/astral-sh/uv:${UV_VERSION}`;
export const POETRY_VERSION = '2.5.1';
export const PIPENV_VERSION = '2026.10.3';

export interface Requirement {
  /** The distribution name as pip knows it, e.g. `psycopg`. */
  name: string;
  /** Extras, e.g. `['binary']` for `psycopg[binary]`. */
  extras?: string[];
  version: string;
}

export const PINS = {
  flask: { name: 'flask', version: '3.1.3' },
  gunicorn: { name: 'gunicorn', version: '27.0.1' },
  fastapi: { name: 'fastapi', version: '0.163.2' },
  uvicorn: { name: 'uvicorn', extras: ['standard'], version: '0.54.0' },
  pydanticSettings: { name: 'pydantic-settings', version: '2.16.3' },
  sqlalchemy: { name: 'sqlalchemy', version: '2.1.9' },
  psycopg: { name: 'psycopg', extras: ['binary'], version: '3.3.9' },
  redis: { name: 'redis', version: '8.1.0' },
  pytest: { name: 'pytest', version: '9.2.0' },
  httpx: { name: 'httpx', version: '0.28.1' },
} as const satisfies Record<string, Requirement>;

export function requirementLine(r: Requirement): string {
  const extras = r.extras && r.extras.length > 0 ? `[${r.extras.join(',')}]` : '';
  return `${r.name}${extras}==${r.version}`;
}
