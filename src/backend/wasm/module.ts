import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/bytes.js';
import type { WasmExports } from './generated/exports.js';
import { initWasm as initScorerWasm } from './inference-module.js';
import { WasmLoader, type WasmFlavor, type WasmSupport } from './loader.js';

export type { WasmExports } from './generated/exports.js';
export { decodeBase64, type WasmFlavor, type WasmSupport } from './loader.js';

/** The library's whole hot path, assembly/index.ts (training and scoring kernels). */
const loader = new WasmLoader<WasmExports>({ simd: SIMD_WASM_BASE64, scalar: SCALAR_WASM_BASE64 });

/**
 * Detects WebAssembly and SIMD support by validating the SIMD build itself.
 * @example
 * detectWasm(); // { wasm: true, simd: true }
 */
export function detectWasm(): WasmSupport {
  return loader.detect();
}

/**
 * Registers a precompiled module (e.g. one imported as a module on edge runtimes that refuse to compile bytes).
 * @example
 * import simd from './simd.wasm'; // an edge bundler compiles it
 * provideWasmModule('simd', simd);
 */
export function provideWasmModule(flavor: WasmFlavor, module: WebAssembly.Module): void {
  loader.provide(flavor, module);
}

/**
 * Compiles (once) the SIMD build where supported, else the scalar one, synchronously. Works in Node and
 * workers; browsers' main threads limit synchronous compilation, so call `await initWasm()` there first.
 * @example
 * const { module, flavor } = compileWasmSync(); // flavor: 'simd' where the runtime validates it
 */
export function compileWasmSync(flavor?: WasmFlavor): { module: WebAssembly.Module; flavor: WasmFlavor } {
  return loader.compileSync(flavor);
}

/**
 * Compiles the WASM builds asynchronously (for browsers), so later synchronous use finds them ready: the library's and
 * the scorer's own (`loadScorerSync` then compiles nothing).
 * @example
 * await initWasm(); // in a browser, before the first model or scorer
 */
export async function initWasm(): Promise<WasmSupport> {
  const [support] = await Promise.all([loader.init(), initScorerWasm()]);
  return support;
}

/** A fresh instance (own memory) of the chosen build. */
export function instantiateWasm(flavor?: WasmFlavor): { exports: WasmExports; flavor: WasmFlavor } {
  return loader.instantiate(flavor);
}
