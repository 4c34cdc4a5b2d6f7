// Dependencies fetched from a git repository: `pkg @ git+https://...` or `git+https://...#egg=pkg`
// in a requirements file, the same in pyproject.toml's [project].dependencies, `{ git = ... }`
// in [tool.uv.sources], Poetry's dependencies or a Pipfile. The slim image has no git, so the
// image installs them in a builder stage that has git (the multi-stage Dockerfile; a standard
// one is switched to it, with a warning) and the runtime stage never does. Refused, naming the
// line, is only what that stage cannot fetch: an SSH URL (the build has no keys) or a local
// repository (file:// or a path: not in the build).

import path from 'node:path';
import { readToml } from './toml.js';
import { readUserFileIfAny } from '../user-files.js';

export interface GitRequirement {
  /** Where: `requirements.txt line 3`, `pyproject.toml [tool.uv.sources] lib`. */
  where: string;
  /** The line or value as written. */
  text: string;
  /** Why the build cannot fetch it; absent when git in a builder stage can. */
  why?: string;
}

/** A git URL in a requirement line: `git+https://...`, `git+ssh://...`, `git+file:...`. */
const GIT_IN_LINE = /\bgit\+([a-z]+):\S*/i;

/**
 * Every git reference among what the image installs from (`installFrom`): requirements.txt and
 * its includes, pyproject.toml's dependencies, uv's sources (uv.lock), Poetry's dependencies
 * (poetry.lock) or the Pipfile's packages (Pipfile.lock).
 */
export function gitRequirements(root: string, installFrom: string, installFiles: readonly string[]): GitRequirement[] {
  const out: GitRequirement[] = [];
  const requirementFiles = installFrom === 'requirements.txt' ? installFiles : [];
  for (const rel of requirementFiles) {
    const text = readUserFileIfAny(path.join(root, rel), { noFollow: true });
    if (text === undefined) continue;
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      const m = GIT_IN_LINE.exec(line);
      if (m) out.push({ where: `${rel} line ${i + 1}`, text: line, ...problem(`git+${m[1]}`, m[0].slice(4)) });
    });
  }
  const pyproject = installFrom === 'requirements.txt' || installFrom === 'Pipfile.lock' ? undefined : readToml(path.join(root, 'pyproject.toml'));
  for (const spec of strings(pyproject?.project?.dependencies)) {
    const m = GIT_IN_LINE.exec(spec);
    if (m) out.push({ where: 'pyproject.toml [project] dependencies', text: spec, ...problem(`git+${m[1]}`, m[0].slice(4)) });
  }
  const tables: [string, unknown][] = [
    ['pyproject.toml [tool.uv.sources]', installFrom === 'uv.lock' ? pyproject?.tool?.uv?.sources : undefined],
    ['pyproject.toml [tool.poetry.dependencies]', installFrom === 'poetry.lock' ? pyproject?.tool?.poetry?.dependencies : undefined],
    ['Pipfile [packages]', installFrom === 'Pipfile.lock' ? readToml(path.join(root, 'Pipfile'))?.packages : undefined],
  ];
  for (const [where, table] of tables) {
    if (!table || typeof table !== 'object') continue;
    for (const [name, value] of Object.entries(table as Record<string, unknown>)) {
      const url = (value as { git?: unknown } | null)?.git;
      if (typeof url === 'string') out.push({ where: `${where} ${name}`, text: `${name} = { git = "${url}" }`, ...problem(url, url) });
    }
  }
  return out;
}

/** Why git in the builder cannot fetch `url` (its scheme: `git+https`, or a plain URL). */
function problem(scheme: string, url: string): { why?: string } {
  const plain = url.replace(/^git\+/i, '');
  if (/^(ssh:\/\/|[\w.-]+@[\w.-]+:)/i.test(plain) || /^git\+ssh$/i.test(scheme))
    return { why: 'an SSH URL needs a key the image build does not have; use an https:// URL (with a token from a build secret if it is private), or vendor the package' };
  if (/^(file:|\.{0,2}\/)/i.test(plain)) return { why: 'a local repository is not in the image build' };
  if (/^(https?|git):\/\//i.test(plain)) return {};
  return { why: 'the image build can fetch only https://, http:// and git:// repositories' };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
