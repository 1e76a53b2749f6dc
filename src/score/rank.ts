import { pointsWith, type ScalingFactors } from '../metrics/scorecard.js';
import { checkCount } from './records.js';

/**
 * Reason codes of many records in typed arrays (what `Scorer.reasonTable` fills, no object per reason): record r's
 * codes are entries r·k … r·k + count[r] − 1 of `feature` (a feature's index in `Scorer.features`), `contribution`
 * and `points`; count[r] = −1 for a record without reasons (a probability not in [0, 1]).
 */
export interface ReasonTable {
  feature: Int32Array;
  contribution: Float64Array;
  points: Float64Array;
  count: Int32Array;
  /**
   * Each record's own probability, calibrated, not checked (the record is scored as a copy with no change), so
   * `score --reasons` needs no second forward pass. The network's batch pass gives the same bits through the same
   * kernels (a row's bits do not depend on the rows beside it).
   */
  probability: Float32Array;
}

/** A reason code without the record's value (what `Scorer.reasonsEncoded` returns per record). */
export interface RankedReason {
  feature: string;
  contribution: number;
  /** Points the value costs (see `Reason.points`). */
  points: number;
}

/**
 * A table's reasons a record for `k` asked of a model with `features` features: k itself (an integer ≥ 0, else a
 * `UsageError`), or `features` where that is fewer — a record has at most one reason a feature, so the answer is the
 * same (and a huge k allocates no huge table).
 * @example
 * reasonStride(1e9, 22); // 22
 */
export function reasonStride(k: number, features: number): number {
  checkCount('k', k);
  return Math.min(k, features);
}

/**
 * Whether `table` holds `rows` records of up to `k` reasons (what `Scorer.reasonTable` writes into).
 * @example
 * tableHolds(reasonTable(4096, 3), 4096, 3); // true
 */
export function tableHolds(table: ReasonTable, rows: number, k: number): boolean {
  return table.count.length >= rows && table.probability.length >= rows && table.feature.length >= rows * k;
}

/**
 * A table for `rows` records of up to `k` reasons.
 * @example
 * const table = reasonTable(4096, 3);
 */
export function reasonTable(rows: number, k: number): ReasonTable {
  return {
    feature: new Int32Array(rows * k),
    contribution: new Float64Array(rows * k),
    points: new Float64Array(rows * k),
    count: new Int32Array(rows),
    probability: new Float32Array(rows),
  };
}

/**
 * Writes a record's reasons from `Ops.rankOccluded`'s ranking — its k + 2 values at ranked[at]: the record's row, its
 * count (−1: a probability not in [0, 1]), the rows of its best copies — into the table at entry `entry`: each copy's
 * feature (its row's group), its contribution p[record] − p[copy], and the points it costs: the typical copy's points
 * minus the record's, by the scaling's factors (`scalingFactors`; two logarithms each, only for the ones kept).
 * Returns the count.
 * @example
 * // a record at 0.3, its copies with features 4 and 7 at their typical values at 0.1 and 0.25, ranked
 * fillReasons(table, 0, Float32Array.of(0, 2, 1, 2), 0, Float32Array.of(0.3, 0.1, 0.25), Float32Array.of(-1, 4, 7), factors); // 2: 4, then 7
 */
export function fillReasons(
  table: ReasonTable,
  entry: number,
  ranked: Float32Array,
  at: number,
  p: Float32Array,
  groups: Float32Array,
  scaling: ScalingFactors,
): number {
  const n = ranked[at + 1];
  if (n <= 0) return n;
  const own = p[ranked[at]];
  const ownPoints = pointsWith(own, scaling);
  for (let i = 0; i < n; i++) {
    const row = ranked[at + 2 + i],
      c = own - p[row];
    table.feature[entry + i] = groups[row];
    table.contribution[entry + i] = c;
    table.points[entry + i] = pointsWith(own - c, scaling) - ownPoints;
  }
  return n;
}
