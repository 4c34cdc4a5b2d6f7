// The dev container and the debugger (--devcontainer, on by default): .devcontainer/ holds a
// development image (the production image's Python and user, plus the locked dev dependencies:
// pytest, ruff, debugpy) and a third Compose file that runs the app from it under debugpy;
// .devcontainer/devcontainer.json opens that stack in VS Code (or any Dev Containers client),
// and .vscode/launch.json attaches to debugpy from the host or from inside the container.
// Nothing of it reaches the production image or compose.yaml: the development image has its own
// tag and Dockerfile, and the debugger's port is published by the third file only.

import type { PackageManager } from '../../options/values.js';
import type { Feature } from '../types.js';

export const devcontainerFeature: Feature<DevcontainerData, 'devcontainer'> = {
  layer: 'devcontainer',
  chosen: ({ options }) => options.devcontainer,
  contextKey: 'devcontainer',
  // The development image is named for the project's; debugpy runs the server's development command.
  data: ({ options, server }) => devcontainerData(options.name, server.devCommand, options.packageManager),
};

/** The port debugpy listens on in the container and is published on, on the host's 127.0.0.1 only. */
export const DEBUG_PORT = 5678;

/** The VS Code extensions the dev container installs: Python (with its debugger) and ruff. */
export const EXTENSIONS = ['ms-python.python', 'ms-python.debugpy', 'charliermarsh.ruff'] as const;

/** The development image's tag: never the production image's, so a development build cannot replace it. */
export const devImage = (image: string): string => `${image}-dev`;

/**
 * The server under the debugger: the development command without its reloader. A reloader
 * runs the app in a child process, which a debugger client must attach to separately (VS
 * Code does, a plain DAP client does not); one process keeps a breakpoint where the client is.
 */
export function debugCommand(devCommand: readonly string[], port: number): string[] {
  const [module, ...args] = devCommand;
  const withoutReload = args.filter((a) => a !== '--reload' && a !== '--debug');
  const flags = module === 'flask' ? insertAfter(withoutReload, 'run', ['--no-reload']) : withoutReload;
  // Frozen standard-library modules can make debugpy miss breakpoints (it warns so at start).
  return ['python', '-Xfrozen_modules=off', '-m', 'debugpy', '--listen', `0.0.0.0:${port}`, '-m', module!, ...flags];
}

function insertAfter(args: string[], word: string, extra: string[]): string[] {
  const at = args.indexOf(word);
  return at < 0 ? [...args, ...extra] : [...args.slice(0, at + 1), ...extra, ...args.slice(at + 1)];
}

/** What the dev container's templates and slot contributions print, as the render context's `devcontainer`. */
export interface DevcontainerData {
  /** debugpy's port. */
  port: number;
  /** The development image's tag. */
  image: string;
  /** The server under the debugger. */
  command: string[];
  extensions: readonly string[];
  /** The Python VS Code runs the tests and ruff with. */
  interpreter: string;
}

export function devcontainerData(image: string, devCommand: readonly string[], packageManager: PackageManager): DevcontainerData {
  return {
    port: DEBUG_PORT,
    image: devImage(image),
    command: debugCommand(devCommand, DEBUG_PORT),
    extensions: EXTENSIONS,
    // uv's venv; pip installs into the image's Python.
    interpreter: packageManager === 'uv' ? '/app/.venv/bin/python' : '/usr/local/bin/python',
  };
}
