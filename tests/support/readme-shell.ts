// The shell a deploy README tells the user to run, as one script: its ```sh blocks, then the
// commands of one CLI quoted in its prose (`aws ecs update-service ...`), taken out with marked
// (never by hand-matching Markdown). tests/support/aws-cli-syntax.ts and az-cli-syntax.ts run it.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { run } from './run.js';

/** The README's ```sh blocks and the code spans of its prose that start with `cli `, as one script. */
export function shellScriptOf(markdown: string, cli: string): string {
  const blocks: string[] = [];
  const spans: string[] = [];
  const spanStart = new RegExp(`^${cli} [a-z]`);
  const walk = (tokens: readonly Token[]): void => {
    for (const token of tokens) {
      if (token.type === 'code' && (token as Tokens.Code).lang === 'sh') blocks.push((token as Tokens.Code).text);
      else if (token.type === 'codespan' && spanStart.test((token as Tokens.Codespan).text)) spans.push((token as Tokens.Codespan).text);
      const children = (token as { tokens?: Token[] }).tokens;
      if (children) walk(children);
      if (token.type === 'table') for (const row of [(token as Tokens.Table).header, ...(token as Tokens.Table).rows]) for (const cell of row) walk(cell.tokens);
      if (token.type === 'list') for (const item of (token as Tokens.List).items) walk(item.tokens);
    }
  };
  walk(new Lexer().lex(markdown));
  return [...blocks, ...spans].join('\n');
}

/** How many `cli <word>` the script holds: each is one command the run must record. */
export function commandsWritten(script: string, cli: string): number {
  return (script.match(new RegExp(`(?<![\\w-])${cli} [a-z]`, 'g')) ?? []).length;
}

/** The README's commands of one CLI as bash ran them, in a project folder that still exists. */
export interface RecordedReadme {
  /** The project folder (the README's working directory), holding the files given. */
  project: string;
  /** A folder of the run's own (the CLI's HOME, its configuration). */
  base: string;
  /** bash's own exit and stderr: an unset variable (`set -u`) or a shell error ends up here. */
  shell: { code: number; stderr: string };
  /** Each recorded call's arguments, in the order they ran. */
  argLists: string[][];
  /** How many `cli <word>` the shell text holds: every one must have run. */
  written: number;
}

/**
 * Writes `files` into a fresh project folder and runs the README's `cli` commands there under
 * `prelude`, a bash function standing in for the CLI that writes each call's arguments
 * (NUL-separated) to a new file in $CALLS whose name sorts in call order; then hands the
 * record to `check` (the real CLI's parse) and removes both folders.
 */
export async function withRecordedReadme<T>(
  cli: string,
  markdown: string,
  files: readonly RenderedFile[],
  prelude: string,
  env: (base: string) => Record<string, string | undefined>,
  check: (recorded: RecordedReadme) => Promise<T>,
): Promise<T> {
  const base = mkdtempSync(path.join(tmpdir(), `cpda-${cli}-cli-`));
  try {
    const project = path.join(base, 'project');
    const calls = path.join(base, 'calls');
    mkdirSync(calls);
    for (const file of files) {
      mkdirSync(path.dirname(path.join(project, file.path)), { recursive: true });
      writeFileSync(path.join(project, file.path), file.contents);
    }
    const script = shellScriptOf(markdown, cli);
    const shell = await run('bash', ['--noprofile', '--norc', '-c', prelude + script], { cwd: project, env: { ...env(base), CALLS: calls }, timeoutMs: 60_000 });
    const argLists = readdirSync(calls)
      .sort()
      .map((name) => readFileSync(path.join(calls, name), 'utf8').split('\0').slice(0, -1));
    return await check({ project, base, shell: { code: shell.code, stderr: shell.stderr }, argLists, written: commandsWritten(script, cli) });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
