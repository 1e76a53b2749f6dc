import { UsageError } from '../core/errors.js';
import { type Rng, toRng } from '../core/rng.js';
import type { Dataset } from '../core/dataset.js';
import { columnTable, columnTexts, targetLabels, type Table } from './column-table.js';
import { DataError } from './errors.js';
import { Preprocessor, type PreprocessorOptions } from './preprocessor.js';
import { StandardScaler } from './scaler.js';
import { smote, type SmoteOptions } from './smote.js';
import { outOfTimeSplit, trainTestSplit, type Split } from './split.js';

/** Options of `prepareData`. */
export interface PrepareOptions {
  /** Default 0.2. */
  testSize?: number;
  /** Oversample the minority class of the training part with SMOTE; default true (as the original). */
  applySmote?: boolean;
  /** Stratified split (default true); false is the original's plain random split. */
  stratify?: boolean;
  /** One seed for split and SMOTE (each draws from its own fork). */
  seed?: number | Rng;
  smote?: Omit<SmoteOptions, 'seed'>;
}

/** What `prepareData` returns (the original’s `train_dataset, test_dataset, scaler` plus the split). */
export interface PreparedData {
  trainDataset: Dataset;
  testDataset: Dataset;
  scaler: StandardScaler;
  /** Row indices of the input that went to each part (before SMOTE). */
  split: Split;
}

function toMatrix(X: Float32Array | ArrayLike<ArrayLike<number>>, cols?: number): { x: Float32Array; rows: number; cols: number } {
  if (X instanceof Float32Array) {
    if (!cols || X.length % cols !== 0) throw new UsageError('prepareData: with a flat Float32Array, pass cols (its length must be a multiple)');
    return { x: X, rows: X.length / cols, cols };
  }
  const rows = X.length;
  if (rows === 0) throw new UsageError('prepareData: X has no rows');
  const c = X[0].length;
  const x = new Float32Array(rows * c);
  for (let i = 0; i < rows; i++) {
    const r = X[i];
    if (r.length !== c) throw new UsageError(`prepareData: row ${i} has ${r.length} values, expected ${c}`);
    for (let j = 0; j < c; j++) {
      if (!Number.isFinite(r[j])) throw new UsageError(`prepareData: X[${i}][${j}] is ${r[j]}, expected a finite number`);
      x[i * c + j] = r[j];
    }
  }
  return { x, rows, cols: c };
}

function take(x: Float32Array, cols: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * cols);
  for (let i = 0; i < idx.length; i++) out.set(x.subarray(idx[i] * cols, idx[i] * cols + cols), i * cols);
  return out;
}

/**
 * The original's `prepare_data(X, y, test_size, apply_smote)`, without its leaks: split (stratified by
 * default, seeded), fit the `StandardScaler` on the training part only, scale both parts, then SMOTE the
 * training part only — the test part is never touched by oversampling.
 * @example
 * const { trainDataset, testDataset, scaler } = prepareData(X, y, { testSize: 0.2, applySmote: true, seed: 42 });
 */
export function prepareData(
  X: Float32Array | ArrayLike<ArrayLike<number>>,
  y: ArrayLike<number>,
  options: PrepareOptions & { cols?: number } = {},
): PreparedData {
  const m = toMatrix(X, options.cols);
  if (y.length !== m.rows) throw new UsageError(`prepareData: X has ${m.rows} rows but y has ${y.length} labels`);
  const rng = toRng(options.seed);
  const split = trainTestSplit(y, { testSize: options.testSize ?? 0.2, stratify: options.stratify ?? true, seed: rng.fork() });
  const scaler = new StandardScaler();
  const xTrain = take(m.x, m.cols, split.train);
  const xTest = take(m.x, m.cols, split.test);
  scaler.fit(xTrain, split.train.length, m.cols);
  scaler.transform(xTrain, xTrain, split.train.length, m.cols);
  scaler.transform(xTest, xTest, split.test.length, m.cols);
  const yTrain = Uint8Array.from(split.train, (i) => y[i]);
  const yTest = Uint8Array.from(split.test, (i) => y[i]);
  let trainDataset: Dataset = { x: xTrain, y: yTrain, rows: split.train.length, cols: m.cols };
  if (options.applySmote ?? true) {
    const s = smote(xTrain, yTrain, trainDataset.rows, m.cols, { ...options.smote, seed: rng.fork() });
    trainDataset = { x: s.x, y: s.y, rows: s.rows, cols: s.cols };
  }
  return { trainDataset, testDataset: { x: xTest, y: yTest, rows: split.test.length, cols: m.cols }, scaler, split };
}

/** Options of `prepareTable`: the preprocessor’s, the split’s and SMOTE’s. */
export interface PrepareTableOptions extends PreprocessorOptions, Omit<PrepareOptions, 'stratify'> {
  stratify?: boolean;
  /**
   * Oversample the minority class of the training part with SMOTE. Default false (true before 0.2, as the original's
   * `prepare_data`): it biases probabilities upward — P(positive) is then no longer a PD — and cost AUC on both
   * shipped files (bench/defaults.ts, docs/defaults.md).
   */
  applySmote?: boolean;
  /** Out-of-time split: the period column and the first period of the test part. */
  timeColumn?: string;
  ootFrom?: string;
  /**
   * Also carve a validation part out of the training rows (fraction or count, stratified, seeded), for early
   * stopping and model selection, so the test part stays untouched until the final evaluation. The
   * preprocessor is fitted and SMOTE applied on the remaining training rows only. Default: none.
   */
  validationSize?: number;
  /** Use these rows of the table as the training and test parts (a cross-validation fold) instead of splitting. */
  split?: Split;
}

/** What `prepareTable` returns: encoded train/test datasets and the fitted preprocessor. */
export interface PreparedTable {
  preprocessor: Preprocessor;
  train: Dataset;
  test: Dataset;
  /** The validation part, when `validationSize` was given. */
  validation?: Dataset;
  /** Rows of the table in each part (before SMOTE; rows skipped by the preprocessor are not removed here). */
  split: Split & { validation?: Uint32Array };
  /** Training rows before SMOTE (for reports: the real class balance). */
  trainRowsBeforeSmote: number;
  skipped: { row: number; line: number; reason: string }[];
}

/**
 * CSV table → split (stratified, or out-of-time) → preprocessor fitted on the training rows → encoded
 * Float32Array datasets → SMOTE on the training part. The pipeline the CLI and the demo use.
 * @example
 * const prep = prepareTable(parseCsv(text), { target: 'Status', positive: 'bad', seed: 42 });
 */
export function prepareTable(table: Table, options: PrepareTableOptions): PreparedTable {
  try {
    return prepareTableUnnamed(table, options);
  } catch (e) {
    // Errors from the split and SMOTE do not know the file: name it here.
    if ((e instanceof DataError && !e.source) || e instanceof RangeError) {
      const where = e instanceof DataError ? e.where : {};
      throw new DataError(e instanceof DataError ? e.message.replace(/^[^:]*line \d+[^:]*: /, '') : e.message, { ...where, source: options.source });
    }
    throw e;
  }
}

function prepareTableUnnamed(rowsOrColumns: Table, options: PrepareTableOptions): PreparedTable {
  const table = columnTable(rowsOrColumns);
  if (table.rowCount < 2)
    throw new DataError(`${table.rowCount} data row${table.rowCount === 1 ? '' : 's'}: training needs at least 2 (and enough of each class for the split)`);
  const rng = toRng(options.seed);
  const splitRng = rng.fork();
  const smoteRng = rng.fork();
  const validationRng = rng.fork(); // forked after the others: runs without a validation part are unchanged
  let split: Split & { validation?: Uint32Array };
  const exclude = [...(options.exclude ?? [])];
  const ti = table.columns.indexOf(options.target);
  if (ti < 0) throw new DataError(`target column '${options.target}' is not in the file (columns: ${table.columns.join(', ')})`, { source: options.source });
  const positive = String(options.positive).trim();
  const labels = targetLabels(table, ti, positive);
  if (options.split) {
    split = { train: options.split.train, test: options.split.test };
    if (options.timeColumn && !exclude.includes(options.timeColumn)) exclude.push(options.timeColumn);
  } else if (options.timeColumn !== undefined || options.ootFrom !== undefined) {
    if (!options.timeColumn || options.ootFrom === undefined) throw new UsageError('an out-of-time split needs both timeColumn and ootFrom');
    const tc = table.columns.indexOf(options.timeColumn);
    if (tc < 0) throw new DataError(`time column '${options.timeColumn}' is not in the file`, { source: options.source });
    split = outOfTimeSplit(columnTexts(table, tc), options.ootFrom, table.lines, options.timeColumn);
    if (!exclude.includes(options.timeColumn)) exclude.push(options.timeColumn);
  } else {
    split = trainTestSplit(labels, { testSize: options.testSize ?? 0.2, stratify: options.stratify ?? true, seed: splitRng });
  }
  if (options.validationSize !== undefined) {
    const inner = trainTestSplit(
      Array.from(split.train, (i) => labels[i]),
      { testSize: options.validationSize, stratify: options.stratify ?? true, seed: validationRng },
    );
    split = { train: inner.train.map((j) => split.train[j]), test: split.test, validation: inner.test.map((j) => split.train[j]) };
  }
  const { preprocessor, encoded: tr } = Preprocessor.fitTransform(table, { ...options, exclude }, split.train);
  const te = preprocessor.transform(table, split.test, { source: options.source });
  if (tr.rows === 0 || te.rows === 0) throw new DataError(`the ${tr.rows === 0 ? 'training' : 'test'} part has no usable rows`, { source: options.source });
  const va = split.validation ? preprocessor.transform(table, split.validation, { source: options.source }) : null;
  if (va && va.rows === 0) throw new DataError('the validation part has no usable rows', { source: options.source });
  let train: Dataset = { x: tr.x, y: tr.y!, rows: tr.rows, cols: tr.cols };
  if (options.applySmote ?? false) {
    const s = smote(tr.x, tr.y!, tr.rows, tr.cols, { ...options.smote, seed: smoteRng });
    train = { x: s.x, y: s.y, rows: s.rows, cols: s.cols };
  }
  return {
    preprocessor,
    train,
    test: { x: te.x, y: te.y!, rows: te.rows, cols: te.cols },
    ...(va ? { validation: { x: va.x, y: va.y!, rows: va.rows, cols: va.cols } } : {}),
    split,
    trainRowsBeforeSmote: tr.rows,
    skipped: [...tr.skipped, ...te.skipped, ...(va?.skipped ?? [])],
  };
}

/**
 * The training part's real rows — SMOTE appends its synthetic rows after them — as a dataset (views, no copy): what
 * a baseline is fitted on and what the training-part metrics and PSI's reference are computed on.
 * @example
 * const real = trainingRowsBeforeSmote(prep); // real.rows === prep.trainRowsBeforeSmote
 */
export function trainingRowsBeforeSmote(prep: PreparedTable): Dataset {
  const { x, y, cols } = prep.train;
  const rows = prep.trainRowsBeforeSmote;
  return { x: x.subarray(0, rows * cols), y: Array.prototype.slice.call(y, 0, rows) as number[], rows, cols };
}
