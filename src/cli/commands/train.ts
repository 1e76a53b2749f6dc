import { basename, resolve } from 'node:path';
import {
  calibrationSummary,
  evaluateScores,
  gainsTable,
  prepareTable,
  referenceDistribution,
  trainingRowsBeforeSmote,
  type Evaluation,
  type History,
  type Cutoff,
  type PreparedTable,
} from '../../index.js';
import { ACTIVATIONS } from '../../core/activations.js';
import { encodeModel, type TrainingRecord } from '../../io/model-file.js';
import { buildReport } from '../../report/html.js';
import { fitBaseline, fitCalibration, fitRequested, type BaselineMetrics } from './train-fit.js';
import { chooseTrainingCutoff, protectedWeights, riskOutputs, scalingOption, scoredBy } from './train-risk.js';
import { VERSION } from '../../core/version.js';
import { checks, oneOf, type CommandSpec, type Parsed } from '../args.js';
import { UsageError } from '../errors.js';
import { writeAtomic } from '../files.js';
import { MAX_HEADER_BYTES } from '../../io/safetensors.js';
import { readCsvFile } from '../text-input.js';
import { OPTIMIZER_NAMES } from '../optimizers.js';
import { formatTable, metricRows } from '../output.js';

export const trainSpec: CommandSpec = {
  name: 'train',
  summary: 'train a HamiltonianNN on a CSV file, evaluate it on a held-out (or out-of-time) part and save it',
  usage: 'hamiltonian-ai train --data FILE.csv --target COL --positive VALUE --out MODEL.safetensors [options]',
  options: {
    data: { type: 'string', io: 'in', arg: 'FILE', help: 'training data, CSV with a header row', required: true },
    target: { type: 'string', arg: 'COL', help: 'target column', required: true },
    positive: { type: 'string', arg: 'VALUE', help: 'target value of the positive class (e.g. bad, 1, yes)', required: true },
    out: { type: 'string', io: 'out', arg: 'MODEL', help: 'where to write the model file (.safetensors)', required: true },
    hidden: {
      type: 'list',
      arg: 'N,N',
      help: "hidden layer widths, or none: a logistic regression fitted to convergence (Newton's method)",
      default: [64, 32],
    },
    activation: { type: 'string', arg: 'NAME', help: ACTIVATIONS.join(', '), default: 'leaky_relu', check: oneOf([...ACTIVATIONS]) },
    dropout: { type: 'number', help: 'dropout rate', default: 0.2, check: checks.belowOne },
    optimizer: { type: 'string', arg: 'NAME', help: OPTIMIZER_NAMES.join(' | '), default: 'advanced-symplectic' },
    lr: { type: 'number', help: 'learning rate / time step (default depends on the optimiser)', check: checks.positive },
    beta: { type: 'number', help: 'momentum decay β (advanced-symplectic, adam)', check: checks.belowOne },
    friction: { type: 'number', help: 'friction for the symplectic optimisers', check: checks.belowOne },
    reg: {
      type: 'number',
      help: 'regularisation coefficient λ of the Hamiltonian loss',
      default: 0.01,
      check: (v: number) => (v >= 0 ? null : `must be ≥ 0, got ${v}`),
    },
    epochs: { type: 'int', help: 'training epochs at most (early stopping usually ends sooner)', default: 100, check: checks.atLeastOne },
    'batch-size': { type: 'int', help: 'mini-batch size', default: 32, check: checks.atLeastOne },
    smote: {
      type: 'boolean',
      help: 'oversample the minority class of the training part with SMOTE (off by default: it biases probabilities upward, so P(positive) is no longer a PD, and it cost AUC in bench/defaults.ts)',
      default: false,
    },
    'class-weight': {
      type: 'string',
      arg: 'W',
      help: "weights of the classes in the loss: balanced (n / (2·n_class)) or 'w_negative,w_positive'; like SMOTE it moves probabilities, so recalibrate",
    },
    baseline: {
      type: 'boolean',
      help: 'fit the L2 logistic regression on the same rows and report it beside the network (--no-baseline to skip)',
      default: true,
    },
    calibration: {
      type: 'string',
      arg: 'METHOD',
      help: 'none, platt (logistic on the logit) or isotonic: fitted on the validation part, stored in the model file, applied by every scorer',
      default: 'none',
      check: oneOf(['none', 'platt', 'isotonic']),
    },
    c: {
      type: 'number',
      help: 'inverse L2 strength C of the logistic regression (baseline and --hidden none), as scikit-learn',
      default: 1,
      check: checks.positive,
    },
    'test-size': { type: 'number', help: 'held-out fraction', default: 0.2, check: (v: number) => (v > 0 && v < 1 ? null : `must be in (0, 1), got ${v}`) },
    'time-column': { type: 'string', arg: 'COL', help: 'period column for an out-of-time split (with --oot-from)' },
    'oot-from': { type: 'string', arg: 'VALUE', help: 'first period of the test part (e.g. 2016-01)' },
    categorical: { type: 'names', arg: 'COL,COL', help: 'columns to treat as categorical whatever their values' },
    numeric: { type: 'names', arg: 'COL,COL', help: 'columns to treat as numeric (a non-number is then an error naming its line)' },
    exclude: { type: 'names', arg: 'COL,COL', help: 'columns not to use as features (identifiers, free text)' },
    missing: {
      type: 'string',
      arg: 'POLICY',
      help: "impute (median/mode + missing indicator) or drop (leave rows out, as the original's dropna)",
      default: 'impute',
      check: oneOf(['impute', 'drop']),
    },
    unseen: {
      type: 'string',
      arg: 'POLICY',
      help: 'a category not seen in training at scoring time: zeros or error',
      default: 'zeros',
      check: oneOf(['zeros', 'error']),
    },
    patience: {
      type: 'int',
      help: 'stop after this many epochs without validation-AUC gain, keeping the best epoch; the validation part is carved from the training rows, never the test part (0: train every epoch, no validation part)',
      default: 5,
      check: (v: number) => (v >= 0 ? null : `must be ≥ 0, got ${v}`),
    },
    'validation-size': {
      type: 'number',
      help: 'fraction of the training rows held out as the validation part (default 0.15 when early stopping, else none)',
      check: (v: number) => (v > 0 && v < 1 ? null : `must be in (0, 1), got ${v}`),
    },
    seed: { type: 'int', help: 'seed for everything random', default: 42 },
    backend: {
      type: 'string',
      arg: 'NAME',
      help: 'auto, wasm, js or gpu (gpu.js; falls back to the CPU, saying why)',
      default: 'auto',
      check: oneOf(['auto', 'wasm', 'js', 'gpu']),
    },
    threshold: { type: 'number', help: 'decision threshold (default 0.5; same as --cutoff T)', check: checks.probability },
    cutoff: {
      type: 'string',
      arg: 'RULE',
      help: 'the decision threshold, stored in the model and used by score: a probability, approval:0.8 (approve 80 %), or cost:FN=5,FP=1 (least expected cost); chosen on the validation part',
    },
    pdo: { type: 'number', help: 'scorecard points to double the good:bad odds', default: 20, check: checks.positive },
    'base-score': { type: 'number', help: 'scorecard points at --base-odds', default: 600 },
    'base-odds': { type: 'number', help: 'good:bad odds that score --base-score', default: 50, check: checks.positive },
    protected: {
      type: 'names',
      arg: 'COL,COL',
      help: 'protected attributes: never given as reason codes; the report says how much weight they carry (exclude them to keep them out of the probability)',
    },
    report: { type: 'string', io: 'out', arg: 'FILE.html', help: 'write a self-contained HTML report' },
    json: { type: 'boolean', help: 'print one JSON object instead of the table' },
    quiet: { type: 'boolean', help: 'no progress output' },
  },
  examples: [
    'hamiltonian-ai train --data data/credit_data.csv --target Status --positive bad --out credit.safetensors --report credit.html',
    'hamiltonian-ai train --data loans.csv --target default --positive 1 --time-column issue_d --oot-from 2016-01 --out oot.safetensors',
  ],
};

export interface TrainOutcome {
  metrics: Evaluation;
  history: History;
  prep: PreparedTable;
  modelPath: string;
  json: Record<string, unknown>;
}

/** The whole training job; shared by `train` and `demo`. */
export async function runTraining(o: Parsed, dataLabel?: string): Promise<TrainOutcome> {
  const dataPath = o.data as string;
  if (!!o['time-column'] !== !!o['oot-from']) throw new UsageError('train: --time-column and --oot-from go together');
  const source = dataLabel ?? dataPath;
  const { table, sha256: dataSha256 } = readCsvFile(dataPath, source);
  const seed = o.seed as number;
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
  checkHeaderFits(prep, o.epochs as number);
  const negatives = prep.preprocessor.state.negatives;
  if (negatives.length > 1) {
    process.stderr.write(
      `warning: target '${o.target}' has ${negatives.length + 1} classes: ${negatives.map((v) => `'${v}'`).join(', ')} all count as not '${o.positive}' (the model learns '${o.positive}' against the rest)\n`,
    );
  }
  if (prep.validation && (o.patience as number) === 0 && o.calibration === 'none') {
    process.stderr.write(
      `note: --validation-size holds out ${prep.validation.rows} training rows that nothing uses but the per-epoch report (no early stopping, no calibration): they are not trained on\n`,
    );
  }
  const { model, history, settings, backend } = await fitRequested(o, prep, seed);
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
    dataFile: basename(source),
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
  const modelPath = o.out as string;
  const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training, calibration, scorecard: scalingOption(o) });
  writeAtomic(modelPath, bytes);
  const protectedWeight = protectedWeights(bytes, prep.test, protectedFeatures);
  for (const w of protectedWeight)
    if (w.topReasonRows > 0)
      process.stderr.write(
        `warning: protected feature '${w.feature}' would be a top-${w.k} reason code for ${w.topReasonRows} of ${w.rows} test applicants: it is never reported as a reason, but it moves their probability — exclude it from training (--exclude) to keep it out\n`,
      );
  if (o.report) {
    writeAtomic(
      o.report as string,
      buildReport({
        title: `hamiltonian-ai — ${basename(source)}`,
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
        settings: { model: resolve(modelPath), 'data SHA-256': training.dataSha256!, backend: model.backend },
      }),
    );
  }
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
    timing: { trainSeconds: history.trainSeconds, secondsPerEpoch: history.epochs.length ? history.trainSeconds / history.epochs.length : 0 },
    epochs: history.epochs.length,
    bestEpoch: history.bestEpoch,
    backend,
    model: modelPath,
    report: (o.report as string | undefined) ?? null,
  };
  return { metrics, history, prep, modelPath, json };
}

export function printOutcome(r: TrainOutcome, asJson: boolean): void {
  if (asJson) {
    process.stdout.write(`${JSON.stringify(r.json)}\n`);
    return;
  }
  const m = r.metrics;
  process.stdout.write(`\nHeld-out metrics (${m.rows} rows, ${m.positives} positive; threshold ${Number(m.threshold.toPrecision(4))})\n`);
  // Beside the network, on the same test part: the logistic regression (the comparison a risk team makes first) and,
  // in the demo, the original's recipe.
  const others = [
    ['original recipe', r.json.originalRecipe],
    ['logistic baseline', r.json.baseline],
  ].filter((c): c is [string, BaselineMetrics] => !!c[1]);
  if (others.length) {
    const cell = (b: BaselineMetrics, name: string) => ({ AUC: b.auc, KS: b.ks, Brier: b.brier, 'log loss': b.logLoss })[name as 'AUC']?.toFixed(4) ?? '';
    const rows = metricRows(m).map(([name, value]) => [name, value, ...others.map(([, b]) => cell(b, name))]);
    process.stdout.write(`${formatTable(rows, ['metric', 'network', ...others.map(([label]) => label)])}\n`);
  } else process.stdout.write(`${formatTable(metricRows(m))}\n`);
  const c = m.confusion;
  process.stdout.write(`confusion: TP ${c.tp}  FP ${c.fp}  TN ${c.tn}  FN ${c.fn}\n`);
  const cut = r.json.cutoff as Cutoff & { chosenOn: string | null };
  if (cut.chosenOn) {
    // Approved on the test part = predicted negative (P below the threshold).
    const testApproved = (c.tn + c.fn) / Math.max(1, m.rows);
    const rule = cut.rule.rule === 'approval' ? `approve ${(100 * cut.rule.approvalRate).toFixed(1)} %` : 'least expected cost';
    process.stdout.write(
      `cut-off: decline at P ≥ ${cut.threshold.toFixed(4)} (${rule}, chosen on the ${cut.chosenOn}: ${(100 * cut.approvalRate).toFixed(1)} % approved there, ${(100 * testApproved).toFixed(1)} % on the test part)\n`,
    );
  }
  const moved = (r.json.characteristicPsi as Array<{ feature: string; psi: number }>).filter((f) => f.psi > 0.1);
  if (moved.length)
    process.stdout.write(
      `features that differ between the training and test parts (PSI > 0.1): ${moved.map((f) => `${f.feature} ${f.psi.toFixed(3)}`).join(', ')}\n`,
    );
  process.stdout.write(
    `${r.history.epochs.length ? `trained ${r.history.epochs.length} epochs${r.history.bestEpoch !== r.history.epochs.length ? ` (early stopping kept epoch ${r.history.bestEpoch})` : ''}` : 'fitted a logistic regression'} in ${r.history.trainSeconds.toFixed(2)} s; model written to ${r.modelPath}${r.json.report ? `; report ${r.json.report}` : ''}\n`,
  );
  if (r.prep.skipped.length)
    process.stderr.write(`note: ${r.prep.skipped.length} rows were left out (first: line ${r.prep.skipped[0].line}: ${r.prep.skipped[0].reason})\n`);
}

export async function train(o: Parsed): Promise<void> {
  printOutcome(await runTraining(o), !!o.json);
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
