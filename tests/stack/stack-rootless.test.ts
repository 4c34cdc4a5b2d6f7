// Rootless Docker (issue 23, item 3): generated projects, unchanged, run by an unprivileged user
// with their own rootless engine (dockerd-rootless.sh: tests/support/rootless-engine.ts): the
// default project (FastAPI, PostgreSQL, Redis, uv) and the same with Flask. The project is the
// user's, and `docker compose up --build --wait`, as the user, builds and starts it; an item
// created through the API reads back; no process of the stack runs as the host's root, the app
// runs as its own non-root user and writes where it must; after `down` and `up` the item is
// still there (the named volumes). On cgroup v1, as on these machines, rootless Docker cannot
// enforce compose.yaml's mem_limit and pids_limit: the engine accepts them, shows them in
// `docker inspect`, and does not apply them (the stack starts; only `docker info` and the
// daemon's start-up warn). One engine for both, its data root kept between runs.

import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import type { ExpectStatic } from 'vitest';
import { SERVICE_IMAGES, PYTHON_IMAGES, UV_IMAGE } from '../../src/engine/versions.js';
import { runMain } from '../support/cli-run.js';
import { docker, http } from '../support/docker.js';
import { asRootlessUser, copyImages, rootlessUnavailable, searchableBy, startRootlessEngine, type RootlessEngine } from '../support/rootless-engine.js';
import { FRONTEND_IMAGE } from '../support/standin-images.js';
import { run, tail } from '../support/run.js';

const state = inject('engines');
const unavailable = state.available ? await rootlessUnavailable() : state.reason;
const STEP_MS = 300_000;
const BUILD_MS = 900_000;
/** The default project, and the same with Flask (the other server: gunicorn). */
const PROJECTS = [
  { name: 'rootless-fastapi', flags: [] as string[] },
  { name: 'rootless-flask', flags: ['--framework', 'flask'] },
];
const url = (route: string) => `http://127.0.0.1:8000${route}`;
/** cgroup v1 (these machines): rootless Docker has no cgroups to put limits in. */
const CGROUP_V1 = !existsSync('/sys/fs/cgroup/cgroup.controllers');

describe.skipIf(unavailable !== null)(unavailable ? `rootless Docker (skipped: ${unavailable})` : 'rootless Docker', () => {
  let engine: RootlessEngine;
  let parent = '';
  const started = Date.now();

  beforeAll(async () => {
    const t = Date.now();
    engine = await startRootlessEngine();
    console.log(`[rootless] engine started: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    parent = mkdtempSync(path.join(tmpdir(), 'cpda-rootless-'));
    chownSync(parent, engine.uid, engine.gid);
    searchableBy(parent);
  }, STEP_MS);

  afterAll(async () => {
    try {
      await engine?.stop();
    } finally {
      if (parent) rmSync(parent, { recursive: true, force: true });
      console.log(`[rootless] the whole file: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }, STEP_MS);

  test('the engine runs rootless, as the unprivileged user', async ({ expect }) => {
    const info = await docker(engine, ['info', '--format', '{{json .SecurityOptions}}']);
    expect(info.code, tail(info)).toBe(0);
    expect(info.stdout).toContain('name=rootless');
    const me = await asRootlessUser(engine, parent, ['id', '-u']);
    expect(Number(me.stdout.trim())).toBe(engine.uid);
    expect(engine.uid).not.toBe(0);
  });

  describe.for(PROJECTS)('$name, run by that user', ({ name: NAME, flags }) => {
    let dir = '';
    let item: { id: number; name: string } | undefined;
    let upOutput = '';
    const failed: string[] = [];
    const step = (name: string, timeout: number, body: (expect: ExpectStatic) => Promise<void>) =>
      test(name, { timeout }, async ({ expect, onTestFailed }) => {
        onTestFailed(() => void failed.push(name));
        expect(failed, 'an earlier step failed').toEqual([]);
        await body(expect);
      });
    const user = (argv: string[], timeoutMs = STEP_MS) => asRootlessUser(engine, dir, argv, { timeoutMs });
    const composeAsUser = (args: string[], timeoutMs = STEP_MS) => user(['docker', 'compose', '--progress', 'plain', ...args], timeoutMs);

    beforeAll(async () => {
      if (!state.available) return;
      dir = path.join(parent, NAME);
      // Created here, then given to the user, as if they had created it: every file is theirs.
      // (Not `create` run as the user: the checkout, and with it dist/, may be where they
      // cannot read, such as a CI clone under /root.)
      const created = await runMain([NAME, '--yes', ...flags], { cwd: parent });
      if (created.code !== 0) throw new Error(`create: ${created.stderr}`);
      const chown = await run('chown', ['-R', `${engine.uid}:${engine.gid}`, dir]);
      if (chown.code !== 0) throw new Error(`chown -R ${dir}: ${tail(chown)}`);
      // The stand-ins of the images the project names, from a root engine (no registry here).
      const named = readFileSync(path.join(dir, 'Dockerfile'), 'utf8') + readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
      const images = [...Object.values(PYTHON_IMAGES), ...Object.values(SERVICE_IMAGES), UV_IMAGE, FRONTEND_IMAGE].filter((i) => named.includes(i));
      const t = Date.now();
      const copied = await copyImages(state.engines[0]!, engine, images);
      console.log(`[rootless] ${NAME}: stand-in images ${((Date.now() - t) / 1000).toFixed(1)} s (${copied.join(', ')})`);
    }, BUILD_MS);

    afterAll(async () => {
      if (engine && dir) await composeAsUser(['down', '-v', '--remove-orphans']);
    }, STEP_MS);

    step("the project's files are the user's", 10_000, async (expect) => {
      expect(statSync(path.join(dir, 'compose.yaml')).uid).toBe(engine.uid);
    });

    step('`docker compose up --build --wait`, as the user, builds the image and starts the stack healthy', BUILD_MS, async (expect) => {
      const t = Date.now();
      const up = await composeAsUser(['up', '--build', '--wait', '--wait-timeout', '180'], BUILD_MS);
      console.log(`[rootless] ${NAME}: up --build --wait ${((Date.now() - t) / 1000).toFixed(1)} s`);
      upOutput = up.stdout + up.stderr;
      expect(up.code, `${tail(up, 40)}\n--- daemon:\n${engine.log}`).toBe(0);
    });

    step('an item created through the API reads back through the API', STEP_MS, async (expect) => {
      const created = await http(engine, 'POST', url('/items'), { name: 'made rootless' });
      expect(created.status, created.body).toBe(201);
      item = created.json as { id: number; name: string };
      const got = await http(engine, 'GET', url(`/items/${item.id}`));
      expect(got.status, got.body).toBe(200);
      expect(got.json).toEqual(item);
    });

    step("no process of the stack runs as the host's root: each container's users are the user's subordinate IDs", STEP_MS, async (expect) => {
      const ids = (await composeAsUser(['ps', '-q'])).stdout.split(/\s+/).filter(Boolean);
      expect(ids.length, 'app, db and redis run').toBe(3);
      for (const id of ids) {
        const pid = (await docker(engine, ['inspect', '--format', '{{.State.Pid}}', id])).stdout.trim();
        const uids = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        // Container UID 0 is the user; container UID n > 0 is subordinate UID first + n - 1.
        expect(Number(uids), `container ${id}'s process ${pid}`).toBeGreaterThanOrEqual(engine.firstSubuid);
      }
    });

    step('the app runs as its non-root user (10001) and writes where it must: /tmp, not its code', STEP_MS, async (expect) => {
      const id = await composeAsUser(['exec', '-T', 'app', 'id', '-u']);
      expect(id.stdout.trim()).toBe('10001');
      const tmp = await composeAsUser(['exec', '-T', 'app', 'sh', '-c', 'echo written > /tmp/probe && cat /tmp/probe && rm /tmp/probe']);
      expect(tmp.code, tail(tmp)).toBe(0);
      expect(tmp.stdout.trim()).toBe('written');
      const code = await composeAsUser(['exec', '-T', 'app', 'sh', '-c', 'touch /app/probe']);
      expect(code.code, 'the root file system is read-only').not.toBe(0);
      // On the host, the app's process is subordinate UID first + 10001 - 1.
      const appId = (await composeAsUser(['ps', '-q', 'app'])).stdout.trim();
      const pid = (await docker(engine, ['inspect', '--format', '{{.State.Pid}}', appId])).stdout.trim();
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${engine.firstSubuid + 10000}\\s`, 'm'));
    });

    test.runIf(CGROUP_V1)(
      "cgroup v1: compose.yaml's mem_limit and pids_limit are accepted, shown by `docker inspect`, and not enforced (a root engine enforces them)",
      { timeout: STEP_MS },
      async ({ expect }) => {
        expect(failed, 'an earlier step failed').toEqual([]);
        const appId = (await composeAsUser(['ps', '-q', 'app'])).stdout.trim();
        const limits = await docker(engine, ['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}', appId]);
        expect(limits.stdout.trim()).toBe(`${512 * 1024 * 1024} 512`);
        // Inside the container, the memory cgroup it sees has no limit at all.
        const memory = await composeAsUser(['exec', '-T', 'app', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
        expect(memory.code, tail(memory)).toBe(0);
        expect(BigInt(memory.stdout.trim())).toBeGreaterThan(BigInt(512 * 1024 * 1024));
        // Compose says nothing of it; only the engine warns: `docker info` (and its log at start-up).
        expect(upOutput).not.toMatch(/limit|cgroup/i);
        const info = await docker(engine, ['info']);
        const warning = 'Running in rootless-mode without cgroups';
        expect(info.stdout + info.stderr).toContain(`WARNING: ${warning}`);
        // The project's README says all of this, quoting that warning.
        const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
        const section = readme.slice(readme.indexOf('### Rootless Docker'), readme.indexOf('\n## ', readme.indexOf('### Rootless Docker'))).replace(/\s+/g, ' ');
        expect(section).toContain(`only \`docker info\` warns ("${warning}")`);
        expect(section).toContain('It does not refuse them: the stack starts and `docker inspect` shows them, but they are not enforced');
        // The same limit on a root engine (the machines' other engines) is in force.
        const root = state.available ? state.engines[0]! : engine;
        const python = PYTHON_IMAGES['3.13'];
        const enforced = await docker(root, ['run', '--rm', '--memory', '512m', '--entrypoint', 'cat', python, '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
        expect(enforced.stdout.trim(), tail(enforced)).toBe(String(512 * 1024 * 1024));
      },
    );

    step('after `docker compose down` and `up --wait`, the item is still there: the named volumes kept the data', STEP_MS, async (expect) => {
      const down = await composeAsUser(['down']);
      expect(down.code, tail(down)).toBe(0);
      const volumes = await docker(engine, ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${NAME}`]);
      expect(volumes.stdout.split(/\s+/).filter(Boolean).sort()).toEqual([`${NAME}_postgres-data`, `${NAME}_redis-data`]);
      const up = await composeAsUser(['up', '--wait', '--wait-timeout', '120']);
      expect(up.code, tail(up, 40)).toBe(0);
      const got = await http(engine, 'GET', url(`/items/${item!.id}`));
      expect(got.status, got.body).toBe(200);
      expect(got.json).toEqual(item);
    });
  });
});
