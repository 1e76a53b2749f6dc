import { UsageError } from '../core/errors.js';
import { orderStatistics } from './select.js';
/** One bin’s shares and its PSI term. */
export interface PsiBin {
  lo: number;
  hi: number;
  /** Share of the reference (development) sample in the bin. */
  expected: number;
  /** Share of the new sample in the bin. */
  actual: number;
  /** This bin's term (a − e)·ln(a/e). */
  contribution: number;
}

/** PSI and its bins. */
export interface PsiResult {
  psi: number;
  bins: PsiBin[];
}

/**
 * A sample's distribution as PSI needs it: interior cut points at its quantiles (deciles by default; equal
 * cut points merged) and its share in each bin — what a model file stores about its development sample.
 * @example
 * const ref = referenceDistribution(devScores); // { edges: [9 cut points], shares: [10 shares] }
 */
export function referenceDistribution(values: ArrayLike<number>, bins = 10): { edges: number[]; shares: number[] } {
  return referenceOf(Float64Array.from(values), bins);
}

/**
 * `referenceDistribution` of `values`, reordering them in place instead of sorting a copy (the deciles are order
 * statistics; the shares do not depend on order).
 * @example
 * const ref = referenceOf(scratch, 10); // scratch: a Float64Array the caller no longer needs in order
 */
export function referenceOf(values: Float64Array, bins: number): { edges: number[]; shares: number[] } {
  const n = values.length;
  if (n === 0) throw new UsageError('referenceDistribution: no values');
  const ranks = Array.from({ length: bins - 1 }, (_, i) => Math.min(n - 1, Math.floor(((i + 1) * n) / bins)));
  const edges: number[] = [];
  for (const q of orderStatistics(values, ranks)) if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  return { edges, shares: binShares(edges, values) };
}

/** Share of `values` in each bin cut by `edges` (bin b holds values with exactly b edges ≤ them). */
export function binShares(edges: readonly number[], values: ArrayLike<number>): number[] {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let lo = 0,
      hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v >= edges[mid]) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  return Array.from(counts, (c) => c / values.length);
}

/**
 * Population stability index between a reference distribution (development sample) and a new one:
 * PSI = Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) over bins cut at the reference's quantiles (deciles by default, or the
 * interior cut points `edges`). Empty bins get a share of `epsilon` so the sum stays finite. Rule of thumb:
 * < 0.1 stable, 0.1–0.25 watch, > 0.25 shifted.
 * @example
 * psi(devScores, newScores).psi;
 */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>, options: { bins?: number; edges?: number[]; epsilon?: number } = {}): PsiResult {
  if (expected.length === 0 || actual.length === 0) throw new UsageError('psi: both samples need values');
  const reference = options.edges
    ? { edges: options.edges.filter((e) => Number.isFinite(e)), shares: [] as number[] }
    : referenceDistribution(expected, options.bins ?? 10);
  if (options.edges) reference.shares = binShares(reference.edges, expected);
  return psiAgainst(reference, actual, options.epsilon);
}

/**
 * PSI of a new sample against a stored reference: bin `edges` (interior cut points, ascending) and the
 * reference's share per bin (edges.length + 1 shares) — what a model file keeps of its development sample.
 * @example
 * psiAgainst({ edges: [0.2, 0.5], shares: [0.3, 0.4, 0.3] }, newScores).psi;
 */
export function psiAgainst(reference: { edges: number[]; shares: number[] }, actual: ArrayLike<number>, epsilon = 1e-4): PsiResult {
  const { edges, shares } = reference;
  if (shares.length !== edges.length + 1) throw new UsageError(`psiAgainst: ${edges.length} edges need ${edges.length + 1} shares, got ${shares.length}`);
  if (actual.length === 0) throw new UsageError('psiAgainst: no values');
  const actualShares = binShares(edges, actual);
  const bins: PsiBin[] = [];
  let total = 0;
  for (let i = 0; i < shares.length; i++) {
    const e = shares[i],
      a = actualShares[i];
    const ei = Math.max(e, epsilon),
      ai = Math.max(a, epsilon);
    const contribution = (ai - ei) * Math.log(ai / ei);
    total += contribution;
    bins.push({ lo: i === 0 ? -Infinity : edges[i - 1], hi: i === edges.length ? Infinity : edges[i], expected: e, actual: a, contribution });
  }
  return { psi: total, bins };
}
