/**
 * Encodes CSV records straight from their bytes (a `CsvByteScanner` batch) into model inputs: numbers parsed from the
 * digits, categories found by a hash of their bytes, no string per cell. It gives the same float32 bits as
 * `Preprocessor.transformRecord` on the cells' texts — and for anything it does not read itself (a cell that is
 * not a plain number or a known category, a "" escape, non-ASCII padding, a value out of range) it hands that
 * record to `transformRecord`, so every error and its message are the string path's.
 */

import { ESCAPED, fieldCount, fieldText, type ByteRecords } from './csv-bytes.js';
import { ByteTable } from './byte-table.js';
import { parseDecimal } from './cells.js';
import type { Preprocessor } from './preprocessor.js';
import type { ByteCellSpec, CellKind, PendingCells } from '../core/byte-ranges.js';

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/**
 * A kernel for the common cells (backend/wasm/byte-cells.ts): records [from, to) into rows of out[at…] — zeroed, then
 * each plain number and known category written (not standardised), records with skip[i] ≠ 0 left alone — and the
 * cells it did not read, as (record − from, feature) pairs in the order the JS loop meets them (tile by tile, then
 * feature by feature).
 */
export interface ByteCellKernel {
  encode(records: ByteRecords, from: number, to: number, out: Float32Array, at: number, skip: Uint8Array): PendingCells;
}

/** Builds a cell kernel for a model's features (null: none in this runtime, the JS loop then). */
export type ByteCellKernelFactory = (spec: ByteCellSpec) => ByteCellKernel | null;

/** Records per tile of `encodeRows`. */
const TILE = 256;

/**
 * One model's byte encoder. `encodeRows` fills a batch's rows and says which it could not encode (and why); the
 * caller scores or reports them.
 * @example
 * const enc = new ByteRecordEncoder(pre, featureFieldIndex);
 * enc.encodeRows(records, 0, records.count, x, problems); // problems[i] === null: row i encoded
 */
export class ByteRecordEncoder {
  private readonly kinds: Uint8Array;
  /** Per feature: its first encoded column, and for numbers whether a missing indicator follows. */
  private readonly column: Int32Array;
  private readonly indicator: Uint8Array;
  private readonly median: Float64Array;
  /** Per categorical feature: an open-addressing table of its categories' bytes (position + 1; 0 = empty). */
  private readonly categories: Array<ByteTable | null>;
  private readonly modePosition: Int32Array;
  /** Whether a missing text could read as a number (then numbers are checked as text first). */
  private readonly numericMissing: boolean;
  private readonly emptyIsMissing: boolean;
  private readonly dropMissing: boolean;
  private readonly record: Record<string, string> = Object.create(null);
  private readonly lastField: number;
  /** Per row of a batch: 1 once a cell needs the string path; the column found too far out (or -1). */
  private slow = new Uint8Array(0);
  private far = new Int32Array(0);

  /** The kernel for the common cells (the CLI gives WebAssembly's), or null: the JS loop then. */
  private readonly kernel: ByteCellKernel | null;

  constructor(
    private readonly pre: Preprocessor,
    /** For each of the model's features, the field that holds it. */
    private readonly fields: readonly number[],
    /** `cells` builds a kernel for the common cells; without it every cell is read by the JS loop (the reference). */
    options: { cells?: ByteCellKernelFactory } = {},
  ) {
    const st = pre.state;
    const nf = st.features.length;
    this.lastField = Math.max(-1, ...fields);
    this.kinds = new Uint8Array(nf);
    this.column = new Int32Array(nf);
    this.indicator = new Uint8Array(nf);
    this.median = new Float64Array(nf);
    this.modePosition = new Int32Array(nf);
    this.categories = [];
    const bytes = new TextEncoder();
    let k = 0;
    st.features.forEach((f, i) => {
      this.column[i] = k;
      if (f.kind === 'numeric') {
        this.median[i] = f.median;
        this.indicator[i] = f.indicator ? 1 : 0;
        this.categories.push(null);
        k += f.indicator ? 2 : 1;
      } else {
        this.kinds[i] = 1;
        const table = new ByteTable();
        for (const c of f.categories) {
          const encoded = bytes.encode(c);
          table.add(encoded, 0, encoded.length); // numbered as the categories: a one-hot position
        }
        this.categories.push(table);
        this.modePosition[i] = f.categories.indexOf(f.mode);
        k += f.categories.length;
      }
    });
    this.numericMissing = st.missingValues.some((v) => NUMBER_TEXT.test(v.trim()));
    this.emptyIsMissing = pre.isMissingText('');
    this.dropMissing = st.missing === 'drop';
    const kinds = st.features.map((f): CellKind => (f.kind === 'categorical' ? 'category' : this.numericMissing ? 'number-by-js' : 'number'));
    const tables = this.categories.map((t) => t?.storage() ?? null);
    this.kernel = options.cells?.({ fields, kinds, columns: this.column, tables, cols: pre.cols }) ?? null;
  }

  /**
   * Encodes records [from, to) into consecutive rows of `out` from out[at] (`cols` each, standardised). problems[i]
   * is null, or the message `transformRecord` gives for record from + i — whose row is then all zeros, so a batch
   * can carry it through the network and ignore its probability.
   */
  encodeRows(records: ByteRecords, from: number, to: number, out: Float32Array, problems: Array<string | null>, at = 0): void {
    const cols = this.pre.cols,
      rows = to - from;
    if (this.slow.length < rows) {
      this.slow = new Uint8Array(rows);
      this.far = new Int32Array(rows);
    }
    const { slow, far } = this;
    for (let i = 0; i < rows; i++) slow[i] = fieldCount(records, from + i) > this.lastField ? 0 : 1;
    if (this.kernel) {
      // The kernel zeroes the rows and reads the common cells; the rest, in the order the loop below meets them.
      const { pending, count } = this.kernel.encode(records, from, to, out, at, slow);
      for (let j = 0; j < count; j++) {
        const i = pending[2 * j],
          f = pending[2 * j + 1];
        if (!slow[i] && !this.cell(f, records.bytes, records, records.firstField[from + i] + this.fields[f], out, at + i * cols)) slow[i] = 1;
      }
    } else {
      out.fill(0, at, at + rows * cols); // one-hot blocks and indicators: only the ones are written below
      // Feature by feature over tiles of records: one kind of cell per loop (its branches predictable), and a tile's
      // bytes, fields and rows stay in cache across the features.
      for (let t = 0; t < rows; t += TILE) {
        const end = Math.min(rows, t + TILE);
        for (let f = 0; f < this.fields.length; f++) this.feature(f, records, from + t, from + end, from, out, at);
      }
    }
    this.pre.standardize(out, at, rows, far);
    for (let i = 0; i < rows; i++) problems[i] = slow[i] || far[i] >= 0 ? this.viaText(records, from + i, out, at + i * cols) : null;
  }

  /**
   * Feature f of records [r0, r1) (record r's row is out[at + (r − from)·cols …]). A cell with plain bytes at both ends
   * (no padding, nothing non-ASCII, no "" escape) straight from its bytes — a number from its digits, a known
   * category by its bytes; any other cell as `cell` reads it. (The kind is fixed per call: its branch is predicted.)
   */
  private feature(f: number, records: ByteRecords, r0: number, r1: number, from: number, out: Float32Array, at: number): void {
    const b = records.bytes,
      { firstField, fieldStart, fieldEnd, fieldFlags } = records,
      { slow } = this;
    const field = this.fields[f],
      cols = this.pre.cols,
      col = at + this.column[f],
      table = this.categories[f],
      // A number straight from its digits unless a missing text could read as a number (then that is looked for first).
      direct = this.kinds[f] === 0 && !this.numericMissing;
    for (let r = r0; r < r1; r++) {
      const i = r - from;
      if (slow[i]) continue;
      const k = firstField[r] + field,
        s = fieldStart[k],
        e = fieldEnd[k];
      if (s < e && (fieldFlags[k] & ESCAPED) === 0 && isPlain(b[s]) && isPlain(b[e - 1])) {
        if (table) {
          const position = table.find(b, s, e);
          if (position >= 0) {
            out[col + position + i * cols] = 1;
            continue;
          }
        } else if (direct) {
          const v = parseDecimal(b, s, e);
          if (!Number.isNaN(v)) {
            out[col + i * cols] = v;
            continue;
          }
        }
      }
      if (!this.cell(f, b, records, k, out, at + i * cols)) slow[i] = 1;
    }
  }

  /**
   * Any cell of feature f (field index k) into the row at out[at…], unstandardised: trimmed as String.trim trims
   * ASCII, a number, a known category or a missing text; false where the string path must decide.
   */
  private cell(f: number, b: Uint8Array, records: ByteRecords, k: number, out: Float32Array, at: number): boolean {
    const { kinds, column, indicator, median, categories, modePosition, numericMissing, emptyIsMissing, dropMissing, pre } = this;
    if (records.fieldFlags[k] & ESCAPED) return false;
    let s = records.fieldStart[k];
    let e = records.fieldEnd[k];
    while (s < e && isSpace(b[s])) s++;
    while (e > s && isSpace(b[e - 1])) e--;
    if (s < e && (b[s] >= 0x80 || b[e - 1] >= 0x80)) return false; // String.trim knows non-ASCII spaces
    const col = at + column[f];
    if (kinds[f] === 0) {
      const missing = s === e ? emptyIsMissing : numericMissing && pre.isMissingText(text(b, s, e));
      const v = missing || s === e ? NaN : parseDecimal(b, s, e);
      if (!Number.isNaN(v)) {
        out[col] = v;
        return true;
      }
      // Not a plain number read exactly: a missing text (→ the median), else the string path decides.
      if (!(missing || (s < e && !numericMissing && pre.isMissingText(text(b, s, e)))) || dropMissing) return false;
      out[col] = median[f];
      if (indicator[f]) out[col + 1] = 1;
      return true;
    }
    let position = categories[f]!.find(b, s, e);
    if (position < 0) {
      // Not a known category: missing (→ the mode), or unseen (the string path applies the policy).
      if (!(s === e ? emptyIsMissing : pre.isMissingText(text(b, s, e))) || dropMissing) return false;
      position = modePosition[f];
    }
    if (position >= 0) out[col + position] = 1;
    return true;
  }

  /** The string path for record r into the row at out[at…]: the same values, or the same error as record-by-record scoring (then a zero row). */
  private viaText(records: ByteRecords, r: number, out: Float32Array, at: number): string | null {
    const nfields = fieldCount(records, r);
    const names = this.pre.state.features;
    for (let f = 0; f < this.fields.length; f++) this.record[names[f].name] = this.fields[f] < nfields ? fieldText(records, r, this.fields[f]) : '';
    const row = out.subarray(at, at + this.pre.cols);
    try {
      this.pre.transformRecord(this.record, row);
      return null;
    } catch (e) {
      row.fill(0);
      return (e as Error).message;
    }
  }
}

const ascii = new TextDecoder('utf-8', { ignoreBOM: true });
function text(b: Uint8Array, s: number, e: number): string {
  return ascii.decode(b.subarray(s, e));
}

/** A byte that needs no trimming and starts no multi-byte character: printable ASCII other than space. */
function isPlain(c: number): boolean {
  return c > 0x20 && c < 0x80;
}

/** The ASCII bytes String.prototype.trim removes (tab, LF, VT, FF, CR, space). */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
