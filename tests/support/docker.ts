// The Docker engine the tests use: a private dockerd started by docker-setup.ts (a vitest
// globalSetup) and reached through Debian's docker 20.10 CLI, which matches the daemon's API.

import { spawn } from 'node:child_process';

export const DOCKER_CLI = '/usr/bin/docker';

/** What globalSetup hands to the test files (vitest `provide`/`inject`). */
export type DockerInfo =
  | {
      available: true;
      /** DOCKER_HOST value, unix:///.../docker.sock */
      host: string;
    }
  | {
      available: false;
      reason: string;
      /** True when Docker should have worked here (root, dockerd installed) but did not. */
      broken: boolean;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    docker: DockerInfo;
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this many ms (it then fails with code -1). */
  timeoutMs?: number;
}

/** Runs a command to completion and collects its output; never throws for a non-zero exit. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(e) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** `docker ...` against the test daemon. BuildKit is on: the generated Dockerfiles use RUN --mount. */
export function docker(host: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(DOCKER_CLI, args, { ...options, env: { ...process.env, ...options.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '1' } });
}

/**
 * A Dockerfile as the test engine can build it. BuildKit would fetch the `# syntax=` frontend
 * from Docker Hub, which is unreachable here; the daemon's built-in frontend reads the same file
 * without that line. An engine older than Docker Engine 25 (Debian bookworm's 20.10, until the
 * harness moves to a newer one) does not know HEALTHCHECK --start-interval, which the project
 * needs (its README states Engine 25+): only then is the flag left out.
 */
export async function offlineDockerfile(host: string, text: string): Promise<string> {
  const offline = text.replace(/^# syntax=.*\n/, '');
  return (await engineMajor(host)) < 25 ? offline.replace(/ --start-interval=\S+/, '') : offline;
}

let engineVersion: Promise<string> | undefined;
async function engineMajor(host: string): Promise<number> {
  engineVersion ??= docker(host, ['version', '--format', '{{.Server.Version}}']).then((r) => r.stdout.trim());
  return Number((await engineVersion).split('.')[0]);
}
