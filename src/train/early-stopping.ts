import type { EpochRecord, History, Monitor } from './history.js';
import { monitorValue } from './history.js';
import { UsageError } from '../core/errors.js';

const HIGHER_IS_BETTER: Record<Monitor, boolean> = { loss: false, 'val.loss': false, 'val.auc': true, 'val.accuracy': true };

/** Options of early stopping. */
export interface EarlyStoppingOptions {
  /** Value watched; default 'val.auc' when there is validation data, else 'loss'. */
  monitor?: Monitor;
  /** Epochs without improvement before stopping; default 5. */
  patience?: number;
  /** Smallest change that counts as improvement; default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch at the end; default true. */
  restoreBest?: boolean;
}

/**
 * The early-stopping rule of `fit` (and `fitGpu`): watch `monitor` after every epoch, stop after `patience` epochs
 * without an improvement larger than `minDelta`, and at the end put back the best epoch's weights.
 * @example
 * const stopper = new EarlyStopper({ patience: 3 }, true, model.parameters());
 * // after each epoch's record is in history:
 * if (stopper.update(record, history)) break;
 * // after the loop:
 * stopper.finish(history);
 */
export class EarlyStopper {
  readonly monitor: Monitor;
  private best = { value: NaN, epoch: 0, weights: null as Float32Array[] | null };
  private sinceBest = 0;

  constructor(
    private readonly options: EarlyStoppingOptions,
    hasValidation: boolean,
    private readonly params: ReadonlyArray<{ data: Float32Array }>,
  ) {
    this.monitor = options.monitor ?? (hasValidation ? 'val.auc' : 'loss');
    if (this.monitor.startsWith('val.') && !hasValidation) throw new UsageError(`earlyStopping.monitor '${this.monitor}' needs validation data`);
  }

  /** Called with each epoch's record (already pushed to `history`); true when training should stop now. */
  update(record: EpochRecord, history: History): boolean {
    const v = monitorValue(this.monitor, record);
    const minDelta = this.options.minDelta ?? 0;
    const best = this.best.value;
    const better = Number.isNaN(best) || (HIGHER_IS_BETTER[this.monitor] ? v > best + minDelta : v < best - minDelta);
    if (better) {
      this.best = { value: v, epoch: record.epoch, weights: (this.options.restoreBest ?? true) ? this.params.map((p) => p.data.slice()) : null };
      this.sinceBest = 0;
    } else if (++this.sinceBest >= (this.options.patience ?? 5)) {
      history.stoppedEarly = true;
      return true;
    }
    history.bestEpoch = this.best.epoch;
    return false;
  }

  /** Puts back the best epoch's weights (unless `restoreBest` is false) and records that epoch in `history`. */
  finish(history: History): void {
    const weights = this.best.weights;
    if (weights) this.params.forEach((p, i) => p.data.set(weights[i]));
    history.bestEpoch = this.best.epoch || history.bestEpoch;
  }
}
