import { columnMoments } from './standardize.js';
import { UsageError } from '../core/errors.js';
/**
 * Standardisation z = (x − mean) / std per column, as scikit-learn's `StandardScaler` (population std,
 * ddof = 0). A column with zero variance gets std 1, so it maps to 0 instead of NaN.
 */
export interface StandardScalerState {
  mean: number[];
  scale: number[];
}

/**
 * Per-column standardisation (see the module comment).
 * @example
 * const s = new StandardScaler().fit(x, rows, cols);
 * s.transform(x, x, rows, cols);
 */
export class StandardScaler {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);

  get fitted(): boolean {
    return this.mean.length > 0;
  }

  get cols(): number {
    return this.mean.length;
  }

  /**
   * Learns mean and std of each of `cols` columns of `x` (rows × cols). NaN cells are ignored.
   * @example
   * const s = new StandardScaler().fit(Float32Array.of(1, 10, 3, 30), 2, 2);
   * s.mean; // [2, 20]
   */
  fit(x: ArrayLike<number>, rows: number, cols: number): this {
    const { mean, scale } = columnMoments(x, rows, cols);
    this.mean = mean;
    this.scale = scale;
    return this;
  }

  private check(cols: number): void {
    if (!this.fitted) throw new UsageError('StandardScaler: call fit first');
    if (cols !== this.cols) throw new UsageError(`StandardScaler: fitted on ${this.cols} columns, given ${cols}`);
  }

  /** out = (x − mean) / scale; out may alias x. */
  transform(out: Float32Array, x: ArrayLike<number>, rows: number, cols: number): Float32Array {
    this.check(cols);
    const { mean, scale } = this;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = (x[i * cols + j] - mean[j]) / scale[j];
    return out;
  }

  /** out = x · scale + mean; out may alias x. */
  inverseTransform(out: Float32Array, x: ArrayLike<number>, rows: number, cols: number): Float32Array {
    this.check(cols);
    const { mean, scale } = this;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = x[i * cols + j] * scale[j] + mean[j];
    return out;
  }

  /** Mean and scale as plain arrays. */
  toJSON(): StandardScalerState {
    return { mean: [...this.mean], scale: [...this.scale] };
  }

  /** Rebuilds a scaler from `toJSON()`, validating it. */
  static fromJSON(state: StandardScalerState): StandardScaler {
    const s = new StandardScaler();
    if (!Array.isArray(state?.mean) || !Array.isArray(state.scale) || state.mean.length !== state.scale.length) {
      throw new UsageError('StandardScaler.fromJSON: mean and scale must be arrays of equal length');
    }
    if (![...state.mean, ...state.scale].every(Number.isFinite) || state.scale.some((v) => v <= 0)) {
      throw new UsageError('StandardScaler.fromJSON: mean must be finite and scale finite and positive');
    }
    s.mean = Float64Array.from(state.mean);
    s.scale = Float64Array.from(state.scale);
    return s;
  }
}
