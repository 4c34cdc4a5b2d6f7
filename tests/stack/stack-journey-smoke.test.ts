// A developer's day with the generated project, on the real engine (issue 20, items 1 to 3):
// `create` (which writes .env with a random password), the secret files the READMEs have them
// make, the development stack up as the README says, an item of their own created through the
// API, then the README's smoke-test steps run exactly as written, beside the running stack.
// Afterwards the item, the database's volume and .env are as they were and the development stack
// still answers; the smoke test left nothing of its own behind; the image built from the
// project holds none of the secret files. One project per framework, between them Postgres with
// and without Redis, pip and uv, the standard and multi-stage Dockerfiles, with and without
// Kubernetes' files. The smoke test of the previous version, run the same way, loses the item:
// the check catches the fault it guards. The database password is a file (issue 23): its value
// is in no container's `docker inspect` nor any process's environment inside them, before and
// after the README's rotation; a missing, empty or unreadable file stops the start, named.

import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Lexer, type Tokens } from 'marked';
import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import type { ExpectStatic } from 'vitest';
import { listFiles, runMain, treeSnapshot } from '../support/cli-run.js';
import { createdPaths, holdsSecret } from '../support/created-paths.js';
import { asUser, compose, docker, engineFor, http } from '../support/docker.js';
import { holdReadmePorts } from '../support/readme-ports.js';
import type { EngineInfo } from '../support/engine.js';
import { tail } from '../support/run.js';
import { secretLeaks } from '../support/secret-leaks.js';

const state = inject('engines');
const STEP_MS = 300_000;
const BUILD_MS = 900_000;

const JOURNEYS = [
  { id: 'journey-fastapi', flags: ['--framework', 'fastapi', '--postgres', '--redis', '--dockerfile', 'multi-stage', '--package-manager', 'pip', '--deploy', 'kubernetes'] },
  { id: 'journey-flask', flags: ['--framework', 'flask', '--postgres', '--no-redis', '--dockerfile', 'standard', '--package-manager', 'uv'] },
] as const;

/** The smoke test of the version before this one: its trap removed the default project's volumes. */
const OLD_SMOKE_TEST = `#!/bin/sh
set -eu
trap 'docker compose -f compose.yaml down --volumes' EXIT
docker compose -f compose.yaml up --detach --wait
curl --fail --silent --show-error http://127.0.0.1:8000/health
echo
`;

const parent = state.available ? mkdtempSync(path.join(tmpdir(), 'cpda-journey-')) : '';
afterAll(() => {
  if (parent) rmSync(parent, { recursive: true, force: true });
});

/** The commands of the ```sh block that follows `heading`'s section text in a Markdown file. */
function shBlockUnder(markdown: string, heading: string): string[] {
  const tokens = new Lexer().lex(markdown);
  const start = tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).text === heading);
  const block = tokens.slice(start + 1).find((t) => t.type === 'code' && (t as Tokens.Code).lang === 'sh') as Tokens.Code | undefined;
  if (start < 0 || !block) throw new Error(`no sh block under "${heading}"`);
  return block.text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
}

describe.skipIf(!state.available)(state.available ? 'the developer journey with the smoke test' : `the developer journey with the smoke test (skipped: ${state.reason})`, () => {
  JOURNEYS.forEach(({ id, flags }, index) => {
    describe.sequential(id, () => {
      let engine: EngineInfo;
      let freePorts = () => {};
      const dir = path.join(parent, id);
      const url = (route: string) => `http://127.0.0.1:8000${route}`;
      let item: { id: number; name: string } | undefined;
      let envBefore = '';
      let secretBefore = '';
      const secretFile = path.join(dir, 'secrets', 'postgres_password');
      const password = () => readFileSync(secretFile, 'utf8').replace(/\n+$/, '');
      const failed: string[] = [];
      const earlier = (expect: ExpectStatic) => expect(failed, `${id}: an earlier step failed`).toEqual([]);
      const step = (name: string, timeout: number, body: (expect: ExpectStatic) => Promise<void>) =>
        test(name, { timeout }, async ({ expect, onTestFailed }) => {
          onTestFailed(() => void failed.push(name));
          earlier(expect);
          await body(expect);
        });

      // The stacks of stack-compose.test.ts publish the same ports on the same engines: wait for
      // this engine's turn (a stack there may take minutes) before the first step.
      beforeAll(async () => {
        if (state.available) freePorts = await holdReadmePorts(engineFor(state.engines, index));
      }, 3_600_000);

      afterAll(async () => {
        try {
          if (!engine) return;
          await compose(engine, dir, ['down', '-v', '--remove-orphans'], { timeoutMs: STEP_MS });
          await compose(engine, dir, ['-p', `${id}-missing`, '-f', 'compose.yaml', 'down', '-v'], { timeoutMs: STEP_MS });
        } finally {
          freePorts();
        }
      }, STEP_MS);

      /** What differs from what the user had before the smoke test: empty when nothing was lost. */
      async function whatWasLost(): Promise<string[]> {
        const lost: string[] = [];
        if (readFileSync(path.join(dir, '.env'), 'utf8') !== envBefore) lost.push('.env changed');
        if (readFileSync(secretFile, 'utf8') !== secretBefore) lost.push('secrets/postgres_password changed');
        const health = await http(engine, 'GET', url('/health'));
        if (health.status !== 200) lost.push(`the development stack does not answer (${health.status})`);
        const got = await http(engine, 'GET', url(`/items/${item!.id}`));
        if (got.status !== 200 || JSON.stringify(got.json) !== JSON.stringify(item)) lost.push(`the item is gone (GET /items/${item!.id}: ${got.status})`);
        const volumes = await docker(engine, ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${id}`]);
        if (!volumes.stdout.includes(`${id}_postgres-data`)) lost.push('the postgres-data volume is gone');
        return lost;
      }

      step('`create` writes the project and secrets/postgres_password with a random password (0644 in a 0700 folder); .env holds none', 60_000, async (expect) => {
        engine = engineFor(state.available ? state.engines : [], index);
        const created = await runMain([id, '--yes', ...flags], { cwd: parent });
        expect(created.code, created.stderr).toBe(0);
        expect(readFileSync(secretFile, 'utf8')).toMatch(/^[A-Za-z0-9_-]{40,}\n$/);
        expect((statSync(secretFile).mode & 0o777).toString(8)).toBe('644');
        expect((statSync(path.dirname(secretFile)).mode & 0o777).toString(8)).toBe('700');
        const env = readFileSync(path.join(dir, '.env'), 'utf8');
        expect(env).not.toMatch(/PASSWORD/);
        expect(env).not.toContain(password());
      });

      step("the secret files the texts have the user create, made as they say, stay out of the image built from the project", BUILD_MS, async (expect) => {
        const files = listFiles(dir).map((p) => ({ path: p, contents: readFileSync(path.join(dir, p), 'utf8') }));
        const secrets = createdPaths(files).filter((p) => holdsSecret(p, files));
        expect(secrets.map((p) => p.path)).toEqual(expect.arrayContaining(['.env', 'secrets/postgres_password']));
        // As the texts say (the Kubernetes README's `cp ... secret.env`); every other one planted.
        for (const p of secrets.filter((s) => s.how === 'cp' && s.guarded)) {
          const r = await asUser(engine, dir, ['sh', '-c', p.command]);
          expect(r.code, `${p.command}: ${tail(r)}`).toBe(0);
        }
        // (In its folder, made as the texts say: prod's password file sits in deploy/kubernetes/overlays/prod/secrets/.)
        for (const p of secrets)
          if (!existsSync(path.join(dir, p.path))) {
            mkdirSync(path.dirname(path.join(dir, p.path)), { recursive: true, mode: 0o700 });
            writeFileSync(path.join(dir, p.path), 'PLANTED=secret\n');
          }
        const build = await compose(engine, dir, ['build'], { timeoutMs: BUILD_MS });
        expect(build.code, tail(build, 30)).toBe(0);
        const listing = await docker(engine, ['run', '--rm', '--entrypoint', 'find', id, '/app', '-path', '/app/.venv', '-prune', '-o', '-type', 'f', '-print']);
        expect(listing.code, tail(listing)).toBe(0);
        const inImage = listing.stdout.split('\n').map((l) => l.replace(/^\/app\//, ''));
        expect(inImage, 'the image holds the app').toContain('app/settings.py');
        expect(secrets.map((p) => p.path).filter((p) => inImage.includes(p.replace(/^\.\//, '')))).toEqual([]);
      });

      step('the development stack comes up as the README says, and an item of the user is created', STEP_MS, async (expect) => {
        const start = shBlockUnder(readFileSync(path.join(dir, 'README.md'), 'utf8'), 'Quick start');
        expect(start).toEqual(['sh scripts/check-docker && docker compose up --build']);
        // The same command, detached until healthy, as a test must run it.
        const up = await compose(engine, dir, ['up', '--build', '--wait', '--wait-timeout', '150'], { timeoutMs: STEP_MS });
        expect(up.code, tail(up, 40)).toBe(0);
        const created = await http(engine, 'POST', url('/items'), { name: 'mine, keep it' });
        expect(created.status, created.body).toBe(201);
        item = created.json as { id: number; name: string };
        envBefore = readFileSync(path.join(dir, '.env'), 'utf8');
        secretBefore = readFileSync(secretFile, 'utf8');
        expect(await whatWasLost()).toEqual([]);
      });

      step("the password is in no container's `docker inspect` nor any process's environment in them; a process given it is caught", STEP_MS, async (expect) => {
        expect(await secretLeaks(engine, dir, password())).toEqual([]);
        // Planted: a process in the app's container with the password in its environment, as
        // POSTGRES_PASSWORD in the app's `environment:` (or the entry point's export) would be.
        const planted = await compose(engine, dir, ['exec', '-d', '-e', `POSTGRES_PASSWORD=${password()}`, 'app', 'sleep', '60']);
        expect(planted.code, tail(planted)).toBe(0);
        const leaks = await secretLeaks(engine, dir, password());
        expect(leaks.length).toBe(1);
        expect(leaks[0]).toMatch(new RegExp(`^${id}-app-1: /proc/\\d+/environ$`));
        // It ends by itself; the rotation below restarts the app anyway, and checks a new password.
      });

      step("the README's smoke-test steps, run as written beside it, pass; the item, its volume and .env are kept, and nothing of the smoke test is left", STEP_MS, async (expect) => {
        const steps = shBlockUnder(readFileSync(path.join(dir, 'README.md'), 'utf8'), 'CI');
        expect(steps).toEqual(['sh scripts/smoke-test']);
        const started = Date.now();
        for (const line of steps) {
          const r = await asUser(engine, dir, ['sh', '-c', line], { timeoutMs: STEP_MS });
          expect(r.code, `${line}:\n${tail(r, 40)}`).toBe(0);
          expect(r.stdout.trim()).toBe('{"status":"ok"}');
          // It says what it removes, and it is only its own.
          expect(r.stderr).toMatch(new RegExp(`smoke-test: removing its own Compose project ${id}-smoke-\\d+ \\(containers, network, volumes\\)`));
        }
        console.log(`[journey] ${id}: the smoke test beside the development stack ${((Date.now() - started) / 1000).toFixed(1)} s`);
        expect(await whatWasLost()).toEqual([]);
        const containers = await docker(engine, ['ps', '-a', '--format', '{{.Label "com.docker.compose.project"}}']);
        expect(containers.stdout.split('\n').filter((p) => p.startsWith(`${id}-smoke`)), 'containers left').toEqual([]);
        const volumes = await docker(engine, ['volume', 'ls', '--format', '{{.Label "com.docker.compose.project"}}']);
        expect(volumes.stdout.split('\n').filter((p) => p.startsWith(`${id}-smoke`)), 'volumes left').toEqual([]);
      });

      step('the same smoke test in a fresh checkout, as CI runs it (no .env, no secrets/: both git-ignored), passes on a password of its own and writes nothing there', STEP_MS, async (expect) => {
        const checkout = `${dir}-checkout`;
        cpSync(dir, checkout, { recursive: true, filter: (source) => !['.env', 'secrets'].includes(path.relative(dir, source)) });
        const before = treeSnapshot(checkout);
        const r = await asUser(engine, checkout, ['sh', 'scripts/smoke-test'], { timeoutMs: STEP_MS });
        expect(r.code, tail(r, 40)).toBe(0);
        expect(r.stdout.trim()).toBe('{"status":"ok"}');
        expect(treeSnapshot(checkout)).toEqual(before);
        expect(await whatWasLost()).toEqual([]);
        rmSync(checkout, { recursive: true, force: true });
      });

      step("the README's password change: PostgreSQL's role and secrets/postgres_password get a new password, the app reconnects with it, the item is kept, and the new one leaks nowhere either", STEP_MS, async (expect) => {
        const lines = shBlockUnder(readFileSync(path.join(dir, 'README.md'), 'utf8'), 'Configuration');
        expect(lines.join('\n')).toContain('ALTER ROLE');
        const before = password();
        const env = readFileSync(path.join(dir, '.env'), 'utf8');
        // One shell, as a user pastes the block: its variable spans the lines.
        const r = await asUser(engine, dir, ['sh', '-c', `set -e\n${lines.join('\n')}`], { timeoutMs: STEP_MS });
        expect(r.code, tail(r, 30)).toBe(0);
        expect(password()).toMatch(/^[0-9a-f]{48}$/);
        expect(password()).not.toBe(before);
        expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe(env);
        expect(listFiles(dir).filter((f) => f.startsWith('secrets/'))).toEqual(['secrets/postgres_password']);
        secretBefore = readFileSync(secretFile, 'utf8');
        const wait = await compose(engine, dir, ['up', '--wait', '--wait-timeout', '120'], { timeoutMs: STEP_MS });
        expect(wait.code, tail(wait, 30)).toBe(0);
        expect(await whatWasLost()).toEqual([]);
        // The app reads the file that very moment: the mount is the host file itself.
        const inside = await compose(engine, dir, ['exec', '-T', 'app', 'cat', '/run/secrets/postgres_password']);
        expect(inside.stdout).toBe(secretBefore);
        expect(await secretLeaks(engine, dir, password())).toEqual([]);
      });

      if (id === 'journey-fastapi')
        step('a missing secret file: Compose refuses to start, naming it; an empty or unreadable one: the app stops at start-up, naming it', STEP_MS, async (expect) => {
          // Missing: a second project from the same folder, so the running stack is untouched.
          const aside = `${secretFile}.aside`;
          renameSync(secretFile, aside);
          const args = ['-p', `${id}-missing`, '-f', 'compose.yaml'];
          try {
            const up = await compose(engine, dir, [...args, 'up', '--no-build', '--wait', '--wait-timeout', '20'], { timeoutMs: STEP_MS, env: { APP_PORT: '0' } });
            expect(up.code, 'up succeeded without the secret file').not.toBe(0);
            expect(up.stderr + up.stdout).toMatch(/secrets\/postgres_password/);
          } finally {
            renameSync(aside, secretFile);
            await compose(engine, dir, [...args, 'down', '-v'], { timeoutMs: STEP_MS });
          }
          // Empty, then unreadable to the app's user: the running app restarted with it exits,
          // and its log names the file. The file is written in place (the mount is that inode).
          // Its log since the restart, once it holds `expected` (the app may be restarted by its
          // restart policy meanwhile, with a growing back-off: a fixed window could miss it).
          const app = async (expected: RegExp): Promise<string> => {
            const since = new Date(Date.now() - 1_000).toISOString();
            const restart = await compose(engine, dir, ['restart', 'app'], { timeoutMs: STEP_MS });
            expect(restart.code, tail(restart)).toBe(0);
            const deadline = Date.now() + 90_000;
            for (;;) {
              const logs = await compose(engine, dir, ['logs', '--no-color', '--since', since, 'app']);
              const text = logs.stdout + logs.stderr;
              if (expected.test(text) || Date.now() > deadline) return text;
              await new Promise((resolve) => setTimeout(resolve, 500));
            }
          };
          const value = readFileSync(secretFile, 'utf8');
          try {
            writeFileSync(secretFile, '\n');
            expect(await app(/\/run\/secrets\/postgres_password is empty/)).toContain('/run/secrets/postgres_password is empty');
            writeFileSync(secretFile, value);
            chmodSync(secretFile, 0o600);
            const unreadable = /\/run\/secrets\/postgres_password cannot be read \(Permission denied\)/;
            expect(await app(unreadable)).toMatch(unreadable);
          } finally {
            writeFileSync(secretFile, value);
            chmodSync(secretFile, 0o644);
          }
          // The crashed app is in Docker's restart back-off: restarted at once with the file back.
          await compose(engine, dir, ['restart', 'app'], { timeoutMs: STEP_MS });
          const back = await compose(engine, dir, ['up', '--wait', '--wait-timeout', '120'], { timeoutMs: STEP_MS });
          expect(back.code, tail(back, 30)).toBe(0);
          expect(await whatWasLost()).toEqual([]);
        });

      if (id === 'journey-flask')
        step("planted: the previous version's smoke test, run the same way, loses the user's item and stack: the check above reports it", STEP_MS, async (expect) => {
          writeFileSync(path.join(dir, 'scripts', 'smoke-test'), OLD_SMOKE_TEST);
          const r = await asUser(engine, dir, ['sh', 'scripts/smoke-test'], { timeoutMs: STEP_MS });
          const lost = await whatWasLost();
          console.log(`[journey] ${id}: the old smoke test exited ${r.code}; lost: ${lost.join('; ')}`);
          expect(lost).toContain('the postgres-data volume is gone');
          expect(lost.some((l) => l.startsWith('the development stack does not answer') || l.startsWith('the item is gone'))).toBe(true);
        });
    });
  });
});
