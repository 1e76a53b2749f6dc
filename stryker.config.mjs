// `npm run mutate`: mutation testing of the integrators and the optimisers (issue 18) — every mutant of src/integrators
// and src/optim must make a test fail. The report lands in reports/mutation/ (ignored by git).
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: ['src/integrators/**/*.ts', 'src/optim/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Message and description texts are not behaviour: mutating them measures nothing the tests should pin down.
  mutator: { excludedMutations: ['StringLiteral'] },
  disableTypeChecks: 'src/**/*.ts',
  ignorePatterns: ['assembly', 'dist', 'docs', 'bench', 'playground', 'reports', '.tmp'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 60000,
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
