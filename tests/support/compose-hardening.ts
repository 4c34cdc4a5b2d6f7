// What "hardened" means for a service of compose.yaml, as the Kubernetes manifests have it for
// a pod: a read-only root file system (a tmpfs, sized, where it must write), every capability
// dropped and only an official image's entry-point capabilities added back, no new
// privileges, memory and pids limits, and json-file logs that rotate. And what the
// development override may change: only what reload needs.

import { parse as parseYaml } from 'yaml';
import { COMPOSE_YAML_TAGS } from './compose-check.js';

/** What the official postgres and redis entry points need to chown the data and drop to their user. */
export const ENTRYPOINT_CAPS = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'];

type Service = Record<string, unknown> & { build?: unknown; image?: string };

const services = (text: string) =>
  (parseYaml(text, { customTags: COMPOSE_YAML_TAGS }) as { services?: Record<string, Service> } | null)?.services ?? {};

/** Every way a service of a production compose.yaml falls short of the hardening, one line each. */
export function hardeningProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services(text))) {
    const fault = (what: string) => problems.push(`${name}: ${what}`);
    if (s.read_only !== true) fault('read_only is not true');
    for (const entry of (s.tmpfs as string[] | undefined) ?? []) if (!/^\/\S*:size=\d+[kmg](,exec)?$/.test(entry)) fault(`tmpfs ${entry} has no size`);
    if (JSON.stringify(s.cap_drop) !== '["ALL"]') fault(`cap_drop is ${JSON.stringify(s.cap_drop)}, not [ALL]`);
    const added = (s.cap_add as string[] | undefined) ?? [];
    // Our own image runs as its own user from the start: it needs no capability at all.
    const allowed = s.build === undefined ? ENTRYPOINT_CAPS : [];
    for (const cap of added) if (!allowed.includes(cap)) fault(`cap_add ${cap} is not allowed here`);
    if (s.privileged === true) fault('privileged');
    if (!((s.security_opt as string[] | undefined) ?? []).includes('no-new-privileges:true')) fault('no no-new-privileges:true');
    if (!/^\d+[kmg]$/.test(String(s.mem_limit ?? ''))) fault(`mem_limit is ${String(s.mem_limit)}`);
    if (!(Number(s.pids_limit) > 0)) fault(`pids_limit is ${String(s.pids_limit)}`);
    const logging = s.logging as { driver?: string; options?: Record<string, string> } | undefined;
    if (logging?.driver !== 'json-file' || !/^\d+[kmg]$/.test(logging.options?.['max-size'] ?? '') || !(Number(logging.options?.['max-file']) > 0))
      fault(`logging does not rotate: ${JSON.stringify(logging)}`);
  }
  return problems;
}

/**
 * What compose.override.yaml may set on a service: the dev server's command, the signal it
 * stops on, its ports, the code mounted read-only for reload, and watch rules. Anything else
 * (read_only, cap_add, tmpfs, limits, logging, a writable mount...) would loosen production's
 * hardening.
 */
const DEV_KEYS = new Set(['command', 'stop_signal', 'ports', 'volumes', 'develop']);

export function overrideProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services(text))) {
    for (const key of Object.keys(s)) if (!DEV_KEYS.has(key)) problems.push(`${name}: the override sets ${key}`);
    for (const volume of (s.volumes as unknown[] | undefined) ?? [])
      if (typeof volume !== 'string' || !/^\.\/\S+:\/\S+:ro$/.test(volume)) problems.push(`${name}: volume ${JSON.stringify(volume)} is not a read-only bind mount of the code`);
  }
  return problems;
}
