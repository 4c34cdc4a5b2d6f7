// The generated stack, run as a user runs it: for every pair of option values (a covering array
// of the option table, tests/support/pairwise.ts: framework, Python, Postgres, Redis, Dockerfile
// variant, package manager, migrations, ... each value with each other's), Docker Compose v2 on Docker Engine 28
// (tests/support/engine.ts) builds the project exactly as generated (its `# syntax=` line, cache
// mounts and the install of its lock from PyPI, `uv sync --locked` or `pip install
// --require-hashes`, included) and starts it, in production
// (`docker compose -f compose.yaml`) and in development (compose.override.yaml merged in).
// The API is used over the port compose.yaml publishes, from the engine's network namespace,
// as `curl localhost:8000` would on the user's machine.
//
// The base and service images are stand-ins (tests/support/images/, README "What is stood
// in for"). Stacks run one per engine at a time: they all publish the same ports.
//
// Only documented behaviour is asserted. Persistence is asserted where Postgres holds the
// items; without it the store is in memory and loses them on restart by design. The stacks run
// with the .env `create` writes (.env.example with a random password): with the memory store, whose list
// lives in one worker process, compose.yaml's default worker count must keep answers consistent.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, inject, test } from 'vitest';
import { secretLeaks } from '../support/secret-leaks.js';
import { parse as parseYaml } from 'yaml';
import type { ExpectStatic } from 'vitest';
import { STOP_GRACE_PERIOD_SECONDS } from '../../src/features/app-server.js';
import { allCombinations, comboId } from '../../src/options/table.js';
import { COMPOSE_BIN, createDotEnv } from '../support/compose-check.js';
import { asUser, compose, docker, http, inEngineNetwork, type HttpResponse } from '../support/docker.js';
import { DOCKER_CLI, type EngineInfo } from '../support/engine.js';
import { readFinalStage } from '../support/final-stage.js';
import { holdReadmePorts } from '../support/readme-ports.js';
import { generateInto } from '../support/generate.js';
import { run, tail } from '../support/run.js';
import { engineForProject, onePer, pairwiseProjects, projectLabel, projectName } from '../support/pairwise.js';
import { standinPythons } from '../support/standin-images.js';

const state = inject('engines');
// A covering array of the option table (tests/support/pairwise.ts): every pair of option values,
// PostgreSQL without migrations included, in at least one stack, instead of every combination.
const projects = pairwiseProjects();
const combos = projects.map((options, index) => [projectName(index), options] as const);
/** The in-flight stop keeps the server busy for its whole graceful time: one stack per framework (the server's CMD). */
const IN_FLIGHT = onePer(projects, 'framework');
/**
 * The debugger's stack builds the development image (.devcontainer/Dockerfile): the fewest
 * stacks that run each framework's server (its debug command) and each package manager's
 * install (its Dockerfile branch).
 */
const DEBUGGED = coverEach(projects.filter((p) => p.devcontainer), ['framework', 'packageManager']);
/** The worker's journey: one stack with the worker per framework (the API's task routes are the framework's). */
const WORKER_JOURNEY = onePer(projects, 'framework', (o) => o.worker === 'celery');
/** WORKER_VISIBILITY_TIMEOUT for the journey: low, and above the tasks' length (a longer task is handed out twice). */
const JOURNEY_VISIBILITY_SECONDS = 10;
/** How often kombu gives unacknowledged tasks older than the visibility timeout back to the queue. */
const RESTORE_EVERY_SECONDS = 10;
const KILLED_TASK_SECONDS = 6;
/** Beat's journey: one stack with beat per framework (each reads BEAT_INTERVAL_SECONDS with its own settings code). */
const BEAT_JOURNEY = onePer(projects, 'framework', (o) => o.beat);
/** BEAT_INTERVAL_SECONDS for beat's journey: short, so two runs take seconds. */
const BEAT_JOURNEY_INTERVAL = 4;
const STOPPED_TASK_SECONDS = 5;
/** The failing migration rebuilds the image: one stack with migrations per framework. */
const FAILING_MIGRATION = onePer(projects, 'framework', (o) => o.migrations);
const pythons = state.available ? standinPythons() : [];
const parent = state.available ? mkdtempSync(path.join(tmpdir(), 'cpda-stack-')) : '';
afterAll(() => {
  if (parent) rmSync(parent, { recursive: true, force: true });
});

/**
 * Each project always runs on the same engine (engineForProject: the engines balanced by each
 * project's expected time, longest first), so its image is rebuilt from that engine's persisted
 * build cache, where kubernetes-docker.test.ts builds it too; an engine runs one stack at a time.
 */
class EngineQueues {
  private readonly tails = new Map<number, Promise<void>>();
  constructor(private readonly engines: EngineInfo[]) {}
  /** Waits for the project's engine; call the returned function to hand it on. */
  async acquire(index: number): Promise<[EngineInfo, () => void]> {
    const engine = engineForProject(this.engines, index);
    const previous = this.tails.get(engine.slot) ?? Promise.resolve();
    let release = () => {};
    this.tails.set(engine.slot, previous.then(() => new Promise<void>((resolve) => (release = resolve))));
    await previous;
    // Other files' stacks run as the README says too (the smoke journey): one at a time per engine.
    const free = await holdReadmePorts(engine);
    return [
      engine,
      () => {
        free();
        release();
      },
    ];
  }
}
const queues = new EngineQueues(state.available ? state.engines : []);

const PRODUCTION = ['-f', 'compose.yaml'];
const DEVELOPMENT: string[] = []; // compose.yaml + compose.override.yaml, as `docker compose` reads them by default
/** The development stack with the app under debugpy, as the README's Debugging section starts it. */
const DEBUGGER = ['-f', 'compose.yaml', '-f', 'compose.override.yaml', '-f', '.devcontainer/compose.yaml'];
/** A Debug Adapter Protocol client, run in the engine's network namespace as VS Code would attach from the host. */
const DAP_CLIENT = fileURLToPath(new URL('../support/dap-attach.py', import.meta.url));
/** @devcontainers/cli, a devDependency: the reference implementation of devcontainer.json. */
const DEVCONTAINER_CLI = fileURLToPath(new URL('../../node_modules/@devcontainers/cli/devcontainer.js', import.meta.url));
const STEP_MS = 180_000;
const BUILD_MS = 900_000;
const BUILD_STEP = 'production: the image builds from the project as generated';

/** What a developer's working copy holds besides the code; .dockerignore must keep it out. */
const JUNK = ['.git/HEAD', '.venv/pyvenv.cfg', 'app/__pycache__/main.cpython-313.pyc', 'app/demo.egg-info/PKG-INFO', '.pytest_cache/README.md'];

describe.skipIf(!state.available)(state.available ? 'the stack under Docker Compose' : `the stack under Docker Compose (skipped: ${state.reason})`, () => {
  combos.forEach(([id, options], index) => {
    // Stacks of different projects run at once (each on its own engine); the steps of one
    // stack run in order.
    const noPython = !pythons.includes(options.python);
    const title = `${id}: ${projectLabel(options)}`;
    describe.skipIf(noPython).concurrent(noPython ? `${title} (skipped: no stand-in image of Python ${options.python})` : title, () => {
      let engine: EngineInfo;
      let release = () => {};
      let dir = '';
      let port = 0;
      const services = ['app', ...(options.postgres ? ['db'] : []), ...(options.redis ? ['redis'] : []), ...(options.worker === 'celery' ? ['worker'] : []), ...(options.beat ? ['beat'] : [])].sort();
      // What `docker compose ps --all` should show once `up --wait` returns: the long-running
      // services healthy, the one-shot `migrate` (with migrations) exited 0.
      const upStates = Object.fromEntries([...services.map((s) => [s, 'running healthy, restarted 0x']), ...(options.migrations ? [['migrate', 'exited 0, restarted 0x']] : [])]);
      const composeIn = (files: string[], args: string[], timeoutMs = STEP_MS) => compose(engine, dir, [...files, ...args], { timeoutMs });
      // The count the last GET /visits answered (Redis's data, which must outlive `down`).
      let counted = 0;
      const url = (route: string) => `http://127.0.0.1:${port}${route}`;
      const get = (route: string) => http(engine, 'GET', url(route));

      // The steps of a mode build on each other (and both modes on the build): after a failure,
      // the later steps fail at once, naming it, instead of with confusing errors of their own.
      const failed = { production: '', development: '' };
      beforeEach((context) => {
        context.onTestFailed(() => {
          const name = context.task.name;
          const modes = name === BUILD_STEP ? (['production', 'development'] as const) : name.startsWith('development:') ? (['development'] as const) : (['production'] as const);
          for (const mode of modes) failed[mode] ||= name;
        });
      });
      const earlierStepsPassed = (expect: ExpectStatic, mode: keyof typeof failed = 'production') =>
        expect(failed[mode], `${id}: not run, an earlier step failed`).toBe('');

      // Most of this hook is waiting in line for the engine, behind every stack before this one
      // there (each step of theirs has its own timeout): bounded as the smoke journey's wait is,
      // not by one stack's time (a slow machine made a 10-minute bound fail the 5th in a line).
      beforeAll(async () => {
        [engine, release] = await queues.acquire(index);
        dir = generateInto({ name: id, ...options }, path.join(parent, id));
        // The .env `create` writes: .env.example with a random password.
        createDotEnv(dir);
        plantWorkingCopyJunk(dir);
      }, 3_600_000);

      afterAll(async () => {
        if (!engine) return;
        for (const files of [DEBUGGER, DEVELOPMENT, PRODUCTION]) await composeIn(files, ['down', '-v', '--remove-orphans']);
        release();
      }, STEP_MS);

      /** `up --wait`, then the state of every service from `docker compose ps`. */
      async function upAndWait(files: string[], timeoutMs = STEP_MS): Promise<string> {
        const up = await composeIn(files, ['up', '--wait', '--wait-timeout', '150'], timeoutMs);
        if (up.code !== 0) return `docker compose ${files.join(' ')} up --wait failed:\n${tail(up, 40)}\n${await logs(files)}`;
        port = await publishedPort(files);
        return '';
      }

      async function logs(files: string[]): Promise<string> {
        const r = await composeIn(files, ['logs', '--no-color', '--tail', '30']);
        return `--- docker compose logs:\n${r.stdout}${r.stderr}`;
      }

      /** `<state> <health>, restarted <n>x` per service: a service that crashed and came back shows. */
      async function serviceStates(files: string[]): Promise<Record<string, string>> {
        const ps = await composeIn(files, ['ps', '--all', '--format', 'json']);
        const rows = ps.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as ComposePs);
        const states: Record<string, string> = {};
        for (const row of rows) {
          const restarts = (await docker(engine, ['inspect', '-f', '{{.RestartCount}}', row.ID])).stdout.trim();
          const outcome = row.State === 'exited' ? String(row.ExitCode) : row.Health || 'no-healthcheck';
          states[row.Service] = `${row.State} ${outcome}, restarted ${restarts}x`;
        }
        return states;
      }

      /** Containers and volumes of the smoke test's own Compose projects (`<id>-smoke-<pid>`). */
      async function smokeLeftovers(): Promise<string[]> {
        const projectOf = '{{.Label "com.docker.compose.project"}}';
        const containers = await docker(engine, ['ps', '-a', '--format', `container ${projectOf}`]);
        const volumes = await docker(engine, ['volume', 'ls', '--format', `volume ${projectOf}`]);
        return `${containers.stdout}\n${volumes.stdout}`.split('\n').filter((l) => l.split(' ')[1]?.startsWith(`${id}-smoke`));
      }

      /** The host port compose.yaml publishes the app's port on (`docker compose port`). */
      async function publishedPort(files: string[]): Promise<number> {
        const r = await composeIn(files, ['port', 'app', String(readPortFromDockerfile())]);
        const match = /:(\d+)\s*$/.exec(r.stdout.trim());
        if (!match?.[1]) throw new Error(`${id}: docker compose port app: ${tail(r)}`);
        return Number(match[1]);
      }

      function readPortFromDockerfile(): number {
        return readFinalStage(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).ports[0] ?? 0;
      }

      test.sequential(BUILD_STEP, { timeout: BUILD_MS }, async ({ expect }) => {
        const started = Date.now();
        const build = await composeIn(PRODUCTION, ['build'], BUILD_MS);
        console.log(`[stack] ${id}: docker compose build ${((Date.now() - started) / 1000).toFixed(1)} s (engine slot ${engine.slot})`);
        expect(build.code, `${id}: docker compose -f compose.yaml build failed:\n${tail(build, 40)}`).toBe(0);
      });

      test.sequential('production: `up --wait` brings every service to healthy, none restarted on the way', { timeout: STEP_MS }, async ({ expect }) => {
        earlierStepsPassed(expect);
        const started = Date.now();
        expect(await upAndWait(PRODUCTION), id).toBe('');
        console.log(`[stack] ${id}: up --wait ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const states = await serviceStates(PRODUCTION);
        expect(states, `${id}: docker compose ps`).toEqual(upStates);
      });

      if (options.migrations)
        test.sequential("production: the schema is Alembic's: `migrate` applied every migration, from the app's image, and finished before the app started", async ({ expect }) => {
          earlierStepsPassed(expect);
          const version = await composeIn(PRODUCTION, ['exec', '-T', 'db', 'sh', '-c', 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "select version_num from alembic_version"']);
          expect(version.code, `${id}: reading alembic_version:\n${tail(version)}`).toBe(0);
          expect(version.stdout.trim(), `${id}: the database's Alembic revision`).toBe(migrationHead(dir));
          const container = async (service: string) => {
            const ps = await composeIn(PRODUCTION, ['ps', '--all', '-q', service]);
            const inspect = await docker(engine, ['inspect', '-f', '{{.Image}} {{.State.StartedAt}} {{.State.FinishedAt}}', ps.stdout.trim()]);
            const [image = '', startedAt = '', finishedAt = ''] = inspect.stdout.trim().split(' ');
            return { image, started: Date.parse(startedAt), finished: Date.parse(finishedAt) };
          };
          const [app, migrate] = [await container('app'), await container('migrate')];
          expect(migrate.image, `${id}: migrate and app run different images`).toBe(app.image);
          expect(migrate.finished, `${id}: migrate finished after the app started`).toBeLessThanOrEqual(app.started);
        });

      if (options.postgres)
        test.sequential("production: the database password is in no container's `docker inspect` nor any process's environment in them", async ({ expect }) => {
          earlierStepsPassed(expect);
          const password = readFileSync(path.join(dir, 'secrets', 'postgres_password'), 'utf8').replace(/\n+$/, '');
          expect(await secretLeaks(engine, dir, password, PRODUCTION), id).toEqual([]);
        });

      test.sequential("production: every service runs hardened: read-only root, no capability but its entry point's, no new privileges, memory and pids limits (enforced), rotated logs", async ({ expect }) => {
        earlierStepsPassed(expect);
        const ids = (await composeIn(PRODUCTION, ['ps', '-q'])).stdout.trim().split('\n');
        const inspected = JSON.parse((await docker(engine, ['inspect', ...ids])).stdout) as Inspect[];
        const settings = Object.fromEntries(
          inspected.map((c) => {
            const h = c.HostConfig;
            return [
              c.Config.Labels['com.docker.compose.service'],
              {
                readOnly: h.ReadonlyRootfs,
                capDrop: h.CapDrop,
                noNewPrivileges: (h.SecurityOpt ?? []).includes('no-new-privileges:true'),
                limited: h.Memory > 0 && (h.PidsLimit ?? 0) > 0,
                logs: `${h.LogConfig.Type} ${h.LogConfig.Config['max-size']} x${h.LogConfig.Config['max-file']}`,
              },
            ];
          }),
        );
        const hardened = { readOnly: true, capDrop: ['ALL'], noNewPrivileges: true, limited: true, logs: 'json-file 10m x3' };
        expect(settings, `${id}: docker inspect`).toEqual(Object.fromEntries(services.map((s) => [s, hardened])));
        for (const service of services) {
          // Even root, in the container, cannot write to its root file system.
          const write = await composeIn(PRODUCTION, ['exec', '-T', '-u', '0', service, 'touch', '/hardening-probe']);
          expect([write.code !== 0, write.stderr], `${id}: ${service}: touch / as root`).toEqual([true, expect.stringMatching(/Read-only file system/)]);
        }
        // The pids limit is enforced (rootful dockerd on cgroup v1): the app's container cannot
        // run more tasks than compose.yaml's pids_limit. Threads of one exec'd process, which all
        // end with it (child processes would outlive it as zombies of a server that is PID 1).
        const threads = 'import threading, time\nfor _ in range(600): threading.Thread(target=time.sleep, args=(5,), daemon=True).start()';
        const tasks = await composeIn(PRODUCTION, ['exec', '-T', 'app', 'python', '-c', threads]);
        expect([tasks.code !== 0, tasks.stderr], `${id}: 600 threads in the app's container`).toEqual([true, expect.stringMatching(/can't start new thread/)]);
        for (const service of services.filter((s) => s !== 'app')) {
          // The official images' entry point starts as root and drops to the service's user: the
          // server (PID 1) then runs as that user with no capability left.
          const status = await composeIn(PRODUCTION, ['exec', '-T', service, 'cat', '/proc/1/status']);
          const field = (name: string) => new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(status.stdout)?.[1];
          expect([field('Uid'), field('CapEff')], `${id}: ${service}: PID 1's user and capabilities`).toEqual([expect.not.stringMatching(/^0$/), '0000000000000000']);
        }
      });

      test.sequential('production: the app runs as UID 10001 and cannot write its code; .env, tests/, working-copy junk and the debugger stay out of the image', async ({ expect }) => {
        earlierStepsPassed(expect);
        const script = [
          'test "$(id -u)" = 10001 || echo "runs as uid $(id -u)"',
          // compose.yaml's read-only root: only the tmpfs at /tmp takes a write, HOME does not.
          'probe=$(mktemp) && rm "$probe" || echo "/tmp is not writable"',
          '! touch "$HOME/.probe" 2>/dev/null || echo "HOME ($HOME) is writable on a read-only root"',
          'for p in /app /app/app; do test -e $p || echo "$p is missing"; test ! -w $p || echo "$p is writable by the app user"; done',
          'test ! -e /app/.env || echo ".env was copied into the image"',
          'test ! -e /app/tests || echo "tests/ was copied into the image"',
          // The development dependencies (debugpy, the dev container's debugger) are the development image's only.
          '! python -c "import debugpy" 2>/dev/null || echo "debugpy is in the production image"',
          'test ! -e /app/.devcontainer || echo ".devcontainer/ was copied into the image"',
          // The image's own venv (uv's is /app/.venv) is no junk; anything else of the kind is.
          `junk=$(find /app -path ${venvOf(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')) ?? '/nonexistent'} -prune -o \\( -name .git -o -name .venv -o -name __pycache__ -o -name '*.egg-info' -o -name .pytest_cache \\) -print | tr '\\n' ' '); test -z "$junk" || echo "copied into the image: $junk"`,
          // What plantWorkingCopyJunk wrote, wherever it would have landed.
          ...JUNK.map((file) => `if [ "$(cat /app/${file} 2>/dev/null)" = junk ]; then echo "copied into the image: ${file}"; fi`),
        ].join('; ');
        const r = await composeIn(PRODUCTION, ['exec', '-T', 'app', 'sh', '-c', script]);
        expect(r.code, `${id}: docker compose exec app:\n${tail(r)}`).toBe(0);
        expect((r.stdout + r.stderr).trim(), `${id}: inside the app container`).toBe('');
      });

      if (options.dockerfile === 'multi-stage')
        test.sequential('production: the multi-stage runtime holds the venv and no compiler, and no uv', async ({ expect }) => {
          earlierStepsPassed(expect);
          const framework = options.framework === 'flask' ? 'flask' : 'fastapi';
          const venv = venvOf(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
          expect(venv, `${id}: the Dockerfile puts no venv on PATH`).toBeDefined();
          const script = [
            `${venv}/bin/python -c 'import ${framework}' || echo "no ${framework} in ${venv}"`,
            'for tool in uv uvx; do if command -v $tool >/dev/null; then echo "package tool on PATH: $tool"; fi; done',
            'for tool in gcc cc c++ g++ make ld as; do if command -v $tool >/dev/null; then echo "compiler tool on PATH: $tool"; fi; done',
            'if dpkg-query -W -f "\\${Status}" build-essential 2>/dev/null | grep -q installed; then echo "build-essential is installed"; fi',
          ].join('; ');
          const r = await composeIn(PRODUCTION, ['exec', '-T', 'app', 'sh', '-c', script]);
          expect(r.code, `${id}: docker compose exec app:\n${tail(r)}`).toBe(0);
          expect((r.stdout + r.stderr).trim(), `${id}: the runtime stage`).toBe('');
        });

      let created: Item | undefined;
      test.sequential('production: the API answers over the published port: health, create, list, get, 404, 422, and 4xx for what PostgreSQL could not keep', async ({ expect }) => {
        earlierStepsPassed(expect);
        const health = await get('/health');
        expect([health.status, health.json], `${id}: GET /health`).toEqual([200, { status: 'ok' }]);

        const post = await http(engine, 'POST', url('/items'), { name: 'widget', description: 'made by the stack test' });
        expect(post.status, `${id}: POST /items: ${post.body}`).toBe(201);
        created = post.json as Item;
        expect(created, `${id}: POST /items answer`).toMatchObject({ name: 'widget', description: 'made by the stack test' });
        expect(typeof created.id, `${id}: POST /items answer has an id`).toBe('number');

        // Every GET sees the item, whichever worker answers it (several GETs reach several workers).
        for (let i = 0; i < 8; i++) {
          const list = await get('/items');
          expect(list.status, `${id}: GET /items: ${list.body}`).toBe(200);
          expect((list.json as Page).items, `${id}: GET /items (request ${i + 1})`).toContainEqual(created);
        }

        const one = await get(`/items/${created.id}`);
        expect([one.status, one.json], `${id}: GET /items/${created.id}`).toEqual([200, created]);

        const missing = await get(`/items/${created.id + 1000}`);
        expect(missing.status, `${id}: GET /items/<missing id>: ${missing.body}`).toBe(404);

        for (const invalid of [{}, { name: '' }, { name: 42 }]) {
          const rejected = await http(engine, 'POST', url('/items'), invalid);
          expect(rejected.status, `${id}: POST /items ${JSON.stringify(invalid)}: ${rejected.body}`).toBe(422);
        }
        // What PostgreSQL could not keep is refused before it gets there, alike with every store.
        for (const unkeepable of [{ name: 'nul\u0000byte' }, { name: 'ok', description: 'lone \ud800 surrogate' }]) {
          const rejected = await http(engine, 'POST', url('/items'), unkeepable);
          expect(rejected.status, `${id}: POST /items ${JSON.stringify(unkeepable)}: ${rejected.body}`).toBe(422);
        }
        const outOfRange = await get('/items/3000000000');
        expect(outOfRange.status, `${id}: GET /items/3000000000 (beyond PostgreSQL's integer): ${outOfRange.body}`).toBe(404);
      });

      if (options.redis)
        test.sequential('production: GET /visits counts up, in Redis', async ({ expect }) => {
          earlierStepsPassed(expect);
          const first = await get('/visits');
          const second = await get('/visits');
          expect(first.status, `${id}: GET /visits: ${first.body}`).toBe(200);
          expect((second.json as Visits).visits, `${id}: the second GET /visits`).toBe((first.json as Visits).visits + 1);
          counted = (second.json as Visits).visits;
        });

      if (options.postgres)
        test.sequential('production: an item survives `docker compose restart app`', { timeout: STEP_MS }, async ({ expect }) => {
          earlierStepsPassed(expect);
          expect(created, `${id}: no item was created`).toBeDefined();
          const restart = await composeIn(PRODUCTION, ['restart', 'app']);
          expect(restart.code, `${id}: docker compose restart app:\n${tail(restart)}`).toBe(0);
          expect(await upAndWait(PRODUCTION), id).toBe('');
          const one = await get(`/items/${created!.id}`);
          expect([one.status, one.json], `${id}: GET /items/${created!.id} after restart app`).toEqual([200, created]);
        });

      // One stack with beat per framework (no build of its own): beat, started again with a short
      // interval, sends the example periodic task, and the worker runs it, counting the items the
      // API lists. Every stack with beat brings it up healthy and hardened (the steps above).
      if (BEAT_JOURNEY.has(options))
        test.sequential(`production: one beat sends the periodic task every BEAT_INTERVAL_SECONDS (${BEAT_JOURNEY_INTERVAL} s here): the worker runs it within 2 intervals of beat starting and again an interval later, counting the items the API lists`, { timeout: STEP_MS }, async ({ expect }) => {
          earlierStepsPassed(expect);
          const started = Date.now();
          const env = { BEAT_INTERVAL_SECONDS: String(BEAT_JOURNEY_INTERVAL) };
          const beat = (args: string[]) => compose(engine, dir, [...PRODUCTION, ...args], { timeoutMs: STEP_MS, env });
          const total = ((await get('/items')).json as Page).total;
          const ran = async () => (await beat(['logs', '--no-color', 'worker'])).stdout.split('\n').filter((l) => /Task app\.count_items\[[^\]]+\] succeeded/.test(l));
          const before = (await ran()).length;
          // Recreated with the short interval (the variable compose.yaml reads, default 60 s).
          const up = await beat(['up', '-d', '--wait', '--wait-timeout', '60', 'beat']);
          expect(up.code, `${id}: docker compose up -d --wait beat (BEAT_INTERVAL_SECONDS=${BEAT_JOURNEY_INTERVAL}):\n${tail(up)}`).toBe(0);
          const healthyAt = Date.now();
          const beats = (await beat(['ps', '-q', 'beat'])).stdout.trim().split('\n').filter(Boolean);
          expect(beats.length, `${id}: beat containers`).toBe(1);
          /** Waits until the worker has logged `runs` more runs than before; the seconds since beat was healthy, or undefined. */
          const runsWithin = async (runs: number, seconds: number): Promise<number | undefined> => {
            for (const deadline = healthyAt + seconds * 1000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250)))
              if ((await ran()).length >= before + runs) return (Date.now() - healthyAt) / 1000;
            return undefined;
          };
          const first = await runsWithin(1, 2 * BEAT_JOURNEY_INTERVAL);
          expect(first, `${id}: no run of app.count_items within 2 intervals (${2 * BEAT_JOURNEY_INTERVAL} s) of beat starting\n${(await beat(['logs', '--no-color', '--tail', '20', 'beat', 'worker'])).stdout}`).toBeDefined();
          const second = await runsWithin(2, first! + BEAT_JOURNEY_INTERVAL + 2);
          expect(second, `${id}: no second run of app.count_items an interval after the first (at ${first} s)`).toBeDefined();
          // What it did: the count of the items in PostgreSQL, as GET /items totals them.
          expect((await ran()).slice(before, before + 2).map((l) => /succeeded in [\d.]+s: (.*)$/.exec(l)?.[1]), `${id}: the periodic task's results`).toEqual([`{'items': ${total}}`, `{'items': ${total}}`]);
          console.log(`[stack] ${id}: beat's journey took ${((Date.now() - started) / 1000).toFixed(1)} s (runs ${first!.toFixed(1)} s and ${second!.toFixed(1)} s after beat was healthy; interval ${BEAT_JOURNEY_INTERVAL} s)`);
        });

      // One worker stack per framework (each has its own API code for tasks): enqueue through the
      // API, SIGKILL the worker mid-task, stop it mid-task; every task ends SUCCESS exactly once.
      if (WORKER_JOURNEY.has(options))
        test.sequential('production: a task queued through the API succeeds; one whose worker is SIGKILLed mid-task is completed by the restarted worker within the stated time; on `docker compose stop worker` the running task finishes and the worker exits 0 before stop_grace_period; each task succeeded exactly once', { timeout: STEP_MS }, async ({ expect }) => {
          earlierStepsPassed(expect);
          expect(created, `${id}: no item was created`).toBeDefined();
          const started = Date.now();
          // A low visibility timeout for this run (the variable compose.yaml reads, default 60 s), above
          // the tasks' length: a task running longer than it is handed out again while it still runs.
          const env = { WORKER_VISIBILITY_TIMEOUT: String(JOURNEY_VISIBILITY_SECONDS) };
          const worker = (args: string[], timeoutMs = STEP_MS) => compose(engine, dir, [...PRODUCTION, ...args], { timeoutMs, env });
          const up = await worker(['up', '-d', '--wait', '--wait-timeout', '120', 'worker']);
          expect(up.code, `${id}: docker compose up -d --wait worker (WORKER_VISIBILITY_TIMEOUT=${JOURNEY_VISIBILITY_SECONDS}):\n${tail(up)}`).toBe(0);
          const item = created!;
          const expected = { id: item.id, words: `${item.name} ${item.description ?? ''}`.split(/\s+/).filter(Boolean).length };
          const enqueue = async (seconds: number): Promise<string> => {
            const r = await http(engine, 'POST', url(`/items/${item.id}/process?seconds=${seconds}`));
            expect([r.status, (r.json as Task | undefined)?.state], `${id}: POST /items/${item.id}/process?seconds=${seconds}: ${r.body}`).toEqual([202, 'PENDING']);
            return (r.json as Task).id;
          };
          /** Polls GET /tasks/{id} until its state is `state`; the last answer. */
          const waitFor = async (task: string, state: string, ms: number): Promise<Task | undefined> => {
            let last: Task | undefined;
            for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
              last = (await get(`/tasks/${task}`)).json as Task | undefined;
              if (last?.state === state) break;
            }
            return last;
          };
          const enqueued: string[] = [];

          // 1. Through the API, to the worker and back.
          const quick = await enqueue(0);
          enqueued.push(quick);
          expect(await waitFor(quick, 'SUCCESS', 30_000), `${id}: GET /tasks/${quick}\n${await logs(PRODUCTION)}`).toMatchObject({ id: quick, state: 'SUCCESS', result: expected });

          // 2. SIGKILL mid-task: nothing is acknowledged, Redis hands the task out again once the
          // visibility timeout has passed (kombu looks every 10 s), to the restarted worker.
          const killed = await enqueue(KILLED_TASK_SECONDS);
          enqueued.push(killed);
          expect((await waitFor(killed, 'STARTED', 30_000))?.state, `${id}: GET /tasks/${killed} before the kill`).toBe('STARTED');
          const kill = await worker(['kill', '-s', 'SIGKILL', 'worker']);
          expect(kill.code, `${id}: docker compose kill -s SIGKILL worker:\n${tail(kill)}`).toBe(0);
          const killedAt = Date.now();
          // Started again by hand, at once: the test does not rely on what `restart: unless-stopped`
          // does after `docker kill` (not checked here).
          const restart = await worker(['up', '-d', '--wait', '--wait-timeout', '120', 'worker']);
          expect(restart.code, `${id}: docker compose up -d --wait worker after the kill:\n${tail(restart)}`).toBe(0);
          const readySeconds = (Date.now() - killedAt) / 1000;
          // Redelivered once the visibility timeout and kombu's next look have passed, or as soon
          // as the restarted worker is ready if that came later (a loaded machine starts a Python
          // process slowly: 38 s once at load 17); then the task's own time, and a margin.
          const bound = Math.max(JOURNEY_VISIBILITY_SECONDS + RESTORE_EVERY_SECONDS, readySeconds) + KILLED_TASK_SECONDS + 15;
          const redone = await waitFor(killed, 'SUCCESS', killedAt + bound * 1000 - Date.now());
          const redoneSeconds = (Date.now() - killedAt) / 1000;
          expect(redone, `${id}: GET /tasks/${killed} ${redoneSeconds.toFixed(1)} s after the SIGKILL (the worker ready again after ${readySeconds.toFixed(1)} s)\n${await logs(PRODUCTION)}`).toMatchObject({ state: 'SUCCESS', result: expected });
          console.log(`[stack] ${id}: the SIGKILLed task (${KILLED_TASK_SECONDS} s) completed ${redoneSeconds.toFixed(1)} s after the kill, the worker ready again after ${readySeconds.toFixed(1)} s (WORKER_VISIBILITY_TIMEOUT=${JOURNEY_VISIBILITY_SECONDS}; bound ${bound.toFixed(1)} s)`);

          // 3. `docker compose stop worker` with a task running: Celery's warm shutdown finishes it
          // (Redis, still up, records the result) and exits 0 within the grace period.
          const grace = Number(/^(\d+)s$/.exec(String((parseYaml(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')) as ComposeFile).services.worker?.stop_grace_period))?.[1]);
          expect(grace, `${id}: compose.yaml's worker has no stop_grace_period`).toBeGreaterThan(0);
          const running = await enqueue(STOPPED_TASK_SECONDS);
          enqueued.push(running);
          expect((await waitFor(running, 'STARTED', 30_000))?.state, `${id}: GET /tasks/${running} before the stop`).toBe('STARTED');
          const stopStarted = Date.now();
          const stop = await worker(['stop', 'worker'], (grace + 30) * 1000);
          const stopSeconds = (Date.now() - stopStarted) / 1000;
          expect(stop.code, `${id}: docker compose stop worker:\n${tail(stop)}`).toBe(0);
          expect(stopSeconds, `${id}: the worker took ${stopSeconds} s to stop; Compose kills at ${grace} s`).toBeLessThan(grace);
          const ps = await worker(['ps', '--all', '--format', 'json', 'worker']);
          const row = JSON.parse(ps.stdout.trim().split('\n')[0] ?? '{}') as ComposePs;
          expect(`${row.State} ${row.ExitCode}`, `${id}: the worker after docker compose stop\n${await logs(PRODUCTION)}`).toBe('exited 0');
          expect(((await get(`/tasks/${running}`)).json as Task | undefined), `${id}: GET /tasks/${running} once the worker stopped`).toMatchObject({ state: 'SUCCESS', result: expected });

          // Every task enqueued succeeded exactly once: none lost, the redone one not run twice to the end.
          const workerLogs = (await worker(['logs', '--no-color', 'worker'])).stdout;
          const successes = Object.fromEntries(enqueued.map((task) => [task, workerLogs.split('\n').filter((l) => l.includes(`[${task}] succeeded`)).length]));
          expect(successes, `${id}: "succeeded" lines per task in the worker's log\n${workerLogs.slice(-4000)}`).toEqual(Object.fromEntries(enqueued.map((task) => [task, 1])));
          console.log(`[stack] ${id}: the worker's journey took ${((Date.now() - started) / 1000).toFixed(1)} s (stop with a task running: ${stopSeconds.toFixed(1)} s)`);
        });

      // One stack per framework (the server's CMD is the same in every combination): the stalled
      // request keeps the server busy for its whole graceful time, about 30 s.
      if (IN_FLIGHT.has(options))
        test.sequential("production: on `docker compose stop app` a request in flight completes and the app exits 0 before stop_grace_period", { timeout: STEP_MS }, async ({ expect }) => {
          earlierStepsPassed(expect);
          const grace = Number(/^\s+stop_grace_period: (\d+)s$/m.exec(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'))?.[1]);
          expect(grace, `${id}: compose.yaml has no stop_grace_period`).toBeGreaterThan(0);
          const signalled = path.join(dir, '.sigterm-sent');
          // From the engine's network namespace, as a client on the user's machine.
          const client = spawn('nsenter', [`--net=/proc/${engine.netPid}/ns/net`, '--', 'python3', '-c', IN_FLIGHT_CLIENT, String(port), signalled], { stdio: ['ignore', 'pipe', 'pipe'] });
          let output = '';
          client.stdout.on('data', (d: Buffer) => (output += d.toString()));
          client.stderr.on('data', (d: Buffer) => (output += d.toString()));
          const until = async (done: () => boolean | Promise<boolean>, ms: number) => {
            for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) if (await done()) return true;
            return false;
          };
          try {
            expect(await until(() => output.includes('IN FLIGHT'), 20_000), `${id}: the requests never got in flight\n${output}`).toBe(true);
            const started = Date.now();
            const stopping = composeIn(PRODUCTION, ['stop', 'app'], (grace + 30) * 1000);
            // The body is sent only once the server has logged the signal: it is in flight across it.
            const logged = await until(async () => /Shutting down|Handling signal: term/i.test((await composeIn(PRODUCTION, ['logs', 'app'])).stdout), 20_000);
            expect(logged, `${id}: the app never logged the SIGTERM\n${await logs(PRODUCTION)}`).toBe(true);
            writeFileSync(signalled, '');
            const stop = await stopping;
            const seconds = (Date.now() - started) / 1000;
            expect(stop.code, `${id}: docker compose stop app:\n${tail(stop)}`).toBe(0);
            expect(seconds, `${id}: the app took ${seconds} s to stop; Compose kills at ${grace} s`).toBeLessThan(grace);
            const ps = await composeIn(PRODUCTION, ['ps', '--all', '--format', 'json', 'app']);
            const row = JSON.parse(ps.stdout.trim().split('\n')[0] ?? '{}') as ComposePs;
            expect(`${row.State} ${row.ExitCode}`, `${id}: the app after SIGTERM\n${await logs(PRODUCTION)}`).toBe('exited 0');
            expect(await until(() => output.includes('FINISHED'), 10_000), `${id}: the client did not finish\n${output}`).toBe(true);
            expect(output, `${id}: the request in flight did not complete`).toContain('FINISHED 201');
          } finally {
            client.kill('SIGKILL');
            rmSync(signalled, { force: true });
          }
        });

      test.sequential('production: `docker compose stop` stops every service cleanly (exit 0)', { timeout: STEP_MS }, async ({ expect }) => {
        earlierStepsPassed(expect);
        const stop = await composeIn(PRODUCTION, ['stop']);
        expect(stop.code, `${id}: docker compose stop:\n${tail(stop)}`).toBe(0);
        const ps = await composeIn(PRODUCTION, ['ps', '--all', '--format', 'json']);
        const exits = Object.fromEntries(
          ps.stdout.trim().split('\n').filter(Boolean).map((line) => {
            const row = JSON.parse(line) as ComposePs;
            return [row.Service, `${row.State} ${row.ExitCode}`];
          }),
        );
        expect(exits, `${id}: services after docker compose stop\n${await logs(PRODUCTION)}`).toEqual(
          Object.fromEntries(Object.keys(upStates).map((s) => [s, 'exited 0'])),
        );
      });

      if (options.postgres) {
        test.sequential(`production: items${options.redis ? " and Redis's count" : ''} survive \`docker compose down\` and \`up\``, { timeout: STEP_MS }, async ({ expect }) => {
          earlierStepsPassed(expect);
          const down = await composeIn(PRODUCTION, ['down']);
          expect(down.code, `${id}: docker compose down:\n${tail(down)}`).toBe(0);
          expect(await upAndWait(PRODUCTION), id).toBe('');
          const one = await get(`/items/${created!.id}`);
          expect([one.status, one.json], `${id}: GET /items/${created!.id} after down + up`).toEqual([200, created]);
          // Redis saves its data to its volume on the way down (SIGTERM) and loads it on the way up.
          if (options.redis) {
            const visits = await get('/visits');
            expect([visits.status, (visits.json as Visits | undefined)?.visits], `${id}: GET /visits after down + up`).toEqual([200, counted + 1]);
          }
        });

        test.sequential('production: `docker compose down -v` deletes the data', { timeout: STEP_MS }, async ({ expect }) => {
          earlierStepsPassed(expect);
          const down = await composeIn(PRODUCTION, ['down', '-v']);
          expect(down.code, `${id}: docker compose down -v:\n${tail(down)}`).toBe(0);
          expect(await upAndWait(PRODUCTION), id).toBe('');
          const list = await get('/items');
          expect([list.status, list.json], `${id}: GET /items after down -v + up`).toEqual([200, { items: [], total: 0, limit: expect.any(Number), offset: 0 }]);
        });
      }

      // What the project's CI runs after building the image (.github/workflows/ci.yml).
      test.sequential('production: `sh scripts/smoke-test` (CI\'s last step) brings the stack up healthy, gets /health, and removes it all again', { timeout: STEP_MS }, async ({ expect }) => {
        earlierStepsPassed(expect);
        const down = await composeIn(PRODUCTION, ['down', '-v']);
        expect(down.code, `${id}: docker compose down -v:\n${tail(down)}`).toBe(0);
        const smoke = await asUser(engine, dir, ['sh', 'scripts/smoke-test'], { timeoutMs: STEP_MS });
        expect(smoke.code, `${id}: sh scripts/smoke-test:\n${tail(smoke, 40)}`).toBe(0);
        expect(smoke.stdout.trim(), `${id}: what scripts/smoke-test printed`).toBe('{"status":"ok"}');
        // It runs as a Compose project of its own (<name>-smoke-<pid>), and removes that.
        expect(await smokeLeftovers(), `${id}: containers and volumes left by scripts/smoke-test`).toEqual([]);
      });

      // One stack per framework: the image is rebuilt with a migration that fails, then restored.
      if (FAILING_MIGRATION.has(options))
        test.sequential('production: with a migration that fails and no image, `sh scripts/smoke-test` builds the image, the app never starts, and it fails and still removes the stack', { timeout: BUILD_MS }, async ({ expect }) => {
          earlierStepsPassed(expect);
          const broken = path.join(dir, 'migrations', 'versions', '9999_fails.py');
          writeFileSync(broken, `revision = "9999"\ndown_revision = "${migrationHead(dir)}"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    raise RuntimeError("this migration fails")\n\n\ndef downgrade():\n    pass\n`);
          try {
            // Without the image, as on a machine that never built it: the smoke test builds it
            // (with the failing migration; the old image would pass).
            const removed = await docker(engine, ['image', 'rm', id]);
            expect(removed.code, `${id}: docker image rm ${id}:\n${tail(removed)}`).toBe(0);
            const smoke = await asUser(engine, dir, ['sh', 'scripts/smoke-test'], { timeoutMs: BUILD_MS });
            expect(smoke.code, `${id}: sh scripts/smoke-test passed with a failing migration:\n${tail(smoke, 40)}`).not.toBe(0);
            expect(smoke.stdout + smoke.stderr, `${id}: why scripts/smoke-test failed`).toMatch(/migrate.*exited with code 1|service "migrate" didn't complete successfully/);
            expect(smoke.stdout, `${id}: /health answered although the app must not start`).not.toContain('"status"');
            expect(await smokeLeftovers(), `${id}: containers and volumes left by the failed scripts/smoke-test`).toEqual([]);
          } finally {
            rmSync(broken, { force: true });
            await composeIn(PRODUCTION, ['build'], BUILD_MS);
          }
        });

      test.sequential('development: `up --wait` with compose.override.yaml brings every service to healthy, none restarted', { timeout: STEP_MS }, async ({ expect }) => {
        earlierStepsPassed(expect, 'development');
        const down = await composeIn(PRODUCTION, ['down', '-v']);
        expect(down.code, `${id}: docker compose -f compose.yaml down -v:\n${tail(down)}`).toBe(0);
        expect(await upAndWait(DEVELOPMENT), id).toBe('');
        const states = await serviceStates(DEVELOPMENT);
        expect(states, `${id}: docker compose ps`).toEqual(upStates);
        const health = await get('/health');
        expect([health.status, health.json], `${id}: GET /health`).toEqual([200, { status: 'ok' }]);
      });

      if (options.postgres)
        test.sequential("development: the database password is in no container's `docker inspect` nor any process's environment in them", async ({ expect }) => {
          earlierStepsPassed(expect, 'development');
          const password = readFileSync(path.join(dir, 'secrets', 'postgres_password'), 'utf8').replace(/\n+$/, '');
          expect(await secretLeaks(engine, dir, password, DEVELOPMENT), id).toEqual([]);
        });

      test.sequential('development: the app and the services publish their ports on 127.0.0.1 only', async ({ expect }) => {
        earlierStepsPassed(expect, 'development');
        const published: Record<string, string> = {};
        const ports: [string, number][] = [['app', readPortFromDockerfile()], ['db', 5432], ['redis', 6379]];
        for (const [service, port] of ports) {
          if (!services.includes(service)) continue;
          const r = await composeIn(DEVELOPMENT, ['port', service, String(port)]);
          published[service] = r.code === 0 ? r.stdout.trim().replace(/:\d+$/, '') : `not published: ${r.stderr.trim()}`;
        }
        expect(published, `${id}: docker compose port`).toEqual(Object.fromEntries(Object.keys(published).map((s) => [s, '127.0.0.1'])));
      });

      test.sequential('development: an edit to a route on the host is served without a rebuild', { timeout: STEP_MS }, async ({ expect }) => {
        earlierStepsPassed(expect, 'development');
        const image = async () => (await composeIn(DEVELOPMENT, ['images', '-q', 'app'])).stdout.trim();
        const imageBefore = await image();
        const file = healthRouteFile(dir);
        const original = readFileSync(file, 'utf8');
        expect(original, `${id}: ${file} has no {"status": "ok"}`).toContain('"ok"');
        writeFileSync(file, original.replace('"ok"', '"edited on the host"'));
        try {
          const deadline = Date.now() + 30_000;
          let last: HttpResponse | undefined;
          while (Date.now() < deadline) {
            last = await get('/health');
            if ((last.json as { status?: string } | undefined)?.status === 'edited on the host') break;
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
          expect(last?.json, `${id}: GET /health 30 s after editing ${path.relative(dir, file)}\n${await logs(DEVELOPMENT)}`).toEqual({
            status: 'edited on the host',
          });
          expect(await image(), `${id}: the app's image changed: it was rebuilt`).toBe(imageBefore);
        } finally {
          writeFileSync(file, original);
        }
      });

      test.sequential('development: `docker compose stop` stops every service well within its grace period: the development server hears the signal', { timeout: STEP_MS }, async ({ expect }) => {
        earlierStepsPassed(expect, 'development');
        const started = Date.now();
        const stop = await composeIn(DEVELOPMENT, ['stop']);
        const seconds = (Date.now() - started) / 1000;
        expect(stop.code, `${id}: docker compose stop:\n${tail(stop)}`).toBe(0);
        expect(seconds, `${id}: seconds docker compose stop took (stop_grace_period ${STOP_GRACE_PERIOD_SECONDS} s)`).toBeLessThan(STOP_GRACE_PERIOD_SECONDS / 2);
      });

      if (DEBUGGED.has(options))
        test.sequential("development: under .devcontainer/compose.yaml debugpy is published on 127.0.0.1 only; a DAP client attaches with launch.json's path mapping, a breakpoint in the readiness route stops a request, which answers once continued", { timeout: BUILD_MS }, async ({ expect }) => {
          earlierStepsPassed(expect, 'development');
          const started = Date.now();
          const up = await composeIn(DEBUGGER, ['up', '--build', '--wait', '--wait-timeout', '150'], BUILD_MS);
          expect(up.code, `${id}: docker compose ${DEBUGGER.join(' ')} up --build --wait:\n${tail(up, 40)}\n${await logs(DEBUGGER)}`).toBe(0);
          console.log(`[stack] ${id}: the debugger's stack built and up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          port = await publishedPort(DEBUGGER);
          const launch = JSON.parse(readFileSync(path.join(dir, '.vscode', 'launch.json'), 'utf8')) as LaunchJson;
          const attach = launch.configurations.find((c) => c.request === 'attach')!;
          const debugPort = attach.connect.port;
          const published = await composeIn(DEBUGGER, ['port', 'app', String(debugPort)]);
          expect(published.stdout.trim(), `${id}: docker compose port app ${debugPort}: ${tail(published)}`).toBe(`127.0.0.1:${debugPort}`);
          const [mapping] = attach.pathMappings;
          const localRoot = mapping!.localRoot.replace('${workspaceFolder}', dir);
          // /ready, which Docker's health check (/health) never asks: only the client's request stops there.
          const file = healthRouteFile(dir);
          const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('"status": "ready"')) + 1;
          const session = await inEngineNetwork(engine, ['python3', DAP_CLIENT, String(debugPort), url('/ready'), file, String(line), localRoot, mapping!.remoteRoot], { timeoutMs: 120_000 });
          expect(session.code, `${id}: the DAP client:\n${tail(session)}\n${await logs(DEBUGGER)}`).toBe(0);
          expect(JSON.parse(session.stdout), `${id}: what the DAP client saw`).toEqual({
            breakpoint: { verified: true, line },
            stopped: { reason: 'breakpoint', path: file, line },
            answered_while_stopped: false,
            answer: { status: 200, body: { status: 'ready' } },
          });
          // With a worker, "Attach to the worker" the same way: its own port, on 127.0.0.1 only;
          // a breakpoint in the example task stops it in the worker once the API has queued it
          // (the API answered 202 already), and the task completes once continued.
          const workerAttach = launch.configurations.find((c) => c.name === 'Attach to the worker');
          expect(workerAttach !== undefined, `${id}: launch.json has "Attach to the worker" exactly when there is a worker`).toBe(options.worker === 'celery');
          if (workerAttach) {
            const workerPort = workerAttach.connect.port;
            const workerPublished = await composeIn(DEBUGGER, ['port', 'worker', String(workerPort)]);
            expect(workerPublished.stdout.trim(), `${id}: docker compose port worker ${workerPort}: ${tail(workerPublished)}`).toBe(`127.0.0.1:${workerPort}`);
            const item = await http(engine, 'POST', url('/items'), { name: 'debugged', description: 'stopped in the worker' });
            expect(item.status, `${id}: POST /items: ${item.body}`).toBe(201);
            const taskFile = path.join(dir, 'app', 'worker.py');
            const taskLine = readFileSync(taskFile, 'utf8').split('\n').findIndex((l) => l.includes('return {"id": item.id, "words": words}')) + 1;
            const workerMapping = workerAttach.pathMappings[0]!;
            const workerSession = await inEngineNetwork(
              engine,
              ['python3', DAP_CLIENT, String(workerPort), url(`/items/${(item.json as Item).id}/process`), taskFile, String(taskLine), workerMapping.localRoot.replace('${workspaceFolder}', dir), workerMapping.remoteRoot, 'POST'],
              { timeoutMs: 120_000 },
            );
            expect(workerSession.code, `${id}: the DAP client, attached to the worker:\n${tail(workerSession)}\n${await logs(DEBUGGER)}`).toBe(0);
            const seenInWorker = JSON.parse(workerSession.stdout) as { answer: { body: { id: string } } };
            expect(seenInWorker, `${id}: what the DAP client attached to the worker saw`).toEqual({
              breakpoint: { verified: true, line: taskLine },
              stopped: { reason: 'breakpoint', path: taskFile, line: taskLine },
              answered_while_stopped: true,
              // FastAPI's answer model also names result and error (null while pending).
              answer: { status: 202, body: expect.objectContaining({ id: expect.any(String), state: 'PENDING' }) },
            });
            let state: unknown;
            for (let i = 0; i < 30 && (state as { state?: string } | undefined)?.state !== 'SUCCESS'; i++) {
              state = (await get(`/tasks/${seenInWorker.answer.body.id}`)).json;
              if ((state as { state?: string }).state !== 'SUCCESS') await new Promise((r) => setTimeout(r, 1000));
            }
            expect(state, `${id}: GET /tasks/{id} once continued`).toMatchObject({ state: 'SUCCESS' });
          }
          // The Dev Containers CLI reads devcontainer.json as VS Code would (it asks the engine
          // whether the dev container exists): the stack it names is the one debugged above.
          const read = await run(process.execPath, [DEVCONTAINER_CLI, 'read-configuration', '--workspace-folder', dir, '--docker-path', DOCKER_CLI], {
            env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.configDir },
            timeoutMs: 60_000,
          });
          expect(read.code, `${id}: devcontainer read-configuration:\n${tail(read)}`).toBe(0);
          expect(JSON.parse(read.stdout).configuration, `${id}: devcontainer.json as the Dev Containers CLI reads it`).toMatchObject({
            dockerComposeFile: ['../compose.yaml', '../compose.override.yaml', 'compose.yaml'],
            service: 'app',
            overrideCommand: false,
          });
          // `devcontainer up`, as VS Code's "Reopen in Container" starts it (its own Compose
          // project, on the same ports: the stack above goes first): the app service comes up
          // from the same files, and a shell in it is the remote user in the workspace, with
          // the project's venv and debugpy.
          // The server under debugpy hears the stop signal too: Docker never waits out the grace period.
          const downStarted = Date.now();
          const down = await composeIn(DEBUGGER, ['down']);
          const downSeconds = (Date.now() - downStarted) / 1000;
          expect(down.code, `${id}: docker compose down (the debugger's stack):\n${tail(down)}`).toBe(0);
          expect(downSeconds, `${id}: seconds docker compose down took (stop_grace_period ${STOP_GRACE_PERIOD_SECONDS} s)`).toBeLessThan(STOP_GRACE_PERIOD_SECONDS / 2);
          const cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.configDir };
          // Its options go before a command's own arguments (`exec ... sh -c`).
          const devcontainer = (command: 'up' | 'exec', args: string[]) =>
            run(process.execPath, [DEVCONTAINER_CLI, command, '--workspace-folder', dir, '--docker-path', DOCKER_CLI, '--docker-compose-path', COMPOSE_BIN, ...args], { env: cliEnv, timeoutMs: BUILD_MS });
          const devUpStarted = Date.now();
          const devUp = await devcontainer('up', ['--log-format', 'json']);
          console.log(`[stack] ${id}: devcontainer up ${((Date.now() - devUpStarted) / 1000).toFixed(1)} s`);
          const outcome = JSON.parse(devUp.stdout.trim().split('\n').at(-1) ?? '{}') as { outcome?: string; containerId?: string; remoteUser?: string; remoteWorkspaceFolder?: string };
          try {
            expect(devUp.code, `${id}: devcontainer up:\n${tail(devUp, 40)}`).toBe(0);
            expect(outcome, `${id}: what devcontainer up reports`).toMatchObject({ outcome: 'success', remoteUser: 'app', remoteWorkspaceFolder: '/workspace' });
            // The interpreter devcontainer.json points VS Code at (the venv's with uv, the image's with pip).
            const interpreter = (JSON.parse(readFileSync(path.join(dir, '.devcontainer', 'devcontainer.json'), 'utf8')) as { customizations: { vscode: { settings: Record<string, string> } } }).customizations.vscode.settings['python.defaultInterpreterPath'];
            const inside = await devcontainer('exec', ['sh', '-c', `id -un; pwd; test -f pyproject.toml && echo workspace; ${interpreter} -c "import debugpy, app; print('imports')"`]);
            expect(inside.code, `${id}: devcontainer exec:\n${tail(inside)}`).toBe(0);
            expect(inside.stdout.trim().split('\n').slice(-4), `${id}: a shell in the dev container`).toEqual(['app', '/workspace', 'workspace', 'imports']);
          } finally {
            // Its Compose project is the label on the container it started.
            if (outcome.containerId) {
              const project = (await docker(engine, ['inspect', '-f', '{{index .Config.Labels "com.docker.compose.project"}}', outcome.containerId])).stdout.trim();
              if (project) await run(DOCKER_CLI, ['compose', '-p', project, 'down', '-v', '--remove-orphans'], { env: cliEnv, timeoutMs: STEP_MS });
            }
          }
          console.log(`[stack] ${id}: the debugger's step took ${((Date.now() - started) / 1000).toFixed(1)} s`);
        });
    });
  });
});

/** The fewest rows (greedily) in which every value of each key appears at least once. */
function coverEach<K extends keyof (typeof projects)[number]>(rows: typeof projects, keys: K[]): Set<(typeof projects)[number]> {
  const missing = new Set(rows.flatMap((r) => keys.map((k) => `${String(k)}=${String(r[k])}`)));
  const picked = new Set<(typeof projects)[number]>();
  while (missing.size > 0) {
    const gain = (r: (typeof projects)[number]) => keys.filter((k) => missing.has(`${String(k)}=${String(r[k])}`)).length;
    const best = rows.reduce((a, b) => (gain(b) > gain(a) ? b : a));
    picked.add(best);
    for (const k of keys) missing.delete(`${String(k)}=${String(best[k])}`);
  }
  return picked;
}

/**
 * Two POSTs from a client: both send their headers and part of the body, then wait; once the
 * file argv[2] exists (the server has the SIGTERM) one sends the rest and prints its status,
 * the other never finishes. Expect: 100-continue makes the server read the headers first.
 */
const IN_FLIGHT_CLIENT = `
import json, os, socket, sys, time
port, signalled = int(sys.argv[1]), sys.argv[2]
body = json.dumps({"name": "in flight"}).encode()
def in_flight():
    connection = socket.create_connection(("127.0.0.1", port), timeout=90)
    connection.sendall(
        b"POST /items HTTP/1.1\\r\\nHost: test\\r\\nContent-Type: application/json\\r\\n"
        b"Content-Length: %d\\r\\nExpect: 100-continue\\r\\n\\r\\n" % len(body)
    )
    answer = connection.recv(1024)
    assert answer.startswith(b"HTTP/1.1 100"), answer
    connection.sendall(body[:5])
    return connection
finishing, stalled = in_flight(), in_flight()
print("IN FLIGHT", flush=True)
while not os.path.exists(signalled):
    time.sleep(0.02)
time.sleep(0.5)
finishing.sendall(body[5:])
print("FINISHED", finishing.recv(65536).split(b" ", 2)[1].decode(), flush=True)
try:
    stalled.recv(65536)
except OSError:
    pass
`;

interface LaunchJson {
  configurations: { name: string; request: string; connect: { port: number }; pathMappings: { localRoot: string; remoteRoot: string }[] }[];
}
interface Task {
  id: string;
  state: string;
  result?: unknown;
}
interface ComposeFile {
  services: Record<string, { stop_grace_period?: string } | undefined>;
}
interface ComposePs {
  ID: string;
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
}
interface Item {
  id: number;
  name: string;
  description: string | null;
}
interface Page {
  items: Item[];
  total: number;
}
interface Visits {
  visits: number;
}
interface Inspect {
  Config: { Labels: Record<string, string> };
  HostConfig: {
    ReadonlyRootfs: boolean;
    CapDrop: string[] | null;
    SecurityOpt: string[] | null;
    Memory: number;
    PidsLimit: number | null;
    LogConfig: { Type: string; Config: Record<string, string> };
  };
}

/** The virtual environment the Dockerfile puts first on PATH (none: pip installs into the image's Python). */
function venvOf(dockerfile: string): string | undefined {
  return [...dockerfile.matchAll(/\bPATH=(\S+)\/bin:\$PATH\b/g)].at(-1)?.[1];
}

function plantWorkingCopyJunk(dir: string): void {
  for (const file of JUNK) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), 'junk\n');
  }
}

/** The revision `alembic upgrade head` ends at: the one no other migration names as its down_revision. */
function migrationHead(dir: string): string {
  const versions = path.join(dir, 'migrations', 'versions');
  const read = (pattern: RegExp, text: string) => pattern.exec(text)?.[1];
  const migrations = readdirSync(versions)
    .filter((f) => f.endsWith('.py'))
    .map((f) => readFileSync(path.join(versions, f), 'utf8'))
    .map((text) => ({ revision: read(/^revision(?:: str)? = ["']([^"']+)["']/m, text), down: read(/^down_revision(?:: [^=]+)? = ["']([^"']+)["']/m, text) }));
  const heads = migrations.filter((m) => m.revision && !migrations.some((other) => other.down === m.revision));
  if (heads.length !== 1) throw new Error(`expected one Alembic head in ${versions}, found ${heads.map((h) => h.revision).join(', ') || 'none'}`);
  return heads[0]!.revision!;
}

/** The file under app/ that defines the /health route. */
function healthRouteFile(dir: string): string {
  const appDir = path.join(dir, 'app');
  const found = readdirSync(appDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.py'))
    .map((f) => path.join(appDir, f))
    .find((f) => /["']\/health["']/.test(readFileSync(f, 'utf8')));
  if (!found) throw new Error(`no file under ${appDir} defines the /health route`);
  return found;
}

