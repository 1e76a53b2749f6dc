import { UsageError } from '../core/errors.js';
import { checkLabels } from './labels.js';
/**
 * Area under the ROC curve from scores, by ranks (Mann–Whitney U / (n₊·n₋)), ties given average rank.
 * O(n log n). Returns NaN when one class is absent.
 * @param labels 1 (or true) for the positive class, 0 otherwise.
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  const n = labels.length;
  checkLabels(labels, scores, 'rocAuc', 'scores');
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new UsageError(`rocAuc: score at index ${i} is NaN`);
    order[i] = i;
  }
  order.sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // 1-based average rank of the tie block
    for (let t = i; t <= j; t++) {
      if (labels[order[t]]) {
        nPos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  const u = rankSumPos - (nPos * (nPos + 1)) / 2;
  return u / (nPos * nNeg);
}

function checkPair(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>, what: string): void {
  checkLabels(labels, scores, what, 'scores');
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) throw new UsageError(`${what}: score at index ${i} is NaN`);
}

/** ROC curve points. */
export interface RocCurve {
  /** False-positive rate at each threshold, from 0 to 1. */
  fpr: number[];
  /** True-positive rate at each threshold. */
  tpr: number[];
  /** Score thresholds (predict positive when score ≥ threshold), decreasing; the first is +Infinity. */
  thresholds: number[];
}

/**
 * ROC curve points, one per distinct score (as scikit-learn's `roc_curve` with drop_intermediate=False).
 * @example
 * rocCurve([0, 1, 1], [0.2, 0.6, 0.9]).tpr; // [0, 0.5, 1, 1]
 */
export function rocCurve(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): RocCurve {
  checkPair(labels, scores, 'rocCurve');
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (let i = 0; i < n; i++) if (labels[i]) P++;
  const N = n - P;
  const fpr = [0],
    tpr = [0],
    thresholds = [Infinity];
  let tp = 0,
    fp = 0;
  for (let i = 0; i < n; i++) {
    if (labels[order[i]]) tp++;
    else fp++;
    if (i + 1 < n && scores[order[i + 1]] === scores[order[i]]) continue;
    fpr.push(N ? fp / N : NaN);
    tpr.push(P ? tp / P : NaN);
    thresholds.push(scores[order[i]]);
  }
  return { fpr, tpr, thresholds };
}

/** Precision–recall curve points. */
export interface PrCurve {
  precision: number[];
  recall: number[];
  /** Thresholds, decreasing (predict positive when score ≥ threshold). */
  thresholds: number[];
}

/**
 * Precision–recall points, one per distinct score, from the highest threshold down.
 * @example
 * prCurve([0, 1, 1], [0.2, 0.6, 0.9]).precision; // [1, 1, 2/3]
 */
export function prCurve(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): PrCurve {
  const roc = rocCurve(labels, scores);
  let P = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) P++;
  const N = labels.length - P;
  const precision: number[] = [],
    recall: number[] = [],
    thresholds: number[] = [];
  for (let i = 1; i < roc.thresholds.length; i++) {
    const tp = roc.tpr[i] * P,
      fp = roc.fpr[i] * N;
    precision.push(tp + fp > 0 ? tp / (tp + fp) : 1);
    recall.push(P ? roc.tpr[i] : NaN);
    thresholds.push(roc.thresholds[i]);
  }
  return { precision, recall, thresholds };
}

/**
 * Average precision (area under the precision–recall curve as a step sum, scikit-learn's
 * `average_precision_score`): Σ (Rₙ − Rₙ₋₁)·Pₙ.
 * @example
 * averagePrecision([0, 1, 1], [0.2, 0.6, 0.9]); // 1
 */
export function averagePrecision(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  const pr = prCurve(labels, scores);
  let ap = 0,
    prevR = 0;
  for (let i = 0; i < pr.recall.length; i++) {
    ap += (pr.recall[i] - prevR) * pr.precision[i];
    prevR = pr.recall[i];
  }
  return ap;
}

/**
 * Kolmogorov–Smirnov statistic: the largest gap between the score distributions of positives and
 * negatives, max |TPR − FPR| over thresholds (what credit teams call "KS").
 * @example
 * ksStatistic([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]); // 1
 */
export function ksStatistic(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  const roc = rocCurve(labels, scores);
  let ks = 0;
  for (let i = 0; i < roc.fpr.length; i++) ks = Math.max(ks, Math.abs(roc.tpr[i] - roc.fpr[i]));
  return ks;
}

/**
 * Gini coefficient (accuracy ratio) = 2·AUC − 1.
 * @example
 * gini([0, 1, 1], [0.2, 0.7, 0.6]); // 2·AUC − 1 = 1
 */
export function gini(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  return 2 * rocAuc(labels, scores) - 1;
}

/**
 * Threshold maximising Youden's J = TPR − FPR.
 * @example
 * youdenThreshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 */
export function youdenThreshold(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  const roc = rocCurve(labels, scores);
  let best = 1,
    bestJ = -Infinity;
  for (let i = 1; i < roc.thresholds.length; i++) {
    const j = roc.tpr[i] - roc.fpr[i];
    if (j > bestJ) {
      bestJ = j;
      best = roc.thresholds[i];
    }
  }
  return best;
}

/**
 * The threshold that approves (score below threshold) the `rate` fraction of applicants with the lowest
 * scores — the cut-off for a target approval rate.
 * @example
 * thresholdForApprovalRate([0.1, 0.2, 0.3, 0.4], 0.5); // 0.3: scores 0.1 and 0.2 are approved
 */
export function thresholdForApprovalRate(scores: ArrayLike<number>, rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new UsageError(`approval rate must be in [0, 1], got ${rate}`);
  const s = Float64Array.from(scores).sort();
  const n = s.length;
  if (n === 0) throw new UsageError('thresholdForApprovalRate: no scores');
  const k = Math.round(rate * n);
  if (k >= n) return Infinity;
  return s[k];
}
