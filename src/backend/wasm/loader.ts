import { UsageError } from '../../core/errors.js';

/** The two builds of an AssemblyScript entry: 'simd' (f32x4) and 'scalar'. */
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

/** What this runtime supports, with the reason when WASM or its SIMD build is not used. */
export interface WasmSupport {
  wasm: boolean;
  simd: boolean;
  /** Why WASM (or its SIMD build) is not used, when it is not. */
  reason?: string;
}

/**
 * One AssemblyScript entry's two builds, from their base64 bytes or from modules provided: support detected by
 * validating the SIMD build itself, each build compiled once, a fresh instance (own memory) per call. The library's
 * whole hot path (module.ts) and the scorer's build (inference-module.ts) are one each, so a bundle that imports only
 * the scorer's carries only its bytes.
 * @example
 * const loader = new WasmLoader<WasmExports>({ simd: SIMD_WASM_BASE64, scalar: SCALAR_WASM_BASE64 });
 * const { exports, flavor } = loader.instantiate();
 */
export class WasmLoader<E> {
  private readonly bytes: Partial<Record<WasmFlavor, Uint8Array>> = {};
  private readonly modules: Partial<Record<WasmFlavor, WebAssembly.Module>> = {};
  private support: WasmSupport | null = null;

  constructor(private readonly base64: Record<WasmFlavor, string>) {}

  private wasmBytes(flavor: WasmFlavor): Uint8Array {
    return (this.bytes[flavor] ??= decodeBase64(this.base64[flavor]));
  }

  /** WebAssembly and SIMD support here (once). */
  detect(): WasmSupport {
    if (this.support) return this.support;
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
      return (this.support = { wasm: false, simd: false, reason: 'WebAssembly is not available in this runtime' });
    }
    try {
      if (WebAssembly.validate(this.wasmBytes('simd') as BufferSource)) return (this.support = { wasm: true, simd: true });
      return (this.support = { wasm: true, simd: false, reason: 'this runtime has no WebAssembly SIMD: using the scalar build' });
    } catch (e) {
      return (this.support = { wasm: false, simd: false, reason: `WebAssembly validation failed: ${(e as Error).message}` });
    }
  }

  /** Registers a precompiled module of one build. */
  provide(flavor: WasmFlavor, module: WebAssembly.Module): void {
    this.modules[flavor] = module;
  }

  /** The SIMD build where supported, else the scalar one (or `flavor`), compiled once, synchronously. */
  compileSync(flavor?: WasmFlavor): { module: WebAssembly.Module; flavor: WasmFlavor } {
    const support = this.detect();
    const f = flavor ?? (support.simd ? 'simd' : 'scalar');
    if (!support.wasm) throw new UsageError(support.reason ?? 'WebAssembly is not available');
    if (f === 'simd' && !support.simd) throw new UsageError('WebAssembly SIMD is not supported by this runtime');
    const m = (this.modules[f] ??= new WebAssembly.Module(this.wasmBytes(f) as BufferSource));
    return { module: m, flavor: f };
  }

  /** Compiles the build this runtime takes asynchronously, so later synchronous use finds it ready. */
  async init(): Promise<WasmSupport> {
    const s = this.detect();
    if (!s.wasm) return s;
    const f: WasmFlavor = s.simd ? 'simd' : 'scalar';
    this.modules[f] ??= await WebAssembly.compile(this.wasmBytes(f) as BufferSource);
    return s;
  }

  /** A fresh instance (own memory) of the chosen build. */
  instantiate(flavor?: WasmFlavor): { exports: E; flavor: WasmFlavor } {
    const { module, flavor: f } = this.compileSync(flavor);
    const instance = new WebAssembly.Instance(module, {});
    return { exports: instance.exports as unknown as E, flavor: f };
  }
}
