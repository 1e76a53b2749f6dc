/**
 * The fitted path from a table of strings to model inputs: column schema (numeric or categorical),
 * one-hot encoders with category lists fixed at fit time, a missing-value policy, the target's positive
 * label and the standardisation statistics — one JSON-able object that travels with the model, so
 * scoring applies exactly what training learnt. No dependencies and no Node built-ins (the edge scorer
 * uses it).
 */
import { MAX_STANDARDIZED } from './cells.js';
import { CellReader, fieldOf, fieldText } from './cell-reader.js';
import { ColumnMoments, RowStandardizer } from './standardize.js';
import { indices } from '../core/arrays.js';
import { UsageError } from '../core/errors.js';
import { ColumnReadings, MISSING, PROBLEM, type CellReading } from './column-fit.js';
import { columnTable, columnsNamed, isRowOf, perText, slot, type ColumnTable, type Table, type TableColumn } from './column-table.js';
import { DataError, ScoringError } from './errors.js';
import { learnSchema } from './schema-fit.js';
import { checkPreprocessorState, type FeatureSpec, type PreprocessorOptions, type PreprocessorState } from './preprocessor-state.js';

export type { FeatureSpec, MissingPolicy, PreprocessorOptions, PreprocessorState, UnseenPolicy } from './preprocessor-state.js';

/** Rows encoded by `Preprocessor.transform`. */
export interface EncodedData {
  /** rows × cols, row-major. */
  x: Float32Array;
  /** 0/1 labels (present when the table has the target column). */
  y: Uint8Array | null;
  rows: number;
  cols: number;
  /** For each encoded row, its index in the table's rows. */
  sourceRows: Uint32Array;
  /** Rows that were left out, with their line and the reason. */
  skipped: { row: number; line: number; reason: string }[];
}

export { DEFAULT_MISSING, parseNumber } from './cells.js';
/** What `transform` hands `encodeBlock`: the table, rows and readings, and the arrays it fills. */
interface TransformJob {
  t: ColumnTable;
  rows: ArrayLike<number>;
  readings: ColumnReadings[];
  slots: Int32Array[];
  labels: number[] | null;
  target: TableColumn | null;
  x: Float32Array;
  y: Uint8Array | null;
  sourceRows: Uint32Array;
  scale: boolean;
  far: Int32Array;
}

const FIT_BATCH_ROWS = 65536; // training rows encoded per batch while fitting the standardisation
const SLOT_BLOCK = 1024; // rows whose slots transform gathers, and encodes, feature by feature

/**
 * A fitted schema + encoders + scaler; build it with `Preprocessor.fit`, store it with `toJSON`.
 * @example
 * const pre = Preprocessor.fit(table, { target: 'Status', positive: 'bad' }, split.train);
 * const x = pre.transformRecord({ Income: 129, Home: 'rent' });
 */
export class Preprocessor {
  /** The one reading of a cell (tables per distinct text, records per field). */
  private readonly cells: CellReader;

  private constructor(readonly state: PreprocessorState) {
    this.cells = new CellReader(state);
    const blocks = this.featureBlocks();
    const numericColumns = blocks.flatMap((b) => (b.kind === 'numeric' ? [b.start] : []));
    this.numeric = Uint8Array.from(blocks, (b) => (b.kind === 'numeric' ? 1 : 0));
    this.width = Int32Array.from(blocks, (b) => b.end - b.start);
    this.standardizer = new RowStandardizer(state.mean, state.scale, numericColumns);
  }

  private readonly standardizer: RowStandardizer; // (x − mean) / scale: the one formula every encoder uses
  /** `CellReader.read`'s answer, filled in place (its readers copy what they keep). */
  private readonly reading: CellReading = { value: 0, missing: false, problem: null };
  /** Per feature: 1 when numeric; its encoded columns (numeric: 1, or 2 with the missing indicator; one-hot: categories). */
  private readonly numeric: Uint8Array;
  private readonly width: Int32Array;

  /** Whether a cell's text means "missing" to this model (its `missingValues`, compared after trimming). */
  isMissingText(text: string): boolean {
    return this.cells.isMissingText(text);
  }

  /** Position of `category` among feature `f`'s one-hot columns, or -1 when it was not seen in training. */
  categoryPosition(f: number, category: string): number {
    return this.cells.categoryPosition(f, category);
  }

  get columns(): string[] {
    return this.state.columns;
  }
  get cols(): number {
    return this.state.columns.length;
  }
  get target(): string {
    return this.state.target;
  }
  get positive(): string {
    return this.state.positive;
  }
  get features(): FeatureSpec[] {
    return this.state.features;
  }

  /**
   * Learns the schema, categories, imputation values and scaling from `rowIndices` of `table` (all rows
   * when absent) — pass only the training rows so nothing leaks from the test part.
   * @example
   * const pre = Preprocessor.fit(table, { target: 'Status', positive: 'bad' }, split.train);
   * const train = pre.transform(table, split.train);
   */
  static fit(table: Table, options: PreprocessorOptions, rowIndices?: ArrayLike<number>): Preprocessor {
    return Preprocessor.fitEncoding(table, options, rowIndices, false).preprocessor;
  }

  /**
   * `fit`, and `transform` of the same rows, at once: the rows are encoded once — the raw encoding gives the scaling,
   * then is standardised in place — instead of twice. The same preprocessor and the same bits as the two calls.
   * @example
   * const { preprocessor, encoded } = Preprocessor.fitTransform(table, { target: 'Status', positive: 'bad' }, split.train);
   */
  static fitTransform(table: Table, options: PreprocessorOptions, rowIndices?: ArrayLike<number>): { preprocessor: Preprocessor; encoded: EncodedData } {
    const t = columnTable(table); // converted once, for both
    const { preprocessor, raw: encoded } = Preprocessor.fitEncoding(t, options, rowIndices, true) as { preprocessor: Preprocessor; raw: EncodedData };
    const names = preprocessor.features.map((f) => f.name);
    const columns = columnsNamed(t, names, options.source);
    for (let i = 0; i < encoded.rows; i++) {
      const r = encoded.sourceRows[i];
      const problem = preprocessor.standardizeRow(encoded.x, i * encoded.cols, (f) => columns[f].values[columns[f].codes[r]]);
      if (problem) throw new DataError(problem.reason, { source: options.source, line: t.lines[r] ?? r + 2, column: problem.column });
    }
    return { preprocessor, encoded };
  }

  /** fit's work; with `keep`, the raw encoding of all the rows (else encoded a batch at a time and dropped). */
  private static fitEncoding(
    table: Table,
    options: PreprocessorOptions,
    rowIndices: ArrayLike<number> | undefined,
    keep: boolean,
  ): { preprocessor: Preprocessor; raw: EncodedData | null } {
    const t = columnTable(table);
    const src = options.source;
    const { state, isIndicator, rows, usable } = learnSchema(t, options, rowIndices);
    const columns = state.columns;
    const pre = new Preprocessor(state);
    // Scaling from the encoded training rows in row order (Welford: the same bits however batched), not of indicator
    // and one-hot columns (mean 0, scale 1 unless scaleIndicators). Without `keep`, a batch at a time (a million
    // rows never sit encoded twice); with it, all the rows asked for (transform skips exactly the unusable ones).
    const scaled = (j: number) => !isIndicator[j] || !!options.scaleIndicators;
    const moments = new ColumnMoments(columns.length, indices(columns.length).filter(scaled));
    let raw: EncodedData | null = null;
    if (keep) {
      raw = pre.transform(t, rows, { scale: false, source: src });
      moments.add(raw.x, raw.rows);
    } else
      for (let at = 0; at < usable.length; at += FIT_BATCH_ROWS) {
        const batch = pre.transform(t, usable.subarray(at, at + FIT_BATCH_ROWS), { scale: false, source: src });
        moments.add(batch.x, batch.rows);
      }
    const { mean, scale } = moments.result();
    for (let j = 0; j < columns.length; j++) {
      if (!scaled(j)) continue;
      pre.state.mean[j] = mean[j];
      pre.state.scale[j] = scale[j];
    }
    return { preprocessor: new Preprocessor(pre.state), raw }; // built again: its standardizer copies mean and scale
  }

  /**
   * Encodes rows of a table (all when `rowIndices` is absent). Rows with a missing target, or a missing
   * feature under the 'drop' policy, or (with `invalid: 'skip'`) an unusable cell, go to `skipped`
   * with their line and reason; otherwise an unusable cell throws a `DataError` naming line and column.
   */
  transform(table: Table, rowIndices?: ArrayLike<number>, options: { scale?: boolean; invalid?: 'error' | 'skip'; source?: string } = {}): EncodedData {
    const st = this.state;
    const t = columnTable(table);
    // Each feature's distinct texts read once (CellReader.read); the rows then only look their texts' readings up.
    const names = st.features.map((f) => f.name);
    const columns = columnsNamed(t, names, options.source);
    const readings = columns.map((column, f) => new ColumnReadings(column, (text) => this.cells.read(f, text, this.reading)));
    const ti = t.columns.indexOf(st.target);
    const target = ti < 0 ? null : t.cells[ti];
    const labels = target && perText(target, (text) => (text === undefined || this.isMissingText(text) ? -1 : text.trim() === st.positive ? 1 : 0));
    const rows = rowIndices ?? indices(t.rowCount);
    const cols = st.columns.length;
    const x = new Float32Array(rows.length * cols);
    const y = labels ? new Uint8Array(rows.length) : null;
    const sourceRows = new Uint32Array(rows.length);
    const skipped: EncodedData['skipped'] = [];
    const scale = options.scale ?? true;
    let n = 0;
    // A row that cannot be encoded: an error, or (`invalid: 'skip'`, or not fatal) left out — the next row is
    // written over it, into zeros.
    const leaveOut = (r: number, line: number, column: string, problem: { reason: string; fatal: boolean }) => {
      if (problem.fatal && (options.invalid ?? 'error') === 'error') throw new DataError(problem.reason, { source: options.source, line, column });
      skipped.push({ row: r, line, reason: `column '${column}': ${problem.reason}` });
      x.fill(0, n * cols, (n + 1) * cols);
    };
    // Rows a block at a time, each feature's slots gathered first (see ColumnReadings.slotsOf); a block is encoded at
    // once where it can be (encodeBlock), else row by row.
    const slots = readings.map(() => new Int32Array(Math.min(rows.length, SLOT_BLOCK)));
    const job: TransformJob = { t, rows, readings, slots, labels, target, x, y, sourceRows, scale, far: new Int32Array(SLOT_BLOCK) };
    for (let i0 = 0; i0 < rows.length; i0 += SLOT_BLOCK) {
      const end = Math.min(rows.length, i0 + SLOT_BLOCK);
      for (let f = 0; f < readings.length; f++) readings[f].slotsOf(rows, i0, end, slots[f]);
      const written = this.encodeBlock(job, n, i0, end);
      n += written;
      if (written > 0) continue;
      next: for (let i = i0; i < end; i++) {
        const r = rows[i];
        if (!isRowOf(r, t.rowCount)) throw new RangeError(`row ${r} is not in the table (${t.rowCount} rows)`);
        const line = t.lines[r] ?? r + 2;
        if (labels) {
          const label = labels[slot(target!, target!.codes[r])];
          if (label < 0) {
            skipped.push({ row: r, line, reason: `missing target '${st.target}'` });
            continue;
          }
          y![n] = label;
        }
        let k = n * cols;
        for (let f = 0; f < readings.length; f++) {
          const reading = readings[f];
          const at = slots[f][i - i0];
          if (reading.status[at] === PROBLEM) {
            leaveOut(r, line, st.features[f].name, reading.problems.get(at)!);
            continue next;
          }
          k = this.writeFeature(x, k, f, reading.value[at], reading.status[at] === MISSING);
        }
        const far = scale && this.standardizeRow(x, n * cols, (f) => columns[f].values[columns[f].codes[r]]);
        if (far) {
          leaveOut(r, line, far.column, { reason: far.reason, fatal: true });
          continue;
        }
        sourceRows[n] = r;
        n++;
      }
    }
    return { x: x.subarray(0, n * cols), y: y ? y.subarray(0, n) : null, rows: n, cols, sourceRows: sourceRows.subarray(0, n), skipped };
  }

  /**
   * Rows [i0, i1) of a transform (their slots gathered) into rows n… at once, feature by feature, when none needs the
   * row-by-row loop: every row is in the table and has its target, no cell has a problem and (scaled) no value lies too
   * far out. Returns the rows written, or 0 — then the loop encodes the block from row n again (over what this wrote), with
   * its errors and skipped rows.
   * The same bits as the loop: the same writeFeature per cell, and standardize does `apply`'s operations.
   */
  private encodeBlock(job: TransformJob, n: number, i0: number, i1: number): number {
    const { t, rows, readings, slots, labels, target, x, y, sourceRows, far } = job;
    const cols = this.state.columns.length,
      m = i1 - i0;
    for (let b = 0; b < m; b++) {
      const r = rows[i0 + b];
      if (!isRowOf(r, t.rowCount)) return 0;
      if (labels) {
        const label = labels[slot(target!, target!.codes[r])];
        if (label < 0) return 0;
        y![n + b] = label;
      }
      sourceRows[n + b] = r;
    }
    for (let f = 0; f < readings.length; f++) {
      const { status, problems } = readings[f],
        s = slots[f];
      if (problems.size > 0) for (let b = 0; b < m; b++) if (status[s[b]] === PROBLEM) return 0;
    }
    // Feature by feature: one feature's readings and slots in hand, its kind's branch the same for every row.
    for (let f = 0, k0 = n * cols; f < readings.length; k0 += this.width[f++]) {
      const { status, value } = readings[f],
        s = slots[f];
      for (let b = 0, k = k0; b < m; b++, k += cols) this.writeFeature(x, k, f, value[s[b]], status[s[b]] === MISSING);
    }
    if (job.scale) {
      this.standardize(x, n * cols, m, far);
      for (let b = 0; b < m; b++)
        if (far[b] >= 0) {
          x.fill(0, n * cols, (n + m) * cols);
          return 0;
        }
    }
    return m;
  }

  /**
   * Encodes one record (an object keyed by column name; values may be strings, numbers or null/undefined
   * for missing) into `out` (length `cols`). Throws a `DataError` naming the column when it cannot.
   * @example
   * const x = pre.transformRecord({ Seniority: 9, Home: 'rent', Income: 129 });
   */
  transformRecord(record: Record<string, unknown>, out: Float32Array = new Float32Array(this.cols)): Float32Array {
    const problem = this.encodeRecord(record, out, 0, false);
    if (problem) throw new ScoringError(problem.reason, { column: problem.column });
    return out;
  }

  /**
   * Encodes many records into one row-major array (records.length × cols). A record that cannot be encoded
   * throws a `DataError` naming its index and column.
   * @example
   * const x = pre.transformRecords([{ Income: 129, Home: 'rent' }, { Income: 80, Home: 'own' }]);
   */
  transformRecords(records: readonly Record<string, unknown>[]): Float32Array {
    return this.transformRecordsInto(new Float32Array(records.length * this.cols), records, 0, records.length);
  }

  /**
   * `transformRecords` of records[from…to) into `out` from its start ((to − from) × cols values, whatever it held):
   * a batch encoded a block at a time into one buffer. Errors name a record by its index in `records`.
   * @example
   * pre.transformRecordsInto(block, records, 4096, 8192); // records 4096…8191, rows 0…4095 of block
   */
  transformRecordsInto(out: Float32Array, records: readonly Record<string, unknown>[], from: number, to: number): Float32Array {
    const cols = this.cols;
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= records.length))
      throw new UsageError(`transformRecordsInto: records ${from}…${to} are not a range of the ${records.length} given`);
    if (out.length < (to - from) * cols)
      throw new UsageError(`transformRecordsInto: ${to - from} records need ${(to - from) * cols} values, out holds ${out.length}`);
    out.fill(0, 0, (to - from) * cols); // once, so a one-hot block only needs its 1
    for (let i = from; i < to; i++) {
      const record = records[i];
      if (record === null || typeof record !== 'object') throw new ScoringError(`not a record: ${record === null ? 'null' : typeof record}`, { record: i });
      try {
        const problem = this.encodeRecord(record, out, (i - from) * cols, true);
        if (problem) throw new ScoringError(problem.reason, { column: problem.column });
      } catch (e) {
        if (e instanceof DataError) throw new ScoringError(e.message.replace(/^column '[^']*': /, ''), { record: i, column: e.column });
        throw e;
      }
    }
    return out;
  }

  /**
   * Where each raw feature lies in an encoded row: its encoded columns [start, end) and the standardisation of every
   * column (reason codes occlude a block; characteristic PSI reads values back from one).
   * @example
   * pre.featureBlocks()[0]; // { name: 'Seniority', kind: 'numeric', start: 0, end: 1, mean, scale }
   */
  featureBlocks(): Array<{ name: string; kind: 'numeric' | 'categorical'; start: number; end: number; mean: readonly number[]; scale: readonly number[] }> {
    let k = 0;
    return this.state.features.map((f) => {
      const start = k;
      k += f.kind === 'numeric' ? (f.indicator ? 2 : 1) : f.categories.length;
      return { name: f.name, kind: f.kind, start, end: k, mean: this.state.mean, scale: this.state.scale };
    });
  }

  /**
   * Writes feature f's encoded columns from its reading at out[k…], which holds zeros (a one-hot block needs only its
   * 1); returns where the next feature starts.
   */
  private writeFeature(out: Float32Array, k: number, f: number, value: number, missing: boolean): number {
    const end = k + this.width[f];
    if (this.numeric[f]) {
      out[k] = value;
      if (end > k + 1) out[k + 1] = missing ? 1 : 0; // the missing indicator
      return end;
    }
    if (value >= 0) out[k + value] = 1;
    return end;
  }

  /**
   * Encodes a record into out[at…] (its `cols` values, zeros already where `zeroed`) and standardises it; returns the
   * first problem in feature order. A non-finite number throws first, wherever it is (a record's fields were once all
   * turned into text before any was read). A numeric field that `CellReader.plainNumber` takes is not made a text.
   */
  private encodeRecord(record: Record<string, unknown>, out: Float32Array, at: number, zeroed: boolean): { column: string; reason: string } | null {
    const { features } = this.state,
      { cells, reading } = this;
    if (!zeroed) out.fill(0, at, at + this.cols); // one call, not a loop per one-hot block
    let k = at;
    for (let f = 0; f < features.length; f++) {
      const v = fieldOf(record, features[f].name);
      const number = this.numeric[f] ? cells.plainNumber(v) : Number.NaN;
      if (!Number.isNaN(number)) {
        k = this.writeFeature(out, k, f, number, false);
        continue;
      }
      cells.read(f, fieldText(v, features[f].name), reading);
      if (reading.problem) {
        for (let g = f + 1; g < features.length; g++) fieldText(fieldOf(record, features[g].name), features[g].name);
        return { column: features[f].name, reason: reading.problem.reason };
      }
      k = this.writeFeature(out, k, f, reading.value, reading.missing);
    }
    return this.standardizeRow(out, at, (f) => fieldText(fieldOf(record, features[f].name), features[f].name));
  }

  /**
   * Standardises the encoded row at out[at…]; a value beyond MAX_STANDARDIZED deviations is named with its feature's
   * cell text.
   */
  private standardizeRow(out: Float32Array, at: number, cellText: (f: number) => string | undefined): { column: string; reason: string } | null {
    const far = this.standardizer.apply(out, MAX_STANDARDIZED, at);
    if (far < 0) return null;
    let f = 0; // the feature whose block holds column `far`
    for (let end = this.width[0]; far >= end; end += this.width[++f]);
    return {
      column: this.state.features[f].name,
      reason: `'${cellText(f)}' lies ${Math.abs(out[at + far] as number).toExponential(1)} standard deviations from the training mean (the model scores at most ±${MAX_STANDARDIZED})`,
    };
  }

  /**
   * Standardises `rows` encoded rows from out[at] in place, a column at a time; far[i]: a column of row i lying more
   * than MAX_STANDARDIZED deviations out, or -1.
   * @example
   * pre.standardize(x, 0, rows, far); // x holds raw encoded values, e.g. from a byte encoder
   */
  standardize(out: Float32Array, at: number, rows: number, far: Int32Array): void {
    this.standardizer.applyRows(out, at, rows, MAX_STANDARDIZED, far);
  }

  /** The label for a class index (1 → the positive label). */
  label(cls: 0 | 1): string {
    return cls === 1 ? this.state.positive : (this.state.negatives[0] ?? `not ${this.state.positive}`);
  }

  /** A JSON-able copy of the fitted state (what the model file stores). */
  toJSON(): PreprocessorState {
    return JSON.parse(JSON.stringify(this.state));
  }

  /** Rebuilds from `toJSON()`, validating the structure. */
  static fromJSON(state: PreprocessorState): Preprocessor {
    checkPreprocessorState(state);
    return new Preprocessor(JSON.parse(JSON.stringify(state)));
  }
}
