import { describe, isPlainObject } from '../data/preprocessor-state.js';
import { ModelFormatError } from './safetensors.js';
import type { Calibration } from '../metrics/calibration-map.js';
import { scalingProblem, type ScorecardScaling } from '../metrics/scorecard.js';

/** Points an isotonic map may have (one per distinct validation score at most; bounds what a file can make us hold). */
const MAX_ISOTONIC_POINTS = 100_000;

/**
 * Checks a stored calibration against its schema (`ModelFormatError` naming the field): finite Platt coefficients; an
 * isotonic map of 2…MAX_ISOTONIC_POINTS points, x increasing, both in [0, 1], y non-decreasing.
 * @example
 * checkCalibration(JSON.parse(metadata.calibration));
 */
export function checkCalibration(value: unknown): asserts value is Calibration {
  const fail = (field: string, m: string): never => {
    throw new ModelFormatError(`__metadata__.calibration${field} ${m}`);
  };
  if (!isPlainObject(value)) fail('', `must be an object, got ${describe(value)}`);
  const c = value as Record<string, unknown>;
  if (c.method === 'platt') {
    for (const k of ['a', 'b']) if (!Number.isFinite(c[k])) fail(`.${k}`, `must be a finite number, got ${describe(c[k])}`);
  } else if (c.method === 'isotonic') {
    const { x, y } = c;
    const unit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
    if (!Array.isArray(x) || x.length < 2 || x.length > MAX_ISOTONIC_POINTS || !x.every((v, i) => unit(v) && (i === 0 || v > x[i - 1]))) {
      fail('.x', `must be 2 to ${MAX_ISOTONIC_POINTS} increasing numbers in [0, 1], got ${describe(x)}`);
    }
    if (!Array.isArray(y) || y.length !== (x as number[]).length || !y.every((v, i) => unit(v) && (i === 0 || v >= y[i - 1]))) {
      fail('.y', `must be ${(x as number[]).length} non-decreasing numbers in [0, 1], got ${describe(y)}`);
    }
  } else fail('.method', `must be 'platt' or 'isotonic', got ${describe(c.method)}`);
}

/**
 * Checks a stored scorecard scaling (`ModelFormatError` naming the field): { pdo > 0, baseScore, baseOdds > 0 }, finite.
 * @example
 * checkScorecard(JSON.parse(metadata.scorecard));
 */
export function checkScorecard(value: unknown): asserts value is ScorecardScaling {
  const problem = scalingProblem(value);
  if (problem) throw new ModelFormatError(`__metadata__.scorecard${problem.startsWith('.') ? '' : ' '}${problem}`);
}
