import { defineConfig } from 'vitest/config';

// Two projects: unit tests run anywhere; e2e tests need the real-services lab (scripts/lab/up.sh).
export default defineConfig({
  test: {
    // The JSON report feeds .ci/run's `N passed, N failed` line (vitest's own summary is not recognised there).
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          // Fails a test file when any log line it produced contains a known test secret.
          setupFiles: ['test/setup/secret-scan.ts'],
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          setupFiles: ['test/setup/secret-scan.ts'],
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
