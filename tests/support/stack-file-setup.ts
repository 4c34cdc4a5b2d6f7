// A setup file of the stack project only (vitest.config.ts; vitest runs it in each stack test
// file's worker before loading the file): the file is loaded once the stand-in images are in
// the engines, or fails with the reason they are not (tests/support/standins-ready.ts).
import { inject } from 'vitest';
import { waitForStandins } from './standins-ready.js';

await waitForStandins(inject('standins'));
