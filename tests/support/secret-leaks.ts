// Issue 23's check by value: a secret's value must appear in no container's configuration
// (`docker inspect`, all of it) and in no process's environment inside it (/proc/*/environ).
// The environments are read as root with every capability (`docker exec --privileged -u 0`):
// the services drop all capabilities, and without CAP_SYS_PTRACE root may not read the
// environment of a process of another user (the app's, PostgreSQL's).

import { compose, docker } from './docker.js';
import type { EngineInfo } from './engine.js';
import { tail } from './run.js';

/** Where `value` shows in the Compose project's containers: empty when nowhere. */
export async function secretLeaks(engine: EngineInfo, projectDir: string, value: string, composeArgs: string[] = []): Promise<string[]> {
  if (value.length < 8) throw new Error(`a secret of ${value.length} characters would match by chance`);
  const ids = await compose(engine, projectDir, [...composeArgs, 'ps', '-q']);
  if (ids.code !== 0) throw new Error(`compose ps: ${tail(ids)}`);
  const containers = ids.stdout.split('\n').filter(Boolean);
  if (containers.length === 0) throw new Error('no running container to check');
  const leaks: string[] = [];
  for (const id of containers) {
    const inspect = await docker(engine, ['inspect', id]);
    if (inspect.code !== 0) throw new Error(`docker inspect ${id}: ${tail(inspect)}`);
    const name = (JSON.parse(inspect.stdout) as { Name: string }[])[0]!.Name.replace(/^\//, '');
    if (inspect.stdout.includes(value)) leaks.push(`${name}: docker inspect`);
    // Each process's environment, NUL-separated, as "<pid>:<variables>" lines.
    const script = 'for f in /proc/[0-9]*/environ; do p=${f#/proc/}; printf "%s:" "${p%/environ}"; tr "\\0" " " < "$f" 2>/dev/null; echo; done';
    const environ = await docker(engine, ['exec', '--privileged', '-u', '0', id, 'sh', '-c', script]);
    if (environ.code !== 0) throw new Error(`reading /proc/*/environ in ${name}: ${tail(environ)}`);
    // An empty read would pass the check without checking: at least the reading shell's own
    // environment must be there. (Not PID 1's: Redis rewrites its own, as its process title.)
    if (environ.stdout.split('\n').filter((l) => l.includes('PATH=')).length < 1) throw new Error(`${name}: could not read the processes' environments:\n${environ.stdout.slice(0, 500)}`);
    for (const line of environ.stdout.split('\n'))
      if (line.includes(value)) leaks.push(`${name}: /proc/${line.slice(0, line.indexOf(':'))}/environ`);
  }
  return leaks;
}
