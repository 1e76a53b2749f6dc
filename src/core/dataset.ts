import { UsageError } from './errors.js';
/** Rows of features with integer class labels: `x` is rows × cols, row-major. */
export interface Dataset {
  x: Float32Array;
  y: ArrayLike<number>;
  rows: number;
  cols: number;
}

/**
 * Checks a dataset's arrays against a model's input width and class count; errors name `what` and the row.
 * @example
 * checkDataset(train, 'data', model.inputDim, model.outputDim);
 */
export function checkDataset(d: Dataset, what: string, inputDim: number, classes: number): void {
  if (!d || !(d.x instanceof Float32Array)) throw new UsageError(`${what}.x must be a Float32Array`);
  if (!Number.isInteger(d.rows) || d.rows < 1) throw new UsageError(`${what}.rows must be a positive integer, got ${d.rows}`);
  if (d.cols !== inputDim) throw new UsageError(`${what}.cols is ${d.cols} but the model's inputDim is ${inputDim}`);
  if (d.x.length < d.rows * d.cols) throw new UsageError(`${what}.x holds ${d.x.length} values, fewer than rows·cols = ${d.rows * d.cols}`);
  if (!d.y || d.y.length < d.rows) throw new UsageError(`${what}.y must hold ${d.rows} labels`);
  for (let i = 0; i < d.rows; i++) {
    const v = d.y[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw new UsageError(`${what}.y[${i}] is ${v}, expected a class in [0, ${classes - 1}]`);
  }
}

/**
 * Copies rows `order[start … start+rows)` of `data` into the batch buffers (features and labels).
 * @example
 * gatherBatch(xb, yb, data, order, 0, 32);
 */
export function gatherBatch(xb: Float32Array, yb: Int32Array, data: Dataset, order: ArrayLike<number>, start: number, rows: number): void {
  const cols = data.cols;
  for (let r = 0; r < rows; r++) {
    const src = order[start + r];
    xb.set(data.x.subarray(src * cols, src * cols + cols), r * cols);
    yb[r] = data.y[src];
  }
}
