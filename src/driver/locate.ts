// Where the `add` commands write: an existing directory, the same rule from the CLI and from
// plop. It must exist (nothing is created for a mistyped --dir), and it is taken by its real
// path, so a symlinked parent cannot lead the writes somewhere the user did not name; plop
// confines it to its destination folder, checked on real paths too.

import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { recoverInterruptedWrites } from '../engine/interrupted-write.js';
import { isBelow } from '../engine/plain-relative.js';
import { assertSafeTarget } from '../engine/write.js';
import { CliError } from '../errors.js';
import type { ParsedArgs, StepContext } from './command.js';
import { displayDir } from './report.js';

/**
 * The existing directory an `add` command writes into, after putting back what a run killed
 * while moving files into it had moved (engine/interrupted-write.ts): detection must not read a
 * half-written folder. `recovered` says what was put back, for the report.
 */
export function existingProject(given: string, step: StepContext, hint: string, args: Pick<ParsedArgs, 'dryRun'>): { dir: string; recovered: string[] } {
  const dir = existingDirectory(given, step, hint);
  return { dir, recovered: recoverInterruptedWrites(dir, displayDir(dir, step.cwd), { dryRun: args.dryRun }) };
}

export function existingDirectory(given: string, step: StepContext, hint: string): string {
  const dir = path.resolve(step.cwd, given);
  assertSafeTarget(dir);
  if (!isDirectory(dir)) throw new CliError('detect-failed', `${given} does not exist or is not a directory; ${hint}`);
  const real = realpathSync(dir);
  if (step.within) {
    const root = realpathSync(step.within);
    if (real !== root && !isBelow(root, real))
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
