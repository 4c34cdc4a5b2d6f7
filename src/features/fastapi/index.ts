// FastAPI: the app, its routers and tests (./templates/), served by uvicorn, with auto-reload
// in development.

import { PINS } from '../../engine/versions.js';
import { APP_PORT, GRACEFUL_SHUTDOWN_SECONDS } from '../app-server.js';
import type { FrameworkFeature, ServerSpec } from '../types.js';

/** The target a new project's code defines (and add docker's suggestion). */
const DEFAULT_TARGET = 'app.main:app';

/**
 * How the server starts for an app target (`module:attr`, or `module:factory()` for an app
 * factory) on a port: a new project's DEFAULT_TARGET and APP_PORT, or what `add docker` detected.
 */
function uvicornServer(target: string, port: number): ServerSpec {
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

export const fastapi: FrameworkFeature = {
  key: 'fastapi',
  layer: 'fastapi',
  label: 'FastAPI',
  chosen: ({ options }) => options.framework === 'fastapi',
  requirements: [PINS.fastapi, PINS.uvicornServer, PINS.uvloop, PINS.httptools, PINS.watchfiles, PINS.pydanticSettings],
  // jsonschema: the tests check each response against the OpenAPI document FastAPI generates;
  // debugpy: the development image's debugger (.devcontainer/).
  devRequirements: [PINS.pytest, PINS.httpx, PINS.jsonschema, PINS.debugpy],
  defaultTarget: DEFAULT_TARGET,
  serverFor: uvicornServer,
  server: uvicornServer(DEFAULT_TARGET, APP_PORT),
  appFactory: { module: 'app.main', name: 'create_app' },
  appClass: 'FastAPI',
  // uvicorn[standard]: an existing app may use WebSockets.
  serverRequirement: PINS.uvicorn,
  imageFiles: [],
};
