import { LEAKY_RELU_SLOPE } from '../core/activations.js';
import { UsageError } from '../core/errors.js';
import type { GpuBackend } from '../backend/gpu/index.js';
import { REDUCE_PARTIALS, type GpuTensor } from '../backend/gpu/kernels.js';
import { regularizerSettings, type Regularizer } from '../loss/hamiltonian-loss.js';
import { GpuModel } from '../nn/gpu-model.js';
import type { HamiltonianNN } from '../nn/hamiltonian-nn.js';

/** Running sums on the device: cross-entropy, optimiser energy, R(θ), λ·R(θ). */
const SUMS = 4;

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
export class GpuNetwork extends GpuModel {
  private acc: GpuTensor;
  private steps = 0;

  private constructor(
    gpu: GpuBackend,
    params: GpuTensor[],
    private readonly momenta: GpuTensor[],
    model: HamiltonianNN,
    acc: GpuTensor,
  ) {
    super(gpu, params, GpuModel.shapesOf(model), model);
    this.acc = acc;
  }

  /** Uploads the model's parameters (and momenta, zero unless given). The model's dropout generator is shared. */
  static override async fromModel(gpu: GpuBackend, model: HamiltonianNN, momenta?: Float32Array[]): Promise<GpuNetwork> {
    const k = gpu.kernels;
    const ps = model.parameters();
    const moms: GpuTensor[] = [];
    for (let t = 0; t < ps.length; t++) moms.push(await k.upload(momenta?.[t] ?? new Float32Array(ps[t].data.length)));
    return new GpuNetwork(gpu, await GpuModel.upload(gpu, model), moms, model, await k.upload(new Float32Array(SUMS)));
  }

  /** Queues one optimiser step on rows of x (row-major, `rows × inputDim`) with integer labels y. */
  async trainStep(x: Float32Array, y: ArrayLike<number>, rows: number, options: GpuStepOptions = {}): Promise<void> {
    const lr = options.lr ?? 0.01,
      beta = options.beta ?? 0.9,
      eps = options.epsilon ?? 1e-8;
    const { lambda, kind, withGrad } = regularizerSettings(options, 'GpuNetwork.trainStep: ');
    const k = this.gpu.kernels;
    const L = this.shapes.length;
    const nin = this.shapes[0].nin,
      C = this.shapes[L - 1].nout;
    if (!Number.isInteger(rows) || rows < 1) throw new UsageError(`GpuNetwork.trainStep: rows must be an integer ≥ 1, got ${rows}`);
    if (x.length < rows * nin) throw new UsageError(`GpuNetwork.trainStep: x holds ${x.length} values, ${rows} rows × ${nin} inputs need ${rows * nin}`);
    if (y.length < rows) throw new UsageError(`GpuNetwork.trainStep: y holds ${y.length} labels, ${rows} rows need ${rows}`);
    if (rows > this.maxRows)
      throw new UsageError(
        `GpuNetwork.trainStep: ${rows} rows × a layer ${this.widest} wide exceed 2^24 elements (GPU kernels index in float32); use at most ${this.maxRows} rows per step`,
      );
    const cw = options.classWeights;
    if (cw && cw.length !== C) throw new UsageError(`GpuNetwork.trainStep: classWeights must have ${C} entries, got ${cw.length}`);
    const labels = new Float32Array(rows),
      rowWeight = new Float32Array(rows);
    let weightSum = 0;
    for (let i = 0; i < rows; i++) {
      const v = y[i];
      if (!(Number.isInteger(v) && v >= 0 && v < C)) throw new UsageError(`GpuNetwork.trainStep: label y[${i}] is ${v}; labels must be integers in [0, ${C})`);
      labels[i] = v;
      weightSum += cw ? cw[v] : 1;
    }
    if (!(weightSum > 0)) throw new UsageError('GpuNetwork.trainStep: the total class weight of the batch is zero');
    for (let i = 0; i < rows; i++) rowWeight[i] = (cw ? cw[labels[i]] : 1) / weightSum;
    const yT = await k.upload(labels),
      wT = await k.upload(rowWeight);

    // Forward with the model's dropout masks (drawn from its generator: the bits `fit` would draw).
    const useDropout = options.dropout !== false && this.model.config.dropoutRate > 0;
    const masks: GpuTensor[] = [];
    if (useDropout) for (let l = 0; l + 1 < L; l++) masks.push(await k.upload(this.model.drawDropoutMask(l, rows)));
    const { inputs, acts, pres } = await this.forward(await k.upload(x.subarray(0, rows * nin)), rows, useDropout ? masks : undefined, true);
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
        next = await k.activationBackward(dX, pres[l - 1], rows * i, this.act, LEAKY_RELU_SLOPE);
        k.release(dX);
      }
      k.release(g);
      for (const [t, gradient, n] of [
        [2 * l, dW, o * i],
        [2 * l + 1, db, o],
      ] as Array<[number, GpuTensor, number]>) {
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
    for (const t of [...inputs, ...(useDropout ? acts : []), ...pres, ...masks, yT, wT]) k.release(t);
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

  /** The optimiser's momenta, in `model.parameters()` order. */
  async readMomenta(): Promise<Float32Array[]> {
    return Promise.all(this.momenta.map((m) => this.gpu.kernels.read(m)));
  }

  /** Frees the device memory (parameters, momenta, sums). */
  override release(): void {
    for (const t of [...this.momenta, this.acc]) this.gpu.kernels.release(t);
    this.momenta.length = 0;
    super.release();
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
  gpu: GpuBackend,
  model: HamiltonianNN,
  x: Float32Array,
  y: ArrayLike<number>,
  rows: number,
  state: { momentum?: Float32Array[] },
  options: GpuStepOptions = {},
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
