// Unknown fields in Kubernetes objects: what `kubectl apply` (strict field validation, the
// default since 1.27) refuses and the OpenAPI schemas let through. kubernetes-models generates a
// TypeScript interface per kind from the same Kubernetes 1.36 definitions, and TypeScript
// rejects an object literal with a property its type does not declare, at any depth. So the
// objects are printed as typed literals into one virtual module (never written to disk) beside
// the tests, and the TypeScript compiler, a dev dependency, reports every excess property.
//
// Outside CI the compiler's verdict is also kept on disk (node_modules/.cache/cpda-field-errors/),
// by the SHA-256 of everything that decides it: the virtual module's text (every object, and
// which interface each one is checked against), the compiler options and TypeScript's version;
// with it, every file the compiler read (TypeScript's lib, the models' declaration files) and
// the SHA-256 of its bytes, all read again and compared before a kept verdict is used. So the
// quick loop (`npm run test:fast`) compiles only objects it has not checked as they are now:
// the compiler runs were 4-5 of its ~60 CPU seconds, most of them parsing the declaration
// files again in each worker. Any object, option or declaration file that changed, and the
// compiler runs again; CI (a fresh checkout, CI set) always runs it. CPDA_NO_CACHE=1 turns it off.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompilerOptions, SourceFile } from 'typescript';
import { idOf, type K8sObject } from './kubernetes-check.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** A path inside the repository, so that `kubernetes-models` resolves from its node_modules. */
const VIRTUAL = path.join(HERE, '__kubernetes_objects__.ts');
const CACHE_DIR = path.join(HERE, '..', '..', 'node_modules', '.cache', 'cpda-field-errors');
const CACHING = !process.env.CI && !process.env.CPDA_NO_CACHE;
const require = createRequire(import.meta.url);

/**
 * The compiler, loaded on the first verdict not kept on disk, with require() as
 * tests/support/typescript.ts explains (a worker whose verdicts are all kept never loads it).
 */
let compiler: typeof import('typescript') | undefined;
function loadCompiler(): typeof import('typescript') {
  compiler ??= require('typescript') as typeof import('typescript');
  return compiler;
}

/** The options, as the compiler's enums spell them (written out, so the cache key needs no compiler). */
const OPTIONS = {
  strict: true,
  noEmit: true,
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'Bundler',
  types: [],
  // The language's own lib, not the DOM's (the default's half, which no object type here needs).
  lib: ['lib.es2022.d.ts'],
  skipLibCheck: true,
} as const;

function compilerOptions(ts: typeof import('typescript')): CompilerOptions {
  return {
    ...OPTIONS,
    types: [],
    lib: [...OPTIONS.lib],
    target: ts.ScriptTarget[OPTIONS.target],
    module: ts.ModuleKind[OPTIONS.module],
    moduleResolution: ts.ModuleResolutionKind[OPTIONS.moduleResolution],
  };
}

/**
 * The declaration files a compiler run reads (TypeScript's lib, kubernetes-models' interfaces),
 * parsed once per worker and shared by every run after the first: they do not change during a
 * test run, and parsing them is most of a run's cost. The virtual module is never cached.
 */
const parsed = new Map<string, SourceFile | undefined>();

/**
 * The package whose interfaces describe an API group: Kubernetes' own, or Knative's (Cloud Run's
 * Service), which @kubernetes-models/knative generates from knative.dev/serving's Go API types
 * the same way, its pod spec being Kubernetes' own.
 */
function modelsPackage(apiVersion: string): string {
  return apiVersion.endsWith('.knative.dev/v1') ? '@kubernetes-models/knative' : 'kubernetes-models';
}

/**
 * One line per unknown field or wrongly typed value: `Deployment/shop: Object literal may only
 * specify known properties, and 'bogus' ...`, prefixed with the object's label when given (its
 * project and build). One compiler run for all the objects: each costs about 1.5 s.
 */
export function fieldErrors(objects: K8sObject[], labels: string[] = []): string[] {
  const imports = objects.map((o, i) => `import type { I${o.kind} as T${i} } from '${modelsPackage(o.apiVersion)}/${o.apiVersion}/${o.kind}';`);
  // One object a line, so a diagnostic's line says which object it is about.
  const header = imports.length;
  const source = [...imports, ...objects.map((o, i) => `export const o${i}: T${i} = ${JSON.stringify(o)};`)].join('\n');
  return verdict(source).map(({ line, message }) => {
    if (line === undefined) return `(types) ${message}`;
    const index = line - header;
    const object = objects[index];
    const where = object ? `${labels[index] ? `${labels[index]}: ` : ''}${idOf(object)}` : `line ${line + 1}`;
    return `${where}: ${message}`;
  });
}

/** A diagnostic of the virtual module: its line (undefined when it is about no line of it) and text. */
interface Diagnostic {
  line?: number;
  message: string;
}

/** What the cache keeps for one virtual module: every file the compiler read, by its bytes' SHA-256, and the verdict. */
interface Kept {
  reads: [file: string, sha256: string][];
  diagnostics: Diagnostic[];
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** A file's SHA-256 as it is now, once per worker and file (declaration files do not change during a run). */
const fileHashes = new Map<string, string | undefined>();
function hashOf(file: string): string | undefined {
  if (!fileHashes.has(file)) fileHashes.set(file, existsSync(file) ? sha256(readFileSync(file)) : undefined);
  return fileHashes.get(file);
}

function verdict(source: string): Diagnostic[] {
  const key = sha256(JSON.stringify([source, OPTIONS, (require('typescript/package.json') as { version: string }).version]));
  const file = path.join(CACHE_DIR, `${key}.json`);
  if (CACHING && existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Kept;
    if (kept.reads.every(([read, hash]) => hashOf(read) === hash)) return kept.diagnostics;
  }
  const { reads, diagnostics } = compile(loadCompiler(), source);
  if (CACHING) {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Whole or not at all: another worker may read it meanwhile.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, JSON.stringify({ reads: reads.map((read) => [read, hashOf(read)!]), diagnostics } satisfies Kept));
    renameSync(partial, file);
  }
  return diagnostics;
}

/** The compiler's run over the virtual module: its diagnostics, and every file it read. */
function compile(ts: typeof import('typescript'), source: string): { reads: string[]; diagnostics: Diagnostic[] } {
  const options = compilerOptions(ts);
  const reads = new Set<string>();
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, onError, create) => {
    if (name === VIRTUAL) return ts.createSourceFile(name, source, version);
    reads.add(name);
    const key = `${name}\0${JSON.stringify(version)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile.call(host, name, version, onError, create));
    return parsed.get(key);
  };
  host.fileExists = (name) => name === VIRTUAL || fileExists.call(host, name);
  host.readFile = (name) => {
    if (name === VIRTUAL) return source;
    reads.add(name);
    return readFile.call(host, name);
  };

  const program = ts.createProgram([VIRTUAL], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d): Diagnostic => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file?.fileName !== VIRTUAL || d.start === undefined) return { message };
    return { line: d.file.getLineAndCharacterOfPosition(d.start).line, message };
  });
  // Only files that exist decide the verdict's text; a path the compiler looked for and did
  // not find stays out (the versions in the key cover a package that gains one).
  return { reads: [...reads].filter((read) => existsSync(read)).sort(), diagnostics };
}
