import { describe, isPlainObject } from '../data/preprocessor-state.js';
import { ModelFormatError } from './safetensors.js';
import type { CharacteristicReference } from '../metrics/characteristics.js';
import type { Cutoff } from '../metrics/cutoff.js';

/** What the model file records about the training run (for auditors and for PSI). */
export interface TrainingRecord {
  seed?: number;
  backend?: string;
  optimizer?: Record<string, unknown>;
  epochs?: number;
  batchSize?: number;
  /** SHA-256 of the training data file (hex). */
  dataSha256?: string;
  dataFile?: string;
  rows?: { train: number; test: number };
  metrics?: Record<string, number>;
  /** The decision threshold the model was evaluated with (the scorer's and `score`'s default). */
  threshold?: number;
  /**
   * PSI's reference: the score distribution of `sample` (the training part's scores since 0.2; the held-out part's
   * before, when `sample` is absent) as quantile edges and shares.
   */
  scoreDistribution?: { edges: number[]; shares: number[]; sample?: string };
  history?: Array<{ epoch: number; loss: number; energy: number; valAuc?: number }>;
  /** Features the scorer never gives as reason codes (train --protected). */
  protected?: string[];
  /** Each feature's training-part distribution: characteristic PSI's reference (evaluate). */
  characteristics?: CharacteristicReference[];
  /** How the threshold was chosen (train --cutoff) and what it did on the rows it was chosen on. */
  cutoff?: Cutoff;
  [key: string]: unknown;
}

/** Bins a stored score distribution may have (the library writes 10; a categorical feature one per category, ≤ 200 by default). */
const MAX_DISTRIBUTION_BINS = 100_000;
/** Features a stored characteristic list may describe. */
const MAX_CHARACTERISTICS = 100_000;

/** Checks a stored { edges, shares } distribution (PSI's reference): increasing finite edges, one more share in [0, 1]. */
function checkDistribution(d: unknown, field: string, fail: (field: string, m: string) => never): void {
  if (!isPlainObject(d)) fail(field, `must be { edges, shares }, got ${describe(d)}`);
  const { edges, shares } = d as { edges: number[]; shares: unknown };
  if (!Array.isArray(edges) || edges.length > MAX_DISTRIBUTION_BINS || !edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1]))) {
    fail(`${field}.edges`, `must be at most ${MAX_DISTRIBUTION_BINS} finite, increasing numbers, got ${describe(edges)}`);
  }
  if (!Array.isArray(shares) || shares.length !== edges.length + 1 || !shares.every((s) => typeof s === 'number' && s >= 0 && s <= 1)) {
    fail(`${field}.shares`, `must be ${edges.length + 1} shares in [0, 1] (one more than the edges), got ${describe(shares)}`);
  }
}

/**
 * Checks the fields of a stored training record that the library reads (the threshold, the score distribution PSI
 * is computed against, rows, metrics, history); other fields are the auditor's and are kept as they are. Errors are
 * `ModelFormatError`s naming the field, raised at load — before `evaluate` or the scorer use any of it.
 * @example
 * checkTrainingRecord(JSON.parse(metadata.training)); // throws ModelFormatError('__metadata__.training.threshold …')
 */
export function checkTrainingRecord(record: unknown): asserts record is TrainingRecord {
  const fail = (field: string, m: string): never => {
    throw new ModelFormatError(`__metadata__.training${field} ${m}`);
  };
  if (!isPlainObject(record)) fail('', `must be an object, got ${describe(record)}`);
  const r = record as Record<string, unknown>;
  const optional = (key: string, ok: (v: unknown) => boolean, what: string) => {
    if (Object.hasOwn(r, key) && !ok(r[key])) fail(`.${key}`, `must be ${what}, got ${describe(r[key])}`);
  };
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  optional('seed', Number.isSafeInteger, 'an integer');
  optional('epochs', count, 'a non-negative integer');
  optional('batchSize', count, 'a non-negative integer');
  optional('backend', (v) => typeof v === 'string', 'a string');
  optional('dataFile', (v) => typeof v === 'string', 'a string');
  optional('dataSha256', (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), 'a SHA-256 in hex');
  optional('threshold', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number in [0, 1]');
  optional('optimizer', isPlainObject, 'an object');
  optional('protected', (v) => Array.isArray(v) && v.length <= 10_000 && v.every((f) => typeof f === 'string'), 'an array of feature names');
  optional('rows', (v) => isPlainObject(v) && Object.values(v).every(count), 'an object of row counts');
  // Metrics may be null: JSON writes an undefined metric (NaN: one class only in the held-out part) as null.
  optional('metrics', (v) => isPlainObject(v) && Object.values(v).every((m) => m === null || Number.isFinite(m)), 'an object of numbers');
  optional(
    'history',
    (v) =>
      Array.isArray(v) &&
      v.every((e) => isPlainObject(e) && Number.isSafeInteger(e.epoch) && Object.values(e).every((m) => m === null || typeof m === 'number')),
    'an array of { epoch, loss, energy, valAuc? }',
  );
  if (Object.hasOwn(r, 'scoreDistribution')) checkDistribution(r.scoreDistribution, '.scoreDistribution', fail);
  if (Object.hasOwn(r, 'characteristics')) {
    const list = r.characteristics;
    if (!Array.isArray(list) || list.length > MAX_CHARACTERISTICS)
      fail('.characteristics', `must be an array of at most ${MAX_CHARACTERISTICS} entries, got ${describe(list)}`);
    (list as unknown[]).forEach((c, i) => {
      if (!isPlainObject(c) || typeof c.feature !== 'string') fail(`.characteristics[${i}]`, `must be { feature, edges, shares }, got ${describe(c)}`);
      checkDistribution(c, `.characteristics[${i}]`, fail);
    });
  }
  if (Object.hasOwn(r, 'cutoff')) {
    const c = r.cutoff as Record<string, unknown>;
    if (!isPlainObject(c) || !['threshold', 'approval', 'cost'].includes((c.rule as { rule?: unknown } | undefined)?.rule as string))
      fail('.cutoff', `must be { rule: { rule: 'threshold' | 'approval' | 'cost', … }, … }, got ${describe(c)}`);
  }
}
