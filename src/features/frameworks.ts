// The two web frameworks: what each installs, and how its server starts in the image and
// in development. Their Python code lives in templates/flask/ and templates/fastapi/.

import type { Framework } from '../options.js';
import { PINS } from '../versions.js';
import type { Feature, ServerSpec } from './types.js';

export const APP_PORT = 8000;

const flask: Feature & { server: ServerSpec } = {
  layer: 'flask',
  requirements: [PINS.flask, PINS.gunicorn],
  devRequirements: [PINS.pytest],
  server: {
    package: 'gunicorn',
    target: 'app:create_app()',
    // gunicorn.conf.py holds bind, workers and logging so the CMD stays short.
    command: ['gunicorn', '--config', 'gunicorn.conf.py', 'app:create_app()'],
    devCommand: ['flask', '--app', 'app', 'run', '--debug', '--host', '0.0.0.0', '--port', String(APP_PORT)],
  },
};

const fastapi: Feature & { server: ServerSpec } = {
  layer: 'fastapi',
  requirements: [PINS.fastapi, PINS.uvicorn, PINS.pydanticSettings],
  devRequirements: [PINS.pytest, PINS.httpx],
  server: {
    package: 'uvicorn',
    target: 'app.main:app',
    // uvicorn reads WEB_CONCURRENCY for its worker count and FORWARDED_ALLOW_IPS for proxy trust.
    command: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', String(APP_PORT)],
    devCommand: ['uvicorn', 'app.main:app', '--reload', '--host', '0.0.0.0', '--port', String(APP_PORT)],
  },
};

export const FRAMEWORK_FEATURES: Record<Framework, Feature & { server: ServerSpec }> = { flask, fastapi };
