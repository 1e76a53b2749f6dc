import { defineConfig } from 'vitest/config';

/**
 * Tests that drive a browser (Chromium), workerd, TypeDoc, the CLI as a subprocess over real files, or the built
 * pool's worker threads: `npm run test:slow`. Everything else is `npm test` (fast: property tests, kernels, models,
 * golden bits). CI runs both.
 */
export const SLOW = [
  'test/gpu/browser.test.ts',
  'test/edge/**/*.test.ts',
  'test/docs/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/reasoning/**/*.test.ts',
  'test/reliability/files.test.ts',
  'test/reliability/corpus.test.ts',
  'test/reliability/unix.test.ts',
  'test/runtimes/**/*.test.ts',
  'test/playground/**/*.test.ts',
  'test/pool/**/*.test.ts',
];

export default defineConfig({
  test: {
    include: process.env.TEST_SLOW === '1' ? SLOW : ['test/**/*.test.ts'],
    exclude: process.env.TEST_SLOW === '1' || process.env.TEST_ALL === '1' ? [] : SLOW,
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
