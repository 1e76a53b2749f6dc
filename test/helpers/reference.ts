/**
 * Float64 reference computations for gradient checks: an independent, plain re-implementation of the
 * forward pass and losses (not calling the code under test), differentiated by central differences.
 */
export type Act = 'relu' | 'leaky_relu' | 'tanh' | 'gelu';

export function act64(name: Act, v: number): number {
  if (name === 'relu') return v > 0 ? v : 0;
  if (name === 'leaky_relu') return v > 0 ? v : 0.01 * v;
  // GELU, tanh form, with PyTorch's literal constants (torch.nn.functional.gelu(approximate='tanh')).
  if (name === 'gelu') return 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v ** 3)));
  return Math.tanh(v);
}

export interface RefNet {
  dims: number[];
  /** weights[l] is dims[l+1] × dims[l] row-major (PyTorch layout). */
  weights: Float64Array[];
  biases: Float64Array[];
  activation: Act;
  /** Dropout multipliers per hidden layer (rows × width), or null for none. */
  masks: (Float64Array | null)[];
}

export function refLogits(net: RefNet, x: ArrayLike<number>, rows: number): Float64Array {
  let input = Float64Array.from({ length: rows * net.dims[0] }, (_, i) => x[i]);
  const L = net.dims.length - 1;
  for (let l = 0; l < L; l++) {
    const nin = net.dims[l],
      nout = net.dims[l + 1];
    const out = new Float64Array(rows * nout);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < nout; j++) {
        let s = net.biases[l][j];
        for (let i = 0; i < nin; i++) s += input[r * nin + i] * net.weights[l][j * nin + i];
        if (l < L - 1) {
          s = act64(net.activation, s);
          const m = net.masks[l];
          if (m) s *= m[r * nout + j];
        }
        out[r * nout + j] = s;
      }
    }
    input = out;
  }
  return input;
}

export function refCrossEntropy(logits: Float64Array, labels: ArrayLike<number>, rows: number, k: number, w?: ArrayLike<number>): number {
  let total = 0,
    wsum = 0;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[r * k + j]);
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(logits[r * k + j] - max);
    const wi = w ? w[labels[r]] : 1;
    total += wi * (max + Math.log(s) - logits[r * k + labels[r]]);
    wsum += wi;
  }
  return total / wsum;
}

export function refReg(net: RefNet, kind: 'norm' | 'l2'): number {
  let r = 0;
  for (const t of [...net.weights.flatMap((w, l) => [w, net.biases[l]])]) {
    let ss = 0;
    for (const v of t) ss += v * v;
    r += kind === 'norm' ? Math.sqrt(ss) : 0.5 * ss;
  }
  return r;
}

/** Central-difference derivative of f with respect to arr[i] (arr is modified and restored). */
export function numericGrad(f: () => number, arr: Float64Array, i: number, h = 1e-6): number {
  const old = arr[i];
  arr[i] = old + h;
  const fp = f();
  arr[i] = old - h;
  const fm = f();
  arr[i] = old;
  return (fp - fm) / (2 * h);
}

/** |a − b| ≤ atol + rtol·|b|, with a message naming what differs. */
export function close(a: number, b: number, atol: number, rtol: number): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
