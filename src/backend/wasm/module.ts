import { UsageError } from '../../core/errors.js';
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/bytes.js';
import type { WasmExports } from './generated/exports.js';

export type { WasmExports } from './generated/exports.js';

/** The two builds of assembly/index.ts: 'simd' (f32x4) and 'scalar'. */
export type WasmFlavor = 'simd' | 'scalar';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 → bytes: atob where the runtime has it, else a plain decoder (works in every runtime). */
export function decodeBase64(s: string): Uint8Array {
  if (typeof atob === 'function') {
    // Native where it exists (browsers, Node ≥ 16, workerd): several times faster at a cold start.
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const lookup = new Uint8Array(128);
  for (let i = 0; i < B64.length; i++) lookup[B64.charCodeAt(i)] = i;
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const a = lookup[clean.charCodeAt(i)],
      b = lookup[clean.charCodeAt(i + 1)];
    const c = lookup[clean.charCodeAt(i + 2)] ?? 0,
      d = lookup[clean.charCodeAt(i + 3)] ?? 0;
    out[o++] = (a << 2) | (b >> 4);
    if (i + 2 < clean.length) out[o++] = ((b & 15) << 4) | (c >> 2);
    if (i + 3 < clean.length) out[o++] = ((c & 3) << 6) | d;
  }
  return out;
}

let simdBytes: Uint8Array | null = null;
let scalarBytes: Uint8Array | null = null;
const modules: Partial<Record<WasmFlavor, WebAssembly.Module>> = {};

function wasmBytes(flavor: WasmFlavor): Uint8Array {
  if (flavor === 'simd') return (simdBytes ??= decodeBase64(SIMD_WASM_BASE64));
  return (scalarBytes ??= decodeBase64(SCALAR_WASM_BASE64));
}

/** What this runtime supports, with the reason when WASM or its SIMD build is not used. */
export interface WasmSupport {
  wasm: boolean;
  simd: boolean;
  /** Why WASM (or its SIMD build) is not used, when it is not. */
  reason?: string;
}

let support: WasmSupport | null = null;

/**
 * Detects WebAssembly and SIMD support by validating the SIMD build itself.
 * @example
 * detectWasm(); // { wasm: true, simd: true }
 */
export function detectWasm(): WasmSupport {
  if (support) return support;
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return (support = { wasm: false, simd: false, reason: 'WebAssembly is not available in this runtime' });
  }
  try {
    if (WebAssembly.validate(wasmBytes('simd') as BufferSource)) return (support = { wasm: true, simd: true });
    return (support = { wasm: true, simd: false, reason: 'this runtime has no WebAssembly SIMD: using the scalar build' });
  } catch (e) {
    return (support = { wasm: false, simd: false, reason: `WebAssembly validation failed: ${(e as Error).message}` });
  }
}

/**
 * Registers a precompiled module (e.g. one imported as a module on edge runtimes that refuse to compile bytes).
 * @example
 * import simd from './simd.wasm'; // an edge bundler compiles it
 * provideWasmModule('simd', simd);
 */
export function provideWasmModule(flavor: WasmFlavor, module: WebAssembly.Module): void {
  modules[flavor] = module;
}

/**
 * Compiles (once) the SIMD build where supported, else the scalar one, synchronously. Works in Node and
 * workers; browsers' main threads limit synchronous compilation, so call `await initWasm()` there first.
 * @example
 * const { module, flavor } = compileWasmSync(); // flavor: 'simd' where the runtime validates it
 */
export function compileWasmSync(flavor?: WasmFlavor): { module: WebAssembly.Module; flavor: WasmFlavor } {
  const f = flavor ?? (detectWasm().simd ? 'simd' : 'scalar');
  if (!detectWasm().wasm) throw new UsageError(detectWasm().reason ?? 'WebAssembly is not available');
  if (f === 'simd' && !detectWasm().simd) throw new UsageError('WebAssembly SIMD is not supported by this runtime');
  const m = (modules[f] ??= new WebAssembly.Module(wasmBytes(f) as BufferSource));
  return { module: m, flavor: f };
}

/**
 * Compiles the WASM builds asynchronously (for browsers), so later synchronous use finds them ready.
 * @example
 * await initWasm(); // in a browser, before the first model or scorer
 */
export async function initWasm(): Promise<WasmSupport> {
  const s = detectWasm();
  if (!s.wasm) return s;
  const f: WasmFlavor = s.simd ? 'simd' : 'scalar';
  modules[f] ??= await WebAssembly.compile(wasmBytes(f) as BufferSource);
  return s;
}

/** A fresh instance (own memory) of the chosen build. */
export function instantiateWasm(flavor?: WasmFlavor): { exports: WasmExports; flavor: WasmFlavor } {
  const { module, flavor: f } = compileWasmSync(flavor);
  const instance = new WebAssembly.Instance(module, {});
  return { exports: instance.exports as unknown as WasmExports, flavor: f };
}
