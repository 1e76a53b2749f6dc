import { UsageError } from '../core/errors.js';
import type { Calibration } from '../metrics/calibration-map.js';

/**
 * Platt scaling on the network's logit, as scikit-learn's sigmoid calibration: fits P = 1 / (1 + exp(a·f + b)),
 * f = log(p / (1 − p)), by Newton's method on the log loss against Platt's smoothed targets ((N₊ + 1) / (N₊ + 2) for
 * the positives, 1 / (N₋ + 2) for the others). Fit it on a part the network did not train on (the validation part).
 * @example
 * const calibration = fitPlatt(model.predictProba(val.x, val.rows), val.y);
 */
export function fitPlatt(p: ArrayLike<number>, y: ArrayLike<number>): Calibration {
  const n = checkInputs(p, y, 'fitPlatt');
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i] ? 1 : 0;
  const hi = (positives + 1) / (positives + 2),
    lo = 1 / (n - positives + 2);
  const f = Float64Array.from({ length: n }, (_, i) => {
    // A probability of exactly 0 or 1 (float32 saturation) is pulled in so its logit stays finite.
    const q = Math.min(Math.max(p[i], 1e-12), 1 - 1e-12);
    return Math.log(q) - Math.log1p(-q);
  });
  const t = Float64Array.from({ length: n }, (_, i) => (y[i] ? hi : lo));
  let a = 0,
    b = Math.log((n - positives + 1) / (positives + 1));
  const loss = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b; // P = σ(−z)
      // −t log σ(−z) − (1 − t) log σ(z), finite for large |z|
      s += t[i] * softplus(z) + (1 - t[i]) * softplus(-z);
    }
    return s;
  };
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0,
      gb = 0,
      haa = 0,
      hab = 0,
      hbb = 0;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b;
      const q = 1 / (1 + Math.exp(z)); // P
      const d = t[i] - q; // ∂loss/∂z
      const w = Math.max(q * (1 - q), 1e-12);
      ga += d * f[i];
      gb += d;
      haa += w * f[i] * f[i];
      hab += w * f[i];
      hbb += w;
    }
    if (Math.max(Math.abs(ga), Math.abs(gb)) < 1e-12 * n) break;
    const det = haa * hbb - hab * hab + 1e-300;
    const da = (hbb * ga - hab * gb) / det,
      db = (haa * gb - hab * ga) / det;
    let step = 1,
      next = current;
    for (let k = 0; k < 40; k++, step /= 2) {
      next = loss(a - step * da, b - step * db);
      if (next <= current) break;
    }
    if (!(next <= current)) break;
    a -= step * da;
    b -= step * db;
    const gain = current - next;
    current = next;
    if (gain <= 1e-15 * Math.max(1, current)) break;
  }
  return { method: 'platt', a, b };
}

/**
 * Isotonic regression of the labels on the probabilities (pool adjacent violators; tied probabilities are averaged
 * first), as scikit-learn's `IsotonicRegression(out_of_bounds='clip', y_min=0, y_max=1)`: a non-decreasing map,
 * linear between its points, constant beyond them. Only the points where the map bends are kept.
 * @example
 * const calibration = fitIsotonic(model.predictProba(val.x, val.rows), val.y);
 */
export function fitIsotonic(p: ArrayLike<number>, y: ArrayLike<number>): Calibration {
  const n = checkInputs(p, y, 'fitIsotonic');
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => p[i] - p[j]);
  // Distinct x with the mean label and the count of each.
  const xs: number[] = [],
    means: number[] = [],
    weights: number[] = [];
  for (const i of order) {
    const v = p[i];
    if (xs.length && xs[xs.length - 1] === v) {
      const k = xs.length - 1;
      means[k] = (means[k] * weights[k] + (y[i] ? 1 : 0)) / (weights[k] + 1);
      weights[k]++;
    } else {
      xs.push(v);
      means.push(y[i] ? 1 : 0);
      weights.push(1);
    }
  }
  // Pool adjacent violators over blocks of consecutive distinct x.
  const blockValue: number[] = [],
    blockWeight: number[] = [],
    blockEnd: number[] = [];
  for (let k = 0; k < xs.length; k++) {
    let value = means[k],
      weight = weights[k];
    while (blockValue.length && blockValue[blockValue.length - 1] >= value) {
      const w = blockWeight.pop()!;
      value = (blockValue.pop()! * w + value * weight) / (w + weight);
      weight += w;
      blockEnd.pop();
    }
    blockValue.push(value);
    blockWeight.push(weight);
    blockEnd.push(k);
  }
  const fitted = new Array<number>(xs.length);
  let start = 0;
  blockValue.forEach((v, b) => {
    for (let k = start; k <= blockEnd[b]; k++) fitted[k] = v;
    start = blockEnd[b] + 1;
  });
  // Keep each flat run's two ends: linear interpolation between the kept points is the same map.
  const x: number[] = [],
    out: number[] = [];
  for (let k = 0; k < xs.length; k++) {
    const flatBefore = k > 0 && fitted[k - 1] === fitted[k];
    const flatAfter = k + 1 < xs.length && fitted[k + 1] === fitted[k];
    if (flatBefore && flatAfter) continue;
    x.push(xs[k]);
    out.push(fitted[k]);
  }
  if (x.length === 1) {
    // One distinct score: a constant map (two points, so it is a valid stored map).
    return { method: 'isotonic', x: [0, 1], y: [out[0], out[0]] };
  }
  return { method: 'isotonic', x, y: out };
}

function checkInputs(p: ArrayLike<number>, y: ArrayLike<number>, name: string): number {
  if (p.length !== y.length) throw new UsageError(`${name}: ${p.length} probabilities but ${y.length} labels`);
  if (p.length < 2) throw new UsageError(`${name}: needs at least 2 scored rows, got ${p.length}`);
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) throw new UsageError(`${name}: probability ${i} is ${p[i]}, not in [0, 1]`);
  }
  return p.length;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
