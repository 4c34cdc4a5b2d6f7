// What an add command wrote, recorded in a project we generated: its answers file then says the
// option is on (deploy: kubernetes, devcontainer: true), and its record holds each file as the
// command wrote it, as create would have recorded them. update and the other add commands then
// know of them: add worker gives deploy/kubernetes/ and .devcontainer/ the worker's parts, and
// update carries template changes into them and merges into the files every project shares
// what the option adds there (the README's section). Only in a record this version wrote:
// another version's is left as it was, and the warning says how to have them recorded.

import { lstatSync } from 'node:fs';
import path from 'node:path';
import semverGt from 'semver/functions/gt.js';
import semverValid from 'semver/functions/valid.js';
import { BASE_FILE, MAX_BASE_BYTES, sha256 } from '../engine/base-record.js';
import { renderProject } from '../engine/render.js';
import type { RenderedFile } from '../engine/rendered-file.js';
import { compareText } from '../engine/sort.js';
import { isLockFile } from '../features/locks.js';
import { ANSWERS_FILE, assertCompleteAnswers, MAX_ANSWERS_BYTES, readAnswersFile } from '../options/answers-file.js';
import { parseList, specFor, type ListSpec } from '../options/table.js';
import type { ProjectOptions } from '../options/values.js';
import { readUserFileIfAny } from '../user-files.js';

export interface Recorded {
  /** The answers file and the base record, rewritten: replaced without --force (RenderedFile.replace). */
  files: RenderedFile[];
  warnings: string[];
}

/**
 * The record files of `projectDir` with the option `turnOn` sets and `written` recorded; none
 * when the folder has no answers file of ours (a repository we did not make) or `turnOn` finds
 * the option on already (undefined).
 */
export function recordAdded(
  projectDir: string,
  version: string,
  turnOn: (options: Partial<ProjectOptions>) => Partial<ProjectOptions> | undefined,
  written: readonly RenderedFile[],
): Recorded {
  const answersPath = path.join(projectDir, ANSWERS_FILE);
  // No answers file: a repository we did not make, nothing to record.
  if (lstatSync(answersPath, { throwIfNoEntry: false }) === undefined) return { files: [], warnings: [] };
  const notRecorded = (why: string): Recorded => ({ files: [], warnings: [`not recorded in ${ANSWERS_FILE}: ${why}; update and add worker will not know of these files`] });
  const answersText = readUserFileIfAny(answersPath, { maxBytes: MAX_ANSWERS_BYTES, noFollow: true });
  if (answersText === undefined) return notRecorded('it is not a regular file this tool can read (a symbolic link?)');
  let recorded: ReturnType<typeof readAnswersFile>;
  try {
    recorded = readAnswersFile(answersPath, ANSWERS_FILE, { noFollow: true });
    assertCompleteAnswers(recorded);
  } catch (error) {
    return notRecorded(error instanceof Error ? error.message : String(error));
  }
  const changed = turnOn(recorded.options);
  if (changed === undefined) return { files: [], warnings: [] };
  if (recorded.version !== version)
    return notRecorded(
      `the project is from ${recorded.version ?? 'an unknown version'}, not this ${version}${isNewer(recorded.version, version) ? ': add it with that version or a later one' : ': run update first (and commit), then this command again'}`,
    );
  // The record must be true: these files, as create with the option writes them for the
  // project's answers. Flags that made them otherwise (another port, no migration Job) would be
  // undone by the next update, so such files are not recorded, and that is said.
  const options = { name: path.basename(projectDir), ...recorded.options, ...changed } as ProjectOptions;
  let asCreated: Map<string, string>;
  try {
    asCreated = new Map(renderProject(options, version).map((f) => [f.path, f.contents]));
  } catch {
    asCreated = new Map();
  }
  const differing = written.filter((f) => asCreated.get(f.path) !== f.contents).map((f) => f.path);
  if (differing.length > 0)
    return notRecorded(
      `${differing.length === 1 ? differing[0] : `${differing.length} files (${differing[0]}, ...)`} differ${differing.length === 1 ? 's' : ''} from what create writes for this project's answers (made from a flag, or from what was read of an edited Dockerfile or compose.yaml), and update would undo that`,
    );
  const document = recorded.document;
  const newline = answersText.endsWith('\n') ? '\n' : '';
  const answers = { ...(document.answers as object), ...changed };
  const hashes = isObject(document.files) ? document.files : undefined;
  const files: RenderedFile[] = [
    {
      path: ANSWERS_FILE,
      contents: `${JSON.stringify({ ...document, answers, ...(hashes ? { files: sortedWith(hashes, written.map((f) => [f.path, sha256(f.contents)])) } : {}) }, null, 2)}${newline}`,
      replace: true,
    },
  ];
  // The copies update merges against: only beside the hashes, as create writes them.
  const baseText = hashes ? readUserFileIfAny(path.join(projectDir, BASE_FILE), { maxBytes: MAX_BASE_BYTES, noFollow: true }) : undefined;
  const base = baseText === undefined ? undefined : parseObject(baseText);
  if (base && isObject(base.files)) {
    const copies = written.filter((f) => !isLockFile(f.path)).map((f): [string, unknown] => [f.path, f.contents.split('\n')]);
    files.push({ path: BASE_FILE, contents: `${JSON.stringify({ ...base, files: sortedWith(base.files, copies) }, null, 2)}\n`, replace: true });
  } else if (hashes && lstatSync(path.join(projectDir, BASE_FILE), { throwIfNoEntry: false }) !== undefined) {
    // The hashes without their copies would be a record update cannot merge from: both or neither.
    return notRecorded(`${BASE_FILE} is not a record this tool can read and extend`);
  }
  return { files, warnings: [] };
}

/** `map` with `entries` set, its keys in the record's order. */
function sortedWith(map: Record<string, unknown>, entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const all = new Map<string, unknown>([...Object.entries(map), ...entries]);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of [...all.keys()].sort(compareText)) out[key] = all.get(key);
  return out;
}

/** `recorded` is a newer release than `version` (semver's order; an unparsable one is not). */
function isNewer(recorded: string | undefined, version: string): boolean {
  return recorded !== undefined && semverValid(recorded) !== null && semverValid(version) !== null && semverGt(recorded, version);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** turnOn for a deployment target: the recorded list with `target` added, in the table's order; undefined when it is there. */
export function withDeployTarget(target: string): (options: Partial<ProjectOptions>) => Partial<ProjectOptions> | undefined {
  return (options) => {
    const deploy = options.deploy ?? [];
    if (deploy.includes(target as never)) return undefined;
    return { deploy: parseList(specFor('deploy') as ListSpec, [...deploy, target]) as ProjectOptions['deploy'] };
  };
}
