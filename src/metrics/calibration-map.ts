/**
 * A probability calibration stored in the model file (`__metadata__.calibration`) and applied after the network by
 * every scorer:
 * - `platt`: P = 1 / (1 + exp(a·f + b)) with f = log(p / (1 − p)), the network's logit (scikit-learn's sigmoid
 *   calibration, on the logit);
 * - `isotonic`: a non-decreasing map, linear between the points (`x` increasing in [0, 1], `y` non-decreasing in
 *   [0, 1]) and constant beyond them (scikit-learn's `IsotonicRegression(out_of_bounds='clip')`).
 */
export type Calibration = { method: 'platt'; a: number; b: number } | { method: 'isotonic'; x: number[]; y: number[] };

/**
 * Applies `calibration` to `n` probabilities of `p` in place (and returns `p`); NaN stays NaN, so the probability
 * check after it still refuses a row without a probability.
 * @example
 * calibrateProbabilities(scorer.network.probabilities(x, rows, out), rows, { method: 'platt', a: -1.1, b: 0.2 });
 */
export function calibrateProbabilities(p: Float32Array, n: number, calibration: Calibration | null): Float32Array {
  if (!calibration) return p;
  if (calibration.method === 'platt') {
    const { a, b } = calibration;
    for (let i = 0; i < n; i++) {
      const q = p[i];
      // The logit of a float32 probability of exactly 0 or 1 is ±∞; the calibrated value is then the map's limit.
      const f = Math.log(q) - Math.log1p(-q);
      const z = a * f + b;
      p[i] = Number.isNaN(q) ? q : z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
    }
    return p;
  }
  const { x, y } = calibration;
  const last = x.length - 1;
  for (let i = 0; i < n; i++) {
    const q = p[i];
    if (Number.isNaN(q)) continue;
    if (q <= x[0]) p[i] = y[0];
    else if (q >= x[last]) p[i] = y[last];
    else {
      let lo = 0,
        hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (x[mid] <= q) lo = mid;
        else hi = mid;
      }
      p[i] = y[lo] + ((y[hi] - y[lo]) * (q - x[lo])) / (x[hi] - x[lo]);
    }
  }
  return p;
}
