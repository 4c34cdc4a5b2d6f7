// Our own Dockerfile rules: only what none of the field's checkers checks. hadolint and
// checkov run on every emitted Dockerfile (tests/tools/field-checkers.test.ts) and own the rest:
// parse errors (DL1000), absolute WORKDIR (DL3000, CKV_DOCKER_10), a tagged, non-latest image
// in a literal FROM (DL3006, DL3007, CKV_DOCKER_7), a USER that is not root (DL3002,
// CKV_DOCKER_3, CKV_DOCKER_8), exec-form CMD, ENTRYPOINT and HEALTHCHECK (DL3025), one CMD
// (DL4003), a HEALTHCHECK at all (CKV_DOCKER_2), MAINTAINER (DL4000, CKV_DOCKER_6), port
// range (DL3011), apt-get --no-install-recommends (DL3015).
//
// What stays here, because no checker looks at it:
//  - `# syntax=docker/dockerfile:1` on the first line (RUN --mount needs BuildKit's syntax);
//  - a FROM built from ARGs resolves, through the ARG defaults, to a tagged, non-latest image
//    (the checkers read `python:${PYTHON_VERSION}-slim` literally);
//  - no RUN after the last USER; the final stage has a CMD;
//  - HEALTHCHECK sets --interval, --timeout, --start-period and --retries;
//  - the CMD's server is a declared dependency of what the image installs (requirements.txt,
//    pyproject.toml's [project].dependencies for pip or uv, Poetry's dependencies, the
//    Pipfile's [packages]), EXPOSE is the port it binds on all interfaces, and the module it
//    serves exists (under the WORKDIR or a PYTHONPATH entry);
//  - dependencies are installed (pip, uv sync, poetry install, pipenv install) before the code
//    is copied, and requirements.txt pins with ==;
//  - apt-get install follows apt-get update in the same RUN; no build tools in the final stage.

import { parseTOML } from 'confbox/toml';
import { DockerfileParser, Env, ModifiableInstruction, type Instruction } from 'dockerfile-ast';

export interface LintFinding {
  /** One of the rule names below (syntax-directive, from-pinned, expose-port, ...). */
  rule: string;
  /** 1-based line of the Dockerfile (0 when the finding is about the file as a whole). */
  line: number;
  message: string;
}

export interface LintOptions {
  /**
   * Reads a file of the build context, path relative to the project root ('requirements.txt',
   * 'pyproject.toml', 'gunicorn.conf.py'); undefined when it does not exist.
   */
  readFile?: (relativePath: string) => string | undefined;
}

/** Server executables a CMD may start → the distribution (requirements.txt name) providing each. */
const SERVER_PACKAGES: Record<string, string> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  fastapi: 'fastapi',
  flask: 'flask',
  hypercorn: 'hypercorn',
  granian: 'granian',
};

export function lintDockerfile(text: string, options: LintOptions = {}): LintFinding[] {
  const readFile = options.readFile ?? (() => undefined);
  const findings: LintFinding[] = [];
  const df = DockerfileParser.parse(text);
  const all = df.getInstructions();
  const add = (rule: string, at: Instruction | number, message: string) =>
    findings.push({ rule, line: typeof at === 'number' ? at : lineOf(at), message });

  if (!/^# syntax=docker\/dockerfile:1(\.\d+)?\s*$/.test(text.split('\n')[0] ?? ''))
    add('syntax-directive', 1, 'first line must be `# syntax=docker/dockerfile:1`');

  const froms = all.filter((i) => i.getKeyword() === 'FROM');
  if (froms.length === 0) {
    add('from-pinned', 0, 'no FROM instruction');
    return findings;
  }
  checkImagesFromArgs(df.getInitialARGs().map((a) => a.getProperty()), froms, add);

  // The image that runs is the last stage: everything after the last FROM.
  const lastFrom = froms[froms.length - 1]!;
  const finalStage = all.filter((i) => lineOf(i) > lineOf(lastFrom));
  const of = (keyword: string) => finalStage.filter((i) => i.getKeyword() === keyword);

  const users = of('USER');
  const lastUser = users[users.length - 1];
  const runs = of('RUN');
  const lastRun = runs[runs.length - 1];
  if (lastUser && lastRun && lineOf(lastRun) > lineOf(lastUser)) add('user-after-run', lastRun, 'RUN after the last USER');

  const cmds = of('CMD');
  const cmd = cmds[cmds.length - 1];
  // A shell-form CMD is hadolint's DL3025; what it would start is still checked.
  const argv = cmd ? (execForm(argsText(cmd)) ?? argsText(cmd).split(/\s+/).filter(Boolean)) : undefined;
  if (!cmd) add('cmd', lastFrom, 'final stage has no CMD');

  checkHealthcheckFlags(of('HEALTHCHECK'), add);

  const installFrom = installedFile(all);
  const requirementsText = installFrom === 'requirements.txt' ? readFile('requirements.txt') : undefined;
  if (cmd && argv) {
    checkServerPackage(argv, declaredDependencies(installFrom, readFile), cmd, add);
    checkExposedPort(argv, of('EXPOSE'), readFile, cmd, add);
    checkServedModule(argv, importRoots(finalStage), readFile, cmd, add);
  }
  checkInstallOrder(all, add);
  checkAptInstalls(all, finalStage, add);
  if (requirementsText !== undefined) {
    requirementLines(requirementsText).forEach(({ line, text: req }) => {
      if (!/==/.test(req)) add('pinned-requirements', 0, `requirements.txt line ${line} is not pinned with ==: ${req}`);
    });
  }
  return findings.sort((a, b) => a.line - b.line);
}

type Add = (rule: string, at: Instruction | number, message: string) => void;
type ArgProperty = { getName(): string; getValue(): string | null } | null;

/**
 * A FROM that uses ARGs must resolve, through the ARG defaults declared before the first FROM,
 * to a tagged, non-latest image (or an earlier stage). FROMs without variables are left to
 * hadolint (DL3006, DL3007) and checkov (CKV_DOCKER_7).
 */
function checkImagesFromArgs(initialArgs: ArgProperty[], froms: Instruction[], add: Add): void {
  const defaults = new Map<string, string>();
  for (const p of initialArgs) if (p && p.getValue() !== null) defaults.set(p.getName(), p.getValue()!);
  const stages = new Set<string>();
  for (const from of froms) {
    const args = from.getArguments().map((a) => a.getValue()).filter((v) => !v.startsWith('--'));
    const raw = args[0] ?? '';
    if (args[1]?.toLowerCase() === 'as' && args[2]) stages.add(args[2].toLowerCase());
    if (!raw.includes('$')) continue;
    const image = raw.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      const value = defaults.get(name);
      if (value === undefined) add('from-pinned', from, `FROM uses ARG ${name}, which has no default before the first FROM`);
      return value ?? '';
    });
    if (stages.has(image.toLowerCase())) continue;
    const withoutDigest = image.split('@')[0]!;
    const lastSegment = withoutDigest.split('/').pop() ?? '';
    const tag = lastSegment.includes(':') ? lastSegment.split(':').pop()! : '';
    if (!tag && !image.includes('@')) add('from-pinned', from, `FROM ${raw} resolves to ${image}, which has no tag`);
    else if (tag === 'latest') add('from-pinned', from, `FROM ${raw} resolves to ${image}: the latest tag`);
  }
}

/** HEALTHCHECK's timing is explicit (whether there is one is checkov's CKV_DOCKER_2, its form hadolint's DL3025). */
function checkHealthcheckFlags(healthchecks: Instruction[], add: Add): void {
  const hc = healthchecks[healthchecks.length - 1];
  if (!hc || /^NONE\b/i.test(argsText(hc))) return;
  const flags = new Set(flagsOf(hc).map((f) => f.name));
  for (const flag of ['interval', 'timeout', 'start-period', 'start-interval', 'retries'])
    if (!flags.has(flag)) add('healthcheck', hc, `HEALTHCHECK should set --${flag}`);
}

type InstallFrom = 'requirements.txt' | 'pyproject.toml' | 'poetry' | 'Pipfile';

/** A RUN that installs the dependencies: pip install, uv sync, poetry install, pipenv install. */
const INSTALL = /\b(?:pip3?\s+install|uv\s+sync|poetry\s+install|pipenv\s+install)\b/;

/**
 * What the install RUN installs from: uv sync and a pip install that bind-mounts pyproject.toml
 * (our pyproject variant) read [project].dependencies; poetry install, Poetry's dependencies;
 * pipenv install, the Pipfile; otherwise requirements.txt.
 */
function installedFile(all: Instruction[]): InstallFrom {
  const install = all.find((i) => i.getKeyword() === 'RUN' && INSTALL.test(argsText(i)));
  const text = install ? argsText(install) : '';
  if (/\bpoetry\s+install\b/.test(text)) return 'poetry';
  if (/\bpipenv\s+install\b/.test(text)) return 'Pipfile';
  if (/\buv\s+sync\b/.test(text)) return 'pyproject.toml';
  const mounted = (install ? flagsOf(install) : [])
    .filter((f) => f.name === 'mount' && /(^|,)type=bind(,|$)/.test(f.value ?? ''))
    .map((f) => /(?:^|,)(?:source|src)=([^,]+)/.exec(f.value ?? '')?.[1]);
  return mounted.includes('pyproject.toml') ? 'pyproject.toml' : 'requirements.txt';
}

type Declared = { where: string; names: Set<string> } | { error: string };

/**
 * The distributions the image installs: requirement lines, pyproject.toml's
 * [project].dependencies (and, for Poetry, [tool.poetry.dependencies]), or the Pipfile's [packages].
 */
function declaredDependencies(from: InstallFrom, readFile: (p: string) => string | undefined): Declared {
  const file = from === 'poetry' ? 'pyproject.toml' : from;
  const text = readFile(file);
  if (text === undefined) return { error: `${file} not found in the build context` };
  if (from === 'requirements.txt')
    return { where: file, names: new Set(requirementLines(text).map((r) => requirementName(r.text))) };
  type Toml = { project?: { dependencies?: unknown }; tool?: { poetry?: { dependencies?: unknown } }; packages?: unknown };
  let toml: Toml;
  try {
    toml = parseTOML<Toml>(text);
  } catch (error) {
    return { error: `${file} is not valid TOML: ${error instanceof Error ? error.message : String(error)}` };
  }
  const names = new Set<string>();
  const table = (value: unknown) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : []);
  if (from === 'Pipfile') {
    for (const name of table(toml.packages)) names.add(requirementName(name));
    return { where: "the Pipfile's [packages]", names };
  }
  const dependencies = toml.project?.dependencies;
  const pep621 = Array.isArray(dependencies) && dependencies.every((d) => typeof d === 'string');
  if (pep621) for (const d of dependencies as string[]) names.add(requirementName(d.trim()));
  if (from === 'poetry') for (const name of table(toml.tool?.poetry?.dependencies)) names.add(requirementName(name));
  if (!pep621 && names.size === 0)
    return { error: 'pyproject.toml has no [project].dependencies list, which the Dockerfile installs' };
  return { where: from === 'poetry' ? "pyproject.toml's dependencies" : "pyproject.toml's [project].dependencies", names };
}

/** The executable the CMD runs (or the module of `python -m X`) must be a declared dependency of the installed file. */
function checkServerPackage(argv: string[], declared: Declared, cmd: Instruction, add: Add): void {
  const exe = serverExecutable(argv);
  if ('error' in declared) {
    add('server-in-requirements', cmd, declared.error);
    return;
  }
  const pkg = SERVER_PACKAGES[exe];
  if (!pkg) {
    add('server-in-requirements', cmd, `CMD runs ${exe}, which is not a known Python server`);
    return;
  }
  if (!declared.names.has(pkg)) add('server-in-requirements', cmd, `CMD runs ${exe}, but ${pkg} is not in ${declared.where}`);
}

/** EXPOSE must list exactly the port the server binds, and the server must bind all interfaces. */
function checkExposedPort(
  argv: string[],
  exposes: Instruction[],
  readFile: (p: string) => string | undefined,
  cmd: Instruction,
  add: Add,
): void {
  const bound = boundAddress(argv, readFile);
  if ('error' in bound) {
    add('expose-port', cmd, bound.error);
    return;
  }
  if (bound.host !== '0.0.0.0' && bound.host !== '[::]' && bound.host !== '::')
    add('expose-port', cmd, `server binds ${bound.host}, unreachable from outside the container`);
  const exposed = exposes.flatMap((e) => e.getArguments().map((a) => a.getValue().split('/')[0]!));
  if (exposed.length === 0) add('expose-port', cmd, `no EXPOSE; the server listens on ${bound.port}`);
  for (const e of exposes) {
    const ports = e.getArguments().map((a) => a.getValue().split('/')[0]!);
    if (ports.some((p) => p !== String(bound.port)))
      add('expose-port', e, `EXPOSE ${ports.join(' ')} but the server listens on ${bound.port}`);
  }
}

/**
 * The `module:attr` the server loads must be a module of the project under one of its import
 * roots (COPY . . puts the project in the WORKDIR, which the servers put on sys.path, and a
 * src layout adds e.g. /app/src through PYTHONPATH).
 */
function checkServedModule(argv: string[], roots: string[], readFile: (p: string) => string | undefined, cmd: Instruction, add: Add): void {
  const target = argv.find((a) => /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$/.test(a));
  if (!target) return;
  const file = target.split(':')[0]!.replace(/\./g, '/');
  const under = (root: string) => (root ? `${root}/${file}` : file);
  if (roots.some((root) => readFile(`${under(root)}.py`) !== undefined || readFile(`${under(root)}/__init__.py`) !== undefined)) return;
  const where = roots.length > 1 ? ` (searched ${roots.map((r) => r || '.').join(', ')}: the WORKDIR and PYTHONPATH)` : '';
  add('cmd-target', cmd, `CMD serves ${target}, but neither ${file}.py nor ${file}/__init__.py is in the project${where}`);
}

/**
 * Where the final stage imports the project's modules from, relative to the build context:
 * '' (the WORKDIR, where COPY . . puts the project) and each PYTHONPATH entry of its ENV
 * instructions inside the WORKDIR (`/app/src` → `src`). Entries outside it (or using
 * variables) cannot hold the project's code and are ignored.
 */
function importRoots(finalStage: Instruction[]): string[] {
  const workdirs = finalStage.filter((i) => i.getKeyword() === 'WORKDIR');
  const workdir = (workdirs.length > 0 ? argsText(workdirs[workdirs.length - 1]!) : '/app').replace(/\/+$/, '');
  const roots = [''];
  for (const env of finalStage.filter((i): i is Env => i instanceof Env)) {
    for (const property of env.getProperties()) {
      if (property.getName() !== 'PYTHONPATH') continue;
      for (const entry of (property.getValue() ?? '').split(':').map((e) => e.replace(/\/+$/, ''))) {
        if (entry === workdir) continue;
        if (entry.startsWith(`${workdir}/`) && !entry.includes('$')) roots.push(entry.slice(workdir.length + 1));
      }
    }
  }
  return [...new Set(roots)];
}

type Bound = { host: string; port: number } | { error: string };

/** Where uvicorn/gunicorn listen, from the CMD flags or, for gunicorn, its config file. */
function boundAddress(argv: string[], readFile: (p: string) => string | undefined): Bound {
  const exe = serverExecutable(argv);
  const flag = (...names: string[]): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      for (const n of names) {
        if (argv[i] === n) return argv[i + 1];
        if (argv[i]!.startsWith(`${n}=`)) return argv[i]!.slice(n.length + 1);
      }
    }
    return undefined;
  };
  if (exe === 'uvicorn' || exe === 'fastapi') {
    const port = Number(flag('--port') ?? 8000);
    const host = flag('--host') ?? (exe === 'fastapi' && argv.includes('run') ? '0.0.0.0' : '127.0.0.1');
    return { host, port };
  }
  if (exe === 'gunicorn') {
    const bind = flag('--bind', '-b') ?? gunicornConfigBind(flag('--config', '-c') ?? 'gunicorn.conf.py', readFile);
    if (typeof bind !== 'string') return bind;
    const m = /^(.*):(\d+)$/.exec(bind);
    if (!m) return { error: `cannot read a host:port from gunicorn bind ${bind}` };
    return { host: m[1]!, port: Number(m[2]) };
  }
  return { error: `cannot tell which port ${exe} binds` };
}

/**
 * The `bind` of a gunicorn config file. It is Python, so this reads the common shapes:
 * `bind = "0.0.0.0:8000"`, `bind = ["0.0.0.0:8000"]`, or an f-string/format with an
 * environment default, e.g. `f"0.0.0.0:{os.environ.get('PORT', '8000')}"`.
 */
function gunicornConfigBind(file: string, readFile: (p: string) => string | undefined): string | { error: string } {
  const text = readFile(file.replace(/^\.\//, '').replace(/^\/app\//, ''));
  if (text === undefined) return { error: `gunicorn config ${file} not found; gunicorn would bind 127.0.0.1:8000` };
  const line = /^bind\s*=\s*(.+)$/m.exec(text);
  if (!line) return { error: `${file} sets no bind; gunicorn would bind 127.0.0.1:8000` };
  const rhs = line[1]!;
  const host = /(0\.0\.0\.0|127\.0\.0\.1|\[::\]|localhost)/.exec(rhs)?.[1];
  const ports = [...rhs.matchAll(/(?<![\d.])(\d{2,5})(?![\d.])/g)].map((m) => m[1]!);
  if (!host || ports.length !== 1) return { error: `cannot read a host:port from ${file}: bind = ${rhs}` };
  return `${host}:${ports[0]}`;
}

/** `["python", "-m", "uvicorn", ...]` → uvicorn; `["/opt/venv/bin/gunicorn", ...]` → gunicorn. */
function serverExecutable(argv: string[]): string {
  const base = (s: string) => s.split('/').pop() ?? s;
  if (/^python[\d.]*$/.test(base(argv[0] ?? '')) && argv[1] === '-m') return argv[2] ?? '';
  return base(argv[0] ?? '');
}

/** The lock-file installers, which read the files they need from bind mounts. */
const INSTALL_FROM_LOCK = /\b(?:uv\s+sync|poetry\s+install|pipenv\s+install)\b/;

/** Dependencies must be installed before the code is copied, so code edits keep that layer cached. */
function checkInstallOrder(all: Instruction[], add: Add): void {
  const install = all.find((i) => i.getKeyword() === 'RUN' && (INSTALL_FROM_LOCK.test(argsText(i)) || /\bpip3?\s+install\b.*-r\s+\S*requirements\.txt/.test(argsText(i))));
  if (!install) {
    add('deps-before-code', 0, 'no RUN installs the dependencies (pip install -r requirements.txt, uv sync, poetry install, pipenv install)');
    return;
  }
  const codeCopy = all.find((i) => {
    if (i.getKeyword() !== 'COPY' && i.getKeyword() !== 'ADD') return false;
    if (flagsOf(i).some((f) => f.name === 'from')) return false;
    const sources = i.getArguments().map((a) => a.getValue()).slice(0, -1);
    return sources.some((s) => !/requirements[\w-]*\.txt$/.test(s));
  });
  if (codeCopy && lineOf(codeCopy) < lineOf(install))
    add('deps-before-code', codeCopy, 'app code is copied before the dependencies are installed');
}

/** Packages for compiling dependencies (compilers, make, -dev headers): not for the image that runs. */
const BUILD_TOOL = /^(build-essential|gcc(-\d+)?|g\+\+(-\d+)?|clang(-\d+)?|make|cmake|pkg-config|pkgconf|[a-z0-9.+-]+-dev)(:\w+)?(=\S+)?$/;

/**
 * `apt-get install` (or `apt install`) must follow an `update` in the same RUN (the slim images
 * ship no package lists; an update cached in its own layer goes stale), and the final stage
 * must not install build tools: they belong in a builder stage.
 */
function checkAptInstalls(all: Instruction[], finalStage: Instruction[], add: Add): void {
  /** The words after `apt-get`/`apt` when its subcommand is `sub`, else undefined. */
  const aptArgs = (words: string[], sub: string): string[] | undefined => {
    const at = words.findIndex((w) => /^apt(-get)?$/.test(w.split('/').pop() ?? ''));
    if (at < 0) return undefined;
    const args = words.slice(at + 1);
    const command = args.find((w, i) => !w.startsWith('-') && !/^-[oct]$/.test(args[i - 1] ?? ''));
    return command === sub ? args : undefined;
  };
  for (const run of all.filter((i) => i.getKeyword() === 'RUN')) {
    const commands = argsText(run).split(/&&|\|\||[;|\n]/).map((c) => c.trim().split(/\s+/));
    const updated = commands.some((c) => aptArgs(c, 'update'));
    for (const args of commands.map((c) => aptArgs(c, 'install'))) {
      if (!args) continue;
      if (!updated) add('apt-install', run, 'apt-get install without apt-get update in the same RUN');
      const tools = args.filter((a) => a !== 'install' && BUILD_TOOL.test(a));
      if (finalStage.includes(run) && tools.length > 0)
        add('build-tools-in-final-stage', run, `the final stage installs build tools (${tools.join(', ')}); use a builder stage`);
    }
  }
}

/** Exec form: the arguments are a JSON array of strings. Returns the array, or undefined. */
function execForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: Docker would run it through /bin/sh
  }
  return undefined;
}

function requirementLines(text: string): { line: number; text: string }[] {
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.replace(/#.*/, '').trim() }))
    .filter((r) => r.text && !r.text.startsWith('-'));
}

/** PEP 503 normalised distribution name of a requirement line (`uvicorn[standard]==1` → uvicorn). */
function requirementName(req: string): string {
  return (/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(req)?.[0] ?? '').toLowerCase().replace(/[-_.]+/g, '-');
}

/** `--name=value` flags, which dockerfile-ast keeps apart from the arguments. */
function flagsOf(i: Instruction): { name: string; value: string | null }[] {
  if (!(i instanceof ModifiableInstruction)) return [];
  return i.getFlags().map((f) => ({ name: f.getName(), value: f.getValue() }));
}

/** The instruction's arguments with line continuations joined, as Docker reads them. */
function argsText(i: Instruction): string {
  return (i.getRawArgumentsContent() ?? '').replace(/\\\r?\n/g, ' ').trim();
}

function lineOf(i: Instruction): number {
  return i.getRange().start.line + 1;
}
