/**
 * `npm run bench:score`: the edge scorer beside onnxruntime-web (WASM backend), TensorFlow.js (wasm backend)
 * onnxruntime-node (native, one intra-op thread) and PyTorch, scoring the same 110 → [64, 32] → 2 network, in one run,
 * medians over repeats.
 */
import { identityPreprocessor } from './identity-preprocessor.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { AdvancedSymplecticOptimizer, HamiltonianNN, Rng, fit, parseCsv, prepareTable } from '../src/index.js';
import { encodeModel } from '../src/io/model-file.js';
import { exportOnnx } from '../src/io/onnx.js';
import { loadScorerSync } from '../src/score/index.js';
import { median, timeIt, timeItAsync } from './timing.js';

const here = new URL('.', import.meta.url).pathname;
// Nine rounds, warmed up with one full round of calls.
const time = (f: () => void, inner: number, reps = 9) => timeIt(f, inner, reps, inner);
const timeAsync = (f: () => Promise<void>, inner: number, reps = 9) => timeItAsync(f, inner, reps, inner);

// A 110-input model (synthetic weights) for the encoded-vector comparisons.
const net = new HamiltonianNN({ inputDim: 110, hiddenDims: [64, 32], seed: 1, backend: 'js' });
const rng = new Rng(2);
const N = 10_000;
const X = Float32Array.from({ length: N * 110 }, () => rng.normal());
const fakePre = identityPreprocessor(110);
const bytes = encodeModel(net, { preprocessor: fakePre as never });
const scorer = loadScorerSync(bytes);
const jsScorer = loadScorerSync(bytes, { engine: 'js' });
const one = X.subarray(0, 110);
const out1 = new Float32Array(1),
  outN = new Float32Array(N);

const rows: Array<[string, string, string, string]> = [];
const us = (s: number) => `${(s * 1e6).toFixed(2)} µs`;
const ms = (s: number) => `${(s * 1e3).toFixed(2)} ms`;

const oursOne = time(() => scorer.scoreEncoded(one, 1, out1), 20000);
const oursBatch = time(() => scorer.scoreEncoded(X, N, outN), 20);
const jsOne = time(() => jsScorer.scoreEncoded(one, 1, out1), 5000);
const jsBatch = time(() => jsScorer.scoreEncoded(X, N, outN), 3, 5);
rows.push(['hamiltonian-ai scorer (WASM SIMD)', us(oursOne), ms(oursBatch), '']);
rows.push(['hamiltonian-ai scorer (JS, no WASM)', us(jsOne), ms(jsBatch), '']);

// Raw record: lending_club (22 raw columns → 119 encoded) with preprocessing included.
const table = parseCsv(readFileSync(new URL('../data/lending_club.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 1 });
const lc = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [64, 32], seed: 1 });
await fit(lc, new AdvancedSymplecticOptimizer(lc.parameters()), prep.train, { epochs: 1, seed: 1 });
const lcBytes = encodeModel(lc, { preprocessor: prep.preprocessor.toJSON() });
const lcScorer = loadScorerSync(lcBytes);
const rec = Object.fromEntries(table.columns.map((c, j) => [c, table.rows[3][j]]));
const raw = time(() => lcScorer.score(rec), 20000);
const explain = time(() => lcScorer.explain(rec, 3), 2000);

// onnxruntime-web (WASM backend, one thread)
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const session = await ort.InferenceSession.create(exportOnnx(net.config, (n) => net.parameters().find((p) => p.name === n)!.data));
const t1 = new ort.Tensor('float32', one, [1, 110]);
const tN = new ort.Tensor('float32', X, [N, 110]);
const ortOne = await timeAsync(async () => {
  await session.run({ input: t1 });
}, 2000);
const ortBatch = await timeAsync(async () => {
  await session.run({ input: tN });
}, 10);
rows.push([`onnxruntime-web ${ort.env.versions.web} (wasm)`, us(ortOne), ms(ortBatch), '']);

// onnxruntime-node (native kernels; installed with its bundled CPU binaries, ONNXRUNTIME_NODE_INSTALL=skip)
const ortNode = (await import('onnxruntime-node')) as unknown as typeof ort;
const nodeSession = await ortNode.InferenceSession.create(
  exportOnnx(net.config, (n) => net.parameters().find((p) => p.name === n)!.data),
  {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  },
);
const n1 = new ortNode.Tensor('float32', one, [1, 110]);
const nN = new ortNode.Tensor('float32', X, [N, 110]);
const nodeOne = await timeAsync(async () => {
  await nodeSession.run({ input: n1 });
}, 2000);
const nodeBatch = await timeAsync(async () => {
  await nodeSession.run({ input: nN });
}, 10);
rows.push([`onnxruntime-node ${ortNode.env.versions.node ?? '1.30'} (native, 1 thread)`, us(nodeOne), ms(nodeBatch), '']);

// TensorFlow.js wasm backend
await tf.setBackend('wasm');
await tf.ready();
const ws = [0, 1, 2].map((l) => tf.tensor2d(net.layers[l].weight.data, [net.layers[l].outFeatures, net.layers[l].inFeatures]));
const bs = [0, 1, 2].map((l) => tf.tensor1d(net.layers[l].bias.data));
const tfScore = (x: tf.Tensor2D) =>
  tf.tidy(() => {
    let h: tf.Tensor2D = x;
    for (let l = 0; l < 3; l++) {
      h = tf.add(tf.matMul(h, ws[l], false, true), bs[l]) as tf.Tensor2D;
      if (l < 2) h = tf.leakyRelu(h, 0.01) as tf.Tensor2D;
    }
    return tf.softmax(h);
  });
const x1 = tf.tensor2d(one, [1, 110]),
  xN = tf.tensor2d(X, [N, 110]);
const tfOne = time(() => {
  const r = tfScore(x1);
  r.dataSync();
  r.dispose();
}, 2000);
const tfBatch = time(() => {
  const r = tfScore(xN);
  r.dataSync();
  r.dispose();
}, 10);
rows.push([`TensorFlow.js ${tf.version_core} (wasm)`, us(tfOne), ms(tfBatch), '']);

// PyTorch (Debian python3-torch) through a small script, if present
let torchRow: [string, string, string, string] = ['PyTorch', '(not installed)', '', ''];
if (existsSync('/usr/bin/python3')) {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'hai-score-'));
    writeFileSync(join(dir, 'm.safetensors'), bytes);
    const r = JSON.parse(
      execFileSync('/usr/bin/python3', [join(here, 'torch_score.py'), join(dir, 'm.safetensors')], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1)!,
    );
    torchRow = [`PyTorch ${r.torch} (1 thread)`, us(r.oneSeconds), ms(r.batchSeconds), ''];
  } catch (e) {
    // The script says what is missing in its last line (exit 3): show that, not "Command failed".
    const said =
      String((e as { stdout?: string }).stdout ?? '')
        .trim()
        .split('\n')
        .at(-1) ?? '';
    let why: string | undefined;
    try {
      why = (JSON.parse(said) as { error?: string }).error;
    } catch {
      // (not the script's answer: the command's own message below)
    }
    torchRow = ['PyTorch', `(failed: ${why ?? (e as Error).message.split('\n')[0]})`, '', ''];
  }
}
rows.push(torchRow);

// Cold start: a fresh Node process, from importing the scorer to the first probability.
const dir = mkdtempSync(join(tmpdir(), 'hai-cold-'));
writeFileSync(join(dir, 'm.safetensors'), lcBytes);
const script = `const t0 = performance.now();
const { loadScorer } = await import(${JSON.stringify(join(here, '..', 'dist', 'score', 'index.js'))});
const { readFileSync } = await import('node:fs');
const s = await loadScorer(new Uint8Array(readFileSync(${JSON.stringify(join(dir, 'm.safetensors'))})));
s.score(${JSON.stringify(rec)});
console.log(performance.now() - t0);`;
const colds: number[] = [];
for (let i = 0; i < 7; i++) colds.push(Number(spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).stdout));

console.log(`Scoring 110 → [64, 32] → 2 (leaky ReLU, softmax), one thread, Node ${process.version}`);
console.log('| scorer | one encoded record | 10,000-record batch |');
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r[0]} | ${r[1]} | ${r[2]} |`);
console.log(
  `\nhamiltonian-ai, lending_club model (22 raw columns → 119 encoded): one raw record (preprocessing included) ${us(raw)}; with 3 reason codes ${us(explain)}`,
);
console.log(`cold start (fresh process: import → load model → first score), median of 7: ${median(colds).toFixed(1)} ms`);
console.log(
  `ratios: 10k batch — onnxruntime-web / ours ${(ortBatch / oursBatch).toFixed(2)}×, onnxruntime-node / ours ${(nodeBatch / oursBatch).toFixed(2)}×, TF.js / ours ${(tfBatch / oursBatch).toFixed(2)}×; one record — onnxruntime-web / ours ${(ortOne / oursOne).toFixed(1)}×, onnxruntime-node / ours ${(nodeOne / oursOne).toFixed(1)}×`,
);
