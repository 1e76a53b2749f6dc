import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matmul, matmulNT, matmulTN, sumRows, addRowVector, transpose } from '../../src/backend.js';
import { Rng } from '../../src/index.js';

function rand(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Plain float64 triple loop over explicit index functions. */
function ref(m: number, k: number, n: number, A: (i: number, p: number) => number, B: (p: number, j: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
      out[i * n + j] = s;
    }
  return out;
}

const dims = fc.record({ m: fc.integer({ min: 1, max: 23 }), k: fc.integer({ min: 1, max: 23 }), n: fc.integer({ min: 1, max: 23 }), seed: fc.nat() });

describe('matrix helpers (reference kernels)', () => {
  it('matmul, matmulNT, matmulTN agree with a float64 triple loop, with and without accumulation', () => {
    fc.assert(
      fc.property(dims, ({ m, k, n, seed }) => {
        const rng = new Rng(seed);
        const a = rand(rng, m * k),
          b = rand(rng, k * n),
          init = rand(rng, m * n);
        const bt = transpose(new Float32Array(n * k), b, k, n); // n×k
        const at = transpose(new Float32Array(k * m), a, m, k); // k×m
        const expected = ref(
          m,
          k,
          n,
          (i, p) => a[i * k + p],
          (p, j) => b[p * n + j],
        );
        // float32 storage, sums of k products of magnitude ≤ 1: error ≤ k·2^-23 or so.
        const tol = 1e-6 * (k + 1);
        for (const [name, out] of [
          ['NN', matmul(new Float32Array(m * n), a, b, m, k, n)],
          ['NT', matmulNT(new Float32Array(m * n), a, bt, m, k, n)],
          ['TN', matmulTN(new Float32Array(m * n), at, b, m, k, n)],
        ] as const) {
          for (let i = 0; i < m * n; i++) expect(Math.abs(out[i] - expected[i]), name).toBeLessThanOrEqual(tol);
        }
        const acc = matmulNT(init.slice(), a, bt, m, k, n, true);
        for (let i = 0; i < m * n; i++) expect(Math.abs(acc[i] - (init[i] + expected[i]))).toBeLessThanOrEqual(tol + 1e-6);
      }),
    );
  });

  it('sumRows and addRowVector', () => {
    const x = Float32Array.of(1, 2, 3, 4, 5, 6);
    expect([...sumRows(new Float32Array(3), x, 2, 3)]).toEqual([5, 7, 9]);
    expect([...addRowVector(new Float32Array(6), x, Float32Array.of(1, 0, -1), 2, 3)]).toEqual([2, 2, 2, 5, 5, 5]);
  });
});
