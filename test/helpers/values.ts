import type { Rng } from '../../src/core/rng.js';

/**
 * Test tensors: uniform in (−bound, bound) with 15 % exact zeros and, when `special`, +∞ (5 %), −∞ (5 %) and NaN (3 %),
 * so that 0·∞ and ∞ − ∞ reach every kernel.
 */
export function tensorValues(rng: Rng, n: number, special: boolean, bound = 2): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const u = rng.float();
    if (u < 0.15) return 0;
    if (special && u < 0.2) return Infinity;
    if (special && u < 0.25) return -Infinity;
    if (special && u < 0.28) return NaN;
    return rng.uniform(-bound, bound);
  });
}
