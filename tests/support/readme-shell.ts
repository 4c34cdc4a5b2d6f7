// The shell a deploy README tells the user to run, as one script: its ```sh blocks, then the
// commands of one CLI quoted in its prose (`aws ecs update-service ...`), taken out with marked
// (never by hand-matching Markdown). tests/support/aws-cli-syntax.ts and az-cli-syntax.ts run it.

import { Lexer, type Token, type Tokens } from 'marked';

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
