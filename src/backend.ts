/**
 * `hamiltonian-ai/backend`: the op layer and the pieces below the public API — for writing a kernel, a backend
 * or a device (see CONTRIBUTING.md). `Ops` is the interface every model, loss and optimiser is written against;
 * `createOps` makes a backend's ops, `opsOf` finds the ops that own a tensor. Not covered by semver in 0.x.
 * @module
 */
export * from './core/matrix.js';
export { ACTIVATION_CODES, GELU_CUBIC, GELU_SQRT_2_OVER_PI, activationCode, type ActivationCode } from './core/activations.js';
export { gatherBatch, checkDataset, type Dataset } from './core/dataset.js';
export {
  createOps,
  opsOf,
  resolveBackend,
  getKernel,
  type CreatedOps,
  type Ops,
  type AdamStepConstants,
  type SgdStepConstants,
  type MatmulKernel,
  type KernelMap,
  type OpName,
  type BackendName,
  type BackendChoice,
} from './backend/registry.js';
export type { PreparedLinear } from './backend/ops.js';
export { jsOps } from './backend/js/index.js';
export { createWasmOps, type WasmOps } from './backend/wasm/index.js';
export { WasmArena } from './backend/wasm/arena.js';
export { detectWasm, initWasm, provideWasmModule, compileWasmSync, type WasmSupport, type WasmFlavor } from './backend/wasm/module.js';
export { runEpochs, type EpochDriver, type EpochStats, type EpochLoopOptions } from './train/epochs.js';
export { welchTTest, incompleteBeta, logGamma, type TwoSampleTest } from './metrics/tests.js';
