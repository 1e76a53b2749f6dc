import { UsageError } from '../core/errors.js';
import { ScoringError } from '../data/errors.js';

/**
 * Throws a `ScoringError` unless `record` is a plain object and — when `strict` — has every feature as an own
 * property; the error lists the absent features and the unknown keys (the target column is not unknown), so a typo
 * is visible. `index` names the record in a batch. Shared by the edge scorer and the GPU scorer.
 * @example
 * checkRecord({ Income: 129 }, ['Income', 'Home'], 'Status', true); // throws: missing 1 of 2 features: 'Home'
 */
export function checkRecord(record: unknown, features: readonly string[], target: string, strict: boolean, index?: number): void {
  const where = index === undefined ? {} : { record: index };
  if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof Map || ArrayBuffer.isView(record)) {
    const got = record === null ? 'null' : Array.isArray(record) ? 'an array' : record instanceof Map ? 'a Map' : typeof record;
    throw new ScoringError(`a record must be an object mapping column names to values, got ${got}`, where);
  }
  if (!strict) return;
  let present = 0;
  while (present < features.length && Object.hasOwn(record, features[present])) present++;
  if (present === features.length) return; // the usual case, without an array per record
  const absent = features.filter((f) => !Object.hasOwn(record, f));
  const known = new Set([...features, target]);
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  const list = (names: string[]) => names.map((n) => `'${n}'`).join(', ');
  throw new ScoringError(
    `missing ${absent.length} of ${features.length} features: ${list(absent)}${unknown.length ? `; unknown keys: ${list(unknown)}` : ''} (pass null for a missing value, or load the scorer with { strict: false })`,
    where,
  );
}

/**
 * `checkRecord` for every entry of a batch, named by its index — a hole in a sparse array too (it is no record:
 * `forEach` would skip it, and it was once scored as a row of zeros). Shared by the edge scorer and the GPU scorer.
 * @example
 * checkRecords([{ Income: 129, Home: 'rent' }, , { Income: 80, Home: 'own' }], ['Income', 'Home'], 'Status', true); // throws: record 1
 */
export function checkRecords(records: readonly unknown[], features: readonly string[], target: string, strict: boolean): void {
  for (let i = 0; i < records.length; i++) checkRecord(records[i], features, target, strict, i);
}

/**
 * Why no decision is made for a score that is not a probability; `on` names where it was computed (' on the GPU').
 * @example
 * noProbability(NaN); // 'the model gave no probability in [0, 1] (got NaN); no decision is made'
 */
export function noProbability(p: number, on = ''): string {
  return `the model gave no probability in [0, 1]${on} (got ${p}); no decision is made`;
}

/**
 * The last line of defence: every probability a decision is made from is finite and in [0, 1], or a `ScoringError`
 * names the record (or encoded row) — never a decision without a probability. Shared by the edge and GPU scorers.
 * @example
 * checkProbabilities(scores, records.length, 'record');
 */
export function checkProbabilities(p: Float32Array, n: number, what: 'record' | 'row', on = ''): Float32Array {
  for (let i = 0; i < n; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      const message = noProbability(p[i], on);
      throw what === 'record' ? new ScoringError(message, { record: i }) : new ScoringError(`row ${i}: ${message}`);
    }
  }
  return p;
}

/**
 * Throws a `UsageError` naming `name` unless `n` is an integer ≥ 0: a count of rows or of reasons (a fraction or a
 * negative one once gave tables of nonsense counts, and NaN an empty answer instead of an error).
 * @example
 * checkCount('rows', 1.5); // throws: rows must be an integer ≥ 0, got 1.5
 */
export function checkCount(name: string, n: number): void {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new UsageError(`${name} must be an integer ≥ 0, got ${n}`);
}
