import type { Ops } from '../ops.js';
import { WasmArena } from './arena.js';
import { wasmDenseOps } from './dense.js';
import { wasmDropoutOps } from './dropout.js';
import { instantiateWasm, type WasmFlavor } from './module.js';
import { wasmOptimOps } from './optim.js';

/** The WASM backend's ops over one arena (one instance, own memory): tensors from `alloc` are worked on in place. */
export interface WasmOps extends Ops {
  readonly backend: 'wasm';
  readonly arena: WasmArena;
  readonly flavor: WasmFlavor;
}

/**
 * A fresh WASM instance and its ops (the SIMD build where the runtime validates it, unless `flavor` says).
 * @example
 * const ops = createWasmOps();
 * const w = ops.alloc(holder, 'w', 64);
 */
export function createWasmOps(flavor?: WasmFlavor, onGrow?: (arena: WasmArena) => void): WasmOps {
  const arena = new WasmArena(instantiateWasm(flavor), onGrow);
  return {
    backend: 'wasm',
    label: `wasm-${arena.flavor}`,
    arena,
    flavor: arena.flavor,
    alloc: (holder, key, n) => arena.allocBound(holder, key, n),
    owns: (a) => arena.owns(a),
    ...wasmDenseOps(arena),
    ...wasmDropoutOps(arena),
    ...wasmOptimOps(arena),
  };
}
