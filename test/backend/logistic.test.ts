/**
 * A binary model's last step, `binaryProbabilities` (activation, the two logits, the logistic of their difference in
 * one op), and the WebAssembly e^x under it: fdlibm's algorithm, which is what V8's Math.exp computes, so on Node the
 * op gives the bits of `activate`, `linearInference` and `positiveClassProbabilities` in turn — checked bit for bit
 * here, with logit differences in every branch of the exp (tiny, the k = ±1 reduction, the general one, underflow).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTIVATION_CODES, logisticOfDifference, type ActivationCode } from '../../src/core/activations.js';
import { Rng } from '../../src/core/rng.js';
import { createOps, type Ops } from '../../src/backend/registry.js';
import { instantiateWasm } from '../../src/backend/wasm/module.js';
import { positiveClassProbabilities } from '../../src/loss/softmax.js';
import { tensorValues } from '../helpers/values.js';

const js = createOps('js').ops;
const ACTS = Object.values(ACTIVATION_CODES) as ActivationCode[];

/** Logit differences at fdlibm's branch points and beyond: |d| < 2⁻²⁸, ½ln2, 1.5·ln2, 700, 709.78, 745.13; ±0, ±∞, NaN. */
const EDGES = [
  0,
  -0,
  2 ** -30,
  -(2 ** -29),
  1e-9,
  0.1,
  0.3465735,
  0.3465736,
  0.35,
  0.5,
  1,
  -1,
  1.0397,
  1.0398,
  1.04,
  2,
  5,
  20,
  88,
  103,
  699.9,
  700,
  700.1,
  709.7,
  709.8,
  745.1,
  745.2,
  800,
  3.4e38,
  Infinity,
  -Infinity,
  NaN,
].flatMap((d) => [d, -d]);

/** A layer whose logit difference is the row's first input (weights (0…) and (1, 0…), no bias): d reaches any value. */
function identityHead(ops: Ops, k: number) {
  const w = new Float32Array(2 * k);
  w[k] = 1;
  return ops.prepareLinear(w, new Float32Array(2), k, 2);
}

/** `binaryProbabilities` as the ops it stands for: activate, linearInference, then the logistic of l1 − l0. */
function composed(ops: Ops, x: Float32Array, w: Float32Array, b: Float32Array, rows: number, k: number, act: ActivationCode): Float32Array {
  const h = { a: new Float32Array(0), l: new Float32Array(0) };
  ops.alloc(h, 'a', rows * k).set(x.subarray(0, rows * k));
  ops.alloc(h, 'l', 2 * rows);
  ops.activate(h.a, h.a, rows * k, act, null);
  ops.linearInference(h.l, h.a, ops.prepareLinear(w, b, k, 2), rows);
  return positiveClassProbabilities(new Float32Array(rows), h.l, rows);
}

function head(ops: Ops, x: Float32Array, w: Float32Array, b: Float32Array, rows: number, k: number, act: ActivationCode): Float32Array {
  const h = { x: new Float32Array(0), p: new Float32Array(0) };
  const layer = ops.prepareLinear(w, b, k, 2);
  ops.alloc(h, 'x', rows * k).set(x.subarray(0, rows * k));
  ops.alloc(h, 'p', rows);
  ops.binaryProbabilities(h.p, h.x, layer, rows, act);
  return Float32Array.from(h.p);
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe.each([
  ['js', js],
  ['wasm-simd', createOps('wasm', 'simd').ops],
  ['wasm-scalar', createOps('wasm', 'scalar').ops],
])('%s binaryProbabilities', (_, ops) => {
  it('is activate, linearInference and the logistic of l1 − l0 in turn, to the bit (every activation, blocks of rows, specials)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 1, max: 70 }), fc.nat(), fc.boolean(), (rows, k, seed, special) => {
        const rng = new Rng(seed);
        const w = tensorValues(rng, 2 * k, false, 6),
          b = tensorValues(rng, 2, false, 6),
          x = tensorValues(rng, rows * k, special, 6);
        for (const act of ACTS) expect(bitsOf(head(ops, x, w, b, rows, k, act)), `act ${act}`).toEqual(bitsOf(composed(ops, x, w, b, rows, k, act)));
      }),
      { numRuns: 60 },
    );
  });

  it('gives the logistic of each logit difference at the exp’s branch points, paired with every other (two rows per vector)', () => {
    const k = 3;
    const d = Float32Array.from(EDGES.filter(Number.isFinite)); // an infinite input gives 0·∞ = NaN in l0
    for (let shift = 0; shift < 2; shift++) {
      const rows = d.length - shift;
      const x = new Float32Array(rows * k);
      for (let r = 0; r < rows; r++) x[r * k] = d[r + shift];
      const h = { x: new Float32Array(0), p: new Float32Array(0) };
      ops.alloc(h, 'x', rows * k).set(x);
      ops.alloc(h, 'p', rows);
      ops.binaryProbabilities(h.p, h.x, identityHead(ops, k), rows, ACTIVATION_CODES.identity);
      const p = Float32Array.from(h.p);
      const want = Float32Array.from({ length: rows }, (_, r) => logisticOfDifference(d[r + shift]));
      expect(bitsOf(p)).toEqual(bitsOf(want));
    }
  });
});

describe.each(['simd', 'scalar'] as const)('the wasm-%s e^x (fdlibm)', (flavor) => {
  const { exports } = instantiateWasm(flavor);
  it('is Math.exp to the bit: random doubles of every magnitude, and the branch points', () => {
    for (const x of EDGES) expect(Object.is(exports.fdlibmExp(x), Math.exp(x)) || (Number.isNaN(x) && Number.isNaN(exports.fdlibmExp(x))), `e^${x}`).toBe(true);
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -800, max: 800, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double()), (x) => {
        const got = exports.fdlibmExp(x),
          want = Math.exp(x);
        expect(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `e^${x}: ${got} vs ${want}`).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });
});
