import { UsageError } from '../core/errors.js';
/**
 * Mean negative log-likelihood of binary labels under probabilities p (clipped to [eps, 1 − eps]).
 * @example
 * logLoss([1, 0], [0.9, 0.2]); // (−ln 0.9 − ln 0.8)/2
 */
export function logLoss(labels: ArrayLike<number | boolean>, probs: ArrayLike<number>, eps = 1e-15): number {
  if (labels.length !== probs.length) throw new UsageError(`logLoss: ${labels.length} labels but ${probs.length} probabilities`);
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
  if (labels.length !== probs.length) throw new UsageError(`brierScore: ${labels.length} labels but ${probs.length} probabilities`);
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
