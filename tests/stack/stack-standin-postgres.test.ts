// The PostgreSQL stand-in keeps the official image's `*_FILE` contract (issue 23, item 1: the
// generated projects are to give PostgreSQL its password as a file, so the stand-in must read
// one as the official image does; tests/support/images/postgres/docker-entrypoint.sh): the
// user, password and database come from the files POSTGRES_USER_FILE, POSTGRES_PASSWORD_FILE
// and POSTGRES_DB_FILE name, without their trailing newline, and only the files' paths are
// in the container's configuration; a missing file stops the start with an error naming it,
// and so does setting a variable both ways. As with the official entry point (docker-library's
// file_env exports the value before it execs the server), the value is in PID 1's environment:
// the generated compose.yaml therefore starts the server through a `postgres` launcher first on
// PATH that unsets it (the journey and stack-compose check every /proc/*/environ by value).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, inject, test } from 'vitest';
import { SERVICE_IMAGES } from '../../src/engine/versions.js';
import { docker, engineFor } from '../support/docker.js';
import { tail } from '../support/run.js';

const state = inject('engines');
const IMAGE = SERVICE_IMAGES.postgres;
const parent = state.available ? mkdtempSync(path.join(tmpdir(), 'cpda-pg-standin-')) : '';
const containers: string[] = [];
const name = (what: string) => {
  const n = `cpda-pg-standin-${process.pid}-${what}`;
  containers.push(n);
  return n;
};

afterAll(async () => {
  if (state.available && containers.length > 0) await docker(engineFor(state.engines, 0), ['rm', '-f', '-v', ...containers]);
  if (parent) rmSync(parent, { recursive: true, force: true });
});

/** A directory of secret files, mounted read-only at /run/secrets as Compose mounts secrets. */
function secrets(what: string, files: Record<string, string>): string[] {
  const dir = path.join(parent, what);
  mkdirSync(dir);
  for (const [file, contents] of Object.entries(files)) writeFileSync(path.join(dir, file), contents);
  return ['-v', `${dir}:/run/secrets:ro`];
}

describe.skipIf(!state.available)(state.available ? 'the postgres stand-in reads secrets from files' : `the postgres stand-in reads secrets from files (skipped: ${state.reason})`, () => {
  const engine = () => engineFor(state.available ? state.engines : [], 0);

  test('user, password and database from *_FILE: the server takes them without the trailing newline, and only the paths are in `docker inspect`', async ({ expect }) => {
    const password = `pw-${process.pid}-${Date.now()}`;
    const c = name('files');
    const mount = secrets('files', { user: 'filed_user\n', password: `${password}\n`, db: 'filed_db\n' });
    // prettier-ignore
    const run = await docker(engine(), ['run', '-d', '--name', c, ...mount,
      '-e', 'POSTGRES_USER_FILE=/run/secrets/user', '-e', 'POSTGRES_PASSWORD_FILE=/run/secrets/password',
      '-e', 'POSTGRES_DB_FILE=/run/secrets/db', IMAGE]);
    expect(run.code, tail(run)).toBe(0);
    let ready = false;
    for (let i = 0; i < 60 && !ready; i++) {
      ready = (await docker(engine(), ['exec', c, 'pg_isready', '-h', '127.0.0.1', '-U', 'filed_user', '-d', 'filed_db'])).code === 0;
      if (!ready) await sleep(500);
    }
    expect(ready, (await docker(engine(), ['logs', c])).stderr).toBe(true);
    const psql = (pw: string) =>
      docker(engine(), ['exec', '-e', `PGPASSWORD=${pw}`, c, 'psql', '-h', '127.0.0.1', '-U', 'filed_user', '-d', 'filed_db', '-tAc', 'select current_user, current_database()']);
    const good = await psql(password);
    expect(good.code, tail(good)).toBe(0);
    expect(good.stdout.trim()).toBe('filed_user|filed_db');
    const withNewline = await psql(`${password}\n`);
    expect(withNewline.code, 'the newline is not part of the password').not.toBe(0);
    const inspect = await docker(engine(), ['inspect', c]);
    expect(inspect.stdout).toContain('POSTGRES_PASSWORD_FILE=/run/secrets/password');
    expect(inspect.stdout).not.toContain(password);
  });

  test("as with the official entry point, the value read from the file is in the server's own environment (PID 1's, which its own user reads), and the _FILE variable is not", async ({ expect }) => {
    const environ = await docker(engine(), ['exec', '-u', 'postgres', `cpda-pg-standin-${process.pid}-files`, 'sh', '-c', "tr '\\0' '\\n' < /proc/1/environ"]);
    expect(environ.code, tail(environ)).toBe(0);
    const lines = environ.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('POSTGRES_PASSWORD'))).toEqual([expect.stringMatching(/^POSTGRES_PASSWORD=pw-\d+-\d+$/)]);
    expect(lines).toContain('POSTGRES_USER=filed_user');
  });

  test('a missing secret file: the container stops at once, and its error names the file', async ({ expect }) => {
    const run = await docker(engine(), ['run', '--name', name('missing'), '-e', 'POSTGRES_PASSWORD_FILE=/run/secrets/absent', IMAGE], { timeoutMs: 60_000 });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('/run/secrets/absent');
    expect(run.stderr).toContain('POSTGRES_PASSWORD_FILE');
  });

  test('a variable given both ways (POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE) is refused', async ({ expect }) => {
    const mount = secrets('both', { password: 'from-file\n' });
    // prettier-ignore
    const run = await docker(engine(), ['run', '--name', name('both'), ...mount, '-e', 'POSTGRES_PASSWORD=from-env',
      '-e', 'POSTGRES_PASSWORD_FILE=/run/secrets/password', IMAGE], { timeoutMs: 60_000 });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)');
  });
});

