/**
 * Scorecard points: the probability of the positive ("bad") class as the points a credit team reads, higher = safer.
 * points = offset − factor·ln(odds_bad), with odds_bad = p / (1 − p), factor = PDO / ln 2 and
 * offset = baseScore − factor·ln(baseOdds): an applicant whose good:bad odds are baseOdds scores baseScore, and
 * every doubling of the good:bad odds adds PDO points.
 */

/** The scaling of points (odds are good:bad). */
export interface ScorecardScaling {
  /** Points to double the odds. */
  pdo: number;
  /** The points at `baseOdds`. */
  baseScore: number;
  /** Good:bad odds that score `baseScore`. */
  baseOdds: number;
}

/** The usual scaling: 600 points at 50:1, 20 points to double the odds. */
export const DEFAULT_SCALING: Readonly<ScorecardScaling> = Object.freeze({ pdo: 20, baseScore: 600, baseOdds: 50 });

/**
 * Probabilities are clamped to [2⁻²³, 1 − 2⁻²³] before their log-odds are taken: both ends are float32 numbers (so the
 * ONNX graph, in float32, clamps to the same values), and a probability of 0 or 1 still has finite points.
 */
export const POINTS_PROBABILITY_FLOOR = 2 ** -23;

/** Points = offset − factor · ln(odds of the positive class): a scaling's two constants (`scalingFactors`). */
export interface ScalingFactors {
  factor: number;
  offset: number;
}

/**
 * factor = PDO / ln 2 and offset = baseScore − factor·ln(baseOdds).
 * @example
 * scalingFactors(DEFAULT_SCALING); // { factor: 28.85, offset: 487.12 }
 */
export function scalingFactors(s: ScorecardScaling): ScalingFactors {
  const factor = s.pdo / Math.LN2;
  return { factor, offset: s.baseScore - factor * Math.log(s.baseOdds) };
}

/**
 * Unrounded points for P(bad) = `p` (NaN for a probability outside [0, 1]: no points without a probability).
 * @example
 * exactPoints(1 / 51, DEFAULT_SCALING); // 600 (odds 50:1)
 */
export function exactPoints(p: number, s: ScorecardScaling): number {
  return pointsWith(p, scalingFactors(s));
}

/**
 * `exactPoints` from the scaling's factors (`scalingFactors`), for callers that compute them once for many
 * probabilities (reason codes: four points per record).
 * @example
 * const f = scalingFactors(DEFAULT_SCALING);
 * pointsWith(1 / 51, f); // 600
 */
export function pointsWith(p: number, { factor, offset }: ScalingFactors): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  const q = Math.min(Math.max(p, POINTS_PROBABILITY_FLOOR), 1 - POINTS_PROBABILITY_FLOOR);
  return offset - factor * (Math.log(q) - Math.log(1 - q));
}

/**
 * Points as a scorecard prints them: `exactPoints` rounded half up (Math.round; the ONNX graph's Floor(x + 0.5)).
 * @example
 * points(0.1, DEFAULT_SCALING); // 550
 */
export function points(p: number, s: ScorecardScaling): number {
  return Math.round(exactPoints(p, s));
}

/** Why `s` is not a usable scaling (null when it is): PDO and base odds positive, all finite. */
export function scalingProblem(s: unknown): string | null {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return 'must be { pdo, baseScore, baseOdds }';
  const r = s as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!['pdo', 'baseScore', 'baseOdds'].includes(key)) return `has an unknown field '${key}'`;
  if (!(typeof r.pdo === 'number' && Number.isFinite(r.pdo) && r.pdo > 0)) return `.pdo must be a positive number, got ${String(r.pdo)}`;
  if (!(typeof r.baseScore === 'number' && Number.isFinite(r.baseScore))) return `.baseScore must be a finite number, got ${String(r.baseScore)}`;
  if (!(typeof r.baseOdds === 'number' && Number.isFinite(r.baseOdds) && r.baseOdds > 0))
    return `.baseOdds must be a positive number, got ${String(r.baseOdds)}`;
  return null;
}
