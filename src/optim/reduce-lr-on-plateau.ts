import { UsageError } from '../core/errors.js';
import type { BaseOptions, Optimizer } from './optimizer.js';

/** Options of `ReduceLROnPlateau` (PyTorch’s names). */
export interface ReduceLROnPlateauOptions {
  /** 'min' for a loss, 'max' for a score such as AUC; default 'min'. */
  mode?: 'min' | 'max';
  /** Multiplier applied to the learning rate; default 0.5. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing; default 3. */
  patience?: number;
  /** Relative improvement that counts (PyTorch's 'rel' threshold); default 1e-4. */
  threshold?: number;
  /** Floor for the learning rate; default 1e-5. */
  minLr?: number;
  /** Epochs to wait after a reduction before counting again; default 0. */
  cooldown?: number;
}

/**
 * Halves (by default) the learning rate when a monitored metric stops improving — PyTorch's
 * `ReduceLROnPlateau` with the notebook's settings (factor 0.5, patience 3, min_lr 1e-5).
 * @example
 * const sched = new ReduceLROnPlateau(opt, { patience: 3 });
 * sched.step(validationLoss); // once per epoch
 */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly minLr: number;
  readonly cooldown: number;
  best: number;
  badEpochs = 0;
  private cooldownLeft = 0;

  constructor(
    private readonly optimizer: Optimizer<BaseOptions>,
    options: ReduceLROnPlateauOptions = {},
  ) {
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.5;
    this.patience = options.patience ?? 3;
    this.threshold = options.threshold ?? 1e-4;
    this.minLr = options.minLr ?? 1e-5;
    this.cooldown = options.cooldown ?? 0;
    if (this.mode !== 'min' && this.mode !== 'max') throw new UsageError(`ReduceLROnPlateau: mode must be 'min' or 'max', got '${this.mode}'`);
    if (!(this.factor > 0 && this.factor < 1)) throw new UsageError(`ReduceLROnPlateau: factor must be in (0, 1), got ${this.factor}`);
    if (!(Number.isInteger(this.patience) && this.patience >= 0))
      throw new UsageError(`ReduceLROnPlateau: patience must be an integer ≥ 0, got ${this.patience}`);
    if (!(this.minLr >= 0)) throw new UsageError(`ReduceLROnPlateau: minLr must be ≥ 0, got ${this.minLr}`);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private improved(value: number): boolean {
    return this.mode === 'min'
      ? value < this.best * (1 - Math.sign(this.best) * this.threshold) || this.best === Infinity
      : value > this.best * (1 + Math.sign(this.best) * this.threshold) || this.best === -Infinity;
  }

  /** Feed one epoch's metric; returns true when the learning rate was reduced. */
  step(value: number): boolean {
    if (Number.isNaN(value)) return false;
    if (this.improved(value)) {
      this.best = value;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.patience) {
      this.badEpochs = 0;
      this.cooldownLeft = this.cooldown;
      const old = this.optimizer.lr;
      const next = Math.max(old * this.factor, this.minLr);
      if (old - next > 1e-8) {
        this.optimizer.lr = next;
        return true;
      }
    }
    return false;
  }
}
