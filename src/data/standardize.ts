/**
 * Mean and standard deviation (population, as sklearn's StandardScaler) of each column of x (rows × cols), by
 * Welford's update — stable for large offsets (incomes in the millions, say). NaN cells are ignored; a column
 * with no spread (or no values) gets scale 1, so standardising leaves it centred rather than dividing by 0.
 * @example
 * columnMoments(Float32Array.of(1, 10, 3, 30), 2, 2); // { mean: [2, 20], scale: [1, 10] }
 */
export function columnMoments(x: ArrayLike<number>, rows: number, cols: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  const count = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = x[i * cols + j];
      if (Number.isNaN(v)) continue;
      const c = ++count[j];
      const d = v - mean[j];
      mean[j] += d / c;
      m2[j] += d * (v - mean[j]);
    }
  }
  const scale = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const sd = count[j] > 0 ? Math.sqrt(m2[j] / count[j]) : 0;
    scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
  }
  return { mean, scale };
}
