/**
 * gpu.js kernels for dense layers, their gradients and the optimiser update — the same formulas as the
 * reference kernels in src/core/matrix.ts and src/optim (property-tested against them in gpu.js's `cpu`
 * mode, which runs the very same kernel code). All arrays are flat row-major Float32Arrays; outputs are
 * flat too. Kernels are created once per GPU instance with dynamic sizes.
 *
 * Activation codes: 0 identity, 1 relu, 2 leaky_relu (slope in `a`), 3 tanh.
 */
export interface GpuKernels {
  /** out[m×n] = x[m×k]·W[n×k]ᵀ + b, then the activation. */
  denseForward(x: Float32Array, w: Float32Array, b: Float32Array, m: number, k: number, n: number, act: number, slope: number): Promise<Float32Array>;
  /** out[m×n] = op(a)·op(b) for the three transpose cases used by backprop. */
  matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Promise<Float32Array>;
  /** g ⊙ act′(pre) ⊙ mask (mask may be all ones). */
  activationBackward(g: Float32Array, pre: Float32Array, mask: Float32Array, n: number, act: number, slope: number): Promise<Float32Array>;
  /** Column sums of x[m×n]. */
  colSum(x: Float32Array, m: number, n: number): Promise<Float32Array>;
  /** AdvancedSymplecticOptimizer's per-element update given the tensor's step size s = lr/(√H + ε): θ − s·m. */
  axpyUpdate(theta: Float32Array, m: Float32Array, s: number, n: number): Promise<Float32Array>;
  /** m ← βm + (1 − β)g, elementwise. */
  momentum(m: Float32Array, g: Float32Array, beta: number, n: number): Promise<Float32Array>;
}

type GPULike = { createKernel(fn: (...args: any[]) => number, settings?: Record<string, unknown>): any };

/** gpu.js returns arrays synchronously in cpu/webasm/webgl modes and Promises in webgpu mode. */
async function flat(result: unknown): Promise<Float32Array> {
  const out = await result;
  if (out instanceof Float32Array) return out;
  if (Array.isArray(out)) return Float32Array.from(out as number[]);
  throw new TypeError('unexpected gpu.js output');
}

/**
 * @example
 * const kernels = createGpuKernels(new GPU({ mode: 'cpu' }));
 */
export function createGpuKernels(gpu: GPULike): GpuKernels {
  const opts = { dynamicOutput: true, dynamicArguments: true, tactic: 'precision' };
  const dense = gpu.createKernel(function (this: any, x: number[], w: number[], b: number[], k: number, n: number, act: number, slope: number) {
    const r = Math.floor(this.thread.x / n);
    const j = this.thread.x - r * n;
    let s = b[j];
    for (let p = 0; p < k; p++) s += x[r * k + p] * w[j * k + p];
    if (act === 1) return s > 0 ? s : 0;
    if (act === 2) return s > 0 ? s : s * slope;
    if (act === 3) return Math.tanh(s);
    return s;
  }, opts);
  const mm = gpu.createKernel(function (this: any, a: number[], b: number[], m: number, k: number, n: number, ta: number, tb: number) {
    const i = Math.floor(this.thread.x / n);
    const j = this.thread.x - i * n;
    let s = 0;
    for (let p = 0; p < k; p++) {
      const av = ta > 0 ? a[p * m + i] : a[i * k + p];
      const bv = tb > 0 ? b[j * k + p] : b[p * n + j];
      s += av * bv;
    }
    return s;
  }, opts);
  const actBack = gpu.createKernel(function (this: any, g: number[], pre: number[], mask: number[], act: number, slope: number) {
    const i = this.thread.x;
    const x = pre[i];
    let d = 1;
    if (act === 1) d = x > 0 ? 1 : 0;
    if (act === 2) d = x > 0 ? 1 : slope;
    if (act === 3) {
      const t = Math.tanh(x);
      d = 1 - t * t;
    }
    return g[i] * d * mask[i];
  }, opts);
  const colSum = gpu.createKernel(function (this: any, x: number[], m: number, n: number) {
    let s = 0;
    for (let r = 0; r < m; r++) s += x[r * n + this.thread.x];
    return s;
  }, opts);
  const update = gpu.createKernel(function (this: any, theta: number[], mo: number[], s: number) {
    return theta[this.thread.x] - s * mo[this.thread.x];
  }, opts);
  const mom = gpu.createKernel(function (this: any, m: number[], g: number[], beta: number) {
    return beta * m[this.thread.x] + (1 - beta) * g[this.thread.x];
  }, opts);
  return {
    async denseForward(x, w, b, m, k, n, act, slope) {
      dense.setOutput([m * n]);
      return flat(dense(x, w, b, k, n, act, slope));
    },
    async matmul(a, b, m, k, n, transA, transB) {
      mm.setOutput([m * n]);
      return flat(mm(a, b, m, k, n, transA ? 1 : 0, transB ? 1 : 0));
    },
    async activationBackward(g, pre, mask, n, act, slope) {
      actBack.setOutput([n]);
      return flat(actBack(g, pre, mask, act, slope));
    },
    async colSum(x, m, n) {
      colSum.setOutput([n]);
      return flat(colSum(x, m, n));
    },
    async axpyUpdate(theta, m, s, n) {
      update.setOutput([n]);
      return flat(update(theta, m, s));
    },
    async momentum(m, g, beta, n) {
      mom.setOutput([n]);
      return flat(mom(m, g, beta));
    },
  };
}
