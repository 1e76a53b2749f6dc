/**
 * The main job on the shipped data, through the public API: lending_club.csv (9,857 loans, 5.2 % bad)
 * → stratified split → preprocessor fitted on the training part → SMOTE → HamiltonianNN [64, 32]
 * trained 10 epochs with AdvancedSymplecticOptimizer → credit-scoring metrics on the held-out part.
 *
 *   npm run demo            (or: npx tsx examples/credit-demo.ts [credit_data.csv])
 */
import { readFileSync } from 'node:fs';
import {
  AdvancedSymplecticOptimizer, HamiltonianNN, evaluateModel, fit, parseCsv, prepareTable,
} from '../src/index.js';

const file = process.argv[2] ?? 'lending_club.csv';
const target = file.startsWith('credit_data') ? 'Status' : 'Class';
const text = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8');
const table = parseCsv(text, { source: file });
const prep = prepareTable(table, { target, positive: 'bad', seed: 42, applySmote: true, source: file });
console.log(`${file}: ${table.rows.length} rows → ${prep.trainRowsBeforeSmote} train (${prep.train.rows} after SMOTE), ${prep.test.rows} test, ${prep.train.cols} encoded features`);

const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [64, 32], activation: 'leaky_relu', dropoutRate: 0.2, seed: 42 });
const optimizer = new AdvancedSymplecticOptimizer(model.parameters(), { lr: 0.01, beta: 0.9 });
const history = await fit(model, optimizer, prep.train, {
  epochs: 10,
  batchSize: 32,
  seed: 42,
  regCoeff: 0.01,
  validation: prep.test,
  onEpoch: (e) => console.log(`epoch ${String(e.epoch).padStart(2)}  loss ${e.loss.toFixed(4)}  energy ${e.energy.toFixed(4)}  val AUC ${e.validation!.auc.toFixed(4)}  ${e.seconds.toFixed(2)} s`),
});

const m = evaluateModel(model, prep.test, { threshold: 0.5 });
const row = (k: string, v: number) => console.log(`| ${k.padEnd(22)} | ${v.toFixed(4).padStart(8)} |`);
console.log(`\nHeld-out metrics (${m.rows} loans, ${m.positives} bad; trained in ${history.trainSeconds.toFixed(2)} s)`);
console.log('| metric                 |    value |\n|------------------------|----------|');
row('AUC', m.auc);
row('KS', m.ks);
row('Gini', m.gini);
row('accuracy', m.accuracy);
row('precision (bad)', m.precision);
row('recall (bad)', m.recall);
row('F1 (bad)', m.f1);
row('Brier', m.brier);
row('log loss', m.logLoss);
console.log(`confusion at 0.5: TP ${m.confusion.tp}  FP ${m.confusion.fp}  TN ${m.confusion.tn}  FN ${m.confusion.fn}`);
