/**
 * CSV bytes → ColumnTable without a string per cell: each field is looked up by a hash of its bytes among its
 * column's texts seen so far (ByteTable), so a repeated value costs no decoding and no allocation. The header and the
 * errors are `recordsToTable`'s (empty file, empty or duplicate column names, a row with the wrong field count).
 */
import { ensure } from '../core/arrays.js';
import { ByteTable } from './byte-table.js';
import type { ColumnTable } from './column-table.js';
import { ESCAPED, CsvByteScanner, fieldCount, fieldText, type ByteRecords } from './csv-bytes.js';
import { CsvError, type Delimiter } from './csv.js';

// ignoreBOM: a U+FEFF inside a cell is the cell's.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Distinct texts a column keeps for lookup; past this (an identifier, a continuous amount with every value new) each
 * new text is decoded and numbered without being kept for lookup, so the hash table stays small.
 */
const LOOKUP_LIMIT = 1 << 16;

/**
 * Collects ByteRecords batches (from a CsvByteScanner) into a ColumnTable.
 * @example
 * const scanner = new CsvByteScanner({ source: 'in.csv' });
 * const reader = new ColumnTableReader({ source: 'in.csv' });
 * reader.add(scanner.push(bytes));
 * reader.add(scanner.end());
 * const table = reader.finish(scanner.detectedDelimiter ?? ',');
 */
export class ColumnTableReader {
  private columns: string[] | null = null;
  private headerLine = 1;
  private readonly builders: ColumnBuilder[] = [];
  private lines = new Int32Array(1024);
  private rows = 0;
  private readonly header: boolean;
  private readonly source?: string;

  private readonly lookupLimit: number;

  /**
   * `header` (default true): the first record names the columns; else they are col1…colN. `lookupLimit`: distinct
   * texts a column keeps for lookup (default 65,536).
   */
  constructor(options: { header?: boolean; source?: string; lookupLimit?: number } = {}) {
    this.header = options.header ?? true;
    this.source = options.source;
    this.lookupLimit = options.lookupLimit ?? LOOKUP_LIMIT;
  }

  /** Data rows read so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Columns (0 before the first record). */
  get width(): number {
    return this.columns?.length ?? 0;
  }

  /**
   * Adds a batch's records (they are copied out: the batch may be reused afterwards), column by column: one column's
   * lookup table stays in cache over the batch (record by record, every column's table would be touched per row). The
   * records before one of the wrong width are added, then it is refused, as record by record.
   */
  add(records: ByteRecords): void {
    let r0 = 0;
    if (this.columns === null) {
      if (records.count === 0) return;
      this.start(records, 0);
      if (this.header) r0 = 1;
    }
    const width = this.columns!.length;
    let r1 = r0;
    while (r1 < records.count && fieldCount(records, r1) === width) r1++;
    const m = r1 - r0,
      row0 = this.rows;
    if (m > 0) {
      this.lines = ensure(this.lines, row0 + m);
      for (let i = 0; i < m; i++) this.lines[row0 + i] = records.line[r0 + i];
      const { bytes, firstField, fieldStart, fieldEnd, fieldFlags } = records;
      for (let f = 0; f < width; f++) {
        const column = this.builders[f];
        const codes = (column.codes = ensure(column.codes, row0 + m));
        for (let i = 0; i < m; i++) {
          const k = firstField[r0 + i] + f;
          codes[row0 + i] = fieldFlags[k] & ESCAPED ? column.escapedCode(fieldText(records, r0 + i, f)) : column.code(bytes, fieldStart[k], fieldEnd[k]);
        }
      }
      this.rows += m;
    }
    if (r1 < records.count) throw new CsvError(`expected ${width} fields, found ${fieldCount(records, r1)}`, records.line[r1], undefined, this.source);
  }

  /** The table read so far; throws when not even a header was read. */
  finish(delimiter: Delimiter): ColumnTable {
    if (this.columns === null) throw new CsvError('the file is empty', 1, undefined, this.source);
    const rows = this.rows;
    return {
      columns: this.columns,
      rowCount: rows,
      lines: this.lines.subarray(0, rows),
      delimiter,
      cells: this.builders.map((b) => ({ codes: b.codes.subarray(0, rows), values: b.values })),
    };
  }

  private start(records: ByteRecords, r: number): void {
    const n = fieldCount(records, r);
    this.headerLine = records.line[r];
    const names: string[] = [];
    for (let f = 0; f < n; f++) names.push(this.header ? fieldText(records, r, f).trim() : `col${f + 1}`);
    const seen = new Map<string, number>();
    names.forEach((c, i) => {
      if (c === '') throw new CsvError('empty column name in the header', this.headerLine, i, this.source);
      if (seen.has(c)) throw new CsvError(`duplicate column name '${c}' (also column ${seen.get(c)! + 1})`, this.headerLine, i, this.source);
      seen.set(c, i);
    });
    this.columns = names;
    for (let f = 0; f < n; f++) this.builders.push(new ColumnBuilder(this.lookupLimit));
  }
}

/**
 * Reads CSV bytes (a whole file in memory) into a ColumnTable: the same records, errors and line numbers as
 * `parseCsv` on the decoded text, a fraction of the memory for a large file. The bytes must be valid UTF-8.
 * @example
 * const table = parseCsvColumns(readFileSync('loans.csv'), { source: 'loans.csv' });
 * const prep = prepareTable(table, { target: 'Status', positive: 'bad' });
 */
export function parseCsvColumns(bytes: Uint8Array, options: { delimiter?: Delimiter | 'auto'; header?: boolean; source?: string } = {}): ColumnTable {
  const scanner = new CsvByteScanner({ delimiter: options.delimiter, source: options.source });
  const reader = new ColumnTableReader(options);
  reader.add(scanner.push(bytes));
  reader.add(scanner.end());
  return reader.finish(scanner.detectedDelimiter ?? ',');
}

/**
 * One table from consecutive parts of a file read separately (by worker threads): the rows in part order, each
 * part's codes renumbered into the joined column's texts, each part's line numbers moved by its `lineShift` (a part
 * read from the middle of a file counts its lines from 1). The parts must have the same columns; the columns' names
 * and delimiter are the first part's. A column keeps texts for lookup up to the reader's limit, as one reader would.
 * @example
 * const whole = joinColumnTables([head, tail], [0, lastLineOfHead]);
 */
export function joinColumnTables(parts: readonly ColumnTable[], lineShift: readonly number[], lookupLimit = LOOKUP_LIMIT): ColumnTable {
  const first = parts[0];
  const width = first.columns.length;
  for (const part of parts) if (part.columns.length !== width) throw new RangeError(`parts of ${part.columns.length} and ${width} columns cannot be joined`);
  let rowCount = 0;
  for (const part of parts) rowCount += part.rowCount;
  const lines = new Int32Array(rowCount);
  let at = 0;
  parts.forEach((part, p) => {
    for (let r = 0; r < part.rowCount; r++) lines[at + r] = part.lines[r] + lineShift[p];
    at += part.rowCount;
  });
  const cells = first.cells.map((_, j) => {
    const codes = new Int32Array(rowCount);
    const values: string[] = [];
    const known = new Map<string, number>();
    let start = 0;
    for (const part of parts) {
      const column = part.cells[j];
      // The part's code → the joined code, text by text (a text seen before keeps its first code).
      const to = new Int32Array(column.values.length);
      column.values.forEach((text, code) => {
        let joined = known.get(text);
        if (joined === undefined) {
          joined = values.push(text) - 1;
          if (known.size < lookupLimit) known.set(text, joined);
        }
        to[code] = joined;
      });
      const from = column.codes;
      let same = true; // the part's codes are the joined ones (the first part's, unless its texts repeat): copied whole
      for (let code = 0; code < to.length && same; code++) same = to[code] === code;
      if (same) codes.set(from.subarray(0, part.rowCount), start);
      else
        for (let r = 0; r < part.rowCount; r++) {
          const c = from[r];
          codes[start + r] = c < 0 ? c : to[c];
        }
      start += part.rowCount;
    }
    return { codes, values };
  });
  return { columns: first.columns, rowCount, lines, delimiter: first.delimiter, cells };
}

/** One column's codes and texts as they are read. */
class ColumnBuilder {
  codes = new Int32Array(16); // grown by doubling: a file 200k columns wide must not start with 800 MB of codes
  readonly values: string[] = [];
  private readonly lookup = new ByteTable();
  /** The code of each of the lookup's entries. */
  private readonly lookupCodes: number[] = [];
  /** Texts of escaped cells (their bytes are not their text), by text. */
  private escaped: Map<string, number> | null = null;

  constructor(private readonly lookupLimit: number) {}

  /** The code of a field whose bytes are its text. */
  code(b: Uint8Array, s: number, e: number): number {
    const index = this.lookup.find(b, s, e);
    if (index >= 0) return this.lookupCodes[index];
    const code = this.values.push(utf8.decode(b.subarray(s, e))) - 1;
    if (this.lookupCodes.length < this.lookupLimit) this.lookupCodes[this.lookup.add(b, s, e)] = code;
    return code;
  }

  /** The code of an escaped field's text. */
  escapedCode(text: string): number {
    this.escaped ??= new Map();
    let code = this.escaped.get(text);
    if (code === undefined) {
      code = this.values.push(text) - 1;
      this.escaped.set(text, code);
    }
    return code;
  }
}
