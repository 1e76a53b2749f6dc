import { ACTIVATION_CODES, GELU_CUBIC, GELU_SQRT_2_OVER_PI, LEAKY_RELU_SLOPE, logisticOfDifference, type ActivationCode } from '../../core/activations.js';
import { addRowVector, matmulNT, sumRows as sumRowsRef } from '../../core/matrix.js';
import type { Occlusion, PreparedLinear } from '../ops.js';

export { matmul, matmulNT, matmulTN } from '../../core/matrix.js';

const { relu: RELU, leaky_relu: LEAKY, tanh: TANH, gelu: GELU } = ACTIVATION_CODES;

/** out[r×c] += bias[c]. */
export function addBias(out: Float32Array, bias: Float32Array, rows: number, cols: number): Float32Array {
  return addRowVector(out, out, bias, rows, cols);
}

/** The js backend keeps a layer's weights as they are (copies, so the caller's arrays may change). */
export function prepareLinear(weight: Float32Array, bias: Float32Array, nin: number, nout: number): PreparedLinear {
  return { nin, nout, weight: weight.slice(0, nin * nout), bias: bias.slice(0, nout), packed: null };
}

/** out = x·Wᵀ + b (the training kernels: there is no faster inference kernel in plain JS). */
export function linearInference(out: Float32Array, x: Float32Array, layer: PreparedLinear, rows: number): Float32Array {
  matmulNT(out, x, layer.weight, rows, layer.nin, layer.nout);
  return addRowVector(out, out, layer.bias, rows, layer.nout);
}

/** Rows per block of `binaryProbabilities`: their activations and logits in two scratch arrays grown once. */
const HEAD_BLOCK = 64;
const headScratch = { h: new Float32Array(0), logits: new Float32Array(2 * HEAD_BLOCK) };

/** P(class 1) of a binary last layer over rows of x activated by `act` (see `Ops.binaryProbabilities`): by its definition. */
export function binaryProbabilities(out: Float32Array, x: Float32Array, layer: PreparedLinear, rows: number, act: ActivationCode): Float32Array {
  const k = layer.nin;
  if (headScratch.h.length < HEAD_BLOCK * k) headScratch.h = new Float32Array(HEAD_BLOCK * k);
  const { h, logits } = headScratch;
  for (let r0 = 0; r0 < rows; r0 += HEAD_BLOCK) {
    const n = Math.min(HEAD_BLOCK, rows - r0);
    activate(h, x.subarray(r0 * k, (r0 + n) * k), n * k, act, null);
    linearInference(logits, h, layer, n);
    for (let r = 0; r < n; r++) out[r0 + r] = logisticOfDifference(logits[2 * r + 1] - logits[2 * r]);
  }
  return out;
}

/** Reason codes' occluded rows, activated, and their groups (see `Ops.occludedRows`), rounding as float32 does. */
export function occludedRows(out: Float32Array, group: Float32Array, base: Float32Array, x: Float32Array, records: number, o: Occlusion): number {
  const { w, to, groupOf, cols, h } = o;
  let r = 0;
  for (let i = 0; i < records; i++) {
    const z = base.subarray(i * h, (i + 1) * h);
    out.set(z, r * h);
    group[r++] = -1;
    let open = -1;
    for (let j = 0; j < cols; j++) {
      const g = groupOf[j],
        d = Math.fround(to[j] - x[i * cols + j]);
      if (g < 0 || d === 0) continue;
      if (g !== open) {
        out.set(z, r * h);
        group[r++] = g;
        open = g;
      }
      // A float32 product (exact in float64, then rounded); the sum of two float32 in float64 rounds to the float32 sum.
      for (let u = 0, at = (r - 1) * h; u < h; u++) out[at + u] += Math.fround(w[j * h + u] * d);
    }
  }
  activate(out, out, r * h, o.act, null);
  return r;
}

/** out[c] (+)= Σ_rows x. */
export function sumRows(out: Float32Array, x: Float32Array, rows: number, cols: number, accumulate: boolean): Float32Array {
  return sumRowsRef(out, x, rows, cols, accumulate);
}

/** act(x) for one element, in float64 (the caller stores it as float32). */
function activation(act: ActivationCode, v: number): number {
  if (act === RELU) return Math.max(v, 0); // NaN stays NaN, as in PyTorch (a bad input must not pass as 0)
  if (act === LEAKY) return v > 0 ? v : v * LEAKY_RELU_SLOPE;
  if (act === TANH) return Math.tanh(v);
  if (act === GELU) return 0.5 * v * (1 + Math.tanh(GELU_SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v)));
  return v;
}

/** d gelu/dx for the tanh form: ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715·x²), t = tanh(√(2/π)(x + 0.044715x³)). */
function geluDerivative(v: number): number {
  const t = Math.tanh(GELU_SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
  return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * v * v);
}

/** post = act(pre), then ⊙ mask: the activation is stored as float32 before the mask multiplies it. */
export function activate(post: Float32Array, pre: Float32Array, n: number, act: ActivationCode, mask: Float32Array | null): Float32Array {
  if (mask) for (let i = 0; i < n; i++) post[i] = Math.fround(activation(act, pre[i])) * mask[i];
  else for (let i = 0; i < n; i++) post[i] = activation(act, pre[i]);
  return post;
}

/** g = (g ⊙ mask) ⊙ act′(pre): the mask is applied (and stored) first, then the derivative. */
export function activateBackward(g: Float32Array, pre: Float32Array, n: number, act: ActivationCode, mask: Float32Array | null): Float32Array {
  if (mask) for (let i = 0; i < n; i++) g[i] = g[i] * mask[i];
  if (act === RELU) for (let i = 0; i < n; i++) g[i] = pre[i] > 0 ? g[i] : 0;
  else if (act === LEAKY) for (let i = 0; i < n; i++) g[i] = pre[i] > 0 ? g[i] : g[i] * LEAKY_RELU_SLOPE;
  else if (act === TANH) {
    for (let i = 0; i < n; i++) {
      const t = Math.tanh(pre[i]);
      g[i] = g[i] * (1 - t * t);
    }
  } else if (act === GELU) for (let i = 0; i < n; i++) g[i] = g[i] * geluDerivative(pre[i]);
  return g;
}
