/**
 * A table stored by column, each column's distinct cell texts once: what the preprocessor fits and encodes from. A
 * million rows of a few hundred distinct values per column hold those few hundred strings and one Int32Array per
 * column — no array per row — and fitting or encoding reads each distinct text once, not once per cell (issue 20).
 * `parseCsv`'s row tables are converted on the way in (`columnTable`); the CLI reads files straight into this form.
 */
import type { CsvTable, Delimiter } from './csv.js';
import { DataError } from './errors.js';

/** One column: row r's text is `values[codes[r]]`. */
export interface TableColumn {
  /** Per row, the number of its text in `values`; -1 when the row has no such field (a short row). */
  readonly codes: Int32Array;
  /** The column's cell texts as read (untrimmed). Two numbers may hold the same text (an escaped cell, a column past the reader's distinct-value limit). */
  readonly values: readonly string[];
}

/**
 * A table by column (see the file comment); `columnTable` makes one from `parseCsv`'s rows.
 * @example
 * const t = columnTable(parseCsv('a,b\n1,x\n2,x\n'));
 * t.cells[1].values; // ['x']
 */
export interface ColumnTable {
  /** Column names (from the header, or col1…colN). */
  columns: string[];
  /** Data rows. */
  rowCount: number;
  /** Starting line of each row in the source, for error messages. */
  lines: ArrayLike<number>;
  delimiter: Delimiter;
  /** One per column, in `columns` order. */
  cells: TableColumn[];
}

/** Either form of a table: `parseCsv`'s rows or columns. */
export type Table = CsvTable | ColumnTable;

/**
 * The table by column: itself when it already is one, else its rows converted (each column's texts numbered in order
 * of first appearance).
 * @example
 * const t = columnTable(parseCsv(text)); // t.rowCount === table.rows.length
 */
export function columnTable(table: Table): ColumnTable {
  if ('cells' in table) return table;
  const { columns, rows } = table;
  const cells = columns.map((_, j) => {
    const codes = new Int32Array(rows.length);
    const values: string[] = [];
    const seen = new Map<string, number>();
    for (let r = 0; r < rows.length; r++) {
      const text = rows[r][j];
      if (text === undefined) {
        codes[r] = -1;
        continue;
      }
      let code = seen.get(text);
      if (code === undefined) {
        code = values.length;
        seen.set(text, code);
        values.push(text);
      }
      codes[r] = code;
    }
    return { codes, values };
  });
  return { columns, rowCount: rows.length, lines: table.lines, delimiter: table.delimiter, cells };
}

/**
 * Column j's text in every row (undefined where a short row lacks it): for splits that read one column.
 * @example
 * columnTexts(columnTable(parseCsv('a\nx\ny\n')), 0); // ['x', 'y']
 */
export function columnTexts(table: ColumnTable, j: number): string[] {
  const { codes, values } = table.cells[j];
  const out = new Array<string>(table.rowCount);
  for (let r = 0; r < out.length; r++) out[r] = values[codes[r]];
  return out;
}

/**
 * For each of a column's texts — and, last, for "no field" (code -1) — the value `of` gives it: a formula applied
 * once per distinct text, then looked up per row with `slot`.
 * @example
 * const missing = perText(column, (t) => t === undefined || t.trim() === '');
 * missing[slot(column, column.codes[r])];
 */
export function perText<T>(column: TableColumn, of: (text: string | undefined) => T): T[] {
  const out = column.values.map((text) => of(text));
  out.push(of(undefined));
  return out;
}

/**
 * Whether `r` indexes a row of a table of `rowCount` rows: an integer in [0, rowCount) — not NaN, not 0.5 (either would
 * read no row's codes and encode garbage instead of failing).
 * @example
 * if (!isRowOf(r, table.rowCount)) throw new RangeError(`row ${r} is not in the table`);
 */
export function isRowOf(r: number, rowCount: number): boolean {
  return Number.isInteger(r) && r >= 0 && r < rowCount;
}

/** Where `perText`'s result for a code lies (-1, no field, is the last entry). */
export function slot(column: TableColumn, code: number): number {
  return code < 0 ? column.values.length : code;
}

/**
 * 1 where column j's text, trimmed, is `positive`; else 0 (a missing cell and a short row too): stratification labels.
 * @example
 * targetLabels(columnTable(parseCsv('y\nbad\ngood\n')), 0, 'bad'); // Uint8Array [1, 0]
 */
export function targetLabels(table: ColumnTable, j: number, positive: string): Uint8Array {
  const column = table.cells[j];
  const isPositive = perText(column, (text) => ((text ?? '').trim() === positive ? 1 : 0));
  const out = new Uint8Array(table.rowCount);
  for (let r = 0; r < out.length; r++) out[r] = isPositive[slot(column, column.codes[r])];
  return out;
}

/**
 * The columns named, in that order; refuses a table that lacks any of them, naming them all.
 * @example
 * const [income, home] = columnsNamed(table, ['Income', 'Home'], 'loans.csv');
 */
export function columnsNamed(table: ColumnTable, names: readonly string[], source?: string): TableColumn[] {
  const index = new Map(table.columns.map((c, j) => [c, j])); // (not indexOf per name: quadratic in a wide file)
  const lacking = names.filter((name) => !index.has(name));
  if (lacking.length)
    throw new DataError(`the file lacks column${lacking.length > 1 ? 's' : ''} ${lacking.map((c) => `'${c}'`).join(', ')} that the model needs`, { source });
  return names.map((name) => table.cells[index.get(name)!]);
}
