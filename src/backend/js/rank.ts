/**
 * Reason codes' ranking (see `Ops.rankOccluded`): per record, the copies whose probability is furthest below its own.
 * @example
 * // one record at 0.3, its copies (groups 4 and 7) at 0.1 and 0.25: ranked = [0, 2, 1, 2]
 * rankOccluded(ranked, Float32Array.of(0.3, 0.1, 0.25), Float32Array.of(-1, 4, 7), 3, 2);
 */
export function rankOccluded(ranked: Float32Array, p: Float32Array, group: Float32Array, rows: number, k: number): number {
  let records = 0;
  for (let from = 0; from < rows; records++) {
    const at = records * (k + 2),
      own = p[from];
    let n = own >= 0 && own <= 1 ? 0 : -1;
    let r = from + 1;
    for (; r < rows && group[r] >= 0; r++) {
      const q = p[r];
      if (n < 0) continue; // to the record's end
      if (!(q >= 0 && q <= 1)) {
        n = -1;
        continue;
      }
      const c = own - q,
        g = group[r];
      if (!(c > 0) || k === 0) continue;
      if (n === k) {
        const last = ranked[at + 1 + k];
        if (!ranksBefore(c, g, own - p[last], group[last])) continue;
      } else n++;
      // The last taken slot is free (or held the smallest, now dropped): the ones this copy ranks before move down.
      let i = n - 1;
      for (; i > 0; i--) {
        const before = ranked[at + 1 + i];
        if (!ranksBefore(c, g, own - p[before], group[before])) break;
        ranked[at + 2 + i] = before;
      }
      ranked[at + 2 + i] = r;
    }
    ranked[at] = from;
    ranked[at + 1] = n;
    from = r;
  }
  return records;
}

/** Whether contribution c of group g ranks before contribution c2 of group g2: larger first, then the lower group. */
function ranksBefore(c: number, g: number, c2: number, g2: number): boolean {
  return c > c2 || (c === c2 && g < g2);
}
