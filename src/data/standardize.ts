import { indices } from '../core/arrays.js';

/**
 * Mean and standard deviation (population, as sklearn's StandardScaler) of each column of x (rows × cols), by
 * Welford's update — stable for large offsets (incomes in the millions, say). NaN cells are ignored; a column
 * with no spread (or no values) gets scale 1, so standardising leaves it centred rather than dividing by 0.
 * @example
 * columnMoments(Float32Array.of(1, 10, 3, 30), 2, 2); // { mean: [2, 20], scale: [1, 10] }
 */
export function columnMoments(x: ArrayLike<number>, rows: number, cols: number): { mean: Float64Array; scale: Float64Array } {
  const moments = new ColumnMoments(cols);
  moments.add(x, rows);
  return moments.result();
}

/**
 * `columnMoments` over rows that arrive in batches (the same Welford updates in the same order, so the same bits):
 * a large training set is encoded and summarised a batch at a time instead of all at once.
 * @example
 * const m = new ColumnMoments(2);
 * m.add(Float32Array.of(1, 10), 1);
 * m.add(Float32Array.of(3, 30), 1);
 * m.result(); // { mean: [2, 20], scale: [1, 10] }
 */
export class ColumnMoments {
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly count: Float64Array;

  private readonly summarised: Int32Array;

  /**
   * `only`: the columns to summarise (default all) — the others are skipped and get mean 0, scale 1; each summarised
   * column's bits are the same either way (its updates do not depend on the other columns).
   */
  constructor(
    private readonly cols: number,
    only?: ArrayLike<number>,
  ) {
    this.mean = new Float64Array(cols);
    this.m2 = new Float64Array(cols);
    this.count = new Float64Array(cols);
    this.summarised = only ? Int32Array.from(only) : indices(cols);
  }

  /** Adds `rows` rows of x (rows × cols); NaN cells are ignored. */
  add(x: ArrayLike<number>, rows: number): void {
    const { cols, mean, m2, count, summarised } = this;
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < summarised.length; k++) {
        const j = summarised[k];
        const v = x[i * cols + j];
        if (Number.isNaN(v)) continue;
        const c = ++count[j];
        const d = v - mean[j];
        mean[j] += d / c;
        m2[j] += d * (v - mean[j]);
      }
    }
  }

  /** Mean and population standard deviation (1 where a column has no spread or no values). */
  result(): { mean: Float64Array; scale: Float64Array } {
    const { cols, m2, count } = this;
    const scale = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const sd = count[j] > 0 ? Math.sqrt(m2[j] / count[j]) : 0;
      scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
    }
    return { mean: Float64Array.from(this.mean), scale };
  }
}

/**
 * Standardises encoded rows in place, (x − mean) / scale stored as float32, touching only the columns it changes.
 * @example
 * const s = new RowStandardizer([10, 0], [2, 1], [0]);
 * s.apply(row, 1e6); // row[0] = (row[0] − 10) / 2; returns a column beyond ±1e6, or -1
 */
export class RowStandardizer {
  private readonly mean: Float64Array;
  private readonly scale: Float64Array;
  /** Columns whose mean is not 0 or scale not 1: (x − 0) / 1 is x, bit for bit (-0 included), so the rest are skipped. */
  private readonly scaled: Int32Array;
  /** Columns that can lie far out: the standardised ones and the numeric values (a one-hot column holds 0 or 1). */
  private readonly checked: Int32Array;

  constructor(mean: readonly number[], scale: readonly number[], numericColumns: readonly number[]) {
    this.mean = Float64Array.from(mean);
    this.scale = Float64Array.from(scale);
    this.scaled = Int32Array.from(mean.flatMap((m, j) => (m === 0 && scale[j] === 1 ? [] : [j])));
    this.checked = Int32Array.from(new Set([...this.scaled, ...numericColumns])).sort();
  }

  /** Standardises the row at out[at…] (default 0); returns the last column whose |value| exceeds `max`, or -1. */
  apply(out: Float32Array, max: number, at = 0): number {
    const { mean, scale, scaled, checked } = this;
    for (let i = 0; i < scaled.length; i++) {
      const j = scaled[i];
      out[at + j] = (out[at + j] - mean[j]) / scale[j];
    }
    let far = -1;
    for (let i = 0; i < checked.length; i++) if (!(Math.abs(out[at + checked[i]]) <= max)) far = checked[i];
    return far;
  }

  /**
   * `apply` to `rows` consecutive rows from out[at], a column at a time (the same operations on each value, so the
   * same bits); far[i] is what `apply` returns for row i.
   */
  applyRows(out: Float32Array, at: number, rows: number, max: number, far: Int32Array): void {
    const { mean, scale, scaled, checked } = this;
    const cols = this.mean.length;
    for (let c = 0; c < scaled.length; c++) {
      const j = scaled[c],
        m = mean[j],
        d = scale[j];
      for (let o = at + j, end = at + j + rows * cols; o < end; o += cols) out[o] = (out[o] - m) / d;
    }
    far.fill(-1, 0, rows);
    for (let c = 0; c < checked.length; c++) {
      const j = checked[c];
      for (let i = 0, o = at + j; i < rows; i++, o += cols) if (!(Math.abs(out[o]) <= max)) far[i] = j;
    }
  }
}
