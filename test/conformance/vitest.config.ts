import { defineConfig } from 'vitest/config';

// Until the root vitest.config.ts includes test/conformance, run this suite with
//   npx vitest run -c test/conformance/vitest.config.ts
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
