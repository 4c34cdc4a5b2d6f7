// Real-parts check of every generated project: its Python compiles, its own pytest suite
// passes against a real PostgreSQL and Redis without touching the app's live data there, and
// the server started from the Dockerfile's CMD, with compose.yaml's default settings, answers
// on the EXPOSEd port, passes the Dockerfile's HEALTHCHECK, keeps a consistent API, and
// finishes a request in flight on SIGTERM before Compose would kill it.
//
// Stand-ins (PyPI and Docker Hub are out of reach): Python 3.13 and Debian trixie's packages
// in a chroot (rootfs.ts) instead of the image's pinned wheels; bookworm's PostgreSQL 15 and
// Redis 7 (services-setup.ts) instead of the compose images.

import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { allCombinations, comboId, FRAMEWORKS } from '../src/options/table.js';
import { composeConfig, createDotEnv } from './support/compose-check.js';
import { readFinalStage, type FinalStage } from './support/final-stage.js';
import { generateInto } from './support/generate.js';
import {
  type RunningServer,
  type RunResult,
  rootfsUnavailable,
  runInRootfs,
  sleep,
  SOCKET_DIR_INSIDE,
  startInRootfs,
} from './support/rootfs.js';
import {
  createDatabase,
  databaseSocketUrl,
  databaseUrl,
  queryRows,
  redisCommand,
  redisSocketUrl,
  redisKeys,
  redisUrl,
  type Services,
} from './support/services.js';

/** The image's app user; the Dockerfile must name it (checked below), and everything runs as it. */
const APP_UID = 10001;
const HEALTH_TIMEOUT_MS = 20_000;
/** Python start-up dominates; many commands share two CPUs, so allow more than the default. */
const TEST_TIMEOUT_MS = 120_000;

const state = inject('services');
const skipReason = state.ok ? rootfsUnavailable() : state.reason;
const combos = allCombinations();
const workDir = skipReason ? '' : mkdtempSync(path.join(tmpdir(), 'cpda-runtime-'));

/** The generated project's name; the app's Redis keys start with it. */
const PROJECT_NAME = 'runtime-app';
const LIVE_VISITS_KEY = `${PROJECT_NAME}:visits`;
const LIVE_ITEMS_QUERY = 'SELECT id, name, description FROM public.items ORDER BY id';
const TEST_SCHEMAS_QUERY = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'test%'";
/** The app's own item, added through its own store, as the running app would. */
const SEED_ITEM = `
import os
from app.store import ItemStore
store = ItemStore(os.environ["DATABASE_URL"])
store.add("live item", "the app's own")
store.close()
`;


afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(skipReason !== null).concurrent(
  skipReason ? `generated apps at runtime (skipped: ${skipReason})` : 'generated apps at runtime',
  { timeout: TEST_TIMEOUT_MS },
  () => {
    // On SIGTERM (`docker compose stop`), a request in flight completes and the server exits 0
    // before compose.yaml's stop_grace_period, after which Docker would kill it (exit 137), even
    // when another request never finishes. Once per framework (its CMD is the same in every
    // combination), first, so that the servers' full graceful time overlaps the other tests.
    describe.each(FRAMEWORKS)('%s server on SIGTERM', (framework) => {
      let dir = '';
      beforeAll(() => {
        if (!state.ok) return;
        dir = generateInto({ name: PROJECT_NAME, framework, postgres: false, redis: false }, mkdtempSync(path.join(workDir, `shutdown-${framework}-`)));
        createDotEnv(dir);
      });

      it("finishes a request in flight and exits 0 before compose's stop_grace_period", async () => {
        const stage = finalStage(dir);
        const port = stage.ports[0] as number;
        const compose = await composeDefaults(dir);
        const grace = compose.stopGracePeriodMs;
        const server = await startInRootfs({
          projectDir: dir,
          projectDirInside: stage.workdir,
          uid: stage.uid,
          ownNetwork: true,
          env: { WEB_CONCURRENCY: compose.environment.WEB_CONCURRENCY ?? '' },
          argv: stage.cmd,
        });
        const where = `${framework}: ${stage.cmd.join(' ')}`;
        // The client learns that the signal was sent from this file in the project folder.
        const signalled = path.join(dir, '.sigterm-sent');
        let client: RunningServer | undefined;
        try {
          const run = (argv: string[]) =>
            runInRootfs({ projectDir: dir, projectDirInside: stage.workdir, uid: stage.uid, networkOf: server.pid, argv }, 15_000);
          const healthy = await waitForHealth(server, port, run);
          expect(healthy.ok, `${where}: /health never answered 200\n${healthy.detail}`).toBe(true);
          client = await startInRootfs({
            projectDir: dir,
            projectDirInside: stage.workdir,
            uid: stage.uid,
            networkOf: server.pid,
            argv: ['python3', '-c', IN_FLIGHT_CLIENT, String(port), path.posix.join(stage.workdir, '.sigterm-sent')],
          });
          const inFlight = await waitForOutput(client, 'IN FLIGHT', 20_000);
          expect(inFlight, `${where}: the requests never got in flight\n${client.output()}\n${server.output()}`).toBe(true);

          const signalledAt = Date.now();
          process.kill(server.pid, 'SIGTERM');
          writeFileSync(signalled, '');
          const exited = await waitForExit(server, grace + 5_000);
          const seconds = (Date.now() - signalledAt) / 1000;
          expect(exited, `${where}: still running ${seconds} s after SIGTERM\n${server.output()}`).toBe(true);
          expect(seconds * 1000, `${where}: exited ${seconds} s after SIGTERM; Compose kills at ${grace / 1000} s`).toBeLessThan(grace);
          expect(server.exitCode(), `${where}: exit code after SIGTERM\n${server.output()}`).toBe(0);

          const finished = await waitForOutput(client, 'FINISHED', 10_000);
          expect(finished, `${where}: the client did not finish\n${client.output()}`).toBe(true);
          expect(client.output(), `${where}: the request in flight did not complete\n${server.output()}`).toContain('FINISHED 201');
        } finally {
          await client?.stop(1_000);
          await server.stop(1_000);
          rmSync(signalled, { force: true });
        }
      });
    });

    combos.forEach((combo, index) => {
      const id = comboId(combo);
      describe(id, () => {
        let dir = '';
        let services: Services;
        // One database per project for its pytest run, another for its server: the projects'
        // tests run at the same time, and the server's requests must not change what the
        // pytest run checks. The same in Redis, with database numbers.
        const database = `cpda_${id.replace(/-/g, '_')}`;
        const serverDatabase = `${database}_server`;
        const redisDb = 2 * index;
        const serverRedisDb = 2 * index + 1;

        beforeAll(async () => {
          if (!state.ok) return;
          services = state.services;
          dir = generateInto({ name: PROJECT_NAME, ...combo }, mkdtempSync(path.join(workDir, `${id}-`)));
          // The .env a user makes from .env.example: compose.yaml's defaults come from it.
          createDotEnv(dir);
          if (combo.postgres) {
            await createDatabase(services, database);
            await createDatabase(services, serverDatabase);
          }
        });

        const serviceEnv = (): Record<string, string> => ({
          ...(combo.postgres ? { DATABASE_URL: databaseUrl(services, database) } : {}),
          ...(combo.redis ? { REDIS_URL: redisUrl(services, redisDb) } : {}),
        });

        /** The Dockerfile's CMD, as its non-root user, with compose.yaml's app environment. */
        const startServer = async (stage: FinalStage): Promise<RunningServer> => {
          const compose = await composeDefaults(dir);
          // The server gets a network namespace of its own, so all 16 servers can bind the one
          // EXPOSEd port at the same time, as containers do. The command, port and bind address
          // are the Dockerfile's, untouched, and the server settings compose.yaml's defaults
          // (WEB_CONCURRENCY...). Only the service addresses differ: 127.0.0.1 of the host is
          // not reachable from that namespace, so PostgreSQL and Redis are reached through their
          // Unix sockets, which the namespace does see.
          return startInRootfs({
            projectDir: dir,
            projectDirInside: stage.workdir,
            uid: stage.uid,
            ownNetwork: true,
            socketDir: services.socketDir,
            env: {
              WEB_CONCURRENCY: compose.environment.WEB_CONCURRENCY ?? '',
              FORWARDED_ALLOW_IPS: compose.environment.FORWARDED_ALLOW_IPS ?? '',
              ...(combo.postgres ? { DATABASE_URL: databaseSocketUrl(services, serverDatabase, SOCKET_DIR_INSIDE) } : {}),
              ...(combo.redis ? { REDIS_URL: redisSocketUrl(SOCKET_DIR_INSIDE, serverRedisDb) } : {}),
            },
            argv: stage.cmd,
          });
        };
        const inNetworkOf = (server: RunningServer, stage: FinalStage) => (argv: string[]) =>
          runInRootfs({ projectDir: dir, projectDirInside: stage.workdir, uid: stage.uid, networkOf: server.pid, argv }, 15_000);

        it('every .py file compiles', async () => {
          const files = pythonFiles(dir);
          expect(files.length, `${id}: no .py files generated`).toBeGreaterThan(0);
          // The byte code goes to /tmp (a tmpfs of this command), never into the project.
          const result = await runInRootfs({
            projectDir: dir,
            uid: APP_UID,
            env: { PYTHONPYCACHEPREFIX: '/tmp/pycache' },
            argv: ['python3', '-m', 'py_compile', ...files],
          });
          expect(result.code, `${id}: py_compile failed in ${files.join(', ')}\n${output(result)}`).toBe(0);
        });

        it("its own pytest suite passes against real PostgreSQL/Redis and leaves the app's live data as it was", async () => {
          // The app's own data, as a running app would have it: a row in its table (written by
          // its own store) and its visit counter.
          if (combo.postgres) {
            const seeded = await runInRootfs({ projectDir: dir, uid: APP_UID, env: serviceEnv(), argv: ['python3', '-c', SEED_ITEM] });
            expect(seeded.code, `${id}: seeding the app's item failed\n${output(seeded)}`).toBe(0);
          }
          if (combo.redis) await redisCommand(services, redisDb, ['SET', LIVE_VISITS_KEY, '41']);
          const liveRows = combo.postgres ? await queryRows(services, database, LIVE_ITEMS_QUERY) : [];

          const result = await pytest(dir, serviceEnv());
          const summary = pytestSummary(result.stdout);
          const where = `${id}: pytest in ${dir}`;
          expect(result.code, `${where} failed\n${output(result)}`).toBe(0);
          expect(summary.failed + summary.errors, `${where}\n${output(result)}`).toBe(0);
          expect(summary.skipped, `${where}: tests were skipped although the services are set\n${output(result)}`).toBe(0);
          expect(summary.passed, `${where}\n${output(result)}`).toBeGreaterThan(0);
          for (const test of [...API_TESTS, ...serviceTests(combo)])
            expect(result.stdout, `${where}: ${test} did not pass\n${output(result)}`).toMatch(
              new RegExp(`^${escape(test)} PASSED`, 'm'),
            );
          // The app's data is as it was, and the tests took theirs with them: no schema, no key
          // of theirs is left, so the suite passes again and again against one database.
          if (combo.postgres) {
            expect(liveRows, `${id}: the app's item was not seeded`).toHaveLength(1);
            expect(await queryRows(services, database, LIVE_ITEMS_QUERY), `${where}: the app's items changed`).toEqual(liveRows);
            expect(await queryRows(services, database, TEST_SCHEMAS_QUERY), `${where}: test schemas left behind`).toEqual([]);
          }
          if (combo.redis) {
            expect(await redisCommand(services, redisDb, ['GET', LIVE_VISITS_KEY]), `${where}: the app's visit counter changed`).toBe('41');
            expect(await redisKeys(services, redisDb, '*'), `${where}: keys other than the app's left in Redis`).toEqual([LIVE_VISITS_KEY]);
          }
        });

        it('without DATABASE_URL/REDIS_URL its pytest suite skips the service tests, with reasons', async () => {
          const result = await pytest(dir, {});
          const summary = pytestSummary(result.stdout);
          expect(result.code, `${id}: pytest without services failed\n${output(result)}`).toBe(0);
          expect(summary.failed + summary.errors, `${id}\n${output(result)}`).toBe(0);
          if (combo.postgres || combo.redis) {
            expect(summary.skipped, `${id}: nothing skipped without services\n${output(result)}`).toBeGreaterThan(0);
            for (const name of [...(combo.postgres ? ['DATABASE_URL'] : []), ...(combo.redis ? ['REDIS_URL'] : [])])
              expect(result.stdout, `${id}: no skip reason names ${name}`).toMatch(new RegExp(`SKIPPED.*${name} is not set`));
          } else {
            expect(summary.skipped, `${id}: tests skipped in a project without services\n${output(result)}`).toBe(0);
          }
        });

        // One server for both checks: each start costs seconds of CPU on a shared machine.
        it("the Dockerfile CMD serves /health on the EXPOSEd port, its HEALTHCHECK passes, and with compose.yaml's default worker count every GET sees every item POSTed before it", async () => {
          const stage = finalStage(dir);
          const port = stage.ports[0] as number;
          const workers = (await composeDefaults(dir)).environment.WEB_CONCURRENCY;
          const server = await startServer(stage);
          const run = inNetworkOf(server, stage);
          const where = `${id}: ${stage.cmd.join(' ')} (from ${path.join(dir, 'Dockerfile')})`;
          try {
            const healthy = await waitForHealth(server, port, run);
            expect(healthy.ok, `${where}: /health on port ${port} never answered 200\n${healthy.detail}`).toBe(true);

            const check = await run(stage.healthcheck);
            expect(check.code, `${id}: HEALTHCHECK ${stage.healthcheck.join(' ')} failed\n${output(check)}`).toBe(0);

            // The app behind /health works too: these routes reach the store (and Redis).
            const routes = ['/items', ...(combo.redis ? ['/visits'] : [])];
            const smoke = await run(['python3', '-c', PROBE, String(port), ...routes]);
            expect(smoke.code, `${where}: ${routes.join(', ')} failed\n${output(smoke)}\n${server.output()}`).toBe(0);

            const consistent = await run(['python3', '-c', CONSISTENCY_PROBE, String(port)]);
            const settings = `WEB_CONCURRENCY=${workers}, compose.yaml's default`;
            expect(consistent.code, `${where} (${settings}): the API answered inconsistently\n${output(consistent)}`).toBe(0);
          } finally {
            const stopped = await server.stop();
            expect(stopped.graceful, `${where}: did not stop within 10 s of SIGTERM\n${server.output()}`).toBe(true);
          }
        });

      });
    });
  },
);

interface ComposeDefaults {
  /** The app's environment in compose.yaml, with the .env made from .env.example. */
  environment: Record<string, string | undefined>;
  stopGracePeriodMs: number;
}

/** What Docker Compose itself makes of compose.yaml (production: no override) with that .env. */
async function composeDefaults(dir: string): Promise<ComposeDefaults> {
  const result = await composeConfig(dir, ['compose.yaml'], 'json');
  if (result.code !== 0) throw new Error(`docker-compose config in ${dir} failed: ${result.stderr}`);
  const app = (JSON.parse(result.stdout) as { services: { app: { environment?: Record<string, string>; stop_grace_period?: string } } })
    .services.app;
  const grace = /^(\d+)s$/.exec(app.stop_grace_period ?? '');
  if (!grace) throw new Error(`compose.yaml in ${dir}: stop_grace_period ${app.stop_grace_period} is not in seconds`);
  return { environment: app.environment ?? {}, stopGracePeriodMs: Number(grace[1]) * 1000 };
}

function finalStage(dir: string): FinalStage {
  const dockerfile = path.join(dir, 'Dockerfile');
  let stage: FinalStage;
  try {
    stage = readFinalStage(readFileSync(dockerfile, 'utf8'));
  } catch (error) {
    throw new Error(`${dockerfile}: ${(error as Error).message}`);
  }
  expect(stage.uid, `${dockerfile}: USER is not uid ${APP_UID}`).toBe(APP_UID);
  expect(stage.workdir, `${dockerfile}: WORKDIR`).toBe('/app');
  expect(stage.ports, `${dockerfile}: EXPOSE`).toHaveLength(1);
  return stage;
}

function pythonFiles(dir: string, sub = ''): string[] {
  return readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((entry) => {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return pythonFiles(dir, rel);
    return entry.name.endsWith('.py') ? [rel] : [];
  });
}

function pytest(dir: string, env: Record<string, string>): Promise<RunResult> {
  // -v lists each test with its outcome; -rs (also in the project's addopts) the skip reasons.
  return runInRootfs({
    projectDir: dir,
    uid: APP_UID,
    env,
    argv: ['python3', '-m', 'pytest', '-v', '-rs', '-p', 'no:cacheprovider', '--color=no'],
  });
}

/**
 * Tests of the API that every project has, as `file::name`: what a client may send that the
 * store could not keep is a 4xx, never a 500 (with PostgreSQL, against the real one).
 */
const API_TESTS = [
  'tests/test_items.py::test_an_id_no_item_can_have_is_404[3000000000]',
  'tests/test_items.py::test_text_no_store_can_keep_is_422[NUL in name]',
  'tests/test_items.py::test_text_no_store_can_keep_is_422[lone surrogate in description]',
  'tests/test_items.py::test_body_that_is_not_valid_json_is_a_json_4xx[not a number]',
];

/** Tests that prove the real services were used, as `file::name` (see the templates). */
function serviceTests(combo: { postgres: boolean; redis: boolean }): string[] {
  return [
    ...(combo.postgres
      ? [
          'tests/test_store.py::test_round_trip_through_postgres',
          'tests/test_store.py::test_an_id_outside_the_id_column_is_no_item[3000000000]',
          'tests/test_items.py::test_create_then_get_and_list',
        ]
      : []),
    ...(combo.redis
      ? [
          'tests/test_visits.py::test_counter_counts_in_redis',
          'tests/test_visits.py::test_delete_keys_deletes_the_prefix_only',
          'tests/test_visits.py::test_visits_route_counts_up',
        ]
      : []),
  ];
}

interface PytestSummary {
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
}

/** Counts from pytest's last line, e.g. `==== 12 passed, 3 skipped in 0.52s ====`. */
function pytestSummary(stdout: string): PytestSummary {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), errors: count('errors?') };
}

// Succeeds when every route answers 200 on 127.0.0.1:<port>; /health must say {"status": "ok"}.
const PROBE = `
import json, sys, urllib.request
port = sys.argv[1]
for route in sys.argv[2:]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{route}", timeout=2) as response:
        body = json.load(response)
        assert response.status == 200, (route, response.status)
        if route == "/health":
            assert body == {"status": "ok"}, body
`;

// Exits 0 when the API is consistent across requests: POSTed items get distinct ids, and every
// later GET of one, and of the list, sees each of them (with one store per worker process, a
// request served by another worker would not).
const CONSISTENCY_PROBE = `
import json, sys, urllib.error, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
created = []
for n in range(4):
    status, item = call("POST", "/items", {"name": f"consistency-{n}"})
    assert status == 201, (status, item)
    created.append(item)
ids = [item["id"] for item in created]
assert len(set(ids)) == len(ids), f"POST /items gave the same id twice: {ids}"
for _ in range(10):
    for item in created:
        answer = call("GET", f"/items/{item['id']}")
        assert answer == (200, item), f"GET /items/{item['id']}: {answer}, expected {item}"
    status, listed = call("GET", "/items")
    missing = [item for item in created if item not in listed]
    assert status == 200 and not missing, f"GET /items ({status}) lacks {missing}"
`;

// Puts two POST /items in flight: each sends its headers, waits for the server's
// "100 Continue" (the app has the request and is reading the body) and sends part of the body.
// Once the test has sent SIGTERM (the file named by argv[2] exists), one sends the rest and
// prints FINISHED <status>; the other never does, and stays open until the server closes it.
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

async function waitForOutput(proc: { output: () => string; exitCode: () => number | null }, text: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.output().includes(text)) return true;
    if (proc.exitCode() !== null) return proc.output().includes(text);
    await sleep(50);
  }
  return false;
}

async function waitForExit(proc: { exitCode: () => number | null }, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (proc.exitCode() === null && Date.now() < deadline) await sleep(100);
  return proc.exitCode() !== null;
}

async function waitForHealth(
  server: { exitCode: () => number | null; output: () => string },
  port: number,
  run: (argv: string[]) => Promise<RunResult>,
): Promise<{ ok: boolean; detail: string }> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last: RunResult | undefined;
  while (Date.now() < deadline) {
    if (server.exitCode() !== null) return { ok: false, detail: `the server exited:\n${server.output()}` };
    last = await run(['python3', '-c', PROBE, String(port), '/health']);
    if (last.code === 0) return { ok: true, detail: '' };
    await sleep(200);
  }
  return { ok: false, detail: `last probe:\n${last ? output(last) : ''}\nserver:\n${server.output()}` };
}

function output(result: RunResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}${result.timedOut ? ' (timed out)' : ''}\n${result.stdout}\n${result.stderr}`.trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
