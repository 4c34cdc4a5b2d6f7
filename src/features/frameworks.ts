// The two web frameworks: what each installs, and how its server starts in the image and
// in development. Their Python code lives in src/features/flask/templates/ and src/features/fastapi/templates/.

import { PINS } from '../engine/versions.js';
import type { Framework } from '../options/values.js';
import type { Feature, ServerSpec } from './types.js';

/** The target a new project's code defines, per framework (and add docker's suggestion). */
export const DEFAULT_TARGETS: Record<Framework, string> = { flask: 'app:create_app()', fastapi: 'app.main:app' };

/** The port a new project's server listens on (add docker uses the detected one). */
export const APP_PORT = 8000;

/**
 * On SIGTERM (`docker stop`) both servers stop accepting connections and give the requests in
 * flight this long to finish (gunicorn's graceful_timeout, uvicorn's
 * --timeout-graceful-shutdown); then they cancel what is left and exit 0.
 */
export const GRACEFUL_SHUTDOWN_SECONDS = 30;

/** Compose's stop_grace_period: longer than the servers' own, so Docker never has to SIGKILL them. */
export const STOP_GRACE_PERIOD_SECONDS = GRACEFUL_SHUTDOWN_SECONDS + 10;

/**
 * How the server starts for an app target (`module:attr`, or `module:factory()` for an app
 * factory) on a port. New projects use DEFAULT_TARGETS and APP_PORT; `add docker` passes what
 * it detected in an existing app.
 */
export function serverFor(framework: Framework, target: string, port: number): ServerSpec {
  if (framework === 'flask')
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
  // uvicorn calls a factory itself with --factory and takes the bare `module:function`.
  const factory = target.endsWith('()');
  const uvicornTarget = factory ? target.slice(0, -2) : target;
  const factoryFlag = factory ? ['--factory'] : [];
  return {
    package: 'uvicorn',
    target,
    gracefulSeconds: GRACEFUL_SHUTDOWN_SECONDS,
    // uvicorn reads WEB_CONCURRENCY for its worker count and FORWARDED_ALLOW_IPS for proxy trust.
    // Without a graceful timeout it would wait for a stalled request forever, until Docker kills it.
    command: [
      'uvicorn', ...factoryFlag, uvicornTarget, '--host', '0.0.0.0', '--port', String(port),
      '--timeout-graceful-shutdown', String(GRACEFUL_SHUTDOWN_SECONDS),
    ],
    devCommand: ['uvicorn', ...factoryFlag, uvicornTarget, '--reload', '--host', '0.0.0.0', '--port', String(port)],
  };
}

/** `flask --app` finds `app`, `application`, `create_app()` and `make_app()` in a module by itself. */
function flaskAppArg(target: string): string {
  const [module, attr] = target.split(':');
  return attr === undefined || ['app', 'application', 'create_app()', 'make_app()'].includes(attr) ? module! : target;
}

/** A web framework: its layer, packages and the server a new project runs. */
export interface FrameworkFeature extends Feature {
  label: string;
  server: ServerSpec;
  /** Where the tests import the application factory from. */
  appFactory: { module: string; name: string };
}

const flask: FrameworkFeature = {
  layer: 'flask',
  label: 'Flask',
  requirements: [PINS.flask, PINS.gunicorn],
  // jsonschema: the tests check each response against the OpenAPI document (app/openapi.json);
  // debugpy: the development image's debugger (.devcontainer/).
  devRequirements: [PINS.pytest, PINS.jsonschema, PINS.debugpy],
  server: serverFor('flask', DEFAULT_TARGETS.flask, APP_PORT),
  appFactory: { module: 'app', name: 'create_app' },
};

const fastapi: FrameworkFeature = {
  layer: 'fastapi',
  label: 'FastAPI',
  requirements: [PINS.fastapi, PINS.uvicornServer, PINS.uvloop, PINS.httptools, PINS.watchfiles, PINS.pydanticSettings],
  // jsonschema: the tests check each response against the OpenAPI document FastAPI generates;
  // debugpy: the development image's debugger (.devcontainer/).
  devRequirements: [PINS.pytest, PINS.httpx, PINS.jsonschema, PINS.debugpy],
  server: serverFor('fastapi', DEFAULT_TARGETS.fastapi, APP_PORT),
  appFactory: { module: 'app.main', name: 'create_app' },
};

export const FRAMEWORK_FEATURES: Record<Framework, FrameworkFeature> = { flask, fastapi };
