#!/usr/bin/env node
// The package's executable (package.json "bin"), bundled to dist/create-python-docker-app.js.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
