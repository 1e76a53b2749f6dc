/**
 * The CSV byte scanner's common case in WebAssembly (assembly/scan.ts): whole records whose fields are plain or
 * quoted on one line, split in one kernel call per run of them. It stops before any other record (a blank line,
 * a line ending inside quotes, a malformed quote, the end of the bytes), which data/csv-bytes.ts's own loop — the
 * reference it is tested against — scans with its errors and line numbers; then the kernel goes on after it.
 */

import type { ScannedRecords } from '../../core/byte-ranges.js';
import { CsvWasm, kernelOrNull, type Region } from './csv-module.js';

/** Records per call (the call returns when they are full; the caller calls again). */
const RECORDS = 4096;
const FIELDS = 64 * RECORDS;

/**
 * One scanner's kernel: its own WASM instance, the bytes being scanned copied in once per `load`.
 * @example
 * const k = WasmRecordScanner.create(); // null without WebAssembly
 * k!.load(bytes);
 * const r = k!.scan(0, bytes.length, 0x2c, 1 << 24); // r.count records from byte 0
 */
export class WasmRecordScanner {
  private readonly wasm = new CsvWasm();
  /** Where the loaded bytes lie. */
  private readonly bytes: Region = { offset: 0, bytes: 0 };
  private readonly out: { start: number; end: number; first: number; fieldStart: number; fieldEnd: number; flags: number };

  private constructor() {
    const a = this.wasm;
    this.out = {
      start: a.allocBytes(4 * RECORDS),
      end: a.allocBytes(4 * RECORDS),
      first: a.allocBytes(4 * (RECORDS + 1)),
      fieldStart: a.allocBytes(4 * FIELDS),
      fieldEnd: a.allocBytes(4 * FIELDS),
      flags: a.allocBytes(FIELDS),
    };
  }

  /** A kernel, or null where WebAssembly is missing or refused (the JS loop scans everything then). */
  static create(): WasmRecordScanner | null {
    return kernelOrNull(() => new WasmRecordScanner());
  }

  /** Copies the bytes the next `scan` calls read (offsets into them). */
  load(bytes: Uint8Array): void {
    this.wasm.reserve(this.bytes, bytes.length);
    new Uint8Array(this.wasm.memory.buffer, this.bytes.offset, bytes.length).set(bytes);
  }

  /** Plain records of the loaded bytes [p, n), records no longer than `maxBytes`. */
  scan(p: number, n: number, delimiter: number, maxBytes: number): ScannedRecords {
    const o = this.out,
      ex = this.wasm.exports;
    const count = ex.scanRecords(this.bytes.offset, p, n, delimiter, maxBytes, o.start, o.end, o.first, RECORDS, o.fieldStart, o.fieldEnd, o.flags, FIELDS);
    const buffer = this.wasm.memory.buffer;
    const fields = new Int32Array(buffer, o.first, count + 1)[count];
    return {
      count,
      next: ex.scanEnd(),
      recordStart: new Int32Array(buffer, o.start, count),
      recordEnd: new Int32Array(buffer, o.end, count),
      recordFirst: new Int32Array(buffer, o.first, count + 1),
      fieldStart: new Int32Array(buffer, o.fieldStart, fields),
      fieldEnd: new Int32Array(buffer, o.fieldEnd, fields),
      fieldFlags: new Uint8Array(buffer, o.flags, fields),
    };
  }
}
