/**
 * `npx tsx bench/compare.ts <other-checkout>`: this tree's hot paths beside another checkout's (e.g. the commit
 * before a refactor, checked out with `git worktree add ../old <commit>` and its WASM built with
 * `node scripts/build-wasm.mjs` there), in one process, rounds interleaved, medians, as a ratio (this / other).
 * Measures the training step ([64,32] and [512,256], batch 32, AdvancedSymplecticOptimizer), sgemm 256³, and the
 * scorer (one encoded row, a 10k batch, a raw record).
 */
import { identityPreprocessor } from './identity-preprocessor.mjs';
import { resolve } from 'node:path';
import { cpus } from 'node:os';
import { median } from './timing.js';

const otherRoot = resolve(process.argv[2] ?? '../old');
type Lib = typeof import('../src/index.js');
type ScoreLib = typeof import('../src/score/index.js');
const load = async (root: string) => ({
  lib: (await import(`${root}/src/index.ts`)) as Lib,
  score: (await import(`${root}/src/score/index.ts`)) as ScoreLib,
});
const trees = { this: await load(resolve(new URL('..', import.meta.url).pathname)), other: await load(otherRoot) };
console.log(`bench/compare — ${cpus()[0].model}, Node ${process.version}; other = ${otherRoot}`);

type Case = { name: string; unit: 'µs' | 'ms'; make: (t: (typeof trees)['this']) => () => void; inner: number };

const stepCase = (hidden: number[], inner: number): Case => ({
  name: `training step [${hidden}] (batch 32, input 110)`,
  unit: 'µs',
  inner,
  make: ({ lib }) => {
    const model = new lib.HamiltonianNN({ inputDim: 110, hiddenDims: hidden, seed: 1 });
    const opt = new lib.AdvancedSymplecticOptimizer(model.parameters());
    const rng = new lib.Rng(2);
    const x = Float32Array.from({ length: 32 * 110 }, () => rng.normal());
    const y = Int32Array.from({ length: 32 }, () => rng.int(2));
    const dLogits = new Float32Array(64);
    return () => {
      opt.zeroGrad();
      const logits = model.forward(x, 32);
      lib.hamiltonianLoss(logits, y, model, { gradOut: dLogits }, 32);
      model.backward(dLogits, 32);
      opt.step();
    };
  },
});

const gemmCase: Case = {
  name: 'matmulNT 256×256×256 via a model-sized layer forward (rows 256)',
  unit: 'ms',
  inner: 20,
  make: ({ lib }) => {
    const model = new lib.HamiltonianNN({ inputDim: 256, hiddenDims: [], outputDim: 256, seed: 1 });
    const rng = new lib.Rng(3);
    const x = Float32Array.from({ length: 256 * 256 }, () => rng.normal());
    return () => void model.forward(x, 256, { inference: true });
  },
};

const scorerCases = (): Case[] => {
  const mk = ({ lib, score }: (typeof trees)['this']) => {
    const net = new lib.HamiltonianNN({ inputDim: 110, hiddenDims: [64, 32], seed: 1, backend: 'js' });
    const pre = identityPreprocessor(110);
    const scorer = score.loadScorerSync(lib.encodeModel(net, { preprocessor: pre as never }));
    const rng = new lib.Rng(2);
    const X = Float32Array.from({ length: 10_000 * 110 }, () => rng.normal());
    const record = Object.fromEntries(pre.columns.map((c, j) => [c, X[j]]));
    return { scorer, X, record };
  };
  return [
    {
      name: 'scorer, one encoded row',
      unit: 'µs',
      inner: 20000,
      make: (t) => {
        const { scorer, X } = mk(t);
        const o = new Float32Array(1);
        return () => void scorer.scoreEncoded(X.subarray(0, 110), 1, o);
      },
    },
    {
      name: 'scorer, 10k encoded rows',
      unit: 'ms',
      inner: 20,
      make: (t) => {
        const { scorer, X } = mk(t);
        const o = new Float32Array(10_000);
        return () => void scorer.scoreEncoded(X, 10_000, o);
      },
    },
    {
      name: 'scorer, one raw record (110 fields)',
      unit: 'µs',
      inner: 5000,
      make: (t) => {
        const { scorer, record } = mk(t);
        return () => void scorer.score(record);
      },
    },
  ];
};

const ROUNDS = Number(process.env.ROUNDS ?? 15);
console.log('\n| case | this | other | this / other |\n|---|---|---|---|');
const ONLY = process.env.ONLY; // a substring of the case names, e.g. ONLY=scorer
for (const c of [stepCase([64, 32], 2000), stepCase([512, 256], 100), gemmCase, ...scorerCases()].filter((c) => !ONLY || c.name.includes(ONLY))) {
  const fns = { this: c.make(trees.this), other: c.make(trees.other) };
  const times: Record<'this' | 'other', number[]> = { this: [], other: [] };
  for (const k of ['this', 'other'] as const) for (let i = 0; i < c.inner; i++) fns[k]();
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of (r % 2 ? ['this', 'other'] : ['other', 'this']) as Array<'this' | 'other'>) {
      const t0 = performance.now();
      for (let i = 0; i < c.inner; i++) fns[k]();
      times[k].push((performance.now() - t0) / c.inner);
    }
  }
  const scale = c.unit === 'µs' ? 1000 : 1;
  const a = median(times.this) * scale,
    b = median(times.other) * scale;
  console.log(`| ${c.name} | ${a.toFixed(2)} ${c.unit} | ${b.toFixed(2)} ${c.unit} | ${(a / b).toFixed(3)} |`);
}
