/**
 * The CSV kernels' WebAssembly module (assembly/csv.ts), kept apart from the network kernels so that the scorer's
 * bundle does not embed it: compiled once, each user gets its own instance and allocates in its memory with a bump
 * pointer (what a CSV reader keeps there lives as long as the reader).
 */

import type { CsvWasmExports } from './generated/csv-exports.js';
import { CSV_WASM_BASE64 } from './generated/csv-bytes.js';
import { decodeBase64 } from './module.js';

const PAGE = 65536;

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
    const end = offset + align16(bytes);
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) this.exports.memory.grow(Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 2))); // geometrically
    this.top = end;
    return offset;
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}
