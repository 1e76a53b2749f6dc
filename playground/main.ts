/**
 * The playground page: pick or drop a CSV, read its schema from the library's preprocessor, train in a worker with
 * the CLI's defaults, watch the curves, read the CLI's report, score an applicant as you type, download the model,
 * the ONNX pipeline, the report and a scored CSV; and, in the second view, run the integrators and verifyIntegrator.
 * No request leaves the page's own origin.
 */
import { DEFAULT_MISSING, METHOD_NAMES, Preprocessor, SYSTEMS, parseCsv, type CsvTable } from '../src/index.js';
import { chart, escapeXml } from '../src/report/svg.js';
import { integrationSvg, runIntegration } from '../src/report/integration.js';
import { verifyIntegrator, type MethodName } from '../src/integrators.js';
import { OPTIMIZER_NAMES } from '../src/cli/optimizers.js';
import { loadScorer, type Scorer } from '../src/score/index.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state: { csv: string; name: string; table: CsvTable | null; worker: Worker | null; scorer: Scorer | null } = {
  csv: '',
  name: '',
  table: null,
  worker: null,
  scorer: null,
};
declare global {
  interface Window {
    /** For the browser test: the last training's result (AUC, model bytes). */
    playground: { auc?: number; model?: Uint8Array; applicant?: Record<string, unknown>; probability?: number; engine?: string };
  }
}
window.playground = {};

// Tabs
for (const [tab, view] of [
  ['tab-credit', 'view-credit'],
  ['tab-integrators', 'view-integrators'],
] as const) {
  $(tab).onclick = () => {
    for (const t of ['tab-credit', 'tab-integrators']) $(t).classList.toggle('active', t === tab);
    for (const v of ['view-credit', 'view-integrators']) $(v).classList.toggle('hidden', v !== view);
  };
}

$('optimizer').innerHTML = OPTIMIZER_NAMES.map((n) => `<option${n === 'advanced-symplectic' ? ' selected' : ''}>${n}</option>`).join('');

/** Loads CSV text: fills the target list (last column by default) and the column table. */
function loadCsv(text: string, name: string): void {
  state.csv = text;
  state.name = name;
  const table = parseCsv(text, { source: name });
  state.table = table;
  $('data-status').textContent = `${name}: ${table.rows.length} rows, ${table.columns.length} columns`;
  const guess = table.columns.find((c) => /^(status|class|target|default|label|y)$/i.test(c)) ?? table.columns.at(-1)!;
  $('target').innerHTML = table.columns.map((c) => `<option${c === guess ? ' selected' : ''}>${escapeXml(c)}</option>`).join('');
  fillPositive();
}

function fillPositive(): void {
  const table = state.table!;
  const j = table.columns.indexOf(($('target') as HTMLSelectElement).value);
  const counts = new Map<string, number>();
  for (const r of table.rows) if (!DEFAULT_MISSING.includes(r[j].trim())) counts.set(r[j].trim(), (counts.get(r[j].trim()) ?? 0) + 1);
  const values = [...counts.entries()].sort((a, b) => a[1] - b[1]).map(([v]) => v); // rarest first: usually "bad"
  const guess = values.find((v) => /^(bad|1|yes|default|true)$/i.test(v)) ?? values[0];
  $('positive').innerHTML = values.map((v) => `<option${v === guess ? ' selected' : ''}>${escapeXml(v)}</option>`).join('');
  describeColumns();
}

/** The column table: the preprocessor's reading of each column (numeric or categorical), missing counts, exclude boxes. */
function describeColumns(): void {
  const table = state.table!;
  const target = ($('target') as HTMLSelectElement).value;
  const positive = ($('positive') as HTMLSelectElement).value;
  let kinds = new Map<string, string>();
  try {
    const pre = Preprocessor.fit(table, { target, positive, source: state.name });
    kinds = new Map(pre.features.map((f) => [f.name, f.kind === 'numeric' ? 'numeric' : `categorical (${f.categories.length})`]));
    $('train').removeAttribute('disabled');
  } catch (e) {
    $('data-status').textContent = (e as Error).message;
    $('train').setAttribute('disabled', '');
  }
  const rows = table.columns.map((c, j) => {
    const missing = table.rows.reduce((n, r) => n + (DEFAULT_MISSING.includes((r[j] ?? '').trim()) ? 1 : 0), 0);
    const role = c === target ? 'target' : (kinds.get(c) ?? '—');
    const box = c === target ? '' : `<input type="checkbox" class="exclude" value="${escapeXml(c)}">`;
    return `<tr><td>${escapeXml(c)}</td><td>${role}</td><td>${missing}</td><td>${box}</td></tr>`;
  });
  $('columns').innerHTML = `<table id="column-table"><tr><th>column</th><th>read as</th><th>missing</th><th>exclude</th></tr>${rows.join('')}</table>`;
}

$('target').onchange = fillPositive;
$('positive').onchange = describeColumns;
$('dataset').onchange = async () => {
  const name = ($('dataset') as HTMLSelectElement).value;
  if (name) loadCsv(await (await fetch(`data/${name}`)).text(), name);
};
$('file').onchange = async () => {
  const f = ($('file') as HTMLInputElement).files?.[0];
  if (f) loadCsv(await f.text(), f.name);
};

// Training
const epochs: Array<{ epoch: number; loss: number; auc: number | null }> = [];
function drawCurves(): void {
  const x = epochs.map((e) => e.epoch);
  $('curves').innerHTML =
    chart([{ name: 'training loss', x, y: epochs.map((e) => e.loss) }], { title: 'loss per epoch', xLabel: 'epoch', yLabel: 'loss' }) +
    chart([{ name: 'validation AUC', x, y: epochs.map((e) => e.auc ?? Number.NaN), color: '#ff7f0e' }], {
      title: 'validation AUC per epoch',
      xLabel: 'epoch',
      yLabel: 'AUC',
    });
}

function stopWorker(): void {
  state.worker?.terminate();
  state.worker = null;
  $('cancel').setAttribute('disabled', '');
  $('train').removeAttribute('disabled');
}

$('cancel').onclick = () => {
  stopWorker();
  $('train-status').textContent = 'cancelled';
};

$('train').onclick = () => {
  stopWorker();
  epochs.length = 0;
  const hiddenText = ($('hidden') as HTMLInputElement).value.trim();
  const excluded = Array.from(document.querySelectorAll<HTMLInputElement>('.exclude:checked'), (b) => b.value);
  const cutoff = ($('cutoff') as HTMLInputElement).value.trim();
  const options: Record<string, unknown> = {
    target: ($('target') as HTMLSelectElement).value,
    positive: ($('positive') as HTMLSelectElement).value,
    hidden: hiddenText === 'none' ? [] : hiddenText.split(',').map((v) => Number(v.trim())),
    optimizer: ($('optimizer') as HTMLSelectElement).value,
    epochs: Number(($('epochs') as HTMLInputElement).value),
    patience: Number(($('patience') as HTMLInputElement).value),
    seed: Number(($('seed') as HTMLInputElement).value),
    // WASM SIMD where the browser allows it; otherwise the library's JS backend, named in the status line.
    backend: 'auto',
    ...(excluded.length ? { exclude: excluded } : {}),
    ...(cutoff ? { cutoff } : {}),
  };
  const worker = new Worker('worker.js', { type: 'module' });
  state.worker = worker;
  $('cancel').removeAttribute('disabled');
  $('train').setAttribute('disabled', '');
  $('train-status').textContent = 'training…';
  worker.onmessage = async (event) => {
    const m = event.data;
    if (m.type === 'epoch') {
      epochs.push(m);
      ($('progress') as HTMLProgressElement).value = m.epoch / m.total;
      $('train-status').textContent = `epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, validation AUC ${m.auc?.toFixed(4) ?? '—'}`;
      drawCurves();
    } else if (m.type === 'error') {
      $('train-status').textContent = `error: ${m.message}`;
      stopWorker();
    } else if (m.type === 'done') {
      stopWorker();
      ($('progress') as HTMLProgressElement).value = 1;
      $('train-status').textContent =
        `done: ${m.json.epochs} epochs (kept epoch ${m.json.bestEpoch}) in ${m.json.timing.trainSeconds.toFixed(2)} s, ${(m.json.timing.secondsPerEpoch * 1000).toFixed(1)} ms per epoch (${m.json.backend === 'js' ? 'JavaScript: this browser refused WebAssembly' : m.json.backend})`;
      await showResults(m);
    }
  };
  worker.postMessage({ type: 'train', csv: state.csv, name: state.name, options });
};

const download = (bytes: Uint8Array | string, name: string, type: string) => {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  return `<a href="${url}" download="${name}" id="download-${name.replace(/\W/g, '-')}">${name}</a>`;
};

/** `train --json`'s fields the page reads. */
interface TrainJson {
  metrics: { auc: number };
  baseline: { auc: number } | null;
  epochs: number;
  bestEpoch: number;
  backend: string;
  timing: { trainSeconds: number; secondsPerEpoch: number };
}

async function showResults(m: {
  json: TrainJson;
  report: string;
  model: Uint8Array;
  onnx: Uint8Array;
  scored: string;
  notes: string[];
  engine: string;
}): Promise<void> {
  $('results').classList.remove('hidden');
  const auc = m.json.metrics.auc as number;
  window.playground.auc = auc;
  window.playground.model = m.model;
  window.playground.engine = m.engine;
  $('auc').textContent = auc.toFixed(6);
  $('baseline-auc').textContent = m.json.baseline ? (m.json.baseline.auc as number).toFixed(6) : '—';
  $('result-note').textContent = m.notes.join(' ');
  $('downloads').innerHTML = [
    download(m.model, 'model.safetensors', 'application/octet-stream'),
    download(m.onnx, 'model.onnx', 'application/octet-stream'),
    download(m.report, 'report.html', 'text/html'),
    download(m.scored, 'scored.csv', 'text/csv'),
  ].join('');
  ($('report') as HTMLIFrameElement).srcdoc = m.report;
  state.scorer = await loadScorer(m.model, { strict: false });
  buildForm();
}

/** A field per feature, at its training median or mode; every edit rescores with reason codes. */
function buildForm(): void {
  const pre = state.scorer!.preprocessor;
  $('form').innerHTML = pre.features
    .map((f) => {
      const field =
        f.kind === 'numeric'
          ? `<input type="number" step="any" data-feature="${escapeXml(f.name)}" value="${f.median}">`
          : `<select data-feature="${escapeXml(f.name)}">${f.categories.map((c) => `<option${c === f.mode ? ' selected' : ''}>${escapeXml(c)}</option>`).join('')}</select>`;
      return `<label>${escapeXml(f.name)} ${field}</label>`;
    })
    .join('');
  document.querySelectorAll<HTMLInputElement>('#form [data-feature]').forEach((el) => {
    el.oninput = scoreApplicant;
  });
  scoreApplicant();
}

function scoreApplicant(): void {
  const scorer = state.scorer!;
  const record: Record<string, unknown> = {};
  document.querySelectorAll<HTMLInputElement>('#form [data-feature]').forEach((el) => {
    record[el.dataset.feature!] = el.value;
  });
  try {
    const r = scorer.explain(record, 3);
    window.playground.applicant = record;
    window.playground.probability = r.probability;
    $('applicant').textContent = `P(${scorer.positiveLabel}) = ${r.probability.toFixed(4)} · ${r.points} points · ${r.decision ? 'decline' : 'approve'}`;
    $('reasons').innerHTML = r.reasons!.length
      ? `<table><tr><th>reason</th><th>value</th><th>adds to P</th><th>costs points</th></tr>${r.reasons!.map((x) => `<tr><td>${escapeXml(x.feature)}</td><td>${escapeXml(String(x.value))}</td><td>${x.contribution.toFixed(4)}</td><td>${x.points.toFixed(1)}</td></tr>`).join('')}</table>`
      : '<p class="note">no reasons: every feature is at or below its typical risk</p>';
  } catch (e) {
    $('applicant').textContent = (e as Error).message;
  }
}

// Integrators view
$('system').innerHTML = Object.keys(SYSTEMS)
  .map((s) => `<option${s === 'pendulum' ? ' selected' : ''}>${s}</option>`)
  .join('');
$('method').innerHTML = METHOD_NAMES.map((m) => `<option${m === 'forest-ruth' ? ' selected' : ''}>${m}</option>`).join('');
$('integrate').onclick = () => {
  const system = ($('system') as HTMLSelectElement).value;
  const method = ($('method') as HTMLSelectElement).value as MethodName;
  const h = Number(($('h') as HTMLInputElement).value);
  const steps = Number(($('steps') as HTMLInputElement).value);
  try {
    const { summary, trajectory, contrast } = runIntegration(system, method, { h, steps });
    $('portrait').innerHTML = integrationSvg(trajectory, contrast);
    $('energy').textContent =
      `max relative energy error ${summary.maxEnergyError.toExponential(2)} (${method}) vs ${contrast ? contrast.maxEnergyError.toExponential(2) : '—'} (explicit Euler), ${summary.stepsPerSecond.toLocaleString()} steps/s`;
    const r = verifyIntegrator(method);
    const verdicts = [
      ['order', Number.isFinite(r.order) ? r.order.toFixed(2) : String(r.order)],
      ['symplectic', r.symplectic],
      ['symmetric', r.symmetric],
      ['energy bounded', r.energyBounded],
      ['consistent', r.consistent],
      ['one-step map', r.oneStepMap],
      ['finite', r.finite],
      ['per system', r.systems.map((v) => `${v.system} ${v.orderMeasurement.order.toFixed(2)}`).join(', ')],
      ['problems', r.problems.join('; ') || 'none'],
    ];
    $('verify').innerHTML = `<table id="verify-table">${verdicts.map(([k, v]) => `<tr><td>${k}</td><td>${escapeXml(String(v))}</td></tr>`).join('')}</table>`;
  } catch (e) {
    $('energy').textContent = (e as Error).message;
  }
};
