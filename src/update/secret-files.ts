// `update`'s move of a project's secrets from `.env` to secret files (issue 23): a project
// generated before it kept the database password as POSTGRES_PASSWORD in `.env`, and its data
// was initialised with that password (PostgreSQL takes it only when it first creates its
// volume). This version's compose.yaml reads it from secrets/postgres_password instead, so the
// update writes that file with the same value, which it may read from `.env` and nothing else.
//  - an existing secret file is never replaced (nor read): it is the user's;
//  - `.env` is only read, never changed: nothing in a container reads its POSTGRES_PASSWORD any
//    more (compose.yaml has no env_file, and interpolates no password), and a line the user may
//    still use elsewhere (a shell that sources .env) is theirs to delete; the message says so;
//  - no `.env`, no value, or a value Compose would have changed (a `$` it interpolates): nothing
//    is written, and the message gives the one command that writes the file by hand.
// The file is written by update's own all-or-nothing writer, with the plan's other files: 0644
// in a 0700 folder, as `create` writes it (src/features/secret-files.ts says why).

import { lstatSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { RenderedFile } from '../engine/rendered-file.js';
import { safeJoin } from '../engine/write.js';
import { LOCAL_ENV } from '../features/local-env.js';
import { hostSecretPath, SECRET_FILE_MODE, SECRETS_DIR, SECRETS_DIR_MODE } from '../features/secret-files.js';
import type { FileSecret } from '../features/types.js';
import { readUserFile, UserFileError } from '../user-files.js';

/** What update does for one secret file. */
export type SecretFileMove =
  /** The file is written with the value from `.env`. */
  | { kind: 'write'; secret: FileSecret; file: RenderedFile; message: string }
  /** The file exists already: left alone. */
  | { kind: 'exists'; secret: FileSecret }
  /** Nothing to take the value from: the message names the one command to run. */
  | { kind: 'by-hand'; secret: FileSecret; message: string };

/** A `.env` is a few kB; a larger one is not read. */
const MAX_ENV_BYTES = 256 * 1024;

/** The secret files `secrets` need in `projectDir`, and where each value comes from. */
export function planSecretFiles(projectDir: string, secrets: readonly FileSecret[], { dryRun = false } = {}): SecretFileMove[] {
  return secrets.map((secret) => planOne(projectDir, secret, dryRun));
}

function planOne(projectDir: string, secret: FileSecret, dryRun: boolean): SecretFileMove {
  const target = hostSecretPath(secret);
  // Anything at that path (a file, a link, a folder) is the user's: never replaced, never read.
  if (lstatSync(safeJoin(projectDir, target), { throwIfNoEntry: false })) return { kind: 'exists', secret };
  const byHand = (why: string): SecretFileMove => ({
    kind: 'by-hand',
    secret,
    message: `${why}, so ${target} ${dryRun ? 'would not be' : 'was not'} written and the stack cannot start without it; write ${secret.what} (the one your database was created with) into it: ${writeCommand(target)}`,
  });

  let text: string;
  try {
    text = readUserFile(path.join(projectDir, LOCAL_ENV), { maxBytes: MAX_ENV_BYTES, noFollow: true });
  } catch (error) {
    if (!(error instanceof UserFileError)) throw error;
    const why = error.message.startsWith('ENOENT') ? `no ${LOCAL_ENV}` : `${LOCAL_ENV} could not be read (${error.message})`;
    return byHand(`${why} to take ${secret.env} from`);
  }
  // dotenv's parser reads the quotes, comments and `export` that Compose's .env allows.
  const value = parseDotenv(text)[secret.env];
  if (value === undefined || value === '') return byHand(`${LOCAL_ENV} has no value for ${secret.env}`);
  // Compose would have interpolated it; what it made of it cannot be told here.
  if (value.includes('$')) return byHand(`${secret.env} in ${LOCAL_ENV} uses \${...}, which Compose filled in`);
  return {
    kind: 'write',
    secret,
    // One trailing newline, as `create` writes it: the app and the official images strip it.
    file: { path: target, contents: `${value}\n`, mode: SECRET_FILE_MODE, dirMode: SECRETS_DIR_MODE },
    message: `${target} ${dryRun ? 'would be' : ''} written with the ${secret.env} of ${LOCAL_ENV}, so your database keeps its password; ${LOCAL_ENV} ${dryRun ? 'stays' : 'was left'} as it was: no container reads ${secret.env} from it any more, delete that line when nothing of yours does`.replace('  ', ' '),
  };
}

/** The one command that writes the file by hand as `create` would (0700 folder, 0644 file). */
export function writeCommand(target: string): string {
  return `mkdir -p -m 700 ${SECRETS_DIR} && (umask 022 && printf '%s\\n' 'YOUR-PASSWORD' > ${target})`;
}
