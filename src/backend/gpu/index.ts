/**
 * The optional GPU backend: gpu.js kernels (WebGPU, WebGL, or gpu.js's own `webasm`/`cpu` modes), loaded
 * with dynamic `import()` only when asked for. Nothing here is required: when no usable GPU is found the
 * result says why (`fallbackReason`) and callers carry on with the CPU backends.
 *
 * The async reality: WebGPU readback is asynchronous, so everything here returns Promises; the synchronous
 * paths (`forward`, `predictProba`, the scorer's `score`) stay on WASM/JS.
 */
import { Rng } from '../../core/rng.js';
import { rocAuc } from '../../metrics/ranking.js';
import { gatherBatch } from '../../train/fit.js';
import { softmaxCrossEntropy } from '../../loss/cross-entropy.js';
import { positiveClassProbabilities } from '../../loss/softmax.js';
import { LEAKY_RELU_SLOPE } from '../../nn/activations.js';
import type { HamiltonianNN } from '../../nn/hamiltonian-nn.js';
import { createGpuKernels, type GpuKernels } from './kernels.js';
import { provideNodeWebGPU } from './node-webgpu.js';

/** gpu.js modes: 'auto' tries WebGPU then WebGL; 'webasm' and 'cpu' run the same kernels on the CPU. */
export type GpuMode = 'auto' | 'webgpu' | 'webgl' | 'webgl2' | 'headlessgl' | 'webasm' | 'cpu';

/** A loaded gpu.js instance and its kernels. */
export interface GpuBackend {
  /** The gpu.js mode in use. */
  mode: string;
  kernels: GpuKernels;
  /** The adapter, when WebGPU reported one. */
  adapter?: string;
  /** Releases the gpu.js instance. */
  destroy(): void;
}

/** No usable GPU: why not (the CPU backends carry on). */
export interface GpuUnavailable {
  mode: null;
  fallbackReason: string;
}

const ACT: Record<string, number> = { relu: 1, leaky_relu: 2, tanh: 3 };

/**
 * Loads gpu.js and picks a mode. 'auto' tries WebGPU (setting up `navigator.gpu` from the `webgpu` package
 * in Node), then WebGL; it does not silently fall back to gpu.js's CPU modes — those are only used when
 * asked for by name (tests, benchmarks). Returns a `GpuUnavailable` with the reason instead of throwing.
 * @example
 * const gpu = await createGpuBackend();
 * if (gpu.mode === null) console.log('CPU it is:', gpu.fallbackReason);
 */
export async function createGpuBackend(mode: GpuMode = 'auto'): Promise<GpuBackend | GpuUnavailable> {
  const reasons: string[] = [];
  let adapter: string | undefined;
  // In Node, navigator.gpu must exist before gpu.js is loaded (it may probe WebGPU support at import).
  let webgpuReady = typeof window !== 'undefined';
  if (!webgpuReady && (mode === 'auto' || mode === 'webgpu')) {
    const setup = await provideNodeWebGPU();
    webgpuReady = setup.ok;
    if (setup.ok) adapter = setup.adapter;
    else reasons.push(`webgpu: ${setup.reason}`);
  }
  let GPU: any;
  try {
    ({ GPU } = await import('gpu.js'));
  } catch (e) {
    return { mode: null, fallbackReason: `gpu.js is not installed (npm install gpu.js): ${(e as Error).message.split('\n')[0]}` };
  }
  const candidates: string[] = mode === 'auto' ? (webgpuReady ? ['webgpu', 'webgl2', 'webgl', 'headlessgl'] : ['webgl2', 'webgl', 'headlessgl']) : [mode];
  for (const m of candidates) {
    if (m === 'webgpu' && !webgpuReady) continue;
    try {
      const gpu = new GPU({ mode: m });
      if (mode === 'auto' && (gpu.mode === 'cpu' || gpu.mode === 'webasm')) {
        gpu.destroy?.();
        reasons.push(`${m}: not supported here`);
        continue;
      }
      return { mode: gpu.mode ?? m, kernels: createGpuKernels(gpu), adapter, destroy: () => gpu.destroy?.() };
    } catch (e) {
      reasons.push(`${m}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { mode: null, fallbackReason: `no usable GPU (${reasons.join('; ')}); using the CPU backends` };
}

/** The model's layers as plain arrays (GPU kernels take copies; the model keeps its own memory). */
function layersOf(model: HamiltonianNN) {
  return model.layers.map((l) => ({ w: l.weight.data.slice(), b: l.bias.data.slice(), nin: l.inFeatures, nout: l.outFeatures }));
}

/**
 * P(class 1) for many rows on the GPU, in chunks (millions of rows work).
 * @example
 * const p = await gpuPredictProba(gpu, model, x, rows);
 */
export async function gpuPredictProba(gpu: GpuBackend, model: HamiltonianNN, x: Float32Array, rows: number, chunk = 65536): Promise<Float32Array> {
  if (model.outputDim !== 2) throw new RangeError('gpuPredictProba handles binary models');
  const layers = layersOf(model);
  const act = ACT[model.config.activation];
  const out = new Float32Array(rows);
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    let h: Float32Array = x.subarray(start * model.inputDim, (start + n) * model.inputDim);
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      h = await gpu.kernels.denseForward(h, L.w, L.b, n, L.nin, L.nout, l + 1 < layers.length ? act : 0, LEAKY_RELU_SLOPE);
    }
    positiveClassProbabilities(out, h, n, 2, start);
  }
  return out;
}

/**
 * One training step on the GPU — forward, softmax cross-entropy gradient, backward (dW = dYᵀ·X, db = Σ dY,
 * dX = dY·W with the activation derivative) and the AdvancedSymplecticOptimizer update — writing the new
 * weights back into `model` and the momenta into `state`. No dropout (it draws from the CPU generator) and no
 * regulariser: the GPU path is for large batches, where both matter least; the returned loss is the mean
 * cross-entropy.
 * @example
 * const { loss } = await gpuTrainStep(gpu, model, x, y, 4096, state, { lr: 0.01 });
 */
export async function gpuTrainStep(
  gpu: GpuBackend, model: HamiltonianNN, x: Float32Array, y: ArrayLike<number>, rows: number,
  state: { momentum?: Float32Array[] }, options: { lr?: number; beta?: number; epsilon?: number } = {},
): Promise<{ loss: number; energy: number }> {
  const lr = options.lr ?? 0.01, beta = options.beta ?? 0.9, eps = options.epsilon ?? 1e-8;
  const k = gpu.kernels;
  const act = ACT[model.config.activation];
  const layers = layersOf(model);
  const L = layers.length;
  const inputs: Float32Array[] = [x];
  const pres: Float32Array[] = [];
  let h = x;
  for (let l = 0; l < L; l++) {
    const z = await k.denseForward(h, layers[l].w, layers[l].b, rows, layers[l].nin, layers[l].nout, 0, 0);
    if (l + 1 < L) {
      pres.push(z);
      h = await k.denseForward(h, layers[l].w, layers[l].b, rows, layers[l].nin, layers[l].nout, act, LEAKY_RELU_SLOPE);
      inputs.push(h);
    } else h = z;
  }
  // Softmax cross-entropy (mean) and its gradient, on the CPU (rows × classes is small).
  const C = layers[L - 1].nout;
  const ce = softmaxCrossEntropy(h, y, rows, C);
  const loss = ce.loss;
  let g: Float32Array = ce.grad;
  state.momentum ??= model.parameters().map((p) => new Float32Array(p.data.length));
  let energy = 0;
  const params = model.parameters();
  for (let l = L - 1; l >= 0; l--) {
    const { nin, nout } = layers[l];
    const dW = await k.matmul(g, inputs[l], nout, rows, nin, true, false);
    const db = await k.colSum(g, rows, nout);
    if (l > 0) {
      const dX = await k.matmul(g, layers[l].w, rows, nout, nin, false, false);
      g = await k.activationBackward(dX, pres[l - 1], new Float32Array(rows * nin).fill(1), rows * nin, act, LEAKY_RELU_SLOPE); // no dropout: mask of ones
    }
    for (const [t, grad] of [[2 * l, dW], [2 * l + 1, db]] as Array<[number, Float32Array]>) {
      const m = await k.momentum(state.momentum[t], grad, beta, grad.length);
      state.momentum[t] = m;
      let mm = 0, gg = 0;
      for (let i = 0; i < m.length; i++) {
        mm += m[i] * m[i];
        gg += grad[i] * grad[i];
      }
      const H = 0.5 * mm + 0.5 * gg;
      energy += H;
      params[t].data.set(await k.axpyUpdate(params[t].data, m, lr / (Math.sqrt(H) + eps), m.length));
    }
  }
  return { loss, energy };
}

/** Options of `fitGpu`. */
export interface GpuFitOptions {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  lr?: number;
  beta?: number;
  /** Evaluated (AUC) after every epoch with `gpuPredictProba`. */
  validation?: { x: Float32Array; y: ArrayLike<number>; rows: number; cols: number };
  /** Called after every epoch with its record. */
  onEpoch?: (record: { epoch: number; loss: number; energy: number; seconds: number; valAuc?: number }) => void | Promise<void>;
}

/**
 * Trains with AdvancedSymplecticOptimizer on the GPU, batch by batch (`gpuTrainStep`), with the same seeded
 * shuffling as `fit` — so without dropout and regulariser it follows the CPU run step for step.
 * @example
 * const gpu = await createGpuBackend();
 * if (gpu.mode !== null) await fitGpu(gpu, model, train, { epochs: 5, batchSize: 4096 });
 */
export async function fitGpu(gpu: GpuBackend, model: HamiltonianNN, data: { x: Float32Array; y: ArrayLike<number>; rows: number; cols: number }, options: GpuFitOptions = {}) {
  const epochs = options.epochs ?? 10, batch = options.batchSize ?? 32;
  if (data.cols !== model.inputDim) throw new RangeError(`data.cols is ${data.cols} but the model's inputDim is ${model.inputDim}`);
  const rng = new Rng(options.seed ?? 0);
  const order = new Uint32Array(data.rows).map((_, i) => i);
  const xb = new Float32Array(batch * data.cols);
  const yb = new Int32Array(batch);
  const state: { momentum?: Float32Array[] } = {};
  const history: Array<{ epoch: number; loss: number; energy: number; seconds: number; valAuc?: number }> = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    rng.shuffle(order);
    const t0 = performance.now();
    let loss = 0, energy = 0, steps = 0;
    for (let start = 0; start < data.rows; start += batch) {
      const rows = Math.min(batch, data.rows - start);
      gatherBatch(xb, yb, data, order, start, rows);
      const res = await gpuTrainStep(gpu, model, xb.subarray(0, rows * data.cols), yb, rows, state, { lr: options.lr, beta: options.beta });
      loss += res.loss;
      energy += res.energy;
      steps++;
    }
    const rec: { epoch: number; loss: number; energy: number; seconds: number; valAuc?: number } = { epoch, loss: loss / steps, energy: energy / steps, seconds: (performance.now() - t0) / 1000 };
    if (options.validation) {
      const v = options.validation;
      rec.valAuc = rocAuc(Array.from({ length: v.rows }, (_, i) => (v.y[i] === 1 ? 1 : 0)), await gpuPredictProba(gpu, model, v.x, v.rows));
    }
    history.push(rec);
    if (options.onEpoch) await options.onEpoch(rec);
  }
  return history;
}
