/**
 * The report's cards for a risk committee: the cut-off and the approval trade-off, the gains table with PD and points
 * per band, characteristic PSI, protected attributes, and the out-of-time period.
 */
import type { CharacteristicStability } from '../metrics/characteristics.js';
import type { ApprovalPoint, Cutoff } from '../metrics/cutoff.js';
import type { GainsBand } from '../metrics/gains.js';
import { points, type ScorecardScaling } from '../metrics/scorecard.js';
import { chart, escapeXml } from './svg.js';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '—');

/** The PSI reading a reviewer applies: < 0.1 stable, 0.1–0.25 watch, > 0.25 shifted. */
export function psiVerdict(psi: number): string {
  return psi > 0.25 ? 'shifted' : psi > 0.1 ? 'watch' : 'stable';
}

/** How the cut-off was set and what it does on the test part, with the approval-rate / bad-rate curve marked at it. */
export function cutoffCard(
  cutoff: Cutoff & { chosenOn?: string | null },
  approval: ApprovalPoint[],
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  positive: string,
): string {
  let approved = 0,
    bads = 0;
  for (let i = 0; i < probabilities.length; i++)
    if (probabilities[i] < cutoff.threshold) {
      approved++;
      bads += labels[i] === 1 ? 1 : 0;
    }
  const n = Math.max(1, probabilities.length);
  const rule = cutoff.rule;
  const how =
    rule.rule === 'approval'
      ? `approve ${pct(rule.approvalRate)} (--cutoff approval:${rule.approvalRate})`
      : rule.rule === 'cost'
        ? `least expected cost: approving a ${escapeXml(positive)} costs ${rule.falseNegativeCost}, declining a good applicant ${rule.falsePositiveCost}`
        : 'a fixed probability';
  const chosen = cutoff.chosenOn
    ? `<p>Chosen on the ${escapeXml(cutoff.chosenOn)} (${cutoff.rows} rows: approval ${pct(cutoff.approvalRate)}, ${escapeXml(positive)} rate among approved ${pct(cutoff.approvedBadRate)}${cutoff.costPerRow !== undefined ? `, cost per row ${cutoff.costPerRow.toFixed(3)}` : ''}), never on the test part.</p>`
    : '';
  const curve = chart(
    [
      { name: `${positive} rate among approved`, x: approval.map((q) => q.approvalRate), y: approval.map((q) => q.badRate), color: '#d62728' },
      {
        name: `cut-off (approve ${pct(approved / n)})`,
        x: [approved / n, approved / n],
        y: [0, Math.max(...approval.map((q) => q.badRate), 0.01)],
        color: '#999',
        dashed: true,
      },
    ],
    { title: 'approval rate vs bad rate (test part)', xLabel: 'share approved (lowest risk first)', yLabel: `${positive} rate among approved`, xRange: [0, 1] },
  );
  return `<div class="card" id="cutoff"><h2>Cut-off</h2><p>Decline when P(${escapeXml(positive)}) ≥ <b>${cutoff.threshold.toFixed(4)}</b>: ${how}.</p>${chosen}
<table><tr><td>test part: approved</td><td>${approved} of ${probabilities.length} (${pct(approved / n)})</td></tr><tr><td>${escapeXml(positive)} rate among approved</td><td>${pct(approved ? bads / approved : 0)}</td></tr></table>${curve}</div>`;
}

/** The gains table in score bands: counts, observed and predicted PD, points, cumulative capture and approval, KS. */
export function gainsCard(gains: GainsBand[], positive: string, scaling: ScorecardScaling | undefined): string {
  const p = escapeXml(positive);
  const head = `<tr><th>band</th><th>rows</th><th>${p}</th><th>${p} rate (observed)</th><th>PD (mean predicted)</th><th>P(${p}) range</th>${scaling ? '<th>points</th>' : ''}<th>lift</th><th>declined if cut here</th><th>${p} caught</th><th>approved if cut here</th><th>${p} rate approved</th><th>KS</th></tr>`;
  const rows = gains
    .map(
      (b) =>
        `<tr><td>${b.band}</td><td>${b.rows}</td><td>${b.positives}</td><td>${pct(b.positiveRate)}</td><td>${pct(b.meanScore)}</td><td>${b.minScore.toFixed(3)}–${b.maxScore.toFixed(3)}</td>${scaling ? `<td>${points(b.maxScore, scaling)}–${points(b.minScore, scaling)}</td>` : ''}<td>${b.lift.toFixed(2)}</td><td>${pct(b.cumulativeRowShare)}</td><td>${pct(b.cumulativePositiveShare)}</td><td>${pct(1 - b.cumulativeRowShare)}</td><td>${pct(b.remainingPositiveRate)}</td><td>${b.ks.toFixed(3)}</td></tr>`,
    )
    .join('');
  return `<div class="card"><h2>Gains table (highest ${p} risk first)</h2><table id="gains">${head}${rows}</table></div>`;
}

/** Every feature's PSI against its training-part reference, largest first. */
export function stabilityCard(stability: CharacteristicStability[], against: string, scorePsi?: number): string {
  const rows = stability
    .map((c) => `<tr><td>${escapeXml(c.feature)}</td><td>${c.kind}</td><td>${c.psi.toFixed(4)}</td><td>${psiVerdict(c.psi)}</td></tr>`)
    .join('');
  const score = scorePsi === undefined ? '' : `<p>Score PSI against the training part: <b>${scorePsi.toFixed(4)}</b> (${psiVerdict(scorePsi)}).</p>`;
  return `<div class="card" id="characteristic-psi"><h2>Characteristic stability (PSI, ${escapeXml(against)})</h2>${score}<table><tr><th>feature</th><th>kind</th><th>PSI</th><th>reading</th></tr>${rows}</table><p class="sub">&lt; 0.1 stable, 0.1–0.25 watch, &gt; 0.25 shifted; numeric features at the training deciles, categorical ones by category.</p></div>`;
}

/** Protected attributes: never reason codes, but how often they would have been one (the weight they carry). */
export function protectedCard(weights: Array<{ feature: string; topReasonRows: number; rows: number; k: number }>): string {
  const rows = weights
    .map(
      (w) =>
        `<tr><td>${escapeXml(w.feature)}</td><td>${w.topReasonRows} of ${w.rows} (${pct(w.topReasonRows / Math.max(1, w.rows))})</td><td>${w.topReasonRows > 0 ? '⚠ carries weight: it moves these applicants’ probabilities' : 'no weight seen'}</td></tr>`,
    )
    .join('');
  return `<div class="card" id="protected"><h2>Protected attributes</h2><p>Never given as reason codes. A protected attribute the model still uses moves probabilities without being named; to keep it out of the decision, exclude it from training.</p><table><tr><th>feature</th><th>would be a top-${weights[0]?.k ?? 3} reason (test part)</th><th></th></tr>${rows}</table></div>`;
}
