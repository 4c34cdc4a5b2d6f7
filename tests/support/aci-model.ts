// Azure's model of a container group, for deploy/aci/'s files: the azure-mgmt-containerinstance
// SDK from PyPI at a pinned version, in a small venv of its own (tests/support/pinned-venv.ts).
// tests/support/aci-model.py does the checking.

import { installUv } from '../../scripts/lock/uv-tool.js';
import { installPinnedVenv, type VenvInstall } from './pinned-venv.js';

/** API version 2023-05-01, the one deploy/aci/'s files name (ACI_API_VERSION). */
export const ACI_SDK_PIN = 'azure-mgmt-containerinstance==10.1.0';

export type AciModelInstall = VenvInstall;

/** The venv's interpreter, from the cache or installed now; not root or no PyPI: a reason to skip. */
export async function installAciModel(): Promise<AciModelInstall> {
  // With the pinned uv, compiled as pip would: seconds from an empty uv cache.
  const uv = installUv();
  if (!uv.ok) return uv;
  return installPinnedVenv('aci-model', [ACI_SDK_PIN], { uv: uv.tool, bytecode: true });
}
