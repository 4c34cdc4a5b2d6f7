// The hardening of every service in compose.yaml, the same the Kubernetes manifests give their
// pods: a read-only root file system with a tmpfs where the service must write, every Linux
// capability dropped (and only those added back that an image's entry point needs),
// no-new-privileges, memory and process limits, and rotated logs. Printed by
// templates/common/hardening.yaml.part.ejs into each service's block; tests/compose-hardening
// asserts it on every service of every combination.

import { DEV_STATEFULSETS, writablePaths } from './kubernetes/index.js';
import type { ServiceKey } from '../options/values.js';
import { POSTGRES_LAUNCHER_DIR } from './postgres/index.js';

export interface ComposeHardening {
  /** A tmpfs for each path the service writes to besides its volume: `path:size=..`. */
  tmpfs: { path: string; size: string; why: string; /** Mount options beyond the size: `exec`. */ options?: string }[];
  /** Capabilities added back after `cap_drop: [ALL]`, and why (one comment line). */
  capAdd: string[];
  capWhy?: string;
  /** mem_limit: the container is killed (OOM) above it. */
  memory: string;
  /** pids_limit: processes and threads together. */
  pids: number;
}

/** json-file logs rotated at this size, this many files kept: at most 30 MB per container. */
export const LOG_ROTATION = { maxSize: '10m', maxFile: 3 } as const;

/**
 * The official postgres and redis images start as root: their entry point chowns the data
 * directory (and PostgreSQL's socket directory) to the service's user and chmods it (CHOWN,
 * FOWNER; DAC_OVERRIDE to walk a data directory only that user may read), then drops to that
 * user with gosu or setpriv (SETUID, SETGID). Nothing else: the server itself runs unprivileged.
 */
const ENTRYPOINT_CAPS = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'];
const ENTRYPOINT_WHY = 'The entry point chowns the data to its user, then drops to it';

/** 'Mi' (Kubernetes) to Docker's 'm'. */
const dockerSize = (size: string) => size.replace(/Mi$/, 'm');

/**
 * The app (and the migrate job, from the same image): it runs as its own UID and needs no
 * capability. It writes where the Kubernetes pod has its emptyDirs (kubernetes.ts
 * writablePaths), except /dev/shm, which Docker mounts as a tmpfs of its own anyway.
 */
export function appHardening(server: 'gunicorn' | 'uvicorn'): ComposeHardening {
  return {
    tmpfs: writablePaths(server)
      .filter((p) => p.mountPath !== '/dev/shm')
      .map((p) => ({ path: p.mountPath, size: dockerSize(p.sizeLimit), why: 'temp files: request bodies the framework spools to disk' })),
    capAdd: [],
    // Workers x threads (FastAPI's thread pool is 40 a worker): raise both with WEB_CONCURRENCY.
    memory: '512m',
    pids: 512,
  };
}

export const MIGRATE_HARDENING: ComposeHardening = { tmpfs: [{ path: '/tmp', size: '16m', why: 'temp files' }], capAdd: [], memory: '256m', pids: 64 };

export const SERVICE_HARDENING: Record<ServiceKey, ComposeHardening> = {
  postgres: {
    // The socket directory and /tmp, as the dev overlay's StatefulSet (kubernetes.ts).
    tmpfs: [
      ...DEV_STATEFULSETS.postgres.writable.map((w) => ({
        path: w.mountPath,
        size: w.mountPath === '/tmp' ? '64m' : '1m',
        why: w.mountPath === '/tmp' ? 'temp files' : "the server's socket and its lock file",
      })),
      {
        // compose.yaml's entry point writes its `postgres` launcher here (it drops the password
        // the image's entry point exports); a program, so not noexec as Docker's tmpfs default.
        path: POSTGRES_LAUNCHER_DIR,
        size: '64k',
        why: 'the launcher the entry point above writes (a program: exec)',
        options: 'exec',
      },
    ],
    capAdd: ENTRYPOINT_CAPS,
    capWhy: ENTRYPOINT_WHY,
    // A process per connection: 100 (max_connections) plus PostgreSQL's own.
    memory: '512m',
    pids: 256,
  },
  redis: {
    tmpfs: [],
    capAdd: ENTRYPOINT_CAPS,
    capWhy: ENTRYPOINT_WHY,
    memory: '256m',
    pids: 64,
  },
};
