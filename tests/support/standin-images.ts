// Puts the stand-ins for the images the generated files name (src/engine/versions.ts) into an engine:
// python:<release>-slim-trixie per Python version, postgres:<tag>, redis:<tag>, the
// docker/dockerfile:1 frontend and ghcr.io/astral-sh/uv:<version>. Each is built by an ordinary
// Dockerfile in ./images/ on top of a root filesystem from scripts/setup-test-env.sh, imported
// with `docker import` (no registry is reachable); uv's from the uv wheel on PyPI. Imports are skipped when the engine's persisted store already has
// that exact rootfs, and BuildKit's cache makes the builds instant on later runs.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PythonVersion } from '../../src/options/table.js';
import { PYTHON_IMAGES, SERVICE_IMAGES, UV_IMAGE, UV_VERSION } from '../../src/engine/versions.js';
import { CACHE, FRONTEND_DIR, ROOTFS_DIR, SETUP_SCRIPT } from './cache.js';
import { docker, IMAGES_DIR } from './docker.js';
import { DOCKER_CLI, type EngineInfo } from './engine.js';
import { run, tail } from './run.js';

export const FRONTEND_IMAGE = 'docker/dockerfile:1';

/** The Python versions whose stand-in image can be built here (3.12 needs pyenv's CPython). */
export function standinPythons(): PythonVersion[] {
  return (Object.keys(PYTHON_IMAGES) as PythonVersion[]).filter((v) => existsSync(rootfsPath(`python-${v}`)));
}

function rootfsPath(name: string): string {
  return path.join(ROOTFS_DIR, name);
}

interface Standin {
  image: string;
  rootfs?: string;
  dockerfileDir: string;
  /** Build context; the Dockerfile's own directory when absent. */
  context?: string;
}

function standins(): Standin[] {
  return [
    ...standinPythons().map((v) => ({ image: PYTHON_IMAGES[v], rootfs: `python-${v}`, dockerfileDir: 'python' })),
    { image: SERVICE_IMAGES.postgres, rootfs: 'postgres-18', dockerfileDir: 'postgres' },
    { image: SERVICE_IMAGES.redis, rootfs: 'redis-8', dockerfileDir: 'redis' },
    { image: FRONTEND_IMAGE, dockerfileDir: 'dockerfile-frontend', context: FRONTEND_DIR },
    { image: UV_IMAGE, dockerfileDir: 'uv', context: uvDir(HOST_ARCH) },
  ];
}

type UvArch = 'x86_64' | 'aarch64';
const HOST_ARCH: UvArch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';

/** Where uv's binaries for `arch` are kept; the host's in the folder named for the version alone. */
function uvDir(arch: UvArch): string {
  return path.join(CACHE, 'uv', arch === HOST_ARCH ? UV_VERSION : `${UV_VERSION}-${arch}`);
}

/**
 * /uv and /uvx of uv's own image come from the uv wheel on PyPI (the same static binaries),
 * downloaded once into the cache with the host's pip (its own configuration reaches PyPI).
 * Once per process and architecture: the engines get their stand-ins at the same time.
 */
const uvFetched = new Map<UvArch, Promise<void>>();
function fetchUv(arch: UvArch): Promise<void> {
  let fetched = uvFetched.get(arch);
  if (!fetched) uvFetched.set(arch, (fetched = downloadUv(arch)));
  return fetched;
}

async function downloadUv(arch: UvArch): Promise<void> {
  const dir = uvDir(arch);
  if (existsSync(path.join(dir, 'uvx'))) return;
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  // prettier-ignore
  const download = await run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:',
    '--platform', `manylinux2014_${arch}`, '-d', partial, `uv==${UV_VERSION}`], { timeoutMs: 300_000 });
  if (download.code !== 0) throw new Error(`pip download uv==${UV_VERSION}:\n${tail(download)}`);
  const wheel = readdirSync(partial).find((f) => f.endsWith('.whl'));
  if (!wheel) throw new Error(`pip download uv==${UV_VERSION} left no wheel`);
  const script = `import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor n in ("uv", "uvx"): open(sys.argv[2] + "/" + n, "wb").write(z.read("uv-${UV_VERSION}.data/scripts/" + n))`;
  const unzip = await run('python3', ['-c', script, path.join(partial, wheel), partial]);
  if (unzip.code !== 0) throw new Error(`unpacking the uv wheel:\n${tail(unzip)}`);
  for (const binary of ['uv', 'uvx']) chmodSync(path.join(partial, binary), 0o755);
  rmSync(path.join(partial, wheel));
  writeFileSync(path.join(partial, '.cpda-recipe'), `uv ${UV_VERSION} ${arch}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
}

/**
 * The Dockerfile frontend's compile may still be going on (scripts/setup-test-env.sh
 * --frontend-later, cold): waits for it, once per process. The script's own wait has a timeout
 * and, when the compile failed, shows the end of its log.
 */
let frontendBuilt: Promise<void> | undefined;
function waitForFrontend(): Promise<void> {
  frontendBuilt ??= (async () => {
    const waited = await run('bash', [SETUP_SCRIPT, '--wait-frontend', '900'], { timeoutMs: 960_000 });
    if (waited.code !== 0) throw new Error(`the Dockerfile frontend (${FRONTEND_IMAGE}'s stand-in) is not built:\n${tail(waited)}`);
    // What the compile's job said (its time), when this is the first wait since it ended.
    if (waited.stderr.trim()) console.log(waited.stderr.trim());
  })();
  return frontendBuilt;
}

/** Builds every stand-in in the engine; returns how long each step took, for the log. */
export async function buildStandins(engine: EngineInfo): Promise<string[]> {
  const timings: string[] = [];
  await fetchUv(HOST_ARCH);
  for (const standin of standins()) {
    if (standin.image === FRONTEND_IMAGE) {
      const waiting = Date.now();
      await waitForFrontend();
      if (Date.now() - waiting > 1000) timings.push(`waited for the frontend's compile ${((Date.now() - waiting) / 1000).toFixed(1)} s`);
    }
    const started = Date.now();
    const args = ['build', '-q', '-t', standin.image, '-f', path.join(IMAGES_DIR, standin.dockerfileDir, 'Dockerfile')];
    if (standin.rootfs) args.push('--build-arg', `BASE=${await importRootfs(engine, standin.rootfs)}`);
    args.push(standin.context ?? path.join(IMAGES_DIR, standin.dockerfileDir));
    const built = await docker(engine, args);
    if (built.code !== 0) throw new Error(`could not build the stand-in ${standin.image}:\n${tail(built)}`);
    timings.push(`${standin.image} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return timings;
}

/**
 * The arm64 stand-ins the emulated build needs (tests/stack/arm64-emulation.test.ts), under
 * names of their own: the engine's image store keeps one image per name, and the amd64 ones
 * under the official names serve every other test at the same time. A build maps the official
 * names to these with `--build-context`. Neither build runs a command, so neither needs QEMU.
 */
export const ARM64_PYTHON = '3.13' as const;
export const ARM64_STANDINS = {
  [PYTHON_IMAGES[ARM64_PYTHON]]: `cpda-arm64/${PYTHON_IMAGES[ARM64_PYTHON]}`,
  [UV_IMAGE]: `cpda-arm64/${UV_IMAGE.replace(/^[^/]+\//, '')}`,
};

/** Why the arm64 stand-ins cannot be had here, or undefined when they can. */
export function arm64Unavailable(): string | undefined {
  if (!existsSync('/proc/sys/fs/binfmt_misc/cpda-qemu-aarch64'))
    return 'no qemu-aarch64 registered with binfmt_misc (scripts/setup-test-env.sh registers it where the kernel allows)';
  if (!existsSync(path.join(rootfsPath(`python-${ARM64_PYTHON}-arm64`), '.cpda-recipe')))
    return `no rootfs/python-${ARM64_PYTHON}-arm64 (scripts/setup-test-env.sh makes it)`;
  return undefined;
}

export async function buildArm64Standins(engine: EngineInfo): Promise<void> {
  await fetchUv('aarch64');
  const builds = [
    { image: ARM64_STANDINS[PYTHON_IMAGES[ARM64_PYTHON]]!, dir: 'python', context: path.join(IMAGES_DIR, 'python'),
      base: await importRootfs(engine, `python-${ARM64_PYTHON}-arm64`, 'linux/arm64') },
    { image: ARM64_STANDINS[UV_IMAGE]!, dir: 'uv', context: uvDir('aarch64') },
  ];
  for (const build of builds) {
    const args = ['build', '-q', '--platform', 'linux/arm64', '-t', build.image, '-f', path.join(IMAGES_DIR, build.dir, 'Dockerfile')];
    if (build.base) args.push('--build-arg', `BASE=${build.base}`);
    const built = await docker(engine, [...args, build.context]);
    if (built.code !== 0) throw new Error(`could not build the arm64 stand-in ${build.image}:\n${tail(built)}`);
  }
}

/** `docker import` of a cached rootfs, once per rootfs build; returns the image name. */
async function importRootfs(engine: EngineInfo, name: string, platform?: string): Promise<string> {
  const dir = rootfsPath(name);
  const recipe = path.join(dir, '.cpda-recipe');
  if (!existsSync(recipe)) throw new Error(`${dir} is missing: run scripts/setup-test-env.sh as root`);
  // The recipe and when it was built: a rebuilt rootfs gets a new tag.
  const stamp = createHash('sha256').update(`${readFileSync(recipe, 'utf8')}${statSync(recipe).mtimeMs}`).digest('hex').slice(0, 12);
  const image = `cpda-rootfs/${name}:${stamp}`;
  if ((await docker(engine, ['image', 'inspect', image])).code === 0) return image;

  // prettier-ignore
  const tar = spawn('tar', [
    '-C', dir, '--numeric-owner',
    '--exclude=./proc/*', '--exclude=./sys/*', '--exclude=./dev/*', '--exclude=./.cpda-recipe',
    '-cf', '-', '.',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const importer = spawn(DOCKER_CLI, ['import', ...(platform ? ['--platform', platform] : []), '-', image], {
    stdio: [tar.stdout, 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.configDir },
  });
  // docker import has its own copy of the pipe; ours would keep tar's stdout from closing.
  tar.stdout.destroy();
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  importer.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const [tarCode, importCode] = await Promise.all([exitCode(tar), exitCode(importer)]);
  if (tarCode !== 0 || importCode !== 0)
    throw new Error(`tar ${dir} | docker import failed (tar ${tarCode}, import ${importCode}): ${stderr.trim()}`);
  return image;
}

/** 'exit', not 'close': 'close' also waits for stdio streams, which a pipeline hands on. */
function exitCode(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.once('exit', (code) => resolve(code));
    p.once('error', () => resolve(-1));
  });
}
