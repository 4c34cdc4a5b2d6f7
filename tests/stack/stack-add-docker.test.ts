// add docker's files build on the real engine for the repositories issue 21 named (item 4):
// a uv workspace (every member's pyproject.toml mounted for the locked install; without them
// uv refuses the workspace), and git+ requirements (git in the builder stage only; the runtime
// image has none). The git repository is a local bare one served over HTTP inside the engine's
// network namespace (the engines reach PyPI but not GitHub); the build runs with
// --network host so its RUN steps reach that server on 127.0.0.1.
// Both suites are concurrent, so vitest runs them side by side: the git build's apt step is
// the longest, and the workspace builds fit beside it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { docker, engineFor } from '../support/docker.js';
import type { EngineInfo } from '../support/engine.js';
import { runMain } from '../support/cli-run.js';
import { runUntilHealthy, type ImageHealth } from '../support/image-health.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const engines = inject('engines');
const work = mkdtempSync(path.join(tmpdir(), 'cpda-stack-add-docker-'));
const built: string[] = [];
const servers: ChildProcess[] = [];
const reason = !engines.available ? engines.reason : undefined;
const ENGINE: EngineInfo | undefined = engines.available ? engineFor(engines.engines, engines.engines.length - 1) : undefined;

afterAll(async () => {
  for (const server of servers) server.kill();
  if (ENGINE && built.length > 0) await docker(ENGINE, ['image', 'rm', '-f', ...built]);
  rmSync(work, { recursive: true, force: true });
});

function copy(fixture: string, as: string): string {
  const dir = path.join(mkdtempSync(path.join(work, `${as}-`)), fixture);
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

function build(engine: EngineInfo, dir: string, tag: string, extra: string[] = []) {
  built.push(tag);
  return docker(engine, ['build', '--progress', 'plain', ...extra, '-t', tag, dir], { timeoutMs: 900_000 });
}

/** Runs the image (no network: nothing it needs is outside) until the engine calls it healthy. */
function healthy(engine: EngineInfo, image: string): Promise<ImageHealth> {
  return runUntilHealthy(engine, image, ['--network', 'none']);
}

describe.concurrent('add docker on a uv workspace builds and runs', { timeout: 1_200_000 }, () => {
  it.for(['standard', 'multi-stage'] as const)('%s: every member mounted, the member-declared server installed, healthy', async (dockerfile, { skip, expect }) => {
    if (reason || !ENGINE) return skip(reason);
    const dir = copy('uv-workspace', `ws-${dockerfile}`);
    const added = await runMain(['add', 'docker', '--dir', dir, '--yes', '--dockerfile', dockerfile], { cwd: dir });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).not.toMatch(/uvicorn is not in your dependencies/);
    const tag = `cpda-add/ws-${dockerfile}:test`;
    const result = await build(ENGINE, dir, tag);
    expect(result.code, `build failed\n${result.stderr.slice(-4000)}`).toBe(0);
    const health = await healthy(ENGINE, tag);
    expect(health.status, health.logs).toBe('healthy');
  });

  it('without the members mounted (the Dockerfile before this fix) uv refuses the workspace: the check can fail', async ({ skip, expect }) => {
    if (reason || !ENGINE) return skip(reason);
    const dir = copy('uv-workspace', 'ws-unmounted');
    expect((await runMain(['add', 'docker', '--dir', dir, '--yes'], { cwd: dir })).code).toBe(0);
    const file = path.join(dir, 'Dockerfile');
    const dockerfile = readFileSync(file, 'utf8');
    const planted = dockerfile.replace(/^ {4}--mount=type=bind,source=packages\/server\/pyproject\.toml,target=packages\/server\/pyproject\.toml \\\n/m, '');
    expect(planted).not.toBe(dockerfile);
    writeFileSync(file, planted);
    const result = await build(ENGINE, dir, 'cpda-add/ws-unmounted:test');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not a workspace member|workspace member/i);
  });
});

/**
 * A bare git repository holding the package `shop-tools` (tag v1.0.0), served over git's dumb
 * HTTP protocol by Python's http.server inside the engine's network namespace, on 127.0.0.1.
 */
async function serveGitPackage(engine: EngineInfo): Promise<string> {
  const root = mkdtempSync(path.join(work, 'git-'));
  const source = path.join(root, 'shop-tools');
  mkdirSync(path.join(source, 'src', 'shop_tools'), { recursive: true });
  writeFileSync(
    path.join(source, 'pyproject.toml'),
    '[project]\nname = "shop-tools"\nversion = "1.0.0"\nrequires-python = ">=3.12"\n\n[build-system]\nrequires = ["hatchling==1.27.0"]\nbuild-backend = "hatchling.build"\n',
  );
  writeFileSync(path.join(source, 'src', 'shop_tools', '__init__.py'), 'def greeting() -> str:\n    return "hello from git"\n');
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git(source, 'init', '-q', '-b', 'main');
  git(source, 'add', '.');
  git(source, 'commit', '-q', '-m', 'shop-tools 1.0.0');
  git(source, 'tag', 'v1.0.0');
  const served = path.join(root, 'served');
  mkdirSync(served);
  git(root, 'clone', '-q', '--bare', source, path.join(served, 'shop-tools.git'));
  git(path.join(served, 'shop-tools.git'), 'update-server-info');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn('nsenter', [`--net=/proc/${engine.netPid}/ns/net`, '--', 'python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', served], { stdio: 'ignore' });
  servers.push(server);
  const url = `http://127.0.0.1:${port}/shop-tools.git`;
  for (let i = 0; i < 50; i++) {
    const probe = spawnSync('nsenter', [`--net=/proc/${engine.netPid}/ns/net`, '--', 'curl', '-sf', `${url}/info/refs`], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.includes('refs/tags/v1.0.0')) return url;
    await sleep(100);
  }
  throw new Error('the git server did not start');
}

describe.concurrent('add docker with a git+https requirement', { timeout: 1_200_000 }, () => {
  it('the image builds with git in the builder stage, runs healthy, and the runtime image has no git', async ({ skip, expect }) => {
    if (reason || !ENGINE) return skip(reason);
    const url = await serveGitPackage(ENGINE);
    const dir = copy('git-requirements', 'git');
    const requirements = path.join(dir, 'requirements.txt');
    // The fixture names GitHub, which the engines cannot reach: the same line, pointed at the local server.
    writeFileSync(requirements, readFileSync(requirements, 'utf8').replace('https://github.com/example/shop-tools.git', url));
    const added = await runMain(['add', 'docker', '--dir', dir, '--yes', '--dockerfile', 'standard'], { cwd: dir });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('the Dockerfile is multi-stage, with git in the builder stage only');
    const tag = 'cpda-add/git:test';
    const result = await build(ENGINE, dir, tag, ['--network', 'host']);
    expect(result.code, `build failed\n${result.stderr.slice(-4000)}`).toBe(0);
    expect(result.stderr).toMatch(/Successfully installed[^\n]*shop-tools-1\.0\.0/);
    const health = await healthy(ENGINE, tag);
    expect(health.status, health.logs).toBe('healthy');

    // No git anywhere in the runtime image; the same probe finds it in the builder stage.
    const probe = 'command -v git || ls /usr/lib/git-core/git 2>/dev/null || echo no-git';
    const runtime = await docker(ENGINE, ['run', '--rm', '--network', 'none', tag, 'sh', '-c', probe]);
    expect(runtime.stdout.trim()).toBe('no-git');
    const builderTag = 'cpda-add/git-builder:test';
    expect((await build(ENGINE, dir, builderTag, ['--network', 'host', '--target', 'builder'])).code).toBe(0);
    const builder = await docker(ENGINE, ['run', '--rm', '--network', 'none', builderTag, 'sh', '-c', probe]);
    expect(builder.stdout.trim()).toBe('/usr/bin/git');

    // Without git in the builder (the Dockerfile before this fix), pip cannot fetch the line.
    const file = path.join(dir, 'Dockerfile');
    const planted = readFileSync(file, 'utf8').replace('build-essential git\n', 'build-essential\n');
    writeFileSync(file, planted);
    const broken = await build(ENGINE, dir, 'cpda-add/git-broken:test', ['--network', 'host']);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/Cannot find command 'git'/);
  });
});
