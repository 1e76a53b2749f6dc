import { UsageError } from '../core/errors.js';
import { jsInferenceOps } from './js/inference.js';
import type { InferenceOps } from './ops.js';
import { WasmArena } from './wasm/arena.js';
import { wasmDenseOps } from './wasm/dense.js';
import type { WasmExports } from './wasm/generated/exports.js';
import { detectInferenceWasm, instantiateInferenceWasm } from './wasm/inference-module.js';

export type { InferenceOps } from './ops.js';

/** The kernels the inference ops call, each of which the scorer's build exports (a missing one fails to compile here). */
type InferenceKernels = Pick<
  WasmExports,
  | 'memory'
  | 'heapBase'
  | 'sgemmWorkBytes'
  | 'packedBytes'
  | 'packWeights'
  | 'dotRows'
  | 'nonzeroCount'
  | 'sgemmPackedSparse'
  | 'sgemmPacked'
  | 'addBias'
  | 'binaryProbabilitiesWorkBytes'
  | 'binaryProbabilities'
  | 'occludedRows'
  | 'rankOccluded'
  | 'activate'
>;

/**
 * Inference ops only — what the edge scorer registers, so its bundle and its cold start carry no training kernels:
 * a fresh WASM instance where the runtime has WebAssembly ('auto'), the js reference ops otherwise (with the reason).
 * @example
 * const { ops } = createInferenceOps('auto');
 */
export function createInferenceOps(choice: 'auto' | 'wasm' | 'js' = 'auto'): { ops: InferenceOps; fallbackReason?: string } {
  const js = jsInferenceOps;
  if (choice === 'js') return { ops: js };
  const support = detectInferenceWasm();
  if (!support.wasm) {
    if (choice === 'wasm') throw new UsageError(support.reason ?? 'WebAssembly is not available');
    return { ops: js, fallbackReason: support.reason };
  }
  try {
    const { exports, flavor } = instantiateInferenceWasm();
    // The scorer's build has only the inference kernels, and the ops below call no other: each is checked here.
    const kernels: InferenceKernels = exports;
    const arena = new WasmArena({ exports: kernels as WasmExports, flavor });
    const dense = wasmDenseOps(arena);
    return {
      ops: {
        backend: 'wasm',
        alloc: (holder, key, n) => arena.allocBound(holder, key, n),
        owns: (a) => arena.owns(a),
        prepareLinear: dense.prepareLinear,
        linearInference: dense.linearInference,
        binaryProbabilities: dense.binaryProbabilities,
        occludedRows: dense.occludedRows,
        rankOccluded: dense.rankOccluded,
        activate: dense.activate,
      },
    };
  } catch (e) {
    if (choice === 'wasm') throw e;
    return { ops: js, fallbackReason: `WebAssembly could not be instantiated here: ${(e as Error).message}` };
  }
}
