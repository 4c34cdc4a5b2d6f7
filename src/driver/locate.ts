// Where the `add` commands write: an existing directory, the same rule from the CLI and from
// plop. It must exist (nothing is created for a mistyped --dir), and it is taken by its real
// path, so a symlinked parent cannot lead the writes somewhere the user did not name; plop
// confines it to its destination folder, checked on real paths too.

import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { assertSafeTarget } from '../engine/write.js';
import { CliError } from '../errors.js';
import type { StepContext } from './command.js';

export function existingDirectory(given: string, step: StepContext, hint: string): string {
  const dir = path.resolve(step.cwd, given);
  assertSafeTarget(dir);
  if (!isDirectory(dir)) throw new CliError('detect-failed', `${given} does not exist or is not a directory; ${hint}`);
  const real = realpathSync(dir);
  if (step.within) {
    const root = realpathSync(step.within);
    if (real !== root && !real.startsWith(root + path.sep))
      throw new CliError('unsafe-target', `${given} is outside ${root}${real === dir ? '' : ` (it leads to ${real})`}; give a folder inside it`);
  }
  return real;
}

export function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
