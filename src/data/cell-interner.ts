/** Cells as strings for a table built from bytes (training reads its file this way). */

import { ByteTable } from './byte-table.js';
import { ESCAPED, fieldCount, fieldText, type ByteRecords } from './csv-bytes.js';

// ignoreBOM: a U+FEFF inside a cell is the cell's.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Record fields as strings, with each column's repeated values sharing one string: a million rows of a few hundred
 * distinct categories or small integers hold those few hundred strings, not a million (what training on a large file
 * keeps in memory). Values are found by a hash of their bytes, so a repeated cell costs no decoding either. A column
 * stops interning past `perColumn` distinct values (an identifier or a continuous amount gains nothing from it).
 * @example
 * const cells = new CellInterner();
 * const fields = cells.fields(records, 0); // what recordFields gives, with shared strings
 */
export class CellInterner {
  private readonly columns: ColumnStrings[] = [];

  constructor(private readonly perColumn = 1 << 16) {}

  fields(records: ByteRecords, r: number): string[] {
    const n = fieldCount(records, r);
    const out = new Array<string>(n);
    const first = records.firstField[r];
    const b = records.bytes;
    for (let f = 0; f < n; f++) {
      const k = first + f;
      const s = records.fieldStart[k],
        e = records.fieldEnd[k];
      if (records.fieldFlags[k] & ESCAPED || e - s > 64) {
        out[f] = fieldText(records, r, f);
        continue;
      }
      const column = this.columns[f] ?? (this.columns[f] = new ColumnStrings(this.perColumn));
      out[f] = column.get(b, s, e);
    }
    return out;
  }
}

/** One column's distinct short values, found by their bytes (ByteTable), numbered as `strings`. */
class ColumnStrings {
  private readonly table = new ByteTable();
  private readonly strings: string[] = [];

  constructor(private readonly limit: number) {}

  get(b: Uint8Array, s: number, e: number): string {
    const index = this.table.find(b, s, e);
    if (index >= 0) return this.strings[index];
    const text = utf8.decode(b.subarray(s, e));
    if (this.strings.length < this.limit) {
      this.table.add(b, s, e);
      this.strings.push(text);
    }
    return text;
  }
}
