import { UsageError } from '../core/errors.js';

/** Metrics on the validation data after an epoch. */
export interface ValidationMetrics {
  /** Mean cross-entropy (no regulariser). */
  loss: number;
  /** ROC AUC of P(class 1) (binary models; NaN when one class is absent). */
  auc: number;
  /** Accuracy of the arg-max class. */
  accuracy: number;
}

/** One epoch of training history. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (cross-entropy + λ·R). */
  loss: number;
  /** Mean cross-entropy part. */
  baseLoss: number;
  /** Mean regulariser R(θ) (before λ). */
  regLoss: number;
  /** Mean of the optimiser's `energy` over the epoch's steps (its own definition; see each optimiser). */
  energy: number;
  /** Learning rate used in this epoch. */
  lr: number;
  /** Wall-clock seconds for the epoch's training steps. */
  seconds: number;
  validation?: ValidationMetrics;
}

/** What `fit` returns. */
export interface History {
  epochs: EpochRecord[];
  /** Epoch (1-based) with the best monitored value when early stopping is used, else the last. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Total wall-clock seconds spent in training steps. */
  trainSeconds: number;
}

/** A value `fit` can watch for early stopping or a scheduler. */
export type Monitor = 'loss' | 'val.loss' | 'val.auc' | 'val.accuracy';

/**
 * The value of `monitor` in an epoch's record (NaN when it needs validation the record lacks).
 * @example
 * monitorValue('val.auc', history.epochs[0]);
 */
export function monitorValue(m: Monitor, rec: EpochRecord): number {
  switch (m) {
    case 'loss':
      return rec.loss;
    case 'val.loss':
      return rec.validation?.loss ?? NaN;
    case 'val.auc':
      return rec.validation?.auc ?? NaN;
    case 'val.accuracy':
      return rec.validation?.accuracy ?? NaN;
    default:
      throw new UsageError(`unknown monitor '${m as string}' (use loss, val.loss, val.auc, val.accuracy)`);
  }
}
