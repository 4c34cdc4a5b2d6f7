// A uv workspace (pyproject.toml's [tool.uv.workspace]): one uv.lock for the root and its
// members. `uv sync --locked` needs every member's pyproject.toml to check the lock, even to
// install only the dependencies (without them: "references a workspace ... but is not a
// workspace member"), so the image's dependency layer mounts each of them beside uv.lock.
// Members are the directories the `members` globs match, minus `exclude`, as uv resolves
// them; globs are matched by picomatch, not by a matcher of our own.
// Refused, saying why, is only what uv itself could not sync from those files alone:
//  - a member outside the repository (the build context does not hold it), or reached through
//    a symbolic link;
//  - a matched directory without a pyproject.toml (uv refuses the workspace);
//  - a member whose metadata is `dynamic` (uv must build it from its source to read it, and the
//    dependency layer has only the pyproject.toml files).

import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { readToml } from './toml.js';

export interface UvWorkspace {
  /** Member directories, relative to the repository, '/'-separated, sorted (the root excluded). */
  members: string[];
  /** Why uv could not sync this workspace in the dependency layer; absent when it can. */
  problem?: string;
}

/** The workspace declared in `root`'s pyproject.toml, or undefined when there is none. */
export function uvWorkspace(root: string): UvWorkspace | undefined {
  const workspace = readToml(path.join(root, 'pyproject.toml'))?.tool?.uv?.workspace;
  if (!workspace || typeof workspace !== 'object') return undefined;
  const patterns = stringList(workspace.members);
  const exclude = stringList(workspace.exclude);
  const outside = [...patterns, ...exclude].find((p) => path.posix.isAbsolute(p) || path.posix.normalize(p).startsWith('..'));
  if (outside) return { members: [], problem: `uv workspace member ${outside} is outside the repository, which the image is built from` };
  const isMember = picomatch(patterns.map(clean), { dot: true });
  const isExcluded = picomatch(exclude.map(clean), { dot: true });
  const members = candidateDirs(root).filter((d) => isMember(d) && !isExcluded(d));
  for (const member of members) {
    if (throughLink(root, member)) return { members, problem: `uv workspace member ${member} is a symbolic link, which the image build does not follow` };
    const manifest = lstatSync(path.join(root, member, 'pyproject.toml'), { throwIfNoEntry: false });
    if (!manifest?.isFile()) return { members, problem: `uv workspace member ${member} has no pyproject.toml, and uv refuses such a workspace` };
    const dynamic = stringList(readToml(path.join(root, member, 'pyproject.toml'))?.project?.dynamic);
    if (dynamic.length > 0)
      return {
        members,
        problem: `uv workspace member ${member} declares dynamic ${dynamic.join(', ')}, which uv can only read by building it from its source, and the image installs the dependencies from the pyproject.toml files alone; write them out in ${member}/pyproject.toml`,
      };
  }
  return { members };
}

/** A pattern written as the candidates are: no leading `./`, no trailing slash. */
function clean(pattern: string): string {
  return path.posix.normalize(pattern).replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * Every folder under `root` (and every symbolic link there, which uv would follow and we refuse),
 * relative and '/'-separated, sorted; not descending into links, VCS folders or virtual
 * environments, at most MAX_DEPTH deep.
 */
function candidateDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    if (depth > MAX_DEPTH || out.length > MAX_DIRS) return;
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) out.push(child);
      else if (entry.isDirectory() && !SKIP.has(entry.name)) {
        out.push(child);
        walk(child, depth + 1);
      }
    }
  };
  walk('', 1);
  return out.sort();
}

const MAX_DEPTH = 6;
const MAX_DIRS = 20_000;
const SKIP = new Set(['.git', '.hg', '.svn', '.venv', 'node_modules', '__pycache__']);

/** Whether `member` or a folder on its way is a symbolic link. */
function throughLink(root: string, member: string): boolean {
  const parts = member.split('/');
  return parts.some((_, i) => !lstatSync(path.join(root, ...parts.slice(0, i + 1)), { throwIfNoEntry: false })?.isDirectory());
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
