/**
 * `npm run bench`: training speed and quality side by side with the PyTorch original, in one run.
 *
 *   npx tsx bench/run.ts [--epochs 10] [--only train|quality]
 *
 * The PyTorch peer is bench/torch_original.py run with /usr/bin/python3 (Debian's python3-torch and
 * python3-sklearn); when it is missing the table says so and shows our numbers alone. Nothing is installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdvancedSymplecticOptimizer, HamiltonianNN, evaluateModel, fit, parseCsv, prepareTable, type PreparedTable } from '../src/index.js';
import { median } from './timing.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const EPOCHS = Number(opt('epochs', '10'));
const ONLY = opt('only', 'all');
const PY = '/usr/bin/python3';
const here = new URL('.', import.meta.url).pathname;

function load(file: string, target: string, seed: number, applySmote: boolean): PreparedTable {
  const text = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8');
  return prepareTable(parseCsv(text, { source: file }), { target, positive: 'bad', seed, applySmote });
}

interface PeerResult {
  auc?: number;
  aucFromLabels?: number;
  secondsPerEpoch?: number;
  torch?: string;
  error?: string;
}

function runTorch(prep: PreparedTable, hidden: number[], epochs: number, seed: number): PeerResult {
  if (!existsSync(PY)) return { error: `${PY} not found` };
  const dir = join(tmpdir(), 'hamiltonian-ai-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `data-${process.pid}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      xTrain: Array.from(prep.train.x),
      yTrain: Array.from(prep.train.y),
      xTest: Array.from(prep.test.x),
      yTest: Array.from(prep.test.y),
      cols: prep.train.cols,
      hidden,
      epochs,
      lr: 0.01,
      seed,
    }),
  );
  try {
    const out = execFileSync(PY, [join(here, 'torch_original.py'), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1)!);
  } catch (e) {
    const err = e as { stdout?: string; message: string };
    try {
      return JSON.parse(String(err.stdout).trim().split('\n').at(-1)!);
    } catch {
      return { error: err.message.split('\n')[0] };
    }
  }
}

async function ours(prep: PreparedTable, hidden: number[], epochs: number, seed: number, backend: 'wasm' | 'js' = 'wasm') {
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: hidden, seed, backend });
  const optimizer = new AdvancedSymplecticOptimizer(model.parameters(), { lr: 0.01 });
  const h = await fit(model, optimizer, prep.train, { epochs, seed });
  const secondsPerEpoch = median(h.epochs.map((e) => e.seconds));
  const m = evaluateModel(model, prep.test);
  const mLabels = evaluateModel(model, prep.test, { aucFrom: 'labels' });
  return { secondsPerEpoch, auc: m.auc, aucFromLabels: mLabels.auc, ks: m.ks };
}

const fmt = (v: number | undefined, d = 3) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
console.log(`hamiltonian-ai bench — Node ${process.version}, ${EPOCHS} epochs, batch 32, AdvancedSymplecticOptimizer lr 0.01`);

if (ONLY === 'all' || ONLY === 'train') {
  console.log('\nTraining time per epoch on credit_data.csv (3,563 training rows, no SMOTE, batch 32)');
  console.log('| network | ours, wasm (default) | ours, js reference | PyTorch | PyTorch / ours (wasm) |');
  console.log('|---|---|---|---|---|');
  const prep = load('credit_data.csv', 'Status', 42, false);
  for (const hidden of [
    [64, 32],
    [512, 256],
  ]) {
    const epochs = hidden[0] > 100 ? Math.min(EPOCHS, 3) : EPOCHS;
    const a = await ours(prep, hidden, epochs, 42);
    const j = await ours(prep, hidden, hidden[0] > 100 ? 1 : epochs, 42, 'js');
    const b = runTorch(prep, hidden, epochs, 42);
    const ratio = b.secondsPerEpoch ? b.secondsPerEpoch / a.secondsPerEpoch : NaN;
    console.log(
      `| ${prep.train.cols} → [${hidden}] → 2 | ${fmt(a.secondsPerEpoch)} s | ${fmt(j.secondsPerEpoch)} s | ${b.error ? `(${b.error})` : `${fmt(b.secondsPerEpoch)} s`} | ${fmt(ratio, 2)}× |`,
    );
    results[`train-${hidden.join('x')}`] = { ours: a, js: j, torch: b };
  }
}

if (ONLY === 'all' || ONLY === 'quality') {
  console.log(`\nTest metrics, [64, 32], ${EPOCHS} epochs, same prepared data for both (stratified 80/20 split, seed 42)`);
  console.log('| data | ours AUC | ours KS | PyTorch original AUC | original AUC from 0/1 labels (as it reported) |');
  console.log('|---|---|---|---|---|');
  for (const [file, target, smote] of [
    ['credit_data.csv', 'Status', false],
    ['lending_club.csv', 'Class', true],
  ] as const) {
    const prep = load(file, target, 42, smote);
    const a = await ours(prep, [64, 32], EPOCHS, 42);
    const b = runTorch(prep, [64, 32], EPOCHS, 42);
    console.log(`| ${file}${smote ? ' (SMOTE)' : ''} | ${fmt(a.auc)} | ${fmt(a.ks)} | ${b.error ? `(${b.error})` : fmt(b.auc)} | ${fmt(b.aucFromLabels)} |`);
    results[`quality-${file}`] = { ours: a, torch: b };
  }
}

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(results, null, 2));
