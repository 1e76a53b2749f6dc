import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { goldenRuns } from '../helpers/golden-runs.js';

// Recorded at 192bed9, before the op-layer redesign (test/fixtures/make-golden-bits.ts): refactors must not move a bit.
// Re-recorded once on purpose since: scorer-wasm's one-row and raw-record hashes, when a few rows stopped taking dot
// products (a record now scores the same bits alone as in a batch — its oneRow hash is its batch hash).
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden-bits.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;

describe('same seed, same backend → the same bits as before the redesign', () => {
  const runs = goldenRuns();
  it('covers every recorded run', () => expect(Object.keys(runs).sort()).toEqual(Object.keys(golden).sort()));
  it.each(Object.keys(golden))('%s: model file, optimiser state, probabilities, history and generator state', async (name) => {
    expect(await runs[name]()).toEqual(golden[name]);
  });
  it.each(['scorer-js', 'scorer-wasm'])('%s: rows scored one at a time are the batch, bit for bit', (name) => {
    expect(golden[name].oneRow).toBe(golden[name].batch);
  });
});
