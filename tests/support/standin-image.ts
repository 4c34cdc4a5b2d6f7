// The stand-in for the official `python:X.Y.Z-slim-trixie` images, built inside the test
// daemon, because Docker Hub is unreachable here:
//   - the Debian trixie root filesystem from scripts/setup-test-env.sh, imported as an image:
//     Debian's Python 3.13 and python3-* packages instead of the official image's Python X.Y.Z
//     and the pinned PyPI releases (all three Python versions get the same stand-in);
//   - /usr/local/bin/python and pip from ./python-standin/: pip installs nothing, it checks that
//     each requirement is present (names only: versions and extras are not checked) and writes
//     console scripts as pip would; `python -m venv` makes a venv that sees the image's packages;
//   - /usr/local/bin/apt-get from ./python-standin/ (it comes first on PATH): builds have no
//     network, so it installs nothing. `update` copies Debian trixie's package lists, kept from
//     the rootfs's own `apt-get update` (setup-test-env.sh) in /usr/local/lib/cpda-standin/apt-lists,
//     into /var/lib/apt/lists, which stays empty in the image as in the slim images; `install`
//     runs Debian's apt-get --simulate on the same arguments, so an unknown package name, an
//     install before update or unmet dependencies fail the build; it also requires -y. Only
//     `update` and `install` are stood in. The lists date from the rootfs build, not today;
//   - /etc/apt/apt.conf.d/docker-clean, as the slim images have it (here it only turns off
//     apt's binary cache: nothing is downloaded).
// It is tagged as every python image src/versions.ts names, so the generated Dockerfiles'
// FROM resolves to it without a pull.

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON_IMAGES } from '../../src/engine/versions.js';
import { DOCKER_CLI, docker } from './docker.js';

const CACHE = process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app';
export const ROOTFS = path.join(CACHE, 'rootfs-trixie');
const STANDIN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python-standin');
const ROOTFS_IMAGE = 'cpda-test/rootfs-trixie:local';
const STANDIN_IMAGE = 'cpda-test/python-standin:local';

/** rootfs → `docker import` → stand-in layer → tagged as each python image. About 5-10 s. */
export async function buildStandinImages(host: string): Promise<void> {
  await importRootfs(host);
  const context = mkdtempSync(path.join(tmpdir(), 'cpda-standin-'));
  try {
    for (const f of ['python', 'pip', 'apt-get', 'venv.py']) copyFileSync(path.join(STANDIN_DIR, f), path.join(context, f));
    copyAptLists(path.join(context, 'apt-lists'));
    writeFileSync(path.join(context, 'docker-clean'), 'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n');
    writeFileSync(
      path.join(context, 'Dockerfile'),
      [
        `FROM ${ROOTFS_IMAGE}`,
        'LABEL description="Test stand-in for python:*-slim-trixie (Debian python3; pip and apt-get only check). Not the official image."',
        'COPY python pip apt-get /usr/local/bin/',
        'COPY venv.py /usr/local/lib/cpda-standin/venv.py',
        'COPY apt-lists /usr/local/lib/cpda-standin/apt-lists',
        'COPY docker-clean /etc/apt/apt.conf.d/docker-clean',
        'RUN chmod 755 /usr/local/bin/python /usr/local/bin/pip /usr/local/bin/apt-get',
        // The official images' PATH and locale.
        'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8',
        'CMD ["python3"]',
        '',
      ].join('\n'),
    );
    await must(docker(host, ['build', '--network=none', '-q', '-t', STANDIN_IMAGE, context], { timeoutMs: 120_000 }), 'build the stand-in layer');
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  for (const image of new Set(Object.values(PYTHON_IMAGES))) await must(docker(host, ['tag', STANDIN_IMAGE, image]), `tag ${image}`);
}

/**
 * The rootfs's apt lists (Release files and Packages indexes; not the translations) for the
 * apt-get stand-in. The rootfs import leaves /var/lib/apt/lists empty, as in the slim images.
 */
function copyAptLists(to: string): void {
  const from = path.join(ROOTFS, 'var', 'lib', 'apt', 'lists');
  let names: string[] = [];
  try {
    names = readdirSync(from).filter((n) => /_(InRelease|Release|Release\.gpg|Packages)$/.test(n));
  } catch {
    // reported below
  }
  if (!names.some((n) => n.endsWith('_Packages')))
    throw new Error(`no apt package lists in ${from}: run scripts/setup-test-env.sh to rebuild the rootfs`);
  mkdirSync(to);
  for (const n of names) copyFileSync(path.join(from, n), path.join(to, n));
}

function importRootfs(host: string): Promise<void> {
  // prettier-ignore
  const tar = spawn('tar', [
    '-C', ROOTFS, '--numeric-owner',
    '--exclude=./proc/*', '--exclude=./sys/*', '--exclude=./dev/*',
    // no apt lists, as in the slim images (the apt-get stand-in brings its own: copyAptLists)
    '--exclude=./var/lib/apt/lists/*', '--exclude=./var/cache/apt/*',
    // the compose plugin is for the host (compose-check.ts), not for images
    '--exclude=./usr/libexec/docker',
    '-cf', '-', '.',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const importer = spawn(DOCKER_CLI, ['import', '-', ROOTFS_IMAGE], {
    stdio: [tar.stdout, 'ignore', 'pipe'],
    env: { ...process.env, DOCKER_HOST: host },
  });
  // docker import has its own copy of the pipe; ours would keep tar's stdout from closing.
  tar.stdout.destroy();
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  importer.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => (tar.kill('SIGKILL'), importer.kill('SIGKILL')), 180_000);
  return Promise.all([exitCode(tar), exitCode(importer)]).then(([tarCode, importCode]) => {
    clearTimeout(timer);
    if (tarCode !== 0 || importCode !== 0)
      throw new Error(`tar ${ROOTFS} | docker import failed (tar ${tarCode}, import ${importCode}): ${stderr.trim()}`);
  });
}

/** 'exit', not 'close': 'close' also waits for stdio streams, which a pipeline hands on. */
function exitCode(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.once('exit', (code) => resolve(code));
    p.once('error', () => resolve(-1));
  });
}

async function must(result: Promise<{ code: number; stdout: string; stderr: string }>, what: string): Promise<void> {
  const r = await result;
  if (r.code !== 0) throw new Error(`could not ${what}: ${r.stderr.trim() || r.stdout.trim()}`);
}

