/**
 * The playground's training worker: the CLI's own training job (cli/commands/train-core.ts, no Node built-ins) on
 * the WASM backend, off the page's thread — so the page trains the same model, to the bit, as `hamiltonian-ai train`
 * with the same seed and options. Posts each epoch (live curves) and, at the end, the model file, the ONNX pipeline,
 * the report and a scored CSV.
 */
import { parseCsv } from '../src/index.js';
import { decodeModel } from '../src/io/model-file.js';
import { exportPipelineOnnx } from '../src/io/onnx-pipeline.js';
import { loadScorer } from '../src/score/index.js';
import { trainOnTable } from '../src/cli/commands/train-core.js';
import { trainSpec } from '../src/cli/commands/train-spec.js';
import { formatCsvField } from '../src/data/csv.js';
import type { Parsed } from '../src/cli/args.js';

export interface TrainRequest {
  type: 'train';
  csv: string;
  name: string;
  options: Parsed;
}

const defaults = Object.fromEntries(
  Object.entries(trainSpec.options)
    .filter(([, s]) => s.default !== undefined)
    .map(([k, s]) => [k, s.default]),
);

const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

self.onmessage = async (event: MessageEvent<TrainRequest>) => {
  const { csv, name, options } = event.data;
  try {
    const bytes = new TextEncoder().encode(csv);
    const table = parseCsv(csv, { source: name });
    const o = { ...defaults, ...options, quiet: true, report: true } as Parsed;
    const notes: string[] = [];
    const r = await trainOnTable(o, {
      table,
      source: name,
      dataSha256: hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)),
      withReport: true,
      modelLabel: 'playground (downloaded as model.safetensors)',
      warn: (line) => notes.push(line),
      onEpoch: (e) => postMessage({ type: 'epoch', epoch: e.epoch, loss: e.loss, auc: e.validation?.auc ?? null, total: o.epochs }),
    });
    const content = decodeModel(r.bytes);
    const modelSha = hex(await crypto.subtle.digest('SHA-256', r.bytes as Uint8Array<ArrayBuffer>));
    const onnx = exportPipelineOnnx(content, { modelSha256: modelSha });
    // The scored file, as `score` writes it: every input row and column, then probability, decision, points.
    const scorer = await loadScorer(r.bytes, { strict: false });
    const pre = scorer.preprocessor;
    const lines = [[...table.columns, 'probability', 'decision', 'points', 'score_error'].map((c) => formatCsvField(c, ',')).join(',')];
    for (const row of table.rows) {
      const record = Object.fromEntries(table.columns.map((c, j) => [c, row[j]]));
      let extra: string[];
      try {
        const d = scorer.decide(record);
        extra = [d.probability.toFixed(6), d.decision ? pre.positive : pre.label(0), String(d.points), ''];
      } catch (e) {
        extra = ['', '', '', (e as Error).message];
      }
      lines.push([...row, ...extra].map((c) => formatCsvField(c, ',')).join(','));
    }
    postMessage({
      type: 'done',
      json: r.json,
      notes,
      report: r.report,
      model: r.bytes,
      onnx,
      scored: `${lines.join('\n')}\n`,
      engine: scorer.engine,
    });
  } catch (e) {
    postMessage({ type: 'error', message: (e as Error).message });
  }
};
