import { checkDataset, type Dataset } from '../core/dataset.js';
import { gatherBatch } from '../core/dataset.js';
import { TrainingDivergedError, UsageError } from '../core/errors.js';
import { allFinite, sumSquares } from '../core/matrix.js';
import type { GpuBackend } from '../backend/gpu/index.js';
import { hamiltonianLoss, type HamiltonianLossOptions } from '../loss/hamiltonian-loss.js';
import type { HamiltonianNN } from '../nn/hamiltonian-nn.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import { runEpochs, type EpochDriver, type EpochLoopOptions, type EpochStats } from './epochs.js';
import { gpuEpochDriver } from './gpu-driver.js';
import type { History } from './history.js';
import { validate } from './validate.js';

/** Options of `fit` (the loss options of `hamiltonianLoss` included). */
export interface FitOptions extends Omit<HamiltonianLossOptions, 'gradOut'>, Omit<EpochLoopOptions, 'epochs'> {
  /** Default 10. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Rescale the whole gradient so its norm is at most this (after the regulariser's gradient). */
  clipGradNorm?: number;
  /**
   * Train on this GPU (from `createGpuBackend` in `hamiltonian-ai/gpu`) instead of the model's CPU backend: the
   * model's weights stay on the device between steps and come back once per epoch. The GPU has kernels for
   * `AdvancedSymplecticOptimizer` (one parameter group); `scheduler` and `clipGradNorm` run on the CPU only.
   */
  device?: GpuBackend;
}

/**
 * Epochs and batch size with their defaults, and the data and validation sets, checked against the model.
 * @example
 * const { epochs, batchSize } = checkFitInputs(model, train, { epochs: 5 });
 */
export function checkFitInputs(
  model: HamiltonianNN,
  data: Dataset,
  options: Pick<FitOptions, 'epochs' | 'batchSize' | 'validation'>,
): { epochs: number; batchSize: number } {
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 0) throw new UsageError(`epochs must be an integer ≥ 0, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batchSize must be a positive integer, got ${batchSize}`);
  checkDataset(data, 'data', model.inputDim, model.outputDim);
  if (options.validation) checkDataset(options.validation, 'validation', model.inputDim, model.outputDim);
  return { epochs, batchSize };
}

/**
 * Trains `model` with `optimizer` on `data` by mini-batches of the Hamiltonian loss and returns the
 * history (loss, regulariser, optimiser energy, learning rate and validation metrics per epoch).
 * Asynchronous because the GPU (`device`) reads back asynchronously; the CPU work itself is synchronous.
 * Optimisers that need several gradients per step get a closure that re-evaluates the same batch
 * with the same dropout masks.
 *
 * @example
 * const history = await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), train, {
 *   epochs: 10, batchSize: 32, seed: 42, validation: test,
 * });
 */
export async function fit(model: HamiltonianNN, optimizer: Optimizer<BaseOptions>, data: Dataset, options: FitOptions = {}): Promise<History> {
  const { epochs, batchSize } = checkFitInputs(model, data, options);
  if (options.clipGradNorm !== undefined && !(options.clipGradNorm > 0)) throw new UsageError(`clipGradNorm must be > 0, got ${options.clipGradNorm}`);
  const lossOptions: HamiltonianLossOptions = {
    regCoeff: options.regCoeff,
    regularizer: options.regularizer,
    compat: options.compat,
    classWeights: options.classWeights,
  };
  const driver = options.device
    ? await gpuEpochDriver(options.device, model, optimizer, data, batchSize, lossOptions, options)
    : cpuEpochDriver(model, optimizer, data, batchSize, lossOptions, options.clipGradNorm);
  try {
    return await runEpochs(model, data, { ...options, epochs }, driver);
  } finally {
    driver.release?.();
  }
}

/** Steps on the model's own (CPU) backend: forward, loss, backward and the optimiser's step, batch by batch. */
function cpuEpochDriver(
  model: HamiltonianNN,
  optimizer: Optimizer<BaseOptions>,
  data: Dataset,
  batchSize: number,
  lossOptions: HamiltonianLossOptions,
  clipGradNorm?: number,
): EpochDriver {
  const classes = model.outputDim;
  const params = model.parameters();
  // Buffers reused by every step.
  const xb = new Float32Array(batchSize * data.cols);
  const yb = new Int32Array(batchSize);
  const dLogits = new Float32Array(batchSize * classes);
  let rows = 0;
  const lossAndGrad = (reuseMask: boolean) => {
    const logits = model.forward(xb, rows, { reuseDropoutMask: reuseMask });
    const res = hamiltonianLoss(logits, yb, model, { ...lossOptions, gradOut: dLogits }, rows);
    model.backward(dLogits, rows);
    if (clipGradNorm !== undefined) {
      let total = 0;
      for (const p of params) total += sumSquares(p.grad);
      const nrm = Math.sqrt(total);
      if (nrm > clipGradNorm) {
        const s = clipGradNorm / nrm;
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
  return {
    lr: () => optimizer.lr,
    validate: (d) => validate(model, d),
    runEpoch(epoch, order): EpochStats {
      let sumLoss = 0,
        sumBase = 0,
        sumReg = 0,
        sumEnergy = 0,
        batches = 0;
      for (let start = 0; start < data.rows; start += batchSize) {
        rows = Math.min(batchSize, data.rows - start);
        gatherBatch(xb, yb, data, order, start, rows);
        optimizer.zeroGrad();
        let res: ReturnType<typeof lossAndGrad>;
        if (optimizer.usesEntryGradient) {
          res = lossAndGrad(false);
          masksDrawn = true;
          if (!Number.isFinite(res.loss) || !allFinite(dLogits, rows * classes)) throw new TrainingDivergedError(epoch, batches + 1, res.loss);
          optimizer.step(optimizer.requiresClosure ? closure : undefined);
        } else {
          // The method starts with a drift: every gradient comes from the closure (none wasted); the loss
          // recorded is the one at its last evaluation.
          masksDrawn = false;
          optimizer.step(closure);
          res = lastRes!;
          if (!Number.isFinite(res.loss)) throw new TrainingDivergedError(epoch, batches + 1, res.loss);
        }
        sumLoss += res.loss;
        sumBase += res.baseLoss;
        sumReg += res.regLoss;
        sumEnergy += optimizer.energy;
        batches++;
      }
      return { loss: sumLoss / batches, baseLoss: sumBase / batches, regLoss: sumReg / batches, energy: sumEnergy / batches, batches };
    },
  };
}
