/**
 * Cut-offs a credit policy states: a fixed probability, an approval rate ("approve 80 %"), or the least expected cost
 * of its two errors ("a bad loan approved costs 5, a good applicant declined 1"). A row is declined when its
 * P(bad) ≥ the threshold, approved below it.
 */
import { UsageError } from '../core/errors.js';
import { checkLabels } from './labels.js';

/** How the threshold is chosen. */
export type CutoffRule =
  | { rule: 'threshold'; threshold: number }
  | { rule: 'approval'; approvalRate: number }
  | { rule: 'cost'; falseNegativeCost: number; falsePositiveCost: number };

/** A threshold and what it does on the rows it was chosen on. */
export interface Cutoff {
  threshold: number;
  rule: CutoffRule;
  /** Rows it was chosen on (0 for a fixed threshold). */
  rows: number;
  /** Share approved (P < threshold) there. */
  approvalRate: number;
  /** Bad (positive) rate among the approved there. */
  approvedBadRate: number;
  /** Mean cost per row there (FN cost per bad approved, FP cost per good declined); for the cost rule. */
  costPerRow?: number;
}

/**
 * Reads `--cutoff`: a number in [0, 1], `approval:RATE` (RATE in (0, 1], or a percentage 'approval:80%'), or
 * `cost:FN=5,FP=1` (the cost of approving a bad, of declining a good; both positive).
 * @example
 * parseCutoff('approval:0.8'); // { rule: 'approval', approvalRate: 0.8 }
 */
export function parseCutoff(text: string): CutoffRule {
  const s = text.trim();
  const approval = /^approval:\s*([0-9.]+)\s*(%?)$/i.exec(s);
  if (approval) {
    const rate = Number(approval[1]) / (approval[2] ? 100 : 1);
    if (!(rate > 0 && rate <= 1)) throw new UsageError(`--cutoff ${text}: the approval rate must be in (0, 1] (or (0 %, 100 %])`);
    return { rule: 'approval', approvalRate: rate };
  }
  if (/^cost:/i.test(s)) {
    const costs = Object.fromEntries(
      s
        .slice(5)
        .split(',')
        .map((part) => part.split('=').map((x) => x.trim())),
    );
    const fn = Number(costs.FN ?? costs.fn),
      fp = Number(costs.FP ?? costs.fp);
    const keys = Object.keys(costs).map((k) => k.toUpperCase());
    if (keys.length !== 2 || !keys.includes('FN') || !keys.includes('FP') || !(fn > 0 && Number.isFinite(fn)) || !(fp > 0 && Number.isFinite(fp)))
      throw new UsageError(`--cutoff ${text}: write cost:FN=<cost of approving a bad>,FP=<cost of declining a good>, both positive numbers`);
    return { rule: 'cost', falseNegativeCost: fn, falsePositiveCost: fp };
  }
  const t = /^[0-9.]+$/.test(s) ? Number(s) : Number.NaN;
  if (!(t >= 0 && t <= 1)) throw new UsageError(`--cutoff ${text}: expected a probability in [0, 1], approval:RATE or cost:FN=…,FP=…`);
  return { rule: 'threshold', threshold: t };
}

/**
 * The threshold `rule` asks for, chosen on `probabilities` with their `labels` (the validation part: never the test
 * part, whose metrics would then be optimistic), and what it does there. Approval: the smallest threshold approving at
 * least the rate asked where ties allow (ties move together: the achieved rate is reported). Cost: the threshold
 * among the distinct probabilities (and 1) with the least FN·bads approved + FP·goods declined; ties → the lower one.
 * @example
 * chooseCutoff({ rule: 'approval', approvalRate: 0.8 }, y, p).threshold;
 */
export function chooseCutoff(rule: CutoffRule, labels: ArrayLike<number | boolean>, probabilities: ArrayLike<number>): Cutoff {
  const n = probabilities.length;
  checkLabels(labels, probabilities, 'chooseCutoff', 'probabilities');
  if (rule.rule === 'threshold') return { threshold: rule.threshold, rule, rows: 0, approvalRate: Number.NaN, approvedBadRate: Number.NaN };
  if (n === 0) throw new UsageError('chooseCutoff: no rows to choose a cut-off on');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probabilities[a] - probabilities[b] || a - b);
  const sorted = order.map((i) => probabilities[i]);
  // Candidate k approves sorted[0..k) exactly: at threshold sorted[k] where sorted[k] > sorted[k − 1]; k = n at threshold
  // 1, which approves everyone only when no probability is 1 (a threshold cannot exceed 1).
  const thresholdAt = (k: number) => (k >= n ? 1 : sorted[k]);
  const valid = (k: number) => k === 0 || (k === n ? sorted[n - 1] < 1 : sorted[k] > sorted[k - 1]);
  const badsBefore = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) badsBefore[k + 1] = badsBefore[k] + (labels[order[k]] ? 1 : 0);
  const totalBads = badsBefore[n];
  let best = -1;
  if (rule.rule === 'approval') {
    const want = Math.ceil(rule.approvalRate * n - 1e-9);
    for (let k = want; k <= n && best < 0; k++) if (valid(k)) best = k;
    // Fewer than asked can be approved (rows at P = 1 never are): approve as many as can be.
    for (let k = n; best < 0; k--) if (valid(k)) best = k;
  } else {
    let bestCost = Number.POSITIVE_INFINITY;
    for (let k = 0; k <= n; k++) {
      if (!valid(k)) continue;
      const goodsDeclined = n - k - (totalBads - badsBefore[k]);
      const cost = rule.falseNegativeCost * badsBefore[k] + rule.falsePositiveCost * goodsDeclined;
      if (cost < bestCost) {
        bestCost = cost;
        best = k;
      }
    }
  }
  // Counted as the scorer decides (P < threshold approved): at threshold 1 a row with P = 1 is still declined.
  const threshold = thresholdAt(best);
  let approved = 0,
    bads = 0;
  for (let i = 0; i < n; i++)
    if (probabilities[i] < threshold) {
      approved++;
      bads += labels[i] ? 1 : 0;
    }
  const out: Cutoff = { threshold, rule, rows: n, approvalRate: approved / n, approvedBadRate: approved ? bads / approved : 0 };
  if (rule.rule === 'cost') out.costPerRow = (rule.falseNegativeCost * bads + rule.falsePositiveCost * (n - approved - (totalBads - bads))) / n;
  return out;
}

/** One point of the approval trade-off. */
export interface ApprovalPoint {
  approvalRate: number;
  /** Bad rate among the approved. */
  badRate: number;
  threshold: number;
}

/**
 * Approval rate against the bad rate among the approved, at every distinct threshold (the lowest-risk rows approved
 * first) — the curve a credit committee picks its cut-off on. At most `points` points, evenly spread over the rows.
 * @example
 * approvalCurve(y, p).find((q) => q.approvalRate >= 0.8)?.badRate;
 */
export function approvalCurve(labels: ArrayLike<number | boolean>, probabilities: ArrayLike<number>, points = 101): ApprovalPoint[] {
  const n = probabilities.length;
  checkLabels(labels, probabilities, 'approvalCurve', 'probabilities');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probabilities[a] - probabilities[b] || a - b);
  const out: ApprovalPoint[] = [];
  let bads = 0,
    lastK = -1;
  const step = Math.max(1, n / Math.max(1, points - 1));
  let next = step;
  for (let k = 1; k <= n; k++) {
    bads += labels[order[k - 1]] ? 1 : 0;
    const boundary = k === n || probabilities[order[k]] > probabilities[order[k - 1]];
    if (!boundary || (k < next && k !== n)) continue;
    out.push({ approvalRate: k / n, badRate: bads / k, threshold: k === n ? 1 : probabilities[order[k]] });
    lastK = k;
    while (next <= k) next += step;
  }
  if (lastK < 0 && n > 0) out.push({ approvalRate: 1, badRate: bads / n, threshold: 1 });
  return out;
}
