// Checks for the generated Kubernetes manifests, with real parts:
//  - kustomize 5.8 and kubectl 1.36 from Debian sid (scripts/setup-test-env.sh unpacks them into
//    the test cache) build the overlays exactly as a user's `kubectl apply -k` would;
//  - the Kubernetes 1.36 OpenAPI schemas, as compiled into the kubernetes-models npm package,
//    validate every object (types, enums, required fields; unknown fields are not reported: the
//    OpenAPI definitions allow them, so kubernetes-fields.ts checks those).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { oncePerText } from './once-per-text.js';
import { goRunEnv, run, type RunResult } from './run.js';

const CACHE = process.env.CPDA_CACHE ?? '/var/cache/create-python-docker-app';
export const KUSTOMIZE_BIN = path.join(CACHE, 'kube-tools/usr/bin/kustomize');
export const KUBECTL_BIN = path.join(CACHE, 'kube-tools/usr/bin/kubectl');

/** Why the real kustomize cannot run here, or null when it can. */
export function kustomizeUnavailable(): string | null {
  return existsSync(KUSTOMIZE_BIN) && existsSync(KUBECTL_BIN)
    ? null
    : `${KUSTOMIZE_BIN} or ${KUBECTL_BIN} is missing: run scripts/setup-test-env.sh as root`;
}

/** A Kubernetes object as parsed from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** `kustomize build DIR`: the objects an overlay (or the base) stands for. */
export function kustomizeBuild(dir: string): Promise<RunResult> {
  return run(KUSTOMIZE_BIN, ['build', dir], { env: goRunEnv(), timeoutMs: 30_000 });
}

/** `kubectl kustomize DIR`: the build `kubectl apply -k` does. */
export function kubectlKustomize(dir: string): Promise<RunResult> {
  return run(KUBECTL_BIN, ['kustomize', dir], { env: goRunEnv(), timeoutMs: 30_000 });
}

/**
 * Every document of a YAML stream; empty documents (a leading `---`) are skipped. Parsed once
 * per distinct text (a test:fast run asked 146 times about 97 texts: the same overlay's build or
 * file in several tests).
 */
export const parseObjects = oncePerText((text: string): K8sObject[] =>
  parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null),
);

export function readObjects(file: string): K8sObject[] {
  return parseObjects(readFileSync(file, 'utf8'));
}

/** `Deployment/my-api` */
export function idOf(o: Pick<K8sObject, 'kind' | 'metadata'>): string {
  return `${o.kind}/${o.metadata?.name ?? '(no name)'}`;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * Schema errors of one object, as `Kind/name: /json/pointer message` lines; empty when valid.
 * The model is found by apiVersion and kind, so an object of a kind or version that Kubernetes
 * 1.36 does not serve is an error too.
 */
export async function schemaErrors(object: K8sObject): Promise<string[]> {
  const where = idOf(object);
  let Model: ModelClass;
  try {
    const module = (await import(/* @vite-ignore */ `kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<string, ModelClass>;
    Model = module[object.kind]!;
  } catch {
    return [`${where}: no Kubernetes 1.36 schema for apiVersion ${object.apiVersion}, kind ${object.kind}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string; params?: unknown }[] }).errors;
    if (!errors) return [`${where}: ${String(error)}`];
    return errors.map((e) => `${where}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

export async function allSchemaErrors(objects: K8sObject[]): Promise<string[]> {
  return (await Promise.all(objects.map(schemaErrors))).flat();
}
