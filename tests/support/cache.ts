// Where scripts/setup-test-env.sh keeps what the real-parts tests reuse between runs (root
// filesystems, the engine, its image stores, pip's wheel cache). Override with CPDA_CACHE.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CACHE = process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app';
export const ENGINE_BIN = path.join(CACHE, 'engine', 'bin');
export const ENGINE_PLUGINS = path.join(CACHE, 'engine', 'cli-plugins');
export const ROOTFS_DIR = path.join(CACHE, 'rootfs');
export const FRONTEND_DIR = path.join(CACHE, 'frontend');
export const PIP_CACHE = path.join(CACHE, 'pip');
export const SETUP_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'setup-test-env.sh');
