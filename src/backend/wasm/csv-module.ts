/**
 * The CSV kernels' WebAssembly module (assembly/csv.ts), kept apart from the network kernels so that the scorer's
 * bundle does not embed it: compiled once, each user gets its own instance and allocates in its memory with a bump
 * pointer (what a CSV reader keeps there lives as long as the reader).
 */

import type { CsvWasmExports } from './generated/csv-exports.js';
import { CSV_WASM_BASE64 } from './generated/csv-bytes.js';
import { align16, bumpReserve } from './bump.js';
import { decodeBase64 } from './module.js';

let compiled: WebAssembly.Module | null = null;

/**
 * Registers the CSV kernels' module compiled elsewhere: edge runtimes refuse to compile bytes, so their entry
 * imports the `.wasm` as a module (src/edge.ts).
 * @example
 * import csv from './csv.wasm';
 * provideCsvWasmModule(csv);
 */
export function provideCsvWasmModule(module: WebAssembly.Module): void {
  compiled = module;
}

/**
 * One instance of the CSV kernels and its memory. Throws where WebAssembly is missing or compiling is refused (callers
 * fall back to their JavaScript loops).
 * @example
 * const wasm = new CsvWasm();
 * const at = wasm.allocBytes(1024); // a byte offset for the kernels
 */
export class CsvWasm {
  readonly exports: CsvWasmExports;
  private top: number;

  constructor() {
    compiled ??= new WebAssembly.Module(decodeBase64(CSV_WASM_BASE64) as BufferSource);
    this.exports = new WebAssembly.Instance(compiled, {}).exports as unknown as CsvWasmExports;
    this.top = align16(this.exports.heapBase());
  }

  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  /** Reserves `bytes` (16-byte aligned), growing the memory if needed; returns the byte offset. */
  allocBytes(bytes: number): number {
    const offset = this.top;
    this.top = bumpReserve(this.exports.memory, offset, bytes);
    return offset;
  }

  /** Makes `region` hold at least `bytes`: a new region, twice as large, when it does not (the old one is not freed). */
  reserve(region: Region, bytes: number): void {
    if (region.bytes >= bytes) return;
    region.bytes = Math.max(bytes, 2 * region.bytes, 64);
    region.offset = this.allocBytes(region.bytes);
  }
}

/** A region of an instance's memory that grows by moving (the bump allocator never frees: it doubles when it must). */
export interface Region {
  offset: number;
  bytes: number;
}

/**
 * `create()`, or null where WebAssembly is missing or compiling is refused (a browser's main thread before
 * `initWasm`, an edge runtime without the modules): the callers' JavaScript loops serve then.
 * @example
 * static create() { return kernelOrNull(() => new WasmRecordScanner()); }
 */
export function kernelOrNull<T>(create: () => T): T | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    return create();
  } catch {
    return null;
  }
}
