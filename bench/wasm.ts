/**
 * `npm run bench:wasm`: the WASM hot path beside its peers, in one run, medians over repeats.
 *   - sgemm GFLOP/s (NN, NT, TN): ours (SIMD and scalar builds), the JS reference, TensorFlow.js wasm (XNNPACK)
 *   - training step (forward + backward + AdvancedSymplecticOptimizer, batch 32, input 110): ours (wasm, js),
 *     TensorFlow.js wasm, PyTorch (bench/torch_step.py with /usr/bin/python3 when Debian's python3-torch is there)
 *   - a full lending_club run (SMOTE, [64, 32], 10 epochs) end to end vs the Python original's recipe
 *
 *   npx tsx bench/wasm.ts [--only gemm|step|full] [--quick]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { timeIt } from './timing.js';
import { WasmArena } from '../src/backend/wasm/arena.js';
import { instantiateWasm } from '../src/backend/wasm/module.js';
import {
  AdvancedSymplecticOptimizer,
  HamiltonianNN,
  Rng,
  evaluateModel,
  fit,
  hamiltonianLoss,
  matmul,
  matmulNT,
  matmulTN,
  parseCsv,
  prepareTable,
} from '../src/index.js';

const args = process.argv.slice(2);
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : 'all';
const QUICK = args.includes('--quick');
const here = new URL('.', import.meta.url).pathname;
const PY = '/usr/bin/python3';

await tf.setBackend('wasm');
await tf.ready();
console.log(`hamiltonian-ai WASM bench — ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}, TF.js ${tf.version_core} (${tf.getBackend()})`);

if (ONLY === 'all' || ONLY === 'gemm') {
  console.log('\nsgemm, float32, one thread: GFLOP/s (2mnk / time)');
  console.log('| m×k×n | case | ours SIMD | ours scalar | JS reference | TF.js wasm | ours / TF.js |');
  console.log('|---|---|---|---|---|---|---|');
  const shapes: Array<[number, number, number]> = QUICK
    ? [[256, 256, 256]]
    : [
        [256, 256, 256],
        [512, 512, 512],
        [1024, 1024, 1024],
        [32, 110, 512],
        [32, 512, 256],
      ];
  const simd = new WasmArena(instantiateWasm('simd')),
    scalar = new WasmArena(instantiateWasm('scalar'));
  for (const [m, k, n] of shapes) {
    const flops = 2 * m * n * k;
    const inner = Math.max(1, Math.round(2e8 / flops));
    const rng = new Rng(1);
    const A = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
    const B = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
    for (const [name, ta, tb, ref] of [
      ['NN', 0, 0, matmul],
      ['NT', 0, 1, matmulNT],
      ['TN', 1, 0, matmulTN],
    ] as const) {
      const gf = (sec: number) => flops / sec / 1e9;
      const ours = (ar: WasmArena) => {
        const a = ar.allocBytes(m * k * 4),
          b = ar.allocBytes(k * n * 4),
          c = ar.allocBytes(m * n * 4);
        new Float32Array(ar.memory.buffer).set(A, a >> 2);
        new Float32Array(ar.memory.buffer).set(B, b >> 2);
        const lda = ta ? m : k,
          ldb = tb ? k : n;
        return gf(timeIt(() => ar.exports.sgemm(ta === 1, tb === 1, m, n, k, a, lda, b, ldb, c, n, false, ar.work), inner));
      };
      const gSimd = ours(simd),
        gScalar = ours(scalar);
      const out = new Float32Array(m * n);
      const gJs = m * n * k <= 256 ** 3 ? gf(timeIt(() => ref(out, A, B, m, k, n), 1, 3)) : NaN;
      const ta2 = tf.tensor2d(A, ta ? [k, m] : [m, k]),
        tb2 = tf.tensor2d(B, tb ? [n, k] : [k, n]);
      const gTf = gf(
        timeIt(() => {
          const r = tf.matMul(ta2, tb2, !!ta, !!tb);
          r.dataSync();
          r.dispose();
        }, inner),
      );
      ta2.dispose();
      tb2.dispose();
      const f = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(1));
      console.log(`| ${m}×${k}×${n} | ${name} | ${f(gSimd)} | ${f(gScalar)} | ${f(gJs)} | ${f(gTf)} | ${(gSimd / gTf).toFixed(2)}× |`);
    }
  }
}

function tfStep(hidden: number[]): number {
  // The same network and the original optimiser's formulas in TF.js wasm ops, with the backward pass
  // written out (the transposed products dYᵀ·X and dY·Wᵀ that TF.js's own gradients also use).
  const rng = new Rng(1);
  const dims = [110, ...hidden, 2];
  const W: tf.Variable[] = [],
    B: tf.Variable[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const bound = 1 / Math.sqrt(dims[l]);
    W.push(
      tf.variable(
        tf.tensor2d(
          Float32Array.from({ length: dims[l] * dims[l + 1] }, () => rng.uniform(-bound, bound)),
          [dims[l], dims[l + 1]],
        ),
      ),
    );
    B.push(tf.variable(tf.tensor1d(Float32Array.from({ length: dims[l + 1] }, () => rng.uniform(-bound, bound)))));
  }
  const vars = [...W, ...B];
  const mom = vars.map((v) => tf.variable(tf.zerosLike(v)));
  const x = tf.tensor2d(
    Float32Array.from({ length: 32 * 110 }, () => rng.normal()),
    [32, 110],
  );
  const y = tf.oneHot(
    tf.tensor1d(
      Int32Array.from({ length: 32 }, () => rng.int(2)),
      'int32',
    ),
    2,
  );
  const step = () => {
    tf.tidy(() => {
      const inputs: tf.Tensor[] = [],
        pres: tf.Tensor[] = [],
        masks: tf.Tensor[] = [];
      let h: tf.Tensor = x;
      for (let l = 0; l < W.length; l++) {
        inputs.push(h);
        const z = tf.add(tf.matMul(h, W[l]), B[l]);
        if (l + 1 < W.length) {
          const mask = tf.mul(tf.cast(tf.greaterEqual(tf.randomUniform(z.shape), 0.2), 'float32'), 1.25);
          pres.push(z);
          masks.push(mask);
          h = tf.mul(tf.leakyRelu(z, 0.01), mask);
        } else h = z;
      }
      let g: tf.Tensor = tf.div(tf.sub(tf.softmax(h), y), 32);
      const grads: tf.Tensor[] = new Array(vars.length);
      for (let l = W.length - 1; l >= 0; l--) {
        grads[l] = tf.matMul(inputs[l], g, true, false); // Xᵀ·dY
        grads[W.length + l] = tf.sum(g, 0);
        if (l > 0) {
          const dh = tf.matMul(g, W[l], false, true); // dY·Wᵀ
          const slope = tf.where(tf.greater(pres[l - 1], 0), tf.onesLike(dh), tf.fill(dh.shape, 0.01));
          g = tf.mul(tf.mul(dh, masks[l - 1]), slope);
        }
      }
      vars.forEach((v, i) => {
        const m = mom[i];
        m.assign(tf.add(tf.mul(m, 0.9), tf.mul(grads[i], 0.1)));
        const H = tf.add(tf.mul(tf.sum(tf.square(m)), 0.5), tf.mul(tf.sum(tf.square(grads[i])), 0.5));
        v.assign(tf.sub(v, tf.mul(m, tf.div(0.01, tf.add(tf.sqrt(H), 1e-8)))));
      });
    });
  };
  const sec = timeIt(
    () => {
      step();
      W[0].dataSync();
    },
    hidden[0] > 100 ? 10 : 50,
    5,
  );
  [...vars, ...mom, x, y].forEach((t) => t.dispose());
  return sec;
}

function oursStep(hidden: number[], backend: 'wasm' | 'js'): number {
  const rng = new Rng(1);
  const x = Float32Array.from({ length: 32 * 110 }, () => rng.normal());
  const y = Int32Array.from({ length: 32 }, () => rng.int(2));
  const model = new HamiltonianNN({ inputDim: 110, hiddenDims: hidden, seed: 1, backend });
  const opt = new AdvancedSymplecticOptimizer(model.parameters());
  const g = new Float32Array(64);
  return timeIt(
    () => {
      opt.zeroGrad();
      const l = hamiltonianLoss(model.forward(x, 32), y, model, { gradOut: g }, 32);
      model.backward(l.grad, 32);
      opt.step();
    },
    backend === 'js' ? (hidden[0] > 100 ? 5 : 100) : hidden[0] > 100 ? 200 : 2000,
    7,
  );
}

function torch(args: string[]): Record<string, number> | { error: string } {
  if (!existsSync(PY)) return { error: `${PY} not found` };
  try {
    return JSON.parse(
      execFileSync(PY, [join(here, 'torch_step.py'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')
        .at(-1)!,
    );
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '');
    try {
      return JSON.parse(out.trim().split('\n').at(-1)!);
    } catch {
      return { error: (e as Error).message.split('\n')[0] };
    }
  }
}

if (ONLY === 'all' || ONLY === 'step') {
  console.log('\nTraining step: forward + backward + AdvancedSymplecticOptimizer, batch 32, input 110, leaky ReLU, dropout 0.2 (ms, median)');
  console.log('| network | ours wasm | ours js | TF.js wasm | PyTorch | PyTorch / ours | TF.js / ours |');
  console.log('|---|---|---|---|---|---|---|');
  for (const hidden of [
    [64, 32],
    [512, 256],
  ]) {
    const w = oursStep(hidden, 'wasm') * 1e3;
    const j = oursStep(hidden, 'js') * 1e3;
    const t = tfStep(hidden) * 1e3;
    const p = torch(['--hidden', hidden.join(',')]);
    const pt = 'stepMs' in p ? p.stepMs : NaN;
    console.log(
      `| 110 → [${hidden}] → 2 | ${w.toFixed(3)} | ${j.toFixed(3)} | ${t.toFixed(3)} | ${Number.isNaN(pt) ? `(${(p as { error: string }).error})` : pt.toFixed(3)} | ${(pt / w).toFixed(2)}× | ${(t / w).toFixed(1)}× |`,
    );
  }
}

if (ONLY === 'all' || ONLY === 'full') {
  console.log('\nFull lending_club run: CSV → split → preprocess → SMOTE → [64, 32], 10 epochs (seconds)');
  const t0 = performance.now();
  const table = parseCsv(readFileSync(new URL('../data/lending_club.csv', import.meta.url), 'utf8'));
  const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 42 });
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [64, 32], seed: 42 });
  const h = await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), prep.train, { epochs: 10, seed: 42 });
  const auc = evaluateModel(model, prep.test).auc;
  const total = (performance.now() - t0) / 1000;
  const p = torch(['--lending-club', join(here, '..', 'data', 'lending_club.csv')]);
  const pt = 'totalSeconds' in p ? p.totalSeconds : NaN;
  console.log('| | ours (wasm) | Python original (PyTorch, pandas, imblearn) |');
  console.log('|---|---|---|');
  console.log(`| end to end | ${total.toFixed(2)} s | ${Number.isNaN(pt) ? `(${(p as { error: string }).error})` : `${pt.toFixed(2)} s`} |`);
  console.log(`| training, per epoch | ${(h.trainSeconds / 10).toFixed(3)} s | ${'epochSeconds' in p ? `${p.epochSeconds.toFixed(3)} s` : '—'} |`);
  console.log(`| test AUC | ${auc.toFixed(3)} | ${'auc' in p ? p.auc.toFixed(3) : '—'} |`);
}
