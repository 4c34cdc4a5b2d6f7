// Flask: the app factory, its routes and tests (./templates/), served by gunicorn in the image
// and by `flask run --debug` in development.

import { PINS } from '../../engine/versions.js';
import { APP_PORT, GRACEFUL_SHUTDOWN_SECONDS } from '../app-server.js';
import type { FrameworkFeature, ServerSpec } from '../types.js';

/** The target a new project's code defines (and add docker's suggestion). */
const DEFAULT_TARGET = 'app:create_app()';

/**
 * How the server starts for an app target (`module:attr`, or `module:factory()` for an app
 * factory) on a port: a new project's DEFAULT_TARGET and APP_PORT, or what `add docker` detected.
 */
function flaskServer(target: string, port: number): ServerSpec {
  return {
    package: 'gunicorn',
    target,
    gracefulSeconds: GRACEFUL_SHUTDOWN_SECONDS,
    // gunicorn.conf.py holds bind, workers and logging so the CMD stays short.
    command: ['gunicorn', '--config', 'gunicorn.conf.py', target],
    devCommand: ['flask', '--app', flaskAppArg(target), 'run', '--debug', '--host', '0.0.0.0', '--port', String(port)],
    // `flask run` handles Ctrl-C only: as the container's PID 1 it never hears SIGTERM (the
    // kernel drops a signal PID 1 has no handler for), so `docker compose down` or a
    // restart would wait out the whole stop_grace_period before killing it.
    devStopSignal: 'SIGINT',
  };
}

/** `flask --app` finds `app`, `application`, `create_app()` and `make_app()` in a module by itself. */
function flaskAppArg(target: string): string {
  const [module, attr] = target.split(':');
  return attr === undefined || ['app', 'application', 'create_app()', 'make_app()'].includes(attr) ? module! : target;
}

export const flask: FrameworkFeature = {
  key: 'flask',
  layer: 'flask',
  label: 'Flask',
  chosen: ({ options }) => options.framework === 'flask',
  requirements: [PINS.flask, PINS.gunicorn],
  // jsonschema: the tests check each response against the OpenAPI document (app/openapi.json);
  // debugpy: the development image's debugger (.devcontainer/).
  devRequirements: [PINS.pytest, PINS.jsonschema, PINS.debugpy],
  defaultTarget: DEFAULT_TARGET,
  serverFor: flaskServer,
  server: flaskServer(DEFAULT_TARGET, APP_PORT),
  appFactory: { module: 'app', name: 'create_app' },
  appClass: 'Flask',
  serverRequirement: PINS.gunicorn,
  // The CMD names it.
  imageFiles: ['gunicorn.conf.py'],
};
