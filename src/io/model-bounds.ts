import { FLOAT32_MAX, MAX_STANDARDIZED } from '../data/cells.js';
import type { PreprocessorState } from '../data/preprocessor.js';
import type { HamiltonianNNConfig } from '../nn/hamiltonian-nn.js';
import { ModelFormatError } from './safetensors.js';

/** The smallest normal float32: a scale below it divides inputs past float32 range. */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
/** Logits stay below this, so their difference (and so the probability) is finite. */
const LOGIT_LIMIT = FLOAT32_MAX / 4;

/**
 * Refuses a model file whose forward pass can overflow float32 on any input the scorer accepts (standardised values
 * within ±MAX_STANDARDIZED, one-hot columns in [0, 1]): interval arithmetic through the layers —
 * |h_j| ≤ |b_j| + Σ_i |W_ji|·bound_i, then |act(x)| ≤ |x| (ReLU, leaky ReLU, GELU) or ≤ 1 (tanh) — must stay below
 * float32's range at every layer. Also refuses standardisation statistics beyond float32. A CRC guards against
 * corruption, not against a crafted file; this is what makes "no decision without a finite probability" hold for
 * any file that loads.
 * @example
 * checkModelBounds(config, tensors, preprocessor); // throws ModelFormatError naming the tensor or statistic
 */
export function checkModelBounds(
  config: HamiltonianNNConfig,
  tensors: ReadonlyMap<string, { data: Float32Array }>,
  preprocessor: PreprocessorState | null,
): void {
  if (preprocessor) {
    const { mean, scale, columns } = preprocessor;
    for (let j = 0; j < config.inputDim; j++) {
      if (!(Math.abs(mean?.[j]) <= FLOAT32_MAX))
        throw new ModelFormatError(`preprocessor mean[${j}] (column '${columns[j]}') is ${mean?.[j]}: beyond float32 range`);
      if (!(scale?.[j] >= FLOAT32_MIN_NORMAL && scale[j] <= FLOAT32_MAX)) {
        throw new ModelFormatError(`preprocessor scale[${j}] (column '${columns[j]}') is ${scale?.[j]}: standardised values would overflow float32`);
      }
    }
  }
  const dims = [config.inputDim, ...config.hiddenDims, config.outputDim];
  let bound = new Float64Array(config.inputDim).fill(MAX_STANDARDIZED);
  for (let l = 0; l + 1 < dims.length; l++) {
    const w = tensors.get(`layers.${l}.weight`)!.data,
      b = tensors.get(`layers.${l}.bias`)!.data;
    const nin = dims[l],
      nout = dims[l + 1],
      hidden = l + 2 < dims.length;
    const next = new Float64Array(nout);
    for (let j = 0; j < nout; j++) {
      let s = Math.abs(b[j]);
      for (let i = 0; i < nin; i++) s += Math.abs(w[j * nin + i]) * bound[i];
      if (!(s <= LOGIT_LIMIT)) {
        throw new ModelFormatError(
          `layers.${l}.weight / layers.${l}.bias: an input within ±${MAX_STANDARDIZED} standard deviations can drive unit ${j} to ${s.toExponential(1)}, past float32 range — the model could give no probability`,
        );
      }
      next[j] = hidden && config.activation === 'tanh' ? Math.min(s, 1) : s;
    }
    bound = next;
  }
}
