// Where the Celery worker meets the dev container: the worker's service under debugpy on a port
// of its own, and a second attach configuration (./slots/). A folder named for both features,
// so its slots may print both features' data.

import type { Feature } from '../types.js';
import { workerData } from '../worker-celery/index.js';

/** The Celery worker's debugpy port, the one after the app's: two debuggees, two listeners. */
const WORKER_DEBUG_PORT = 5679;

/**
 * The Celery worker under the debugger: debugpy runs `celery`, with the solo pool, so the task
 * runs in the process the debugger is attached to (the prefork pool runs it in a child a plain
 * DAP client never sees), as the app runs without its reloader.
 */
function debugWorkerCommand(command: readonly string[], port: number): string[] {
  const [module, ...args] = command;
  return ['python', '-Xfrozen_modules=off', '-m', 'debugpy', '--listen', `0.0.0.0:${port}`, '-m', module!, ...args, '--pool', 'solo'];
}

/** What this folder's slots print, as the render context's `workerDebugger`. */
export interface WorkerDebuggerData {
  port: number;
  command: string[];
}

export function workerDebuggerData(workerCommand: readonly string[]): WorkerDebuggerData {
  return { port: WORKER_DEBUG_PORT, command: debugWorkerCommand(workerCommand, WORKER_DEBUG_PORT) };
}

export const devcontainerWorker: Feature<WorkerDebuggerData, 'workerDebugger'> = {
  layer: 'devcontainer-worker',
  chosen: ({ options }) => options.devcontainer && options.worker === 'celery',
  contextKey: 'workerDebugger',
  data: () => workerDebuggerData(workerData().command),
};
