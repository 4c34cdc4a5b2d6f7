// Unknown fields in Kubernetes objects: what `kubectl apply` (strict field validation, the
// default since 1.27) refuses and the OpenAPI schemas let through. kubernetes-models generates a
// TypeScript interface per kind from the same Kubernetes 1.36 definitions, and TypeScript
// rejects an object literal with a property its type does not declare, at any depth. So the
// objects are printed as typed literals into one virtual module (never written to disk) beside
// the tests, and the TypeScript compiler, a dev dependency, reports every excess property.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompilerOptions, SourceFile } from 'typescript';
import ts from './typescript.js';
import { idOf, type K8sObject } from './kubernetes-check.js';

/** A path inside the repository, so that `kubernetes-models` resolves from its node_modules. */
const VIRTUAL = path.join(path.dirname(fileURLToPath(import.meta.url)), '__kubernetes_objects__.ts');

const OPTIONS: CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: [],
  // The language's own lib, not the DOM's (the default's half, which no object type here needs).
  lib: ['lib.es2022.d.ts'],
  skipLibCheck: true,
};

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

  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, onError, create) => {
    if (name === VIRTUAL) return ts.createSourceFile(name, source, version);
    const key = `${name}\0${JSON.stringify(version)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile.call(host, name, version, onError, create));
    return parsed.get(key);
  };
  host.fileExists = (name) => name === VIRTUAL || fileExists.call(host, name);
  host.readFile = (name) => (name === VIRTUAL ? source : readFile.call(host, name));

  const program = ts.createProgram([VIRTUAL], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file?.fileName !== VIRTUAL || d.start === undefined) return `(types) ${message}`;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const index = line - header;
    const object = objects[index];
    const where = object ? `${labels[index] ? `${labels[index]}: ` : ''}${idOf(object)}` : `line ${line + 1}`;
    return `${where}: ${message}`;
  });
}
