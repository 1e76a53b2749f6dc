import { defineConfig } from 'vitest/config';

/**
 * What `npm run mutate` runs against each mutant: the integrators' and optimisers' tests. verify.test.ts (5 s plain)
 * makes a run over every file slow — instrumented steppers inside its order ladders — so measure a few files at a time:
 * `npx stryker run --mutate 'src/integrators/verify.ts'`.
 */
export default defineConfig({
  test: {
    include: [
      'test/integrators/reference-steps.test.ts',
      'test/integrators/method-table.test.ts',
      'test/integrators/physics.test.ts',
      'test/integrators/integrate-and-systems.test.ts',
      'test/integrators/verify.test.ts',
      'test/integrators/checks.test.ts',
      'test/integrators/verify-thresholds.test.ts',
      'test/optim/**/*.test.ts',
    ],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
  },
});
