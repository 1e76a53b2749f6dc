import { UsageError } from '../core/errors.js';
import { checkLabels } from './labels.js';
/**
 * Mean negative log-likelihood of binary labels under probabilities p (clipped to [eps, 1 − eps]).
 * @example
 * logLoss([1, 0], [0.9, 0.2]); // (−ln 0.9 − ln 0.8)/2
 */
export function logLoss(labels: ArrayLike<number | boolean>, probs: ArrayLike<number>, eps = 1e-15): number {
  checkLabels(labels, probs, 'logLoss', 'probabilities');
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probs[i], eps), 1 - eps);
    s -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / labels.length;
}

/**
 * Brier score: mean squared difference between probability and outcome (lower is better).
 * @example
 * brierScore([1, 0], [0.9, 0.2]); // (0.01 + 0.04)/2
 */
export function brierScore(labels: ArrayLike<number | boolean>, probs: ArrayLike<number>): number {
  checkLabels(labels, probs, 'brierScore', 'probabilities');
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = probs[i] - (labels[i] ? 1 : 0);
    s += d * d;
  }
  return s / labels.length;
}

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * Reliability diagram data: probabilities in `bins` equal-width bins with mean prediction vs observed rate.
 * @example
 * calibrationBins(y, p, 10).filter((b) => b.count > 0);
 */
export function calibrationBins(labels: ArrayLike<number | boolean>, probs: ArrayLike<number>, bins = 10): CalibrationBin[] {
  checkLabels(labels, probs, 'calibrationBins', 'probabilities');
  const out: CalibrationBin[] = Array.from({ length: bins }, (_, i) => ({ lo: i / bins, hi: (i + 1) / bins, count: 0, meanPredicted: 0, observedRate: 0 }));
  for (let i = 0; i < probs.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probs[i] * bins)));
    out[b].count++;
    out[b].meanPredicted += probs[i];
    out[b].observedRate += labels[i] ? 1 : 0;
  }
  for (const b of out)
    if (b.count) {
      b.meanPredicted /= b.count;
      b.observedRate /= b.count;
    }
  return out;
}

/**
 * Calibration summary: calibration-in-the-large (mean predicted probability against the observed rate) and the
 * expected calibration error — Σ over `bins` equal-width bins of (share of rows) · |mean predicted − observed rate|.
 * @example
 * calibrationSummary(y, p); // { meanPredicted: 0.053, observedRate: 0.052, ece: 0.011 }
 */
export function calibrationSummary(
  labels: ArrayLike<number | boolean>,
  probs: ArrayLike<number>,
  bins = 10,
): { meanPredicted: number; observedRate: number; ece: number } {
  checkLabels(labels, probs, 'calibrationSummary', 'probabilities');
  const n = probs.length;
  if (n === 0) throw new UsageError('calibrationSummary: no values');
  let predicted = 0,
    observed = 0,
    ece = 0;
  for (let i = 0; i < n; i++) {
    predicted += probs[i];
    observed += labels[i] ? 1 : 0;
  }
  for (const b of calibrationBins(labels, probs, bins)) ece += (b.count / n) * Math.abs(b.meanPredicted - b.observedRate);
  return { meanPredicted: predicted / n, observedRate: observed / n, ece };
}
