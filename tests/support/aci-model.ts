// Azure's model of a container group, for deploy/aci/'s files: the azure-mgmt-containerinstance
// SDK from PyPI at a pinned version, in a small venv of its own cached under $CPDA_CACHE (not
// the field checkers' venv: a change of their pins would rebuild 400 MB). tests/support/aci-model.py
// does the checking.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './run.js';

/** API version 2023-05-01, the one deploy/aci/'s files name (ACI_API_VERSION). */
export const ACI_SDK_PIN = 'azure-mgmt-containerinstance==10.1.0';

const CACHE = process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app';

export type AciModelInstall = { ok: true; python: string; seconds: number | 'cached' } | { ok: false; reason: string };

/** The venv's interpreter, from the cache or installed now; not root or no PyPI: a reason to skip. */
export async function installAciModel(): Promise<AciModelInstall> {
  const version = await run('python3', ['-c', 'import sys; print(sys.version.split()[0])']);
  if (version.code !== 0) throw new Error(`python3 does not run: ${version.stderr}`);
  const key = createHash('sha256').update(JSON.stringify({ pin: ACI_SDK_PIN, python: version.stdout.trim() })).digest('hex').slice(0, 12);
  const parent = path.join(CACHE, 'aci-model');
  const venv = path.join(parent, key);
  const python = path.join(venv, 'bin', 'python');
  if (existsSync(path.join(venv, '.complete'))) return { ok: true, python, seconds: 'cached' };
  if (process.getuid?.() !== 0) return { ok: false, reason: `not running as root: the SDK is installed into ${parent}` };
  const started = Date.now();
  const partial = `${venv}.partial-${process.pid}`;
  mkdirSync(parent, { recursive: true });
  try {
    const made = await run('python3', ['-m', 'venv', partial]);
    if (made.code !== 0) throw new Error(`python3 -m venv failed:\n${made.stderr}`);
    const pip = await run(path.join(partial, 'bin', 'python'), ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', ACI_SDK_PIN], { timeoutMs: 600_000 });
    if (pip.code !== 0) {
      const output = `${pip.stdout}\n${pip.stderr}`;
      if (/Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable/.test(output)) return { ok: false, reason: 'PyPI is not reachable' };
      throw new Error(`pip install ${ACI_SDK_PIN} failed:\n${output.slice(-3000)}`);
    }
    writeFileSync(path.join(partial, '.complete'), `${ACI_SDK_PIN}\n`);
    if (!existsSync(path.join(venv, '.complete'))) {
      rmSync(venv, { recursive: true, force: true });
      renameSync(partial, venv);
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { ok: true, python, seconds: (Date.now() - started) / 1000 };
}
