import type { Dataset } from '../core/dataset.js';
import { logSumExp } from '../loss/softmax.js';
import { rocAuc } from '../metrics/ranking.js';
import type { HamiltonianNN } from '../nn/hamiltonian-nn.js';
import type { ValidationMetrics } from './history.js';

/**
 * Probabilities and metrics of `model` on `data` with dropout off; evaluated in chunks.
 * @example
 * validate(model, testDataset); // { loss, auc, accuracy }
 */
export function validate(model: HamiltonianNN, data: Dataset, chunk = 4096): ValidationMetrics {
  const k = model.outputDim;
  let loss = 0;
  let correct = 0;
  const p1 = new Float32Array(data.rows);
  for (let start = 0; start < data.rows; start += chunk) {
    const rows = Math.min(chunk, data.rows - start);
    const logits = model.forward(data.x.subarray(start * data.cols, (start + rows) * data.cols), rows, { inference: true });
    for (let i = 0; i < rows; i++) {
      const o = i * k;
      let arg = 0;
      for (let j = 1; j < k; j++) if (logits[o + j] > logits[o + arg]) arg = j;
      const lse = logSumExp(logits, o, k);
      const y = data.y[start + i];
      loss += lse - logits[o + y];
      if (arg === y) correct++;
      if (k === 2) p1[start + i] = Math.exp(logits[o + 1] - lse);
    }
  }
  const auc =
    k === 2
      ? rocAuc(
          Array.from({ length: data.rows }, (_, i) => (data.y[i] === 1 ? 1 : 0)),
          p1,
        )
      : NaN;
  return { loss: loss / data.rows, auc, accuracy: correct / data.rows };
}
