import type { ReasoningResult } from '../reasoning/analysis.js';
import { chart, escapeXml } from './svg.js';

/**
 * The reasoning-chains report: phase-space scatter (mean T vs mean V per chain) coloured by validity, the
 * valid-vs-invalid feature table and the grouped-CV results beside the baselines. Self-contained HTML.
 * @example
 * writeFileSync('r.html', buildReasoningReport(result, chains.map((c) => c.valid)));
 */
export function buildReasoningReport(r: ReasoningResult, labels: readonly boolean[]): string {
  const pick = (valid: boolean) => r.features.filter((_, i) => labels[i] === valid);
  const scatter = chart(
    [
      { name: `invalid (${r.chains - r.valid})`, x: pick(false).map((f) => f.kinetic), y: pick(false).map((f) => f.potential), style: 'points', color: '#999' },
      { name: `valid (${r.valid})`, x: pick(true).map((f) => f.kinetic), y: pick(true).map((f) => f.potential), style: 'points', color: '#d62728' },
    ],
    {
      title: `phase space: kinetic T vs potential V per chain (${r.embedder})`,
      xLabel: 'mean T = ½‖Δx‖²',
      yLabel: 'mean V = 1 − cos(x, question)',
      width: 620,
      height: 440,
    },
  );
  const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
  const table = r.table
    .map(
      (t) =>
        `<tr><td>${t.feature}</td><td>${f3(t.meanA)}</td><td>${f3(t.meanB)}</td><td>${f3(t.t)}</td><td>${t.p < 1e-4 ? t.p.toExponential(1) : t.p.toFixed(4)}</td><td>${f3(t.cohensD)}</td></tr>`,
    )
    .join('');
  const models = r.models
    .map((m) => `<tr><td>${escapeXml(m.name)}</td><td>${f3(m.auc)}</td><td>${f3(m.prAuc)}</td><td>${f3(m.f1)}</td><td>${f3(m.accuracy)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reasoning chains — phase-space analysis</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>
<h1>Multi-hop reasoning chains as trajectories</h1>
<p>${r.chains} chains over ${r.questions} questions; ${r.valid} valid (${((100 * r.valid) / r.chains).toFixed(1)} %). Embeddings: ${escapeXml(r.embedder)}. ${r.folds}-fold cross-validation grouped by question.</p>
<div id="scatter">${scatter}</div>
<h2>Valid vs invalid (Welch t-test, Cohen's d)</h2>
<table id="features"><tr><th>feature</th><th>valid mean</th><th>invalid mean</th><th>t</th><th>p</th><th>d</th></tr>${table}</table>
<h2>Classifiers (out-of-fold, valid = positive class)</h2>
<table id="models"><tr><th>model</th><th>AUC</th><th>PR-AUC</th><th>F1</th><th>accuracy</th></tr>${models}</table>
<p>Accuracy alone says nothing here: "always invalid" scores ${f3(r.models.at(-1)!.accuracy)}. Read AUC and PR-AUC (chance = base rate ${f3(r.valid / r.chains)}).</p>
</body></html>`;
}
