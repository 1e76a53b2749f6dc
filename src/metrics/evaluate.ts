import { UsageError } from '../core/errors.js';
import { checkLabels } from './labels.js';
import { classificationReport, confusionAt, type Confusion, type PRF, type ZeroDivision } from './classification.js';
import { brierScore, calibrationBins, logLoss, type CalibrationBin } from './probabilistic.js';
import { rankingSummary, rocAuc, type PrCurve, type RocCurve } from './ranking.js';

/** What `evaluateModel` needs of a model: binary probabilities for a batch of rows. */
export interface ProbabilisticModel {
  /** P(class 1) for `rows` encoded rows. */
  predictProba(x: Float32Array, rows: number, out?: Float32Array): Float32Array;
  readonly outputDim: number;
}

/** Encoded rows with labels. */
export interface EvaluationData {
  x: Float32Array;
  y: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** Options of `evaluateModel`. */
export interface EvaluateOptions {
  /** Decision threshold on P(positive); default 0.5. */
  threshold?: number;
  /**
   * 'scores' (default): AUC from probabilities. 'labels': AUC from the hard 0/1 predictions, as the
   * original computed it — only for comparison; it understates ranking power.
   */
  aucFrom?: 'scores' | 'labels';
  /** Which average `precision`, `recall` and `f1` report: 'binary' (positive class, default), 'weighted' (the original) or 'macro'. */
  average?: 'binary' | 'weighted' | 'macro';
  /** Value for 0/0 in precision, recall or F1; default 1 (the original's zero_division = 1). */
  zeroDivision?: ZeroDivision;
  /** Include ROC, PR and calibration curve points; default false. */
  curves?: boolean;
  /** Rows per forward pass; default 8192. */
  chunk?: number;
}

/** Everything `evaluateModel` computes. */
export interface Evaluation {
  /** The seed's five numbers: accuracy, precision, recall, F1 (see `average`), AUC. */
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  /** Where `auc` came from. */
  aucFrom: 'scores' | 'labels';
  average: 'binary' | 'weighted' | 'macro';
  /** AUC from scores whatever `aucFrom` says. */
  rocAuc: number;
  gini: number;
  ks: number;
  /** Average precision (area under the PR curve). */
  prAuc: number;
  logLoss: number;
  brier: number;
  threshold: number;
  confusion: Confusion;
  binary: PRF;
  macro: PRF;
  weighted: PRF;
  rows: number;
  positives: number;
  /** Observed positive rate. */
  baseRate: number;
  curves?: { roc: RocCurve; pr: PrCurve; calibration: CalibrationBin[] };
}

/**
 * Scores `model` on `data` and computes what a credit team reads: AUC (from probabilities), Gini, KS,
 * PR-AUC, log loss, Brier, and accuracy/precision/recall/F1 with the confusion matrix at a threshold.
 * @example
 * const m = evaluateModel(model, testDataset, { threshold: 0.5 });
 * console.log(m.auc, m.ks, m.gini);
 */
export function evaluateModel(model: ProbabilisticModel, data: EvaluationData, options: EvaluateOptions = {}): Evaluation {
  if (model.outputDim !== 2) throw new UsageError(`evaluateModel handles binary models; this one has ${model.outputDim} outputs`);
  const chunk = options.chunk ?? 8192;
  const probs = new Float32Array(data.rows);
  for (let start = 0; start < data.rows; start += chunk) {
    const rows = Math.min(chunk, data.rows - start);
    model.predictProba(data.x.subarray(start * data.cols, (start + rows) * data.cols), rows, probs.subarray(start, start + rows));
  }
  return evaluateScores(data.y, probs, options);
}

/**
 * The metrics of `evaluateModel` from labels and probabilities you already have.
 * @example
 * evaluateScores([0, 1, 1, 0], [0.2, 0.7, 0.6, 0.4]).ks; // 1
 */
export function evaluateScores(labels: ArrayLike<number>, probs: ArrayLike<number>, options: EvaluateOptions = {}): Evaluation {
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`threshold must be in [0, 1], got ${threshold}`);
  checkLabels(labels, probs, 'evaluateScores', 'probabilities');
  const y = new Uint8Array(labels.length);
  for (let i = 0; i < y.length; i++) y[i] = labels[i] ? 1 : 0;
  const aucFrom = options.aucFrom ?? 'scores';
  if (aucFrom !== 'scores' && aucFrom !== 'labels') throw new UsageError(`aucFrom must be 'scores' or 'labels', got '${aucFrom}'`);
  const average = options.average ?? 'binary';
  if (!['binary', 'weighted', 'macro'].includes(average)) throw new UsageError(`average must be 'binary', 'weighted' or 'macro', got '${average}'`);
  const confusion = confusionAt(y, probs, threshold);
  const report = classificationReport(confusion, options.zeroDivision ?? 1);
  const ranking = rankingSummary(y, probs, options.curves);
  const scoreAuc = ranking.auc;
  const chosen = report[average];
  const positives = confusion.tp + confusion.fn;
  const result: Evaluation = {
    accuracy: report.accuracy,
    precision: chosen.precision,
    recall: chosen.recall,
    f1: chosen.f1,
    auc:
      aucFrom === 'scores'
        ? scoreAuc
        : rocAuc(
            y,
            Float32Array.from(probs, (p) => (p >= threshold ? 1 : 0)),
          ),
    aucFrom,
    average,
    rocAuc: scoreAuc,
    gini: 2 * scoreAuc - 1,
    ks: ranking.ks,
    prAuc: ranking.averagePrecision,
    logLoss: logLoss(y, probs),
    brier: brierScore(y, probs),
    threshold,
    confusion,
    binary: report.binary,
    macro: report.macro,
    weighted: report.weighted,
    rows: y.length,
    positives,
    baseRate: y.length ? positives / y.length : NaN,
  };
  if (ranking.roc && ranking.pr) result.curves = { roc: ranking.roc, pr: ranking.pr, calibration: calibrationBins(y, probs) };
  return result;
}
