/**
 * Area under the ROC curve from scores, by ranks (Mann–Whitney U / (n₊·n₋)), ties given average rank.
 * O(n log n). Returns NaN when one class is absent.
 * @param labels 1 (or true) for the positive class, 0 otherwise.
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  const n = labels.length;
  if (scores.length !== n) throw new RangeError(`rocAuc: ${n} labels but ${scores.length} scores`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`rocAuc: score at index ${i} is NaN`);
    order[i] = i;
  }
  order.sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // 1-based average rank of the tie block
    for (let t = i; t <= j; t++) {
      if (labels[order[t]]) {
        nPos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  const u = rankSumPos - (nPos * (nPos + 1)) / 2;
  return u / (nPos * nNeg);
}
