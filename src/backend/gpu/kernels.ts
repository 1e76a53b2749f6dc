import { UsageError } from '../../core/errors.js';
/**
 * gpu.js kernels for dense layers, their gradients, the loss and the optimiser update — the same formulas as
 * the reference kernels in src/core/matrix.ts, src/loss and src/optim (property-tested against them in gpu.js's
 * `cpu` mode, which runs the very same kernel code, and on real WebGPU/WebGL in headless Chromium).
 *
 * Every kernel runs in gpu.js's pipeline mode with `immutable: true`: its result stays on the device (a
 * WebGPU buffer or a WebGL texture, a plain array in the CPU modes) as an opaque `GpuTensor` that the next
 * kernel takes as an argument, so a training step does not round-trip to the CPU per layer. Each call gets a
 * fresh result, so earlier results stay valid until `release`d. All tensors are flat row-major.
 *
 * gpu.js declares every loop variable at function scope in some modes: loops in one kernel need distinct names.
 * The corrected row/column split is written out in the three kernels that need it: moving it into a gpu.js
 * helper (`addFunction`) broke the browser backends when tried.
 *
 * Activation codes (src/core/activations.ts): 0 identity, 1 relu, 2 leaky_relu (slope in `slope`), 3 tanh, 4 gelu (tanh form).
 */

/** A result that lives on the device; read it with `read`, free it with `release`. */
export interface GpuTensor {
  readonly __gpuTensor: never;
}

/**
 * The most outputs (and the largest array) one kernel call may have: gpu.js computes indices in float32, which
 * holds integers exactly only up to 2²⁴ — past that, rows and columns come out wrong (measured on WebGPU and
 * WebGL: every element from index 2²⁴ + 1 on is misplaced). Work is chunked below it; larger calls are refused.
 */
export const MAX_KERNEL_OUTPUTS = 2 ** 24;

/** Partial sums per reduction (a power of two; each thread sums a strided slice, so reads stay coalesced). */
export const REDUCE_PARTIALS = 256;

/** The device kernels of one gpu.js instance (see `createGpuKernels`); tensors in, tensors out. */
export interface GpuKernels {
  /** Copies host data to the device. */
  upload(a: Float32Array): Promise<GpuTensor>;
  /** Copies a device tensor back (asynchronous in WebGPU). */
  read(t: GpuTensor): Promise<Float32Array>;
  /** Frees a device tensor (no-op in the CPU modes). Safe after the kernels that read it were queued. */
  release(t: GpuTensor | undefined): void;
  /** out[m×n] = act(x[m×k]·W[n×k]ᵀ + b). */
  dense(x: GpuTensor, w: GpuTensor, b: GpuTensor, m: number, k: number, n: number, act: number, slope: number): Promise<GpuTensor>;
  /** out[m×n] = op(a)·op(b), op = transpose where asked (a is m×k after op, b is k×n after op). */
  matmul(a: GpuTensor, b: GpuTensor, m: number, k: number, n: number, transA: boolean, transB: boolean): Promise<GpuTensor>;
  /** act(x), elementwise (the activation the dense kernel fuses, for when training keeps the pre-activation). */
  activate(x: GpuTensor, n: number, act: number, slope: number): Promise<GpuTensor>;
  /** g ⊙ act′(pre), from the layer's pre-activation (as the CPU ops: GELU's derivative cannot be had from its output). */
  activationBackward(g: GpuTensor, pre: GpuTensor, n: number, act: number, slope: number): Promise<GpuTensor>;
  /** Column sums of x[m×n]. */
  colSum(x: GpuTensor, m: number, n: number): Promise<GpuTensor>;
  /**
   * ∂(weighted mean softmax cross-entropy)/∂logits for logits[rows×classes], integer labels y[rows] and each row's
   * weight in the mean, rowWeight[r] = w_{y_r} / Σ w (1/rows without class weights).
   */
  softmaxCrossEntropyGrad(logits: GpuTensor, y: GpuTensor, rowWeight: GpuTensor, rows: number, classes: number): Promise<GpuTensor>;
  /** REDUCE_PARTIALS partial sums of rowWeight[r] · cross-entropy of row r (their total is the weighted mean loss). */
  crossEntropyPartials(logits: GpuTensor, y: GpuTensor, rowWeight: GpuTensor, rows: number, classes: number): Promise<GpuTensor>;
  /** P(class 1) per row of two-class logits[rows×2]. */
  positiveClass(logits: GpuTensor, rows: number): Promise<GpuTensor>;
  /** m ← βm + (1 − β)g, elementwise. */
  momentum(m: GpuTensor, g: GpuTensor, beta: number, n: number): Promise<GpuTensor>;
  /** REDUCE_PARTIALS partial sums of m² + c·g² (elementwise over n; c = 0 sums m² alone). */
  sumSquaresPartials(m: GpuTensor, g: GpuTensor, n: number, c: number): Promise<GpuTensor>;
  /** From those partials: [H, s] with H = ½Σ(m² + g²) and the step size s = lr / (√H + ε). */
  symplecticScale(partials: GpuTensor, lr: number, eps: number): Promise<GpuTensor>;
  /**
   * From partial sums of θ²: [R, c] with R = ‖θ‖ ('norm') or ½‖θ‖² ('l2') and the coefficient of θ in λ·∂R/∂θ,
   * c = λ/‖θ‖ (0 at θ = 0) or λ — or 0 when `withGradient` is false (the original's `.item()` behaviour).
   */
  regularizerScale(partials: GpuTensor, lambda: number, l2: boolean, withGradient: boolean): Promise<GpuTensor>;
  /** g + s·θ, with s = scale[1]. */
  addScaled(g: GpuTensor, theta: GpuTensor, scale: GpuTensor, n: number): Promise<GpuTensor>;
  /** θ − s·m, with s = scale[1]. */
  update(theta: GpuTensor, m: GpuTensor, scale: GpuTensor, n: number): Promise<GpuTensor>;
  /** a ⊙ b, elementwise (dropout masks). */
  multiply(a: GpuTensor, b: GpuTensor, n: number): Promise<GpuTensor>;
  /** acc[0..4) plus mul·Σ v[0..count) added at index `slot` (running sums kept on the device). */
  accumulate(acc: GpuTensor, v: GpuTensor, count: number, slot: number, mul: number): Promise<GpuTensor>;
  /** One tensor's step into the sums in one call: acc[1] += H = scale[0], acc[2] += R = reg[0], acc[3] += λ·R. */
  accumulateTensor(acc: GpuTensor, scale: GpuTensor, reg: GpuTensor, lambda: number): Promise<GpuTensor>;
}

type GPULike = { createKernel(fn: (...args: any[]) => number, settings?: Record<string, unknown>): any };

/** gpu.js returns arrays in cpu/webasm modes, Textures in WebGL, WebGPUBufferResults (async) in WebGPU. */
async function toFloat32(result: unknown): Promise<Float32Array> {
  let out: any = await result;
  if (out && typeof out.toArray === 'function') out = await out.toArray();
  if (out instanceof Float32Array) return out;
  if (Array.isArray(out)) return Float32Array.from(out as number[]);
  throw new TypeError('unexpected gpu.js output');
}

/**
 * gpu.js turns a loop whose bound is an argument into `for (i < LOOP_MAX) { if (!test) break; … }`, and
 * LOOP_MAX defaults to 1000 — a silent truncation of every dot product longer than 1000. The real bound is
 * still tested inside, so a large LOOP_MAX costs nothing.
 */
const LOOP_MAX = 1 << 26;

/**
 * @example
 * const kernels = createGpuKernels(new GPU({ mode: 'cpu' }));
 */
export function createGpuKernels(gpu: GPULike): GpuKernels {
  const opts = {
    dynamicOutput: true,
    dynamicArguments: true,
    tactic: 'precision',
    precision: 'single',
    pipeline: true,
    immutable: true,
    loopMaxIterations: LOOP_MAX,
    output: [1],
  };
  const make = (fn: (...args: any[]) => number) => gpu.createKernel(fn, opts);
  const copy = make(function (this: any, a: number[]) {
    return a[this.thread.x];
  });
  const dense = make(function (this: any, x: number[], w: number[], b: number[], k: number, n: number, act: number, slope: number) {
    // Row and column by float division, corrected: GPU division may be a few ULP off (exact below 2²⁴ after this).
    let r = Math.floor(this.thread.x / n);
    let j = this.thread.x - r * n;
    if (j < 0) {
      r = r - 1;
      j = j + n;
    }
    if (j >= n) {
      r = r + 1;
      j = j - n;
    }
    let s = b[j];
    for (let p = 0; p < k; p++) s += x[r * k + p] * w[j * k + p];
    if (act === 1) return s > 0 ? s : 0;
    if (act === 2) return s > 0 ? s : s * slope;
    // WGSL/GLSL tanh may overflow to NaN for large |s| (gpuweb#4458); tanh(±15) is already ±1 in f32.
    if (act === 3) return Math.tanh(Math.min(15, Math.max(-15, s)));
    if (act === 4) return 0.5 * s * (1 + Math.tanh(Math.min(15, Math.max(-15, 0.7978845608028654 * (s + 0.044715 * s * s * s)))));
    return s;
  });
  const act1 = make(function (this: any, x: number[], act: number, slope: number) {
    const s = x[this.thread.x];
    if (act === 1) return s > 0 ? s : 0;
    if (act === 2) return s > 0 ? s : s * slope;
    if (act === 3) return Math.tanh(Math.min(15, Math.max(-15, s)));
    if (act === 4) return 0.5 * s * (1 + Math.tanh(Math.min(15, Math.max(-15, 0.7978845608028654 * (s + 0.044715 * s * s * s)))));
    return s;
  });
  const mm = make(function (this: any, a: number[], b: number[], m: number, k: number, n: number, ta: number, tb: number) {
    let i = Math.floor(this.thread.x / n);
    let j = this.thread.x - i * n;
    if (j < 0) {
      i = i - 1;
      j = j + n;
    }
    if (j >= n) {
      i = i + 1;
      j = j - n;
    }
    let s = 0;
    for (let p = 0; p < k; p++) {
      const av = ta > 0 ? a[p * m + i] : a[i * k + p];
      const bv = tb > 0 ? b[j * k + p] : b[p * n + j];
      s += av * bv;
    }
    return s;
  });
  const actBack = make(function (this: any, g: number[], pre: number[], act: number, slope: number) {
    const i = this.thread.x;
    const x = pre[i];
    let d = 1;
    if (act === 1) d = x > 0 ? 1 : 0;
    if (act === 2) d = x > 0 ? 1 : slope;
    if (act === 3) {
      const t = Math.tanh(Math.min(15, Math.max(-15, x)));
      d = 1 - t * t;
    }
    if (act === 4) {
      const u = Math.tanh(Math.min(15, Math.max(-15, 0.7978845608028654 * (x + 0.044715 * x * x * x))));
      d = 0.5 * (1 + u) + 0.5 * x * (1 - u * u) * 0.7978845608028654 * (1 + 3 * 0.044715 * x * x);
    }
    return g[i] * d;
  });
  const colSum = make(function (this: any, x: number[], m: number, n: number) {
    let s = 0;
    for (let r = 0; r < m; r++) s += x[r * n + this.thread.x];
    return s;
  });
  const ceGrad = make(function (this: any, z: number[], y: number[], rw: number[], c: number) {
    let r = Math.floor(this.thread.x / c);
    let j = this.thread.x - r * c;
    if (j < 0) {
      r = r - 1;
      j = j + c;
    }
    if (j >= c) {
      r = r + 1;
      j = j - c;
    }
    let mx = z[r * c];
    for (let q = 1; q < c; q++) mx = Math.max(mx, z[r * c + q]);
    let se = 0;
    for (let u = 0; u < c; u++) se += Math.exp(z[r * c + u] - mx);
    const p = Math.exp(z[r * c + j] - mx) / se;
    return (p - (Math.floor(y[r] + 0.5) === j ? 1 : 0)) * rw[r];
  });
  // Loop bounds are arguments, never locals: WebGL 1 (GLSL ES 1.0) only compiles loops gpu.js can bound by LOOP_MAX.
  const cePartials = make(function (this: any, z: number[], y: number[], rw: number[], rows: number, c: number, parts: number, iters: number) {
    let s = 0;
    for (let t = 0; t < iters; t++) {
      const r = t * parts + this.thread.x;
      if (r < rows) {
        let mx = z[r * c];
        for (let q = 1; q < c; q++) mx = Math.max(mx, z[r * c + q]);
        let se = 0;
        for (let u = 0; u < c; u++) se += Math.exp(z[r * c + u] - mx);
        s += rw[r] * (Math.log(se) + mx - z[r * c + Math.floor(y[r] + 0.5)]);
      }
    }
    return s;
  });
  const positive = make(function (this: any, z: number[]) {
    const d = z[this.thread.x * 2 + 1] - z[this.thread.x * 2];
    if (d >= 0) return 1 / (1 + Math.exp(-d));
    const e = Math.exp(d);
    return e / (1 + e);
  });
  const mom = make(function (this: any, m: number[], g: number[], beta: number) {
    return beta * m[this.thread.x] + (1 - beta) * g[this.thread.x];
  });
  const sumSq = make(function (this: any, m: number[], g: number[], n: number, cg: number, parts: number, iters: number) {
    let s = 0;
    for (let t = 0; t < iters; t++) {
      const i = t * parts + this.thread.x;
      if (i < n) s += m[i] * m[i] + cg * g[i] * g[i];
    }
    return s;
  });
  const scale = make(function (this: any, partials: number[], parts: number, lr: number, eps: number) {
    let s = 0;
    for (let p = 0; p < parts; p++) s += partials[p];
    const h = 0.5 * s;
    if (this.thread.x === 0) return h;
    return lr / (Math.sqrt(h) + eps);
  });
  const regScale = make(function (this: any, partials: number[], parts: number, lambda: number, l2: number, withGrad: number) {
    let s = 0;
    for (let p = 0; p < parts; p++) s += partials[p];
    const nrm = Math.sqrt(s);
    if (this.thread.x === 0) return l2 > 0 ? 0.5 * s : nrm;
    if (withGrad === 0) return 0;
    if (l2 > 0) return lambda;
    return nrm > 0 ? lambda / nrm : 0;
  });
  const addScaled = make(function (this: any, g: number[], theta: number[], sc: number[]) {
    return g[this.thread.x] + sc[1] * theta[this.thread.x];
  });
  const mul = make(function (this: any, a: number[], b: number[]) {
    return a[this.thread.x] * b[this.thread.x];
  });
  const update = make(function (this: any, theta: number[], m: number[], sc: number[]) {
    return theta[this.thread.x] - sc[1] * m[this.thread.x];
  });
  const acc = make(function (this: any, a: number[], v: number[], count: number, slot: number, mul: number) {
    if (this.thread.x !== slot) return a[this.thread.x];
    let s = 0;
    for (let q = 0; q < count; q++) s += v[q];
    return a[this.thread.x] + mul * s;
  });
  const accTensor = make(function (this: any, a: number[], sc: number[], rg: number[], lambda: number) {
    const i = this.thread.x;
    if (i === 1) return a[1] + sc[0];
    if (i === 2) return a[2] + rg[0];
    if (i === 3) return a[3] + lambda * rg[0];
    return a[i];
  });
  const run = (kernel: any, size: number, ...args: unknown[]): Promise<GpuTensor> => {
    if (size > MAX_KERNEL_OUTPUTS) {
      return Promise.reject(
        new UsageError(
          `GPU kernel: ${size} outputs in one call; gpu.js indexes in float32, exact only up to 2^24 = ${MAX_KERNEL_OUTPUTS} (split the work: fewer rows per batch or chunk)`,
        ),
      );
    }
    kernel.setOutput([size]);
    return Promise.resolve(kernel(...args));
  };
  return {
    upload: (a) => run(copy, a.length, a),
    read: (t) => toFloat32(t),
    release(t) {
      const d = (t as { delete?: () => void } | undefined)?.delete;
      if (typeof d === 'function') d.call(t);
    },
    dense: (x, w, b, m, k, n, act, slope) => run(dense, m * n, x, w, b, k, n, act, slope),
    matmul: (a, b, m, k, n, transA, transB) => run(mm, m * n, a, b, m, k, n, transA ? 1 : 0, transB ? 1 : 0),
    activate: (x, n, act, slope) => run(act1, n, x, act, slope),
    activationBackward: (g, pre, n, act, slope) => run(actBack, n, g, pre, act, slope),
    colSum: (x, m, n) => run(colSum, n, x, m, n),
    softmaxCrossEntropyGrad: (z, y, rw, rows, c) => run(ceGrad, rows * c, z, y, rw, c),
    crossEntropyPartials: (z, y, rw, rows, c) => run(cePartials, REDUCE_PARTIALS, z, y, rw, rows, c, REDUCE_PARTIALS, Math.ceil(rows / REDUCE_PARTIALS)),
    positiveClass: (z, rows) => run(positive, rows, z),
    momentum: (m, g, beta, n) => run(mom, n, m, g, beta),
    sumSquaresPartials: (m, g, n, c) => run(sumSq, REDUCE_PARTIALS, m, g, n, c, REDUCE_PARTIALS, Math.ceil(n / REDUCE_PARTIALS)),
    regularizerScale: (p, lambda, l2, withGradient) => run(regScale, 2, p, REDUCE_PARTIALS, lambda, l2 ? 1 : 0, withGradient ? 1 : 0),
    addScaled: (g, theta, sc, n) => run(addScaled, n, g, theta, sc),
    multiply: (a, b, n) => run(mul, n, a, b),
    symplecticScale: (p, lr, eps) => run(scale, 2, p, REDUCE_PARTIALS, lr, eps),
    update: (theta, m, sc, n) => run(update, n, theta, m, sc),
    accumulate: (a, v, count, slot, m) => run(acc, 4, a, v, count, slot, m),
    accumulateTensor: (a, sc, rg, lambda) => run(accTensor, 4, a, sc, rg, lambda),
  };
}
