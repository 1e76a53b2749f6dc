import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AdvancedSymplecticOptimizer, HamiltonianNN, evaluateModel, fit, parseCsv, prepareTable, type PreparedTable } from '../../src/index.js';

function load(file: string, target: string, seed: number, applySmote: boolean): PreparedTable {
  const path = new URL(`../../data/${file}`, import.meta.url);
  return prepareTable(parseCsv(readFileSync(path, 'utf8'), { source: file }), { target, positive: 'bad', seed, applySmote, source: file });
}

async function trainAndScore(prep: PreparedTable, seed: number) {
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [64, 32], seed });
  const opt = new AdvancedSymplecticOptimizer(model.parameters(), { lr: 0.01, beta: 0.9 });
  const history = await fit(model, opt, prep.train, { epochs: 10, batchSize: 32, seed, regCoeff: 0.01 });
  return { model, history, metrics: evaluateModel(model, prep.test) };
}

describe('learning on real credit data (10 epochs, [64, 32], AdvancedSymplecticOptimizer)', () => {
  it('credit_data.csv: test AUC ≥ 0.80 (the PyTorch original reaches 0.82 on a comparable split)', async () => {
    const prep = load('credit_data.csv', 'Status', 42, false);
    const { metrics, history } = await trainAndScore(prep, 42);
    expect(metrics.rows).toBe(891); // 20 % of 4,454, stratified, rounded up
    expect(metrics.auc).toBeGreaterThanOrEqual(0.8);
    expect(history.epochs.at(-1)!.baseLoss).toBeLessThan(history.epochs[0].baseLoss);
    expect(history.epochs.every((e) => e.energy > 0)).toBe(true);
  });

  it('lending_club.csv (5.2 % bad) with SMOTE: test AUC ≥ 0.64 (original 0.66, logistic regression 0.69)', async () => {
    const prep = load('lending_club.csv', 'Class', 42, true);
    expect(prep.train.rows).toBeGreaterThan(prep.trainRowsBeforeSmote);
    const { metrics } = await trainAndScore(prep, 42);
    expect(metrics.positives).toBe(103); // 517 · 1972/9857 = 103.4
    expect(metrics.auc).toBeGreaterThanOrEqual(0.64);
  });

  it('credit_data.csv with SMOTE: test AUC ≥ 0.80', async () => {
    const prep = load('credit_data.csv', 'Status', 7, true);
    const { metrics } = await trainAndScore(prep, 7);
    expect(metrics.auc).toBeGreaterThanOrEqual(0.8);
  });
});
