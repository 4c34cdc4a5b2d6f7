// Azure Container Instances (`--deploy aci`): deploy/aci/ holds a container group YAML for
// `az container create --file` (./templates/) and, with migrations, a group that runs them once
// (`restartPolicy: Never`, src/features/deploy-aci-migrations/templates/). The database is
// Azure Database for PostgreSQL (flexible server), Redis is Azure Cache for Redis; the password
// comes from Key Vault at deploy time into a secret volume (/run/secrets/postgres_password), the
// Redis URL (it carries the cache's access key) into a secure environment value.

import type { DeployInput, DeployTargetFeature } from '../types.js';
import { cutName, platformFacts, platformWarnings, type PlatformFacts } from '../managed-platforms.js';

export const ACI_LAYER = 'deploy-aci';
export const ACI_MIGRATIONS_LAYER = 'deploy-aci-migrations';
export const ACI_DIR = 'deploy/aci';

/** The container group API version the files are written for (azure-mgmt-containerinstance 10.1.0's). */
export const ACI_API_VERSION = '2023-05-01';

/** The Azure CLI whose parser accepts every `az` command of the README (tests/tools/aci-cli-syntax.test.ts). */
export const ACI_CLI_VERSION = '2.91.0';

export interface AciFacts extends PlatformFacts {
  dir: string;
  apiVersion: string;
  cliVersion: string;
  /** A group is one instance: ACI has no autoscaling, so the connection budget holds by itself. */
  resources: { cpu: number; memoryInGB: number };
  /** Key Vault secret names. */
  passwordSecret: string;
  redisSecret: string;
  migrateName: string;
  /** Key Vault's name (3 to 24 characters) and the registry's (5 to 50 letters and digits). */
  keyVault: string;
  registry: string;
}

export function aciFacts(input: DeployInput): AciFacts {
  const facts = platformFacts(input);
  return {
    ...facts,
    dir: ACI_DIR,
    apiVersion: ACI_API_VERSION,
    cliVersion: ACI_CLI_VERSION,
    resources: { cpu: 1, memoryInGB: 1 },
    passwordSecret: `${facts.name}-postgres-password`,
    redisSecret: `${facts.name}-redis-url`,
    migrateName: `${facts.name}-migrate`,
    keyVault: `${cutName(facts.name, 21)}-kv`,
    registry: `${facts.name.replace(/-/g, '')}acr`.slice(0, 50),
  };
}

export function aciLayers(facts: Pick<AciFacts, 'migrations'>): string[] {
  return [ACI_LAYER, ...(facts.migrations ? [ACI_MIGRATIONS_LAYER] : [])];
}

export const aciTarget: DeployTargetFeature<AciFacts, 'aci'> = {
  key: 'aci',
  dir: ACI_DIR,
  layer: ACI_LAYER,
  chosen: ({ options }) => options.deploy.includes('aci'),
  contextKey: 'aci',
  label: 'ACI',
  summary: 'a container group for az container create --file, and a run-once group for the migrations',
  facts: aciFacts,
  data: ({ deploy }) => aciFacts(deploy),
  layers: aciLayers,
  warnings: (facts) => platformWarnings(facts, aciTarget.label),
  nextSteps: (facts) => [`# ACI: fill in ${facts.dir}/settings.env, then follow ${facts.dir}/README.md`],
};
