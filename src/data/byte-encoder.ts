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

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One model's byte encoder. `encode` fills a row and says whether it could; the caller scores or reports it.
 * @example
 * const enc = new ByteRecordEncoder(pre, featureFieldIndex);
 * const problem = enc.encode(records, r, x.subarray(i * pre.cols, (i + 1) * pre.cols)); // null: encoded
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

  constructor(
    private readonly pre: Preprocessor,
    /** For each of the model's features, the field that holds it. */
    private readonly fields: readonly number[],
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
  }

  /**
   * Encodes record `r` of `records` into `out` (length `cols`, standardised). Returns null, or the message
   * `transformRecord` gives for the record (the row is then not scored).
   */
  encode(records: ByteRecords, r: number, out: Float32Array): string | null {
    const b = records.bytes;
    const first = records.firstField[r];
    if (fieldCount(records, r) > this.lastField && this.fast(b, records, first, out) && this.pre.standardize(out) < 0) return null;
    // The string path decides: same values, or the same error as record-by-record scoring.
    const nfields = fieldCount(records, r);
    const names = this.pre.state.features;
    for (let f = 0; f < this.fields.length; f++) this.record[names[f].name] = this.fields[f] < nfields ? fieldText(records, r, this.fields[f]) : '';
    try {
      this.pre.transformRecord(this.record, out);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  /** Raw (unstandardised) values from the bytes; false as soon as a cell needs the string path. */
  private fast(b: Uint8Array, records: ByteRecords, first: number, out: Float32Array): boolean {
    const { fields, kinds, column, indicator, median, categories, modePosition, numericMissing, emptyIsMissing, dropMissing, pre } = this;
    const { fieldStart, fieldEnd, fieldFlags } = records;
    out.fill(0); // one-hot blocks and indicators: only the ones are written below
    for (let f = 0; f < fields.length; f++) {
      const k = first + fields[f];
      if (fieldFlags[k] & ESCAPED) return false;
      let s = fieldStart[k];
      let e = fieldEnd[k];
      while (s < e && isSpace(b[s])) s++;
      while (e > s && isSpace(b[e - 1])) e--;
      if (s < e && (b[s] >= 0x80 || b[e - 1] >= 0x80)) return false; // String.trim knows non-ASCII spaces
      const col = column[f];
      if (kinds[f] === 0) {
        const missing = s === e ? emptyIsMissing : numericMissing && pre.isMissingText(text(b, s, e));
        const v = missing || s === e ? NaN : parseDecimal(b, s, e);
        if (!Number.isNaN(v)) {
          out[col] = v;
          continue;
        }
        // Not a plain number read exactly: a missing text (→ the median), else the string path decides.
        if (!(missing || (s < e && !numericMissing && pre.isMissingText(text(b, s, e)))) || dropMissing) return false;
        out[col] = median[f];
        if (indicator[f]) out[col + 1] = 1;
      } else {
        let at = categories[f]!.find(b, s, e);
        if (at < 0) {
          // Not a known category: missing (→ the mode), or unseen (the string path applies the policy).
          if (!(s === e ? emptyIsMissing : pre.isMissingText(text(b, s, e))) || dropMissing) return false;
          at = modePosition[f];
        }
        if (at >= 0) out[col + at] = 1;
      }
    }
    return true;
  }
}

const ascii = new TextDecoder('utf-8', { ignoreBOM: true });
function text(b: Uint8Array, s: number, e: number): string {
  return ascii.decode(b.subarray(s, e));
}

/** The ASCII bytes String.prototype.trim removes (tab, LF, VT, FF, CR, space). */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
