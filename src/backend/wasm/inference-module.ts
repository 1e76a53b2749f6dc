import { INFERENCE_SCALAR_WASM_BASE64, INFERENCE_SIMD_WASM_BASE64 } from './generated/inference-bytes.js';
import type { InferenceWasmExports } from './generated/inference-exports.js';
import { WasmLoader, type WasmFlavor, type WasmSupport } from './loader.js';

export type { InferenceWasmExports } from './generated/inference-exports.js';

/** The scorer's build, assembly/inference.ts: the inference kernels only (no training kernels in its bundle). */
const loader = new WasmLoader<InferenceWasmExports>({ simd: INFERENCE_SIMD_WASM_BASE64, scalar: INFERENCE_SCALAR_WASM_BASE64 });

/**
 * WebAssembly and SIMD support for the scorer's build (validated on its SIMD build).
 * @example
 * detectInferenceWasm(); // { wasm: true, simd: true }
 */
export function detectInferenceWasm(): WasmSupport {
  return loader.detect();
}

/**
 * Registers a precompiled module of the scorer's build (edge runtimes that refuse to compile bytes import the
 * `.wasm` files as modules).
 * @example
 * import simd from './inference-simd.wasm'; // an edge bundler compiles it (score/edge.ts does this)
 * provideWasmModule('simd', simd);
 */
export function provideWasmModule(flavor: WasmFlavor, module: WebAssembly.Module): void {
  loader.provide(flavor, module);
}

/**
 * Compiles the scorer's build asynchronously (for browsers, whose main threads refuse large synchronous compiles), so
 * later synchronous use finds it ready. `loadScorer` calls it.
 * @example
 * await initWasm(); // before loadScorerSync in a browser
 */
export async function initWasm(): Promise<WasmSupport> {
  return loader.init();
}

/** A fresh instance (own memory) of the scorer's build. */
export function instantiateInferenceWasm(flavor?: WasmFlavor): { exports: InferenceWasmExports; flavor: WasmFlavor } {
  return loader.instantiate(flavor);
}
