/**
 * The fitted path from a table of strings to model inputs: column schema (numeric or categorical),
 * one-hot encoders with category lists fixed at fit time, a missing-value policy, the target's positive
 * label and the standardisation statistics — one JSON-able object that travels with the model, so
 * scoring applies exactly what training learnt. No dependencies and no Node built-ins (the edge scorer
 * uses it).
 */
import { DEFAULT_MISSING, MAX_STANDARDIZED, badNumberReason, float32Problem, median, parseNumber } from './cells.js';
import { ColumnMoments, RowStandardizer } from './standardize.js';
import { UsageError } from '../core/errors.js';
import type { CsvTable } from './csv.js';
import { DataError, ScoringError } from './errors.js';
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
const FIT_BATCH_ROWS = 65536; // training rows encoded per batch while fitting the standardisation

/**
 * A fitted schema + encoders + scaler; build it with `Preprocessor.fit`, store it with `toJSON`.
 * @example
 * const pre = Preprocessor.fit(table, { target: 'Status', positive: 'bad' }, split.train);
 * const x = pre.transformRecord({ Income: 129, Home: 'rent' });
 */
export class Preprocessor {
  /** Missing-value texts and, per feature, category → one-hot position: hash lookups, so a model with 600k categories costs O(1) per cell. */
  private readonly missingSet: ReadonlySet<string>;
  private readonly categoryIndex: ReadonlyArray<ReadonlyMap<string, number> | null>;

  private constructor(readonly state: PreprocessorState) {
    this.missingSet = new Set(state.missingValues);
    this.categoryIndex = state.features.map((f) => (f.kind === 'categorical' ? new Map(f.categories.map((c, i) => [c, i])) : null));
    const numericColumns = this.featureBlocks().flatMap((b) => (b.kind === 'numeric' ? [b.start] : []));
    this.standardizer = new RowStandardizer(state.mean, state.scale, numericColumns);
  }

  private readonly standardizer: RowStandardizer; // (x − mean) / scale: the one formula every encoder uses

  /** Whether a cell's text means "missing" to this model (its `missingValues`, compared after trimming). */
  isMissingText(text: string): boolean {
    return this.missingSet.has(text.trim());
  }

  /** Position of `category` among feature `f`'s one-hot columns, or -1 when it was not seen in training. */
  categoryPosition(f: number, category: string): number {
    return this.categoryIndex[f]?.get(category) ?? -1;
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
  static fit(table: CsvTable, options: PreprocessorOptions, rowIndices?: ArrayLike<number>): Preprocessor {
    const src = options.source;
    const missingValues = options.missingValues ?? DEFAULT_MISSING;
    const missingSet = new Set(missingValues);
    const isMissing = (s: string | undefined) => s === undefined || missingSet.has(s.trim());
    const colIndex = new Map(table.columns.map((c, i) => [c, i]));
    const need = (name: string, what: string) => {
      if (!colIndex.has(name)) throw new DataError(`${what} column '${name}' is not in the file (columns: ${table.columns.join(', ')})`, { source: src });
      return colIndex.get(name)!;
    };
    const ti = need(options.target, 'target');
    for (const c of [...(options.numeric ?? []), ...(options.categorical ?? []), ...(options.exclude ?? [])]) need(c, 'named');
    const missing = options.missing ?? 'impute';
    if (missing !== 'drop' && missing !== 'impute') throw new UsageError(`missing must be 'drop' or 'impute', got '${missing}'`);
    const unseen = options.unseen ?? 'zeros';
    if (unseen !== 'zeros' && unseen !== 'error') throw new UsageError(`unseen must be 'zeros' or 'error', got '${unseen}'`);
    const maxCategories = options.maxCategories ?? 200;
    const rows = rowIndices ? Array.from(rowIndices) : table.rows.map((_, i) => i);
    if (rows.length === 0) throw new DataError('no rows to fit on', { source: src });

    // Target: which values occur, and is the positive one among them?
    const targetCounts = new Map<string, number>();
    for (const r of rows) {
      const v = table.rows[r][ti];
      if (isMissing(v)) continue;
      const t = v.trim();
      targetCounts.set(t, (targetCounts.get(t) ?? 0) + 1);
    }
    const positive = String(options.positive).trim();
    if (!targetCounts.has(positive)) {
      throw new DataError(
        `positive label '${positive}' never appears in target column '${options.target}' (values: ${[...targetCounts.keys()].slice(0, 10).join(', ') || 'none'})`,
        { source: src, column: options.target },
      );
    }
    if (targetCounts.size < 2) {
      throw new DataError(`target column '${options.target}' has only one class ('${positive}'): nothing to learn`, { source: src, column: options.target });
    }

    const excluded = new Set([options.target, ...(options.exclude ?? [])]);
    const forcedNum = new Set(options.numeric ?? []);
    const forcedCat = new Set(options.categorical ?? []);
    for (const c of forcedNum) if (forcedCat.has(c)) throw new UsageError(`column '${c}' is named both numeric and categorical`);
    // Rows usable for fitting: with 'drop', those with no missing feature.
    const featureIdx = table.columns.map((c, i) => [c, i] as const).filter(([c]) => !excluded.has(c));
    if (featureIdx.length === 0) throw new DataError('no feature columns left after excluding the target', { source: src });
    const usable = rows.filter((r) => {
      if (isMissing(table.rows[r][ti])) return false;
      return missing === 'impute' || featureIdx.every(([, j]) => !isMissing(table.rows[r][j]));
    });
    if (usable.length === 0) throw new DataError(`every row has a missing value (policy 'drop'); use missing: 'impute'`, { source: src });

    const features: FeatureSpec[] = [];
    for (const [name, j] of featureIdx) {
      const present: string[] = [];
      let missingCount = 0;
      for (const r of usable) {
        const v = table.rows[r][j];
        if (isMissing(v)) missingCount++;
        else present.push(v.trim());
      }
      if (present.length === 0) {
        throw new DataError(`column '${name}' is empty in every training row; exclude it`, { source: src, column: name });
      }
      const numericCount = present.reduce((n, v) => n + (Number.isNaN(parseNumber(v)) ? 0 : 1), 0);
      const allNumeric = numericCount === present.length;
      if (!allNumeric && !forcedCat.has(name) && !forcedNum.has(name) && numericCount >= 0.9 * present.length && numericCount >= 10) {
        // Almost all numbers: a stray cell ('Infinity', '1,200', '1e999') is far likelier a data error than a category.
        const r = usable.find((row) => !isMissing(table.rows[row][j]) && Number.isNaN(parseNumber(table.rows[row][j])))!;
        throw new DataError(
          `${badNumberReason(table.rows[r][j])} in column '${name}', whose other values are numbers; fix the cell, or declare the column categorical`,
          { source: src, line: table.lines[r], column: name },
        );
      }
      const kind = forcedCat.has(name) ? 'categorical' : forcedNum.has(name) || allNumeric ? 'numeric' : 'categorical';
      if (kind === 'numeric') {
        const values: number[] = [];
        for (const r of usable) {
          const cell = table.rows[r][j];
          if (isMissing(cell)) continue;
          const v = parseNumber(cell);
          if (Number.isNaN(v)) throw new DataError(`${badNumberReason(cell)} in numeric column '${name}'`, { source: src, line: table.lines[r], column: name });
          const beyond = float32Problem(cell, v);
          if (beyond) throw new DataError(beyond, { source: src, line: table.lines[r], column: name });
          values.push(v);
        }
        features.push({ name, kind, median: median(values), indicator: missing === 'impute' && missingCount > 0 });
      } else {
        const counts = new Map<string, number>();
        for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
        if (counts.size > maxCategories) {
          throw new DataError(
            `categorical column '${name}' has ${counts.size} distinct values (more than maxCategories = ${maxCategories}); exclude it or raise the limit`,
            { source: src, column: name },
          );
        }
        const categories = [...counts.keys()].sort();
        let mode = categories[0];
        for (const c of categories) if (counts.get(c)! > counts.get(mode)!) mode = c;
        features.push({ name, kind, categories, mode });
      }
    }

    const columns: string[] = [];
    const isIndicator: boolean[] = [];
    for (const f of features) {
      if (f.kind === 'numeric') {
        columns.push(f.name);
        isIndicator.push(false);
        if (f.indicator) {
          columns.push(`${f.name}__missing`);
          isIndicator.push(true);
        }
      } else {
        for (const c of f.categories) {
          columns.push(`${f.name}=${c}`);
          isIndicator.push(true);
        }
      }
    }
    const negatives = [...targetCounts.keys()].filter((v) => v !== positive).sort();
    const pre = new Preprocessor({
      format: 'hamiltonian-ai/preprocessor',
      version: 1,
      target: options.target,
      positive,
      negatives,
      features,
      columns,
      mean: columns.map(() => 0),
      scale: columns.map(() => 1),
      missing,
      unseen,
      missingValues,
    });
    // Standardisation statistics from the (imputed, encoded) training rows.
    // A batch at a time: a million training rows never sit encoded twice (raw here, scaled by the caller).
    const moments = new ColumnMoments(columns.length);
    for (let at = 0; at < usable.length; at += FIT_BATCH_ROWS) {
      const raw = pre.transform(table, usable.slice(at, at + FIT_BATCH_ROWS), { scale: false, source: src });
      moments.add(raw.x, raw.rows);
    }
    const { mean, scale } = moments.result();
    for (let j = 0; j < columns.length; j++) {
      if (isIndicator[j] && !options.scaleIndicators) continue;
      pre.state.mean[j] = mean[j];
      pre.state.scale[j] = scale[j];
    }
    return new Preprocessor(pre.state); // built again: its standardizer copies mean and scale
  }

  /**
   * Encodes rows of a table (all when `rowIndices` is absent). Rows with a missing target, or a missing
   * feature under the 'drop' policy, or (with `invalid: 'skip'`) an unusable cell, go to `skipped`
   * with their line and reason; otherwise an unusable cell throws a `DataError` naming line and column.
   */
  transform(table: CsvTable, rowIndices?: ArrayLike<number>, options: { scale?: boolean; invalid?: 'error' | 'skip'; source?: string } = {}): EncodedData {
    const st = this.state;
    const colIndex = new Map(table.columns.map((c, i) => [c, i]));
    const missingCols = st.features.filter((f) => !colIndex.has(f.name)).map((f) => f.name);
    if (missingCols.length) {
      throw new DataError(`the file lacks column${missingCols.length > 1 ? 's' : ''} ${missingCols.map((c) => `'${c}'`).join(', ')} that the model needs`, {
        source: options.source,
      });
    }
    const featureCols = st.features.map((f) => colIndex.get(f.name)!);
    const ti = colIndex.get(st.target);
    const rows = rowIndices ? Array.from(rowIndices) : table.rows.map((_, i) => i);
    const cols = st.columns.length;
    const x = new Float32Array(rows.length * cols);
    const y = ti === undefined ? null : new Uint8Array(rows.length);
    const sourceRows = new Uint32Array(rows.length);
    const skipped: EncodedData['skipped'] = [];
    const record: (string | undefined)[] = new Array(st.features.length);
    let n = 0;
    for (const r of rows) {
      const cells = table.rows[r];
      const line = table.lines[r] ?? r + 2;
      if (ti !== undefined) {
        const t = cells[ti];
        if (t === undefined || this.isMissingText(t)) {
          skipped.push({ row: r, line, reason: `missing target '${st.target}'` });
          continue;
        }
        y![n] = t.trim() === st.positive ? 1 : 0;
      }
      for (let f = 0; f < featureCols.length; f++) record[f] = cells[featureCols[f]];
      const out = x.subarray(n * cols, (n + 1) * cols);
      const problem = this.encodeCells(out, record, options.scale ?? true);
      if (problem) {
        if (problem.fatal && (options.invalid ?? 'error') === 'error') {
          throw new DataError(problem.reason, { source: options.source, line, column: problem.column });
        }
        skipped.push({ row: r, line, reason: `column '${problem.column}': ${problem.reason}` });
        continue;
      }
      sourceRows[n] = r;
      n++;
    }
    return { x: x.subarray(0, n * cols), y: y ? y.subarray(0, n) : null, rows: n, cols, sourceRows: sourceRows.subarray(0, n), skipped };
  }

  /**
   * Encodes one record (an object keyed by column name; values may be strings, numbers or null/undefined
   * for missing) into `out` (length `cols`). Throws a `DataError` naming the column when it cannot.
   * @example
   * const x = pre.transformRecord({ Seniority: 9, Home: 'rent', Income: 129 });
   */
  transformRecord(record: Record<string, unknown>, out: Float32Array = new Float32Array(this.cols)): Float32Array {
    const cells = this.state.features.map((f) => {
      // Own properties only: an absent field must not read an inherited member (`constructor`, `toString`, …).
      const v = Object.hasOwn(record, f.name) ? record[f.name] : undefined;
      // A non-finite number is refused as its text is ('Infinity', 'NaN' would otherwise read as missing).
      if (typeof v === 'number' && !Number.isFinite(v)) throw new ScoringError(`${v} is not a finite number`, { column: f.name });
      return v === null || v === undefined ? undefined : String(v);
    });
    const problem = this.encodeCells(out, cells, true);
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
    const cols = this.cols;
    const x = new Float32Array(records.length * cols);
    records.forEach((r, i) => {
      try {
        this.transformRecord(r, x.subarray(i * cols, (i + 1) * cols));
      } catch (e) {
        if (e instanceof DataError) throw new ScoringError(e.message.replace(/^column '[^']*': /, ''), { record: i, column: e.column });
        throw e;
      }
    });
    return x;
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

  /** The feature an encoded column belongs to. */
  private featureOfColumn(j: number): FeatureSpec {
    const at = this.featureBlocks().findIndex((b) => j < b.end);
    return this.state.features[at < 0 ? this.state.features.length - 1 : at];
  }

  /** Encodes feature cells (in `features` order). Returns a problem instead of throwing, for speed and reporting. */
  private encodeCells(out: Float32Array, cells: (string | undefined)[], scale: boolean): { column: string; reason: string; fatal: boolean } | null {
    const st = this.state;
    let k = 0;
    for (let f = 0; f < st.features.length; f++) {
      const spec = st.features[f];
      const cell = cells[f];
      const isMissing = cell === undefined || this.isMissingText(cell);
      if (isMissing && st.missing === 'drop') return { column: spec.name, reason: 'missing value (policy: drop)', fatal: false };
      if (spec.kind === 'numeric') {
        let v: number;
        if (isMissing) v = spec.median;
        else {
          v = parseNumber(cell!);
          if (Number.isNaN(v)) return { column: spec.name, reason: badNumberReason(cell!), fatal: true };
          const beyond = float32Problem(cell!, v);
          if (beyond) return { column: spec.name, reason: beyond, fatal: true };
        }
        out[k] = v;
        k++;
        if (spec.indicator) out[k++] = isMissing ? 1 : 0;
      } else {
        const value = isMissing ? spec.mode : cell!.trim();
        const at = this.categoryPosition(f, value);
        if (at < 0 && st.unseen === 'error') {
          return {
            column: spec.name,
            reason: `category '${value}' was not seen in training (known: ${spec.categories.slice(0, 8).join(', ')}${spec.categories.length > 8 ? ', …' : ''})`,
            fatal: true,
          };
        }
        for (let j = k, end = k + spec.categories.length; j < end; j++) out[j] = 0; // (fill() on a short range costs a call)
        if (at >= 0) out[k + at] = 1;
        k += spec.categories.length;
      }
    }
    if (scale) {
      const far = this.standardize(out);
      if (far >= 0) {
        const f = this.featureOfColumn(far);
        return {
          column: f.name,
          reason: `'${cells[st.features.indexOf(f)]}' lies ${Math.abs(out[far] as number).toExponential(1)} standard deviations from the training mean (the model scores at most ±${MAX_STANDARDIZED})`,
          fatal: true,
        };
      }
    }
    return null;
  }

  /**
   * Standardises an encoded row in place; returns a column lying more than MAX_STANDARDIZED deviations out, or -1.
   * @example
   * const far = pre.standardize(row); // row holds raw encoded values, e.g. from a byte encoder
   */
  standardize(out: Float32Array): number {
    return this.standardizer.apply(out, MAX_STANDARDIZED);
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
