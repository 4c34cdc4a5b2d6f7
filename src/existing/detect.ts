// Detection for `add docker` and the plop `docker` generator: what an existing Python
// repository already tells us about itself. Reads only; never writes. Everything it finds
// is a suggestion the user can override with a flag or a prompt answer.
//  - framework: from the declared dependencies (requirements*.txt, pyproject.toml), else imports;
//  - app target: a module-level `app = Flask(...)`/`FastAPI(...)` or a `create_app` factory;
//  - a src layout (src/<package>/, no src/__init__.py): targets are then relative to src/;
//  - port, Python version, whether Postgres/Redis drivers and the server package are declared;
//  - how the dependencies are installed: a lock file (uv.lock, poetry.lock, Pipfile.lock) with
//    the tool that wrote it, else requirements.txt, else pyproject.toml's [project].dependencies.

import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FRAMEWORK_FEATURES } from '../features/frameworks.js';
import { installerFor, type InstallFrom } from '../features/package-managers.js';
import type { Detected, UnusedLock } from './detected.js';
import { SERVICE_FEATURES } from '../features/services.js';
import { readUserFileIfAny } from '../user-files.js';
import { readToml } from './toml.js';
import { choosePython } from './python-version.js';
import { readAnswers } from './recorded-answers.js';
import { ANSWERS_FILE } from '../options/answers-file.js';
import { uvWorkspace } from './uv-workspace.js';
import { gitRequirements } from './git-requirements.js';
import { requirementsInstall } from './requirements.js';
import { FRAMEWORKS, type Framework, type ServiceKey } from '../options/values.js';
import { fileLine } from '../options/names.js';


/** Lock files add docker installs from, each with the file it locks and the tool that reads both. */
const LOCK_FILES: { lock: InstallFrom & `${string}.lock`; manifest: string; tool: string }[] = [
  { lock: 'uv.lock', manifest: 'pyproject.toml', tool: 'uv (uv sync --locked)' },
  { lock: 'poetry.lock', manifest: 'pyproject.toml', tool: 'Poetry (poetry install --only main)' },
  { lock: 'Pipfile.lock', manifest: 'Pipfile', tool: 'Pipenv (pipenv install --deploy)' },
];

const SKIP_DIRS = new Set([
  '.git', '.hg', '.venv', 'venv', 'env', '.env', 'node_modules', '__pycache__', 'site-packages', 'build', 'dist',
  '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'tests', 'test', 'docs', 'migrations', 'alembic',
]);
const MAX_DEPTH = 4;
const MAX_FILES = 2000;

/**
 * Web frameworks we recognise but do not support (yet), by distribution name and import name:
 * a repository built on one gets "Django is not supported (yet)" rather than "pass --framework".
 */
const OTHER_FRAMEWORKS: { label: string; dist: string; module: string }[] = [
  { label: 'Django', dist: 'django', module: 'django' },
  { label: 'Litestar', dist: 'litestar', module: 'litestar' },
  { label: 'Starlette', dist: 'starlette', module: 'starlette' },
  { label: 'Quart', dist: 'quart', module: 'quart' },
  { label: 'Sanic', dist: 'sanic', module: 'sanic' },
  { label: 'aiohttp', dist: 'aiohttp', module: 'aiohttp.web' },
  { label: 'Tornado', dist: 'tornado', module: 'tornado' },
  { label: 'Falcon', dist: 'falcon', module: 'falcon' },
  { label: 'Pyramid', dist: 'pyramid', module: 'pyramid' },
  { label: 'Bottle', dist: 'bottle', module: 'bottle' },
];

export function detectApp(dir: string): Detected {
  const root = path.resolve(dir);
  const notes: string[] = [];
  // A uv workspace installs every member's dependencies: they count as declared.
  const workspace = isFile(path.join(root, 'uv.lock')) ? uvWorkspace(root) : undefined;
  const { dependencies, files: dependencyFiles, pep621, declaredIn } = readDependencies(root, workspace?.members);
  const sources = listPythonFiles(root);
  // A source file too large to be code (over 1 MiB) is skipped, not read.
  const texts = new Map(sources.flatMap((f) => {
    const text = readIfFile(path.join(root, f));
    return text === undefined ? [] : [[f, text] as const];
  }));

  // Framework: what the code builds an app with, among what is declared (in any source) or
  // imported; then the declared dependency, then the imports. Two frameworks each with an app
  // in the code is a true ambiguity: nothing is chosen, and the message names both.
  let framework: Framework | undefined;
  let frameworkConflict: string | undefined;
  const declared = FRAMEWORKS.filter((f) => declaredIn.has(f));
  const imported = FRAMEWORKS.filter((f) => [...texts.values()].some((t) => importsFramework(t, f)));
  const layoutRoot = srcLayout(root, texts)?.root;
  const withApp = FRAMEWORKS.filter((f) => (declared.includes(f) || imported.includes(f)) && findTargets(f, texts, layoutRoot).length > 0);
  const where = (f: Framework) => (declaredIn.has(f) ? `listed in ${declaredIn.get(f)!.join(', ')}` : 'imported by the code');
  if (declared.length === 1) {
    framework = declared[0];
    notes.push(`framework ${framework}: listed in ${declaredIn.get(framework!)!.join(', ')}`);
  } else if (declared.length > 1 && withApp.length === 1) {
    framework = withApp[0];
    const other = declared.find((f) => f !== framework)!;
    notes.push(`framework ${framework}: the app in the code is a ${framework} app (${other} is ${where(other)} too)`);
  } else if (declared.length > 1) {
    frameworkConflict = `found both ${declared.map((f) => `${f} (${where(f)})`).join(' and ')}${withApp.length > 1 ? ', and an app of each in the code' : ', and no app of either in the code'}`;
  } else if (imported.length === 1) {
    framework = imported[0];
    notes.push(`framework ${framework}: imported by the code`);
  } else if (imported.length > 1 && withApp.length === 1) {
    framework = withApp[0];
    notes.push(`framework ${framework}: the app in the code is a ${framework} app`);
  } else if (imported.length > 1) {
    frameworkConflict = `found both ${imported.join(' and ')} imported by the code`;
  }
  // Only when neither Flask nor FastAPI is there (FastAPI itself depends on Starlette).
  const other =
    declared.length === 0 && !framework && !frameworkConflict
      ? OTHER_FRAMEWORKS.map((f) => ({
          ...f,
          where: dependencies.has(f.dist) ? `listed in ${dependencyFiles.join(', ')}` : [...texts.values()].some((t) => importsModule(t, f.module)) ? 'imported by the code' : undefined,
        })).find((f) => f.where)
      : undefined;

  const layout = srcLayout(root, texts);
  const importRoot = layout?.root;
  if (layout)
    notes.push(`src layout: ${layout.root}/ has no __init__.py and holds ${layout.packages.join(', ')}, imported by their own names; the image puts /app/${layout.root} on PYTHONPATH`);

  // The app each framework would serve (one best target), for a --framework that settles a
  // choice detection could not make: the app then follows it.
  const appFor: Partial<Record<Framework, string>> = {};
  for (const f of FRAMEWORKS) {
    const found = findTargets(f, texts, importRoot);
    if (found[0] && found.filter((c) => c.score === found[0]!.score).length === 1) appFor[f] = found[0].target;
  }
  const candidates = framework ? findTargets(framework, texts, importRoot) : [];
  const best = candidates[0];
  let target: string | undefined;
  let targetCandidates: string[] = [];
  if (best && candidates.filter((c) => c.score === best.score).length === 1) {
    target = best.target;
    notes.push(`app ${target}: ${best.why}`);
  } else if (best) {
    targetCandidates = candidates.filter((c) => c.score === best.score).map((c) => c.target);
  }

  const port = detectPort(root, texts, notes);
  const pythonChoice = choosePython(root, readAnswers(root)?.python);
  const python = pythonChoice.python;
  if (python && pythonChoice.recorded) notes.push(`Python ${python}: from ${ANSWERS_FILE}`);
  else if (python && pythonChoice.constraints.length > 0)
    notes.push(`Python ${python}: the newest offered that fits ${pythonChoice.constraints.map((c) => `${c.source} (${fileLine(c.text)})`).join(' and ')}`);
  // A service is in use when one of the drivers its feature lists is declared.
  const uses = Object.fromEntries(SERVICE_FEATURES.map((s) => [s.key, s.drivers.some((d) => dependencies.has(d))])) as Record<ServiceKey, boolean>;
  const hasHealthRoute = [...texts.values()].some((t) => /["']\/health\/?["']/.test(t));
  const sourceRoots = [...new Set(sources.map((f) => f.split('/')[0]!))].sort();
  const hasRequirementsTxt = existsSync(path.join(root, 'requirements.txt'));
  const lock = LOCK_FILES.find((l) => isFile(path.join(root, l.lock)) && isFile(path.join(root, l.manifest)));
  const installFrom: InstallFrom = lock?.lock ?? (!hasRequirementsTxt && pep621 ? 'pyproject.toml' : 'requirements.txt');
  if (lock) notes.push(`dependencies: installed from ${lock.lock} with ${lock.tool}${hasRequirementsTxt ? ' (requirements.txt is not used)' : ''}`);
  if (installFrom === 'pyproject.toml') notes.push('dependencies: installed from [project].dependencies in pyproject.toml (no requirements.txt)');
  const install =
    installFrom === 'requirements.txt' && hasRequirementsTxt
      ? requirementsInstall(root)
      : { files: lock ? [...installerFor(lock.lock).files, ...(lock.lock === 'uv.lock' ? (workspace?.members ?? []).map((m) => `${m}/pyproject.toml`) : [])] : [installFrom], unsupported: [] };
  // Locks of tools the image does not run: installed from instead would be what is pinned.
  const unusedLocks = OTHER_TOOLS_LOCKS.filter((l) => isFile(path.join(root, l.lock)));
  const git = gitRequirements(root, installFrom, install.files);
  if (installFrom === 'uv.lock' && workspace && workspace.members.length > 0)
    notes.push(`uv workspace: ${workspace.members.join(', ')}; each member's pyproject.toml is mounted for the install, and every member is installed`);
  if (installFrom === 'requirements.txt' && install.files.length > 1) notes.push(`requirements.txt includes ${install.files.slice(1).join(', ')}: mounted beside it for the install`);

  return {
    framework,
    target,
    port,
    python,
    pythonConstraints: pythonChoice.constraints,
    ...(pythonChoice.problem ? { pythonProblem: pythonChoice.problem } : {}),
    uses,
    dependencyFiles,
    dependencies,
    hasRequirementsTxt,
    installFrom,
    installFiles: install.files,
    unusedLocks,
    codeInSecretsFolders: codeInSecretsFolders(sources),
    unsupportedRequirements: install.unsupported,
    gitRequirements: git,
    ...(installFrom === 'uv.lock' && workspace?.problem ? { workspaceProblem: workspace.problem } : {}),
    hasHealthRoute,
    sourceRoots,
    ...(importRoot ? { importRoot } : {}),
    notes,
    targetCandidates,
    appFor,
    ...(frameworkConflict ? { frameworkConflict } : {}),
    ...(other?.where ? { unsupportedFramework: { label: other.label, where: other.where } } : {}),
    legacyComposeFiles: ['docker-compose.yml', 'docker-compose.yaml'].filter((f) => existsSync(path.join(root, f))),
  };
}

// --- dependencies -------------------------------------------------------------------------

/** PEP 503 normalisation: `Flask_SQLAlchemy` → `flask-sqlalchemy`. */
export function normalizeDist(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Every declared dependency, from every source a repository may keep them in: the usual
 * requirements files and every file they include with -r/-c (inside the repository, never
 * through a symlink, cycles and depth bounded: requirements.ts), the Pipfile, pyproject.toml
 * (PEP 621 and Poetry) and the pyproject.toml of each uv workspace member.
 * `declaredIn`: for each name, the files that declare it (for the report and for refusals).
 * `pep621`: pyproject.toml lists `[project].dependencies`, which pip can install from a requirements file.
 */
function readDependencies(root: string, workspaceMembers: readonly string[] = []): { dependencies: Set<string>; files: string[]; pep621: boolean; declaredIn: Map<string, string[]> } {
  const declaredIn = new Map<string, string[]>();
  const files: string[] = [];
  let pep621 = false;
  const declare = (file: string, names: string[]) => {
    if (names.length > 0 && !files.includes(file)) files.push(file);
    for (const name of names) declaredIn.set(name, [...new Set([...(declaredIn.get(name) ?? []), file])]);
  };
  const requirementFiles = ['requirements.txt', 'requirements.in', 'requirements/base.txt', 'requirements/prod.txt', 'requirements/production.txt'];
  const seen = new Set<string>();
  for (const entry of requirementFiles) {
    if (seen.has(entry)) continue;
    // Names from the installed files only: a -c file constrains versions, it installs nothing.
    for (const rel of requirementsInstall(root, entry).requirementFiles) {
      if (seen.has(rel)) continue;
      seen.add(rel);
      const text = readIfFile(path.join(root, rel));
      if (text !== undefined) declare(rel, requirementNames(text));
    }
  }
  const pipfile = readToml(path.join(root, 'Pipfile'));
  if (pipfile !== undefined) declare('Pipfile', tableKeys(pipfile.packages));
  const pyproject = readToml(path.join(root, 'pyproject.toml'));
  if (pyproject !== undefined) {
    declare('pyproject.toml', pyprojectDependencyNames(pyproject));
    pep621 = pep621DependencyNames(pyproject).length > 0;
  }
  for (const member of workspaceMembers) {
    const manifest = readToml(path.join(root, member, 'pyproject.toml'));
    if (manifest !== undefined) declare(`${member}/pyproject.toml`, pyprojectDependencyNames(manifest));
  }
  return { dependencies: new Set(declaredIn.keys()), files, pep621, declaredIn };
}

/** Names in a requirements file: `flask==3.1`, `uvicorn[standard]>=0.30 ; python_version>"3"`. */
export function requirementNames(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
    if (m) out.push(normalizeDist(m[1]!));
  }
  return out;
}

/**
 * Dependency names in a parsed pyproject.toml: PEP 621 `[project] dependencies = [...]` and
 * Poetry's `[tool.poetry.dependencies]` table.
 */
export function pyprojectDependencyNames(pyproject: PyprojectToml): string[] {
  return [...pep621DependencyNames(pyproject), ...poetryDependencyNames(pyproject)];
}

/** The few keys of pyproject.toml detection reads; anything else in the file is ignored. */
interface PyprojectToml {
  project?: { dependencies?: unknown };
  tool?: { poetry?: { dependencies?: unknown } };
}

/** Names in PEP 621 `[project] dependencies = [...]` (not optional-dependencies or groups). */
function pep621DependencyNames(pyproject: PyprojectToml): string[] {
  const specs = pyproject.project?.dependencies;
  if (!Array.isArray(specs)) return [];
  // A PEP 508 requirement starts with its name: `uvicorn[standard]>=0.30 ; python_version>"3"`.
  return specs.flatMap((spec) => {
    const m = typeof spec === 'string' ? /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec) : null;
    return m ? [normalizeDist(m[1]!)] : [];
  });
}

/** Keys of Poetry's `[tool.poetry.dependencies]` (not of its dev groups), without python. */
function poetryDependencyNames(pyproject: PyprojectToml): string[] {
  return tableKeys(pyproject.tool?.poetry?.dependencies).filter((name) => name !== 'python');
}

/** The normalised keys of one TOML table (Poetry's dependencies, a Pipfile's [packages]); none when it is not a table. */
function tableKeys(table: unknown): string[] {
  if (typeof table !== 'object' || table === null || Array.isArray(table)) return [];
  return Object.keys(table).map(normalizeDist);
}

// --- code ---------------------------------------------------------------------------------

/** Lock files of tools the image does not run, and how each exports a requirements.txt pip installs. */
const OTHER_TOOLS_LOCKS: readonly UnusedLock[] = [
  { lock: 'pdm.lock', tool: 'PDM', exportCommand: 'pdm export -o requirements.txt' },
];

/** The folders named `secrets` that hold Python code (`app/secrets` for app/secrets/vault.py), the root's aside. */
function codeInSecretsFolders(sources: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const file of sources) {
    const parts = file.split('/').slice(0, -1);
    for (let i = 1; i < parts.length; i++) if (parts[i] === 'secrets') folders.add(parts.slice(0, i + 1).join('/'));
  }
  return [...folders].sort();
}

function listPythonFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(childRel, depth + 1);
      } else if (entry.isFile() && entry.name.endsWith('.py') && !/^(test_.*|.*_test|conftest|setup|noxfile)\.py$/.test(entry.name)) {
        out.push(childRel);
      }
    }
  };
  walk('', 0);
  return out;
}

function importsFramework(text: string, framework: Framework): boolean {
  return importsModule(text, framework);
}

function importsModule(text: string, module: string): boolean {
  const name = module.replace(/\./g, '\\.');
  return new RegExp(`^\\s*(from\\s+${name}(\\.\\w+)*\\s+import|import\\s+${name}\\b)`, 'm').test(text);
}

interface Candidate {
  target: string;
  score: number;
  why: string;
}

/** Files that conventionally hold the app, in order of preference. */
const ENTRY_FILES = ['wsgi.py', 'asgi.py', 'main.py', 'app.py', 'app/main.py', 'app/__init__.py', 'src/main.py'];

function findTargets(framework: Framework, texts: Map<string, string>, importRoot: string | undefined): Candidate[] {
  const cls = FRAMEWORK_FEATURES[framework].appClass;
  const out: Candidate[] = [];
  for (const [file, text] of texts) {
    const module = moduleOf(importRoot && file.startsWith(`${importRoot}/`) ? file.slice(importRoot.length + 1) : file);
    if (!module) continue;
    const entryBonus = ENTRY_FILES.includes(file) ? 10 - ENTRY_FILES.indexOf(file) : 0;
    // A module-level instance: `app = Flask(__name__)`, `api: FastAPI = FastAPI()`.
    for (const m of text.matchAll(new RegExp(`^([A-Za-z_]\\w*)\\s*(?::\\s*[\\w.]+\\s*)?=\\s*(?:${framework}\\.)?${cls}\\(`, 'gm')))
      out.push({ target: `${module}:${m[1]}`, score: 100 + entryBonus, why: `${m[1]} = ${cls}(...) in ${file}` });
    // An app factory: `def create_app(...)` at module level that builds the app.
    if (new RegExp(`\\b${cls}\\(`).test(text)) {
      for (const m of text.matchAll(/^(?:async\s+)?def\s+(create_app|make_app|app_factory|get_app)\s*\(([^)]*)\)/gm)) {
        if (!factoryCallableWithoutArgs(m[2]!)) continue;
        out.push({ target: `${module}:${m[1]}()`, score: 50 + entryBonus, why: `app factory ${m[1]}() in ${file}` });
      }
    }
    // An instance built by a factory: `app = create_app()` (a wsgi.py).
    for (const m of text.matchAll(/^([A-Za-z_]\w*)\s*=\s*(?:[\w.]+\.)?(create_app|make_app)\(\s*\)/gm))
      out.push({ target: `${module}:${m[1]}`, score: 100 + entryBonus, why: `${m[1]} = ${m[2]}() in ${file}` });
  }
  // Prefer an instance over a factory, then well-known entry files, then shallower modules.
  const unique = new Map<string, Candidate>();
  for (const c of out) if (!unique.has(c.target) || unique.get(c.target)!.score < c.score) unique.set(c.target, c);
  return [...unique.values()].sort((a, b) => b.score - a.score || depthOf(a.target) - depthOf(b.target) || a.target.localeCompare(b.target));
}

function depthOf(target: string): number {
  return target.split(':')[0]!.split('.').length;
}

/** Every parameter has a default (or there are none), so `factory()` works. */
function factoryCallableWithoutArgs(params: string): boolean {
  return params
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && p !== '*' && !p.startsWith('*'))
    .every((p) => p.includes('='));
}

/**
 * The src layout: a real top-level src/ that is not a package itself (no src/__init__.py) and
 * holds at least one package directory (src/<name>/...py), and no code imports through `src.`
 * (such a repository runs as `src.pkg.module` from the root, and must stay that way). A lone
 * src/main.py is not one: it is served as `src.main`, as before.
 */
function srcLayout(root: string, texts: Map<string, string>): { root: string; packages: string[] } | undefined {
  const SRC = 'src';
  if (existsSync(path.join(root, SRC, '__init__.py'))) return undefined;
  const packages = new Set<string>();
  for (const file of texts.keys()) {
    const [top, name, ...rest] = file.split('/');
    if (top === SRC && rest.length > 0 && /^[A-Za-z_]\w*$/.test(name!)) packages.add(name!);
  }
  if (packages.size === 0) return undefined;
  const throughSrc = new RegExp(String.raw`^\s*(from\s+${SRC}(\.\w+)*\s+import|import\s+${SRC})\b`, 'm');
  if ([...texts.values()].some((t) => throughSrc.test(t))) return undefined;
  return { root: SRC, packages: [...packages].sort() };
}

/** `app/main.py` → `app.main`; `pkg/__init__.py` → `pkg`; undefined outside an importable path. */
function moduleOf(file: string): string | undefined {
  const parts = file.replace(/\.py$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.length === 0 || !parts.every((p) => /^[A-Za-z_]\w*$/.test(p))) return undefined;
  return parts.join('.');
}

// --- port and Python ----------------------------------------------------------------------

function detectPort(root: string, texts: Map<string, string>, notes: string[]): number | undefined {
  const sources: Array<[string, string]> = [];
  for (const rel of ['gunicorn.conf.py', 'Procfile', '.env.example', '.env.sample', 'Dockerfile']) {
    const text = readIfFile(path.join(root, rel));
    if (text !== undefined) sources.push([rel, text]);
  }
  for (const [file, text] of texts) if (file !== 'gunicorn.conf.py') sources.push([file, text]);
  const patterns = [
    /^\s*bind\s*=\s*\[?\s*["'][^"':]*:(\d{2,5})["']/m, // gunicorn.conf.py
    /(?:--bind|-b)[ =]\S*:(\d{2,5})\b/, // gunicorn command line
    /--port[ =](\d{2,5})\b/, // uvicorn / flask command line
    /^PORT=(\d{2,5})\s*$/m, // .env
    /^EXPOSE\s+(\d{2,5})\b/m, // Dockerfile
    /\.run\([^\n]{0,200}?\bport\s*=\s*(\d{2,5})\b/, // app.run(port=5000), uvicorn.run(app, port=8080)
  ];
  for (const [file, text] of sources) {
    for (const pattern of patterns) {
      const m = pattern.exec(text);
      const port = m ? Number(m[1]) : NaN;
      if (port >= 1 && port <= 65535) {
        notes.push(`port ${port}: found in ${file}`);
        return port;
      }
    }
  }
  return undefined;
}

/** A regular file, not a symlink. */
function isFile(file: string): boolean {
  try {
    return lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** A regular file's text (never through a symlink, never a special file, at most 1 MiB). */
function readIfFile(file: string): string | undefined {
  return readUserFileIfAny(file, { noFollow: true });
}
