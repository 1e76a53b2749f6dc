import type { Dataset } from '../core/dataset.js';
import { gatherBatch } from '../core/dataset.js';
import { TrainingDivergedError, UsageError } from '../core/errors.js';
import type { GpuBackend } from '../backend/gpu/index.js';
import type { HamiltonianLossOptions } from '../loss/hamiltonian-loss.js';
import { rocAuc } from '../metrics/ranking.js';
import { maxRowsFor, widestLayer } from '../nn/gpu-model.js';
import type { HamiltonianNN } from '../nn/hamiltonian-nn.js';
import { AdvancedSymplecticOptimizer } from '../optim/advanced-symplectic.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import type { EpochDriver } from './epochs.js';
import { GpuNetwork, type GpuStepOptions } from './gpu-network.js';
import type { ValidationMetrics } from './history.js';
import { validate } from './validate.js';

/**
 * `fit`'s steps on a GPU: the model's weights and the optimiser's momenta stay on the device (`GpuNetwork`); loss
 * sums and weights are read back once per epoch, which is also when a NaN/∞ loss is noticed (the error names the
 * epoch's last batch). The same seeded shuffling and dropout bits as on the CPU, so it follows a CPU run step for
 * step. The optimiser's momenta start from its state (zero for a fresh one).
 * @example
 * await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), train, { device: gpu, batchSize: 4096 });
 */
export async function gpuEpochDriver(
  gpu: GpuBackend,
  model: HamiltonianNN,
  optimizer: Optimizer<BaseOptions>,
  data: Dataset,
  batchSize: number,
  loss: HamiltonianLossOptions,
  options: { scheduler?: unknown; clipGradNorm?: number },
): Promise<EpochDriver> {
  if (!(optimizer instanceof AdvancedSymplecticOptimizer) || optimizer.groups.length !== 1) {
    throw new UsageError(
      `fit on a GPU device runs AdvancedSymplecticOptimizer with one parameter group (got ${optimizer.constructor.name} with ${optimizer.groups.length}); train other optimisers on the CPU`,
    );
  }
  for (const unsupported of ['scheduler', 'clipGradNorm'] as const) {
    if (options[unsupported] !== undefined) throw new UsageError(`fit on a GPU device does not support ${unsupported}; train on the CPU for it`);
  }
  const maxBatch = maxRowsFor(model);
  if (batchSize > maxBatch)
    throw new UsageError(
      `batchSize ${batchSize} is too large for the GPU with a layer ${widestLayer(model)} wide: at most ${maxBatch} rows (GPU kernels index in float32, exact up to 2^24 elements)`,
    );
  const { lr, beta, epsilon } = optimizer.groups[0].options;
  const step: GpuStepOptions = { lr, beta, epsilon, ...loss };
  const saved = optimizer.state().params.map((s) => s.momentum);
  const momenta = saved.every((m) => m instanceof Float32Array) ? (saved as Float32Array[]) : undefined;
  const xb = new Float32Array(batchSize * data.cols);
  const yb = new Int32Array(batchSize);
  const net = await GpuNetwork.fromModel(gpu, model, momenta);
  return {
    lr: () => lr,
    async runEpoch(epoch, order) {
      let batches = 0;
      for (let start = 0; start < data.rows; start += batchSize) {
        const rows = Math.min(batchSize, data.rows - start);
        gatherBatch(xb, yb, data, order, start, rows);
        await net.trainStep(xb, yb, rows, step);
        batches++;
      }
      const stats = await net.takeStats(); // waits for the device: the epoch's time is honest
      await net.toModel(model);
      if (!Number.isFinite(stats.loss)) throw new TrainingDivergedError(epoch, batches, stats.loss);
      return { ...stats, batches };
    },
    validate: (d) => validateOnDevice(net, model, d),
    release: () => net.release(),
  };
}

/** Validation metrics from P(class 1) computed on the device (binary), or `validate` on the CPU. */
async function validateOnDevice(net: GpuNetwork, model: HamiltonianNN, data: Dataset): Promise<ValidationMetrics> {
  if (model.outputDim !== 2) return validate(model, data);
  const p = await net.predictProba(data.x, data.rows);
  let loss = 0,
    correct = 0;
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
