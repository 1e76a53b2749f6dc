/**
 * Calibration maps against scikit-learn (fixture: test/fixtures/generate_calibration.py): Platt scaling on the logit
 * (sklearn's _sigmoid_calibration) and isotonic regression (IsotonicRegression, out_of_bounds='clip'); and the stored
 * form's schema.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ModelFormatError } from '../../src/index.js';
import { checkCalibration } from '../../src/io/calibration.js';
import { calibrateProbabilities } from '../../src/metrics/calibration-map.js';
import { fitIsotonic, fitPlatt } from '../../src/train/calibration.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/calibration_sklearn.json', import.meta.url), 'utf8')) as {
  cases: Array<{ p: number[]; y: number[]; platt: { a: number; b: number }; grid: number[]; isotonic: number[]; isotonicAtP: number[] }>;
};

describe.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
  it('fitPlatt finds sklearn’s (A, B) to 1e-6, and calibrates with them', () => {
    const cal = fitPlatt(c.p, c.y);
    if (cal.method !== 'platt') throw new Error('not platt');
    expect(cal.a).toBeCloseTo(c.platt.a, 6);
    expect(cal.b).toBeCloseTo(c.platt.b, 6);
    const p = Float32Array.from(c.p.slice(0, 20));
    calibrateProbabilities(p, p.length, cal);
    c.p.slice(0, 20).forEach((q, i) => {
      const qc = Math.min(Math.max(q, 1e-12), 1 - 1e-12);
      const f = Math.log(qc) - Math.log1p(-qc);
      expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(c.platt.a * f + c.platt.b)), 5);
    });
  });
  it('fitIsotonic predicts what sklearn predicts, on a grid of [0, 1] and at the fitted scores, to float32 precision', () => {
    const cal = fitIsotonic(c.p, c.y);
    checkCalibration(cal);
    const grid = Float32Array.from(c.grid);
    calibrateProbabilities(grid, grid.length, cal);
    c.isotonic.forEach((v, i) => expect(grid[i]).toBeCloseTo(v, 5));
    const at = Float32Array.from(c.p);
    calibrateProbabilities(at, at.length, cal);
    c.isotonicAtP.forEach((v, i) => expect(at[i]).toBeCloseTo(v, 5));
  });
});

describe('the stored calibration', () => {
  it.each([
    [{ method: 'platt', a: 'x', b: 0 }, /calibration\.a must be a finite number/],
    [{ method: 'platt', a: 1, b: Number.NaN }, /calibration\.b/],
    [{ method: 'isotonic', x: [0.5, 0.2], y: [0, 1] }, /calibration\.x must be 2 to 100000 increasing/],
    [{ method: 'isotonic', x: [0, 1], y: [1, 0] }, /calibration\.y must be 2 non-decreasing/],
    [{ method: 'isotonic', x: [0, 2], y: [0, 1] }, /calibration\.x/],
    [{ method: 'temperature' }, /calibration\.method must be 'platt' or 'isotonic'/],
    [[1, 2], /calibration must be an object/],
  ])('%j is refused with a ModelFormatError naming the field', (value, message) => {
    expect(() => checkCalibration(value)).toThrow(ModelFormatError);
    expect(() => checkCalibration(value)).toThrow(message);
  });
  it('keeps NaN as NaN (the probability check after it refuses the row) and maps 0 and 1 to the limits', () => {
    const p = Float32Array.of(Number.NaN, 0, 1, 0.5);
    calibrateProbabilities(p, 4, { method: 'platt', a: -1, b: 0 });
    expect(Number.isNaN(p[0])).toBe(true);
    expect([p[1], p[2], p[3]]).toEqual([0, 1, 0.5]);
    const q = Float32Array.of(Number.NaN, 0, 1, 0.25);
    calibrateProbabilities(q, 4, { method: 'isotonic', x: [0.1, 0.9], y: [0.2, 0.6] });
    expect(Number.isNaN(q[0])).toBe(true);
    expect(Array.from(q.subarray(1)).map((v) => +v.toFixed(6))).toEqual([0.2, 0.6, 0.275]);
  });
  it('fitting refuses what is not a probability or too little data', () => {
    expect(() => fitPlatt([0.5], [1])).toThrow(/at least 2/);
    expect(() => fitIsotonic([0.5, 1.5], [1, 0])).toThrow(/probability 1 is 1.5/);
    expect(() => fitPlatt([0.5, 0.2], [1])).toThrow(/2 probabilities but 1 labels/);
  });
});
