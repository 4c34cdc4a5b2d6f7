// What Docker Compose itself makes of every generated project, with the .env a user copies
// from .env.example: Debian trixie's docker-compose v2 (`config --format json`, no daemon
// needed; tests/support/compose-check.ts), so merging, interpolation and the `!override` tag
// are Compose's own, not our reading of the files.

import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { comboId, type ExtraOptionKey, type ProjectOptions } from '../../src/options/table.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { COMPOSE_BIN, composeConfig, createDotEnv } from '../support/compose-check.js';
import { generateInto } from '../support/generate.js';

type Combo = Omit<ProjectOptions, 'name' | 'description' | ExtraOptionKey>;

interface Port {
  host_ip?: string;
  published?: string;
  target: number;
}
interface Config {
  services: Record<string, { ports?: Port[]; environment?: Record<string, string | null> }>;
}

const parent = mkdtempSync(path.join(tmpdir(), 'cpda-compose-config-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** A fresh project with `.env` copied from `.env.example`, plus `extraEnv` lines. */
function project(combo: Combo, extraEnv = ''): string {
  const dir = generateInto({ name: 'compose-app', ...combo }, mkdtempSync(path.join(parent, `${comboId(combo)}-`)));
  createDotEnv(dir);
  if (extraEnv) writeFileSync(path.join(dir, '.env'), `${readFileSync(path.join(dir, '.env'), 'utf8')}\n${extraEnv}\n`);
  return dir;
}

async function config(dir: string, files: string[]): Promise<Config> {
  const result = await composeConfig(dir, files, 'json');
  if (result.code !== 0) throw new Error(`docker-compose ${files.map((f) => `-f ${f}`).join(' ')} config in ${dir}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Config;
}

/**
 * One project per combination (and .env variant), and one `config` run per set of files, shared
 * by the tests that read them: they only read. Each test still sees Compose's own reading of a
 * project generated for its combination.
 */
const projects = new Map<string, string>();
const shared = new Map<string, Promise<{ dir: string; config: Config }>>();
function sharedConfig(combo: Combo, files: string[], extraEnv = ''): Promise<{ dir: string; config: Config }> {
  const key = JSON.stringify([comboId(combo), files, extraEnv]);
  let entry = shared.get(key);
  if (!entry) {
    const projectKey = JSON.stringify([comboId(combo), extraEnv]);
    projects.set(projectKey, projects.get(projectKey) ?? project(combo, extraEnv));
    const dir = projects.get(projectKey)!;
    entry = config(dir, files).then((c) => ({ dir, config: c }));
    shared.set(key, entry);
  }
  return entry;
}

/** Every published port as `service host_ip:published->target`. */
function published(config: Config): string[] {
  return Object.entries(config.services).flatMap(([name, service]) =>
    (service.ports ?? []).map((p) => `${name} ${p.host_ip ?? '0.0.0.0'}:${p.published}->${p.target}`),
  );
}

const DEVELOPMENT = ['compose.yaml', 'compose.override.yaml'];
const PRODUCTION = ['compose.yaml'];
/** The development stack with the app under debugpy (.devcontainer/compose.yaml, --devcontainer). */
const DEBUGGER = [...DEVELOPMENT, '.devcontainer/compose.yaml'];

describe.skipIf(!existsSync(COMPOSE_BIN))(
  existsSync(COMPOSE_BIN) ? 'docker-compose config' : `docker-compose config (skipped: ${COMPOSE_BIN} missing; run scripts/setup-test-env.sh)`,
  () => {
    describe.each(combinationsUnderTest().map((c) => [comboId(c), c] as const))('%s', (_id, combo) => {
      const devPorts = ['app 127.0.0.1:8000->8000', ...(combo.postgres ? ['db 127.0.0.1:5432->5432'] : []), ...(combo.redis ? ['redis 127.0.0.1:6379->6379'] : [])];

      it("development publishes every port on 127.0.0.1 only, the app's too", async () => {
        expect(published((await sharedConfig(combo, DEVELOPMENT)).config).sort()).toEqual(devPorts.sort());
      });

      it('DEV_BIND_ADDRESS=0.0.0.0 in .env opens them to every interface', async () => {
        const open = devPorts.map((p) => p.replace('127.0.0.1', '0.0.0.0'));
        expect(published((await sharedConfig(combo, DEVELOPMENT, 'DEV_BIND_ADDRESS=0.0.0.0')).config).sort()).toEqual(open.sort());
      });

      it(`the debugger's stack publishes debugpy's port${combo.worker === 'celery' ? ' and the worker’s' : ''} on 127.0.0.1 only, even with DEV_BIND_ADDRESS=0.0.0.0, and tags its image apart from production's`, async () => {
        const { config: debugging } = await sharedConfig(combo, DEBUGGER, 'DEV_BIND_ADDRESS=0.0.0.0');
        const debuggers = ['app 127.0.0.1:5678->5678', ...(combo.worker === 'celery' ? ['worker 127.0.0.1:5679->5679'] : [])];
        expect(published(debugging).filter((p) => /->567[89]$/.test(p)).sort()).toEqual(debuggers.sort());
        const images = await Promise.all([sharedConfig(combo, PRODUCTION), sharedConfig(combo, DEBUGGER, 'DEV_BIND_ADDRESS=0.0.0.0')]);
        const [production, debugged] = images.map(({ config }) => (config.services.app as { image?: string }).image);
        expect(debugged).toBe(`${production}-dev`);
      });

      it('production (compose.yaml alone) publishes the app only', async () => {
        expect(published((await sharedConfig(combo, PRODUCTION)).config)).toEqual(['app 0.0.0.0:8000->8000']);
      });

      it(`the default worker count is ${combo.postgres ? '2' : '1, since each worker would keep its own items in memory'}`, async () => {
        const { dir, config: production } = await sharedConfig(combo, PRODUCTION);
        const env = production.services.app!.environment ?? {};
        const expected = combo.postgres ? '2' : '1';
        expect(env.WEB_CONCURRENCY).toBe(expected);
        // `docker run` without Compose: the server's own default is the same.
        if (combo.framework === 'flask')
          expect(readFileSync(path.join(dir, 'gunicorn.conf.py'), 'utf8')).toContain(`os.environ.get("WEB_CONCURRENCY", "${expected}")`);
      });

      it.runIf(combo.postgres)('the password is a file secret of db, app, the migration service (and the worker and beat, whose settings read it), in no environment: the app gets the parts', async () => {
        const { config: production } = await sharedConfig(combo, PRODUCTION);
        const services = production.services as Record<string, { environment?: Record<string, string>; secrets?: { source: string; target?: string }[] }>;
        const withSecret = Object.entries(services).filter(([, s]) => (s.secrets ?? []).some((x) => x.source === 'postgres_password')).map(([name]) => name);
        expect(withSecret.sort()).toEqual(['app', 'db', ...(combo.migrations === false ? [] : ['migrate']), ...(combo.worker === 'celery' ? ['worker'] : []), ...(combo.beat ? ['beat'] : [])].sort());
        for (const [name, service] of Object.entries(services)) expect(Object.keys(service.environment ?? {}), name).not.toContain('POSTGRES_PASSWORD');
        expect(services.db!.environment?.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
        expect(services.app!.environment).toMatchObject({ POSTGRES_HOST: 'db', POSTGRES_PORT: '5432', POSTGRES_USER: 'app', POSTGRES_DB: 'app' });
        expect((production as { secrets?: Record<string, { file: string }> }).secrets?.postgres_password?.file).toMatch(/\/secrets\/postgres_password$/);
      });
    });
  },
);
