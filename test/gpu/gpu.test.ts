/**
 * The GPU kernels, run in gpu.js's `cpu` mode (which executes the very same kernel code; CI has no GPU),
 * property-tested against the pure-TS reference; the auto-selection and the fallback message; a GPU training
 * step agreeing with the reference step. The real-GPU run is bench/gpu/run.sh.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';
import { ROOT } from '../cli/helpers.js';
import {
  GpuNetwork,
  createGpuBackend,
  createGpuScorer,
  fitGpu,
  gpuPredictProba,
  gpuSelfCheck,
  gpuTrainStep,
  type GpuBackend,
  type GpuTensor,
} from '../../src/gpu.js';
import { provideNodeWebGPU } from '../../src/backend/gpu/node-webgpu.js';
import {
  Adam,
  AdvancedSymplecticOptimizer,
  HamiltonianNN,
  Rng,
  TrainingDivergedError,
  parseCsv,
  prepareTable,
  fit,
  getActivation,
  hamiltonianLoss,
  matmul,
  matmulNT,
  matmulTN,
} from '../../src/index.js';

const cpu = (await createGpuBackend('cpu')) as GpuBackend;
const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

describe('GPU backend selection', () => {
  it("'cpu' mode loads; 'auto' either finds a device that passes the self-check or says, mode by mode, why not", async () => {
    expect(cpu.mode).toBe('cpu');
    const auto = await createGpuBackend('auto');
    if (auto.mode === null) {
      expect(auto.fallbackReason).toMatch(/no usable GPU \(webgpu: .*\); using the CPU backends/);
    } else {
      expect(['webgpu', 'webgl2', 'webgl', 'headlessgl']).toContain(auto.mode); // never a silent CPU mode
      expect((await gpuSelfCheck(auto)).failures).toEqual([]);
      auto.destroy();
    }
    const setup = await provideNodeWebGPU();
    if (!setup.ok) expect(setup.reason).toMatch(/webgpu|WebGPU/);
    const model = new HamiltonianNN({ inputDim: 2, hiddenDims: [2], backend: 'gpu' });
    expect(model.backend).not.toBe('gpu');
    expect(model.fallbackReason).toMatch(/backend 'gpu' needs the asynchronous GPU set-up/);
  });
});

/** Runs one kernel on host arrays: upload, run, read back, release. */
async function onDevice(gpu: GpuBackend, inputs: Float32Array[], run: (...t: GpuTensor[]) => Promise<GpuTensor>): Promise<Float32Array> {
  const ts = await Promise.all(inputs.map((a) => gpu.kernels.upload(a)));
  const out = await run(...ts);
  const v = await gpu.kernels.read(out);
  for (const t of [...ts, out]) gpu.kernels.release(t);
  return v;
}

describe('gpu.js kernels agree with the reference kernels (cpu mode)', () => {
  it('the self-check passes: every kernel, loops longer than 1000', async () => {
    const check = await gpuSelfCheck(cpu);
    expect(check.failures).toEqual([]);
    expect(Object.keys(check.worst).length).toBeGreaterThanOrEqual(14);
    expect(check.worst.matmulNN).toBeLessThan(1e-6);
  });

  it('two whole training steps (tanh, dropout, regulariser, class weights) match the CPU model, loss and optimiser', async () => {
    const make = () => new HamiltonianNN({ inputDim: 6, hiddenDims: [5, 4], activation: 'tanh', dropoutRate: 0.25, seed: 7, backend: 'js' });
    const a = make(),
      b = make();
    const rng = new Rng(4);
    const rows = 50,
      x = rand(rng, rows * 6),
      y = Array.from({ length: rows }, () => rng.int(2));
    const lossOptions = { regCoeff: 0.02, classWeights: [1, 3] };
    const net = await GpuNetwork.fromModel(cpu, a);
    const opt = new AdvancedSymplecticOptimizer(b.parameters(), { lr: 0.05 });
    const losses: number[] = [];
    b.train();
    for (let s = 0; s < 2; s++) {
      await net.trainStep(x, y, rows, { lr: 0.05, ...lossOptions });
      b.zeroGrad();
      const res = hamiltonianLoss(b.forward(x, rows), y, b, lossOptions, rows);
      b.backward(res.grad, rows);
      opt.step();
      losses.push(res.loss);
    }
    const stats = await net.takeStats();
    expect(Math.abs(stats.loss - (losses[0] + losses[1]) / 2)).toBeLessThan(1e-5);
    await net.toModel(a);
    net.release();
    a.parameters().forEach((p, i) => p.data.forEach((v, j) => expect(Math.abs(v - b.parameters()[i].data[j])).toBeLessThan(1e-5)));
  });

  it('the self-check fails loudly on a wrong kernel (here: dot products cut at 1000 terms, the gpu.js default)', async () => {
    const capped: GpuBackend = {
      ...cpu,
      kernels: { ...cpu.kernels, matmul: (a, b, m, k, n, ta, tb) => cpu.kernels.matmul(a, b, m, Math.min(k, 1000), n, ta, tb) },
    };
    const check = await gpuSelfCheck(capped);
    expect(check.ok).toBe(false);
    expect(check.failures.join()).toMatch(/matmulNN: .* > 0\.0001/);
    const trusted = await createGpuBackend('cpu', { selfCheck: true });
    expect(trusted.mode).toBe('cpu');
  });

  it('matmul, all transpose cases, random shapes including 1 and primes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 11 }), fc.nat(), async (m, k, n, seed) => {
        const rng = new Rng(seed);
        const a = rand(rng, m * k),
          b = rand(rng, k * n);
        for (const [ta, tb, ref] of [
          [false, false, matmul],
          [false, true, matmulNT],
          [true, false, matmulTN],
        ] as const) {
          const got = await onDevice(cpu, [a, b], (ha, hb) => cpu.kernels.matmul(ha, hb, m, k, n, ta, tb));
          const want = ref(new Float32Array(m * n), a, b, m, k, n);
          for (let i = 0; i < m * n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * (k + 1));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('dense forward (bias + activation), the activation alone, its backward from the pre-activation, and column sums', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(0, 1, 2, 3, 4),
        fc.nat(),
        async (m, k, n, act, seed) => {
          const rng = new Rng(seed);
          const x = rand(rng, m * k),
            w = rand(rng, n * k),
            b = rand(rng, n);
          const got = await onDevice(cpu, [x, w, b], (hx, hw, hb) => cpu.kernels.dense(hx, hw, hb, m, k, n, act, 0.01));
          const z = matmulNT(new Float32Array(m * n), x, w, m, k, n);
          const name = (['relu', 'relu', 'leaky_relu', 'tanh', 'gelu'] as const)[act];
          const pre = Float32Array.from(z, (v, i) => v + b[i % n]);
          const forward = act === 0 ? pre : getActivation(name).forward(new Float32Array(m * n), pre, m * n);
          for (let i = 0; i < m * n; i++) expect(Math.abs(got[i] - forward[i])).toBeLessThan(1e-5);
          const alone = await onDevice(cpu, [pre], (hp) => cpu.kernels.activate(hp, m * n, act, 0.01));
          for (let i = 0; i < m * n; i++) expect(Math.abs(alone[i] - forward[i])).toBeLessThan(1e-5);
          const g = rand(rng, m * n);
          const back = await onDevice(cpu, [g, pre], (hg, hp) => cpu.kernels.activationBackward(hg, hp, m * n, act, 0.01));
          const want = act === 0 ? g : getActivation(name).backward(new Float32Array(m * n), pre, g, m * n);
          for (let i = 0; i < m * n; i++) expect(Math.abs(back[i] - want[i])).toBeLessThan(1e-5);
          const cs = await onDevice(cpu, [x], (hx) => cpu.kernels.colSum(hx, m, k));
          for (let j = 0; j < k; j++)
            expect(cs[j]).toBeCloseTo(
              Array.from({ length: m }, (_, r) => x[r * k + j]).reduce((s, v) => s + v, 0),
              5,
            );
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('GPU model paths', () => {
  it('batch scoring in chunks equals predictProba', async () => {
    const model = new HamiltonianNN({ inputDim: 7, hiddenDims: [6, 5], seed: 3 });
    const rng = new Rng(4);
    const x = rand(rng, 7 * 50);
    const got = await gpuPredictProba(cpu, model, x, 50, 16);
    const want = model.predictProba(x, 50);
    for (let i = 0; i < 50; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
  });

  it('createGpuScorer: async scoreBatch of raw records equals the edge scorer; bad records and bare state dicts are named', async () => {
    const table = parseCsv(readFileSync(join(ROOT, 'data', 'credit_data.csv'), 'utf8'));
    const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 2, applySmote: false });
    const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [16, 8], seed: 2 });
    const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON() });
    const records = table.rows.slice(0, 300).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));
    const scorer = await createGpuScorer(cpu, bytes, { chunk: 128 });
    const got = await scorer.scoreBatch(records);
    const want = loadScorerSync(bytes).scoreBatch(records);
    for (let i = 0; i < records.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
    await expect(scorer.scoreBatch([records[0], { ...records[1], Income: 'lots' }])).rejects.toThrow(/record 1, column 'Income'/);
    const holed = records.slice(0, 3);
    delete holed[1];
    await expect(scorer.scoreBatch(holed)).rejects.toThrow(/record 1: a record must be an object/); // a hole is never scored
    const x = prep.preprocessor.transformRecords(records);
    for (const rows of [1.5, -1, Number.NaN]) await expect(scorer.scoreEncoded(x, rows)).rejects.toThrow(`rows must be an integer ≥ 0, got ${rows}`);
    scorer.release();
    await expect(createGpuScorer(cpu, encodeModel(model))).rejects.toThrow(/no preprocessor/);
  });

  it('a GPU training step matches the reference step (hamiltonianLoss with its default regulariser)', async () => {
    const make = () => new HamiltonianNN({ inputDim: 5, hiddenDims: [4, 3], dropoutRate: 0, seed: 8, backend: 'js' });
    const a = make(),
      b = make();
    const rng = new Rng(9);
    const x = rand(rng, 5 * 12);
    const y = Array.from({ length: 12 }, () => rng.int(2));
    const state = {};
    const opt = new AdvancedSymplecticOptimizer(b.parameters(), { lr: 0.05 });
    for (let s = 0; s < 3; s++) {
      const r = await gpuTrainStep(cpu, a, x, y, 12, state, { lr: 0.05 });
      b.zeroGrad();
      const res = hamiltonianLoss(b.forward(x, 12), y, b, {}, 12);
      b.backward(res.grad, 12);
      opt.step();
      expect(r.loss).toBeCloseTo(res.loss, 5);
      expect(r.baseLoss).toBeCloseTo(res.baseLoss, 5);
      expect(r.regLoss).toBeCloseTo(res.regLoss, 4);
      expect(r.energy).toBeCloseTo(opt.energy, 4);
    }
    a.parameters().forEach((p, i) => p.data.forEach((v, j) => expect(Math.abs(v - b.parameters()[i].data[j])).toBeLessThan(1e-5)));
  });

  it('a resident network rejects bad input with the parameter named, and its sums reset after takeStats', async () => {
    const model = new HamiltonianNN({ inputDim: 3, hiddenDims: [4], dropoutRate: 0, seed: 1, backend: 'js' });
    const net = await GpuNetwork.fromModel(cpu, model);
    const x = new Float32Array(3 * 8).fill(0.5);
    await expect(net.trainStep(x, new Uint8Array(8), 9)).rejects.toThrow(/x holds 24 values, 9 rows × 3 inputs need 27/);
    await expect(net.trainStep(x, new Uint8Array(4), 8)).rejects.toThrow(/y holds 4 labels, 8 rows need 8/);
    await expect(net.trainStep(x, [0, 1, 2, 0, 0, 0, 0, 0], 8)).rejects.toThrow(/label y\[2\] is 2; labels must be integers in \[0, 2\)/);
    await expect(net.trainStep(x, new Uint8Array(8), 0)).rejects.toThrow(/rows must be an integer ≥ 1, got 0/);
    await expect(net.predictProba(x, 8, 0)).rejects.toThrow(/chunk must be an integer ≥ 1, got 0/);
    await net.trainStep(x, new Uint8Array(8), 8);
    await net.trainStep(x, new Uint8Array(8), 8);
    const first = await net.takeStats();
    expect(first.steps).toBe(2);
    expect(first.loss).toBeGreaterThan(0);
    expect(first.energy).toBeGreaterThan(0);
    expect(await net.takeStats()).toEqual({ loss: NaN, baseLoss: NaN, regLoss: NaN, energy: NaN, steps: 0 });
    net.release();
    await expect(gpuPredictProba(cpu, model, x, 9)).rejects.toThrow(/x holds 24 values, 9 rows × 3 need 27/);
  });

  const fitData = (() => {
    const rng = new Rng(3);
    const x = rand(rng, 4 * 60);
    return { x, y: Uint8Array.from({ length: 60 }, (_, i) => (x[i * 4] + 0.5 * rng.normal() > 0.3 ? 1 : 0)), rows: 60, cols: 4 };
  })();
  const twin = () => {
    const make = () => new HamiltonianNN({ inputDim: 4, hiddenDims: [6, 3], dropoutRate: 0.2, seed: 2, backend: 'js' });
    return [make(), make()] as const;
  };

  it('fitGpu follows fit step for step: shuffling, dropout bits, regulariser, class weights, history and validation', async () => {
    const [a, b] = twin();
    const o = { epochs: 3, batchSize: 16, seed: 5, validation: fitData, regCoeff: 0.02, regularizer: 'l2' as const, classWeights: [1, 2.5] };
    const hg = await fitGpu(cpu, a, fitData, { ...o, lr: 0.05 });
    const hc = await fit(b, new AdvancedSymplecticOptimizer(b.parameters(), { lr: 0.05 }), fitData, o);
    a.parameters().forEach((p, i) => p.data.forEach((v, j) => expect(Math.abs(v - b.parameters()[i].data[j])).toBeLessThan(1e-5)));
    expect(hg.epochs).toHaveLength(3);
    hg.epochs.forEach((e, i) => {
      const c = hc.epochs[i];
      for (const key of ['loss', 'baseLoss', 'regLoss', 'energy'] as const) expect(e[key]).toBeCloseTo(c[key], 5);
      expect(e.validation!.loss).toBeCloseTo(c.validation!.loss, 5);
      expect(e.validation!.auc).toBeCloseTo(c.validation!.auc, 6);
      expect(e.validation!.accuracy).toBe(c.validation!.accuracy);
    });
    expect(a.dropoutRng.getState()).toEqual(b.dropoutRng.getState()); // the same number of dropout bits drawn
  });

  it('fitGpu with three classes (validation on the CPU) follows fit', async () => {
    const make = () => new HamiltonianNN({ inputDim: 4, hiddenDims: [7], outputDim: 3, dropoutRate: 0.1, seed: 3, backend: 'js' });
    const a = make(),
      b = make();
    const data = { ...fitData, y: Uint8Array.from({ length: fitData.rows }, (_, i) => (fitData.x[i * 4] > 0.3 ? 2 : fitData.x[i * 4 + 1] > 0 ? 1 : 0)) };
    const o = { epochs: 2, batchSize: 16, seed: 2, validation: data, classWeights: [1, 2, 1] };
    const hg = await fitGpu(cpu, a, data, { ...o, lr: 0.05 });
    const hc = await fit(b, new AdvancedSymplecticOptimizer(b.parameters(), { lr: 0.05 }), data, o);
    a.parameters().forEach((p, i) => p.data.forEach((v, j) => expect(Math.abs(v - b.parameters()[i].data[j])).toBeLessThan(1e-5)));
    hg.epochs.forEach((e, i) => {
      expect(e.loss).toBeCloseTo(hc.epochs[i].loss, 5);
      expect(e.validation!.accuracy).toBe(hc.epochs[i].validation!.accuracy);
    });
  });

  it('fitGpu stops early and restores the best epoch exactly as fit does', async () => {
    const [a, b] = twin();
    const o = { epochs: 12, batchSize: 8, seed: 1, validation: fitData, earlyStopping: { monitor: 'val.loss' as const, patience: 1 } };
    const hg = await fitGpu(cpu, a, fitData, { ...o, lr: 0.3 });
    const hc = await fit(b, new AdvancedSymplecticOptimizer(b.parameters(), { lr: 0.3 }), fitData, o);
    expect(hc.stoppedEarly).toBe(true);
    expect({ n: hg.epochs.length, stopped: hg.stoppedEarly, best: hg.bestEpoch }).toEqual({ n: hc.epochs.length, stopped: true, best: hc.bestEpoch });
    a.parameters().forEach((p, i) => p.data.forEach((v, j) => expect(Math.abs(v - b.parameters()[i].data[j])).toBeLessThan(1e-5)));
  });

  it('fit(…, { device }) is the one fit: the same run as fitGpu, the optimiser read from the instance; others refused by name', async () => {
    const [a, b] = twin();
    const o = { epochs: 2, batchSize: 8, seed: 1, validation: fitData };
    const hd = await fit(a, new AdvancedSymplecticOptimizer(a.parameters(), { lr: 0.2, beta: 0.8 }), fitData, { ...o, device: cpu });
    const hg = await fitGpu(cpu, b, fitData, { ...o, lr: 0.2, beta: 0.8 });
    expect(hd.epochs.map((e) => [e.loss, e.energy, e.lr])).toEqual(hg.epochs.map((e) => [e.loss, e.energy, e.lr]));
    a.parameters().forEach((p, i) => expect(p.data).toEqual(b.parameters()[i].data));
    await expect(fit(a, new Adam(a.parameters()), fitData, { device: cpu })).rejects.toThrow(
      /fit on a GPU device runs AdvancedSymplecticOptimizer with one parameter group \(got Adam with 1\)/,
    );
  });

  it('fitGpu: divergence restores the last good weights; unsupported options are refused by name', async () => {
    const [a] = twin();
    const before = a.parameters().map((p) => p.data.slice());
    await expect(fitGpu(cpu, a, fitData, { epochs: 2, lr: 1e38 })).rejects.toThrow(TrainingDivergedError);
    a.parameters().forEach((p, i) => expect(p.data).toEqual(before[i]));
    await expect(fitGpu(cpu, a, fitData, { scheduler: { step() {} } } as never)).rejects.toThrow(/fitGpu does not support scheduler/);
    await expect(fitGpu(cpu, a, fitData, { clipGradNorm: 1 } as never)).rejects.toThrow(/fitGpu does not support clipGradNorm/);
    await expect(fitGpu(cpu, a, fitData, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    const wide = new HamiltonianNN({ inputDim: 4, hiddenDims: [512], seed: 1, backend: 'js' });
    await expect(fitGpu(cpu, wide, fitData, { batchSize: 32769 })).rejects.toThrow(
      /batchSize 32769 is too large for the GPU with a layer 512 wide: at most 32768 rows/,
    );
    const net = await GpuNetwork.fromModel(cpu, wide);
    await expect(net.trainStep(new Float32Array(4 * 40000), new Uint8Array(40000), 40000)).rejects.toThrow(
      /40000 rows × a layer 512 wide exceed 2\^24 elements/,
    );
    await expect(
      cpu.kernels.multiply(await cpu.kernels.upload(new Float32Array(1)), await cpu.kernels.upload(new Float32Array(1)), 2 ** 24 + 1),
    ).rejects.toThrow(/16777217 outputs in one call; gpu.js indexes in float32/);
    net.release();
  });
});
