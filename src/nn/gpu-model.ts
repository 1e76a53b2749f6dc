import { ACTIVATION_CODES, LEAKY_RELU_SLOPE, activationCode, type ActivationCode } from '../core/activations.js';
import { UsageError } from '../core/errors.js';
import type { GpuBackend } from '../backend/gpu/index.js';
import { MAX_KERNEL_OUTPUTS, type GpuTensor } from '../backend/gpu/kernels.js';
import type { HamiltonianNN } from './hamiltonian-nn.js';

/**
 * The widest layer (input included): rows × this is the largest array a batch puts on the device.
 * @example
 * widestLayer(new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256] })); // 512
 */
export function widestLayer(model: HamiltonianNN): number {
  return Math.max(model.inputDim, ...model.layers.map((l) => l.outFeatures));
}

/**
 * The most rows one step or scoring chunk may have: every array stays within MAX_KERNEL_OUTPUTS.
 * @example
 * maxRowsFor(new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256] })); // 32768
 */
export function maxRowsFor(model: HamiltonianNN): number {
  return Math.floor(MAX_KERNEL_OUTPUTS / widestLayer(model));
}

/** Every layer's output of one device forward pass. */
export interface GpuActivations {
  /** inputs[l] feeds layer l; the last entry is the logits. With dropout, hidden inputs are masked outputs. */
  inputs: GpuTensor[];
  /** Hidden layer l's activation output (before dropout). */
  acts: GpuTensor[];
  /** Hidden layer l's pre-activation, when asked for (training: the activation's derivative is taken there). */
  pres: GpuTensor[];
}

/**
 * A `HamiltonianNN`'s weights resident on a GPU, and its forward pass there (the one device forward, used for
 * scoring and, by `GpuNetwork`, for training). Read the weights back with `toModel`; `release` frees them.
 * @example
 * const net = await GpuModel.fromModel(gpu, model);
 * const p = await net.predictProba(x, rows);
 * net.release();
 */
export class GpuModel {
  /** The widest layer, input included: rows × this is the largest array a batch puts on the device. */
  protected readonly widest: number;
  /** The most rows one step or scoring chunk may have: every array stays within MAX_KERNEL_OUTPUTS. */
  readonly maxRows: number;
  protected readonly act: ActivationCode;

  protected constructor(
    protected readonly gpu: GpuBackend,
    /** Device parameters in `model.parameters()` order: W₀, b₀, W₁, b₁, … */
    protected readonly params: GpuTensor[],
    protected readonly shapes: Array<{ nin: number; nout: number }>,
    protected readonly model: HamiltonianNN,
  ) {
    this.act = activationCode(model.config.activation);
    this.widest = widestLayer(model);
    this.maxRows = maxRowsFor(model);
  }

  /** Uploads the model's parameters. */
  static async fromModel(gpu: GpuBackend, model: HamiltonianNN): Promise<GpuModel> {
    return new GpuModel(gpu, await GpuModel.upload(gpu, model), GpuModel.shapesOf(model), model);
  }

  /** Copies the model's parameters to the device, in `parameters()` order. */
  protected static async upload(gpu: GpuBackend, model: HamiltonianNN): Promise<GpuTensor[]> {
    const params: GpuTensor[] = [];
    for (const p of model.parameters()) params.push(await gpu.kernels.upload(p.data));
    return params;
  }

  /** Each layer's input and output width. */
  protected static shapesOf(model: HamiltonianNN): Array<{ nin: number; nout: number }> {
    return model.layers.map((l) => ({ nin: l.inFeatures, nout: l.outFeatures }));
  }

  /**
   * Queues the forward pass of x (on the device): dense + activation per layer (the identity on the logits),
   * each hidden output multiplied by its dropout mask when `masks` are given. With `keepPre` (training) the
   * activation runs as its own kernel and the pre-activations are kept; otherwise it is fused into the dense one.
   */
  async forward(x: GpuTensor, rows: number, masks?: readonly GpuTensor[], keepPre = false): Promise<GpuActivations> {
    const k = this.gpu.kernels;
    const inputs = [x],
      acts: GpuTensor[] = [],
      pres: GpuTensor[] = [];
    const L = this.shapes.length;
    for (let l = 0; l < L; l++) {
      const { nin, nout } = this.shapes[l];
      const hidden = l + 1 < L;
      const fused = hidden && !keepPre ? this.act : ACTIVATION_CODES.identity;
      let h = await k.dense(inputs[l], this.params[2 * l], this.params[2 * l + 1], rows, nin, nout, fused, LEAKY_RELU_SLOPE);
      if (hidden && keepPre) {
        pres.push(h);
        h = await k.activate(h, rows * nout, this.act, LEAKY_RELU_SLOPE);
      }
      if (hidden) acts.push(h);
      inputs.push(hidden && masks ? await k.multiply(h, masks[l], rows * nout) : h);
    }
    return { inputs, acts, pres };
  }

  /**
   * P(class 1) for many rows, in chunks (default: up to 65536 rows, within `maxRows`); the next chunk is queued
   * before the previous one is read back.
   */
  async predictProba(x: Float32Array, rows: number, chunk = Math.max(1, Math.min(65536, this.maxRows))): Promise<Float32Array> {
    if (this.shapes[this.shapes.length - 1].nout !== 2) throw new UsageError('predictProba on the GPU handles binary models');
    const k = this.gpu.kernels;
    const nin = this.shapes[0].nin;
    if (x.length < rows * nin) throw new UsageError(`predictProba: x holds ${x.length} values, ${rows} rows × ${nin} inputs need ${rows * nin}`);
    if (!(Number.isInteger(chunk) && chunk >= 1)) throw new UsageError(`predictProba: chunk must be an integer ≥ 1, got ${chunk}`);
    const out = new Float32Array(rows);
    let pending: Promise<void> | undefined;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const { inputs } = await this.forward(await k.upload(x.subarray(start * nin, (start + n) * nin)), n);
      const p = await k.positiveClass(inputs[inputs.length - 1], n);
      for (const h of inputs) k.release(h);
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

  /** Frees the device memory. */
  release(): void {
    for (const t of this.params) this.gpu.kernels.release(t);
    this.params.length = 0;
  }
}

/**
 * P(class 1) for many rows on the GPU, in chunks (millions of rows work); the weights are uploaded once.
 * @example
 * const p = await gpuPredictProba(gpu, model, x, rows);
 */
export async function gpuPredictProba(gpu: GpuBackend, model: HamiltonianNN, x: Float32Array, rows: number, chunk?: number): Promise<Float32Array> {
  if (model.outputDim !== 2) throw new UsageError('gpuPredictProba handles binary models');
  if (x.length < rows * model.inputDim)
    throw new UsageError(`gpuPredictProba: x holds ${x.length} values, ${rows} rows × ${model.inputDim} need ${rows * model.inputDim}`);
  const net = await GpuModel.fromModel(gpu, model);
  try {
    return await net.predictProba(x, rows, chunk);
  } finally {
    net.release();
  }
}
