/**
 * fast-check runs with a fresh random seed locally (to keep finding new cases) and with a fixed one in CI
 * (CI=true), so a landing is reproducible. Set FC_SEED to replay a failing run.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : process.env.CI ? 20261126 : undefined;
if (seed !== undefined) fc.configureGlobal({ seed });
