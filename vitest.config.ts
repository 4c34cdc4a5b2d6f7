import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/services-setup.ts', 'tests/support/docker-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
