// A new project's `.env`: `.env.example` with every secret variable (none since issue 23 made
// the database password a file, secret-files.ts; a service may still declare one) filled in by a
// random value, so the first `docker compose up` just works while no emitted file carries a secret. Only `create` writes it, only when
// the folder has no `.env` (a user's is never replaced); it is git-ignored, kept out of the
// image (.dockerignore), and neither recorded for `update` nor ever touched by it or by `add`.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RenderedFile } from '../engine/rendered-file.js';
import { randomSecret } from './secret-files.js';
import { SERVICE_FEATURES } from './services.js';

export const LOCAL_ENV = '.env';
export const ENV_EXAMPLE = '.env.example';

/** The variables whose values are secrets: empty in `.env.example`, random in a new `.env`. */
export const SECRET_ENV_NAMES: readonly string[] = SERVICE_FEATURES.flatMap((s) => s.env ?? []).filter((v) => v.secret).map((v) => v.name);

// One source of random secrets for .env and the secret files (secret-files.ts).
export { randomSecret };

/** `.env.example`'s text with each empty secret (`NAME=` on its own line) given a random value. */
export function fillSecrets(example: string, secret: () => string = randomSecret): string {
  return example.replace(/^([A-Z][A-Z0-9_]*)=$/gm, (line, name: string) => (SECRET_ENV_NAMES.includes(name) ? `${name}=${secret()}` : line));
}

/** The `.env` to write beside the rendered files, or nothing when the folder already has one. */
export function localEnvFile(files: RenderedFile[], targetDir: string): RenderedFile[] {
  const example = files.find((f) => f.path === ENV_EXAMPLE);
  if (!example || existsSync(path.join(targetDir, LOCAL_ENV))) return [];
  return [{ path: LOCAL_ENV, contents: fillSecrets(example.contents) }];
}
