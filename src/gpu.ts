/**
 * `hamiltonian-ai/gpu`: the optional GPU path — device set-up and its self-check, a model resident on the device
 * for scoring (`GpuModel`, `createGpuScorer`) and for training (`GpuNetwork`; `fit(…, { device })` drives it).
 * gpu.js (and, in Node, `webgpu`) are optional peer dependencies loaded only when `createGpuBackend` runs.
 * @module
 */
import type { Dataset } from './core/dataset.js';
import type { GpuBackend } from './backend/gpu/index.js';
import type { HamiltonianNN } from './nn/hamiltonian-nn.js';
import { AdvancedSymplecticOptimizer } from './optim/advanced-symplectic.js';
import { UsageError } from './core/errors.js';
import { fit, type FitOptions } from './train/fit.js';
import type { EpochRecord, History } from './train/history.js';

export {
  createGpuBackend,
  gpuSelfCheck,
  nodeWebGPULoaded,
  releaseNodeWebGPU,
  MAX_KERNEL_OUTPUTS,
  REDUCE_PARTIALS,
  type GpuBackend,
  type GpuMode,
  type GpuUnavailable,
  type GpuSelfCheck,
  type GpuKernels,
  type GpuTensor,
} from './backend/gpu/index.js';
export { GpuModel, gpuPredictProba, maxRowsFor, widestLayer, type GpuActivations } from './nn/gpu-model.js';
export { GpuNetwork, gpuTrainStep, type GpuStepOptions, type GpuStats } from './train/gpu-network.js';
export { createGpuScorer, type GpuScorer } from './score/gpu-scorer.js';

/** Options of `fitGpu`: `fit`'s, less the scheduler and gradient clipping, plus the optimiser's settings. */
export interface GpuFitOptions extends Omit<FitOptions, 'scheduler' | 'schedulerMonitor' | 'clipGradNorm' | 'onEpoch' | 'device'> {
  /** AdvancedSymplecticOptimizer's learning rate; default 0.01. */
  lr?: number;
  /** Its momentum decay β; default 0.9. */
  beta?: number;
  /** Its ε; default 1e-8. */
  epsilon?: number;
  /** Called after every epoch with its record (the model holds that epoch's weights); may be async. */
  onEpoch?: (record: EpochRecord, history: History) => void | Promise<void>;
}

/**
 * `fit` with AdvancedSymplecticOptimizer on the GPU.
 * @deprecated since 0.2: call `fit(model, new AdvancedSymplecticOptimizer(model.parameters(), { lr, beta, epsilon }),
 * data, { device: gpu, … })` — the one fit for every device; this alias goes in 0.3.
 * @example
 * const history = await fitGpu(gpu, model, train, { epochs: 5, batchSize: 4096, validation: test });
 */
export async function fitGpu(gpu: GpuBackend, model: HamiltonianNN, data: Dataset, options: GpuFitOptions = {}): Promise<History> {
  const { lr, beta, epsilon, ...rest } = options;
  for (const unsupported of ['scheduler', 'clipGradNorm'] as const) {
    if ((options as Record<string, unknown>)[unsupported] !== undefined)
      throw new UsageError(`fitGpu does not support ${unsupported}; train with fit on the CPU for it`);
  }
  const optimizer = new AdvancedSymplecticOptimizer(model.parameters(), { lr: lr ?? 0.01, beta: beta ?? 0.9, epsilon: epsilon ?? 1e-8 });
  return fit(model, optimizer, data, { ...rest, device: gpu });
}
