/**
 * Small, fully seeded training runs whose every bit is recorded in test/fixtures/golden-bits.json (see
 * make-golden-bits.ts): each returns SHA-256 digests of the model file, the optimiser state and the test
 * probabilities. Uses only the public API, so the same code runs against the code before and after a refactor.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Adam,
  AdamW,
  AdvancedSymplecticOptimizer,
  ForestRuth,
  HamiltonianNN,
  Leapfrog,
  SGD,
  SymplecticEuler,
  fit,
  parseCsv,
  prepareTable,
  type Optimizer,
  type BaseOptions,
  type Parameter,
} from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';

type Backend = { backend: 'js' } | { backend: 'wasm'; wasmFlavor: 'simd' | 'scalar' };
const BACKENDS: Record<string, Backend> = {
  js: { backend: 'js' },
  simd: { backend: 'wasm', wasmFlavor: 'simd' },
  scalar: { backend: 'wasm', wasmFlavor: 'scalar' },
};

const OPTIMIZERS: Record<string, (p: Parameter[]) => Optimizer<BaseOptions>> = {
  asym: (p) => new AdvancedSymplecticOptimizer(p, { lr: 0.01 }),
  adam: (p) => new Adam(p, { lr: 3e-3, weightDecay: 1e-3 }),
  adamw: (p) => new AdamW(p, { lr: 3e-3 }),
  sgd: (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  euler: (p) => new SymplecticEuler(p, { lr: 0.05, friction: 0.1 }),
  leapfrog: (p) => new Leapfrog(p, { lr: 0.05, friction: 0.1 }),
  forestRuth: (p) => new ForestRuth(p, { lr: 0.02, friction: 0.1 }),
};

const sha = (...parts: ArrayBufferView[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return h.digest('hex');
};

export function goldenRuns(): Record<string, () => Promise<Record<string, string>>> {
  const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
  const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 5, applySmote: false });
  const runs: Record<string, () => Promise<Record<string, string>>> = {};
  const variants: Array<{
    name: string;
    activation: 'relu' | 'leaky_relu' | 'tanh';
    hidden: number[];
    dropout: number;
    optimizer: string;
    loss: Record<string, unknown>;
  }> = [
    { name: 'leaky-asym', activation: 'leaky_relu', hidden: [16, 8], dropout: 0.2, optimizer: 'asym', loss: {} },
    { name: 'relu-adam-l2-weights', activation: 'relu', hidden: [12], dropout: 0.3, optimizer: 'adam', loss: { regularizer: 'l2', classWeights: [1, 2.5] } },
    { name: 'tanh-adamw-python', activation: 'tanh', hidden: [8, 8], dropout: 0, optimizer: 'adamw', loss: { compat: 'python' } },
    { name: 'leaky-sgd-clip', activation: 'leaky_relu', hidden: [10], dropout: 0.1, optimizer: 'sgd', loss: { clipGradNorm: 0.5 } },
    { name: 'relu-euler', activation: 'relu', hidden: [9, 5], dropout: 0.2, optimizer: 'euler', loss: {} },
    { name: 'tanh-leapfrog', activation: 'tanh', hidden: [7], dropout: 0.2, optimizer: 'leapfrog', loss: {} },
    { name: 'leaky-forest-ruth', activation: 'leaky_relu', hidden: [6], dropout: 0.2, optimizer: 'forestRuth', loss: { regCoeff: 0.02 } },
  ];
  for (const [bname, backend] of Object.entries(BACKENDS)) {
    for (const v of variants) {
      runs[`${bname}/${v.name}`] = async () => {
        const model = new HamiltonianNN({
          inputDim: prep.train.cols,
          hiddenDims: v.hidden,
          activation: v.activation,
          dropoutRate: v.dropout,
          seed: 7,
          ...backend,
        });
        const optimizer = OPTIMIZERS[v.optimizer](model.parameters());
        const history = await fit(model, optimizer, prep.train, { epochs: 3, batchSize: 64, seed: 7, validation: prep.test, ...v.loss });
        const p = model.predictProba(prep.test.x, prep.test.rows);
        const state = optimizer.state();
        const buffers = state.params.flatMap((s) =>
          Object.keys(s)
            .sort()
            .map((k) => s[k])
            .map((b) => (b instanceof Float32Array ? b : new Float64Array([b]))),
        );
        const hist = history.epochs.flatMap((e) => [e.loss, e.baseLoss, e.regLoss, e.energy, e.validation?.loss ?? 0, e.validation?.auc ?? 0]);
        return {
          modelFile: sha(encodeModel(model, { training: { seed: 7 } })),
          optimizerState: sha(...buffers),
          probabilities: sha(p),
          history: sha(new Float64Array(hist)),
          dropoutRng: sha(new Uint32Array(model.dropoutRng.getState().s)),
        };
      };
    }
  }
  // The edge scorer's probabilities (one row at a time and in a batch: the same kernels, so the same bits) on each engine.
  for (const engine of ['js', 'wasm'] as const) {
    runs[`scorer-${engine}`] = async () => {
      const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [24, 9], seed: 3, backend: 'js' });
      await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), prep.train, { epochs: 2, seed: 3 });
      const scorer = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }), { engine });
      const { x, rows, cols } = prep.test;
      const one = new Float32Array(rows);
      for (let r = 0; r < rows; r++) one[r] = scorer.scoreEncoded(x.subarray(r * cols, (r + 1) * cols), 1)[0];
      const raw = Float32Array.from(table.rows.slice(0, 50), (row) => scorer.score(Object.fromEntries(table.columns.map((c, j) => [c, row[j]]))));
      return { oneRow: sha(one), batch: sha(scorer.scoreEncoded(x, rows)), raw: sha(raw) };
    };
  }
  return runs;
}
