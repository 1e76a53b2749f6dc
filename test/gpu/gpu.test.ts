/**
 * The GPU kernels, run in gpu.js's `cpu` mode (which executes the very same kernel code; CI has no GPU),
 * property-tested against the pure-TS reference; the auto-selection and the fallback message; a GPU training
 * step agreeing with the reference step. The real-GPU run is bench/gpu/run.sh.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGpuBackend, fitGpu, gpuPredictProba, gpuTrainStep, type GpuBackend } from '../../src/backend/gpu/index.js';
import { provideNodeWebGPU } from '../../src/backend/gpu/node-webgpu.js';
import {
  AdvancedSymplecticOptimizer, HamiltonianNN, Rng, fit, matmul, matmulNT, matmulTN, softmaxCrossEntropy,
} from '../../src/index.js';

const cpu = (await createGpuBackend('cpu')) as GpuBackend;
const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

describe('GPU backend selection', () => {
  it("'cpu' mode loads; 'auto' finds no GPU on this machine and says why; WebGPU set-up reports the missing Dawn binary", async () => {
    expect(cpu.mode).toBe('cpu');
    const auto = await createGpuBackend('auto');
    expect(auto.mode).toBeNull();
    expect((auto as { fallbackReason: string }).fallbackReason).toMatch(/no usable GPU \(webgpu: .*\); using the CPU backends/);
    const setup = await provideNodeWebGPU();
    if (!setup.ok) expect(setup.reason).toMatch(/webgpu|WebGPU/);
    const model = new HamiltonianNN({ inputDim: 2, hiddenDims: [2], backend: 'gpu' });
    expect(model.backend).not.toBe('gpu');
    expect(model.fallbackReason).toMatch(/backend 'gpu' needs the asynchronous GPU set-up/);
  });
});

describe('gpu.js kernels agree with the reference kernels (cpu mode)', () => {
  it('matmul, all transpose cases, random shapes including 1 and primes', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 11 }), fc.nat(), async (m, k, n, seed) => {
      const rng = new Rng(seed);
      const a = rand(rng, m * k), b = rand(rng, k * n);
      for (const [ta, tb, ref] of [[false, false, matmul], [false, true, matmulNT], [true, false, matmulTN]] as const) {
        const got = await cpu.kernels.matmul(a, b, m, k, n, ta, tb);
        const want = ref(new Float32Array(m * n), a, b, m, k, n);
        for (let i = 0; i < m * n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * (k + 1));
      }
    }), { numRuns: 40 });
  });

  it('dense forward (bias + activation), activation backward and column sums', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom(0, 1, 2, 3), fc.nat(), async (m, k, n, act, seed) => {
      const rng = new Rng(seed);
      const x = rand(rng, m * k), w = rand(rng, n * k), b = rand(rng, n);
      const got = await cpu.kernels.denseForward(x, w, b, m, k, n, act, 0.01);
      const z = matmulNT(new Float32Array(m * n), x, w, m, k, n);
      for (let i = 0; i < m * n; i++) {
        const s = z[i] + b[i % n];
        const want = act === 1 ? Math.max(s, 0) : act === 2 ? (s > 0 ? s : 0.01 * s) : act === 3 ? Math.tanh(s) : s;
        expect(Math.abs(got[i] - want)).toBeLessThan(1e-5);
      }
      const g = rand(rng, m * n), mask = Float32Array.from({ length: m * n }, (_, i) => (i % 3 ? 1.25 : 0));
      const back = await cpu.kernels.activationBackward(g, z, mask, m * n, act, 0.01);
      for (let i = 0; i < m * n; i++) {
        const d = act === 1 ? (z[i] > 0 ? 1 : 0) : act === 2 ? (z[i] > 0 ? 1 : 0.01) : act === 3 ? 1 - Math.tanh(z[i]) ** 2 : 1;
        expect(Math.abs(back[i] - g[i] * d * mask[i])).toBeLessThan(1e-5);
      }
      const cs = await cpu.kernels.colSum(x, m, k);
      for (let j = 0; j < k; j++) expect(cs[j]).toBeCloseTo(Array.from({ length: m }, (_, r) => x[r * k + j]).reduce((s, v) => s + v, 0), 5);
    }), { numRuns: 40 });
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

  it('a GPU training step matches the reference step (no dropout, no regulariser)', async () => {
    const make = () => new HamiltonianNN({ inputDim: 5, hiddenDims: [4, 3], dropoutRate: 0, seed: 8, backend: 'js' });
    const a = make(), b = make();
    const rng = new Rng(9);
    const x = rand(rng, 5 * 12);
    const y = Array.from({ length: 12 }, () => rng.int(2));
    const state = {};
    const opt = new AdvancedSymplecticOptimizer(b.parameters(), { lr: 0.05 });
    for (let s = 0; s < 3; s++) {
      const r = await gpuTrainStep(cpu, a, x, y, 12, state, { lr: 0.05 });
      b.zeroGrad();
      const logits = b.forward(x, 12);
      const ce = softmaxCrossEntropy(logits, y, 12, 2);
      b.backward(ce.grad, 12);
      opt.step();
      expect(r.loss).toBeCloseTo(ce.loss, 5);
      expect(r.energy).toBeCloseTo(opt.energy, 4);
    }
    a.parameters().forEach((p, i) => p.data.forEach((v, j) => expect(Math.abs(v - b.parameters()[i].data[j])).toBeLessThan(1e-5)));
  });

  it('fitGpu follows fit step for step (same shuffling; no dropout, no regulariser)', async () => {
    const make = () => new HamiltonianNN({ inputDim: 4, hiddenDims: [5], dropoutRate: 0, seed: 2, backend: 'js' });
    const a = make(), b = make();
    const rng = new Rng(3);
    const data = { x: rand(rng, 4 * 40), y: Uint8Array.from({ length: 40 }, () => rng.int(2)), rows: 40, cols: 4 };
    const h = await fitGpu(cpu, a, data, { epochs: 2, batchSize: 16, seed: 5, lr: 0.05, validation: data });
    await fit(b, new AdvancedSymplecticOptimizer(b.parameters(), { lr: 0.05 }), data, { epochs: 2, batchSize: 16, seed: 5, regCoeff: 0 });
    a.parameters().forEach((p, i) => p.data.forEach((v, j) => expect(Math.abs(v - b.parameters()[i].data[j])).toBeLessThan(1e-5)));
    expect(h).toHaveLength(2);
    expect(h[1].valAuc).toBeGreaterThan(0);
  });
});
