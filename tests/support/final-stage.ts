// Reads what a container started from the image would do, from the final stage of a
// Dockerfile: its CMD, USER, WORKDIR, EXPOSE and HEALTHCHECK. The runtime test starts the
// server from these values, so a wrong CMD or port in the template fails there.

import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export interface FinalStage {
  /** Exec-form CMD. */
  cmd: string[];
  /** Exec-form HEALTHCHECK CMD. */
  healthcheck: string[];
  /** Numeric uid of USER (a name is resolved through the stage's useradd/adduser --uid). */
  uid: number;
  workdir: string;
  /** EXPOSEd ports (tcp). */
  ports: number[];
}

/** Throws, naming the instruction, when the final stage lacks something or uses shell form. */
export function readFinalStage(content: string): FinalStage {
  const dockerfile = DockerfileParser.parse(content);
  const all = dockerfile.getInstructions();
  const lastFrom = all.map((i) => i.getKeyword()).lastIndexOf('FROM');
  if (lastFrom < 0) throw new Error('no FROM instruction');
  const stage = all.slice(lastFrom + 1);
  const lines = content.split(/\r?\n/);

  const last = (keyword: string): Instruction => {
    const found = stage.filter((i) => i.getKeyword() === keyword).at(-1);
    if (!found) throw new Error(`the final stage has no ${keyword}`);
    return found;
  };

  const cmdInstruction = last('CMD');
  const cmd = execForm('CMD', argumentsText(cmdInstruction, lines));

  const health = last('HEALTHCHECK');
  const sub = health.getArguments().find((a) => a.getValue().toUpperCase() === 'CMD');
  if (!sub) throw new Error('HEALTHCHECK has no CMD (HEALTHCHECK NONE?)');
  const healthRange = health.getRange();
  const healthcheck = execForm(
    'HEALTHCHECK CMD',
    textBetween(lines, sub.getRange().end, healthRange.end),
  );

  const workdir = argumentsText(last('WORKDIR'), lines).trim();
  const user = argumentsText(last('USER'), lines).trim();
  const uid = resolveUid(user, stage, lines);

  const ports = stage
    .filter((i) => i.getKeyword() === 'EXPOSE')
    .flatMap((i) => i.getArguments().map((a) => a.getValue()))
    .map((value) => {
      const match = /^(\d+)(\/tcp)?$/.exec(value);
      if (!match?.[1]) throw new Error(`EXPOSE ${value}: expected a literal TCP port`);
      return Number(match[1]);
    });

  return { cmd, healthcheck, uid, workdir, ports };
}

interface Position {
  line: number;
  character: number;
}

function argumentsText(instruction: Instruction, lines: string[]): string {
  const range = instruction.getArgumentsRange();
  if (!range) throw new Error(`${instruction.getKeyword()} has no arguments`);
  return textBetween(lines, range.start, range.end);
}

/** Source text between two positions, with line continuations (backslash-newline) removed. */
function textBetween(lines: string[], start: Position, end: Position): string {
  const parts: string[] = [];
  for (let line = start.line; line <= end.line; line++) {
    const text = lines[line] ?? '';
    const from = line === start.line ? start.character : 0;
    const to = line === end.line ? end.character : text.length;
    parts.push(text.slice(from, to).replace(/\\\s*$/, ''));
  }
  return parts.join(' ').trim();
}

/** Docker's rule: the arguments are exec form when they parse as a JSON array of strings. */
function execForm(what: string, text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not exec form (a JSON array): ${text}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string'))
    throw new Error(`${what} is not a non-empty JSON array of strings: ${text}`);
  return parsed as string[];
}

function resolveUid(user: string, stage: Instruction[], lines: string[]): number {
  const name = user.split(':')[0] ?? '';
  if (/^\d+$/.test(name)) return Number(name);
  if (name === 'root') return 0;
  for (const run of stage.filter((i) => i.getKeyword() === 'RUN')) {
    const text = argumentsText(run, lines);
    const match = /\b(?:useradd|adduser)\b[^;&|]*?--uid[= ](\d+)[^;&|]*?\s([a-z_][\w-]*)\s*(?:$|[;&|])/.exec(text);
    if (match?.[1] && match[2] === name) return Number(match[1]);
  }
  throw new Error(`USER ${user}: no numeric uid, and no useradd/adduser --uid for it in the final stage`);
}
