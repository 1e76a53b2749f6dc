/**
 * Every op of the CPU op layer, on every backend (js is the reference; wasm-simd and wasm-scalar), on random
 * shapes — including empty batches (0 rows) — and on values that include zeros, ±Infinity and NaN, so 0·∞ and
 * ∞ − ∞ must come out NaN on every backend alike. Finite results agree within float32 summation error;
 * non-finite ones must be the same class (NaN, +∞ or −∞). Adding an op means adding its case here.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTIVATION_CODES, type ActivationCode } from '../../src/core/activations.js';
import { Rng, Rng4 } from '../../src/core/rng.js';
import { createOps, type Ops } from '../../src/backend/registry.js';
import { tensorValues as values } from '../helpers/values.js';

const backends: Array<[string, Ops]> = [
  ['wasm-simd', createOps('wasm', 'simd').ops],
  ['wasm-scalar', createOps('wasm', 'scalar').ops],
];
const js = createOps('js').ops;

/**
 * Copies `a` into `ops`' memory. The view is tagged with its offset, so kernels take it even after a later
 * allocation grew (and detached) the memory; read results through `fresh`.
 */
const holders = new WeakMap<Float32Array, { t: Float32Array }>();
function on(ops: Ops, a: Float32Array): Float32Array {
  const holder = { t: new Float32Array(0) };
  ops.alloc(holder, 't', a.length).set(a);
  holders.set(holder.t, holder);
  return holder.t;
}
/** The current view of a tensor made by `on` (plain arrays as they are). */
const fresh = (a: Float32Array): Float32Array => holders.get(a)?.t ?? a;

function agree(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  got = got instanceof Float32Array ? fresh(got) : got;
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i],
      w = want[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what}[${i}]: ${g} vs ${w}`).toBe(true);
    else expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w)));
  }
}

const ACTS = Object.values(ACTIVATION_CODES) as ActivationCode[];
const shape = fc.record({
  m: fc.integer({ min: 0, max: 9 }),
  k: fc.integer({ min: 0, max: 13 }),
  n: fc.integer({ min: 0, max: 11 }),
  seed: fc.nat(),
  special: fc.boolean(),
  acc: fc.boolean(),
});

/**
 * An occludedRows case: records of `cols` inputs in groups (runs of 1–12 consecutive inputs, some protected: −1), a
 * share of each record's inputs equal to the typical record (±0 against 0 included) — so a group may change in more
 * inputs than the WASM kernel holds back (8) — first-layer outputs `base` and W₀ transposed, h units wide.
 */
function occlusionInputs(rng: Rng, records: number, cols: number, h: number, special: boolean, act: ActivationCode) {
  const groupOf = new Float32Array(cols);
  let groups = 0;
  for (let j = 0; j < cols; ) {
    const id = rng.float() < 0.2 ? -1 : groups++;
    for (let size = 1 + Math.floor(rng.float() * 12); size > 0 && j < cols; size--) groupOf[j++] = id;
  }
  const to = values(rng, cols, special),
    same = rng.float();
  const x = values(rng, records * cols, special).map((v, i) => {
    const t = to[i % cols];
    return rng.float() < same ? (t === 0 && rng.float() < 0.5 ? -0 : t) : v;
  });
  const o = { w: values(rng, cols * h, special), to, groupOf, cols, h, groups, act };
  return { o, x, base: values(rng, records * h, special) };
}

const occlusionCase = fc.record({
  records: fc.integer({ min: 0, max: 6 }),
  cols: fc.integer({ min: 0, max: 30 }),
  h: fc.integer({ min: 0, max: 19 }),
  seed: fc.nat(),
  special: fc.boolean(),
  act: fc.constantFrom(...ACTS),
});

describe('the js occludedRows (the reference)', () => {
  it('is its definition: per record the record, then one row per changed group — its changes to base, activated', () => {
    fc.assert(
      fc.property(occlusionCase, ({ records, cols, h, seed, act }) => {
        const { o, x, base } = occlusionInputs(new Rng(seed), records, cols, h, false, act);
        const want: number[] = [],
          groupsOfRows: number[] = [];
        for (let i = 0; i < records; i++) {
          const record = Array.from(base.subarray(i * h, (i + 1) * h));
          want.push(...record);
          groupsOfRows.push(-1);
          const byGroup = new Map<number, number[]>();
          for (let j = 0; j < cols; j++) {
            const d = Math.fround(o.to[j] - x[i * cols + j]);
            if (o.groupOf[j] < 0 || d === 0) continue;
            const row = byGroup.get(o.groupOf[j]) ?? record.slice();
            for (let u = 0; u < h; u++) row[u] += d * o.w[j * h + u];
            byGroup.set(o.groupOf[j], row);
          }
          for (const [g, row] of [...byGroup].sort((a, b) => a[0] - b[0])) {
            want.push(...row);
            groupsOfRows.push(g);
          }
        }
        const out = new Float32Array(records * (o.groups + 1) * h),
          group = new Float32Array(records * (o.groups + 1));
        expect(js.occludedRows(out, group, base, x, records, o)).toBe(groupsOfRows.length);
        expect(Array.from(group.subarray(0, groupsOfRows.length))).toEqual(groupsOfRows);
        const activated = js.activate(new Float32Array(want.length), Float32Array.from(want), want.length, act, null);
        agree(out.subarray(0, want.length), activated, 2e-6 * 13, 'occludedRows');
      }),
      { numRuns: 200 },
    );
  });
});

describe.each(backends)('%s ops agree with the js reference ops', (_, ops) => {
  it('occludedRows: the same rows and groups (bits before the activation), empty batches and groups included', () => {
    fc.assert(
      fc.property(occlusionCase, ({ records, cols, h, seed, special, act }) => {
        const { o, x, base } = occlusionInputs(new Rng(seed), records, cols, h, special, act);
        const size = records * (o.groups + 1);
        const want = new Float32Array(size * h),
          wantGroup = new Float32Array(size);
        const n = js.occludedRows(want, wantGroup, base, x, records, o);
        const out = on(ops, new Float32Array(size * h)),
          group = on(ops, new Float32Array(size));
        const placed = { ...o, w: on(ops, o.w), to: on(ops, o.to), groupOf: on(ops, o.groupOf) };
        for (const k of ['w', 'to', 'groupOf'] as const) placed[k] = fresh(placed[k]);
        expect(ops.occludedRows(fresh(out), fresh(group), on(ops, base), on(ops, x), records, placed)).toBe(n);
        agree(fresh(group).subarray(0, n), wantGroup.subarray(0, n), 0, 'occludedRows groups');
        // Identity and ReLU round as each backend's sum does; the others' activations agree as `activate` does.
        agree(fresh(out).subarray(0, n * h), want.subarray(0, n * h), act <= ACTIVATION_CODES.relu ? 0 : 1e-6, 'occludedRows');
      }),
      { numRuns: 300 },
    );
  });

  it('matmul NN/NT/TN (accumulating or not), including 0·∞ and empty shapes', () => {
    fc.assert(
      fc.property(shape, ({ m, k, n, seed, special, acc }) => {
        const rng = new Rng(seed);
        const a = values(rng, m * k, special),
          b = values(rng, k * n, special),
          c = values(rng, m * n, false);
        for (const op of ['matmul', 'matmulNT', 'matmulTN'] as const) {
          // matmulNT reads b as n×k and matmulTN reads a as k×m: the same element counts.
          const want = js[op](c.slice(), a, b, m, k, n, acc);
          const got = ops[op](on(ops, c), on(ops, a), on(ops, b), m, k, n, acc);
          agree(fresh(got).slice(0, m * n), want, 2e-6 * (k + 1), op);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('addBias, sumRows, activate and activateBackward (every activation, with and without a dropout mask)', () => {
    fc.assert(
      fc.property(shape, fc.boolean(), ({ m, n, seed, special, acc }, masked) => {
        const rng = new Rng(seed);
        const x = values(rng, m * n, special),
          bias = values(rng, n, special),
          g = values(rng, m * n, special);
        const mask = masked ? Float32Array.from({ length: m * n }, () => (rng.float() < 0.3 ? 0 : 1.25)) : null;
        agree(ops.addBias(on(ops, x), on(ops, bias), m, n), js.addBias(x.slice(), bias, m, n), 0, 'addBias');
        const s0 = values(rng, n, false);
        agree(ops.sumRows(on(ops, s0), on(ops, x), m, n, acc), js.sumRows(s0.slice(), x, m, n, acc), 2e-6 * (m + 1), 'sumRows');
        for (const act of ACTS) {
          const dMask = mask && on(ops, mask);
          agree(
            ops.activate(on(ops, new Float32Array(m * n)), on(ops, x), m * n, act, dMask),
            js.activate(new Float32Array(m * n), x, m * n, act, mask),
            1e-6,
            `activate(${act})`,
          );
          agree(
            ops.activateBackward(on(ops, g), on(ops, x), m * n, act, dMask),
            js.activateBackward(g.slice(), x, m * n, act, mask),
            1e-6,
            `activateBackward(${act})`,
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('dropout masks: the same bits and the same generator state afterwards', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1030 }), fc.constantFrom(0, 1e-9, 0.2, 0.5, 0.999), fc.nat(), (n, p, seed) => {
        const r1 = new Rng4(new Rng(seed)),
          r2 = new Rng4(new Rng(seed));
        const want = js.dropoutMask(new Float32Array(n), n, p, r1);
        expect(fresh(ops.dropoutMask(on(ops, new Float32Array(n)), n, p, r2))).toEqual(want);
        expect([...r2.s]).toEqual([...r1.s]);
      }),
      { numRuns: 60 },
    );
  });

  it('sumSquares, axpy and every optimiser update (AdvancedSymplectic, kick, drift, Adam, SGD)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.nat(), fc.boolean(), (n, seed, special) => {
        const rng = new Rng(seed);
        const theta = values(rng, n, special),
          grad = values(rng, n, special),
          m = values(rng, n, false),
          v = Float32Array.from(values(rng, n, false), Math.abs);
        const close = (got: number, want: number, what: string) => agree([got], [want], 1e-5, what);
        close(ops.sumSquares(on(ops, theta), n, 0.5), js.sumSquares(theta, n, 0.5), 'sumSquares');
        agree(ops.axpy(on(ops, grad), 0.3, on(ops, theta), n), js.axpy(grad.slice(), 0.3, theta, n), 1e-6, 'axpy');
        {
          const [t1, m1, t2, m2] = [theta.slice(), m.slice(), on(ops, theta), on(ops, m)];
          close(ops.advancedSymplecticStep(t2, on(ops, grad), m2, n, 0.01, 0.9, 1e-8), js.advancedSymplecticStep(t1, grad, m1, n, 0.01, 0.9, 1e-8), 'H');
          agree(t2, t1, 1e-5, 'asym θ');
          agree(m2, m1, 1e-6, 'asym m');
        }
        {
          const [t1, m1, t2, m2] = [theta.slice(), m.slice(), on(ops, theta), on(ops, m)];
          js.kick(m1, grad, n, 0.9, 0.05);
          ops.kick(m2, on(ops, grad), n, 0.9, 0.05);
          js.drift(t1, m1, n, 0.05);
          ops.drift(t2, m2, n, 0.05);
          agree(m2, m1, 1e-6, 'kick');
          agree(t2, t1, 1e-6, 'drift');
        }
        for (const decoupled of [false, true]) {
          const c = {
            stepSize: 0.01,
            beta1: 0.9,
            beta2: 0.999,
            sqrtBc2: Math.sqrt(1 - 0.999),
            epsilon: 1e-8,
            l2: decoupled ? 0 : 0.01,
            shrink: decoupled ? 1 - 1e-4 : 1,
          };
          const [t1, m1, v1, t2, m2, v2] = [theta.slice(), m.slice(), v.slice(), on(ops, theta), on(ops, m), on(ops, v)];
          close(ops.adamStep(t2, on(ops, grad), m2, v2, n, c, 1), js.adamStep(t1, grad, m1, v1, n, c, 1), 'adam energy');
          agree(t2, t1, 1e-4, 'adam θ'); // the kernel divides in float32, the reference in float64
        }
        const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01, first: false };
        const [t1, b1, t2, b2] = [theta.slice(), m.slice(), on(ops, theta), on(ops, m)];
        close(ops.sgdStep(t2, on(ops, grad), b2, n, sgd, 0), js.sgdStep(t1, grad, b1, n, sgd, 0), 'sgd energy');
        agree(t2, t1, 1e-6, 'sgd θ');
      }),
      { numRuns: 100 },
    );
  });

  it('prepared inference layers (dot products for few rows, the packed sgemm for batches) agree with matmulNT + bias', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 20 }),
        fc.nat(),
        fc.boolean(),
        (rows, nin, nout, seed, special) => {
          const rng = new Rng(seed);
          const w = values(rng, nout * nin, false),
            b = values(rng, nout, false),
            x = values(rng, rows * nin, special);
          const want = js.linearInference(new Float32Array(rows * nout), x, js.prepareLinear(w, b, nin, nout), rows);
          const got = ops.linearInference(on(ops, new Float32Array(rows * nout)), on(ops, x), ops.prepareLinear(w, b, nin, nout), rows);
          agree(got, want, 2e-6 * (nin + 1), 'linearInference');
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a layer wider than sgemm’s column block (1,536) packed whole: matmulNT + bias to the bit, for 1 to 9 rows', () => {
    const rng = new Rng(11);
    const nin = 7,
      nout = 1545;
    const w = values(rng, nout * nin, false),
      b = values(rng, nout, false),
      layer = ops.prepareLinear(w, b, nin, nout);
    for (const rows of [1, 6, 9]) {
      const x = values(rng, rows * nin, false);
      const want = ops.addBias(ops.matmulNT(on(ops, new Float32Array(rows * nout)), on(ops, x), on(ops, w), rows, nin, nout), on(ops, b), rows, nout);
      const got = ops.linearInference(on(ops, new Float32Array(rows * nout)), on(ops, x), layer, rows);
      agree(got, fresh(want), 0, `linearInference, ${rows} rows`);
    }
  });

  it('works on views that a later allocation detached (memory growth), in kernels and in JS loops alike', () => {
    const n = 64;
    const theta = on(
        ops,
        Float32Array.from({ length: n }, (_, i) => i / n),
      ),
      grad = on(ops, new Float32Array(n).fill(1)),
      buf = on(ops, new Float32Array(n));
    on(ops, new Float32Array(1 << 22)); // 16 MB: grows the memory, detaching the three views above
    expect(theta.length).toBe(0);
    const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, first: true };
    expect(ops.sgdStep(theta, grad, buf, n, sgd, 0)).toBeCloseTo(0.5 * n, 6);
    ops.axpy(theta, 1, grad, n);
    agree(
      fresh(theta),
      Float32Array.from({ length: n }, (_, i) => i / n - 0.1 + 1),
      1e-6,
      'θ after sgd and axpy',
    );
  });

  it('refuses a tensor it does not own (a kernel would otherwise read unrelated memory)', () => {
    expect(() => ops.axpy(new Float32Array(4), 1, new Float32Array(4), 4)).toThrow(/not in this backend's memory/);
  });
});
