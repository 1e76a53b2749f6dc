import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { goldenRuns } from '../helpers/golden-runs.js';

// Recorded at 192bed9, before the op-layer redesign (test/fixtures/make-golden-bits.ts): refactors must not move a bit.
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden-bits.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;

describe('same seed, same backend → the same bits as before the redesign', () => {
  const runs = goldenRuns();
  it('covers every recorded run', () => expect(Object.keys(runs).sort()).toEqual(Object.keys(golden).sort()));
  it.each(Object.keys(golden))('%s: model file, optimiser state, probabilities, history and generator state', async (name) => {
    expect(await runs[name]()).toEqual(golden[name]);
  });
});
