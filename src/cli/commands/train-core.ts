/**
 * The training job without files: CSV table in, model bytes, metrics, the report and `--json`'s fields out — what
 * `train` and `demo` run after reading the file, and what the browser playground runs in its worker (no Node
 * built-ins here, so the same code gives the same bits in both).
 */
import {
  calibrationSummary,
  evaluateScores,
  gainsTable,
  prepareTable,
  referenceDistribution,
  trainingRowsBeforeSmote,
  type Table,
  type EpochRecord,
  type Evaluation,
  type HamiltonianNN,
  type History,
  type PreparedTable,
} from '../../index.js';
import { encodeModel, type TrainingRecord } from '../../io/model-file.js';
import { buildReport } from '../../report/html.js';
import { VERSION } from '../../core/version.js';
import { MAX_HEADER_BYTES } from '../../io/safetensors.js';
import type { Parsed } from '../args.js';
import { UsageError } from '../errors.js';
import { fitBaseline, fitCalibration, fitRequested } from './train-fit.js';
import { chooseTrainingCutoff, protectedWeights, riskOutputs, scalingOption, scoredBy } from './train-risk.js';

/** What `trainOnTable` needs besides the options. */
export interface TrainInput {
  /** Dropped from this object once encoded (a million rows' table is ~90 MB that training does not need). */
  table: Table | null;
  /** The data's name for messages and the model file (a path or a label; only its last segment is stored). */
  source: string;
  dataSha256: string;
  /** Build the HTML report too. */
  withReport: boolean;
  /** How the report names the model (the CLI: its absolute path). */
  modelLabel: string;
  /** Warnings and notes, one line each (the CLI writes them to stderr). */
  warn: (line: string) => void;
  /** Called after each epoch (progress, live curves). */
  onEpoch?: (e: EpochRecord) => void;
}

/** What `trainOnTable` returns. */
export interface TrainResult {
  metrics: Evaluation;
  history: History;
  prep: PreparedTable;
  model: HamiltonianNN;
  /** The model file. */
  bytes: Uint8Array;
  /** The HTML report, when asked for. */
  report: string | null;
  /** `train --json`'s fields (without the output paths). */
  json: Record<string, unknown>;
}

/** The last segment of a path or URL ('data/loans.csv' → 'loans.csv'). */
function fileName(source: string): string {
  return source.split(/[\\/]/).pop() ?? source;
}

/**
 * Splits, preprocesses, trains, calibrates, chooses the cut-off, evaluates and builds the model file (and report).
 * @example
 * const r = await trainOnTable(options, { table, source: 'loans.csv', dataSha256, withReport: true, modelLabel: 'model', warn: console.warn });
 */
export async function trainOnTable(o: Parsed, input: TrainInput): Promise<TrainResult> {
  const { source, dataSha256, warn } = input;
  const table = input.table;
  if (table === null) throw new UsageError('train: no table (this input was used already)');
  input.table = null;
  if (!!o['time-column'] !== !!o['oot-from']) throw new UsageError('train: --time-column and --oot-from go together');
  const seed = o.seed as number;
  const prepareStart = performance.now();
  const prep = prepareTable(table, {
    target: o.target as string,
    positive: o.positive as string,
    seed,
    testSize: o['test-size'] as number,
    // Early stopping must not select on the test part (that would bias the reported metrics): it gets its own.
    validationSize: (o['validation-size'] as number | undefined) ?? ((o.patience as number) > 0 && (o.hidden as number[]).length > 0 ? 0.15 : undefined),
    applySmote: o.smote as boolean,
    timeColumn: o['time-column'] as string | undefined,
    ootFrom: o['oot-from'] as string | undefined,
    categorical: o.categorical as string[] | undefined,
    numeric: o.numeric as string[] | undefined,
    exclude: o.exclude as string[] | undefined,
    missing: o.missing as 'impute' | 'drop',
    unseen: o.unseen as 'zeros' | 'error',
    source,
  });
  const prepareSeconds = (performance.now() - prepareStart) / 1000;
  checkHeaderFits(prep, o.epochs as number);
  const negatives = prep.preprocessor.state.negatives;
  if (negatives.length > 1) {
    warn(
      `warning: target '${o.target}' has ${negatives.length + 1} classes: ${negatives.map((v) => `'${v}'`).join(', ')} all count as not '${o.positive}' (the model learns '${o.positive}' against the rest)`,
    );
  }
  if (prep.validation && (o.patience as number) === 0 && o.calibration === 'none') {
    warn(
      `note: --validation-size holds out ${prep.validation.rows} training rows that nothing uses but the per-epoch report (no early stopping, no calibration): they are not trained on`,
    );
  }
  const { model, history, settings, backend } = await fitRequested(o, prep, seed, input.onEpoch);
  const calibration = fitCalibration(o, model, prep);
  const scored = scoredBy((x, rows) => model.predictProba(x, rows), calibration);
  const { cutoff, chosenOn } = chooseTrainingCutoff(o, prep, scored);
  const threshold = cutoff.threshold;
  // Test metrics from the probabilities the scorers will give: the network's, calibrated when asked.
  const probs = scored(prep.test);
  const metrics = evaluateScores(prep.test.y, probs, { threshold, curves: true });
  const calibrationCheck = calibrationSummary(prep.test.y, probs);
  // Deciles of the test part, highest risk first: declines, bads caught and the bad rate left at each cut.
  const gains = prep.test.rows >= 10 ? gainsTable(prep.test.y, probs, 10) : null;
  const fittedBaseline = o.baseline && (o.hidden as number[]).length > 0 ? fitBaseline(o, prep, threshold) : null;
  const baseline = fittedBaseline?.metrics ?? null;
  // The training rows' scores (before SMOTE): PSI's reference, and the training-part metrics beside the test part's.
  const realTraining = trainingRowsBeforeSmote(prep);
  const trainScores = scored(realTraining);
  const risk = riskOutputs(prep, probs);
  const protectedFeatures = (o.protected as string[] | undefined) ?? [];
  const unknown = protectedFeatures.filter((f) => !prep.preprocessor.features.some((g) => g.name === f));
  if (unknown.length) throw new UsageError(`--protected: ${unknown.map((f) => `'${f}'`).join(', ')} not among the model's features`);
  const metricsRecord = {
    auc: metrics.auc,
    ks: metrics.ks,
    gini: metrics.gini,
    accuracy: metrics.accuracy,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    brier: metrics.brier,
    logLoss: metrics.logLoss,
    prAuc: metrics.prAuc,
  };
  const training: TrainingRecord = {
    seed,
    backend,
    optimizer: settings,
    epochs: history.epochs.length,
    bestEpoch: history.bestEpoch,
    batchSize: o['batch-size'] as number,
    regCoeff: o.reg as number,
    smote: o.smote as boolean,
    classWeight: (o['class-weight'] as string | undefined) ?? null,
    split: {
      ...(o['time-column'] ? { timeColumn: o['time-column'], ootFrom: o['oot-from'] } : { testSize: o['test-size'], stratified: true }),
      ...(prep.validation ? { validationRows: prep.validation.rows } : {}),
    },
    // The file's name, not the path as typed: the same data reached by another path gives the same model bytes.
    dataFile: fileName(source),
    dataSha256,
    rows: { train: prep.trainRowsBeforeSmote, test: prep.test.rows },
    metrics: metricsRecord,
    threshold,
    cutoff: { ...cutoff, ...(chosenOn ? { chosenOn } : {}) },
    ...(protectedFeatures.length ? { protected: protectedFeatures } : {}),
    characteristics: risk.characteristics,
    // PSI's reference: the training part's scores (before SMOTE), the population the model was built on.
    scoreDistribution: {
      ...referenceDistribution(trainScores),
      sample: 'training part',
    },
    // Per-epoch AUC on the validation part, or — without one — on the test part it only watched, named as such.
    history: history.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, energy: e.energy, [prep.validation ? 'valAuc' : 'testAuc']: e.validation?.auc })),
    ...(baseline ? { baseline } : {}),
  };
  const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training, calibration, scorecard: scalingOption(o) });
  const protectedWeight = protectedWeights(bytes, prep.test, protectedFeatures);
  for (const w of protectedWeight)
    if (w.topReasonRows > 0)
      warn(
        `warning: protected feature '${w.feature}' would be a top-${w.k} reason code for ${w.topReasonRows} of ${w.rows} test applicants: it is never reported as a reason, but it moves their probability — exclude it from training (--exclude) to keep it out`,
      );
  const report = input.withReport
    ? buildReport({
        title: `hamiltonian-ai — ${fileName(source)}`,
        subtitle: [
          `target '${o.target}' (positive: '${o.positive}'); ${prep.trainRowsBeforeSmote} training rows${o.smote ? ` (${prep.train.rows} after SMOTE)` : ''}${prep.validation ? `, ${prep.validation.rows} validation rows (early stopping)` : ''}, ${prep.test.rows} held-out rows`,
          (o.hidden as number[]).length
            ? `HamiltonianNN ${prep.train.cols} → [${(o.hidden as number[]).join(', ')}] → 2, ${o.activation}, dropout ${o.dropout}; ${settings.name} (lr ${settings.lr}); ${history.epochs.length} epochs (weights of epoch ${history.bestEpoch}); seed ${seed}; library ${VERSION}`
            : `logistic regression on ${prep.train.cols} encoded columns, L2 C = ${o.c}, Newton's method (${settings.iterations} iterations); library ${VERSION}`,
        ],
        evaluation: metrics,
        labels: prep.test.y,
        probabilities: probs,
        history: history.epochs,
        historyOn: prep.validation ? 'validation part' : 'test part (watched, not used to choose)',
        bestEpoch: (o.patience as number) > 0 && prep.validation ? history.bestEpoch : undefined,
        classLabels: { positive: prep.preprocessor.positive, negative: prep.preprocessor.label(0) },
        baseline: fittedBaseline?.evaluation,
        training: evaluateScores(realTraining.y, trainScores, { threshold }),
        gains: gains ?? undefined,
        scaling: scalingOption(o),
        cutoff: { ...cutoff, chosenOn },
        approval: risk.approval,
        characteristicPsi: { against: 'test part vs training part', features: risk.stability },
        protectedWeight,
        outOfTime: o['time-column'] ? { timeColumn: o['time-column'] as string, from: o['oot-from'] as string } : undefined,
        settings: { model: input.modelLabel, 'data SHA-256': training.dataSha256!, backend: model.backend },
      })
    : null;
  const json = {
    metrics: metricsRecord,
    confusion: metrics.confusion,
    threshold,
    rows: {
      train: prep.trainRowsBeforeSmote,
      trainAfterSmote: prep.train.rows,
      validation: prep.validation?.rows ?? 0,
      test: prep.test.rows,
      skipped: prep.skipped.length,
    },
    baseline,
    calibration: calibration?.method ?? 'none',
    calibrationCheck,
    gains,
    cutoff: { ...cutoff, chosenOn },
    scorecard: scalingOption(o),
    characteristicPsi: risk.stability.map((c) => ({ feature: c.feature, psi: c.psi })),
    protectedWeight,
    // prepareSeconds: split, fit the preprocessor, encode every part (runTraining adds loadSeconds: read and parse).
    timing: { prepareSeconds, trainSeconds: history.trainSeconds, secondsPerEpoch: history.epochs.length ? history.trainSeconds / history.epochs.length : 0 },
    epochs: history.epochs.length,
    bestEpoch: history.bestEpoch,
    backend,
  };
  return { metrics, history, prep, json, bytes, report, model };
}

/**
 * Refuses, before any training, a model whose file could not be read back: the preprocessor (one name, mean and
 * scale per encoded column), the history (one entry per epoch) and the rest must fit the safetensors header limit.
 * 200k columns used to train for minutes, then write a 23.6 MB header no reader accepts.
 */
function checkHeaderFits(prep: PreparedTable, epochs: number): void {
  // The metadata value is JSON inside JSON: its escaped length is what the header holds.
  const preprocessorBytes = JSON.stringify(JSON.stringify(prep.preprocessor.toJSON())).length;
  const estimate = preprocessorBytes + epochs * HISTORY_ENTRY_BYTES + HEADER_ALLOWANCE;
  if (estimate > MAX_HEADER_BYTES) {
    throw new UsageError(
      `the model file's header would take about ${(estimate / 2 ** 20).toFixed(1)} MiB (${prep.train.cols} encoded columns, ${epochs} epochs), over the ${MAX_HEADER_BYTES / 2 ** 20} MiB a model file may hold: --exclude wide or identifier columns, or train fewer epochs`,
    );
  }
}

/** Escaped bytes of one history entry at most ({"epoch":…,"loss":…,"energy":…,"valAuc":…}), and the rest of the header. */
const HISTORY_ENTRY_BYTES = 160;
const HEADER_ALLOWANCE = 64 * 1024;
