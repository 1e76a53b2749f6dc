import { allFinite } from '../core/matrix.js';
import type { Dataset } from '../core/dataset.js';
import { TrainingDivergedError, UsageError } from '../core/errors.js';
import { toRng, type Rng } from '../core/rng.js';
import type { HamiltonianNN } from '../nn/hamiltonian-nn.js';
import { EarlyStopper, type EarlyStoppingOptions } from './early-stopping.js';
import { monitorValue, type EpochRecord, type History, type Monitor, type ValidationMetrics } from './history.js';

/** Means of one epoch's steps, as the driver measured them. */
export interface EpochStats {
  loss: number;
  baseLoss: number;
  regLoss: number;
  energy: number;
  /** Batches run (named by a divergence error). */
  batches: number;
}

/**
 * What differs between devices: how an epoch's batches are stepped and how validation is computed. Everything
 * else — shuffling, timing, the divergence guard, validation, the scheduler, callbacks, early stopping — is the
 * one loop in `runEpochs`.
 */
export interface EpochDriver {
  /** The learning rate this epoch runs at (read before it starts). */
  lr(): number;
  /**
   * Steps through the rows in `order`, batch by batch, and returns the epoch's means; the model must hold the
   * epoch's weights when it returns. Throws `TrainingDivergedError` on a non-finite loss (the loop restores).
   */
  runEpoch(epoch: number, order: Uint32Array): EpochStats | Promise<EpochStats>;
  /** Validation metrics of the model as it stands. */
  validate(data: Dataset): ValidationMetrics | Promise<ValidationMetrics>;
  /** Frees what the driver holds (device memory), whether training finished or threw. */
  release?(): void;
}

/** The loop's options (a subset of `FitOptions`). */
export interface EpochLoopOptions {
  /** Number of epochs (early stopping may end sooner). */
  epochs: number;
  /** Reshuffle rows every epoch; default true. */
  shuffle?: boolean;
  /** Seed or generator for the shuffling; default 0. (The model's own generator draws dropout masks.) */
  seed?: number | Rng;
  /** Evaluated after every epoch. */
  validation?: Dataset;
  /** Called once per epoch with its record, e.g. to adjust a scheduler; may be async. */
  onEpoch?: (record: EpochRecord, history: History) => void | Promise<void>;
  /** A scheduler stepped once per epoch with `schedulerMonitor` (e.g. `ReduceLROnPlateau`). */
  scheduler?: {
    /** Called with the monitored value once per epoch. */
    step(value: number): unknown;
  };
  /** Default 'val.loss' with validation data, else 'loss'. */
  schedulerMonitor?: Monitor;
  /** Stop when the monitored value stops improving. */
  earlyStopping?: EarlyStoppingOptions | false;
}

/**
 * The epoch loop of `fit`, for every device: seeded shuffling, the divergence guard (the last good weights are
 * put back before the error surfaces), validation, scheduler, `onEpoch` and early stopping.
 * @example
 * const history = await runEpochs(model, train, { epochs: 10, seed: 1 }, driver);
 */
export async function runEpochs(model: HamiltonianNN, data: Dataset, options: EpochLoopOptions, driver: EpochDriver): Promise<History> {
  const params = model.parameters();
  const hasVal = !!options.validation;
  const stopper = options.earlyStopping ? new EarlyStopper(options.earlyStopping, hasVal, params) : null;
  const schedMonitor: Monitor = options.schedulerMonitor ?? (hasVal ? 'val.loss' : 'loss');
  if (options.scheduler && schedMonitor.startsWith('val.') && !hasVal) throw new UsageError(`schedulerMonitor '${schedMonitor}' needs validation data`);
  const rng = toRng(options.seed);
  const order = new Uint32Array(data.rows);
  for (let i = 0; i < data.rows; i++) order[i] = i;
  let lastGood = params.map((p) => p.data.slice());
  const restore = () => params.forEach((p, i) => p.data.set(lastGood[i]));
  const history: History = { epochs: [], bestEpoch: 0, stoppedEarly: false, trainSeconds: 0 };
  model.train();
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    if (options.shuffle ?? true) rng.shuffle(order);
    const lr = driver.lr();
    const t0 = performance.now();
    let stats: EpochStats;
    try {
      stats = await driver.runEpoch(epoch, order);
    } catch (e) {
      if (e instanceof TrainingDivergedError) restore();
      throw e;
    }
    const seconds = (performance.now() - t0) / 1000;
    history.trainSeconds += seconds;
    if (!params.every((p) => allFinite(p.data))) {
      restore();
      throw new TrainingDivergedError(epoch, stats.batches, NaN);
    }
    lastGood = params.map((p) => p.data.slice());
    const record: EpochRecord = { epoch, loss: stats.loss, baseLoss: stats.baseLoss, regLoss: stats.regLoss, energy: stats.energy, lr, seconds };
    if (options.validation) record.validation = await driver.validate(options.validation);
    history.epochs.push(record);
    history.bestEpoch = epoch;
    if (options.scheduler) options.scheduler.step(monitorValue(schedMonitor, record));
    if (options.onEpoch) await options.onEpoch(record, history);
    if (stopper?.update(record, history)) break;
  }
  stopper?.finish(history);
  return history;
}
