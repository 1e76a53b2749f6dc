import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdvancedSymplecticOptimizer,
  ForestRuth,
  HamiltonianNN,
  Leapfrog,
  ReduceLROnPlateau,
  Rng,
  SGD,
  SymplecticEuler,
  TrainingDivergedError,
  fit,
  type Dataset,
} from '../../src/index.js';

/** Two Gaussian blobs, linearly separable-ish. */
function blobs(rows: number, cols: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * cols);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = rng.float() < 0.4 ? 1 : 0;
    for (let j = 0; j < cols; j++) x[i * cols + j] = rng.normal() + (y[i] ? 1.2 : -0.2) * (j % 2 ? 1 : -0.5);
  }
  return { x, y, rows, cols };
}

const weights = (m: HamiltonianNN) => m.parameters().map((p) => Array.from(p.data));

describe('fit', () => {
  it('is bit-identical for the same seeds and differs for different seeds', async () => {
    const data = blobs(300, 6, 1);
    const run = async (seed: number) => {
      const m = new HamiltonianNN({ inputDim: 6, hiddenDims: [16, 8], seed });
      await fit(m, new AdvancedSymplecticOptimizer(m.parameters()), data, { epochs: 3, seed });
      return weights(m);
    };
    const a = await run(5),
      b = await run(5),
      c = await run(6);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('learns with every optimiser, closure-based ones included (loss falls, validation AUC high)', async () => {
    const train = blobs(400, 4, 2),
      val = blobs(200, 4, 3);
    const makers = [
      (m: HamiltonianNN) => new AdvancedSymplecticOptimizer(m.parameters(), { lr: 0.01 }),
      (m: HamiltonianNN) => new SymplecticEuler(m.parameters(), { lr: 0.2, friction: 0.1 }),
      (m: HamiltonianNN) => new Leapfrog(m.parameters(), { lr: 0.2, friction: 0.1 }),
      (m: HamiltonianNN) => new ForestRuth(m.parameters(), { lr: 0.1, friction: 0.1 }),
      (m: HamiltonianNN) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 }),
      (m: HamiltonianNN) => new Adam(m.parameters(), { lr: 0.01 }),
    ];
    for (const make of makers) {
      const m = new HamiltonianNN({ inputDim: 4, hiddenDims: [8], seed: 1 });
      const opt = make(m);
      const h = await fit(m, opt, train, { epochs: 8, seed: 1, validation: val });
      expect(h.epochs.at(-1)!.baseLoss, opt.type).toBeLessThan(h.epochs[0].baseLoss);
      expect(h.epochs.at(-1)!.validation!.auc, opt.type).toBeGreaterThan(0.85);
    }
  });

  it('a drift-first method (Forest–Ruth) evaluates exactly its three gradients per step; kick-first ones one more at most', async () => {
    const data = blobs(64, 3, 8);
    for (const [make, perStep] of [
      [(m: HamiltonianNN) => new ForestRuth(m.parameters(), { lr: 0.05 }), 3],
      [(m: HamiltonianNN) => new Leapfrog(m.parameters(), { lr: 0.05 }), 2],
      [(m: HamiltonianNN) => new SGD(m.parameters(), { lr: 0.05 }), 1],
    ] as const) {
      const m = new HamiltonianNN({ inputDim: 3, hiddenDims: [4], seed: 1 });
      let forwards = 0;
      const forward = m.forward.bind(m);
      m.forward = (x, rows, o) => {
        if (!o?.inference) forwards++;
        return forward(x, rows, o);
      };
      await fit(m, make(m), data, { epochs: 1, batchSize: 16 });
      expect(forwards).toBe(4 * perStep);
    }
  });

  it('early stopping keeps the best epoch’s weights; the scheduler lowers the learning rate', async () => {
    const train = blobs(200, 4, 4),
      val = blobs(100, 4, 5);
    const m = new HamiltonianNN({ inputDim: 4, hiddenDims: [32], seed: 2 });
    const opt = new SGD(m.parameters(), { lr: 0.5, momentum: 0.9 });
    const sched = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, minLr: 1e-4 });
    let bestWeights: number[][] = [];
    let bestLoss = Infinity;
    const h = await fit(m, opt, train, {
      epochs: 40,
      seed: 2,
      validation: val,
      scheduler: sched,
      earlyStopping: { monitor: 'val.loss', patience: 3 },
      onEpoch: (e) => {
        if (e.validation!.loss < bestLoss) {
          bestLoss = e.validation!.loss;
          bestWeights = weights(m);
        }
      },
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.epochs.length).toBeLessThan(40);
    expect(weights(m)).toEqual(bestWeights);
    expect(h.epochs[h.bestEpoch - 1].validation!.loss).toBe(bestLoss);
    expect(Math.min(...h.epochs.map((e) => e.lr))).toBeLessThan(0.5);
  });

  it('stops with the epoch and batch when the loss diverges, keeping the last good weights', async () => {
    const data = blobs(64, 3, 6);
    const m = new HamiltonianNN({ inputDim: 3, hiddenDims: [4], seed: 3 });
    const before = weights(m);
    const opt = new SGD(m.parameters(), { lr: 1e30 });
    const err = await fit(m, opt, data, { epochs: 3, batchSize: 16 }).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err.message).toMatch(/epoch 1, batch \d+/);
    expect(weights(m)).toEqual(before);
  });

  it('gradient clipping bounds the update; bad options name the parameter', async () => {
    const data = blobs(32, 3, 7);
    const m = new HamiltonianNN({ inputDim: 3, hiddenDims: [4], seed: 4, dropoutRate: 0 });
    const before = m.parameters().map((p) => p.data.slice());
    await fit(m, new SGD(m.parameters(), { lr: 1 }), data, { epochs: 1, batchSize: 32, clipGradNorm: 1e-3, shuffle: false });
    let d2 = 0;
    m.parameters().forEach((p, i) => p.data.forEach((v, j) => (d2 += (v - before[i][j]) ** 2)));
    expect(Math.sqrt(d2)).toBeLessThanOrEqual(1e-3 * 1.0001);
    await expect(fit(m, new SGD(m.parameters(), { lr: 1 }), data, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(fit(m, new SGD(m.parameters(), { lr: 1 }), { ...data, cols: 2 })).rejects.toThrow(/data.cols is 2 but the model's inputDim is 3/);
    await expect(fit(m, new SGD(m.parameters(), { lr: 1 }), { ...data, y: new Uint8Array(32).fill(3) })).rejects.toThrow(/data.y\[0\] is 3/);
  });
});
