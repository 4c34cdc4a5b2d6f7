// A small virtual environment of its own for one tool from PyPI at pinned versions, cached under
// $CPDA_CACHE/<name>/<key> (not the field checkers' venv: a change of their pins would rebuild
// 400 MB). The key is the pins and the Python version, so a new pin is a new venv. Written
// under a temporary name and renamed when complete, so a killed install leaves no half venv.
// pip by default; every caller passes the pinned uv, which is much faster cold (the Azure CLI:
// pip took 169 s, uv 8 s, on the same machine; the field checkers' venv 59 s against 24 s).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { uvEnv, type UvTool } from '../../scripts/lock/uv-tool.js';
import { run } from './run.js';

const CACHE = process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app';

export type VenvInstall = { ok: true; venv: string; python: string; seconds: number | 'cached' } | { ok: false; reason: string };

export interface InstallBy {
  /** Install with this uv (scripts/lock/uv-tool.ts) instead of pip, its downloads cached in $CPDA_CACHE/uv-cache. */
  uv?: UvTool;
  /** With uv: every module compiled at install, as pip does (where PYTHONDONTWRITEBYTECODE is set, nothing is compiled later: each run of a CLI would compile what it imports again). */
  bytecode?: boolean;
}

/** The venv, from the cache or installed now; not root or no PyPI: a reason to skip. */
export async function installPinnedVenv(name: string, pins: readonly string[], by: InstallBy = {}): Promise<VenvInstall> {
  const version = await run('python3', ['-c', 'import sys; print(sys.version.split()[0])']);
  if (version.code !== 0) throw new Error(`python3 does not run: ${version.stderr}`);
  const key = createHash('sha256').update(JSON.stringify({ pins, python: version.stdout.trim() })).digest('hex').slice(0, 12);
  const parent = path.join(CACHE, name);
  const venv = path.join(parent, key);
  const python = path.join(venv, 'bin', 'python');
  if (existsSync(path.join(venv, '.complete'))) return { ok: true, venv, python, seconds: 'cached' };
  if (process.getuid?.() !== 0) return { ok: false, reason: `not running as root: ${pins.join(' ')} is installed into ${parent}` };
  const started = Date.now();
  const partial = `${venv}.partial-${process.pid}`;
  mkdirSync(parent, { recursive: true });
  try {
    const made = await run('python3', ['-m', 'venv', partial]);
    if (made.code !== 0) throw new Error(`python3 -m venv failed:\n${made.stderr}`);
    const pip = by.uv
      ? await run(by.uv.uv, ['pip', 'install', ...(by.bytecode ? ['--compile-bytecode'] : []), '--python', path.join(partial, 'bin', 'python'), ...pins], { env: uvEnv({ UV_CACHE_DIR: path.join(CACHE, 'uv-cache') }), timeoutMs: 600_000 })
      : await run(path.join(partial, 'bin', 'python'), ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', ...pins], { timeoutMs: 600_000 });
    if (pip.code !== 0) {
      const output = `${pip.stdout}\n${pip.stderr}`;
      if (/Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable|dns error|error sending request/.test(output)) return { ok: false, reason: 'PyPI is not reachable' };
      throw new Error(`${by.uv ? 'uv pip' : 'pip'} install ${pins.join(' ')} failed:\n${output.slice(-3000)}`);
    }
    writeFileSync(path.join(partial, '.complete'), `${pins.join('\n')}\n`);
    if (!existsSync(path.join(venv, '.complete'))) {
      rmSync(venv, { recursive: true, force: true });
      renameSync(partial, venv);
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { ok: true, venv, python, seconds: (Date.now() - started) / 1000 };
}
