/**
 * `npx tsx bench/defaults.ts`: the study behind `train`'s defaults (issue 16). For each shipped credit file and seeds
 * 1–10, the library's own stratified 80/20 split; every configuration is trained on the training part only, and
 * chosen by its AUC on a validation slice of the training part (20 %, never the test part). The test part then
 * reports, for every configuration and for the built-in logistic regression on the same rows: AUC, Brier, and
 * calibration-in-the-large (mean predicted − observed bad rate). SEEDS=3 for a quick run; ONLY=name to filter.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Dataset } from '../src/core/dataset.js';
import { cpus } from 'node:os';
import { HamiltonianNN, evaluateModel, fit, fitLogistic, logisticModel, parseCsv, prepareTable } from '../src/index.js';
import { makeOptimizer } from '../src/cli/optimizers.js';

interface Config {
  name: string;
  hidden: number[];
  optimizer: string;
  lr?: number;
  smote: boolean;
  epochs: number;
  /** Early stopping on the validation slice (then the weights of the best epoch). */
  patience?: number;
  /** After early stopping: a fresh model trained on training + validation rows for the chosen number of epochs. */
  refit?: boolean;
  dropout: number;
}

const CONFIGS: Config[] = [
  { name: 'v0.1 defaults: [64,32] symplectic, SMOTE, 10 epochs', hidden: [64, 32], optimizer: 'advanced-symplectic', smote: true, epochs: 10, dropout: 0.2 },
  { name: '[64,32] symplectic, 10 epochs', hidden: [64, 32], optimizer: 'advanced-symplectic', smote: false, epochs: 10, dropout: 0.2 },
  { name: '[64,32] symplectic, early stopping', hidden: [64, 32], optimizer: 'advanced-symplectic', smote: false, epochs: 100, patience: 5, dropout: 0.2 },
  { name: '[16] adam, 10 epochs', hidden: [16], optimizer: 'adam', smote: false, epochs: 10, dropout: 0.2 },
  { name: '[16] adam, early stopping', hidden: [16], optimizer: 'adam', smote: false, epochs: 100, patience: 5, dropout: 0.2 },
  { name: '[32,16] adam, early stopping', hidden: [32, 16], optimizer: 'adam', smote: false, epochs: 100, patience: 5, dropout: 0.2 },
  { name: '[16] symplectic, early stopping', hidden: [16], optimizer: 'advanced-symplectic', smote: false, epochs: 100, patience: 5, dropout: 0.2 },
  {
    name: '[64,32] symplectic, early stopping, refit on train + validation',
    hidden: [64, 32],
    optimizer: 'advanced-symplectic',
    smote: false,
    epochs: 100,
    patience: 5,
    dropout: 0.2,
    refit: true,
  },
];
const FILES = [
  { file: 'credit_data', target: 'Status' },
  { file: 'lending_club', target: 'Class' },
];
const SEEDS = Array.from({ length: Number(process.env.SEEDS ?? 10) }, (_, i) => i + 1);

/**
 * EXPORT=1: writes each seed's encoded parts (.tmp/splits/<file>-<seed>-{train,validation,test}.csv: columns, then y)
 * for bench/defaults_reference.py — scikit-learn's logistic regression and XGBoost on exactly these rows.
 */
function exportSplit(name: string, prep: { train: Dataset; validation?: Dataset; test: Dataset }): void {
  mkdirSync('.tmp/splits', { recursive: true });
  for (const part of ['train', 'validation', 'test'] as const) {
    const d = prep[part]!;
    const lines: string[] = [];
    for (let i = 0; i < d.rows; i++) lines.push([...Array.from(d.x.subarray(i * d.cols, (i + 1) * d.cols), (v) => v.toPrecision(9)), d.y[i]].join(','));
    writeFileSync(`.tmp/splits/${name}-${part}.csv`, `${lines.join('\n')}\n`);
  }
}

/** Rows of a then rows of b. */
function concat(a: Dataset, b: Dataset): Dataset {
  const x = new Float32Array((a.rows + b.rows) * a.cols);
  x.set(a.x.subarray(0, a.rows * a.cols));
  x.set(b.x.subarray(0, b.rows * b.cols), a.rows * a.cols);
  const y = new Uint8Array(a.rows + b.rows);
  for (let i = 0; i < a.rows; i++) y[i] = a.y[i];
  for (let i = 0; i < b.rows; i++) y[a.rows + i] = b.y[i];
  return { x, y, rows: a.rows + b.rows, cols: a.cols };
}

type Scores = { valAuc: number; auc: number; brier: number; bias: number; epochs: number };
const results = new Map<string, Scores[]>(); // `${file}\t${config}`

console.log(`bench/defaults — ${cpus()[0].model}, Node ${process.version}, seeds ${SEEDS[0]}–${SEEDS[SEEDS.length - 1]}`);
for (const { file, target } of FILES) {
  const table = parseCsv(readFileSync(new URL(`../data/${file}.csv`, import.meta.url), 'utf8'));
  for (const seed of SEEDS) {
    // The library's split: the same test part for every model. validationSize carves the selection slice from the
    // training part; SMOTE (where a configuration asks for it) is applied to the remaining training rows only.
    const plain = prepareTable(table, { target, positive: 'bad', seed, applySmote: false, validationSize: 0.2 });
    const observed = Array.from(plain.test.y).reduce((a, b) => a + b, 0) / plain.test.rows;
    if (process.env.EXPORT) exportSplit(`${file}-${seed}`, plain);
    const record = (name: string, model: HamiltonianNN, epochs: number) => {
      const val = evaluateModel(model, plain.validation!);
      const test = evaluateModel(model, plain.test);
      const p = model.predictProba(plain.test.x, plain.test.rows);
      const mean = p.reduce((a, b) => a + b, 0) / p.length;
      const key = `${file}\t${name}`;
      results.set(key, [...(results.get(key) ?? []), { valAuc: val.auc, auc: test.auc, brier: test.brier, bias: mean - observed, epochs }]);
    };
    record('logistic regression (built in, C = 1)', logisticModel(fitLogistic(plain.train)), 0);
    for (const c of CONFIGS) {
      if (process.env.ONLY && !c.name.includes(process.env.ONLY)) continue;
      const prep = c.smote ? prepareTable(table, { target, positive: 'bad', seed, applySmote: true, validationSize: 0.2 }) : plain;
      const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: c.hidden, dropoutRate: c.dropout, seed });
      const { optimizer } = makeOptimizer(c.optimizer, model.parameters(), { lr: c.lr });
      const history = await fit(model, optimizer, prep.train, {
        epochs: c.epochs,
        batchSize: 32,
        seed,
        regCoeff: 0.01,
        validation: prep.validation,
        earlyStopping: c.patience ? { monitor: 'val.auc', patience: c.patience } : false,
      });
      if (c.refit) {
        // The chosen epoch count, retrained from scratch on every row the test part does not hold.
        const all = concat(prep.train, prep.validation!);
        const again = new HamiltonianNN({ inputDim: all.cols, hiddenDims: c.hidden, dropoutRate: c.dropout, seed });
        await fit(again, makeOptimizer(c.optimizer, again.parameters(), { lr: c.lr }).optimizer, all, {
          epochs: history.bestEpoch,
          batchSize: 32,
          seed,
          regCoeff: 0.01,
        });
        record(c.name, again, history.bestEpoch);
      } else record(c.name, model, history.bestEpoch);
    }
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
for (const { file } of FILES) {
  console.log(`\n### ${file} (${SEEDS.length} seeds; test part 20 %, validation slice 20 % of the rest)\n`);
  console.log('| model | validation AUC (selects) | test AUC | test Brier | mean P − observed | beats LR (AUC) | epochs kept |');
  console.log('|---|---|---|---|---|---|---|');
  const lr = results.get(`${file}\tlogistic regression (built in, C = 1)`)!;
  for (const [key, s] of results) {
    if (!key.startsWith(`${file}\t`)) continue;
    const wins = s.filter((x, i) => x.auc > lr[i].auc).length;
    const f = (v: number[]) => `${mean(v).toFixed(4)} ± ${sd(v).toFixed(4)}`;
    console.log(
      `| ${key.split('\t')[1]} | ${f(s.map((x) => x.valAuc))} | ${f(s.map((x) => x.auc))} | ${f(s.map((x) => x.brier))} | ${mean(s.map((x) => x.bias)).toFixed(4)} | ${wins}/${s.length} | ${mean(s.map((x) => x.epochs)).toFixed(1)} |`,
    );
  }
}
