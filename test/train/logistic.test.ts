/**
 * The built-in logistic-regression baseline: Newton's method against scikit-learn's LogisticRegression (newton-cholesky,
 * converged to 1e-11) on the library's own encoded training parts of both shipped files (fixture: generate_logistic.py).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Rng, UsageError, evaluateModel } from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { fitLogistic, logisticModel } from '../../src/train/logistic.js';
import { LOGISTIC_CASES, encodedTrainPart } from '../fixtures/export-encoded.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/logistic_sklearn.json', import.meta.url), 'utf8')) as {
  cases: Array<{ file: string; c: number; coef: number[]; intercept: number; rows: number; cols: number }>;
};

describe('fitLogistic matches scikit-learn', () => {
  for (const c of LOGISTIC_CASES) {
    const data = encodedTrainPart(c);
    for (const ref of fixture.cases.filter((r) => r.file === c.file)) {
      it(`${c.file}, C = ${ref.c}: coefficients and intercept to 1e-5 (relative to the largest), converged`, () => {
        expect([data.rows, data.cols]).toEqual([ref.rows, ref.cols]);
        const fit = fitLogistic(data, { c: ref.c });
        expect(fit.converged).toBe(true);
        const scale = Math.max(1, ...ref.coef.map(Math.abs));
        let worst = Math.abs(fit.intercept - ref.intercept);
        for (let j = 0; j < ref.coef.length; j++) worst = Math.max(worst, Math.abs(fit.coefficients[j] - ref.coef[j]));
        expect(worst / scale).toBeLessThan(1e-5);
      });
    }
  }
});

describe('logisticModel', () => {
  const data = encodedTrainPart(LOGISTIC_CASES[0]);
  const fit = fitLogistic(data);
  it('is a network with no hidden layer whose P(class 1) is σ(β·x + b); it saves and loads bit for bit', () => {
    const model = logisticModel(fit, { backend: 'js' });
    expect(model.config.hiddenDims).toEqual([]);
    const p = model.predictProba(data.x.subarray(0, 5 * data.cols), 5);
    for (let i = 0; i < 5; i++) {
      let z = fit.intercept;
      for (let j = 0; j < data.cols; j++) z += fit.coefficients[j] * data.x[i * data.cols + j];
      expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
    }
    const back = decodeModel(encodeModel(model));
    expect(back.config.hiddenDims).toEqual([]);
    expect(back.tensors.get('layers.0.weight')!.data).toEqual(model.parameters()[0].data);
  });
  it('ranks the training rows as well as sklearn does (AUC from the fitted model)', () => {
    const m = evaluateModel(logisticModel(fit), data);
    expect(m.auc).toBeGreaterThan(0.8);
  });
});

describe('fitLogistic on hard cases', () => {
  it('separable data: the penalty keeps the coefficients finite and the objective decreasing to convergence', () => {
    const rows = 200,
      cols = 3;
    const rng = new Rng(4);
    const x = new Float32Array(rows * cols);
    const y = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) x[i * cols + j] = rng.normal();
      y[i] = x[i * cols] > 0 ? 1 : 0;
    }
    const fit = fitLogistic({ x, y, rows, cols }, { c: 100 });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients.every(Number.isFinite)).toBe(true);
    expect(fit.coefficients[0]).toBeGreaterThan(5);
  });
  it('one class only, constant and empty inputs: finite answers or a UsageError', () => {
    const x = new Float32Array(20).fill(1);
    const fit = fitLogistic({ x, y: new Uint8Array(10).fill(1), rows: 10, cols: 2 });
    expect(Number.isFinite(fit.intercept)).toBe(true);
    expect(() => fitLogistic({ x, y: new Uint8Array(10), rows: 0, cols: 2 })).toThrow(UsageError);
    expect(() => fitLogistic({ x, y: new Uint8Array(10), rows: 10, cols: 2 }, { c: 0 })).toThrow(/c must be a positive number/);
  });
});
