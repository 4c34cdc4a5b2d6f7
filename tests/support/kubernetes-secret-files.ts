// Where the database password is in a build of deploy/kubernetes (issue 23): never in a
// container's environment (no `env` entry that holds it or takes it from a Secret, no `envFrom`
// of a Secret that has it as a key), and mounted as the file the app reads in every container
// that needs it: a read-only volumeMount of a `secret` volume whose item puts the key at exactly
// that path, with a mode the container's user can read (the owner is root; the group is the
// pod's fsGroup).

import type { K8sObject } from './kubernetes-check.js';

/** One secret file: the Secret and key it comes from, and where the containers read it. */
export interface SecretFileSpec {
  secretName: string;
  key: string;
  path: string;
}

interface Mount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}
interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
  volumeMounts?: Mount[];
}
interface Volume {
  name: string;
  secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string; mode?: number }[] };
}
interface PodSpec {
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

function podOf(o: K8sObject): PodSpec | undefined {
  return ((o.spec as any)?.template?.spec as PodSpec | undefined) ?? undefined;
}

/**
 * Every place a container has the password in its environment. `secretKeys` gives the keys of
 * each Secret the flow creates (they are not in the build: `kubectl create secret` makes them).
 */
export function passwordInEnvironment(objects: K8sObject[], secret: SecretFileSpec, secretKeys: Record<string, string[]>): string[] {
  const found: string[] = [];
  const holdsIt = (secretName: string, key: string) => secretName === secret.secretName || /password/i.test(key);
  for (const o of objects) {
    const pod = podOf(o);
    if (!pod) continue;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const where = `${o.kind}/${o.metadata.name} container ${c.name}`;
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && holdsIt(ref.name, ref.key)) found.push(`${where}: env ${e.name} from Secret ${ref.name} key ${ref.key}`);
        if (e.value !== undefined && /PASSWORD$/.test(e.name)) found.push(`${where}: env ${e.name} has a value`);
      }
      for (const e of c.envFrom ?? []) {
        const name = e.secretRef?.name;
        if (name === undefined) continue;
        const keys = secretKeys[name];
        if (keys === undefined) found.push(`${where}: envFrom Secret ${name}, whose keys are unknown`);
        else for (const key of keys) if (holdsIt(name, key)) found.push(`${where}: envFrom Secret ${name}, which has ${key}`);
      }
    }
  }
  return found;
}

/** Why `container` of `o` cannot read the secret at its path (empty: it can). */
export function secretFileProblems(o: K8sObject, containerName: string, secret: SecretFileSpec): string[] {
  const pod = podOf(o);
  const where = `${o.kind}/${o.metadata.name} container ${containerName}`;
  const c = pod && [...(pod.initContainers ?? []), ...pod.containers].find((x) => x.name === containerName);
  if (!pod || !c) return [`${where}: no such container`];
  for (const m of c.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === m.name);
    if (!volume?.secret || volume.secret.secretName !== secret.secretName) continue;
    const item = volume.secret.items?.find((i) => i.key === secret.key);
    // Without items, every key is a file named after it.
    const file = item ? item.path : volume.secret.items ? undefined : secret.key;
    if (file === undefined) continue;
    const at = m.subPath !== undefined ? (m.subPath === file ? m.mountPath : undefined) : `${m.mountPath.replace(/\/$/, '')}/${file}`;
    if (at !== secret.path) continue;
    const problems: string[] = [];
    if (m.readOnly !== true) problems.push(`${where}: ${m.mountPath} is not mounted readOnly`);
    // A secret volume's default mode is 0644 (420).
    const mode = item?.mode ?? volume.secret.defaultMode ?? 0o644;
    const group = pod.securityContext?.fsGroup;
    const userGroup = pod.securityContext?.runAsGroup;
    const readable = (mode & 0o004) !== 0 || ((mode & 0o040) !== 0 && group !== undefined && group === userGroup) || pod.securityContext?.runAsUser === 0;
    if (!readable) problems.push(`${where}: mode 0${mode.toString(8)} (fsGroup ${group ?? 'none'}) cannot be read by its user`);
    return problems;
  }
  return [`${where}: nothing mounts key ${secret.key} of Secret ${secret.secretName} at ${secret.path}`];
}
