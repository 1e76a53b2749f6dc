import type { Rng4 } from '../../core/rng.js';

let draws = new Float64Array(0);

/**
 * mask[i] = 1/(1 − p) when u_i ≥ p, else 0, u_i the i-th uniform of `rng` (four interleaved streams, so the
 * WASM kernel draws the same bits four lanes at a time).
 */
export function dropoutMask(mask: Float32Array, n: number, p: number, rng: Rng4): Float32Array {
  const keepScale = p >= 1 ? 0 : 1 / (1 - p);
  if (draws.length < n) draws = new Float64Array(Math.max(n, draws.length * 2));
  const u = draws.subarray(0, n);
  rng.fillUniform(u);
  for (let i = 0; i < n; i++) mask[i] = u[i] >= p ? keepScale : 0;
  return mask;
}
