import { StandardScaler } from '../data/scaler.js';
import { groupKFold } from '../data/split.js';
import { averagePrecision, rocAuc } from '../metrics/ranking.js';
import { welchTTest, type TwoSampleTest } from '../metrics/tests.js';
import { HamiltonianNN } from '../nn/hamiltonian-nn.js';
import { Adam } from '../optim/adam.js';
import { AdvancedSymplecticOptimizer } from '../optim/advanced-symplectic.js';
import { fit } from '../train/fit.js';
import type { Chain } from './chains.js';
import type { Embedder } from './embed.js';
import { FEATURE_NAMES, trajectoryFeatures, type ChainFeatures, type FeatureName } from './features.js';

interface FeatureRow extends TwoSampleTest {
  feature: FeatureName;
}

interface ModelResult {
  name: string;
  /** Out-of-fold ROC AUC, PR-AUC (average precision), F1 and accuracy for the valid class at 0.5. */
  auc: number;
  prAuc: number;
  f1: number;
  accuracy: number;
}

export interface ReasoningResult {
  embedder: string;
  chains: number;
  valid: number;
  questions: number;
  folds: number;
  features: ChainFeatures[];
  table: FeatureRow[];
  models: ModelResult[];
  /** QIDs per fold's test part, to show no question sits in train and test at once. */
  foldQids: string[][];
}

/** Embeds every chain's four texts and computes the trajectory features. */
function chainTrajectories(chains: readonly Chain[], embedder: Embedder): { features: ChainFeatures[]; vectors: Float32Array[][] } {
  const texts = chains.flatMap((c) => [c.question, c.fact1, c.fact2, c.answer]);
  const v = embedder.embed(texts);
  const vectors = chains.map((_, i) => v.slice(4 * i, 4 * i + 4));
  return { features: vectors.map((pts) => trajectoryFeatures(pts)), vectors };
}

function scores(y: Uint8Array, p: Float32Array): Omit<ModelResult, 'name'> {
  let tp = 0,
    fp = 0,
    fn = 0,
    correct = 0;
  for (let i = 0; i < y.length; i++) {
    const pred = p[i] >= 0.5 ? 1 : 0;
    if (pred === y[i]) correct++;
    if (pred && y[i]) tp++;
    else if (pred) fp++;
    else if (y[i]) fn++;
  }
  return { auc: rocAuc(y, p), prAuc: averagePrecision(y, p), f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0, accuracy: correct / y.length };
}

/**
 * Out-of-fold predictions with group k-fold by question (QID): chains of one question never sit in the
 * training and the test part together. Class-weighted cross-entropy (balanced), features standardised on
 * each training part.
 */
async function groupedCrossValidation(
  x: Float32Array,
  d: number,
  y: Uint8Array,
  groups: readonly string[],
  options: { hidden: number[]; optimizer: 'advanced-symplectic' | 'adam'; folds?: number; epochs?: number; seed?: number; lr?: number },
): Promise<{ oof: Float32Array; foldQids: string[][] }> {
  const n = y.length;
  const folds = groupKFold(groups, options.folds ?? 5, { seed: options.seed ?? 0 });
  const oof = new Float32Array(n);
  const foldQids: string[][] = [];
  for (const { train, test } of folds) {
    foldQids.push([...new Set([...test].map((i) => groups[i]))]);
    const take = (idx: Uint32Array) => {
      const out = new Float32Array(idx.length * d);
      idx.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
      return out;
    };
    const xtr = take(train),
      xte = take(test);
    const sc = new StandardScaler().fit(xtr, train.length, d);
    sc.transform(xtr, xtr, train.length, d);
    sc.transform(xte, xte, test.length, d);
    const ytr = Uint8Array.from(train, (i) => y[i]);
    const pos = ytr.reduce((s, v) => s + v, 0);
    const weights = [train.length / (2 * Math.max(1, train.length - pos)), train.length / (2 * Math.max(1, pos))];
    const model = new HamiltonianNN({ inputDim: d, hiddenDims: options.hidden, dropoutRate: options.hidden.length ? 0.2 : 0, seed: options.seed ?? 0 });
    const opt =
      options.optimizer === 'adam'
        ? new Adam(model.parameters(), { lr: options.lr ?? 1e-3 })
        : new AdvancedSymplecticOptimizer(model.parameters(), { lr: options.lr ?? 0.01 });
    await fit(
      model,
      opt,
      { x: xtr, y: ytr, rows: train.length, cols: d },
      { epochs: options.epochs ?? 30, seed: options.seed ?? 0, classWeights: weights, regCoeff: 0.001 },
    );
    const p = model.predictProba(xte, test.length);
    test.forEach((r, i) => (oof[r] = p[i]));
  }
  return { oof, foldQids };
}

/**
 * The whole study: features, the valid-vs-invalid table (means, Welch t-test, Cohen's d), and grouped-CV
 * classifiers on the features and on the raw embeddings beside the baselines.
 * @example
 * const r = await analyzeChains(loadChains(text), hashEmbedder());
 */
export async function analyzeChains(
  chains: readonly Chain[],
  embedder: Embedder,
  options: { folds?: number; seed?: number; epochs?: number } = {},
): Promise<ReasoningResult> {
  const { features, vectors } = chainTrajectories(chains, embedder);
  const y = Uint8Array.from(chains, (c) => (c.valid ? 1 : 0));
  const groups = chains.map((c) => c.qid);
  const table: FeatureRow[] = FEATURE_NAMES.map((f) => {
    const a = features.filter((_, i) => y[i] === 1).map((r) => r[f]);
    const b = features.filter((_, i) => y[i] === 0).map((r) => r[f]);
    return { feature: f, ...welchTTest(a, b) };
  });
  const d = FEATURE_NAMES.length;
  const xf = new Float32Array(chains.length * d);
  features.forEach((r, i) => FEATURE_NAMES.forEach((f, j) => (xf[i * d + j] = r[f])));
  const de = 4 * embedder.dim;
  const xe = new Float32Array(chains.length * de);
  vectors.forEach((pts, i) => pts.forEach((v, k) => xe.set(v, i * de + k * embedder.dim)));
  const cv = { folds: options.folds ?? 5, seed: options.seed ?? 0, epochs: options.epochs ?? 30 };
  const runs: Array<[string, Float32Array, number, { hidden: number[]; optimizer: 'advanced-symplectic' | 'adam'; lr?: number }]> = [
    ['HamiltonianNN [16] on features, AdvancedSymplectic', xf, d, { hidden: [16], optimizer: 'advanced-symplectic' }],
    ['HamiltonianNN [16] on features, Adam', xf, d, { hidden: [16], optimizer: 'adam', lr: 3e-3 }],
    ['logistic regression on features', xf, d, { hidden: [], optimizer: 'adam', lr: 1e-2 }],
    ['HamiltonianNN [32] on raw embeddings, AdvancedSymplectic', xe, de, { hidden: [32], optimizer: 'advanced-symplectic' }],
    ['HamiltonianNN [32] on raw embeddings, Adam', xe, de, { hidden: [32], optimizer: 'adam', lr: 1e-3 }],
    ['logistic regression on raw embeddings', xe, de, { hidden: [], optimizer: 'adam', lr: 1e-2 }],
  ];
  const models: ModelResult[] = [];
  let foldQids: string[][] = [];
  for (const [name, x, dim, o] of runs) {
    const r = await groupedCrossValidation(x, dim, y, groups, { ...cv, ...o });
    foldQids = r.foldQids;
    models.push({ name, ...scores(y, r.oof) });
  }
  const base = y.reduce((s, v) => s + v, 0) / y.length;
  models.push({ name: 'majority class ("always invalid")', auc: 0.5, prAuc: base, f1: 0, accuracy: 1 - base });
  return {
    embedder: embedder.name,
    chains: chains.length,
    valid: y.reduce((s, v) => s + v, 0),
    questions: new Set(groups).size,
    folds: cv.folds,
    features,
    table,
    models,
    foldQids,
  };
}
