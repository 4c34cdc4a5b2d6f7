// What `pip install -r requirements.txt` in the image needs besides requirements.txt itself.
// The dependency layer is built before the code is copied (that is what keeps it cached), with
// only the requirement files bind-mounted. So:
//  - `-r FILE` / `-c FILE` (and their long forms): the referenced files, followed recursively,
//    are mounted too, each at the same path relative to requirements.txt;
//  - index and hash options (-i, --extra-index-url, --trusted-host, --hash, --pre, ...) need
//    nothing: they only change where pip looks;
//  - anything that installs local code or reads a local folder (`-e .`, `.`, `./pkg`,
//    `file:...`, `-f ./wheels`) cannot work in that layer: add docker refuses it and says why.

import path from 'node:path';
import { readUserFileIfAny } from '../user-files.js';

export interface RequirementsInstall {
  /** Every file the install step mounts, relative to the repository; requirements.txt first. */
  files: string[];
  /** The files whose requirements are installed: the entry and what it includes with -r (not -c, which only constrains versions). */
  requirementFiles: string[];
  /** Lines the image cannot install, with why. */
  unsupported: { file: string; line: number; text: string; why: string }[];
}

/** Far deeper than any real chain of -r files; a bound, so a generated chain cannot run on. */
const MAX_INCLUDE_DEPTH = 16;

const INCLUDE = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)$/;
const FIND_LINKS = /^(?:-f|--find-links)(?:\s*=\s*|\s+)(\S+)$/;
const EDITABLE = /^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)/;

export function requirementsInstall(root: string, entry = 'requirements.txt'): RequirementsInstall {
  const files: string[] = [];
  const requirementFiles: string[] = [];
  const unsupported: RequirementsInstall['unsupported'] = [];
  const visit = (rel: string, from?: { file: string; line: number; text: string }, depth = 0, constraint = false): void => {
    // A file reached through -c constrains versions only, and so does everything it includes.
    if (!constraint && !requirementFiles.includes(rel) && readUserFileIfAny(path.join(root, rel), { noFollow: true }) !== undefined) {
      requirementFiles.push(rel);
      if (files.includes(rel)) rescan(rel, depth);
    }
    if (files.includes(rel)) return; // a cycle, or a file included twice
    if (depth > MAX_INCLUDE_DEPTH) {
      if (from) unsupported.push({ ...from, why: `includes nest deeper than ${MAX_INCLUDE_DEPTH} files` });
      return;
    }
    const text = readUserFileIfAny(path.join(root, rel), { noFollow: true });
    if (text === undefined) {
      if (from) unsupported.push({ ...from, why: `${rel} is not a file in the repository` });
      return;
    }
    files.push(rel);
    logicalLines(text).forEach(({ text: line, number }) => {
      const at = { file: rel, line: number, text: line };
      const match = INCLUDE.exec(line);
      const include = match?.[2];
      if (include) {
        const viaConstraint = constraint || match![1]!.startsWith('-c') || match![1] === '--constraint';
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(include)) return; // a URL: pip fetches it
        // An absolute path is outside whatever it names (path.posix.join would make it relative).
        const target = path.posix.isAbsolute(include) ? include : path.posix.normalize(path.posix.join(path.posix.dirname(rel), include));
        if (target.startsWith('../') || path.posix.isAbsolute(target))
          unsupported.push({ ...at, why: `${include} is outside the repository, so the image cannot see it` });
        else visit(target, at, depth + 1, viaConstraint);
        return;
      }
      const links = FIND_LINKS.exec(line)?.[1];
      if (links && !/^[a-z][a-z0-9+.-]*:\/\//i.test(links)) {
        unsupported.push({ ...at, why: 'a local --find-links folder is not in the image when the dependencies are installed' });
        return;
      }
      if (/^git\+/i.test(EDITABLE.exec(line)?.[1] ?? '')) {
        unsupported.push({ ...at, why: 'an editable install from git is cloned into the working folder, which your code copied later replaces; drop the -e and the image installs it from git (git only in the builder stage)' });
        return;
      }
      if (EDITABLE.test(line) || isLocalPath(line))
        unsupported.push({ ...at, why: 'it installs local code, which is copied into the image only after the dependencies are installed' });
    });
  };
  // A file first seen through -c and later through -r: what it -r includes is installed too.
  const rescan = (rel: string, depth: number): void => {
    const text = readUserFileIfAny(path.join(root, rel), { noFollow: true }) ?? '';
    for (const { text: line } of logicalLines(text)) {
      const match = INCLUDE.exec(line);
      if (!match || match[1]!.startsWith('-c') || match[1] === '--constraint' || /^[a-z][a-z0-9+.-]*:\/\//i.test(match[2]!)) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), match[2]!));
      if (!target.startsWith('../') && !path.posix.isAbsolute(target)) visit(target, undefined, depth + 1, false);
    }
  };
  visit(entry);
  return { files, requirementFiles, unsupported };
}

/** A requirement that is a path rather than a name: `.`, `./pkg`, `../x`, `/abs`, `file:...`, `pkg @ file:...`. */
function isLocalPath(line: string): boolean {
  if (line.startsWith('-')) return false;
  return /^(?:\.{1,2}(?:[/\\]|$)|[/\\]|file:)/i.test(line) || /@\s*file:/i.test(line);
}

/** Lines without comments, continuation lines joined, blank ones dropped, numbered as in the file. */
function logicalLines(text: string): { text: string; number: number }[] {
  const out: { text: string; number: number }[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const number = i + 1;
    let line = raw[i]!;
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + raw[++i]!;
    line = line.replace(/(^|\s)#.*$/, '').trim();
    if (line) out.push({ text: line, number });
  }
  return out;
}
