import { logisticOfDifference } from '../core/activations.js';

/**
 * Row-wise numerically stable softmax: out[r×k] = exp(x − max) / Σ exp(x − max). out may alias x.
 * @example
 * softmaxRows(out, logits, rows, 3);
 */
export function softmaxRows(out: Float32Array, x: Float32Array, rows: number, k: number): Float32Array {
  for (let i = 0; i < rows; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(x[o + j] - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < k; j++) out[o + j] *= inv;
  }
  return out;
}

/**
 * log Σ_j exp(x[offset + j]) for one row of k values, stable for any magnitude.
 * @example
 * logSumExp(Float32Array.of(1e4, 0), 0, 2); // 10000, no overflow
 */
export function logSumExp(x: ArrayLike<number>, offset: number, k: number): number {
  let max = -Infinity;
  for (let j = 0; j < k; j++) if (x[offset + j] > max) max = x[offset + j];
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(x[offset + j] - max);
  return max + Math.log(sum);
}

/**
 * P(class 1) for rows of two logits: the softmax of two logits is the logistic of their difference,
 * computed in the form that is stable for either sign. `stride` is the row length (2 for a binary model).
 * @example
 * positiveClassProbabilities(new Float32Array(1), Float32Array.of(0, 2), 1); // [0.881]
 */
export function positiveClassProbabilities(out: Float32Array, logits: ArrayLike<number>, rows: number, stride = 2, offset = 0): Float32Array {
  for (let i = 0; i < rows; i++) {
    out[offset + i] = logisticOfDifference(logits[i * stride + 1] - logits[i * stride]);
  }
  return out;
}
