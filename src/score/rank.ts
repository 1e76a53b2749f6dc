import { pointsWith, type ScalingFactors } from '../metrics/scorecard.js';

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
 * Writes the top `k` features by positive contribution p[from] − p[r] into the table at entry `at`: p[from] is the
 * record's probability, p[r] for from < r < to its copies', copy r with feature features[r] at its typical value
 * (features without a copy are at theirs already: none). Largest first, on ties the lower feature first; returns how
 * many, or −1 when a value is not a probability in [0, 1] (no reasons without probabilities). Points only for the ones
 * kept (two logarithms each): the typical copy's points minus the record's, by the scaling's factors (`scalingFactors`).
 * @example
 * // a record at 0.3, its copies with features 4 and 7 at their typical values at 0.1 and 0.25
 * rankInto(table, 0, Float32Array.of(0.3, 0.1, 0.25), [-1, 4, 7], 0, 3, 2, scalingFactors(DEFAULT_SCALING)); // 2: 4, then 7
 */
export function rankInto(
  table: ReasonTable,
  at: number,
  p: Float32Array,
  features: ArrayLike<number>,
  from: number,
  to: number,
  k: number,
  scaling: ScalingFactors,
): number {
  const { feature, contribution: contributions } = table;
  const own = p[from];
  if (!(own >= 0 && own <= 1)) return -1;
  let n = 0;
  for (let r = from + 1; r < to; r++) {
    const q = p[r],
      f = features[r];
    if (!(q >= 0 && q <= 1)) return -1;
    const c = own - q;
    const last = at + k - 1;
    if (!(c > 0) || k === 0 || (n === k && !ranksBefore(c, f, contributions[last], feature[last]))) continue;
    if (n < k) n++;
    let i = n - 1; // the last slot is free (or held the smallest, now dropped): shift the ones it ranks before down
    while (i > 0 && ranksBefore(c, f, contributions[at + i - 1], feature[at + i - 1])) {
      contributions[at + i] = contributions[at + i - 1];
      feature[at + i] = feature[at + i - 1];
      i--;
    }
    contributions[at + i] = c;
    feature[at + i] = f;
  }
  const ownPoints = pointsWith(own, scaling);
  for (let i = 0; i < n; i++) table.points[at + i] = pointsWith(own - contributions[at + i], scaling) - ownPoints;
  return n;
}

/** Whether contribution c of feature f ranks before contribution c2 of feature f2: larger first, then the lower feature. */
function ranksBefore(c: number, f: number, c2: number, f2: number): boolean {
  return c > c2 || (c === c2 && f < f2);
}
