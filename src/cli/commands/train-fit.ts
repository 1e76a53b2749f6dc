import {
  HamiltonianNN,
  evaluateModel,
  fit,
  fitLogistic,
  logisticModel,
  prepareTable,
  trainingRowsBeforeSmote,
  type Table,
  type EpochRecord,
  type Evaluation,
  type History,
  type PreparedTable,
} from '../../index.js';
import type { GpuBackend } from '../../backend/gpu/index.js';
import type { Calibration } from '../../metrics/calibration-map.js';
import { fitIsotonic, fitPlatt } from '../../train/calibration.js';
import type { Parsed } from '../args.js';
import { UsageError } from '../errors.js';
import { makeOptimizer } from '../optimizers.js';
import { Progress } from '../output.js';

/** What `train` fitted: the model, its history, the optimiser's settings (for the record) and the backend used. */
export interface Fitted {
  model: HamiltonianNN;
  history: History;
  settings: Record<string, number | string>;
  backend: string;
}

/**
 * Fits what `train` was asked for on the training part: the network (`fit`, early stopping on the validation part when
 * `--patience` > 0), or — `--hidden none` — a logistic regression fitted to convergence by Newton's method.
 */
export async function fitRequested(o: Parsed, prep: PreparedTable, seed: number, onEpoch?: (e: EpochRecord) => void): Promise<Fitted> {
  const hidden = o.hidden as number[];
  if (hidden.length === 0) {
    const t = performance.now();
    const lr = fitLogistic(prep.train, { c: o.c as number });
    const model = logisticModel(lr, { backend: o.backend === 'gpu' ? 'auto' : (o.backend as 'auto') });
    const seconds = (performance.now() - t) / 1000;
    return {
      model,
      history: { epochs: [], bestEpoch: 0, stoppedEarly: false, trainSeconds: seconds },
      settings: { name: 'logistic-regression (Newton)', c: o.c as number, iterations: lr.iterations },
      backend: model.backend,
    };
  }
  let gpu: GpuBackend | null = null;
  if (o.backend === 'gpu') {
    if (o.optimizer !== 'advanced-symplectic') throw new UsageError(`--backend gpu trains with advanced-symplectic only, not '${o.optimizer}'`);
    // Imported here, not at the top: the browser playground bundles this file and never asks for the GPU.
    const { openGpuForCli } = await import('../gpu.js');
    gpu = await openGpuForCli('training');
    if (gpu) process.stderr.write(`note: training on the GPU (gpu.js ${gpu.mode}${gpu.adapter ? `, ${gpu.adapter}` : ''}; self-check passed)\n`);
  }
  const model = new HamiltonianNN({
    inputDim: prep.train.cols,
    hiddenDims: hidden,
    activation: o.activation as 'leaky_relu',
    dropoutRate: o.dropout as number,
    seed,
    backend: o.backend === 'gpu' ? 'auto' : (o.backend as 'auto'),
  });
  const { optimizer, settings } = makeOptimizer(o.optimizer as string, model.parameters(), {
    lr: o.lr as number | undefined,
    beta: o.beta as number | undefined,
    friction: o.friction as number | undefined,
  });
  const epochs = o.epochs as number;
  const patience = o.patience as number;
  const progress = new Progress('training', epochs, !!o.quiet);
  let history: History;
  try {
    history = await fit(model, optimizer, prep.train, {
      epochs,
      batchSize: o['batch-size'] as number,
      seed,
      regCoeff: o.reg as number,
      classWeights: classWeights(o['class-weight'] as string | undefined, prep),
      // Without a validation part the test part is only watched (reported per epoch, labelled test), never used to choose.
      validation: prep.validation ?? prep.test,
      earlyStopping: patience > 0 ? { monitor: 'val.auc' as const, patience } : (false as const),
      onEpoch: (e: EpochRecord) => {
        progress.update(e.epoch, `loss ${e.loss.toFixed(4)}  ${prep.validation ? 'val' : 'test'} AUC ${e.validation!.auc.toFixed(4)}`);
        onEpoch?.(e);
      },
      device: gpu ?? undefined,
    });
  } finally {
    gpu?.destroy();
  }
  return { model, history, settings, backend: gpu ? `gpu:${gpu.mode}` : model.backend };
}

/** The logistic baseline's held-out metrics: what a risk team compares every model with. */
export interface BaselineMetrics {
  auc: number;
  ks: number;
  brier: number;
  logLoss: number;
}

/**
 * The L2 logistic regression (C = `--c`) fitted by Newton's method on the same training rows as the network (before
 * SMOTE, without the validation part) and evaluated on the same test part.
 */
export function fitBaseline(o: Parsed, prep: PreparedTable, threshold: number): { metrics: BaselineMetrics; evaluation: Evaluation } {
  const model = logisticModel(fitLogistic(trainingRowsBeforeSmote(prep), { c: o.c as number }));
  const m = evaluateModel(model, prep.test, { threshold, curves: true });
  return { metrics: headline(m), evaluation: m };
}

/**
 * The Python original's recipe on the same split — SMOTE on the training part, `[64, 32]`, the symplectic optimiser,
 * 10 epochs, no early stopping — evaluated on the same test part: what `demo` shows beside the defaults.
 */
export async function fitOriginalRecipe(table: Table, o: Parsed, threshold: number): Promise<BaselineMetrics> {
  const seed = o.seed as number;
  const prep = prepareTable(table, { target: o.target as string, positive: o.positive as string, seed, applySmote: true, source: o.data as string });
  const recipe: Parsed = {
    ...o,
    hidden: [64, 32],
    activation: 'leaky_relu',
    dropout: 0.2,
    optimizer: 'advanced-symplectic',
    lr: undefined,
    beta: undefined,
    epochs: 10,
    patience: 0,
    'batch-size': 32,
    reg: 0.01,
    'class-weight': undefined,
    quiet: true,
  };
  const { model } = await fitRequested(recipe, prep, seed);
  return headline(evaluateModel(model, prep.test, { threshold }));
}

/** The metrics a comparison column shows. */
function headline(m: Evaluation): BaselineMetrics {
  return { auc: m.auc, ks: m.ks, brier: m.brier, logLoss: m.logLoss };
}

/**
 * The calibration `--calibration` asks for, fitted on the validation part (rows the network did not train on), or
 * null for 'none'. A calibration needs a validation part: early stopping's (the default) or `--validation-size`'s.
 */
export function fitCalibration(o: Parsed, model: HamiltonianNN, prep: PreparedTable): Calibration | null {
  const method = o.calibration as 'none' | 'platt' | 'isotonic';
  if (method === 'none') return null;
  const val = prep.validation;
  if (!val) throw new UsageError(`--calibration ${method} is fitted on a validation part: keep early stopping (--patience > 0) or give --validation-size`);
  const p = model.predictProba(val.x, val.rows);
  return method === 'platt' ? fitPlatt(p, val.y) : fitIsotonic(p, val.y);
}

/** `--class-weight`: 'balanced' (n / (2·n_c) from the training part) or two numbers; undefined when not given. */
function classWeights(spec: string | undefined, prep: PreparedTable): [number, number] | undefined {
  if (spec === undefined) return undefined;
  if (spec === 'balanced') {
    let positives = 0;
    for (let i = 0; i < prep.train.rows; i++) positives += prep.train.y[i] ? 1 : 0;
    const n = prep.train.rows;
    return [n / (2 * (n - positives)), n / (2 * positives)];
  }
  const parts = spec.split(',').map(Number);
  if (parts.length !== 2 || !parts.every((w) => Number.isFinite(w) && w > 0))
    throw new UsageError(`--class-weight must be 'balanced' or two positive numbers 'w_negative,w_positive', got '${spec}'`);
  return [parts[0], parts[1]];
}
