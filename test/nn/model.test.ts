import { describe, expect, it } from 'vitest';
import { Dropout, HamiltonianNN, Rng, Rng4 } from '../../src/index.js';
import type { WasmOps } from '../../src/backend/wasm/index.js';

describe('Dropout', () => {
  it('preserves the expectation in training (inverted scaling) and is the identity in eval', () => {
    const n = 200_000,
      p = 0.3;
    const d = new Dropout(p);
    const x = new Float32Array(n).fill(1);
    const y = d.forward(new Float32Array(n), x, n, new Rng4(new Rng(11)));
    let sum = 0,
      zeros = 0;
    for (const v of y) {
      sum += v;
      if (v === 0) zeros++;
    }
    // std of the mean = √(p/(1−p)/n) ≈ 0.0015; allow 5σ.
    expect(Math.abs(sum / n - 1)).toBeLessThan(0.008);
    expect(Math.abs(zeros / n - p)).toBeLessThan(0.005);
    d.training = false;
    expect([...d.forward(new Float32Array(4), Float32Array.of(1, 2, 3, 4), 4, new Rng4(new Rng(1)))]).toEqual([1, 2, 3, 4]);
    expect(() => new Dropout(1.5)).toThrow(/dropoutRate/);
  });
});

describe('HamiltonianNN', () => {
  it('has the original architecture and PyTorch-style initialisation bounds', () => {
    const m = new HamiltonianNN({ inputDim: 10, hiddenDims: [64, 32], seed: 1 });
    expect(m.parameters().map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'layers.0.weight:64x10',
      'layers.0.bias:64',
      'layers.1.weight:32x64',
      'layers.1.bias:32',
      'layers.2.weight:2x32',
      'layers.2.bias:2',
    ]);
    for (const l of m.layers) {
      const bound = 1 / Math.sqrt(l.inFeatures);
      for (const v of [...l.weight.data, ...l.bias.data]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
      // Uniform on ±bound: the spread should fill most of the interval.
      expect(Math.max(...l.weight.data)).toBeGreaterThan(bound * 0.8);
    }
    expect(m.parameterCount()).toBe(64 * 10 + 64 + 32 * 64 + 32 + 2 * 32 + 2);
  });

  it('eval mode is deterministic, training mode applies dropout; predictProba ignores dropout', () => {
    const m = new HamiltonianNN({ inputDim: 10, hiddenDims: [64, 32], dropoutRate: 0.5, seed: 3 });
    const x = new Float32Array(50).map((_, i) => Math.sin(i));
    m.eval();
    const a = m.forward(x, 5).slice(),
      b = m.forward(x, 5).slice();
    expect(a).toEqual(b);
    m.train();
    const c = m.forward(x, 5).slice(),
      d = m.forward(x, 5).slice();
    expect(c).not.toEqual(d);
    const p = m.predictProba(x, 5);
    m.eval();
    expect(p).toEqual(m.predictProba(x, 5));
    for (const v of p) expect(v > 0 && v < 1).toBe(true);
  });

  it('predictProba for two classes is the softmax probability of class 1; k > 2 rows sum to 1', () => {
    const m = new HamiltonianNN({ inputDim: 3, hiddenDims: [5], seed: 2 }).eval();
    const x = Float32Array.of(0.1, -0.2, 0.3, 1, 2, 3);
    const z = m.forward(x, 2).slice();
    const p = m.predictProba(x, 2);
    for (let i = 0; i < 2; i++) expect(p[i]).toBeCloseTo(Math.exp(z[2 * i + 1]) / (Math.exp(z[2 * i]) + Math.exp(z[2 * i + 1])), 6);
    const m3 = new HamiltonianNN({ inputDim: 3, hiddenDims: [], outputDim: 3, seed: 2 });
    const p3 = m3.predictProba(x, 2);
    expect(p3.length).toBe(6);
    expect(p3[0] + p3[1] + p3[2]).toBeCloseTo(1, 6);
  });

  it('validates its options and inputs with messages naming the parameter', () => {
    expect(() => new HamiltonianNN({ inputDim: 0, hiddenDims: [] })).toThrow(/inputDim/);
    expect(() => new HamiltonianNN({ inputDim: 2, hiddenDims: [3, 0] })).toThrow(/hiddenDims/);
    expect(() => new HamiltonianNN({ inputDim: 2, hiddenDims: [3], activation: 'swish' as never })).toThrow(/unknown name 'swish'/);
    expect(() => new HamiltonianNN({ inputDim: 2, hiddenDims: [3], dropoutRate: 1 })).toThrow(/dropoutRate/);
    expect(() => new HamiltonianNN({ inputDim: 2, hiddenDims: [3], outputDim: 1 })).toThrow(/outputDim/);
    const m = new HamiltonianNN({ inputDim: 4, hiddenDims: [3] });
    expect(() => m.forward(new Float32Array(7), 2)).toThrow(/at least rows·inputDim = 2·4 = 8/);
    expect(() => m.backward(new Float32Array(4), 2)).toThrow(/call forward/);
  });

  it('state() / fromState() round-trip weights, architecture and the dropout generator', () => {
    const m = new HamiltonianNN({ inputDim: 4, hiddenDims: [6, 5], activation: 'relu', dropoutRate: 0.25, seed: 9 });
    const s = m.state();
    const r = HamiltonianNN.fromState(s);
    expect(r.config).toEqual(m.config);
    m.parameters().forEach((p, i) => expect(r.parameters()[i].data).toEqual(p.data));
    const x = new Float32Array(8).map((_, i) => i / 8);
    expect(r.forward(x, 2)).toEqual(m.forward(x, 2)); // same dropout masks too
    s.tensors['layers.1.weight'].shape = [5, 7];
    expect(() => HamiltonianNN.fromState(s)).toThrow(/layers.1.weight' has shape \[5,7\], expected \[5,6\]/);
  });
});

describe('predictProba in chunks', () => {
  it('gives the bits of one unchunked pass, for two and for three classes, on both backends, and checks out', () => {
    for (const backend of ['js', 'wasm'] as const) {
      for (const outputDim of [2, 3]) {
        const model = new HamiltonianNN({ inputDim: 5, hiddenDims: [12, 6], outputDim, seed: 4, backend });
        const rng = new Rng(5);
        const rows = 9000; // three chunks of 4096, the last partial
        const x = Float32Array.from({ length: rows * 5 }, () => rng.normal());
        const logits = model.forward(x, rows, { inference: true }).slice();
        const p = model.predictProba(x, rows);
        expect(p.length).toBe(outputDim === 2 ? rows : rows * outputDim);
        for (const i of [0, 4095, 4096, 8191, 8192, rows - 1]) {
          if (outputDim === 2) {
            const d = logits[i * 2 + 1] - logits[i * 2];
            expect(p[i]).toBe(Math.fround(d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d))));
          } else {
            const z = Array.from(logits.subarray(i * 3, i * 3 + 3));
            const m = Math.max(...z),
              e = z.map((v) => Math.exp(v - m)),
              s = e.reduce((a, b) => a + b, 0);
            e.forEach((v, j) => expect(p[i * 3 + j]).toBeCloseTo(v / s, 6));
          }
        }
      }
    }
    const model = new HamiltonianNN({ inputDim: 2, hiddenDims: [3], seed: 1 });
    expect(() => model.predictProba(new Float32Array(2 * 10), 10, new Float32Array(9))).toThrow(/out holds 9 values, 10 rows need 10/);
    expect(() => model.predictProba(new Float32Array(5), 3)).toThrow(/at least rows·inputDim = 3·2 = 6 values, got 5/);
  });

  it('keeps the WASM memory bounded: 200,000 rows need no more than 4096 do', () => {
    const model = new HamiltonianNN({ inputDim: 20, hiddenDims: [256, 64], seed: 2, backend: 'wasm' });
    const rng = new Rng(3);
    model.predictProba(
      Float32Array.from({ length: 4096 * 20 }, () => rng.normal()),
      4096,
    );
    const arena = (model.ops as WasmOps).arena;
    const before = arena.byteLength;
    const big = Float32Array.from({ length: 200_000 * 20 }, () => rng.normal());
    const p = model.predictProba(big, 200_000);
    expect(arena.byteLength).toBe(before);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
  });
});
