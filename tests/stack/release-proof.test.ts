// The release job's steps that can run on this machine, run for real (issue 24, item 3): the
// generated project's image is pushed to a registry, signed with a key and verified with cosign,
// given an SBOM made offline from its venv, which is attached to it in the registry and read back.
//  - the registry is the distribution registry 2.8 (Debian sid's docker-registry), listening on
//    127.0.0.1:5000 inside one test engine's network namespace, so that engine's dockerd pushes
//    to it as a user pushes to GHCR (plain HTTP: Docker allows it for a loopback registry);
//  - cosign 3.1 signs with a key pair made here and a signing config without a transparency
//    log: keyless signing needs an OIDC identity and Fulcio/Rekor, which only a forge's runner
//    has (README, "Releasing": unproven here);
//  - the SBOM is CycloneDX's generator (cyclonedx-py environment, PyPI) run against the image's
//    own venv, inside the image, without network; oras attaches it as a referrer of the image.
// scripts/setup-test-env.sh puts the tools in $CPDA_CACHE/release-tools.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseTOML } from 'confbox/toml';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { CACHE } from '../support/cache.js';
import { docker, engineFor, http, inEngineNetwork } from '../support/docker.js';
import { stopProcess, type EngineInfo } from '../support/engine.js';
import { generateInto } from '../support/generate.js';
import { tail, type RunResult } from '../support/run.js';

const state = inject('engines');
const TOOLS = path.join(CACHE, 'release-tools');
const BIN = path.join(TOOLS, 'usr', 'bin');
const missingTools = ['docker-registry', 'cosign', 'oras'].filter((tool) => !existsSync(path.join(BIN, tool)));
const reason = !state.available
  ? state.reason
  : missingTools.length > 0
    ? `${missingTools.join(', ')} not in ${BIN} (scripts/setup-test-env.sh fetches them)`
    : undefined;

const REGISTRY = '127.0.0.1:5000';
const REPOSITORY = `${REGISTRY}/demo/release-app`;
const TAG = `${REPOSITORY}:1.0.0`;
/** The Python that setup-test-env.sh installed CycloneDX's wheels for. */
const PYTHON = '3.13' as const;

const work = mkdtempSync(path.join(tmpdir(), 'cpda-release-'));
let engine: EngineInfo;
let registry: ChildProcess | undefined;
let projectDir: string;
let digest: string;
const images: string[] = [];

/** cosign and oras as the release job runs them, in the engine's network namespace (where the registry is). */
function tool(name: 'cosign' | 'oras', args: string[]): Promise<RunResult> {
  return inEngineNetwork(engine, [path.join(BIN, name), ...args], {
    cwd: work,
    timeoutMs: 120_000,
    // A home of its own (cosign's TUF cache, oras' credentials), and the key's password.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(work, 'home'), COSIGN_PASSWORD: 'release-proof' },
  });
}

beforeAll(async () => {
  if (reason || !state.available) return;
  // The second engine: the first ones' Compose stacks are busy with port 8000, not 5000.
  engine = engineFor(state.engines, 1);
  mkdirSync(path.join(work, 'home'));
  mkdirSync(path.join(work, 'store'));
  writeFileSync(
    path.join(work, 'registry.yml'),
    ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(work, 'store')}`, 'http:', `  addr: ${REGISTRY}`, ''].join('\n'),
  );
  registry = spawn('nsenter', [`--net=/proc/${engine.netPid}/ns/net`, '--', path.join(BIN, 'docker-registry'), 'serve', path.join(work, 'registry.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let registryLog = '';
  registry.stderr?.on('data', (chunk: Buffer) => (registryLog += chunk.toString()));
  for (let i = 0; i < 50 && (await http(engine, 'GET', `http://${REGISTRY}/v2/`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  const answer = await http(engine, 'GET', `http://${REGISTRY}/v2/`);
  if (answer.status !== 200) throw new Error(`the registry did not answer on ${REGISTRY}: ${answer.body}\n${registryLog}`);

  // The default FastAPI project with uv and the multi-stage Dockerfile: the image the README's
  // table measures. The engine's layer cache makes a rebuild of it cheap.
  projectDir = generateInto({ name: 'release-app', framework: 'fastapi', python: PYTHON, dockerfile: 'multi-stage', packageManager: 'uv' }, work);
  images.push(TAG);
  const build = await docker(engine, ['build', '--progress', 'plain', '-t', TAG, projectDir], { timeoutMs: 900_000 });
  if (build.code !== 0) throw new Error(`docker build of the generated project failed:\n${tail(build, 30)}`);
  const push = await docker(engine, ['push', TAG]);
  if (push.code !== 0) throw new Error(`docker push ${TAG} failed:\n${tail(push)}`);
  digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1] ?? '';
  if (!digest) throw new Error(`docker push printed no digest:\n${push.stdout}`);
}, 1_000_000);

afterAll(async () => {
  if (registry) await stopProcess(registry, 5_000);
  if (images.length > 0 && state.available) await docker(engine, ['image', 'rm', '-f', ...images]);
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(reason !== undefined)(`the image in a registry${reason ? ` (skipped: ${reason})` : ''}`, () => {
  test('signed with the project key, verifies against its public key; another image under the same tag does not', async () => {
    const keys = await tool('cosign', ['generate-key-pair']);
    expect(keys.code, `cosign generate-key-pair:\n${tail(keys)}`).toBe(0);
    // No transparency log service: Rekor is not reachable from here (the forge's release job uses it).
    const config = await tool('cosign', ['signing-config', 'create', '--out', 'signing-config.json']);
    expect(config.code, `cosign signing-config create:\n${tail(config)}`).toBe(0);
    const sign = await tool('cosign', ['sign', '--yes', '--key', 'cosign.key', '--signing-config', 'signing-config.json', `${REPOSITORY}@${digest}`]);
    expect(sign.code, `cosign sign ${REPOSITORY}@${digest}:\n${tail(sign)}`).toBe(0);

    const verify = () => tool('cosign', ['verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', TAG]);
    const verified = await verify();
    expect(verified.code, `cosign verify ${TAG}:\n${tail(verified)}`).toBe(0);
    const claims = JSON.parse(verified.stdout) as { critical: { image: { 'docker-manifest-digest': string } } }[];
    expect(claims.map((c) => c.critical.image['docker-manifest-digest'])).toEqual([digest]);

    // Someone pushes a changed image under the same tag: another digest, which nobody signed.
    const changed = path.join(work, 'changed');
    mkdirSync(changed);
    writeFileSync(path.join(changed, 'Dockerfile'), `FROM ${TAG}\nLABEL org.opencontainers.image.description="not the released image"\n`);
    const rebuilt = await docker(engine, ['build', '--progress', 'plain', '-t', TAG, changed]);
    expect(rebuilt.code, `building the changed image:\n${tail(rebuilt)}`).toBe(0);
    const pushed = await docker(engine, ['push', TAG]);
    expect(pushed.code, `pushing the changed image:\n${tail(pushed)}`).toBe(0);
    expect(pushed.stdout).not.toContain(digest);
    const refused = await verify();
    expect(refused.code, `cosign verify accepted a changed image:\n${refused.stdout}`).not.toBe(0);
    expect(refused.stderr).toContain('no signatures found');
  });

  test('an SBOM made offline from the image venv names the locked packages, and is attached to the image and read back', async () => {
    // The generator runs with the image's own Python and reads the venv the app runs from; no
    // network, so nothing but what is installed can be listed. -I: its own packages
    // (/opt/cyclonedx) stay out of the environment it reads. --no-validate: its JSON-schema check
    // of its own output took 24 of the run's 26 s here (4 s of CPU); what this test checks is the
    // content, against uv.lock.
    const program = "import runpy, sys; sys.path.append('/opt/cyclonedx'); sys.argv[0] = 'cyclonedx-py'; runpy.run_module('cyclonedx_py', run_name='__main__')";
    const sbomRun = await docker(engine, [
      'run', '--rm', '--network', 'none', '--entrypoint', 'python', '-v', `${path.join(TOOLS, 'cyclonedx')}:/opt/cyclonedx:ro`,
      `${REPOSITORY}@${digest}`, '-I', '-c', program, 'environment', '--of', 'JSON', '--output-reproducible', '--no-validate', '/app/.venv',
    ]);
    expect(sbomRun.code, `cyclonedx-py environment in the image:\n${tail(sbomRun)}`).toBe(0);
    const sbom = JSON.parse(sbomRun.stdout) as { bomFormat: string; specVersion: string; components?: { name: string; version: string }[] };
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.specVersion).toBe('1.6');
    const listed = new Map((sbom.components ?? []).map((c) => [normalized(c.name), c.version]));

    const lock = parseTOML(readFileSync(path.join(projectDir, 'uv.lock'), 'utf8')) as { package: { name: string; version?: string }[] };
    const locked = new Map(lock.package.map((p) => [normalized(p.name), p.version]));
    // Everything in the venv comes from the lock, at the locked version...
    expect([...listed].filter(([name, version]) => locked.get(name) !== version)).toEqual([]);
    // ...and what the app declares is there.
    const project = parseTOML(readFileSync(path.join(projectDir, 'pyproject.toml'), 'utf8')) as { project: { dependencies: string[] } };
    const declared = project.project.dependencies.map((d) => normalized(/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(d)![0]));
    expect(declared.filter((name) => !listed.has(name))).toEqual([]);
    expect(declared).toContain('fastapi');

    const file = 'sbom.cdx.json';
    writeFileSync(path.join(work, file), sbomRun.stdout);
    const type = 'application/vnd.cyclonedx+json';
    const attach = await tool('oras', ['attach', '--plain-http', '--artifact-type', type, `${REPOSITORY}@${digest}`, `${file}:${type}`]);
    expect(attach.code, `oras attach:\n${tail(attach)}`).toBe(0);
    const discover = await tool('oras', ['discover', '--plain-http', '--format', 'json', `${REPOSITORY}@${digest}`]);
    expect(discover.code, `oras discover:\n${tail(discover)}`).toBe(0);
    const found = JSON.parse(discover.stdout) as { referrers?: Referrer[]; manifests?: Referrer[] };
    const sboms = (found.referrers ?? found.manifests ?? []).filter((r) => r.artifactType === type);
    expect(sboms, `referrers of ${digest}: ${discover.stdout}`).toHaveLength(1);
    const out = path.join(work, 'pulled');
    const pull = await tool('oras', ['pull', '--plain-http', '-o', out, `${REPOSITORY}@${sboms[0]!.digest}`]);
    expect(pull.code, `oras pull:\n${tail(pull)}`).toBe(0);
    expect(readdirSync(out)).toEqual([file]);
    expect(readFileSync(path.join(out, file), 'utf8')).toBe(sbomRun.stdout);
  });
});

describe.skipIf(reason !== undefined)(`the FastAPI image${reason ? ` (skipped: ${reason})` : ''}`, () => {
  test('carries neither websockets nor PyYAML, which uvicorn[standard] would bring and the app never imports', async () => {
    const program = 'import importlib.util, json; print(json.dumps([m for m in ("websockets", "yaml", "uvloop", "httptools") if importlib.util.find_spec(m)]))';
    const found = await docker(engine, ['run', '--rm', '--network', 'none', '--entrypoint', 'python', `${REPOSITORY}@${digest}`, '-c', program]);
    expect(found.code, tail(found)).toBe(0);
    // uvloop and httptools, the fast parts of the same extra, are there.
    expect(JSON.parse(found.stdout)).toEqual(['uvloop', 'httptools']);
  });
});

interface Referrer {
  digest: string;
  artifactType?: string;
}

/** PEP 503: names compare lower-case with runs of -, _ and . as one -. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
