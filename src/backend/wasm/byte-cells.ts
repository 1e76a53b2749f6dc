/**
 * The byte encoder's common case in WebAssembly (assembly/encode.ts): a batch's plain numbers and known categories
 * read from their bytes in one kernel call instead of a JavaScript loop per cell — the same doubles (Clinger's fast
 * path, operation for operation) and the same category numbers (copies of the encoder's ByteTables). Every cell it
 * does not read comes back as a (record, feature) pair for data/byte-encoder.ts to decide as its own loop does; that
 * loop is the reference it is tested against (test/data/byte-encoder.test.ts). The types here are structural, so
 * the backend knows byte ranges and tables, never the CSV scanner or the preprocessor.
 */

import type { ByteCellSpec, ByteFieldRanges, ByteTableStorage, PendingCells } from '../../core/byte-ranges.js';
import { CsvWasm, kernelOrNull, type Region } from './csv-module.js';

/** Feature kinds of the kernel's descriptor table. */
const NUMBER = 0,
  CATEGORY = 1,
  NUMBER_READ_BY_JS = 2;

/**
 * One model's cell kernel: its own WASM instance with the feature descriptors and category tables, and buffers the
 * batches are copied into.
 * @example
 * const cells = WasmByteCells.create({ fields, kinds, columns, tables, cols }); // null without WebAssembly
 * const { pending, count } = cells!.encode(records, 0, records.count, x, 0, skip);
 */
export class WasmByteCells {
  private readonly wasm: CsvWasm;
  private readonly features: number;
  private readonly descriptors: number;
  private readonly regions: Record<'bytes' | 'first' | 'start' | 'end' | 'flags' | 'skip' | 'out' | 'pending', Region>;

  private readonly cols: number;

  private constructor(spec: ByteCellSpec) {
    const { fields, kinds, columns, tables } = spec;
    this.cols = spec.cols;
    this.wasm = new CsvWasm();
    this.features = fields.length;
    const tableAt = tables.map((t) => (t ? this.copyTable(t) : 0));
    this.descriptors = this.wasm.allocBytes(16 * fields.length);
    const d = new Int32Array(this.wasm.memory.buffer, this.descriptors, 4 * fields.length);
    fields.forEach((field, f) => {
      d[4 * f] = field;
      d[4 * f + 1] = kinds[f] === 'category' ? CATEGORY : kinds[f] === 'number' ? NUMBER : NUMBER_READ_BY_JS;
      d[4 * f + 2] = columns[f];
      d[4 * f + 3] = tableAt[f];
    });
    const empty = (): Region => ({ offset: 0, bytes: 0 });
    this.regions = { bytes: empty(), first: empty(), start: empty(), end: empty(), flags: empty(), skip: empty(), out: empty(), pending: empty() };
  }

  /** The kernel for a model's features, or null where WebAssembly is missing or refused (the JS loop serves then). */
  static create(spec: ByteCellSpec): WasmByteCells | null {
    return kernelOrNull(() => new WasmByteCells(spec));
  }

  /**
   * Records [from, to) into rows of out[at…] (zeroed first, then the cells it reads; not standardised), skipping those
   * with skip[i] ≠ 0 (i = record − from). Returns the cells left for the caller, in the order the JS loop met them.
   */
  encode(records: ByteFieldRanges, from: number, to: number, out: Float32Array, at: number, skip: Uint8Array): PendingCells {
    const rows = to - from,
      cols = this.cols;
    const k0 = records.firstField[from],
      k1 = records.firstField[to];
    const b0 = rows ? records.start[from] : 0,
      b1 = rows ? records.end[to - 1] : 0;
    const r = this.regions;
    this.wasm.reserve(r.bytes, b1 - b0 + 8); // + 8: the kernel reads a short cell as one 64-bit word
    this.wasm.reserve(r.first, 4 * (rows + 1));
    this.wasm.reserve(r.start, 4 * (k1 - k0));
    this.wasm.reserve(r.end, 4 * (k1 - k0));
    this.wasm.reserve(r.flags, k1 - k0);
    this.wasm.reserve(r.skip, rows);
    this.wasm.reserve(r.out, 4 * rows * cols);
    this.wasm.reserve(r.pending, 8 * rows * this.features);
    const buffer = this.wasm.memory.buffer; // after every reserve: growth replaces it
    new Uint8Array(buffer, r.bytes.offset, b1 - b0).set(records.bytes.subarray(b0, b1));
    new Int32Array(buffer, r.first.offset, rows + 1).set(records.firstField.subarray(from, to + 1));
    new Int32Array(buffer, r.start.offset, k1 - k0).set(records.fieldStart.subarray(k0, k1));
    new Int32Array(buffer, r.end.offset, k1 - k0).set(records.fieldEnd.subarray(k0, k1));
    new Uint8Array(buffer, r.flags.offset, k1 - k0).set(records.fieldFlags.subarray(k0, k1));
    new Uint8Array(buffer, r.skip.offset, rows).set(skip.subarray(0, rows));
    const count = this.wasm.exports.encodeByteCells(
      r.bytes.offset,
      b0,
      r.first.offset,
      k0,
      r.start.offset,
      r.end.offset,
      r.flags.offset,
      r.skip.offset,
      rows,
      this.descriptors,
      this.features,
      r.out.offset,
      cols,
      r.pending.offset,
    );
    out.set(new Float32Array(buffer, r.out.offset, rows * cols), at);
    return { pending: new Int32Array(buffer, r.pending.offset, 2 * count), count };
  }

  /** A ByteTable's storage copied into the instance behind a header (mask, then where slots, hashes, starts, pool lie). */
  private copyTable(table: ByteTableStorage): number {
    const { slots, hashes, starts, pool } = table;
    const header = this.wasm.allocBytes(20);
    const at = [slots, hashes, starts, pool].map((a) => {
      const offset = this.wasm.allocBytes(a.byteLength);
      new Uint8Array(this.wasm.memory.buffer, offset, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return offset;
    });
    new Int32Array(this.wasm.memory.buffer, header, 5).set([slots.length - 1, ...at]);
    return header;
  }
}
