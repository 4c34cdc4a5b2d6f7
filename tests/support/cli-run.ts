// Test helpers for the CLI contract tests: run `main()` in-process with fake streams, spawn the
// built bin (optionally on a pseudo-terminal or inside a private mount namespace), and take
// snapshots of a directory tree to prove that a refused run changed nothing.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.js';
import { PROJECT_OPTIONS } from '../../src/options/table.js';
import { SETUP_QUESTION } from '../../src/driver/resolve.js';
import type { Prompter } from '../../src/driver/prompts.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(REPO, 'dist', 'create-python-docker-app.js');
export const PTY_DRIVER = path.join(REPO, 'tests', 'support', 'pty-run.py');
export const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
export const IS_ROOT = process.getuid?.() === 0;

/**
 * One root for every temp dir of a test file; `afterAll(removeTempDirs)` removes it (CPDA_KEEP_TMP=1 keeps it).
 * A new one when the temp dir changed: the next test file in the same worker (private-tmpdir.ts).
 */
let tempRoot: string | undefined;

export function tempDir(prefix = 'cpda-cli-'): string {
  if (!tempRoot || path.dirname(tempRoot) !== tmpdir()) tempRoot = mkdtempSync(path.join(tmpdir(), 'cpda-cli-tests-'));
  return mkdtempSync(path.join(tempRoot, prefix));
}

export function removeTempDirs(): void {
  if (tempRoot && !process.env.CPDA_KEEP_TMP) rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = undefined;
}

/** A real Writable (util.styleText insists on one) that keeps what was written. */
export class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  constructor(tty = false) {
    super({
      write: (chunk: Buffer | string, _enc, cb) => {
        this.text += chunk.toString();
        cb();
      },
    });
    if (tty) this.isTTY = true;
  }
}

const refuse = async (): Promise<never> => {
  throw new Error('this test expected no prompt');
};
const NO_PROMPTS: Prompter = { text: refuse, select: refuse, confirm: refuse };

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process. `tty` makes stdin and stderr look like a terminal. */
export async function runMain(
  argv: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; tty?: boolean; prompter?: Prompter },
): Promise<MainRun> {
  const stdout = new Capture();
  const stderr = new Capture(opts.tty);
  const code = await main(argv, {
    stdin: { isTTY: opts.tty ?? false },
    stdout,
    stderr,
    cwd: opts.cwd,
    env: opts.env ?? {},
    // Never let an in-process run reach the real prompt library (it would wait on stdin).
    prompter: opts.prompter ?? (opts.tty ? NO_PROMPTS : undefined),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

// ---------------------------------------------------------------------------------------------
// A scripted prompter: answers by question, records every question asked, and (like inquirer)
// re-asks a text question whose answer its validate() rejects.

export const ENTER = Symbol('enter: accept the default');
type Answer = string | boolean | typeof ENTER;

export interface AskedQuestion {
  kind: 'text' | 'select' | 'confirm';
  /** 'name' for the project-name question, otherwise the option key. */
  key: string;
  message: string;
  default: string | boolean;
  choices?: readonly string[];
  /** Messages validate() returned for rejected answers to this question. */
  rejected: string[];
}

export interface ScriptedPrompter extends Prompter {
  asked: AskedQuestion[];
}

/** `answers[key]` is one answer or a list consumed in order (for re-asked questions). */
export function scriptedPrompter(answers: Record<string, Answer | Answer[]>): ScriptedPrompter {
  const queues = new Map<string, Answer[]>(Object.entries(answers).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]));
  const asked: AskedQuestion[] = [];
  const keyOf = (message: string): string =>
    /Project name$/.test(message)
      ? 'name'
      : message.startsWith(`${SETUP_QUESTION}:`)
        ? 'setup'
        : (PROJECT_OPTIONS.find((s) => s.message === message)?.key ?? `?${message}`);
  const next = (q: AskedQuestion): Answer => {
    const queue = queues.get(q.key);
    if (!queue || queue.length === 0) throw new Error(`unexpected prompt ${JSON.stringify(q.message)} (no scripted answer for ${q.key})`);
    return queue.length > 1 ? queue.shift()! : queue[0]!;
  };
  return {
    asked,
    async text(q) {
      const record: AskedQuestion = { kind: 'text', key: keyOf(q.message), message: q.message, default: q.default, rejected: [] };
      asked.push(record);
      for (let attempt = 0; attempt < 10; attempt++) {
        const raw = next(record);
        const value = raw === ENTER ? q.default : String(raw);
        const verdict = q.validate(value);
        if (verdict === true) return value;
        record.rejected.push(verdict);
      }
      throw new Error(`prompt ${q.message} never got a valid answer`);
    },
    async select(q) {
      const record: AskedQuestion = { kind: 'select', key: keyOf(q.message), message: q.message, default: q.default, choices: q.choices, rejected: [] };
      asked.push(record);
      const raw = next(record);
      const value = raw === ENTER ? q.default : String(raw);
      if (!q.choices.includes(value)) throw new Error(`scripted answer ${value} is not a choice of ${q.message}`);
      return value;
    },
    async confirm(q) {
      const record: AskedQuestion = { kind: 'confirm', key: keyOf(q.message), message: q.message, default: q.default, rejected: [] };
      asked.push(record);
      const raw = next(record);
      return raw === ENTER ? q.default : Boolean(raw);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Spawning the built CLI.

export interface BinRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The env a spawned CLI sees: no CI, no colour settings, unless a test adds them. Nor
 * NODE_EXTRA_CA_CERTS (set on machines behind a TLS-inspecting proxy, as these): with it every
 * Node process parses that certificate bundle as it starts, ~40 ms of CPU here, for each of the
 * fast group's ~120 CLI runs, and the CLI never uses the network. A test whose command does
 * (npm install from the registry) passes it back in `extra`.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(CI|CONTINUOUS_INTEGRATION|BUILD_NUMBER|GITHUB_ACTIONS|NO_COLOR|FORCE_COLOR|NODE_DISABLE_COLORS|NODE_EXTRA_CA_CERTS|VITEST.*|CPDA_.*)$/.test(key))
      delete env[key];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Fails with a clear message when dist/ is missing or older than src/ or a template (run
 * `npx tsup`): the build compiles the templates into dist/ (scripts/precompile-templates.ts).
 */
export function assertBuilt(): void {
  const dist = path.join(REPO, 'dist', 'cli.js');
  if (!existsSync(dist)) throw new Error('dist/cli.js is missing: run `npx tsup` (npm test builds first)');
  const built = statSync(dist).mtimeMs;
  const stale = ['src', 'templates']
    .flatMap((dir) => readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)))
    .filter((f) => f.endsWith('.ts') || f.endsWith('.ejs'))
    .filter((f) => statSync(path.join(REPO, f)).mtimeMs > built);
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale[0]}: run \`npx tsup\` first`);
}

/** Spawns the built bin with stdin closed (never a terminal); never waits longer than timeoutMs. */
export function runBin(
  argv: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number },
): BinRun {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...argv], {
    cwd: opts.cwd,
    env: cleanEnv(opts.env),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 15_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

/** Spawns an arbitrary wrapper command (e.g. `unshare -m sh -c ...`) and collects its output. */
export function runCommand(command: string, args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): BinRun {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: opts.cwd, env: cleanEnv(opts.env), encoding: 'utf8', timeout: opts.timeoutMs ?? 20_000 });
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

export interface PtyStep {
  /** A regular expression searched in the ANSI-stripped output after the previous match. */
  expect: string;
  /** Keystrokes to send once it matches ('\r' is Enter, '\x03' is Ctrl-C, '\x1b[B' is Down). */
  send: string;
}

export interface PtyRun {
  status: number | null;
  signal: number | null;
  /** Raw terminal output, ANSI included. */
  raw: string;
  /** The output with ANSI escapes removed. */
  text: string;
  timedOut: boolean;
  failedStep: string | null;
}

/** Runs the built bin on a pseudo-terminal (tests/support/pty-run.py), answering prompts. */
export function runOnPty(
  argv: string[],
  steps: PtyStep[],
  opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number; stdoutFile?: string },
): Promise<PtyRun> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  // With stdoutFile, stdout goes to that file and only stderr (the prompts) to the terminal.
  const command = opts.stdoutFile
    ? ['sh', '-c', 'out="$1"; shift; exec "$@" > "$out"', 'sh', opts.stdoutFile, process.execPath, BIN, ...argv]
    : [process.execPath, BIN, ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn(resolvedPython3() ?? 'python3', [PTY_DRIVER, JSON.stringify(steps), String(timeoutMs / 1000), '--', ...command], {
      cwd: opts.cwd,
      env: cleanEnv({ TERM: 'xterm-256color', ...opts.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as PtyRun);
      } catch {
        reject(new Error(`pty driver failed (exit ${code}): ${err || out}`));
      }
    });
  });
}

let python3: string | null | undefined;

/**
 * The python3 on PATH, resolved to its executable once (undefined when there is none, or it has
 * no `pty`): through pyenv's shims every call would first run pyenv's bash scripts.
 */
function resolvedPython3(): string | undefined {
  if (python3 === undefined) {
    const found = spawnSync('python3', ['-c', 'import pty, sys; print(sys.executable)'], { encoding: 'utf8' });
    python3 = found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : null;
  }
  return python3 ?? undefined;
}

export function hasPython(): boolean {
  return resolvedPython3() !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Directory snapshots.

/** Every entry under `dir` (recursive, not following links) → a fingerprint of type, mode and content. */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const full = path.join(current, entry);
      const rel = path.relative(dir, full);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${(st.mode & 0o777).toString(8)}`;
        walk(full);
      } else if (!st.isFile()) out[rel] = `special ${st.mode.toString(8)}`; // a FIFO would block a read
      else out[rel] = `file ${(st.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(full)).digest('hex').slice(0, 16)}`;
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Every regular file under `dir`, relative, '/'-separated, sorted. */
export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/** Why a line of Markdown would not render as plain paragraph text (CommonMark block rules, entities). */
export function markdownBlockProblem(line: string): string | undefined {
  if (/^ {4,}/.test(line)) return 'indented code block';
  if (/^ {0,3}([-+*]|\d{1,9}[.)])( |$)/.test(line)) return 'list item';
  if (/^ {0,3}(-{3,}|\*{3,}|_{3,}|={3,})\s*$/.test(line)) return 'thematic break or setext underline';
  if (/^ {0,3}>/.test(line)) return 'block quote';
  if (/^ {0,3}#{1,6}( |$)/.test(line)) return 'heading';
  if (/(?<!\\)&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(line)) return 'character reference';
  return undefined;
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>78]/g, '');
}

// ---------------------------------------------------------------------------------------------
// Python syntax checks: the oldest Python the generated projects support (3.12) when this
// machine has it (pyenv), otherwise whatever python3 is.

export const SYNTAX_PYTHON = ['/root/.pyenv/versions/3.12.1/bin/python3', 'python3.12', 'python3'].find(
  (exe) => spawnSync(exe, ['-c', 'import sys; assert sys.version_info >= (3, 12)'], { encoding: 'utf8' }).status === 0,
) ?? 'python3';

const COMPILE_SCRIPT = `
import json, sys
errors = []
for f in json.load(sys.stdin):
    try:
        compile(f["contents"], f["path"], "exec", dont_inherit=True)
    except SyntaxError as e:
        errors.append(f"{f['path']}:{e.lineno}: {e.msg}")
print(json.dumps(errors))
`;

/** Compiles every file in memory (no .pyc written); returns "path:line: message" for each failure. */
export function pythonSyntaxErrors(files: { path: string; contents: string }[]): string[] {
  const known = syntaxVerdicts.get(JSON.stringify(files));
  if (known) return [...known];
  const result = spawnSync(SYNTAX_PYTHON, ['-c', COMPILE_SCRIPT], { input: JSON.stringify(files), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

/** pythonSyntaxErrors' and pythonCompiledConstants' answers computed ahead, by the JSON of the files asked about. */
const syntaxVerdicts = new Map<string, readonly string[]>();
const constantVerdicts = new Map<string, string>();

const COMPILE_MANY_SCRIPT = `
import ast, json, sys
sets = json.load(sys.stdin)
seen = {}
def verdict(f):
    key = f["path"] + "\\0" + f["contents"]
    if key not in seen:
        try:
            compile(f["contents"], f["path"], "exec", dont_inherit=True)
            seen[key] = [None, [n.value for n in ast.walk(ast.parse(f["contents"])) if isinstance(n, ast.Constant) and isinstance(n.value, str)]]
        except SyntaxError as e:
            seen[key] = [f"{f['path']}:{e.lineno}: {e.msg}", None]
    return seen[key]
print(json.dumps([[verdict(f) for f in files] for files in sets]))
`;

/**
 * One Python run for many later pythonSyntaxErrors and pythonCompiledConstants calls (each
 * distinct file compiled once: most files are the same in every project): a test file that
 * checks many projects computes their verdicts in its beforeAll, and each test still asks about
 * its own project's files, answered by their contents.
 */
export function precompilePython(sets: { path: string; contents: string }[][]): void {
  const result = spawnSync(SYNTAX_PYTHON, ['-c', COMPILE_MANY_SCRIPT], { input: JSON.stringify(sets), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  const verdicts = JSON.parse(result.stdout) as [error: string | null, constants: string[] | null][][];
  sets.forEach((files, i) => {
    const errors = verdicts[i]!.flatMap(([error]) => (error === null ? [] : [error]));
    const constants = Object.fromEntries(files.flatMap((f, j) => (verdicts[i]![j]![0] === null ? [[f.path, verdicts[i]![j]![1]!]] : [])));
    const key = JSON.stringify(files);
    syntaxVerdicts.set(key, Object.freeze(errors));
    constantVerdicts.set(key, JSON.stringify({ errors, constants }));
  });
}

/**
 * pythonSyntaxErrors and pythonStringConstants in one Python run: the compile errors, and every
 * string constant of each file that compiles.
 */
export function pythonCompiledConstants(files: { path: string; contents: string }[]): { errors: string[]; constants: Record<string, string[]> } {
  const known = constantVerdicts.get(JSON.stringify(files));
  if (known) return JSON.parse(known) as { errors: string[]; constants: Record<string, string[]> };
  const script = `
import ast, json, sys
errors, constants = [], {}
for f in json.load(sys.stdin):
    try:
        compile(f["contents"], f["path"], "exec", dont_inherit=True)
    except SyntaxError as e:
        errors.append(f"{f['path']}:{e.lineno}: {e.msg}")
        continue
    constants[f["path"]] = [n.value for n in ast.walk(ast.parse(f["contents"])) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
print(json.dumps({"errors": errors, "constants": constants}))
`;
  const result = spawnSync(SYNTAX_PYTHON, ['-c', script], { input: JSON.stringify(files), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { errors: string[]; constants: Record<string, string[]> };
}

/** Every string constant in each Python file (via ast), for checking how a value was quoted. */
export function pythonStringConstants(files: { path: string; contents: string }[]): Record<string, string[]> {
  const script = `
import ast, json, sys
out = {}
for f in json.load(sys.stdin):
    compile(f["contents"], f["path"], "exec", dont_inherit=True)  # raises on any compile error
    out[f["path"]] = [n.value for n in ast.walk(ast.parse(f["contents"])) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
print(json.dumps(out))
`;
  const result = spawnSync(SYNTAX_PYTHON, ['-c', script], { input: JSON.stringify(files), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, string[]>;
}
