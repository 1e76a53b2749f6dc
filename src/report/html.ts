import { UsageError } from '../core/errors.js';
import type { Evaluation } from '../metrics/evaluate.js';
import type { GainsBand } from '../metrics/gains.js';
import type { CharacteristicStability } from '../metrics/characteristics.js';
import type { ApprovalPoint, Cutoff } from '../metrics/cutoff.js';
import type { ScorecardScaling } from '../metrics/scorecard.js';
import { cutoffCard, gainsCard, protectedCard, stabilityCard } from './risk.js';
import { chart, escapeXml } from './svg.js';

export interface ReportInput {
  title: string;
  /** Lines shown under the title (data file, rows, model). */
  subtitle?: string[];
  /** Evaluation with curves (`evaluateModel(…, { curves: true })`). */
  evaluation: Evaluation;
  /** Held-out labels and probabilities, for the score distributions and the KS curve. */
  labels: ArrayLike<number>;
  probabilities: ArrayLike<number>;
  /** Per-epoch training history. */
  history?: Array<{ epoch: number; loss: number; energy: number; validation?: { auc: number; loss: number } }>;
  /** What the history's per-epoch AUC was measured on ('validation part', or 'test part' when there was none). */
  historyOn?: string;
  /** The epoch whose weights the model kept (early stopping), marked on the per-epoch charts. */
  bestEpoch?: number;
  /** The class labels for legends and axes (default bad / good). */
  classLabels?: { positive: string; negative: string };
  /** The logistic baseline's evaluation (with curves) on the same rows: its ROC curve beside the model's. */
  baseline?: Evaluation;
  /** The model's metrics on its training rows, shown beside the held-out ones so overfitting is visible. */
  training?: Evaluation;
  /** The held-out gains table (`gainsTable`), highest scores first. */
  gains?: GainsBand[];
  /** The scorecard scaling: points per gains band. */
  scaling?: ScorecardScaling;
  /** The cut-off (and where it was chosen) and the approval curve of the held-out rows. */
  cutoff?: Cutoff & { chosenOn?: string | null };
  approval?: ApprovalPoint[];
  /** Each feature's PSI against the training part, and what it was measured on ('test part vs training part'). */
  characteristicPsi?: { against: string; features: CharacteristicStability[]; scorePsi?: number };
  /** Protected attributes and how often each would have been a top reason code. */
  protectedWeight?: Array<{ feature: string; topReasonRows: number; rows: number; k: number }>;
  /** The out-of-time split, when the test part is the later periods. */
  outOfTime?: { timeColumn: string; from: string };
  /** What the held-out rows are ('test part' in train; the file's name in evaluate). */
  heldOutLabel?: string;
  /** Extra key/value rows (settings). */
  settings?: Record<string, string | number>;
}

function histogram(values: number[], bins: number): { x: number[]; y: number[] } {
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]++;
  const n = Math.max(1, values.length);
  return { x: counts.map((_, i) => (i + 0.5) / bins), y: counts.map((c) => c / n) };
}

/**
 * One self-contained HTML page (inline SVG and CSS, no scripts, no network), in the order a risk committee reads it:
 * metrics (test and training parts) with the confusion matrix, the out-of-time period, the cut-off with the
 * approval-rate / bad-rate curve, the gains table with PD and points per band, characteristic PSI, protected
 * attributes; then ROC, KS, score distributions and calibration; and an appendix of optimiser diagnostics (AUC, loss
 * and energy per epoch).
 * @example
 * writeFileSync('report.html', buildReport({ title: 'credit model', evaluation, labels, probabilities }));
 */
export function buildReport(r: ReportInput): string {
  const ev = r.evaluation;
  const curves = ev.curves;
  if (!curves) throw new UsageError('buildReport needs an evaluation with curves (evaluateModel(…, { curves: true }))');
  const pos: number[] = [],
    neg: number[] = [];
  for (let i = 0; i < r.labels.length; i++) (r.labels[i] === 1 ? pos : neg).push(r.probabilities[i]);
  const { positive, negative } = r.classLabels ?? { positive: 'bad', negative: 'good' };
  const base = r.baseline?.curves;
  const roc = chart(
    [
      { name: `model (AUC ${ev.auc.toFixed(3)})`, x: curves.roc.fpr, y: curves.roc.tpr },
      ...(base ? [{ name: `logistic baseline (AUC ${r.baseline!.auc.toFixed(3)})`, x: base.roc.fpr, y: base.roc.tpr, color: '#ff7f0e' }] : []),
      { name: 'chance', x: [0, 1], y: [0, 1], color: '#999', dashed: true },
    ],
    { title: 'ROC curve', xLabel: 'false-positive rate', yLabel: 'true-positive rate', xRange: [0, 1], yRange: [0, 1] },
  );
  // KS: cumulative share of bads and goods scoring below each threshold.
  const ths = curves.roc.thresholds.slice(1);
  const cumBad = curves.roc.tpr.slice(1).map((t) => 1 - t);
  const cumGood = curves.roc.fpr.slice(1).map((f) => 1 - f);
  const ks = chart(
    [
      { name: `${positive} (${pos.length})`, x: ths, y: cumBad, color: '#d62728' },
      { name: `${negative} (${neg.length})`, x: ths, y: cumGood, color: '#2ca02c' },
    ],
    { title: `KS curve (KS = ${ev.ks.toFixed(3)})`, xLabel: 'score threshold', yLabel: 'cumulative share below', xRange: [0, 1], yRange: [0, 1] },
  );
  const hb = histogram(pos, 20),
    hg = histogram(neg, 20);
  const dist = chart(
    [
      { name: positive, ...hb, color: '#d62728' },
      { name: negative, ...hg, color: '#2ca02c' },
    ],
    { title: 'score distributions', xLabel: `P(${positive})`, yLabel: 'share of class', xRange: [0, 1] },
  );
  const cal = curves.calibration.filter((b) => b.count > 0);
  const calibration = chart(
    [
      { name: 'observed rate per bin (rows per bin below)', x: cal.map((b) => b.meanPredicted), y: cal.map((b) => b.observedRate), color: '#1f77b4' },
      { name: 'perfect', x: [0, 1], y: [0, 1], color: '#999', dashed: true },
    ],
    { title: `calibration (Brier ${ev.brier.toFixed(4)})`, xLabel: 'mean predicted', yLabel: 'observed rate', xRange: [0, 1], yRange: [0, 1] },
  );
  const calibrationCounts = `<table id="calibration-counts"><tr><th>bin</th>${cal.map((b) => `<th>${b.lo.toFixed(1)}–${b.hi.toFixed(1)}</th>`).join('')}</tr><tr><td>rows</td>${cal.map((b) => `<td>${b.count}</td>`).join('')}</tr></table>`;
  const h = r.history ?? [];
  const best = r.bestEpoch && h.length ? [{ name: `kept epoch ${r.bestEpoch}`, x: [r.bestEpoch, r.bestEpoch], y: [0, 1], color: '#999', dashed: true }] : [];
  const aucPerEpoch =
    h.length && h[0].validation
      ? chart(
          [{ name: `AUC on the ${r.historyOn ?? 'validation part'}`, x: h.map((e) => e.epoch), y: h.map((e) => e.validation!.auc), color: '#ff7f0e' }, ...best],
          { title: 'AUC per epoch', xLabel: 'epoch', yLabel: 'AUC', yRange: [Math.min(0.5, ...h.map((e) => e.validation!.auc)), 1] },
        )
      : '';
  const loss = h.length
    ? chart(
        [
          { name: 'training loss', x: h.map((e) => e.epoch), y: h.map((e) => e.loss) },
          ...(h[0].validation
            ? [
                {
                  name: `cross-entropy on the ${r.historyOn ?? 'validation part'}`,
                  x: h.map((e) => e.epoch),
                  y: h.map((e) => e.validation!.loss),
                  color: '#ff7f0e',
                },
              ]
            : []),
        ],
        { title: 'loss per epoch', xLabel: 'epoch', yLabel: 'loss' },
      )
    : '';
  const energy = h.length
    ? chart([{ name: 'optimiser energy (mean per step)', x: h.map((e) => e.epoch), y: h.map((e) => e.energy), color: '#9467bd' }], {
        title: 'optimiser energy per epoch',
        xLabel: 'epoch',
        yLabel: 'energy',
      })
    : '';
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '—');
  // One list serves both columns: the threshold-free metrics are shown for the training part too, the others left blank.
  const metricRows: Array<[string, (e: Evaluation) => string, boolean]> = [
    ['AUC', (e) => f(e.auc), true],
    ['KS', (e) => f(e.ks), true],
    ['Gini', (e) => f(e.gini), true],
    ['PR-AUC (average precision)', (e) => f(e.prAuc), true],
    ['accuracy', (e) => f(e.accuracy), false],
    ['precision (positive class)', (e) => f(e.binary.precision), false],
    ['recall (positive class)', (e) => f(e.binary.recall), false],
    ['F1 (positive class)', (e) => f(e.binary.f1), false],
    ['Brier score', (e) => f(e.brier), true],
    ['log loss', (e) => f(e.logLoss), true],
    ['threshold', (e) => String(Number(e.threshold.toPrecision(4))), false],
    ['rows / positives', (e) => `${e.rows} / ${e.positives} (${(100 * e.baseRate).toFixed(1)} %)`, false],
  ];
  const t = r.training;
  const metricsTable = `<table id="metrics">${t ? '<tr><th>metric</th><th>test part</th><th>training part</th></tr>' : ''}${metricRows
    .map(([k, value, both]) => `<tr><td>${escapeXml(k)}</td><td>${escapeXml(value(ev))}</td>${t ? `<td>${both ? escapeXml(value(t)) : ''}</td>` : ''}</tr>`)
    .join('')}</table>`;
  const held = r.heldOutLabel ?? 'test part';
  const risk = [
    r.outOfTime
      ? `<div class="card" id="out-of-time"><h2>Out-of-time test</h2><p>The ${escapeXml(held)} is every row with ${escapeXml(r.outOfTime.timeColumn)} ≥ ${escapeXml(r.outOfTime.from)}; the model was fitted on the earlier periods only.</p></div>`
      : '',
    r.cutoff && r.approval ? cutoffCard(r.cutoff, r.approval, r.labels, r.probabilities, positive) : '',
    r.gains ? gainsCard(r.gains, positive, r.scaling) : '',
    r.characteristicPsi ? stabilityCard(r.characteristicPsi.features, r.characteristicPsi.against, r.characteristicPsi.scorePsi) : '',
    r.protectedWeight?.length ? protectedCard(r.protectedWeight) : '',
  ].join('\n');
  const c = ev.confusion;
  const settings = Object.entries(r.settings ?? {})
    .map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td>${escapeXml(String(v))}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin-bottom:4px}.sub{color:#555;margin:2px 0}
.grid{display:flex;flex-wrap:wrap;gap:16px;margin-top:16px}.card{border:1px solid #ddd;border-radius:6px;padding:8px;background:#fff}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
</style></head><body>
<h1>${escapeXml(r.title)}</h1>
${(r.subtitle ?? []).map((s) => `<p class="sub">${escapeXml(s)}</p>`).join('\n')}
<div class="grid">
<div class="card"><h2>Metrics (${escapeXml(held)})</h2>${metricsTable}
<h3>Confusion matrix at ${Number(ev.threshold.toPrecision(4))}</h3><table id="confusion"><tr><th></th><th>predicted positive</th><th>predicted negative</th></tr>
<tr><td>actual positive</td><td>${c.tp}</td><td>${c.fn}</td></tr><tr><td>actual negative</td><td>${c.fp}</td><td>${c.tn}</td></tr></table>
${settings ? `<h3>Settings</h3><table id="settings">${settings}</table>` : ''}</div>
${risk}
<div class="card" id="roc">${roc}</div>
<div class="card" id="ks">${ks}</div>
<div class="card" id="distributions">${dist}</div>
<div class="card" id="calibration">${calibration}${calibrationCounts}</div>
</div>
${
  h.length
    ? `<h2 id="optimiser-diagnostics">Appendix: optimiser diagnostics</h2><p class="sub">How training went, for the model's developers: a risk reading needs none of it.</p><div class="grid">
${aucPerEpoch ? `<div class="card" id="auc-per-epoch">${aucPerEpoch}</div>` : ''}
${loss ? `<div class="card" id="loss">${loss}</div>` : ''}
${energy ? `<div class="card" id="energy">${energy}</div>` : ''}
</div>`
    : ''
}
<p class="sub">Written by hamiltonian-ai. Self-contained: no scripts, no network.</p>
</body></html>
`;
}
