import { Rng, toRng } from '../core/rng.js';
import { allFinite, sumSquares } from '../core/matrix.js';
import { hamiltonianLoss, type HamiltonianLossOptions } from '../loss/hamiltonian-loss.js';
import type { HamiltonianNN } from '../nn/hamiltonian-nn.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import { rocAuc } from '../metrics/ranking.js';
import { logSumExp } from '../loss/softmax.js';

/** Rows of features with integer class labels: `x` is rows × cols, row-major. */
export interface Dataset {
  x: Float32Array;
  y: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** Metrics on the validation data after an epoch. */
export interface ValidationMetrics {
  /** Mean cross-entropy (no regulariser). */
  loss: number;
  /** ROC AUC of P(class 1) (binary models; NaN when one class is absent). */
  auc: number;
  /** Accuracy of the arg-max class. */
  accuracy: number;
}

/** One epoch of training history. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (cross-entropy + λ·R). */
  loss: number;
  /** Mean cross-entropy part. */
  baseLoss: number;
  /** Mean regulariser R(θ) (before λ). */
  regLoss: number;
  /** Mean of the optimiser's `energy` over the epoch's steps (its own definition; see each optimiser). */
  energy: number;
  /** Learning rate used in this epoch. */
  lr: number;
  /** Wall-clock seconds for the epoch's training steps. */
  seconds: number;
  validation?: ValidationMetrics;
}

/** What `fit` returns. */
export interface History {
  epochs: EpochRecord[];
  /** Epoch (1-based) with the best monitored value when early stopping is used, else the last. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Total wall-clock seconds spent in training steps. */
  trainSeconds: number;
}

/** A value `fit` can watch for early stopping or a scheduler. */
export type Monitor = 'loss' | 'val.loss' | 'val.auc' | 'val.accuracy';

/** Options of early stopping. */
export interface EarlyStoppingOptions {
  /** Value watched; default 'val.auc' when there is validation data, else 'loss'. */
  monitor?: Monitor;
  /** Epochs without improvement before stopping; default 5. */
  patience?: number;
  /** Smallest change that counts as improvement; default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch at the end; default true. */
  restoreBest?: boolean;
}

/** Options of `fit` (the loss options of `hamiltonianLoss` included). */
export interface FitOptions extends Omit<HamiltonianLossOptions, 'gradOut'> {
  /** Default 10. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle rows every epoch; default true. */
  shuffle?: boolean;
  /** Seed or generator for the shuffling; default 0. (The model's own generator draws dropout masks.) */
  seed?: number | Rng;
  /** Evaluated after every epoch. */
  validation?: Dataset;
  /** Called once per epoch with its record, e.g. to adjust a scheduler; may be async. */
  onEpoch?: (record: EpochRecord, history: History) => void | Promise<void>;
  /** A scheduler stepped once per epoch with `schedulerMonitor` (e.g. `ReduceLROnPlateau`). */
  scheduler?: {
    /** Called with the monitored value once per epoch. */
    step(value: number): unknown;
  };
  /** Default 'val.loss' when there is validation data, else 'loss'. */
  schedulerMonitor?: Monitor;
  earlyStopping?: EarlyStoppingOptions | false;
  /** Rescale the whole gradient so its norm is at most this (after the regulariser's gradient). */
  clipGradNorm?: number;
}

/**
 * Copies rows `order[start … start+rows)` of `data` into the batch buffers (features and labels).
 * @example
 * gatherBatch(xb, yb, data, order, 0, 32);
 */
export function gatherBatch(xb: Float32Array, yb: Int32Array, data: Dataset, order: ArrayLike<number>, start: number, rows: number): void {
  const cols = data.cols;
  for (let r = 0; r < rows; r++) {
    const src = order[start + r];
    xb.set(data.x.subarray(src * cols, src * cols + cols), r * cols);
    yb[r] = data.y[src];
  }
}

/**
 * Raised when the loss becomes NaN or infinite; the model holds the weights of the last completed epoch.
 * @example
 * try { await fit(model, opt, data); } catch (e) { if (e instanceof TrainingDivergedError) console.log(e.epoch, e.batch); }
 */
export class TrainingDivergedError extends Error {
  constructor(readonly epoch: number, readonly batch: number, readonly loss: number) {
    super(`training diverged: loss ${loss} at epoch ${epoch}, batch ${batch}; the model was restored to the end of epoch ${epoch - 1}`);
    this.name = 'TrainingDivergedError';
  }
}

/**
 * Epochs and batch size with their defaults, and the data and validation sets, checked against the model — the
 * checks `fit` and `fitGpu` share.
 * @example
 * const { epochs, batchSize } = checkFitInputs(model, train, { epochs: 5 });
 */
export function checkFitInputs(model: HamiltonianNN, data: Dataset, options: Pick<FitOptions, 'epochs' | 'batchSize' | 'validation'>): { epochs: number; batchSize: number } {
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`epochs must be an integer ≥ 0, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  checkDataset(data, 'data', model.inputDim, model.outputDim);
  if (options.validation) checkDataset(options.validation, 'validation', model.inputDim, model.outputDim);
  return { epochs, batchSize };
}

function checkDataset(d: Dataset, what: string, inputDim: number, classes: number): void {
  if (!d || !(d.x instanceof Float32Array)) throw new TypeError(`${what}.x must be a Float32Array`);
  if (!Number.isInteger(d.rows) || d.rows < 1) throw new RangeError(`${what}.rows must be a positive integer, got ${d.rows}`);
  if (d.cols !== inputDim) throw new RangeError(`${what}.cols is ${d.cols} but the model's inputDim is ${inputDim}`);
  if (d.x.length < d.rows * d.cols) throw new RangeError(`${what}.x holds ${d.x.length} values, fewer than rows·cols = ${d.rows * d.cols}`);
  if (!d.y || d.y.length < d.rows) throw new RangeError(`${what}.y must hold ${d.rows} labels`);
  for (let i = 0; i < d.rows; i++) {
    const v = d.y[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw new RangeError(`${what}.y[${i}] is ${v}, expected a class in [0, ${classes - 1}]`);
  }
}

/**
 * Probabilities and metrics of `model` on `data` with dropout off; evaluated in chunks.
 * @example
 * validate(model, testDataset); // { loss, auc, accuracy }
 */
export function validate(model: HamiltonianNN, data: Dataset, chunk = 4096): ValidationMetrics {
  const k = model.outputDim;
  let loss = 0;
  let correct = 0;
  const p1 = new Float32Array(data.rows);
  for (let start = 0; start < data.rows; start += chunk) {
    const rows = Math.min(chunk, data.rows - start);
    const logits = model.forward(data.x.subarray(start * data.cols, (start + rows) * data.cols), rows, { inference: true });
    for (let i = 0; i < rows; i++) {
      const o = i * k;
      let arg = 0;
      for (let j = 1; j < k; j++) if (logits[o + j] > logits[o + arg]) arg = j;
      const lse = logSumExp(logits, o, k);
      const y = data.y[start + i];
      loss += lse - logits[o + y];
      if (arg === y) correct++;
      if (k === 2) p1[start + i] = Math.exp(logits[o + 1] - lse);
    }
  }
  const auc = k === 2 ? rocAuc(Array.from({ length: data.rows }, (_, i) => (data.y[i] === 1 ? 1 : 0)), p1) : NaN;
  return { loss: loss / data.rows, auc, accuracy: correct / data.rows };
}

function monitorValue(m: Monitor, rec: EpochRecord): number {
  switch (m) {
    case 'loss': return rec.loss;
    case 'val.loss': return rec.validation?.loss ?? NaN;
    case 'val.auc': return rec.validation?.auc ?? NaN;
    case 'val.accuracy': return rec.validation?.accuracy ?? NaN;
    default: throw new RangeError(`unknown monitor '${m as string}' (use loss, val.loss, val.auc, val.accuracy)`);
  }
}

const HIGHER_IS_BETTER: Record<Monitor, boolean> = { loss: false, 'val.loss': false, 'val.auc': true, 'val.accuracy': true };

/**
 * The early-stopping rule of `fit` (and `fitGpu`): watch `monitor` after every epoch, stop after `patience` epochs
 * without an improvement larger than `minDelta`, and at the end put back the best epoch's weights.
 * @example
 * const stopper = new EarlyStopper({ patience: 3 }, true, model.parameters());
 * // after each epoch's record is in history:
 * if (stopper.update(record, history)) break;
 * // after the loop:
 * stopper.finish(history);
 */
export class EarlyStopper {
  readonly monitor: Monitor;
  private best = { value: NaN, epoch: 0, weights: null as Float32Array[] | null };
  private sinceBest = 0;

  constructor(private readonly options: EarlyStoppingOptions, hasValidation: boolean, private readonly params: ReadonlyArray<{ data: Float32Array }>) {
    this.monitor = options.monitor ?? (hasValidation ? 'val.auc' : 'loss');
    if (this.monitor.startsWith('val.') && !hasValidation) throw new RangeError(`earlyStopping.monitor '${this.monitor}' needs validation data`);
  }

  /** Called with each epoch's record (already pushed to `history`); true when training should stop now. */
  update(record: EpochRecord, history: History): boolean {
    const v = monitorValue(this.monitor, record);
    const minDelta = this.options.minDelta ?? 0;
    const best = this.best.value;
    const better = Number.isNaN(best) || (HIGHER_IS_BETTER[this.monitor] ? v > best + minDelta : v < best - minDelta);
    if (better) {
      this.best = { value: v, epoch: record.epoch, weights: (this.options.restoreBest ?? true) ? this.params.map((p) => p.data.slice()) : null };
      this.sinceBest = 0;
    } else if (++this.sinceBest >= (this.options.patience ?? 5)) {
      history.stoppedEarly = true;
      return true;
    }
    history.bestEpoch = this.best.epoch;
    return false;
  }

  /** Puts back the best epoch's weights (unless `restoreBest` is false) and records that epoch in `history`. */
  finish(history: History): void {
    const weights = this.best.weights;
    if (weights) this.params.forEach((p, i) => p.data.set(weights[i]));
    history.bestEpoch = this.best.epoch || history.bestEpoch;
  }
}

/**
 * Trains `model` with `optimizer` on `data` by mini-batches of the Hamiltonian loss and returns the
 * history (loss, regulariser, optimiser energy, learning rate and validation metrics per epoch).
 * Asynchronous so that a GPU backend can slot in without an API change; the CPU work itself is synchronous.
 * Optimisers that need several gradients per step get a closure that re-evaluates the same batch
 * with the same dropout masks.
 *
 * @example
 * const history = await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), train, {
 *   epochs: 10, batchSize: 32, seed: 42, validation: test,
 * });
 */
export async function fit(
  model: HamiltonianNN,
  optimizer: Optimizer<BaseOptions>,
  data: Dataset,
  options: FitOptions = {},
): Promise<History> {
  const { epochs, batchSize } = checkFitInputs(model, data, options);
  if (options.clipGradNorm !== undefined && !(options.clipGradNorm > 0)) throw new RangeError(`clipGradNorm must be > 0, got ${options.clipGradNorm}`);
  const classes = model.outputDim;

  const rng = toRng(options.seed);
  const cols = data.cols;
  const params = model.parameters();
  const lossOptions: HamiltonianLossOptions = {
    regCoeff: options.regCoeff,
    regularizer: options.regularizer,
    compat: options.compat,
    classWeights: options.classWeights,
  };
  const hasVal = !!options.validation;
  const stopper = options.earlyStopping ? new EarlyStopper(options.earlyStopping, hasVal, params) : null;
  const schedMonitor: Monitor = options.schedulerMonitor ?? (hasVal ? 'val.loss' : 'loss');
  if (options.scheduler && schedMonitor.startsWith('val.') && !hasVal) throw new RangeError(`schedulerMonitor '${schedMonitor}' needs validation data`);

  // Buffers reused by every step.
  const xb = new Float32Array(batchSize * cols);
  const yb = new Int32Array(batchSize);
  const dLogits = new Float32Array(batchSize * classes);
  const order = new Uint32Array(data.rows);
  for (let i = 0; i < data.rows; i++) order[i] = i;
  let lastGood = params.map((p) => p.data.slice());

  const history: History = { epochs: [], bestEpoch: 0, stoppedEarly: false, trainSeconds: 0 };
  let rows = 0;
  const lossAndGrad = (reuseMask: boolean) => {
    const logits = model.forward(xb, rows, { reuseDropoutMask: reuseMask });
    const res = hamiltonianLoss(logits, yb, model, { ...lossOptions, gradOut: dLogits }, rows);
    model.backward(dLogits, rows);
    if (options.clipGradNorm !== undefined) {
      let total = 0;
      for (const p of params) total += sumSquares(p.grad);
      const nrm = Math.sqrt(total);
      if (nrm > options.clipGradNorm) {
        const s = options.clipGradNorm / nrm;
        for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= s;
      }
    }
    return res;
  };
  // Later evaluations of a step see the same batch with the same dropout masks as its first.
  let masksDrawn = false;
  let lastRes: ReturnType<typeof lossAndGrad> | null = null;
  const closure = () => {
    for (const p of params) p.grad.fill(0);
    lastRes = lossAndGrad(masksDrawn);
    masksDrawn = true;
    return lastRes.loss;
  };

  model.train();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (options.shuffle ?? true) rng.shuffle(order);
    const t0 = performance.now();
    let sumLoss = 0, sumBase = 0, sumReg = 0, sumEnergy = 0, batches = 0;
    const lr = optimizer.lr;
    for (let start = 0; start < data.rows; start += batchSize) {
      rows = Math.min(batchSize, data.rows - start);
      gatherBatch(xb, yb, data, order, start, rows);
      optimizer.zeroGrad();
      let res: ReturnType<typeof lossAndGrad>;
      if (optimizer.usesEntryGradient) {
        res = lossAndGrad(false);
        masksDrawn = true;
        if (!Number.isFinite(res.loss) || !allFinite(dLogits, rows * classes)) {
          params.forEach((p, i) => p.data.set(lastGood[i]));
          throw new TrainingDivergedError(epoch, batches + 1, res.loss);
        }
        optimizer.step(optimizer.requiresClosure ? closure : undefined);
      } else {
        // The method starts with a drift: every gradient comes from the closure (none wasted); the loss
        // recorded is the one at its last evaluation.
        masksDrawn = false;
        optimizer.step(closure);
        res = lastRes!;
        if (!Number.isFinite(res.loss)) {
          params.forEach((p, i) => p.data.set(lastGood[i]));
          throw new TrainingDivergedError(epoch, batches + 1, res.loss);
        }
      }
      sumLoss += res.loss;
      sumBase += res.baseLoss;
      sumReg += res.regLoss;
      sumEnergy += optimizer.energy;
      batches++;
    }
    const seconds = (performance.now() - t0) / 1000;
    history.trainSeconds += seconds;
    if (!params.every((p) => allFinite(p.data))) {
      params.forEach((p, i) => p.data.set(lastGood[i]));
      throw new TrainingDivergedError(epoch, batches, NaN);
    }
    lastGood = params.map((p) => p.data.slice());
    const record: EpochRecord = {
      epoch,
      loss: sumLoss / batches,
      baseLoss: sumBase / batches,
      regLoss: sumReg / batches,
      energy: sumEnergy / batches,
      lr,
      seconds,
    };
    if (options.validation) {
      record.validation = validate(model, options.validation);
    }
    history.epochs.push(record);
    history.bestEpoch = epoch;
    if (options.scheduler) options.scheduler.step(monitorValue(schedMonitor, record));
    if (options.onEpoch) await options.onEpoch(record, history);
    if (stopper?.update(record, history)) break;
  }
  stopper?.finish(history);
  return history;
}
