import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests move real bytes through loopback servers (the simulator, s3rver)
    // and CDK synthesis takes seconds: generous per-test limits on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
