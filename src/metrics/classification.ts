import { checkLabels } from './labels.js';
/** Counts at a threshold, the positive class being 1 ("default"). */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * Confusion matrix of hard predictions (prediction = score ≥ threshold).
 * @example
 * confusionAt([1, 0, 1], [0.9, 0.6, 0.2], 0.5); // { tp: 1, fp: 1, tn: 0, fn: 1 }
 */
export function confusionAt(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>, threshold = 0.5): Confusion {
  checkLabels(labels, scores, 'confusion', 'scores');
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const pred = scores[i] >= threshold;
    if (labels[i]) pred ? c.tp++ : c.fn++;
    else pred ? c.fp++ : c.tn++;
  }
  return c;
}

/** Value used for 0/0, as scikit-learn’s `zero_division`. */
export type ZeroDivision = 0 | 1 | 'nan';

/** Precision, recall, F1. */
export interface PRF {
  precision: number;
  recall: number;
  f1: number;
}

function safeDiv(a: number, b: number, z: ZeroDivision): number {
  return b > 0 ? a / b : z === 'nan' ? NaN : z;
}

function prf(tp: number, fp: number, fn: number, z: ZeroDivision): PRF {
  const precision = safeDiv(tp, tp + fp, z);
  const recall = safeDiv(tp, tp + fn, z);
  // scikit-learn: F1 = 2tp / (2tp + fp + fn), zero_division when the denominator is 0.
  const f1 = safeDiv(2 * tp, 2 * tp + fp + fn, z);
  return { precision, recall, f1 };
}

/** Accuracy and precision/recall/F1 three ways. */
export interface ClassificationReport {
  accuracy: number;
  /** For the positive class (1). */
  binary: PRF;
  /** Unweighted mean over the two classes. */
  macro: PRF;
  /** Mean over the two classes weighted by support (what the original reported). */
  weighted: PRF;
  confusion: Confusion;
}

/**
 * Accuracy and precision/recall/F1 as binary (positive class), macro and weighted averages, with
 * scikit-learn's `zero_division` semantics (default 1, as the original used).
 * @example
 * classificationReport(confusionAt(y, p, 0.5)).weighted.f1;
 */
export function classificationReport(c: Confusion, zeroDivision: ZeroDivision = 1): ClassificationReport {
  const n = c.tp + c.fp + c.tn + c.fn;
  const pos = prf(c.tp, c.fp, c.fn, zeroDivision);
  const neg = prf(c.tn, c.fn, c.fp, zeroDivision);
  const sPos = c.tp + c.fn,
    sNeg = c.tn + c.fp;
  const avg = (a: number, b: number, wa: number, wb: number) => (wa + wb > 0 ? (a * wa + b * wb) / (wa + wb) : NaN);
  return {
    accuracy: n ? (c.tp + c.tn) / n : NaN,
    binary: pos,
    macro: { precision: (pos.precision + neg.precision) / 2, recall: (pos.recall + neg.recall) / 2, f1: (pos.f1 + neg.f1) / 2 },
    weighted: {
      precision: avg(pos.precision, neg.precision, sPos, sNeg),
      recall: avg(pos.recall, neg.recall, sPos, sNeg),
      f1: avg(pos.f1, neg.f1, sPos, sNeg),
    },
    confusion: c,
  };
}
