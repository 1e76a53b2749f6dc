/** Scorecard points: the formula, its invariants (property-tested), the model file's scaling and the edge scorer's points. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCALING, HamiltonianNN, exactPoints, parseCsv, points, prepareTable, scalingFactors } from '../../src/index.js';
import { decodeModel, encodeModel, sealChecksum } from '../../src/io/model-file.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { ModelFormatError, loadScorerSync } from '../../src/score/index.js';
import { POINTS_PROBABILITY_FLOOR } from '../../src/metrics/scorecard.js';

const scaling = fc.record({
  pdo: fc.double({ min: 1, max: 100, noNaN: true }),
  baseScore: fc.double({ min: -1000, max: 1000, noNaN: true }),
  baseOdds: fc.double({ min: 0.01, max: 1000, noNaN: true }),
});

describe('points = offset − factor·ln(odds_bad), factor = PDO/ln 2', () => {
  it('the textbook numbers: 600 at 50:1, 620 at 100:1, 580 at 25:1 (PDO 20)', () => {
    expect(exactPoints(1 / 51, DEFAULT_SCALING)).toBeCloseTo(600, 9);
    expect(exactPoints(1 / 101, DEFAULT_SCALING)).toBeCloseTo(620, 9);
    expect(exactPoints(1 / 26, DEFAULT_SCALING)).toBeCloseTo(580, 9);
    expect(points(0.5, DEFAULT_SCALING)).toBe(Math.round(600 - (20 / Math.LN2) * Math.log(50))); // even odds: 487
    expect(scalingFactors(DEFAULT_SCALING).factor).toBeCloseTo(28.8539, 4);
  });
  it('baseOdds scores baseScore, doubling the good:bad odds adds PDO, and more risk never scores more (any scaling)', () => {
    fc.assert(
      fc.property(scaling, fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (s, p, q) => {
        expect(exactPoints(1 / (1 + s.baseOdds), s)).toBeCloseTo(s.baseScore, 6);
        const odds = (1 - p) / p; // good:bad
        const doubled = 1 / (1 + 2 * odds);
        expect(exactPoints(doubled, s) - exactPoints(p, s)).toBeCloseTo(s.pdo, 6);
        if (p < q) expect(exactPoints(p, s)).toBeGreaterThanOrEqual(exactPoints(q, s));
      }),
    );
  });
  it('0 and 1 have finite points (clamped at 2⁻²³); a non-probability has none (NaN)', () => {
    expect(exactPoints(0, DEFAULT_SCALING)).toBe(exactPoints(POINTS_PROBABILITY_FLOOR, DEFAULT_SCALING));
    expect(exactPoints(1, DEFAULT_SCALING)).toBe(exactPoints(1 - POINTS_PROBABILITY_FLOOR, DEFAULT_SCALING));
    expect(Number.isFinite(points(1, DEFAULT_SCALING))).toBe(true);
    for (const bad of [Number.NaN, -0.1, 1.5, Number.POSITIVE_INFINITY]) expect(points(bad, DEFAULT_SCALING)).toBeNaN();
  });
});

describe('the scaling in the model file and the edge scorer', () => {
  const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
  const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 1 });
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [6], seed: 2, backend: 'js' });
  const record = Object.fromEntries(table.columns.map((c, j) => [c, table.rows[5][j]]));
  const custom = { pdo: 50, baseScore: 300, baseOdds: 10 };

  it('round-trips; decide() and explain() give points from the model’s scaling (DEFAULT_SCALING without one)', () => {
    const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), scorecard: custom });
    expect(decodeModel(bytes).scorecard).toEqual(custom);
    const scorer = loadScorerSync(bytes);
    const d = scorer.decide(record);
    expect(d.points).toBe(points(d.probability, custom));
    expect(scorer.explain(record).points).toBe(d.points);
    const plain = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }));
    expect(plain.scaling).toEqual(DEFAULT_SCALING);
    expect(plain.decide(record).points).toBe(points(d.probability, DEFAULT_SCALING));
  });

  it.each([
    [{ pdo: 0, baseScore: 600, baseOdds: 50 }, /__metadata__\.scorecard\.pdo must be a positive number/],
    [{ pdo: 20, baseScore: 600, baseOdds: -1 }, /\.baseOdds must be a positive number/],
    [{ pdo: 20, baseScore: 'x', baseOdds: 50 }, /\.baseScore must be a finite number/],
    [{ pdo: 20, baseScore: 600, baseOdds: 50, extra: 1 }, /unknown field 'extra'/],
    [[20, 600, 50], /must be \{ pdo, baseScore, baseOdds \}/],
  ])('a crafted scorecard %j is refused at load, naming the field', (scorecard, message) => {
    const good = decodeSafetensors(encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), scorecard: custom }));
    const metadata = { ...good.metadata, scorecard: JSON.stringify(scorecard), crc32: '00000000' };
    const bytes = sealChecksum(encodeSafetensors([...good.tensors.entries()], metadata));
    expect(() => decodeModel(bytes)).toThrow(ModelFormatError);
    expect(() => decodeModel(bytes)).toThrow(message);
  });
});
