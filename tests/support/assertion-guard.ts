// Every test must assert something (vitest.config.ts turns on expect.requireAssertions).
//
// vitest counts a test's assertions on the context's `expect` once the test has touched it,
// otherwise on the global `expect`, whose count concurrent tests share: a concurrent test
// without assertions could pass on another test's. So for concurrent tests the context's
// `expect` is created before the test body runs, and only assertions made through it count:
// a concurrent test that asserts nothing, or only through the global `expect`, fails with
// "expected any number of assertion, but got none".
import { beforeEach } from 'vitest';

beforeEach((context) => {
  if (context.task.concurrent) void context.expect;
});
