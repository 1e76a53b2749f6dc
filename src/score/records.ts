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
  const absent = features.filter((f) => !Object.hasOwn(record, f));
  if (absent.length === 0) return;
  const known = new Set([...features, target]);
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  const list = (names: string[]) => names.map((n) => `'${n}'`).join(', ');
  throw new ScoringError(
    `missing ${absent.length} of ${features.length} features: ${list(absent)}${unknown.length ? `; unknown keys: ${list(unknown)}` : ''} (pass null for a missing value, or load the scorer with { strict: false })`,
    where,
  );
}
