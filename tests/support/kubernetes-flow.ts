// The deploy flow a generated deploy/kubernetes/README.md documents, run without a cluster.
// The steps are read from the rendered README (its "## Deploy" section: per overlay, the sh
// block after "Once per cluster:" and the one after "Each release:"), split into words with
// shell-quote, and each command is carried out as far as it can be here:
//   - `cp`, `cd` and `kustomize edit`: for real, in a copy of the project (the digest a user
//     pastes for `<digest>` is one per release; a copied secret.env is filled in as its
//     comments say, so a URL's host in the Secret must be a Service too);
//   - `docker`, `kind`, `minikube`: skipped (building and loading the image needs no check here);
//   - `kubectl`: against a model of a cluster: `create namespace`, `create secret generic
//     --from-env-file` (the Secret's keys are the file's) or `--from-file=KEY=FILE` (one key
//     per file, the project's secrets/ copied beside deploy/), `delete job`, `apply -k DIR [-l
//     SELECTOR]` (the real `kubectl kustomize DIR`, then the selector applied to the objects as
//     kubectl applies it), `wait job/NAME`, `rollout status deployment/NAME`.
// On each apply, every object must find what it refers to among the objects applied in that
// step or an earlier one (ConfigMaps and their keys, Secrets and their keys, a ServiceAccount,
// Services, the HPA's target), in a namespace an earlier step made; a Job that exists with
// another pod template cannot be applied (the API server refuses: the template is immutable),
// and an unchanged one is not run again; `wait` must find a Job that this release created.
// Any other command or flag is an error, so a new step cannot slip past unchecked.

import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { parse as parseShell } from 'shell-quote';
import { KUSTOMIZE_BIN, kubectlKustomize, parseObjects, type K8sObject } from './kubernetes-check.js';
import { goRunEnv, run } from './run.js';

/** One overlay's documented steps. */
export interface DocumentedFlow {
  /** The `### ` heading it stands under. */
  title: string;
  once: string[];
  release: string[];
}

/** The sh blocks of the README's "## Deploy" section, per `### ` subsection. */
export function documentedFlows(readme: string): DocumentedFlow[] {
  const section = /^## Deploy\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('the README has no "## Deploy" section');
  const flows: DocumentedFlow[] = [];
  for (const part of section.split(/^### /m).slice(1)) {
    const title = part.split('\n')[0]!;
    const blocks = [...part.matchAll(/(Once per cluster|Each release):\n\n```sh\n([\s\S]*?)```/g)];
    const all = part.match(/```sh\n/g)?.length ?? 0;
    if (blocks.length !== all) throw new Error(`${title}: a sh block not introduced by "Once per cluster:" or "Each release:"`);
    const lines = (which: string) =>
      blocks.filter((b) => b[1] === which).flatMap((b) => b[2]!.split('\n').filter((l) => l.trim() !== ''));
    flows.push({ title, once: lines('Once per cluster'), release: lines('Each release') });
  }
  return flows;
}

// --- label selectors ----------------------------------------------------------------------

type Requirement = { key: string; op: '=' | '!='; value: string };

/**
 * A label selector as `kubectl -l` reads it: comma-separated requirements, each `key=value`,
 * `key==value` or `key!=value`. `!=` also matches an object without the label. The set-based
 * forms (`in`, `notin`, `key`, `!key`) are refused here: no documented step uses them.
 */
export function parseSelector(selector: string): Requirement[] {
  return selector.split(',').map((term) => {
    const m = /^\s*([A-Za-z0-9][-A-Za-z0-9_./]*)\s*(==|=|!=)\s*([-A-Za-z0-9_.]*)\s*$/.exec(term);
    if (!m) throw new Error(`selector term not understood here: "${term}"`);
    return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

export function selects(selector: Requirement[], labels: Record<string, string> | undefined): boolean {
  return selector.every((r) => (r.op === '=' ? labels?.[r.key] === r.value : labels?.[r.key] !== r.value));
}

// --- references ---------------------------------------------------------------------------

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef };
}
interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
interface PodSpec {
  serviceAccountName?: string;
  imagePullSecrets?: { name: string }[];
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  volumes?: { name: string; configMap?: { name: string; optional?: boolean }; secret?: { secretName: string; optional?: boolean; items?: { key: string; path: string }[] } }[];
}
interface ContainerSpec {
  name: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }[];
}

/** What an object needs to exist: `Kind/name` (in its namespace), and the keys it reads. */
export interface Reference {
  kind: string;
  name: string;
  key?: string;
  /** Where the object refers to it. */
  from: string;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

function podSpecOf(o: K8sObject): PodSpec | undefined {
  if (!WORKLOADS.has(o.kind)) return undefined;
  const spec = o.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  return spec.template?.spec ?? spec.jobTemplate?.spec.template.spec;
}

/**
 * Hosts in a setting that name something in the cluster (no dot, not localhost): those of URLs
 * in the value, or the value itself when the key names a host (POSTGRES_HOST=db).
 */
function settingHosts(key: string, value: string): string[] {
  if (/_HOST$/.test(key) && /^[a-z][a-z0-9-]*$/.test(value) && value !== 'localhost') return [value];
  return serviceHosts(value);
}

/** Hosts of URLs in a value that name something in the cluster: no dot, not localhost. */
function serviceHosts(value: string): string[] {
  const hosts: string[] = [];
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi)) {
    let host: string;
    try {
      host = new URL(m[0]).hostname;
    } catch {
      continue;
    }
    if (host !== '' && !host.includes('.') && !host.includes(':') && host !== 'localhost') hosts.push(host);
  }
  return hosts;
}

/** Everything an object refers to by name (the ConfigMaps' values are resolved by the caller). */
export function referencesOf(o: K8sObject): Reference[] {
  const refs: Reference[] = [];
  const spec = o.spec as Record<string, any> | undefined;
  const pod = podSpecOf(o);
  if (pod) {
    refs.push({ kind: 'ServiceAccount', name: pod.serviceAccountName ?? 'default', from: 'serviceAccountName' });
    for (const s of pod.imagePullSecrets ?? []) refs.push({ kind: 'Secret', name: s.name, from: 'imagePullSecrets' });
    for (const v of pod.volumes ?? []) {
      if (v.configMap && !v.configMap.optional) refs.push({ kind: 'ConfigMap', name: v.configMap.name, from: `volume ${v.name}` });
      if (v.secret && !v.secret.optional) {
        refs.push({ kind: 'Secret', name: v.secret.secretName, from: `volume ${v.name}` });
        // Each item names a key the Secret must have (the pod does not start without it).
        for (const item of v.secret.items ?? []) refs.push({ kind: 'Secret', name: v.secret.secretName, key: item.key, from: `volume ${v.name}` });
      }
    }
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const where = `container ${c.name}`;
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef && !e.configMapRef.optional) refs.push({ kind: 'ConfigMap', name: e.configMapRef.name, from: `${where} envFrom` });
        if (e.secretRef && !e.secretRef.optional) refs.push({ kind: 'Secret', name: e.secretRef.name, from: `${where} envFrom` });
      }
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        const secret = e.valueFrom?.secretKeyRef;
        if (cm && !cm.optional) refs.push({ kind: 'ConfigMap', name: cm.name, key: cm.key, from: `${where} env ${e.name}` });
        if (secret && !secret.optional) refs.push({ kind: 'Secret', name: secret.name, key: secret.key, from: `${where} env ${e.name}` });
        for (const host of settingHosts(e.name, e.value ?? '')) refs.push({ kind: 'Service', name: host, from: `${where} env ${e.name}` });
      }
    }
  }
  if (o.kind === 'StatefulSet' && spec?.serviceName) refs.push({ kind: 'Service', name: spec.serviceName, from: 'serviceName' });
  if (o.kind === 'HorizontalPodAutoscaler') refs.push({ kind: spec?.scaleTargetRef?.kind, name: spec?.scaleTargetRef?.name, from: 'scaleTargetRef' });
  if (o.kind === 'Ingress')
    for (const m of JSON.stringify(spec).matchAll(/"service":\{"name":"([^"]+)"/g)) refs.push({ kind: 'Service', name: m[1]!, from: 'backend' });
  // Settings that name a Service (a URL in the ConfigMap's values).
  if (o.kind === 'ConfigMap')
    for (const [key, value] of Object.entries((o.data ?? {}) as Record<string, string>))
      for (const host of settingHosts(key, value)) refs.push({ kind: 'Service', name: host, from: `data ${key}` });
  return refs;
}

/**
 * A secret.example filled in as its comments say: an empty `KEY=` takes the form its comment
 * ends with (`# ...: postgresql+psycopg://app:<password>@db:5432/app`), `<host>` a managed
 * service's name, any other `<...>` a made-up value; a key without a form gets one too.
 */
export function fillIn(example: string): string {
  const lines = example.split('\n');
  return lines
    .map((line, i) => {
      const key = /^([A-Za-z_][A-Za-z0-9_]*)=$/.exec(line)?.[1];
      if (!key) return line;
      const form = /: (\S+)$/.exec(lines[i - 1] ?? '')?.[1] ?? 'made-up';
      // The comments write the parts to fill in in capitals (USER:PASSWORD@HOST): a managed
      // service's host outside the cluster, made-up values for the rest.
      return `${key}=${form.replace(/\bHOST\b|<host>/g, 'managed.example.net').replace(/\b[A-Z]{2,}\b|<[^>]+>/g, 'made-up')}`;
    })
    .join('\n');
}

// --- the cluster model --------------------------------------------------------------------

interface Stored {
  object: K8sObject;
  /** The release whose steps created it (a Job runs once, when it is created). */
  createdInRelease: number;
}

const keyOf = (namespace: string | undefined, kind: string, name: string) => `${namespace ?? ''}/${kind}/${name}`;

/** What running the steps showed: each failure names the step. */
export interface FlowRun {
  problems: string[];
  /** The commands carried out (kubectl's and the real ones), in order. */
  done: string[];
  /** Objects applied, per `apply` step, as `Kind/name`. */
  applied: string[][];
}

export interface FlowOptions {
  /** The project (its deploy/ is copied: the steps edit files). */
  projectDir: string;
  /** How many times the release steps run. */
  releases?: number;
  /** A change to the built objects before each apply (a broken manifest for the tests of the checks). */
  mutate?: (objects: K8sObject[]) => void;
}

/**
 * `kubectl kustomize` of an overlay, by the folder's place in the copy and every file of the
 * copy (all that kustomize reads): the tests run the same flows, and their broken variants, over
 * the same projects, and each release's `kustomize edit` makes the same files again. So each
 * distinct build runs once per worker; every caller gets its own copy of the objects.
 */
const builds = new Map<string, K8sObject[]>();

/** A digest of every file under `root` (paths and contents). */
function treeDigest(root: string): string {
  const hash = createHash('sha256');
  for (const file of (readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[]).sort()) {
    const full = path.join(root, file);
    if (!statSync(full).isFile()) continue;
    hash.update(`${file}\0`).update(readFileSync(full)).update('\0');
  }
  return hash.digest('hex');
}

/** Runs the once-per-cluster steps, then the release steps `releases` times. */
export async function runFlow(flow: DocumentedFlow, options: FlowOptions): Promise<FlowRun> {
  const root = mkdtempSync(path.join(tmpdir(), 'cpda-flow-'));
  cpSync(path.join(options.projectDir, 'deploy'), path.join(root, 'deploy'), { recursive: true });
  // The project's secret files, which `create` made and a `--from-file` step reads.
  if (existsSync(path.join(options.projectDir, 'secrets'))) cpSync(path.join(options.projectDir, 'secrets'), path.join(root, 'secrets'), { recursive: true });
  // The prod overlay's own secret files, which the README's text has the user make with the
  // managed service's value (no step can: only they have it): made here as they would.
  for (const line of [...flow.once, ...flow.release])
    for (const [, file] of line.matchAll(/--from-file=[\w.-]+=(deploy\/\S+)/g)) {
      const made = path.join(root, file!);
      if (existsSync(made)) continue;
      mkdirSync(path.dirname(made), { recursive: true, mode: 0o700 });
      writeFileSync(made, 'the-managed-database-password\n', { mode: 0o644 });
    }
  const state = { cwd: root, previous: root, release: 0 };
  const namespaces = new Set<string>(['default']);
  const objects = new Map<string, Stored>();
  const out: FlowRun = { problems: [], done: [], applied: [] };

  const find = (ns: string | undefined, kind: string, name: string) => objects.get(keyOf(ns, kind, name));

  // Per release: every object of each overlay built, and what the steps applied of it.
  let built = new Set<string>();
  let appliedThisRelease = new Set<string>();
  async function build(dir: string): Promise<K8sObject[]> {
    const cacheKey = `${path.relative(root, dir)}\n${treeDigest(root)}`;
    if (!builds.has(cacheKey)) {
      const r = await kubectlKustomize(dir);
      if (r.code !== 0) throw new Error(`kubectl kustomize ${dir}: ${r.stderr}`);
      builds.set(cacheKey, parseObjects(r.stdout));
    }
    const objects = structuredClone(builds.get(cacheKey)!);
    for (const o of objects) built.add(`${o.kind}/${o.metadata.name}`);
    return objects;
  }

  async function kubectl(argv: string[], line: string): Promise<void> {
    const say = (m: string): void => void out.problems.push(`${line}\n  ${m}`);
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        namespace: { type: 'string', short: 'n' },
        kustomize: { type: 'string', short: 'k' },
        selector: { type: 'string', short: 'l' },
        'from-env-file': { type: 'string' },
        'from-file': { type: 'string', multiple: true },
        'ignore-not-found': { type: 'boolean' },
        for: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
    const ns = values.namespace;
    const [verb, ...rest] = positionals;
    if (verb === 'create' && rest[0] === 'namespace') {
      if (namespaces.has(rest[1]!)) say(`namespace ${rest[1]} exists already`);
      namespaces.add(rest[1]!);
    } else if (verb === 'create' && rest[0] === 'secret' && rest[1] === 'generic') {
      if (!ns || !namespaces.has(ns)) return say(`namespace ${ns} does not exist yet`);
      const file = values['from-env-file'];
      const files = values['from-file'] ?? [];
      // kubectl refuses --from-env-file with --from-file; each --from-file=KEY=FILE is one key.
      if (file && files.length > 0) return say('--from-env-file cannot be combined with --from-file');
      if (!file && files.length === 0) return say('no --from-env-file or --from-file');
      let data: Record<string, string>;
      if (file) {
        const text = readFileSync(path.resolve(state.cwd, file), 'utf8');
        data = Object.fromEntries([...text.matchAll(/^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
      } else {
        data = {};
        for (const source of files) {
          const m = /^([-._a-zA-Z0-9]+)=(.+)$/.exec(source);
          if (!m) return say(`--from-file=${source}: only the KEY=FILE form is modelled`);
          const from = path.resolve(state.cwd, m[2]!);
          if (!existsSync(from)) return say(`--from-file=${source}: ${m[2]} does not exist`);
          data[m[1]!] = readFileSync(from, 'utf8');
        }
      }
      objects.set(keyOf(ns, 'Secret', rest[2]!), { object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: rest[2]!, namespace: ns }, data }, createdInRelease: state.release });
    } else if (verb === 'delete' && rest[0] === 'job') {
      const key = keyOf(ns, 'Job', rest[1]!);
      if (!objects.has(key) && !values['ignore-not-found']) say(`job ${rest[1]} not found`);
      objects.delete(key);
    } else if (verb === 'apply' && values.kustomize) {
      const all = await build(path.resolve(state.cwd, values.kustomize));
      options.mutate?.(all);
      const selector = values.selector ? parseSelector(values.selector) : [];
      const step = all.filter((o) => selects(selector, o.metadata.labels));
      out.applied.push(step.map((o) => `${o.kind}/${o.metadata.name}`));
      for (const o of step) appliedThisRelease.add(`${o.kind}/${o.metadata.name}`);
      const inStep = (n: string | undefined, kind: string, name: string) =>
        step.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === n);
      for (const o of step) {
        const n = o.metadata.namespace;
        const what = `${o.kind}/${o.metadata.name}`;
        if (n && !namespaces.has(n)) say(`${what}: namespace ${n} does not exist yet`);
        for (const ref of referencesOf(o)) {
          if (ref.kind === 'ServiceAccount' && ref.name === 'default') continue;
          const target = inStep(n, ref.kind, ref.name) ?? find(n, ref.kind, ref.name)?.object;
          if (!target) {
            say(`${what} (${ref.from}) refers to ${ref.kind}/${ref.name}, which no step so far applied`);
            continue;
          }
          const data = (target.data ?? {}) as Record<string, string>;
          if (ref.key !== undefined && !(ref.key in data)) say(`${what} (${ref.from}) reads key ${ref.key} of ${ref.kind}/${ref.name}, which has only ${Object.keys(data).join(', ') || 'none'}`);
          // The settings and secrets a pod reads whole: a URL in them names a Service too.
          if ((ref.kind === 'ConfigMap' || ref.kind === 'Secret') && ref.key === undefined)
            for (const [key, value] of Object.entries(data))
              for (const host of settingHosts(key, value))
                if (!inStep(n, 'Service', host) && !find(n, 'Service', host)) say(`${what} reads ${key} of ${ref.kind}/${ref.name}, naming Service ${host}, which no step so far applied`);
        }
      }
      for (const o of step) {
        const key = keyOf(o.metadata.namespace, o.kind, o.metadata.name);
        const existing = objects.get(key);
        if (o.kind === 'Job' && existing) {
          if (!isDeepStrictEqual((existing.object.spec as any)?.template, (o.spec as any)?.template))
            say(`Job/${o.metadata.name} exists with another pod template: the API server refuses the change (field is immutable)`);
          continue; // an unchanged Job is left as it is: it does not run again
        }
        objects.set(key, { object: o, createdInRelease: existing?.createdInRelease ?? state.release });
      }
    } else if (verb === 'wait') {
      const [kind, name] = (rest[0] ?? '').split('/');
      if (kind !== 'job' || !values.for?.startsWith('condition=')) return say('only `wait --for=condition=... job/NAME` is modelled');
      const job = find(ns, 'Job', name!);
      if (!job) say(`job ${name} does not exist: wait would time out`);
      else if (job.createdInRelease !== state.release) say(`job ${name} is the one of release ${job.createdInRelease}: this release's migration never ran`);
    } else if (verb === 'rollout' && rest[0] === 'status') {
      const name = rest[1]!.replace(/^deployment\//, '');
      if (!find(ns, 'Deployment', name)) say(`deployment ${name} was never applied`);
    } else {
      throw new Error(`a documented kubectl command this model does not know: ${line}`);
    }
  }

  /** Runs one simple command; false where a shell would see a non-zero status (only `[ -e ]` has one here). */
  async function simple(argv: string[], line: string): Promise<boolean> {
    const [command, ...args] = argv;
    switch (command) {
      case '[': {
        if (args.length !== 3 || args[0] !== '-e' || args[2] !== ']') throw new Error(`a test this model does not run: ${line}`);
        return existsSync(path.resolve(state.cwd, args[1]!));
      }
      case 'kubectl':
        await kubectl(args, line);
        return true;
      case 'cp': {
        if (args.length !== 2) throw new Error(`cp with other than two arguments: ${line}`);
        const target = path.resolve(state.cwd, args[1]!);
        copyFileSync(path.resolve(state.cwd, args[0]!), target);
        // The README says to fill it in: as a user does, from the form each key's comment gives.
        if (/\.env$/.test(target)) writeFileSync(target, fillIn(readFileSync(target, 'utf8')));
        return true;
      }
      case 'cd': {
        const next = args[0] === '-' ? state.previous : path.resolve(state.cwd, args[0]!);
        state.previous = state.cwd;
        state.cwd = next;
        return true;
      }
      case 'kustomize': {
        const r = await run(KUSTOMIZE_BIN, args, { cwd: state.cwd, env: goRunEnv(), timeoutMs: 30_000 });
        if (r.code !== 0) out.problems.push(`${line}\n  kustomize exited ${r.code}: ${r.stderr.trim()}`);
        return true;
      }
      case 'docker':
      case 'kind':
      case 'minikube':
        return true; // the image: nothing to check without an engine and a cluster
      default:
        throw new Error(`a documented command this model does not know: ${line}`);
    }
  }

  async function step(line: string): Promise<void> {
    // What a user pastes for the placeholder: the digest of this release's image.
    const pasted = line.replaceAll('<digest>', String(state.release).repeat(64).slice(0, 64));
    // A list of simple commands joined by && and ||, run as sh runs it: left to right, each
    // operator deciding from the status so far whether the next command runs.
    let argv: string[] = [];
    let status = true;
    let runNext = true;
    const flush = async () => {
      if (argv.length > 0 && runNext) status = await simple(argv, line);
      argv = [];
    };
    for (const token of parseShell(pasted)) {
      if (typeof token === 'string') argv.push(token);
      else if ('comment' in token) break;
      else if ('op' in token && (token.op === '&&' || token.op === '||')) {
        await flush();
        runNext = token.op === '&&' ? status : !status;
      } else throw new Error(`a shell construct this model does not run: ${JSON.stringify(token)} in ${line}`);
    }
    await flush();
    out.done.push(line);
  }

  for (const line of flow.once) await step(line);
  for (let release = 1; release <= (options.releases ?? 2); release++) {
    state.release = release;
    built = new Set();
    appliedThisRelease = new Set();
    for (const line of flow.release) await step(line);
    const left = [...built].filter((o) => !appliedThisRelease.has(o));
    if (left.length > 0) out.problems.push(`release ${release}: no step applied ${left.join(', ')}`);
    if (built.size === 0) out.problems.push(`release ${release}: no step applied an overlay`);
  }
  return out;
}
