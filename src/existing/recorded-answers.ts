// What our answers file says of a project, read leniently for detection (add docker, add
// kubernetes, add deploy): hints, where a hand-edited or foreign file only loses them. update
// reads the same file strictly (options/answers-file.ts).

import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ANSWERS_FILE } from '../options/answers-file.js';
import { nameProblem } from '../options/names.js';
import { PYTHON_VERSIONS, type PythonVersion } from '../options/values.js';

export interface RecordedProject {
  name?: string;
  framework?: string;
  python?: PythonVersion;
  postgres?: boolean;
  redis?: boolean;
  migrations?: boolean;
  worker?: string;
  beat?: boolean;
}

/** What our answers file in `root` says, or undefined without one (or one that is not JSON). */
export function readAnswers(root: string): RecordedProject | undefined {
  let text: string;
  try {
    const file = path.join(root, ANSWERS_FILE);
    if (!lstatSync(file).isFile()) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let answers: unknown;
  try {
    answers = (JSON.parse(text) as { answers?: unknown }).answers;
  } catch {
    return undefined;
  }
  if (typeof answers !== 'object' || answers === null) return undefined;
  const a = answers as Record<string, unknown>;
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  return {
    name: typeof a.name === 'string' && !nameProblem(a.name) ? a.name : undefined,
    framework: typeof a.framework === 'string' ? a.framework : undefined,
    python: (PYTHON_VERSIONS as readonly unknown[]).includes(a.python) ? (a.python as PythonVersion) : undefined,
    postgres: bool(a.postgres),
    redis: bool(a.redis),
    migrations: bool(a.migrations),
    worker: typeof a.worker === 'string' ? a.worker : undefined,
    beat: bool(a.beat),
  };
}
