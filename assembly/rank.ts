// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

/** Whether contribution c of group g ranks before contribution c2 of group g2: larger first, then the lower group. */
// @ts-ignore: decorator
@inline
function ranksBefore(c: f64, g: f32, c2: f64, g2: f32): bool {
  return c > c2 || (c == c2 && g < g2);
}

/**
 * Reason codes' ranking over occludedRows' rows (their groups) and their probabilities p (f32): per record (its row,
 * group −1, then its copies' rows) k + 2 floats into `ranked` — the record's row; how many copies rank, or −1 when the
 * record's or a copy's p is not in [0, 1]; the rows of the (up to) k copies with the largest positive p[record] −
 * p[copy] (f64), larger first, on ties the lower group first — as the js op. Returns the records.
 */
export function rankOccluded(ranked: usize, p: usize, group: usize, rows: i32, k: i32): i32 {
  let records = 0;
  let from = 0;
  while (from < rows) {
    const at = ranked + (<usize>(records * (k + 2)) << 2);
    const slots = at + 8;
    const own = <f64>load<f32>(p + (<usize>from << 2));
    // Whether every probability so far is in [0, 1], without a branch per copy (one bad one makes the count −1).
    let valid = <i32>(own >= 0) & <i32>(own <= 1);
    // What a copy must rank before to be taken: while fewer than k are, any positive contribution (0, and a group
    // below every group); then the k-th's — one test per copy, most often failed once k are taken.
    let bar: f64 = 0, barGroup: f32 = -1;
    let n = 0;
    let r = from + 1;
    for (; r < rows; r++) {
      const g = load<f32>(group + (<usize>r << 2));
      if (g < 0) break; // the next record's row
      const q = <f64>load<f32>(p + (<usize>r << 2));
      valid &= <i32>(q >= 0) & <i32>(q <= 1);
      const c = own - q;
      if (!ranksBefore(c, g, bar, barGroup) || k == 0) continue;
      if (n < k) n++;
      // The last taken slot is free (or held the k-th, now dropped): the ones this copy ranks before move down.
      let i = n - 1;
      for (; i > 0; i--) {
        const before = load<f32>(slots + (<usize>(i - 1) << 2));
        const b = <i32>before;
        if (!ranksBefore(c, g, own - <f64>load<f32>(p + (<usize>b << 2)), load<f32>(group + (<usize>b << 2)))) break;
        store<f32>(slots + (<usize>i << 2), before);
      }
      store<f32>(slots + (<usize>i << 2), <f32>r);
      if (n == k) {
        const last = <i32>load<f32>(slots + (<usize>(k - 1) << 2));
        bar = own - <f64>load<f32>(p + (<usize>last << 2));
        barGroup = load<f32>(group + (<usize>last << 2));
      }
    }
    store<f32>(at, <f32>from);
    store<f32>(at, valid ? <f32>n : -1, 4);
    records++;
    from = r;
  }
  return records;
}
