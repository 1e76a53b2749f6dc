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
import { LEAKY_RELU_SLOPE } from '../../nn/activations.js';
import type { HamiltonianNN } from '../../nn/hamiltonian-nn.js';
import { createGpuKernels, REDUCE_PARTIALS, type GpuKernels, type GpuTensor } from './kernels.js';
import { provideNodeWebGPU } from './node-webgpu.js';

export { gpuSelfCheck, type GpuSelfCheck } from './selfcheck.js';
export { REDUCE_PARTIALS, type GpuKernels, type GpuTensor } from './kernels.js';

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
      const used = gpu.mode ?? m;
      if (used === 'webgpu' && adapter === undefined) adapter = await browserAdapterName();
      return { mode: used, kernels: createGpuKernels(gpu), adapter, destroy: () => gpu.destroy?.() };
    } catch (e) {
      reasons.push(`${m}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { mode: null, fallbackReason: `no usable GPU (${reasons.join('; ')}); using the CPU backends` };
}

/** The WebGPU adapter's vendor/architecture in a browser (Node gets it from provideNodeWebGPU). */
async function browserAdapterName(): Promise<string | undefined> {
  try {
    const a = await (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } } }).navigator?.gpu?.requestAdapter();
    const info = a?.info ?? {};
    return [info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ') || undefined;
  } catch {
    return undefined;
  }
}

/** How many rows one scoring chunk holds: WebGPU's default storage-buffer limit is 128 MiB (2²⁵ floats). */
function defaultChunk(model: HamiltonianNN): number {
  const widest = Math.max(model.inputDim, ...model.layers.map((l) => l.outFeatures));
  return Math.max(1, Math.min(65536, Math.floor(2 ** 25 / widest)));
}

/**
 * A model whose weights, momenta and running loss/energy sums live on the device: `trainStep` queues a whole
 * step — forward, softmax cross-entropy gradient, backward (dW = dYᵀ·X, db = Σ dY, dX = dY·W with the
 * activation derivative) and the AdvancedSymplecticOptimizer update — without reading anything back, so the
 * CPU can queue the next step while the device works. Read the sums with `takeStats`, the weights with
 * `toModel`; `release` frees the device memory.
 *
 * No dropout (it draws from the CPU generator) and no regulariser: the GPU path is for large batches, where both
 * matter least. The loss is the mean cross-entropy.
 * @example
 * const net = await GpuNetwork.fromModel(gpu, model);
 * for (const batch of batches) await net.trainStep(batch.x, batch.y, batch.rows, { lr: 0.01 });
 * const { loss } = await net.takeStats();
 * await net.toModel(model);
 * net.release();
 */
export class GpuNetwork {
  private acc: GpuTensor;
  private steps = 0;

  private constructor(
    private readonly gpu: GpuBackend,
    /** Device parameters in `model.parameters()` order: W₀, b₀, W₁, b₁, … */
    private readonly params: GpuTensor[],
    private readonly momenta: GpuTensor[],
    private readonly shapes: Array<{ nin: number; nout: number }>,
    private readonly act: number,
    acc: GpuTensor,
  ) {
    this.acc = acc;
  }

  /** Uploads the model's parameters (and momenta, zero unless given). */
  static async fromModel(gpu: GpuBackend, model: HamiltonianNN, momenta?: Float32Array[]): Promise<GpuNetwork> {
    const k = gpu.kernels;
    const ps = model.parameters();
    const params: GpuTensor[] = [];
    const moms: GpuTensor[] = [];
    for (let t = 0; t < ps.length; t++) {
      params.push(await k.upload(ps[t].data));
      moms.push(await k.upload(momenta?.[t] ?? new Float32Array(ps[t].data.length)));
    }
    const shapes = model.layers.map((l) => ({ nin: l.inFeatures, nout: l.outFeatures }));
    return new GpuNetwork(gpu, params, moms, shapes, ACT[model.config.activation], await k.upload(new Float32Array(2)));
  }

  /** Queues the forward pass of x (on the device) and returns every layer's output, logits last. */
  private async forward(x: GpuTensor, rows: number): Promise<GpuTensor[]> {
    const k = this.gpu.kernels;
    const hs = [x];
    const L = this.shapes.length;
    for (let l = 0; l < L; l++) {
      const { nin, nout } = this.shapes[l];
      hs.push(await k.dense(hs[l], this.params[2 * l], this.params[2 * l + 1], rows, nin, nout, l + 1 < L ? this.act : 0, LEAKY_RELU_SLOPE));
    }
    return hs;
  }

  /** Queues one optimiser step on rows of x (row-major, `rows × inputDim`) with integer labels y. */
  async trainStep(x: Float32Array, y: ArrayLike<number>, rows: number, options: { lr?: number; beta?: number; epsilon?: number } = {}): Promise<void> {
    const lr = options.lr ?? 0.01, beta = options.beta ?? 0.9, eps = options.epsilon ?? 1e-8;
    const k = this.gpu.kernels;
    const L = this.shapes.length;
    const nin = this.shapes[0].nin, C = this.shapes[L - 1].nout;
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`GpuNetwork.trainStep: rows must be an integer ≥ 1, got ${rows}`);
    if (x.length < rows * nin) throw new RangeError(`GpuNetwork.trainStep: x holds ${x.length} values, ${rows} rows × ${nin} inputs need ${rows * nin}`);
    if (y.length < rows) throw new RangeError(`GpuNetwork.trainStep: y holds ${y.length} labels, ${rows} rows need ${rows}`);
    const labels = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = y[i];
      if (!(Number.isInteger(v) && v >= 0 && v < C)) throw new RangeError(`GpuNetwork.trainStep: label y[${i}] is ${v}; labels must be integers in [0, ${C})`);
      labels[i] = v;
    }
    const yT = await k.upload(labels);
    const hs = await this.forward(await k.upload(x.subarray(0, rows * nin)), rows);
    let g = await k.softmaxCrossEntropyGrad(hs[L], yT, rows, C);
    await this.addToSums(await k.crossEntropyPartials(hs[L], yT, rows, C), REDUCE_PARTIALS, 0, 1 / rows);
    for (let l = L - 1; l >= 0; l--) {
      const { nin, nout } = this.shapes[l];
      const dW = await k.matmul(g, hs[l], nout, rows, nin, true, false);
      const db = await k.colSum(g, rows, nout);
      let next: GpuTensor | undefined;
      if (l > 0) {
        const dX = await k.matmul(g, this.params[2 * l], rows, nout, nin, false, false);
        next = await k.activationBackward(dX, hs[l], rows * nin, this.act, LEAKY_RELU_SLOPE);
        k.release(dX);
      }
      k.release(g);
      for (const [t, grad, n] of [[2 * l, dW, nout * nin], [2 * l + 1, db, nout]] as Array<[number, GpuTensor, number]>) {
        const m = await k.momentum(this.momenta[t], grad, beta, n);
        k.release(this.momenta[t]);
        this.momenta[t] = m;
        const partials = await k.sumSquaresPartials(m, grad, n);
        const scale = await k.symplecticScale(partials, lr, eps);
        const theta = await k.update(this.params[t], m, scale, n);
        k.release(this.params[t]);
        this.params[t] = theta;
        await this.addToSums(scale, 1, 1, 1);
        k.release(partials);
        k.release(grad);
      }
      if (next) g = next;
    }
    for (const h of hs) k.release(h);
    k.release(yT);
    this.steps++;
  }

  private async addToSums(v: GpuTensor, count: number, slot: number, mul: number): Promise<void> {
    const k = this.gpu.kernels;
    const acc = await k.accumulate(this.acc, v, count, slot, mul);
    k.release(this.acc);
    k.release(v);
    this.acc = acc;
  }

  /** Mean loss and mean summed energy H over the steps since the last call (waits for the device), then resets them. */
  async takeStats(): Promise<{ loss: number; energy: number; steps: number }> {
    const k = this.gpu.kernels;
    const sums = await k.read(this.acc);
    const steps = this.steps;
    k.release(this.acc);
    this.acc = await k.upload(new Float32Array(2));
    this.steps = 0;
    return { loss: steps ? sums[0] / steps : NaN, energy: steps ? sums[1] / steps : NaN, steps };
  }

  /** P(class 1) for many rows, in chunks; the next chunk is queued before the previous one is read back. */
  async predictProba(x: Float32Array, rows: number, chunk: number): Promise<Float32Array> {
    if (this.shapes[this.shapes.length - 1].nout !== 2) throw new RangeError('predictProba on the GPU handles binary models');
    const k = this.gpu.kernels;
    const nin = this.shapes[0].nin;
    if (x.length < rows * nin) throw new RangeError(`predictProba: x holds ${x.length} values, ${rows} rows × ${nin} inputs need ${rows * nin}`);
    if (!(Number.isInteger(chunk) && chunk >= 1)) throw new RangeError(`predictProba: chunk must be an integer ≥ 1, got ${chunk}`);
    const out = new Float32Array(rows);
    let pending: Promise<void> | undefined;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const hs = await this.forward(await k.upload(x.subarray(start * nin, (start + n) * nin)), n);
      const p = await k.positiveClass(hs[hs.length - 1], n);
      for (const h of hs) k.release(h);
      const previous = pending;
      pending = k.read(p).then((v) => {
        out.set(v.subarray(0, n), start);
        k.release(p);
      });
      await previous;
    }
    await pending;
    return out;
  }

  /** Copies the device parameters into `model` (same architecture). */
  async toModel(model: HamiltonianNN): Promise<void> {
    const ps = model.parameters();
    for (let t = 0; t < ps.length; t++) ps[t].data.set((await this.gpu.kernels.read(this.params[t])).subarray(0, ps[t].data.length));
  }

  /** The optimiser's momenta, in `model.parameters()` order. */
  async readMomenta(): Promise<Float32Array[]> {
    return Promise.all(this.momenta.map((m) => this.gpu.kernels.read(m)));
  }

  /** Frees the device memory (parameters, momenta, sums). */
  release(): void {
    for (const t of [...this.params, ...this.momenta, this.acc]) this.gpu.kernels.release(t);
    this.params.length = 0;
    this.momenta.length = 0;
  }
}

/**
 * P(class 1) for many rows on the GPU, in chunks (millions of rows work); the weights are uploaded once.
 * @example
 * const p = await gpuPredictProba(gpu, model, x, rows);
 */
export async function gpuPredictProba(gpu: GpuBackend, model: HamiltonianNN, x: Float32Array, rows: number, chunk = defaultChunk(model)): Promise<Float32Array> {
  if (model.outputDim !== 2) throw new RangeError('gpuPredictProba handles binary models');
  if (x.length < rows * model.inputDim) throw new RangeError(`gpuPredictProba: x holds ${x.length} values, ${rows} rows × ${model.inputDim} need ${rows * model.inputDim}`);
  const net = await GpuNetwork.fromModel(gpu, model);
  try {
    return await net.predictProba(x, rows, chunk);
  } finally {
    net.release();
  }
}

/**
 * One training step on the GPU (see `GpuNetwork.trainStep`), writing the new weights back into `model` and the
 * momenta into `state`. It uploads and reads back everything, so it is for checking and single steps; `fitGpu`
 * and `GpuNetwork` keep the model on the device between steps.
 * @example
 * const { loss } = await gpuTrainStep(gpu, model, x, y, 4096, state, { lr: 0.01 });
 */
export async function gpuTrainStep(
  gpu: GpuBackend, model: HamiltonianNN, x: Float32Array, y: ArrayLike<number>, rows: number,
  state: { momentum?: Float32Array[] }, options: { lr?: number; beta?: number; epsilon?: number } = {},
): Promise<{ loss: number; energy: number }> {
  const net = await GpuNetwork.fromModel(gpu, model, state.momentum);
  try {
    await net.trainStep(x, y, rows, options);
    const { loss, energy } = await net.takeStats();
    await net.toModel(model);
    state.momentum = await net.readMomenta();
    return { loss, energy };
  } finally {
    net.release();
  }
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
  const history: Array<{ epoch: number; loss: number; energy: number; seconds: number; valAuc?: number }> = [];
  const net = await GpuNetwork.fromModel(gpu, model);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      rng.shuffle(order);
      const t0 = performance.now();
      for (let start = 0; start < data.rows; start += batch) {
        const rows = Math.min(batch, data.rows - start);
        gatherBatch(xb, yb, data, order, start, rows);
        await net.trainStep(xb, yb, rows, { lr: options.lr, beta: options.beta });
      }
      const { loss, energy } = await net.takeStats(); // waits for the device: the epoch's time is honest
      const rec: { epoch: number; loss: number; energy: number; seconds: number; valAuc?: number } = { epoch, loss, energy, seconds: (performance.now() - t0) / 1000 };
      await net.toModel(model); // the model is current after every epoch (checkpoints in onEpoch see it)
      if (options.validation) {
        const v = options.validation;
        rec.valAuc = rocAuc(Array.from({ length: v.rows }, (_, i) => (v.y[i] === 1 ? 1 : 0)), await net.predictProba(v.x, v.rows, defaultChunk(model)));
      }
      history.push(rec);
      if (options.onEpoch) await options.onEpoch(rec);
    }
  } finally {
    net.release();
  }
  return history;
}
