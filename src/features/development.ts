// Development mode (compose.override.yaml): the reloading server, and where it and the
// services are published. The development servers run code on request (Flask's debugger
// executes what its page is sent), so everything is published on 127.0.0.1 unless the user
// says otherwise in .env.

import type { EnvVar } from './types.js';

/** The variable that moves every port of compose.override.yaml off 127.0.0.1. */
export const DEV_BIND_ADDRESS: EnvVar = {
  name: 'DEV_BIND_ADDRESS',
  example: '127.0.0.1',
  comment:
    'Address compose.override.yaml (development) publishes the app and services on: 127.0.0.1 is ' +
    'this machine only; 0.0.0.0 opens the development server (and Flask\'s debugger) to the network.',
};

/**
 * The host port the app is published on, in production (compose.yaml) and development (the
 * override) alike; the container's port does not change. scripts/smoke-test sets it to 0, so
 * Docker picks a free one and the smoke test runs beside a stack that holds the default.
 */
export const APP_HOST_PORT: EnvVar = {
  name: 'APP_PORT',
  example: '',
  comment: 'Host port the app is published on; empty: the port the app listens on in its container.',
};

/** `${APP_PORT:-8000}`: the published side of the app's port mapping, for Compose to interpolate. */
export const appHostPort = (port: number): string => `\${${APP_HOST_PORT.name}:-${port}}`;

/** The host address of a development port, for Compose to interpolate: `${DEV_BIND_ADDRESS:-127.0.0.1}`. */
export const DEV_HOST = `\${${DEV_BIND_ADDRESS.name}:-${DEV_BIND_ADDRESS.example}}`;
