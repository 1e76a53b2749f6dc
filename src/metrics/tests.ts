import { UsageError } from '../core/errors.js';
/**
 * ln Γ(x) (Lanczos, g = 7, n = 9; |error| < 2e-15 for x > 0).
 * @example
 * logGamma(5); // ln 24
 */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularised incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4).
 * @example
 * incompleteBeta(0.3, 2.5, 0.5); // 0.0189…
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let f = 1,
    c = 1,
    d = 0;
  for (let m = 0; m <= 300; m++) {
    for (const even of [true, false]) {
      let num: number;
      if (m === 0 && even) num = 1;
      else if (even) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
      else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + num * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      f *= c * d;
      if (Math.abs(1 - c * d) < 1e-15) return (front * (f - 1)) / a;
    }
  }
  return (front * (f - 1)) / a;
}

/** Result of a two-sample test. */
export interface TwoSampleTest {
  meanA: number;
  meanB: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** Cohen's d with the pooled standard deviation. */
  cohensD: number;
}

/**
 * Welch's t-test (unequal variances, Welch–Satterthwaite degrees of freedom) with Cohen's d.
 * @example
 * welchTTest([1, 2, 3, 4], [2, 3, 4, 5, 6]).p;
 */
export function welchTTest(a: readonly number[], b: readonly number[]): TwoSampleTest {
  if (a.length < 2 || b.length < 2) throw new UsageError('welchTTest needs at least two values in each sample');
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const vr = (x: readonly number[], m: number) => x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
  const ma = mean(a),
    mb = mean(b),
    va = vr(a, ma),
    vb = vr(b, mb);
  const se2 = va / a.length + vb / b.length;
  const t = se2 > 0 ? (ma - mb) / Math.sqrt(se2) : 0;
  const df = se2 > 0 ? se2 ** 2 / ((va / a.length) ** 2 / (a.length - 1) + (vb / b.length) ** 2 / (b.length - 1)) : a.length + b.length - 2;
  const p = se2 > 0 ? incompleteBeta(df / (df + t * t), df / 2, 0.5) : 1;
  const pooled = Math.sqrt(((a.length - 1) * va + (b.length - 1) * vb) / (a.length + b.length - 2));
  return { meanA: ma, meanB: mb, t, df, p, cohensD: pooled > 0 ? (ma - mb) / pooled : 0 };
}
