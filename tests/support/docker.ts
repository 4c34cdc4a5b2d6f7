// The test files' side of the engines that tests/support/stack-setup.ts starts (engine.ts):
// the docker CLI and Compose against one engine, and programs run inside its network
// namespace, where the ports a Compose project publishes are bound.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCKER_CLI, type EngineInfo } from './engine.js';
import { run, type RunOptions, type RunResult } from './run.js';

/** What stack-setup.ts hands to the test files (vitest `provide`/`inject`). */
export type EnginesState =
  | { available: true; engines: EngineInfo[] }
  | {
      available: false;
      reason: string;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EnginesState;
  }
}

/**
 * The environment of every docker/compose command: only what they need, so nothing from the
 * test process (a POSTGRES_PASSWORD, a DOCKER_HOST, a proxy setting) changes what they do.
 */
function dockerEnv(engine: EngineInfo, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    DOCKER_HOST: engine.host,
    DOCKER_CONFIG: engine.configDir,
    ...extra,
  };
}

export function docker(engine: EngineInfo, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(DOCKER_CLI, args, { timeoutMs: 300_000, ...options, env: dockerEnv(engine, options.env) });
}

/** `docker compose <args>` in a project directory, with plain progress output. */
export function compose(engine: EngineInfo, projectDir: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(DOCKER_CLI, ['compose', '--progress', 'plain', ...args], {
    timeoutMs: 600_000,
    ...options,
    cwd: projectDir,
    env: dockerEnv(engine, { COMPOSE_ANSI: 'never', ...options.env }),
  });
}

/** Runs a host program inside the engine's network namespace (its loopback, its published ports). */
export function inEngineNetwork(engine: EngineInfo, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  return run('nsenter', [`--net=/proc/${engine.netPid}/ns/net`, '--', ...argv], { timeoutMs: 30_000, ...options });
}

/**
 * A command as the project's user runs it on their machine (e.g. `sh scripts/smoke-test`): in
 * the project directory, with `docker` on PATH talking to this engine, inside the engine's
 * network namespace, where the ports a Compose project publishes are bound.
 */
export function asUser(engine: EngineInfo, projectDir: string, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  return inEngineNetwork(engine, argv, {
    timeoutMs: 300_000,
    ...options,
    cwd: projectDir,
    env: dockerEnv(engine, { PATH: `${path.dirname(DOCKER_CLI)}:${process.env.PATH ?? '/usr/bin:/bin'}`, COMPOSE_ANSI: 'never', ...options.env }),
  });
}

export interface HttpResponse {
  status: number;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * One HTTP request with curl, from inside the engine's network namespace, as a user on that
 * machine would make it (e.g. `curl http://127.0.0.1:8000/health`). Status 0: no answer.
 */
export async function http(
  engine: EngineInfo,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<HttpResponse> {
  const args = ['curl', '-sS', '--max-time', '10', '-X', method, '-o', '-', '-w', '\n%{http_code}'];
  if (body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(body));
  const r = await inEngineNetwork(engine, [...args, url]);
  const cut = r.stdout.lastIndexOf('\n');
  const text = cut >= 0 ? r.stdout.slice(0, cut) : '';
  const status = Number(r.stdout.slice(cut + 1)) || 0;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, body: status === 0 ? `no answer: ${r.stderr.trim()}` : text, json };
}

export function engineFor(engines: EngineInfo[], index: number): EngineInfo {
  const engine = engines[index % engines.length];
  if (!engine) throw new Error('no engines');
  return engine;
}

/** tests/support/images, found upwards from this module (which scripts/bench-images.mjs bundles elsewhere). */
export const IMAGES_DIR = findUp(path.dirname(fileURLToPath(import.meta.url)), path.join('tests', 'support', 'images'));

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, relative);
    if (path.dirname(dir) === dir) throw new Error(`no ${relative} above ${from}`);
  }
}
