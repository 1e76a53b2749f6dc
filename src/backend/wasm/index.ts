import type { Ops } from '../ops.js';
import { WasmArena } from './arena.js';
import { wasmDenseOps } from './dense.js';
import { wasmDropoutOps } from './dropout.js';
import type { WasmFlavour } from './module.js';
import { wasmOptimOps } from './optim.js';

/** The WASM backend's ops over one arena (one instance, own memory): tensors from `alloc` are worked on in place. */
export interface WasmOps extends Ops {
  readonly backend: 'wasm';
  readonly arena: WasmArena;
  readonly flavour: WasmFlavour;
}

/**
 * A fresh WASM instance and its ops (the SIMD build where the runtime validates it, unless `flavour` says).
 * @example
 * const ops = createWasmOps();
 * const w = ops.alloc(holder, 'w', 64);
 */
export function createWasmOps(flavour?: WasmFlavour, onGrow?: (arena: WasmArena) => void): WasmOps {
  const arena = new WasmArena(flavour, onGrow);
  return {
    backend: 'wasm',
    label: `wasm-${arena.flavour}`,
    arena,
    flavour: arena.flavour,
    alloc: (holder, key, n) => arena.allocBound(holder, key, n),
    owns: (a) => arena.owns(a),
    ...wasmDenseOps(arena),
    ...wasmDropoutOps(arena),
    ...wasmOptimOps(arena),
  };
}
