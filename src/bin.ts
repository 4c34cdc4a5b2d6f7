#!/usr/bin/env node
// The package's executable (package.json "bin"), bundled to dist/create-python-docker-app.js.
import { exitWhenFlushed, main } from './cli.js';
import { pauseAt } from './engine/test-pause.js';
import { holdLateSignalsUntilExit } from './engine/write.js';

holdLateSignalsUntilExit();
const code = await main(process.argv.slice(2));
pauseAt('exiting');
await exitWhenFlushed(code);
