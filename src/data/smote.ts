import { UsageError } from '../core/errors.js';
import { type Rng, toRng } from '../core/rng.js';
import { DataError } from './errors.js';

/** Options of `smote`. */
export interface SmoteOptions {
  /** Nearest minority neighbours considered; default 5 (imbalanced-learn's k_neighbors). */
  k?: number;
  /**
   * 'auto' (default): oversample every minority class up to the majority count. A number r in (0, 1]:
   * for binary data, oversample the minority class until minority/majority = r (imbalanced-learn's
   * float `sampling_strategy`).
   */
  samplingStrategy?: 'auto' | number;
  seed?: number | Rng;
}

/** The oversampled data and, for audits, where each synthetic row came from. */
export interface SmoteResult {
  /** The original rows followed by the synthetic ones. */
  x: Float32Array;
  y: Uint8Array;
  rows: number;
  cols: number;
  /** How many rows were added. */
  synthetic: number;
  /** For each synthetic row: the minority sample and the neighbour it was drawn between (for audits and tests). */
  origins: Array<{ from: number; to: number; u: number }>;
}

/**
 * SMOTE (Chawla, Bowyer, Hall & Kegelmeyer, JAIR 16, 2002) with imbalanced-learn's semantics: for each
 * synthetic point a (minority sample, one of its k nearest minority neighbours) pair is drawn uniformly,
 * and the point is x + u·(neighbour − x) with u uniform in [0, 1). Euclidean distance on the features as
 * given (scale them first). Exact neighbours by brute force: O(m²·d) for m minority rows.
 * @example
 * const balanced = smote(train.x, train.y, train.rows, train.cols, { seed: 42 });
 */
export function smote(x: Float32Array, y: ArrayLike<number>, rows: number, cols: number, options: SmoteOptions = {}): SmoteResult {
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`SMOTE: k must be a positive integer, got ${k}`);
  const rng = toRng(options.seed);
  const counts = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    if (!counts.has(y[i])) counts.set(y[i], []);
    counts.get(y[i])!.push(i);
  }
  if (counts.size < 2) throw new DataError(`SMOTE needs at least two classes; all ${rows} rows are class ${y[0]}`);
  const classes = [...counts.keys()].sort((a, b) => a - b);
  let majority = classes[0];
  for (const c of classes) if (counts.get(c)!.length > counts.get(majority)!.length) majority = c;
  const nMajor = counts.get(majority)!.length;

  const strategy = options.samplingStrategy ?? 'auto';
  const wanted = new Map<number, number>();
  if (strategy === 'auto') {
    for (const c of classes) if (c !== majority) wanted.set(c, nMajor - counts.get(c)!.length);
  } else {
    if (!(typeof strategy === 'number' && strategy > 0 && strategy <= 1))
      throw new UsageError(`SMOTE: samplingStrategy must be 'auto' or a ratio in (0, 1], got ${strategy}`);
    if (classes.length !== 2) throw new UsageError('SMOTE: a ratio samplingStrategy applies to binary data only');
    const minority = classes.find((c) => c !== majority)!;
    const target = Math.floor(strategy * nMajor);
    const have = counts.get(minority)!.length;
    if (target < have) throw new UsageError(`SMOTE: samplingStrategy ${strategy} asks for ${target} minority rows but there are already ${have}`);
    wanted.set(minority, target - have);
  }

  const total = [...wanted.values()].reduce((a, b) => a + b, 0);
  const outRows = rows + total;
  const outX = new Float32Array(outRows * cols);
  outX.set(x.subarray(0, rows * cols));
  const outY = new Uint8Array(outRows);
  for (let i = 0; i < rows; i++) outY[i] = y[i];
  const origins: SmoteResult['origins'] = [];
  let next = rows;
  for (const c of classes) {
    const n = wanted.get(c) ?? 0;
    if (n === 0) continue;
    const members = counts.get(c)!;
    const m = members.length;
    if (m <= k) throw new DataError(`SMOTE: class ${c} has ${m} samples in the training part, it needs more than k = ${k} (lower k, or train without SMOTE)`);
    // k nearest minority neighbours of each minority sample (excluding itself).
    const nn = new Int32Array(m * k);
    const bestD = new Float64Array(k);
    for (let a = 0; a < m; a++) {
      bestD.fill(Infinity);
      const ra = members[a] * cols;
      for (let b = 0; b < m; b++) {
        if (b === a) continue;
        const rb = members[b] * cols;
        let d = 0;
        for (let j = 0; j < cols; j++) {
          const t = x[ra + j] - x[rb + j];
          d += t * t;
        }
        if (d >= bestD[k - 1]) continue;
        let pos = k - 1;
        while (pos > 0 && bestD[pos - 1] > d) {
          bestD[pos] = bestD[pos - 1];
          nn[a * k + pos] = nn[a * k + pos - 1];
          pos--;
        }
        bestD[pos] = d;
        nn[a * k + pos] = b;
      }
    }
    for (let s = 0; s < n; s++) {
      const pick = rng.int(m * k);
      const a = Math.floor(pick / k);
      const b = nn[pick];
      const u = rng.float();
      const ra = members[a] * cols,
        rb = members[b] * cols,
        ro = next * cols;
      for (let j = 0; j < cols; j++) outX[ro + j] = x[ra + j] + u * (x[rb + j] - x[ra + j]);
      outY[next] = c;
      origins.push({ from: members[a], to: members[b], u });
      next++;
    }
  }
  return { x: outX, y: outY, rows: outRows, cols, synthetic: total, origins };
}
