/**
 * CSV records as byte ranges, and what the cell kernel reads of a model: the shapes the data layer's byte scanner and
 * encoder (data/csv-bytes.ts, byte-encoder.ts) and the backend's CSV kernels (backend/wasm/byte-scan.ts, byte-cells.ts)
 * both speak. Here, below both, so that neither imports the other.
 */

/** Records as byte ranges into `bytes`: record r's bytes [start[r], end[r]), its fields [firstField[r], firstField[r + 1]). */
export interface ByteFieldRanges {
  /** The bytes the ranges point into. */
  bytes: Uint8Array;
  /** Record r's bytes are [start[r], end[r]) — its line(s) without the line ending. */
  start: Int32Array;
  end: Int32Array;
  /** Record r's fields are fieldStart/fieldEnd/fieldFlags[firstField[r] … firstField[r + 1]). */
  firstField: Int32Array;
  /** A field's content (inside its quotes when quoted). */
  fieldStart: Int32Array;
  fieldEnd: Int32Array;
  /** 1 (QUOTED): the field was in quotes; 2 (ESCAPED): its quoted content holds "" pairs, so its bytes are not its value. */
  fieldFlags: Uint8Array;
}

/** What a plain-record kernel's `scan` found: `count` records and their fields, as views valid until its next call. */
export interface ScannedRecords {
  count: number;
  /** Where the record after the last one starts (the first byte not scanned). */
  next: number;
  /** Record r: bytes [recordStart[r], recordEnd[r]) (without its line ending), fields [recordFirst[r], recordFirst[r + 1]). */
  recordStart: Int32Array;
  recordEnd: Int32Array;
  recordFirst: Int32Array;
  /** Field j's content and flags, as in `ByteFieldRanges`. */
  fieldStart: Int32Array;
  fieldEnd: Int32Array;
  fieldFlags: Uint8Array;
}

/** How a cell kernel treats a feature's cells: numbers read when plain, categories found, or every cell left to JS. */
export type CellKind = 'number' | 'category' | 'number-by-js';

/** A ByteTable's storage (data/byte-table.ts `storage()`): slot → entry + 1, entry → FNV-1a hash, entry bytes. */
export interface ByteTableStorage {
  slots: Int32Array;
  hashes: Int32Array;
  starts: Int32Array;
  pool: Uint8Array;
}

/** What a cell kernel needs of a model: per feature its field, kind, first encoded column and category table. */
export interface ByteCellSpec {
  fields: readonly number[];
  kinds: readonly CellKind[];
  columns: ArrayLike<number>;
  tables: ReadonlyArray<ByteTableStorage | null>;
  /** Encoded columns per row. */
  cols: number;
}

/** One cell-kernel call's leftovers: pending[2j] is the record (from the batch's first), pending[2j + 1] the feature. */
export interface PendingCells {
  pending: Int32Array;
  count: number;
}
