import { defineConfig } from 'vitest/config';

/**
 * What `npm run mutate` runs against each mutant: the integrators' and optimisers' tests. verify.test.ts (5 s plain)
 * makes a run over every file slow — instrumented steppers inside its order ladders — so measure a few files at a time:
 * `npx stryker run --mutate 'src/integrators/verify.ts'`; MUTATE_FAST=1 leaves verify.test.ts out (a lower bound on the
 * score, in minutes: `MUTATE_FAST=1 npx stryker run --mutate src/integrators/implicit.ts`).
 */
const slow = process.env.MUTATE_FAST ? [] : ['test/integrators/verify.test.ts'];

export default defineConfig({
  test: {
    include: [
      ...slow,
      'test/integrators/reference-steps.test.ts',
      'test/integrators/method-table.test.ts',
      'test/integrators/physics.test.ts',
      'test/integrators/integrate-and-systems.test.ts',
      'test/integrators/checks.test.ts',
      'test/integrators/implicit.test.ts',
      'test/integrators/verify-thresholds.test.ts',
      'test/optim/**/*.test.ts',
    ],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
  },
});
