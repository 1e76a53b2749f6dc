import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { WasmArena } from '../../src/backend/wasm/arena.js';
import { decodeBase64, detectWasm, instantiateWasm } from '../../src/backend/wasm/module.js';
import type { WasmOps } from '../../src/backend/wasm/index.js';
import { createOps, opsOf } from '../../src/backend.js';
import {
  Adam,
  AdvancedSymplecticOptimizer,
  Dropout,
  HamiltonianNN,
  Leapfrog,
  Rng,
  Rng4,
  SymplecticEuler,
  createParameter,
  evaluateModel,
  fit,
  getKernel,
  hamiltonianLoss,
  parseCsv,
  prepareTable,
  resolveBackend,
  type Parameter,
} from '../../src/index.js';

const FLAVOURS = ['simd', 'scalar'] as const;
const U = 2 ** -24; // unit round-off of float32

describe('WASM detection and backend choice', () => {
  it("Node 20 validates the SIMD build; 'auto' picks WASM SIMD", () => {
    expect(detectWasm()).toEqual({ wasm: true, simd: true });
    expect(resolveBackend('auto')).toEqual({ backend: 'wasm', simd: true });
    expect(resolveBackend('js')).toEqual({ backend: 'js' });
    expect(new HamiltonianNN({ inputDim: 2, hiddenDims: [3] }).backend).toBe('wasm');
    expect(new HamiltonianNN({ inputDim: 2, hiddenDims: [3] }).wasmFlavor).toBe('simd');
    expect(() => resolveBackend('tpu' as never)).toThrow(/backend must be/);
  });
});

/**
 * Error bound for a float32 dot product of length k against a float64 reference: any summation order
 * satisfies |ŝ − s| ≤ γ_k·Σ|aᵢbᵢ| with γ_k ≈ k·u (Higham, Accuracy and Stability, §3.1), plus the final
 * rounding of the reference to float32 (u·|s|). We allow 2× for the products' own rounding.
 */
function bound(k: number, absSum: number, ref: number): number {
  return 2 * (k + 1) * U * absSum + U * Math.abs(ref) + 1e-30;
}

describe.each(FLAVOURS)('sgemm (%s build) matches the float64 reference for every transpose case and stride', (flavor) => {
  const arena = new WasmArena(instantiateWasm(flavor));
  it('random shapes (1, primes, not multiples of 4, tall-thin, short-wide) and leading dimensions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 32, 33, 64, 97, 130),
        fc.constantFrom(1, 2, 3, 5, 7, 8, 11, 16, 29, 32, 63, 110, 257, 300),
        fc.constantFrom(1, 2, 3, 4, 7, 8, 9, 12, 17, 24, 31, 65, 129),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.nat({ max: 5 }),
        fc.nat(),
        (m, k, n, ta, tb, acc, pad, seed) => {
          const rng = new Rng(seed);
          const lda = (ta ? m : k) + pad,
            ldb = (tb ? k : n) + pad,
            ldc = n + pad;
          const aRows = ta ? k : m,
            bRows = tb ? n : k;
          const A = arena.allocBytes(aRows * lda * 4),
            B = arena.allocBytes(bRows * ldb * 4),
            C = arena.allocBytes(m * ldc * 4);
          const heap = () => new Float32Array(arena.memory.buffer);
          let h = heap();
          for (let i = 0; i < aRows * lda; i++) h[(A >> 2) + i] = rng.uniform(-1, 1);
          for (let i = 0; i < bRows * ldb; i++) h[(B >> 2) + i] = rng.uniform(-1, 1);
          for (let i = 0; i < m * ldc; i++) h[(C >> 2) + i] = rng.uniform(-1, 1);
          const c0 = h.slice(C >> 2, (C >> 2) + m * ldc);
          arena.exports.sgemm(ta, tb, m, n, k, A, lda, B, ldb, C, ldc, acc, arena.work);
          h = heap();
          const a = (i: number, p: number) => h[(A >> 2) + (ta ? p * lda + i : i * lda + p)];
          const b = (p: number, j: number) => h[(B >> 2) + (tb ? j * ldb + p : p * ldb + j)];
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < ldc; j++) {
              const got = h[(C >> 2) + i * ldc + j];
              if (j >= n) {
                expect(got).toBe(c0[i * ldc + j]); // padding columns untouched
                continue;
              }
              let s = acc ? c0[i * ldc + j] : 0,
                abs = Math.abs(s);
              for (let p = 0; p < k; p++) {
                s += a(i, p) * b(p, j);
                abs += Math.abs(a(i, p) * b(p, j));
              }
              expect(Math.abs(got - s)).toBeLessThanOrEqual(bound(k, abs, s));
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe.each(FLAVOURS)("the zero-skipping kernel (%s build) gives the packed kernel's bits", (flavor) => {
  const arena = new WasmArena(instantiateWasm(flavor));
  const ex = arena.exports;
  /** Inputs mostly zero (as one-hot rows are), with −0, NaN, ±∞, ones and plain values among them. */
  const input = (rng: Rng, zeroShare: number) => {
    const u = rng.float();
    if (u < zeroShare) return rng.float() < 0.3 ? -0 : 0;
    const v = rng.float();
    return v < 0.03 ? Number.NaN : v < 0.05 ? Infinity : v < 0.07 ? -Infinity : v < 0.4 ? 1 : rng.uniform(-3, 3);
  };
  it('rows × (k up to 600: several KC blocks) × (n not a multiple of 8); empty batches; nonzeroCount', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 13 }),
        fc.constantFrom(1, 3, 4, 7, 119, 255, 256, 257, 600),
        fc.constantFrom(1, 5, 8, 9, 31, 32, 33, 64, 100),
        fc.constantFrom(0, 0.5, 0.8, 0.97, 1),
        fc.nat({ max: 3 }),
        fc.nat(),
        (m, k, n, zeroShare, pad, seed) => {
          const rng = new Rng(seed);
          const lda = k + pad,
            ldc = n + pad;
          const A = arena.allocBytes(Math.max(1, m * lda) * 4),
            W = arena.allocBytes(n * k * 4),
            P = arena.allocBytes(ex.packedBytes(k, n)),
            dense = arena.allocBytes(Math.max(1, m * ldc) * 4),
            sparse = arena.allocBytes(Math.max(1, m * ldc) * 4);
          let h = new Float32Array(arena.memory.buffer);
          for (let i = 0; i < m * lda; i++) h[(A >> 2) + i] = input(rng, zeroShare);
          for (let i = 0; i < n * k; i++) h[(W >> 2) + i] = rng.uniform(-1, 1);
          for (let i = 0; i < m * ldc; i++) h[(dense >> 2) + i] = h[(sparse >> 2) + i] = rng.uniform(-1, 1); // padding kept
          ex.packWeights(true, W, k, k, n, P);
          ex.sgemmPacked(false, m, n, k, A, lda, P, dense, ldc, false, arena.work);
          ex.sgemmPackedSparse(m, n, k, A, lda, P, sparse, ldc, arena.work);
          h = new Float32Array(arena.memory.buffer);
          // Every float's bits, NaN as one value (which NaN an operation gives depends on its operands' order).
          const bits = (at: number) => Array.from(new Uint32Array(h.buffer, at, m * ldc), (b, i) => (Number.isNaN(h[(at >> 2) + i]) ? -1 : b));
          expect(bits(sparse)).toEqual(bits(dense));
          let nonzero = 0;
          for (let i = 0; i < m * lda; i++) if (h[(A >> 2) + i] !== 0) nonzero++;
          expect(ex.nonzeroCount(A, m * lda)).toBe(nonzero);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('linearInference takes it for mostly-zero rows, with the packed bits, and not where a weight is infinite (0·∞ is NaN)', () => {
    const ops = createOps('wasm', flavor).ops;
    const rng = new Rng(5);
    const [rows, nin, nout] = [16, 40, 24];
    const w = Float32Array.from({ length: nout * nin }, () => rng.uniform(-1, 1));
    const x = Float32Array.from({ length: rows * nin }, (_, i) => (i % 10 === 3 ? rng.uniform(-2, 2) : 0)); // 10 % nonzero
    const run = (weights: Float32Array) => {
      const layer = ops.prepareLinear(weights, new Float32Array(nout).fill(0.5), nin, nout); // (allocates: views after it)
      const held = { x: new Float32Array(0), out: new Float32Array(0) };
      ops.alloc(held, 'x', rows * nin).set(x);
      ops.alloc(held, 'out', rows * nout);
      return Array.from(ops.linearInference(held.out, held.x, layer, rows));
    };
    // The packed kernel's output, from the exports directly.
    const P = arena.allocBytes(ex.packedBytes(nin, nout)),
      W = arena.allocBytes(nout * nin * 4),
      X = arena.allocBytes(rows * nin * 4),
      C = arena.allocBytes(rows * nout * 4);
    new Float32Array(arena.memory.buffer, W, nout * nin).set(w);
    new Float32Array(arena.memory.buffer, X, rows * nin).set(x);
    ex.packWeights(true, W, nin, nin, nout, P);
    ex.sgemmPacked(false, rows, nout, nin, X, nin, P, C, nout, false, arena.work);
    const packed = Array.from(new Float32Array(arena.memory.buffer, C, rows * nout), (v) => Math.fround(v + 0.5));
    expect(run(w)).toEqual(packed);
    const infinite = w.slice();
    infinite[5] = Infinity; // unit 0's weight on input 5, which is 0 in every row
    const out = run(infinite);
    for (let r = 0; r < rows; r++) expect(out[r * nout]).toBeNaN();
  });
});

describe.each(FLAVOURS)('dotRows (%s build): each row gets the bits it gets alone', (flavor) => {
  const arena = new WasmArena(instantiateWasm(flavor));
  const ex = arena.exports;
  it('rows taken four at a time (SIMD) or one by one: the same sums; k not a multiple of 4, padded strides, accumulate, NaN and ±∞', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 13 }),
        fc.constantFrom(1, 2, 3, 8),
        fc.constantFrom(1, 3, 4, 7, 32, 33),
        fc.nat({ max: 2 }),
        fc.boolean(),
        fc.nat(),
        (m, n, k, pad, acc, seed) => {
          const rng = new Rng(seed);
          const lda = k + pad,
            ldc = n + pad;
          const value = () => {
            const u = rng.float();
            return u < 0.02 ? Number.NaN : u < 0.04 ? Infinity : u < 0.06 ? -Infinity : rng.uniform(-3, 3);
          };
          const A = arena.allocBytes(Math.max(1, m * lda) * 4),
            B = arena.allocBytes(n * k * 4),
            all = arena.allocBytes(Math.max(1, m * ldc) * 4),
            alone = arena.allocBytes(Math.max(1, m * ldc) * 4);
          let h = new Float32Array(arena.memory.buffer);
          for (let i = 0; i < m * lda; i++) h[(A >> 2) + i] = value();
          for (let i = 0; i < n * k; i++) h[(B >> 2) + i] = value();
          for (let i = 0; i < m * ldc; i++) h[(all >> 2) + i] = h[(alone >> 2) + i] = rng.uniform(-1, 1);
          ex.dotRows(m, n, k, A, lda, B, k, all, ldc, acc);
          for (let i = 0; i < m; i++) ex.dotRows(1, n, k, A + i * lda * 4, lda, B, k, alone + i * ldc * 4, ldc, acc);
          h = new Float32Array(arena.memory.buffer);
          const bits = (at: number) => Array.from(new Uint32Array(h.buffer, at, m * ldc), (b, i) => (Number.isNaN(h[(at >> 2) + i]) ? -1 : b));
          expect(bits(all)).toEqual(bits(alone));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('registry kernels', () => {
  it('wasm matmul kernels agree with the js reference on plain arrays', () => {
    const rng = new Rng(3);
    const [m, k, n] = [19, 37, 23];
    const a = Float32Array.from({ length: m * k }, () => rng.normal());
    const b = Float32Array.from({ length: k * n }, () => rng.normal());
    for (const op of ['matmul', 'matmulNT', 'matmulTN'] as const) {
      const bb = op === 'matmulNT' ? Float32Array.from({ length: n * k }, () => rng.normal()) : b;
      const aa = op === 'matmulTN' ? Float32Array.from({ length: k * m }, () => rng.normal()) : a;
      const r = getKernel(op, 'js')(new Float32Array(m * n), aa, bb, m, k, n);
      const w = getKernel(op, 'wasm')(new Float32Array(m * n), aa, bb, m, k, n);
      for (let i = 0; i < m * n; i++) expect(Math.abs(w[i] - r[i])).toBeLessThan(1e-4 * (1 + Math.abs(r[i])));
    }
    expect(() => getKernel('matmul', 'gpu')).toThrow(/no 'matmul' kernel for backend 'gpu'/);
  });
});

describe.each(FLAVOURS)('layer, dropout and optimiser kernels (%s build) agree with the JS reference', (flavor) => {
  it('forward/backward of a whole network: same logits and gradients as the js backend (dropout masks identical)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 70 }), { maxLength: 3 }),
        fc.integer({ min: 1, max: 37 }),
        fc.constantFrom('relu', 'leaky_relu', 'tanh' as const),
        fc.constantFrom(0, 0.2, 0.5),
        fc.nat(),
        (inputDim, hiddenDims, rows, activation, dropoutRate, seed) => {
          const opts = { inputDim, hiddenDims, activation, dropoutRate, seed } as const;
          const js = new HamiltonianNN({ ...opts, backend: 'js' });
          const wa = new HamiltonianNN({ ...opts, wasmFlavor: flavor });
          js.parameters().forEach((p, i) => expect(wa.parameters()[i].data).toEqual(p.data)); // same init bits
          const rng = new Rng(seed + 1);
          const x = Float32Array.from({ length: rows * inputDim }, () => rng.normal());
          const y = Array.from({ length: rows }, () => rng.int(2));
          const run = (m: HamiltonianNN) => {
            m.train().zeroGrad();
            const logits = m.forward(x, rows).slice();
            const l = hamiltonianLoss(logits, y, m, { regCoeff: 0.01 }, rows);
            const dx = new Float32Array(rows * inputDim);
            m.backward(l.grad, rows, dx);
            return {
              logits,
              dx,
              loss: l.loss,
              grads: m.parameters().map((p) => p.grad.slice()),
              masks: m.dropouts.map((d, l) => (d.active ? Array.from(d.mask.subarray(0, rows * hiddenDims[l])) : null)),
            };
          };
          const a = run(js),
            b = run(wa);
          const tol = (v: number) => 1e-4 * (1 + Math.abs(v));
          a.logits.forEach((v, i) => expect(Math.abs(b.logits[i] - v)).toBeLessThanOrEqual(tol(v)));
          a.dx.forEach((v, i) => expect(Math.abs(b.dx[i] - v)).toBeLessThanOrEqual(tol(v)));
          a.grads.forEach((g, t) => g.forEach((v, i) => expect(Math.abs(b.grads[t][i] - v)).toBeLessThanOrEqual(tol(v))));
          expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
          expect(b.masks).toEqual(a.masks); // the very same dropout masks
          expect([...js.dropoutRng.s]).toEqual([...wa.dropoutRng.s]); // the same draws
        },
      ),
      { numRuns: 60 },
    );
  });

  it('optimiser steps on arena parameters match the JS loops', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 67 }), fc.nat(), (n, seed) => {
        const ops = createOps('wasm', flavor).ops;
        const mk = (inWasm: boolean): Parameter => {
          const p = createParameter('p', [n]);
          const r = new Rng(seed);
          p.data.set(Float32Array.from({ length: n }, () => r.normal()));
          if (inWasm) {
            const v = p.data;
            ops.alloc(p, 'data', n).set(v);
            ops.alloc(p, 'grad', n);
            expect(opsOf(p.data, p.grad)).toBe(ops); // the optimisers dispatch to the WASM kernels
          }
          return p;
        };
        for (const make of [
          (p: Parameter[]) => new AdvancedSymplecticOptimizer(p, { lr: 0.05 }),
          (p: Parameter[]) => new SymplecticEuler(p, { lr: 0.1, friction: 0.2 }),
          (p: Parameter[]) => new Adam(p, { lr: 0.01, weightDecay: 0.01 }),
          (p: Parameter[]) => new Adam(p, { lr: 0.01, weightDecay: 0.01, decoupled: true }),
        ]) {
          const a = mk(false),
            b = mk(true);
          const oa = make([a]),
            ob = make([b]);
          const r = new Rng(seed + 7);
          for (let s = 0; s < 5; s++) {
            const g = Float32Array.from({ length: n }, () => r.normal());
            a.grad.set(g);
            b.grad.set(g);
            oa.step();
            ob.step();
          }
          for (let i = 0; i < n; i++) expect(Math.abs(b.data[i] - a.data[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(a.data[i])));
          expect(Math.abs(ob.energy - oa.energy)).toBeLessThanOrEqual(1e-4 * (1 + oa.energy));
        }
        const a = mk(false),
          b = mk(true);
        const ca = () => {
          a.grad.set(a.data.map((v) => 2 * v));
          return 0;
        };
        const cb = () => {
          b.grad.set(b.data.map((v) => 2 * v));
          return 0;
        };
        const la = new Leapfrog([a], { lr: 0.1 }),
          lb = new Leapfrog([b], { lr: 0.1 });
        ca();
        cb();
        la.step(ca);
        lb.step(cb);
        for (let i = 0; i < n; i++) expect(Math.abs(b.data[i] - a.data[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(a.data[i])));
      }),
      { numRuns: 40 },
    );
  });

  it('dropout masks drawn in WASM equal Dropout.forward’s, and leave the generator in the same state', () => {
    const arena = new WasmArena(instantiateWasm(flavor));
    for (const p of [1e-9, 0.1, 0.5, 0.999]) {
      for (const n of [1, 3, 4, 1001]) {
        const r1 = new Rng4(new Rng(5)),
          r2 = new Rng4(new Rng(5));
        const d = new Dropout(p);
        d.forward(new Float32Array(n), new Float32Array(n).fill(1), n, r1);
        const mask = arena.allocBytes(n * 4),
          st = arena.allocBytes(64);
        new Uint32Array(arena.memory.buffer, st, 16).set(r2.s);
        arena.exports.dropoutMask(mask, n, p, st);
        expect(new Float32Array(arena.memory.buffer, mask, n)).toEqual(d.mask.subarray(0, n));
        expect([...new Uint32Array(arena.memory.buffer, st, 16)]).toEqual([...r1.s]);
      }
    }
  });
});

describe('drawDropoutMask (the masks the GPU path uploads)', () => {
  it('draws the bits a training forward draws, on both backends, in the same order', () => {
    const opts = { inputDim: 3, hiddenDims: [5, 4], seed: 3, dropoutRate: 0.3 } as const;
    const js = new HamiltonianNN({ ...opts, backend: 'js' }),
      wa = new HamiltonianNN({ ...opts, backend: 'wasm' }),
      fw = new HamiltonianNN({ ...opts, backend: 'js' });
    expect(wa.backend).toBe('wasm');
    for (const rows of [1, 7, 33]) {
      fw.train().forward(new Float32Array(rows * 3).fill(1), rows);
      for (const l of [0, 1]) {
        const a = js.drawDropoutMask(l, rows).slice(),
          b = wa.drawDropoutMask(l, rows).slice();
        expect(b).toEqual(a);
        expect(a).toEqual(fw.dropouts[l].mask.subarray(0, rows * opts.hiddenDims[l]));
        expect(new Set(a)).toEqual(new Set([0, 1 / 0.7].map(Math.fround)));
      }
    }
    expect([...wa.dropoutRng.s]).toEqual([...fw.dropoutRng.s]);
    expect(() => js.drawDropoutMask(2, 1)).toThrow(/layer must be a hidden layer index in \[0, 2\), got 2/);
  });
});

describe('the arena', () => {
  it('hands out zeroed memory — cleared where reused, fresh from grow() where the memory grew', () => {
    const arena = new WasmArena(instantiateWasm());
    const a = arena.allocBytes(64);
    new Uint8Array(arena.memory.buffer, a, 64).fill(7); // dirty memory below the top, as a kernel would leave it
    const grows = arena.grows;
    const big = arena.allocBytes(3 * arena.byteLength); // forces a grow
    expect(arena.grows).toBe(grows + 1);
    expect(new Uint8Array(arena.memory.buffer, big, 3 * 65536).every((v) => v === 0)).toBe(true);
    // Memory written past the top (scratch) is cleared when it is later handed out.
    const top = arena.allocBytes(16) + 16;
    new Uint8Array(arena.memory.buffer, top, 256).fill(9);
    const next = arena.allocBytes(256);
    expect(next).toBe(top);
    expect(new Uint8Array(arena.memory.buffer, next, 256).every((v) => v === 0)).toBe(true);
  });

  it('decodes the embedded WASM the same with and without atob', () => {
    const s = btoa(String.fromCharCode(...Array.from({ length: 1000 }, (_, i) => (i * 37) & 255)));
    for (const t of [s, `${s.slice(0, -4)}QQ==`, `${s.slice(0, -4)}QUI=`]) {
      const native = decodeBase64(t);
      const saved = globalThis.atob;
      try {
        (globalThis as { atob?: unknown }).atob = undefined;
        expect(decodeBase64(t)).toEqual(native);
      } finally {
        globalThis.atob = saved;
      }
      expect(Array.from(native)).toEqual(Array.from(atob(t), (c) => c.charCodeAt(0)));
    }
  });

  it('keeps parameter, gradient and optimiser-state views valid when memory grows', async () => {
    const model = new HamiltonianNN({ inputDim: 8, hiddenDims: [16], seed: 2 });
    const opt = new AdvancedSymplecticOptimizer(model.parameters());
    const before = model.parameters().map((p) => p.data.slice());
    const rng = new Rng(1);
    const x = Float32Array.from({ length: 8 * 4 }, () => rng.normal());
    model.zeroGrad();
    const l = hamiltonianLoss(model.forward(x, 4), [0, 1, 0, 1], model, {}, 4);
    model.backward(l.grad, 4);
    opt.step();
    const afterStep = model.parameters().map((p) => p.data.slice());
    const momentum = opt.state().params.map((s) => (s.momentum as Float32Array).slice());
    const arena = (model.ops as WasmOps).arena;
    const grows = arena.grows;
    // A batch of 20,000 rows makes the activations outgrow the memory.
    const big = Float32Array.from({ length: 8 * 20_000 }, () => rng.normal());
    model.predictProba(big, 20_000);
    expect(arena.grows).toBeGreaterThan(grows);
    model.parameters().forEach((p, i) => {
      expect(p.data.length).toBe(before[i].length); // not a detached (empty) view
      expect(p.data).toEqual(afterStep[i]);
      expect(arena.owns(p.data)).toBe(true);
    });
    opt.state().params.forEach((s, i) => expect(s.momentum).toEqual(momentum[i]));
    // …and training continues on the fresh views.
    model.zeroGrad();
    const l2 = hamiltonianLoss(model.forward(x, 4), [0, 1, 0, 1], model, {}, 4);
    model.backward(l2.grad, 4);
    opt.step();
    expect(model.parameters()[0].data).not.toEqual(afterStep[0]);
  });
});

describe('full training runs', () => {
  const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
  const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 3, applySmote: false });
  const train = async (backend: 'js' | 'wasm', flavor?: 'simd' | 'scalar') => {
    const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [32, 16], seed: 3, backend, wasmFlavor: flavor });
    await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), prep.train, { epochs: 2, seed: 3 });
    return { model, metrics: evaluateModel(model, prep.test) };
  };
  it('give the same metrics to 1e-4 on js, wasm-simd and wasm-scalar; bit-identical weights on the same backend', async () => {
    const js = await train('js');
    const simd = await train('wasm', 'simd');
    const scalar = await train('wasm', 'scalar');
    for (const r of [simd, scalar]) {
      for (const k of ['auc', 'ks', 'logLoss', 'brier', 'accuracy'] as const) expect(Math.abs(r.metrics[k] - js.metrics[k]), k).toBeLessThan(1e-4);
    }
    const again = await train('wasm', 'simd');
    again.model.parameters().forEach((p, i) => expect(p.data).toEqual(simd.model.parameters()[i].data));
  });
});
