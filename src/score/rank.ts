import { exactPoints, type ScorecardScaling } from '../metrics/scorecard.js';

/** Marks an occluded copy that was not scored (its feature is at its typical value already): not a probability. */
export const NOT_SCORED = -1;

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
}

/**
 * A table for `rows` records of up to `k` reasons.
 * @example
 * const table = reasonTable(4096, 3);
 */
export function reasonTable(rows: number, k: number): ReasonTable {
  return { feature: new Int32Array(rows * k), contribution: new Float64Array(rows * k), points: new Float64Array(rows * k), count: new Int32Array(rows) };
}

/**
 * Writes the top `k` features by positive contribution p[0] − p[f + 1] into the table at entry `at` (features not
 * scored, at their typical value, are none), largest first, on ties the earlier feature first; returns how many.
 * Points only for the ones kept (two logarithms each): the typical copy's points minus the record's.
 * @example
 * const n = rankInto(table, 0, probabilities, 3, DEFAULT_SCALING);
 */
export function rankInto(table: ReasonTable, at: number, p: Float32Array, k: number, scaling: ScorecardScaling): number {
  const { feature, contribution: contributions } = table;
  let n = 0;
  for (let f = 0; f + 1 < p.length && k > 0; f++) {
    if (p[f + 1] === NOT_SCORED) continue;
    const c = p[0] - p[f + 1];
    if (!(c > 0) || (n === k && c <= contributions[at + k - 1])) continue;
    if (n < k) n++;
    let i = n - 1; // the last slot is free (or held the smallest, now dropped): shift the smaller ones down
    while (i > 0 && contributions[at + i - 1] < c) {
      contributions[at + i] = contributions[at + i - 1];
      feature[at + i] = feature[at + i - 1];
      i--;
    }
    contributions[at + i] = c;
    feature[at + i] = f;
  }
  const own = exactPoints(p[0], scaling);
  for (let i = 0; i < n; i++) table.points[at + i] = exactPoints(p[0] - contributions[at + i], scaling) - own;
  return n;
}
