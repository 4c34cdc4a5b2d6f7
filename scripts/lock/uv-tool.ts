// The uv that computes the shipped locks (`npm run lock`) and checks them (tests/tools/locks.test.ts):
// the pinned UV_VERSION, the same release whose binary the generated Dockerfiles copy, installed
// from PyPI with pip (through pip's own configuration) into a virtual environment cached in
// $CPDA_CACHE. `packaging` comes along for the test that reads the locked wheels' tags.
//
// uv reaches PyPI by itself (lock, pip compile) and verifies TLS against its own bundled roots:
// behind a TLS-intercepting proxy, give it the proxy's CA with
// SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt (or UV_SYSTEM_CERTS=1, formerly UV_NATIVE_TLS, for the system store).
// uvEnv() passes SSL_CERT_FILE through when it is set, and otherwise has uv use the system
// store (UV_SYSTEM_CERTS=1); nothing of it reaches a generated file.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UV_VERSION } from '../../src/engine/versions.js';

export const CACHE = process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app';
const PACKAGING_VERSION = '26.4';
const COMPLETE = '.complete';

export interface UvTool {
  /** The uv binary. */
  uv: string;
  /** The venv's Python, which has `packaging`. */
  python: string;
}

export type UvInstall = { ok: true; tool: UvTool } | { ok: false; reason: string };

/** uv==UV_VERSION from the cache, or installed now; not root or no PyPI are reasons, not errors. */
export function installUv(): UvInstall {
  const venv = path.join(CACHE, 'uv-tool', UV_VERSION);
  const tool = { uv: path.join(venv, 'bin', 'uv'), python: path.join(venv, 'bin', 'python') };
  if (existsSync(path.join(venv, COMPLETE))) return { ok: true, tool };
  if (process.getuid?.() !== 0 && !process.env.CPDA_CACHE) return { ok: false, reason: `not running as root: uv is installed into ${path.dirname(venv)} (or set CPDA_CACHE)` };
  const partial = `${venv}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(path.dirname(venv), { recursive: true });
  try {
    run('python3', ['-m', 'venv', partial]);
    const pip = spawnSync(path.join(partial, 'bin', 'python'), ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', `uv==${UV_VERSION}`, `packaging==${PACKAGING_VERSION}`], { encoding: 'utf8' });
    if (pip.status !== 0) {
      const output = `${pip.stdout}${pip.stderr}`;
      if (/Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable|ProxyError/.test(output))
        return { ok: false, reason: `PyPI is not reachable: ${output.trim().split('\n').at(-1)}` };
      throw new Error(`pip install uv==${UV_VERSION} failed:\n${output}`);
    }
    writeFileSync(path.join(partial, COMPLETE), `${UV_VERSION}\n`);
    if (!existsSync(path.join(venv, COMPLETE))) {
      rmSync(venv, { recursive: true, force: true });
      renameSync(partial, venv);
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { ok: true, tool };
}

/**
 * A Python the locks allow (3.12 or newer): uv insists on one to lock or check a project, even
 * though the lock it writes is the same for every Python. Looked for on PATH and among pyenv's
 * versions; undefined when there is none.
 */
export function findPython(): string | undefined {
  const candidates = ['python3.14', 'python3.13', 'python3.12'];
  const pyenv = path.join(process.env.PYENV_ROOT ?? path.join(process.env.HOME ?? '/root', '.pyenv'), 'versions');
  if (existsSync(pyenv))
    for (const version of readdirSync(pyenv).sort().reverse()) if (/^3\.(1[2-9]|[2-9]\d)\./.test(version)) candidates.push(path.join(pyenv, version, 'bin', 'python3'));
  for (const dir of ['/usr/local/bin', '/usr/bin']) for (const minor of [14, 13, 12]) candidates.push(path.join(dir, `python3.${minor}`));
  return candidates.find((python) => {
    const probe = spawnSync(python, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'], { encoding: 'utf8' });
    return probe.status === 0;
  });
}

/** The environment every uv run gets: no user or project configuration, no Python downloads. */
export function uvEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // The system's certificate store unless SSL_CERT_FILE names one: where HTTPS goes through an
    // intercepting proxy, only the system store (or that file) has its CA.
    ...(process.env.SSL_CERT_FILE ? { SSL_CERT_FILE: process.env.SSL_CERT_FILE } : { UV_SYSTEM_CERTS: '1' }),
    UV_NO_CONFIG: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    UV_NO_PROGRESS: '1',
    ...extra,
  };
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

/** Runs uv in `cwd`; throws with its output when it fails. */
export function runUv(tool: UvTool, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string } {
  const result = spawnSync(tool.uv, args, { cwd, env: uvEnv(extraEnv), encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) throw new Error(`uv ${args.join(' ')} (in ${cwd}) failed:\n${result.stdout}${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}
