import { UsageError } from '../core/errors.js';
import { logSumExp } from './softmax.js';

/** Class labels: integer class index per row. */
export type Labels = ArrayLike<number>;

/** Options of `softmaxCrossEntropy`. */
export interface CrossEntropyOptions {
  /** Weight per class (PyTorch's `weight=`): the mean becomes Σ w_y·nll / Σ w_y. */
  classWeights?: ArrayLike<number>;
  /** Where to write dLoss/dLogits (rows × classes); allocated when absent. */
  gradOut?: Float32Array;
}

/** Loss value and gradient w.r.t. the logits. */
export interface CrossEntropyResult {
  /** Mean (weighted) negative log-likelihood. */
  loss: number;
  /** dLoss/dLogits, rows × classes. */
  grad: Float32Array;
}

function checkLabel(y: number, k: number, row: number): void {
  if (!Number.isInteger(y) || y < 0 || y >= k) {
    throw new UsageError(`cross-entropy: label at row ${row} is ${y}, expected an integer class in [0, ${k - 1}]`);
  }
}

/**
 * Fused softmax cross-entropy, as PyTorch's `F.cross_entropy(logits, labels, weight)` with mean reduction:
 * loss = Σ_i w_{y_i} (logsumexp(z_i) − z_{i,y_i}) / Σ_i w_{y_i}, and its gradient
 * dL/dz_{ij} = w_{y_i} (softmax(z_i)_j − [j = y_i]) / Σ_i w_{y_i}. Log-sum-exp keeps it finite for
 * logits of any size.
 * @example
 * const { loss, grad } = softmaxCrossEntropy(logits, labels, rows, 2, { classWeights: [1, 5] });
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Labels,
  rows: number,
  classes: number,
  options: CrossEntropyOptions = {},
): CrossEntropyResult {
  const w = options.classWeights;
  if (w && w.length !== classes) throw new UsageError(`classWeights must have ${classes} entries, got ${w.length}`);
  const grad = options.gradOut ?? new Float32Array(rows * classes);
  let weightSum = 0;
  for (let i = 0; i < rows; i++) {
    const y = labels[i];
    checkLabel(y, classes, i);
    weightSum += w ? w[y] : 1;
  }
  if (!(weightSum > 0)) throw new UsageError('cross-entropy: the total class weight of the batch is zero');
  const invW = 1 / weightSum;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * classes;
    const y = labels[i];
    const wi = w ? w[y] : 1;
    const lse = logSumExp(logits, o, classes);
    total += wi * (lse - logits[o + y]);
    const s = wi * invW;
    for (let j = 0; j < classes; j++) {
      const p = Math.exp(logits[o + j] - lse);
      grad[o + j] = s * (j === y ? p - 1 : p);
    }
  }
  return { loss: total * invW, grad };
}
