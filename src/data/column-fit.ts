/**
 * What `Preprocessor.fit` learns from one column of a ColumnTable, read by distinct text: counts per text over the
 * rows fitted on, each text parsed once, the median from (value, count) pairs. The results are those of reading every
 * cell in row order (the order of first appearance is kept where a message lists values).
 */
import { badNumberReason, float32Problem, parseNumber } from './cells.js';
import { isRowOf, slot, type ColumnTable, type TableColumn } from './column-table.js';
import { DataError } from './errors.js';
import type { FeatureSpec } from './preprocessor-state.js';

/** How many of `rows` hold each text of the column (by `slot`), and the slots in order of first appearance. */
function countTexts(column: TableColumn, rows: ArrayLike<number>): { counts: Int32Array; order: number[] } {
  const counts = new Int32Array(column.values.length + 1);
  const order: number[] = [];
  const { codes } = column;
  for (let i = 0; i < rows.length; i++) {
    const s = slot(column, codes[rows[i]]);
    if (counts[s]++ === 0) order.push(s);
  }
  return { counts, order };
}

/** The rows with a target and, for each (column, missing-by-slot) pair given, a present cell. */
export function usableRows(
  table: ColumnTable,
  rows: ArrayLike<number>,
  target: TableColumn,
  targetMissing: readonly boolean[],
  required: ReadonlyArray<readonly [TableColumn, readonly boolean[]]>,
): Int32Array {
  const out = new Int32Array(rows.length);
  let n = 0;
  next: for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!isRowOf(r, table.rowCount)) throw new RangeError(`row ${r} is not in the table (${table.rowCount} rows)`);
    if (targetMissing[slot(target, target.codes[r])]) continue;
    for (const [column, missing] of required) if (missing[slot(column, column.codes[r])]) continue next;
    out[n++] = r;
  }
  return out.subarray(0, n);
}

/** The first of `rows` whose cell `problem` names (it is asked once per distinct text), or -1. */
function firstRow(column: TableColumn, rows: ArrayLike<number>, problem: (slot: number) => string | null): number {
  const known = new Uint8Array(column.values.length + 1); // 0 not asked yet, 1 fine, 2 a problem
  for (let i = 0; i < rows.length; i++) {
    const s = slot(column, column.codes[rows[i]]);
    if (known[s] === 0) known[s] = problem(s) === null ? 1 : 2;
    if (known[s] === 2) return rows[i];
  }
  return -1;
}

/**
 * One feature column over the rows fitted on: cells present (not missing), how many of them parse as numbers, each
 * text's number (NaN when it is not one), and, on demand, the median and the category counts.
 */
export function readColumn(column: TableColumn, rows: ArrayLike<number>, missing: readonly boolean[]) {
  const { counts, order } = countTexts(column, rows);
  const number = new Float64Array(column.values.length + 1).fill(Number.NaN);
  const presentSlots = order.filter((s) => !missing[s]);
  let present = 0;
  let numeric = 0;
  for (const s of presentSlots) {
    number[s] = parseNumber(column.values[s].trim());
    present += counts[s];
    if (!Number.isNaN(number[s])) numeric += counts[s];
  }
  return {
    present,
    numeric,
    number,
    /** The slots of the texts these rows hold, in order of first appearance. */
    slots: order,
    /** The median of the present cells' numbers, as `median` over every cell (call when all are numbers). */
    median: () => weightedMedian(number, counts, presentSlots),
    /** Trimmed text → count, in order of first appearance. */
    categories: () => {
      const byText = new Map<string, number>();
      for (const s of presentSlots) {
        const v = column.values[s].trim();
        byText.set(v, (byText.get(v) ?? 0) + counts[s]);
      }
      return byText;
    },
  };
}

/**
 * The median of a multiset given as values[s] repeated counts[s] times for s in `slots` — the same number `median`
 * gives for the expanded list (sorted as a Float64Array sorts: −0 before +0), without expanding it. 0 when empty.
 * @example
 * weightedMedian(Float64Array.of(3, 1), Int32Array.of(1, 2), [0, 1]); // 1 (of 1, 1, 3)
 */
export function weightedMedian(values: Float64Array, counts: Int32Array, slots: readonly number[]): number {
  const sorted = Float64Array.from(slots, (s) => values[s]).sort();
  // Counts follow their values: the distinct numbers sorted, each slot's count added to its number's.
  const unique: number[] = [];
  for (const v of sorted) if (unique.length === 0 || !Object.is(unique[unique.length - 1], v)) unique.push(v);
  const distinct = Float64Array.from(unique);
  const weight = new Float64Array(distinct.length);
  for (const s of slots) weight[lowerBound(distinct, values[s])] += counts[s];
  let total = 0;
  for (const w of weight) total += w;
  if (total === 0) return 0;
  const at = (k: number) => {
    let seen = 0;
    for (let i = 0; i < distinct.length; i++) {
      seen += weight[i];
      if (k < seen) return distinct[i];
    }
    return distinct[distinct.length - 1];
  };
  const m = Math.floor(total / 2);
  return total % 2 ? at(m) : (at(m - 1) + at(m)) / 2;
}

/** The first index of `a` (sorted as a Float64Array sorts) holding v; −0 and +0 told apart. */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(a[mid], v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** a sorts before b in a Float64Array (−0 before +0). */
function before(a: number, b: number): boolean {
  return a < b || (a === 0 && b === 0 && Object.is(a, -0) && !Object.is(b, -0));
}

/**
 * One feature's spec from the usable training rows: numeric when every present cell is a number (or `kind` says so),
 * else categorical. Refuses, naming the first offending row's line: an empty column, a stray non-number among
 * numbers, a cell a numeric column cannot hold, more than `maxCategories` categories.
 */
export function learnFeature(
  t: ColumnTable,
  j: number,
  usable: Int32Array,
  missing: readonly boolean[],
  options: { kind?: 'numeric' | 'categorical'; indicators: boolean; maxCategories: number; source?: string },
): FeatureSpec {
  const name = t.columns[j];
  const column = t.cells[j];
  const src = options.source;
  const read = readColumn(column, usable, missing);
  if (read.present === 0) throw new DataError(`column '${name}' is empty in every training row; exclude it`, { source: src, column: name });
  const allNumeric = read.numeric === read.present;
  // The first usable row whose cell has a problem, named by its line.
  const refuse = (problem: (s: number) => string | null) => {
    if (!read.slots.some((s) => problem(s) !== null)) return; // no text has a problem: no row to look for
    const r = firstRow(column, usable, problem);
    if (r >= 0) throw new DataError(problem(slot(column, column.codes[r]))!, { source: src, line: t.lines[r], column: name });
  };
  const notANumber = (s: number) => !missing[s] && Number.isNaN(read.number[s]);
  if (!allNumeric && options.kind === undefined && read.numeric >= 0.9 * read.present && read.numeric >= 10) {
    // Almost all numbers: a stray cell ('Infinity', '1,200', '1e999') is far likelier a data error than a category.
    refuse((s) =>
      notANumber(s)
        ? `${badNumberReason(column.values[s])} in column '${name}', whose other values are numbers; fix the cell, or declare the column categorical`
        : null,
    );
  }
  const kind = options.kind ?? (allNumeric ? 'numeric' : 'categorical');
  if (kind === 'numeric') {
    refuse((s) =>
      missing[s] ? null : notANumber(s) ? `${badNumberReason(column.values[s])} in numeric column '${name}'` : float32Problem(column.values[s], read.number[s]),
    );
    return { name, kind, median: read.median(), indicator: options.indicators && read.present < usable.length };
  }
  const counts = read.categories();
  if (counts.size > options.maxCategories) {
    throw new DataError(
      `categorical column '${name}' has ${counts.size} distinct values (more than maxCategories = ${options.maxCategories}); exclude it or raise the limit`,
      { source: src, column: name },
    );
  }
  const categories = [...counts.keys()].sort();
  let mode = categories[0];
  for (const c of categories) if (counts.get(c)! > counts.get(mode)!) mode = c;
  return { name, kind, categories, mode };
}

const UNREAD = 0,
  PRESENT = 1;
/** A reading's status: the cell was missing (its value is the imputed one), or cannot be encoded. */
export const MISSING = 2,
  PROBLEM = 3;

/** A cell read for one feature (Preprocessor.readCell): its value, whether it was missing, or why it cannot be encoded. */
export interface CellReading {
  value: number;
  missing: boolean;
  problem: { reason: string; fatal: boolean } | null;
}

/** A feature column's readings, one per distinct text (read on first use): status, value, and the problems. */
export class ColumnReadings {
  readonly status: Uint8Array;
  readonly value: Float64Array;
  readonly problems = new Map<number, { reason: string; fatal: boolean }>();
  private readonly codes: Int32Array;

  constructor(
    private readonly column: TableColumn,
    private readonly read: (text: string | undefined) => CellReading,
  ) {
    this.status = new Uint8Array(column.values.length + 1);
    this.value = new Float64Array(column.values.length + 1);
    this.codes = column.codes;
  }

  /**
   * `slotOf` for rows[from…to) into out[0…): one column at a time, its codes are read from cache rather than memory when
   * the rows come shuffled (row by row, a table's 22 columns of codes, 88 MB per million rows, would all miss). A row
   * outside the table gets slot 0 (the caller refuses it before use).
   */
  slotsOf(rows: ArrayLike<number>, from: number, to: number, out: Int32Array): Int32Array {
    const n = this.codes.length;
    for (let i = from; i < to; i++) {
      const r = rows[i];
      out[i - from] = r >= 0 && r < n ? this.slotOf(r) : 0;
    }
    return out;
  }

  /** The slot of row r's text, read first if it was not yet. */
  slotOf(r: number): number {
    const code = this.codes[r];
    const at = code < 0 ? this.status.length - 1 : code;
    if (this.status[at] === UNREAD) {
      const reading = this.read(this.column.values[code]);
      this.value[at] = reading.value;
      this.status[at] = reading.problem ? PROBLEM : reading.missing ? MISSING : PRESENT;
      if (reading.problem) this.problems.set(at, reading.problem);
    }
    return at;
  }
}
