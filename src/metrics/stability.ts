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
 * Population stability index between a reference distribution (development sample) and a new one:
 * PSI = Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) over bins cut at the reference's quantiles (deciles by default). Empty
 * bins get a share of `epsilon` so the sum stays finite. Rule of thumb: < 0.1 stable, 0.1–0.25 watch,
 * > 0.25 shifted.
 * @example
 * psi(devScores, newScores).psi;
 */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>, options: { bins?: number; edges?: number[]; epsilon?: number } = {}): PsiResult {
  if (expected.length === 0 || actual.length === 0) throw new RangeError('psi: both samples need values');
  const eps = options.epsilon ?? 1e-4;
  let edges = options.edges;
  if (!edges) {
    const nb = options.bins ?? 10;
    const s = Float64Array.from(expected).sort();
    const cuts: number[] = [];
    for (let i = 1; i < nb; i++) {
      const q = s[Math.min(s.length - 1, Math.floor((i * s.length) / nb))];
      if (cuts.length === 0 || q > cuts[cuts.length - 1]) cuts.push(q);
    }
    edges = [-Infinity, ...cuts, Infinity];
  }
  const nb = edges.length - 1;
  const count = (xs: ArrayLike<number>) => {
    const c = new Float64Array(nb);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i];
      let lo = 0, hi = nb - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v < edges![mid + 1]) hi = mid;
        else lo = mid + 1;
      }
      c[lo]++;
    }
    return Array.from(c, (v) => v / xs.length);
  };
  const e = count(expected), a = count(actual);
  const bins: PsiBin[] = [];
  let total = 0;
  for (let i = 0; i < nb; i++) {
    const ei = Math.max(e[i], eps), ai = Math.max(a[i], eps);
    const contribution = (ai - ei) * Math.log(ai / ei);
    total += contribution;
    bins.push({ lo: edges[i], hi: edges[i + 1], expected: e[i], actual: a[i], contribution });
  }
  return { psi: total, bins };
}

/**
 * PSI of a new sample against a stored reference: bin `edges` (interior cut points, ascending) and the
 * reference's share per bin (edges.length + 1 shares) — what a model file keeps of its development sample.
 * @example
 * psiAgainst({ edges: [0.2, 0.5], shares: [0.3, 0.4, 0.3] }, newScores).psi;
 */
export function psiAgainst(reference: { edges: number[]; shares: number[] }, actual: ArrayLike<number>, epsilon = 1e-4): PsiResult {
  const { edges, shares } = reference;
  if (shares.length !== edges.length + 1) throw new RangeError(`psiAgainst: ${edges.length} edges need ${edges.length + 1} shares, got ${shares.length}`);
  if (actual.length === 0) throw new RangeError('psiAgainst: no values');
  const counts = new Float64Array(shares.length);
  for (let i = 0; i < actual.length; i++) {
    let b = 0;
    while (b < edges.length && actual[i] >= edges[b]) b++;
    counts[b]++;
  }
  const bins: PsiBin[] = [];
  let total = 0;
  for (let i = 0; i < shares.length; i++) {
    const e = shares[i], a = counts[i] / actual.length;
    const ei = Math.max(e, epsilon), ai = Math.max(a, epsilon);
    const contribution = (ai - ei) * Math.log(ai / ei);
    total += contribution;
    bins.push({ lo: i === 0 ? -Infinity : edges[i - 1], hi: i === edges.length ? Infinity : edges[i], expected: e, actual: a, contribution });
  }
  return { psi: total, bins };
}
