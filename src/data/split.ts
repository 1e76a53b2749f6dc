import { UsageError } from '../core/errors.js';
import { type Rng, toRng } from '../core/rng.js';
import { DataError } from './errors.js';

/** Row indices of the two parts. */
export interface Split {
  train: Uint32Array;
  test: Uint32Array;
}

/** Options of `trainTestSplit`. */
export interface SplitOptions {
  /** Fraction (0 < f < 1) or count of rows for the test part; default 0.2. */
  testSize?: number;
  /** Keep each class's share in both parts (default true when labels are given). */
  stratify?: boolean;
  seed?: number | Rng;
}

function testCount(n: number, testSize: number): number {
  if (testSize > 0 && testSize < 1) return Math.ceil(testSize * n); // scikit-learn rounds the test part up
  if (Number.isInteger(testSize) && testSize >= 1 && testSize < n) return testSize;
  throw new UsageError(`testSize must be a fraction in (0, 1) or a row count in [1, ${n - 1}], got ${testSize}`);
}

/** Each class's rows, in row order, classes ascending (typed arrays: a million rows without a million-element JS array). */
function groupByClass(labels: ArrayLike<number>): Map<number, Uint32Array> {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const byClass = new Map([...counts.keys()].sort((a, b) => a - b).map((c) => [c, new Uint32Array(counts.get(c)!)]));
  const filled = new Map([...counts.keys()].map((c) => [c, 0]));
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    const k = filled.get(c)!;
    byClass.get(c)![k] = i;
    filled.set(c, k + 1);
  }
  return byClass;
}

/** The rows of 0…n−1 marked and unmarked in `inTest`, each in increasing order. */
function partsOf(inTest: Uint8Array): Split {
  let nTest = 0;
  for (let i = 0; i < inTest.length; i++) nTest += inTest[i];
  const test = new Uint32Array(nTest);
  const train = new Uint32Array(inTest.length - nTest);
  for (let i = 0, a = 0, b = 0; i < inTest.length; i++) {
    if (inTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/** The k folds of rows assigned by `foldOf` (a fold's rows test, the others train), each part in increasing order. */
function foldsOf(foldOf: Int32Array, k: number): Split[] {
  const inTest = new Uint8Array(foldOf.length);
  return Array.from({ length: k }, (_, f) => {
    for (let i = 0; i < foldOf.length; i++) inTest[i] = foldOf[i] === f ? 1 : 0;
    return partsOf(inTest);
  });
}

/**
 * Splits row indices 0..n−1 into train and test parts, seeded. With labels and `stratify` (the default),
 * each class contributes in proportion (largest-remainder rounding, so every class's share is kept
 * within one row); `stratify: false` is the original's plain random split.
 * @param labelsOrCount class labels per row, or just the number of rows.
 * @example
 * const { train, test } = trainTestSplit(y, { testSize: 0.2, seed: 42 });
 */
export function trainTestSplit(labelsOrCount: ArrayLike<number> | number, options: SplitOptions = {}): Split {
  const rng = toRng(options.seed);
  const labels = typeof labelsOrCount === 'number' ? null : labelsOrCount;
  const n = labels ? labels.length : (labelsOrCount as number);
  if (!Number.isInteger(n) || n < 2) throw new UsageError(`trainTestSplit needs at least 2 rows, got ${n}`);
  const nTest = testCount(n, options.testSize ?? 0.2);
  const stratify = options.stratify ?? labels !== null;
  if (stratify && !labels) throw new UsageError('stratify needs labels');
  if (!stratify) {
    const perm = rng.permutation(n);
    const inTest = new Uint8Array(n);
    for (let k = 0; k < nTest; k++) inTest[perm[k]] = 1;
    return partsOf(inTest);
  }
  const byClass = groupByClass(labels!);
  for (const [c, rows] of byClass) {
    if (rows.length < 2) throw new DataError(`class ${c} has ${rows.length} row; a stratified split needs at least 2 per class (or stratify: false)`);
  }
  // Largest-remainder allocation of the test rows among classes.
  const classes = [...byClass.keys()];
  const exact = classes.map((c) => (nTest * byClass.get(c)!.length) / n);
  const alloc = exact.map(Math.floor);
  let left = nTest - alloc.reduce((a, b) => a + b, 0);
  const order = classes.map((_, i) => i).sort((a, b) => exact[b] - alloc[b] - (exact[a] - alloc[a]) || a - b);
  for (const i of order) {
    if (left === 0) break;
    alloc[i]++;
    left--;
  }
  // Each class's first alloc rows after its shuffle go to the test part; both parts come back in row order.
  const inTest = new Uint8Array(n);
  classes.forEach((c, i) => {
    const rows = rng.shuffle(byClass.get(c)!);
    for (let k = 0; k < alloc[i]; k++) inTest[rows[k]] = 1;
  });
  return partsOf(inTest);
}

/**
 * K folds over n rows (optionally shuffled, seeded): fold sizes differ by at most one, and each row is
 * in exactly one test fold.
 * @example
 * for (const { train, test } of kFold(100, 5, { seed: 1 })) { … }
 */
export function kFold(n: number, k: number, options: { shuffle?: boolean; seed?: number | Rng } = {}): Split[] {
  // A row count that is not a whole number (NaN passes `k > n`) would deal out rows that do not exist.
  if (!Number.isInteger(n) || n < 2) throw new UsageError(`kFold needs a whole number of at least 2 rows, got ${n}`);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new UsageError(`kFold: k must be an integer in [2, ${n}], got ${k}`);
  const idx = (options.shuffle ?? true) ? toRng(options.seed).permutation(n) : Uint32Array.from({ length: n }, (_, i) => i);
  const foldOf = new Int32Array(n);
  for (let f = 0, start = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let j = start; j < start + size; j++) foldOf[idx[j]] = f;
    start += size;
  }
  return foldsOf(foldOf, k);
}

/**
 * Stratified K folds: each class's rows are dealt round-robin (after a seeded shuffle) over the folds,
 * so every fold keeps the class ratio within one row per class.
 * @example
 * const folds = stratifiedKFold(y, 5, { seed: 7 });
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, options: { seed?: number | Rng } = {}): Split[] {
  const n = labels.length;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new UsageError(`stratifiedKFold: k must be an integer in [2, ${n}], got ${k}`);
  const rng = toRng(options.seed);
  const foldOf = new Int32Array(n);
  let offset = 0;
  for (const rows of groupByClass(labels).values()) {
    rng.shuffle(rows);
    rows.forEach((r, i) => (foldOf[r] = (i + offset) % k));
    offset += rows.length; // continue dealing where the last class stopped, to balance fold sizes
  }
  return foldsOf(foldOf, k);
}

/**
 * Group K folds: rows sharing a group (a question id, a customer) never sit in train and test at once.
 * Groups are shuffled (seeded) and assigned greedily to the currently smallest fold.
 * @example
 * const folds = groupKFold(qids, 5, { seed: 1 });
 */
export function groupKFold(groups: ArrayLike<string | number>, k: number, options: { seed?: number | Rng } = {}): Split[] {
  const byGroup = new Map<string | number, number[]>();
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g)!.push(i);
  }
  if (!Number.isInteger(k) || k < 2 || k > byGroup.size)
    throw new UsageError(`groupKFold: k must be an integer in [2, ${byGroup.size}] (the number of groups), got ${k}`);
  const keys = toRng(options.seed).shuffle([...byGroup.keys()]);
  keys.sort((a, b) => byGroup.get(b)!.length - byGroup.get(a)!.length); // stable: big groups first
  const sizes = new Array(k).fill(0);
  const foldOf = new Int32Array(groups.length);
  for (const key of keys) {
    let f = 0;
    for (let j = 1; j < k; j++) if (sizes[j] < sizes[f]) f = j;
    for (const r of byGroup.get(key)!) foldOf[r] = f;
    sizes[f] += byGroup.get(key)!.length;
  }
  return foldsOf(foldOf, k);
}

/**
 * Turns a period value into a sortable number: plain numbers, ISO dates (2016-03-01, 2016-03), or Mon-YYYY.
 * @example
 * parsePeriod('2016-03') < parsePeriod('Apr-2016'); // true
 */
export function parsePeriod(value: string): number {
  const s = value.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(s)) return Number(s);
  let m = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ].*)?$/.exec(s);
  if (m) return Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1);
  m = /^([A-Za-z]{3})[- ](\d{4})$/.exec(s);
  if (m) {
    const month = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(m[1].toLowerCase());
    if (month >= 0) return Date.UTC(+m[2], month, 1);
  }
  return NaN;
}

/**
 * Out-of-time split: rows whose period is before `from` train, rows from `from` on test — the honest
 * validation for credit scoring. Periods are numbers, ISO dates/months or Mon-YYYY.
 * @param lines optional source line per row, for error messages.
 * @example
 * const { train, test } = outOfTimeSplit(['2015-01', '2015-06', '2016-01'], '2016-01'); // train [0, 1], test [2]
 */
export function outOfTimeSplit(periods: readonly string[], from: string, lines?: ArrayLike<number>, column = 'period'): Split {
  const cut = parsePeriod(from);
  if (Number.isNaN(cut)) throw new UsageError(`out-of-time split: cannot read '${from}' as a number, date (YYYY-MM-DD, YYYY-MM) or Mon-YYYY`);
  const train: number[] = [];
  const test: number[] = [];
  periods.forEach((p, i) => {
    const t = parsePeriod(p ?? '');
    if (Number.isNaN(t)) throw new DataError(`cannot read '${p}' as a period`, { line: lines?.[i], column });
    (t < cut ? train : test).push(i);
  });
  if (train.length === 0) throw new DataError(`out-of-time split: no rows before '${from}'`, { column });
  if (test.length === 0) throw new DataError(`out-of-time split: no rows from '${from}' on`, { column });
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

/**
 * Forward-chaining folds over time: the distinct periods, in order, are cut into k + 1 consecutive blocks of about
 * equal row counts; fold f trains on blocks 0…f and tests on block f + 1 — never on the past of what it trained on.
 * @example
 * forwardChainingFolds(rows.map((r) => r[issueDate]), 4); // 4 folds, each testing on a later period
 */
export function forwardChainingFolds(periods: readonly string[], k: number, lines?: ArrayLike<number>, column = 'period'): Split[] {
  const times = periods.map((p, i) => {
    const t = parsePeriod(p ?? '');
    if (Number.isNaN(t)) throw new DataError(`cannot read '${p}' as a period`, { line: lines?.[i], column });
    return t;
  });
  const distinct = [...new Set(times)].sort((a, b) => a - b);
  if (!Number.isInteger(k) || k < 1 || k + 1 > distinct.length)
    throw new UsageError(`forward-chaining folds: k must be an integer in [1, ${distinct.length - 1}] (periods − 1), got ${k}`);
  // Block of each period: where the rows before it fall when the total is cut into k + 1 equal parts. Blocks never
  // decrease with time; one very large period can leave a block empty (then fewer folds are needed, and said).
  const count = new Map<number, number>();
  for (const t of times) count.set(t, (count.get(t) ?? 0) + 1);
  const blockOf = new Map<number, number>();
  let before = 0;
  for (const t of distinct) {
    blockOf.set(t, Math.floor((before * (k + 1)) / times.length));
    before += count.get(t)!;
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [],
      test: number[] = [];
    times.forEach((t, i) => {
      const b = blockOf.get(t)!;
      if (b <= f) train.push(i);
      else if (b === f + 1) test.push(i);
    });
    if (!train.length || !test.length)
      throw new UsageError(`forward-chaining fold ${f + 1} has no ${train.length ? 'test' : 'training'} rows: use fewer folds`);
    return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
  });
}
