import { UsageError } from '../core/errors.js';
import { checkLabels } from './labels.js';

/** One band of a gains table (band 1 holds the highest scores: the riskiest when the positive class is default). */
export interface GainsBand {
  band: number;
  rows: number;
  positives: number;
  /** Positives / rows in the band. */
  positiveRate: number;
  minScore: number;
  maxScore: number;
  /** Mean score in the band: with calibrated probabilities, the band's predicted PD beside its observed `positiveRate`. */
  meanScore: number;
  /** Share of all rows in bands 1…band (the decline rate if bands 1…band are declined). */
  cumulativeRowShare: number;
  /** Share of all positives in bands 1…band (the bads caught at that cut). */
  cumulativePositiveShare: number;
  /** Positive rate among the rows in bands after this one (the bad rate of those approved at that cut). */
  remainingPositiveRate: number;
  /** The band's positive rate over the overall rate. */
  lift: number;
  /** Cumulative share of positives − cumulative share of negatives at this cut (signed; the largest |ks| is the KS). */
  ks: number;
}

/**
 * The gains table a credit team reads: rows sorted by score, highest first, cut into `bands` bands of (nearly) equal
 * size — each band's size, bad count and rate, score range, lift, and at each cut the share of rows declined, the
 * share of bads caught, the bad rate left among those approved, and the KS. Ties in score stay in one band's order by
 * position (the table is about counts, not about breaking ties).
 * @example
 * gainsTable(y, p, 10)[0]; // { band: 1, rows: 198, positives: 31, positiveRate: 0.157, lift: 3.0, … }
 */
export function gainsTable(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>, bands = 10): GainsBand[] {
  const n = scores.length;
  checkLabels(labels, scores, 'gainsTable', 'scores');
  if (!Number.isInteger(bands) || bands < 1 || bands > n) throw new UsageError(`gainsTable: bands must be an integer in [1, ${n}], got ${bands}`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  let totalPositives = 0;
  for (let i = 0; i < n; i++) totalPositives += labels[i] ? 1 : 0;
  const totalNegatives = n - totalPositives;
  const out: GainsBand[] = [];
  let start = 0,
    cumRows = 0,
    cumPositives = 0;
  for (let b = 0; b < bands; b++) {
    const size = Math.floor(n / bands) + (b < n % bands ? 1 : 0);
    let positives = 0,
      sum = 0,
      lo = Number.POSITIVE_INFINITY,
      hi = Number.NEGATIVE_INFINITY;
    for (let k = start; k < start + size; k++) {
      const i = order[k];
      positives += labels[i] ? 1 : 0;
      sum += scores[i];
      lo = Math.min(lo, scores[i]);
      hi = Math.max(hi, scores[i]);
    }
    start += size;
    cumRows += size;
    cumPositives += positives;
    const rest = n - cumRows;
    out.push({
      band: b + 1,
      rows: size,
      positives,
      positiveRate: positives / size,
      minScore: lo,
      maxScore: hi,
      meanScore: sum / size,
      cumulativeRowShare: cumRows / n,
      cumulativePositiveShare: totalPositives ? cumPositives / totalPositives : 0,
      remainingPositiveRate: rest ? (totalPositives - cumPositives) / rest : 0,
      lift: totalPositives ? positives / size / (totalPositives / n) : 0,
      ks: (totalPositives ? cumPositives / totalPositives : 0) - (totalNegatives ? (cumRows - cumPositives) / totalNegatives : 0),
    });
  }
  return out;
}
