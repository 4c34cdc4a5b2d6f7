// The files an emitted text has its user create: the target of `cp`, of a `>`/`>>` redirection,
// and what `--from-env-file=`/`--from-file=` read (a Kubernetes Secret's source). They are read
// from the rendered texts themselves, never from a list kept by hand, so a path that a later
// template adds is found too: Markdown's code (fenced blocks and inline code, with marked's
// lexer) and the comment lines of every other file, each command split into words and operators
// by shell-quote.

import { Lexer, type Token, type Tokens } from 'marked';
import { parse as parseShell, type ParseEntry } from 'shell-quote';
import type { RenderedFile } from '../../src/engine/rendered-file.js';

export type CreatedHow = 'cp' | '>' | '>>' | '--from-env-file' | '--from-file';

export interface CreatedPath {
  /** As the command names it, relative to the project's root (where the READMEs' commands run). */
  path: string;
  how: CreatedHow;
  /** The rendered file and the command line that say so. */
  file: string;
  command: string;
  /** Rendered files the same command reads (a cp's source, sed's input). */
  sources: string[];
  /** Whether the command only creates the path when it is missing: `[ -e path ] || ...`. */
  guarded: boolean;
}

// Most combinations share most of their files, and the checks read each project's texts more
// than once: marked's lexer and shell-quote were most of emitted-secrets.test.ts's time. Both are
// functions of the text alone, so each distinct text is read once per worker (a copy is handed out).
const linesOf = new Map<string, readonly string[]>();
const wordsOf = new Map<string, readonly ParseEntry[] | null>();

/** The command lines a rendered file shows: code in Markdown, comment lines elsewhere. */
export function commandLines(file: RenderedFile): string[] {
  const markdown = file.path.endsWith('.md');
  const key = `${markdown ? 'md' : 'comments'}\0${file.contents}`;
  let lines = linesOf.get(key);
  if (!lines) {
    lines = Object.freeze(joinContinuations(markdown ? markdownCode(file.contents) : commentLines(file.contents)));
    linesOf.set(key, lines);
  }
  return [...lines];
}

/** shell-quote's words and operators of a command line; null when it is not one (prose). */
function shellWords(command: string): readonly ParseEntry[] | null {
  if (!wordsOf.has(command)) {
    let entries: readonly ParseEntry[] | null;
    try {
      // Variables stay as they are written: a path built from one is not a fixed path.
      entries = Object.freeze(parseShell(command, (name) => `$${name}`).map((e) => (typeof e === 'object' ? Object.freeze(e) : e)));
    } catch {
      entries = null;
    }
    wordsOf.set(command, entries);
  }
  return wordsOf.get(command)!;
}

function markdownCode(text: string): string[] {
  const lines: string[] = [];
  const visit = (tokens: Token[]) => {
    for (const token of tokens) {
      if (token.type === 'code') lines.push(...(token as Tokens.Code).text.split('\n'));
      else if (token.type === 'codespan') lines.push(decodeEntities((token as Tokens.Codespan).text));
      const children = (token as { tokens?: Token[] }).tokens;
      if (children) visit(children);
      if (token.type === 'list') for (const item of (token as Tokens.List).items) visit(item.tokens);
      if (token.type === 'table') {
        const table = token as Tokens.Table;
        for (const cell of [...table.header, ...table.rows.flat()]) visit(cell.tokens);
      }
    }
  };
  visit(new Lexer().lex(text));
  return lines;
}

/** marked escapes &, <, >, " and ' in inline code; the command is the text before that. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _);
}

/** Comment lines (`#` to the end of a line), and inline code in them (`cp .env.example .env`). */
function commentLines(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const m = /(?:^|\s)#+\s?(.*)$/.exec(line);
    if (!m) return [];
    const spans = [...m[1]!.matchAll(/`([^`]+)`/g)].map((s) => s[1]!);
    return [m[1]!, ...spans];
  });
}

/** A line ending in `\` goes on on the next one, as in a shell. */
function joinContinuations(lines: string[]): string[] {
  const joined: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (/\\\s*$/.test(line)) pending += line.replace(/\\\s*$/, ' ');
    else {
      joined.push(pending + line);
      pending = '';
    }
  }
  if (pending) joined.push(pending);
  return joined;
}

/** Every path the rendered texts have the user create, with the command that does it. */
export function createdPaths(files: RenderedFile[]): CreatedPath[] {
  const rendered = new Set(files.map((f) => f.path));
  const found: CreatedPath[] = [];
  for (const file of files) {
    for (const command of commandLines(file)) {
      const entries = shellWords(command);
      if (entries === null) continue; // prose in a comment, not a command
      for (const simple of simpleCommands(entries)) found.push(...fromSimpleCommand(simple, { file: file.path, command, rendered }));
    }
  }
  return found.filter((p) => isFixedPath(p.path));
}

type Word = string | { op: string };

/** The simple commands of a line, each with the `[ -e x ] ||` test that guards it, if any. */
function simpleCommands(entries: readonly ParseEntry[]): { words: Word[]; guard?: string }[] {
  const commands: { words: Word[]; guard?: string }[] = [];
  let current: Word[] = [];
  let guard: string | undefined;
  // `[ -e path ] || ( a && b > path )`: every command of the group runs only when path is missing.
  let group: string | undefined;
  const flush = (op?: string) => {
    if (current.length > 0) commands.push({ words: current, guard: guard ?? group });
    const test = current.filter((w): w is string => typeof w === 'string');
    if (op === '(' && current.length === 0) group = guard;
    if (op === ')') group = undefined;
    // `[ -e path ] || create` and `test -e path || create`: create only when missing.
    guard = op === '||' && ((test[0] === '[' && test.at(-1) === ']') || test[0] === 'test') && ['-e', '-f'].includes(test[1] ?? '') ? test[2] : undefined;
    current = [];
  };
  for (const entry of entries) {
    if (typeof entry === 'object' && 'comment' in entry) break;
    if (typeof entry === 'object' && 'op' in entry && ['||', '&&', ';', '|', '(', ')', '&'].includes(entry.op)) flush(entry.op);
    else if (typeof entry === 'string' || (typeof entry === 'object' && 'op' in entry)) current.push(entry as Word);
  }
  flush();
  return commands;
}

function fromSimpleCommand(simple: { words: Word[]; guard?: string }, where: { file: string; command: string; rendered: Set<string> }): CreatedPath[] {
  const found: CreatedPath[] = [];
  const args: string[] = [];
  const words = simple.words;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (typeof word === 'object') {
      const target = words[i + 1];
      if ((word.op === '>' || word.op === '>>') && typeof target === 'string') {
        // `2>/dev/null`: shell-quote leaves the descriptor as the word before.
        if (args.at(-1) !== undefined && /^\d$/.test(args.at(-1)!)) args.pop();
        found.push({ path: target, how: word.op, ...where, sources: [], guarded: false });
        i++;
      }
      continue;
    }
    args.push(word);
  }
  const sources = args.filter((a) => where.rendered.has(a));
  for (const p of found) p.sources = sources;
  if (args[0] === 'cp') {
    const operands = args.slice(1).filter((a) => !a.startsWith('-'));
    if (operands.length >= 2) found.push({ path: operands.at(-1)!, how: 'cp', ...where, sources: operands.slice(0, -1), guarded: false });
  }
  for (let i = 0; i < args.length; i++) {
    const m = /^(--from-env-file|--from-file)(?:=(.*))?$/.exec(args[i]!);
    if (!m) continue;
    const value = m[2] ?? args[i + 1] ?? '';
    // --from-file=[key=]path
    const file = m[1] === '--from-file' ? value.slice(value.indexOf('=') + 1) : value;
    found.push({ path: file, how: m[1] as CreatedHow, ...where, sources: [], guarded: false });
  }
  for (const p of found) p.guarded = simple.guard !== undefined && normalise(simple.guard) === normalise(p.path);
  return found;
}

function normalise(p: string): string {
  return p.replace(/^\.\//, '');
}

/** A path a user types: no variable, no placeholder, not a device, not stdout. */
function isFixedPath(p: string): boolean {
  return p !== '' && p !== '-' && !p.includes('$') && !/[<>]/.test(p) && !p.startsWith('/dev/') && !p.startsWith('&');
}

/** Keys whose value is a secret, or carries one (a URL with its password). */
const SECRET_KEY = /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEY$|_URL$/;

/**
 * Whether a created path holds a secret: it is a Secret's source (`--from-*`), its name says so,
 * or a rendered file it is made from has a secret key (`KEY=` lines).
 */
export function holdsSecret(p: CreatedPath, files: RenderedFile[]): boolean {
  if (p.how === '--from-env-file' || p.how === '--from-file') return true;
  if (/(^|[/.])env$|^\.env|secret|password|token|\.pem$|\.key$/i.test(p.path)) return true;
  return p.sources.some((source) => {
    const text = files.find((f) => f.path === source)?.contents ?? '';
    return [...text.matchAll(/^\s*([A-Z][A-Z0-9_]*)=/gm)].some((m) => SECRET_KEY.test(m[1]!));
  });
}
