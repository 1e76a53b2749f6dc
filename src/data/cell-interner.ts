/** Cells as strings for a table built from bytes (training reads its file this way). */

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

/** One column's distinct short values: open addressing by FNV-1a of the bytes, the bytes kept to confirm a hit. */
class ColumnStrings {
  private slots = new Int32Array(1024);
  private readonly strings: string[] = [];
  private readonly bytes: number[][] = [];

  constructor(private readonly limit: number) {}

  get(b: Uint8Array, s: number, e: number): string {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const mask = this.slots.length - 1;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const index = this.slots[at] - 1;
      if (index < 0) break;
      const known = this.bytes[index];
      if (known.length !== e - s) continue;
      let same = true;
      for (let i = 0; i < known.length && same; i++) same = known[i] === b[s + i];
      if (same) return this.strings[index];
    }
    const text = utf8.decode(b.subarray(s, e));
    if (this.strings.length < this.limit) this.add(text, Array.from(b.subarray(s, e)), h);
    return text;
  }

  private add(text: string, bytes: number[], h: number): void {
    if (2 * (this.strings.length + 1) > this.slots.length) {
      const old = this.bytes;
      this.slots = new Int32Array(2 * this.slots.length);
      const mask = this.slots.length - 1;
      old.forEach((known, index) => {
        let g = 0x811c9dc5;
        for (const c of known) g = Math.imul(g ^ c, 0x01000193);
        let at = g & mask;
        while (this.slots[at] !== 0) at = (at + 1) & mask;
        this.slots[at] = index + 1;
      });
    }
    const mask = this.slots.length - 1;
    let at = h & mask;
    while (this.slots[at] !== 0) at = (at + 1) & mask;
    this.strings.push(text);
    this.bytes.push(bytes);
    this.slots[at] = this.strings.length;
  }
}
