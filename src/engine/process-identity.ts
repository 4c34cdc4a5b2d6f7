// Which process made a lock or a staging folder, well enough to tell later whether it still
// runs: its pid and, where /proc has it (Linux), its start time, because pids are reused (on a
// busy machine within seconds): a pid alone could make a killed run's leftovers look live.

import { readFileSync } from 'node:fs';

let own: string | undefined;

/** This process: `<pid>.<start>`, or `<pid>` where the start time cannot be read. */
export function ownProcessId(): string {
  return (own ??= withStart(process.pid));
}

/**
 * Whether the process an id names still runs: that pid, started at that time, and not a zombie
 * (killed, not yet reaped: a run killed under `timeout -s KILL` stays one for a moment, and
 * kill(pid, 0) still succeeds on it).
 */
export function isRunning(id: string): boolean {
  const [pidText = '', start] = id.split('.');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  const now = statOf(pid);
  if (now === undefined) return true;
  return now.state !== 'Z' && now.state !== 'X' && (start === undefined || now.start === start);
}

/** A process id as ownProcessId writes it. */
export const PROCESS_ID = /^\d+(?:\.\d+)?$/;

function withStart(pid: number): string {
  const start = statOf(pid)?.start;
  return start === undefined ? String(pid) : `${pid}.${start}`;
}

/**
 * Fields 3 (state) and 22 (start time) of /proc/<pid>/stat, which follow the command name (in
 * parentheses, which may hold spaces); undefined without /proc.
 */
function statOf(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, start] = [fields[0], fields[19]];
    return state && start && /^\d+$/.test(start) ? { state, start } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
