/**
 * The optional GPU backend: gpu.js kernels (WebGPU, WebGL, or gpu.js's own `webasm`/`cpu` modes), loaded
 * with dynamic `import()` only when asked for. Nothing here is required: when no usable GPU is found the
 * result says why (`fallbackReason`) and callers carry on with the CPU backends.
 *
 * The async reality: WebGPU readback is asynchronous, so everything here returns Promises; the synchronous
 * paths (`forward`, `predictProba`, the scorer's `score`) stay on WASM/JS.
 */
import { toRng } from '../../core/rng.js';
import { rocAuc } from '../../metrics/ranking.js';
import { EarlyStopper, TrainingDivergedError, checkFitInputs, gatherBatch, validate, type Dataset, type EpochRecord, type FitOptions, type History, type ValidationMetrics } from '../../train/fit.js';
import { LEAKY_RELU_SLOPE } from '../../nn/activations.js';
import type { HamiltonianNN } from '../../nn/hamiltonian-nn.js';
import { regularizerSettings, type Regularizer } from '../../loss/hamiltonian-loss.js';
import { createGpuKernels, MAX_KERNEL_OUTPUTS, REDUCE_PARTIALS, type GpuKernels, type GpuTensor } from './kernels.js';
import { provideNodeWebGPU } from './node-webgpu.js';

export { nodeWebGPULoaded, releaseNodeWebGPU } from './node-webgpu.js';

import { gpuSelfCheck } from './selfcheck.js';

export { gpuSelfCheck, type GpuSelfCheck } from './selfcheck.js';
export { createGpuScorer, type GpuScorer } from './scorer.js';
export { MAX_KERNEL_OUTPUTS, REDUCE_PARTIALS, type GpuKernels, type GpuTensor } from './kernels.js';

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
 * With `selfCheck: true` the device must also pass `gpuSelfCheck`, or the result is unavailable with the failures.
 * @example
 * const gpu = await createGpuBackend('auto', { selfCheck: true });
 * if (gpu.mode === null) console.log('CPU it is:', gpu.fallbackReason);
 */
export async function createGpuBackend(mode: GpuMode = 'auto', options: { selfCheck?: boolean } = {}): Promise<GpuBackend | GpuUnavailable> {
  const gpu = await openGpuBackend(mode);
  if (gpu.mode === null || !options.selfCheck) return gpu;
  // Drivers and shader compilers differ: with selfCheck the device earns trust by matching the reference first.
  const check = await gpuSelfCheck(gpu);
  if (check.ok) return gpu;
  gpu.destroy();
  return { mode: null, fallbackReason: `the GPU (gpu.js ${gpu.mode}) disagrees with the reference kernels (${check.failures.join('; ')}); using the CPU backends` };
}

async function openGpuBackend(mode: GpuMode): Promise<GpuBackend | GpuUnavailable> {
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

/** Running sums on the device: cross-entropy, optimiser energy, R(θ), λ·R(θ). */
const SUMS = 4;

/** The widest layer (input included): rows × this is the largest array a batch puts on the device. */
function widestLayer(model: HamiltonianNN): number {
  return Math.max(model.inputDim, ...model.layers.map((l) => l.outFeatures));
}

/** The most rows one step or scoring chunk may have: every array stays within MAX_KERNEL_OUTPUTS. */
function maxRowsFor(model: HamiltonianNN): number {
  return Math.floor(MAX_KERNEL_OUTPUTS / widestLayer(model));
}


/** Options of one GPU training step: the AdvancedSymplecticOptimizer's settings and `hamiltonianLoss`'s. */
export interface GpuStepOptions {
  /** Learning rate; default 0.01. */
  lr?: number;
  /** Momentum decay β; default 0.9. */
  beta?: number;
  /** ε in lr / (√H + ε); default 1e-8. */
  epsilon?: number;
  /** λ of the regulariser; default 0.01, as in `hamiltonianLoss` and `fit`. */
  regCoeff?: number;
  /** 'norm' (Σ‖θₜ‖, default) or 'l2' (½‖θ‖²). */
  regularizer?: Regularizer;
  /** 'python': the regulariser is reported but has no gradient, as in the original. */
  compat?: 'python';
  /** Class weights of the cross-entropy (PyTorch's `weight=`). */
  classWeights?: ArrayLike<number>;
  /** Apply the model's dropout (masks drawn from its own generator, the bits `fit` would draw); default true. */
  dropout?: boolean;
}

/** Running means since the last `takeStats`, in `fit`'s terms. */
export interface GpuStats {
  /** Mean of baseLoss + λ·regLoss over the steps. */
  loss: number;
  /** Mean (weighted) cross-entropy. */
  baseLoss: number;
  /** Mean regulariser R(θ) before λ. */
  regLoss: number;
  /** Mean optimiser energy: Σ over tensors of ½‖m‖² + ½‖g‖², as `AdvancedSymplecticOptimizer.energy`. */
  energy: number;
  steps: number;
}

/**
 * A model whose weights, momenta and running loss/energy sums live on the device: `trainStep` queues a whole
 * step — forward (with the model's dropout), the Hamiltonian loss's gradient (softmax cross-entropy with optional
 * class weights, plus λ·∂R/∂θ), backward (dW = dYᵀ·X, db = Σ dY, dX = dY·W with the dropout mask and activation
 * derivative) and the AdvancedSymplecticOptimizer update — without reading anything back, so the CPU can queue the
 * next step while the device works. It computes what `fit` computes with `hamiltonianLoss` and
 * `AdvancedSymplecticOptimizer`, step for step (dropout masks come from the model's generator, the same bits).
 * Read the sums with `takeStats`, the weights with `toModel`; `release` frees the device memory.
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
  /** The widest layer, input included: rows × this is the largest array a batch puts on the device. */
  private readonly widest: number;
  /** The most rows one step or scoring chunk may have: every array stays within MAX_KERNEL_OUTPUTS. */
  readonly maxRows: number;

  private constructor(
    private readonly gpu: GpuBackend,
    /** Device parameters in `model.parameters()` order: W₀, b₀, W₁, b₁, … */
    private readonly params: GpuTensor[],
    private readonly momenta: GpuTensor[],
    private readonly shapes: Array<{ nin: number; nout: number }>,
    private readonly act: number,
    private readonly model: HamiltonianNN,
    acc: GpuTensor,
  ) {
    this.acc = acc;
    this.widest = widestLayer(model);
    this.maxRows = maxRowsFor(model);
  }

  /** Uploads the model's parameters (and momenta, zero unless given). The model's dropout generator is shared. */
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
    return new GpuNetwork(gpu, params, moms, shapes, ACT[model.config.activation], model, await k.upload(new Float32Array(SUMS)));
  }

  /** Queues the inference forward pass of x (on the device) and returns every layer's output, logits last. */
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
  async trainStep(x: Float32Array, y: ArrayLike<number>, rows: number, options: GpuStepOptions = {}): Promise<void> {
    const lr = options.lr ?? 0.01, beta = options.beta ?? 0.9, eps = options.epsilon ?? 1e-8;
    const { lambda, kind, withGrad } = regularizerSettings(options, 'GpuNetwork.trainStep: ');
    const k = this.gpu.kernels;
    const L = this.shapes.length;
    const nin = this.shapes[0].nin, C = this.shapes[L - 1].nout;
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`GpuNetwork.trainStep: rows must be an integer ≥ 1, got ${rows}`);
    if (x.length < rows * nin) throw new RangeError(`GpuNetwork.trainStep: x holds ${x.length} values, ${rows} rows × ${nin} inputs need ${rows * nin}`);
    if (y.length < rows) throw new RangeError(`GpuNetwork.trainStep: y holds ${y.length} labels, ${rows} rows need ${rows}`);
    if (rows > this.maxRows) throw new RangeError(`GpuNetwork.trainStep: ${rows} rows × a layer ${this.widest} wide exceed 2^24 elements (GPU kernels index in float32); use at most ${this.maxRows} rows per step`);
    const cw = options.classWeights;
    if (cw && cw.length !== C) throw new RangeError(`GpuNetwork.trainStep: classWeights must have ${C} entries, got ${cw.length}`);
    const labels = new Float32Array(rows), rowWeight = new Float32Array(rows);
    let weightSum = 0;
    for (let i = 0; i < rows; i++) {
      const v = y[i];
      if (!(Number.isInteger(v) && v >= 0 && v < C)) throw new RangeError(`GpuNetwork.trainStep: label y[${i}] is ${v}; labels must be integers in [0, ${C})`);
      labels[i] = v;
      weightSum += cw ? cw[v] : 1;
    }
    if (!(weightSum > 0)) throw new RangeError('GpuNetwork.trainStep: the total class weight of the batch is zero');
    for (let i = 0; i < rows; i++) rowWeight[i] = (cw ? cw[labels[i]] : 1) / weightSum;
    const yT = await k.upload(labels), wT = await k.upload(rowWeight);

    // Forward: inputs[l] feeds layer l; acts[l] is hidden layer l's activation output (before dropout).
    const useDropout = options.dropout !== false && this.model.config.dropoutRate > 0;
    const inputs: GpuTensor[] = [await k.upload(x.subarray(0, rows * nin))];
    const acts: GpuTensor[] = [], masks: GpuTensor[] = [];
    for (let l = 0; l < L; l++) {
      const { nin: i, nout: o } = this.shapes[l];
      const h = await k.dense(inputs[l], this.params[2 * l], this.params[2 * l + 1], rows, i, o, l + 1 < L ? this.act : 0, LEAKY_RELU_SLOPE);
      if (l + 1 < L) acts.push(h);
      if (l + 1 < L && useDropout) {
        masks.push(await k.upload(this.model.drawDropoutMask(l, rows)));
        inputs.push(await k.multiply(h, masks[l], rows * o));
      } else inputs.push(h);
    }
    const logits = inputs[L];
    let g = await k.softmaxCrossEntropyGrad(logits, yT, wT, rows, C);
    await this.addToSums(await k.crossEntropyPartials(logits, yT, wT, rows, C), REDUCE_PARTIALS, 0, 1);

    for (let l = L - 1; l >= 0; l--) {
      const { nin: i, nout: o } = this.shapes[l];
      const dW = await k.matmul(g, inputs[l], o, rows, i, true, false);
      const db = await k.colSum(g, rows, o);
      let next: GpuTensor | undefined;
      if (l > 0) {
        let dX = await k.matmul(g, this.params[2 * l], rows, o, i, false, false);
        if (useDropout) {
          const masked = await k.multiply(dX, masks[l - 1], rows * i);
          k.release(dX);
          dX = masked;
        }
        next = await k.activationBackward(dX, acts[l - 1], rows * i, this.act, LEAKY_RELU_SLOPE);
        k.release(dX);
      }
      k.release(g);
      for (const [t, gradient, n] of [[2 * l, dW, o * i], [2 * l + 1, db, o]] as Array<[number, GpuTensor, number]>) {
        let grad = gradient;
        // The regulariser: R and λ·∂R/∂θ from this tensor's θ before its update, as hamiltonianLoss does.
        const rp = await k.sumSquaresPartials(this.params[t], this.params[t], n, 0);
        const rs = await k.regularizerScale(rp, lambda, kind === 'l2', withGrad);
        k.release(rp);
        if (withGrad) {
          const withReg = await k.addScaled(grad, this.params[t], rs, n);
          k.release(grad);
          grad = withReg;
        }
        const m = await k.momentum(this.momenta[t], grad, beta, n);
        k.release(this.momenta[t]);
        this.momenta[t] = m;
        const partials = await k.sumSquaresPartials(m, grad, n, 1);
        const scale = await k.symplecticScale(partials, lr, eps);
        const theta = await k.update(this.params[t], m, scale, n);
        k.release(this.params[t]);
        this.params[t] = theta;
        const acc = await k.accumulateTensor(this.acc, scale, rs, lambda);
        k.release(this.acc);
        this.acc = acc;
        for (const done of [partials, grad, scale, rs]) k.release(done);
      }
      if (next) g = next;
    }
    // Without dropout each activation is also the next layer's input: release it once.
    for (const t of [...inputs, ...(useDropout ? acts : []), ...masks, yT, wT]) k.release(t);
    this.steps++;
  }

  private async addToSums(v: GpuTensor, count: number, slot: number, mul: number): Promise<void> {
    const k = this.gpu.kernels;
    const acc = await k.accumulate(this.acc, v, count, slot, mul);
    k.release(this.acc);
    k.release(v);
    this.acc = acc;
  }

  /** Means over the steps since the last call (waits for the device), then resets them. */
  async takeStats(): Promise<GpuStats> {
    const k = this.gpu.kernels;
    const sums = await k.read(this.acc);
    const steps = this.steps;
    k.release(this.acc);
    this.acc = await k.upload(new Float32Array(SUMS));
    this.steps = 0;
    const mean = (v: number) => (steps ? v / steps : NaN);
    return { loss: mean(sums[0] + sums[3]), baseLoss: mean(sums[0]), regLoss: mean(sums[2]), energy: mean(sums[1]), steps };
  }

  /**
   * P(class 1) for many rows, in chunks (default: up to 65536 rows, within `maxRows`); the next chunk is queued
   * before the previous one is read back.
   */
  async predictProba(x: Float32Array, rows: number, chunk = Math.max(1, Math.min(65536, this.maxRows))): Promise<Float32Array> {
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
export async function gpuPredictProba(gpu: GpuBackend, model: HamiltonianNN, x: Float32Array, rows: number, chunk?: number): Promise<Float32Array> {
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
  state: { momentum?: Float32Array[] }, options: GpuStepOptions = {},
): Promise<GpuStats> {
  const net = await GpuNetwork.fromModel(gpu, model, state.momentum);
  try {
    await net.trainStep(x, y, rows, options);
    const stats = await net.takeStats();
    await net.toModel(model);
    state.momentum = await net.readMomenta();
    return stats;
  } finally {
    net.release();
  }
}

/** Options of `fitGpu`: `fit`'s, less the scheduler and gradient clipping, plus the optimiser's settings. */
export interface GpuFitOptions extends Omit<FitOptions, 'scheduler' | 'schedulerMonitor' | 'clipGradNorm' | 'onEpoch'> {
  /** AdvancedSymplecticOptimizer's learning rate; default 0.01. */
  lr?: number;
  /** Its momentum decay β; default 0.9. */
  beta?: number;
  /** Its ε; default 1e-8. */
  epsilon?: number;
  /** Called after every epoch with its record (the model holds that epoch's weights); may be async. */
  onEpoch?: (record: EpochRecord, history: History) => void | Promise<void>;
}

/** Validation metrics from P(class 1) computed on the device (binary), or `validate` on the CPU. */
async function validateOnDevice(net: GpuNetwork, model: HamiltonianNN, data: Dataset): Promise<ValidationMetrics> {
  if (model.outputDim !== 2) return validate(model, data);
  const p = await net.predictProba(data.x, data.rows);
  let loss = 0, correct = 0;
  const labels = new Array<number>(data.rows);
  for (let i = 0; i < data.rows; i++) {
    const y = data.y[i];
    labels[i] = y === 1 ? 1 : 0;
    const py = y === 1 ? p[i] : 1 - p[i];
    loss -= Math.log(Math.max(py, 1e-45));
    if ((p[i] > 0.5 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / data.rows, auc: rocAuc(labels, p), accuracy: correct / data.rows };
}

/**
 * `fit` with AdvancedSymplecticOptimizer on the GPU: the same seeded shuffling, dropout masks from the model's
 * generator, the Hamiltonian loss (regulariser, class weights, `compat`), validation, early stopping and the
 * divergence guard — so it follows the CPU run step for step and returns the same `History`. The model stays on
 * the device (`GpuNetwork`); loss sums and weights are read back once per epoch, which is also when a NaN/∞ loss is
 * noticed (the error names the epoch's last batch; the weights of the previous epoch are restored).
 * @example
 * const gpu = await createGpuBackend();
 * if (gpu.mode !== null) await fitGpu(gpu, model, train, { epochs: 5, batchSize: 4096, validation: test });
 */
export async function fitGpu(gpu: GpuBackend, model: HamiltonianNN, data: Dataset, options: GpuFitOptions = {}): Promise<History> {
  const { epochs, batchSize: batch } = checkFitInputs(model, data, options);
  for (const unsupported of ['scheduler', 'clipGradNorm'] as const) {
    if ((options as Record<string, unknown>)[unsupported] !== undefined) throw new RangeError(`fitGpu does not support ${unsupported}; train with fit on the CPU for it`);
  }
  const maxBatch = maxRowsFor(model);
  if (batch > maxBatch) throw new RangeError(`batchSize ${batch} is too large for the GPU with a layer ${widestLayer(model)} wide: at most ${maxBatch} rows (GPU kernels index in float32, exact up to 2^24 elements)`);
  const rng = toRng(options.seed);
  const order = new Uint32Array(data.rows).map((_, i) => i);
  const xb = new Float32Array(batch * data.cols);
  const yb = new Int32Array(batch);
  const params = model.parameters();
  const stopper = options.earlyStopping ? new EarlyStopper(options.earlyStopping, !!options.validation, params) : null;
  const step: GpuStepOptions = {
    lr: options.lr, beta: options.beta, epsilon: options.epsilon,
    regCoeff: options.regCoeff, regularizer: options.regularizer, compat: options.compat, classWeights: options.classWeights,
  };
  const history: History = { epochs: [], bestEpoch: 0, stoppedEarly: false, trainSeconds: 0 };
  let lastGood = params.map((p) => p.data.slice());
  model.train();
  const net = await GpuNetwork.fromModel(gpu, model);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (options.shuffle ?? true) rng.shuffle(order);
      const t0 = performance.now();
      let batches = 0;
      for (let start = 0; start < data.rows; start += batch) {
        const rows = Math.min(batch, data.rows - start);
        gatherBatch(xb, yb, data, order, start, rows);
        await net.trainStep(xb, yb, rows, step);
        batches++;
      }
      const stats = await net.takeStats(); // waits for the device: the epoch's time is honest
      const seconds = (performance.now() - t0) / 1000;
      history.trainSeconds += seconds;
      await net.toModel(model);
      if (!Number.isFinite(stats.loss) || !params.every((p) => p.data.every(Number.isFinite))) {
        params.forEach((p, i) => p.data.set(lastGood[i]));
        throw new TrainingDivergedError(epoch, batches, stats.loss);
      }
      lastGood = params.map((p) => p.data.slice());
      const record: EpochRecord = { epoch, loss: stats.loss, baseLoss: stats.baseLoss, regLoss: stats.regLoss, energy: stats.energy, lr: options.lr ?? 0.01, seconds };
      if (options.validation) record.validation = await validateOnDevice(net, model, options.validation);
      history.epochs.push(record);
      history.bestEpoch = epoch;
      if (options.onEpoch) await options.onEpoch(record, history);
      if (stopper?.update(record, history)) break;
    }
  } finally {
    net.release();
  }
  stopper?.finish(history);
  return history;
}
