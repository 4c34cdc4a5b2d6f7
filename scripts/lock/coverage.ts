// Every distribution a lock installs on Linux has a wheel for x86_64 and aarch64 on every
// offered Python, for the glibc of the images' Debian release: the images build without a
// compiler on both architectures, and `--require-hashes` / `uv sync --locked` never meet an
// sdist they would have to build. Read from the lock itself (wheel-coverage.py, with
// `packaging`), offline.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src/engine/package-version.js';
import { PYTHON_VERSIONS } from '../../src/options/table.js';
import { runUv, type UvTool } from './uv-tool.js';

/** The machines the images are built for. */
export const MACHINES = ['x86_64', 'aarch64'] as const;
/** glibc of Debian 13 (trixie), the base images' release. */
export const TRIXIE_GLIBC = [2, 41] as const;

const SCRIPT = path.join(packageRoot(), 'scripts', 'lock', 'wheel-coverage.py');

/** `name==version: Python X on Linux M` for each gap, in the project in `projectDir` (pyproject.toml + uv.lock). */
export function wheelCoverageProblems(tool: UvTool, projectDir: string): string[] {
  const exported = runUv(tool, ['export', '--frozen', '--all-groups', '--no-emit-project', '--no-hashes', '--no-header', '--no-annotate'], projectDir).stdout;
  const targets = PYTHON_VERSIONS.flatMap((python) => MACHINES.map((machine) => ({ python, machine, glibc: TRIXIE_GLIBC })));
  const result = spawnSync(tool.python, [SCRIPT, path.join(projectDir, 'uv.lock'), JSON.stringify(targets)], { input: exported, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wheel-coverage.py failed:\n${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}
