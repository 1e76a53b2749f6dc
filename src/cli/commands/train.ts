import { resolve } from 'node:path';
import type { Cutoff, Evaluation, History, PreparedTable } from '../../index.js';
import type { BaselineMetrics } from './train-fit.js';
import { trainOnTable } from './train-core.js';
import type { Parsed } from '../args.js';
import { writeAtomic } from '../files.js';
import { READ_THREADS_AT_MOST, readCsvFileInParallel } from '../table-read.js';
import { formatTable, metricRows } from '../output.js';
import { workerThreads } from '../threads.js';
import { inputName } from '../csv-input.js';

export { trainSpec } from './train-spec.js';

export interface TrainOutcome {
  metrics: Evaluation;
  history: History;
  prep: PreparedTable;
  modelPath: string;
  json: Record<string, unknown>;
}

/** The whole training job; shared by `train` and `demo`: read the file, train (train-core.ts), write model and report. */
export async function runTraining(o: Parsed, dataLabel?: string): Promise<TrainOutcome> {
  const dataPath = o.data as string;
  const source = dataLabel ?? inputName(dataPath);
  const loadStart = performance.now();
  const threads = workerThreads('train', o.workers as number | undefined, !!o.quiet, READ_THREADS_AT_MOST);
  const { table, sha256: dataSha256, threads: readThreads } = await readCsvFileInParallel(dataPath, source, threads);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const modelPath = o.out as string;
  const r = await trainOnTable(o, {
    table,
    source,
    dataSha256,
    withReport: !!o.report,
    modelLabel: resolve(modelPath),
    warn: (line: string) => process.stderr.write(`${line}\n`),
  });
  writeAtomic(modelPath, r.bytes);
  if (r.report !== null) writeAtomic(o.report as string, r.report);
  const json = {
    ...r.json,
    timing: { loadSeconds, readThreads, ...(r.json.timing as object) },
    model: modelPath,
    report: (o.report as string | undefined) ?? null,
  };
  return { metrics: r.metrics, history: r.history, prep: r.prep, modelPath, json };
}

export function printOutcome(r: TrainOutcome, asJson: boolean): void {
  if (asJson) {
    process.stdout.write(`${JSON.stringify(r.json)}\n`);
    return;
  }
  const m = r.metrics;
  process.stdout.write(`\nHeld-out metrics (${m.rows} rows, ${m.positives} positive; threshold ${Number(m.threshold.toPrecision(4))})\n`);
  // Beside the network, on the same test part: the logistic regression (the comparison a risk team makes first) and,
  // in the demo, the original's recipe.
  const others = [
    ['original recipe', r.json.originalRecipe],
    ['logistic baseline', r.json.baseline],
  ].filter((c): c is [string, BaselineMetrics] => !!c[1]);
  if (others.length) {
    const cell = (b: BaselineMetrics, name: string) => ({ AUC: b.auc, KS: b.ks, Brier: b.brier, 'log loss': b.logLoss })[name as 'AUC']?.toFixed(4) ?? '';
    const rows = metricRows(m).map(([name, value]) => [name, value, ...others.map(([, b]) => cell(b, name))]);
    process.stdout.write(`${formatTable(rows, ['metric', 'network', ...others.map(([label]) => label)])}\n`);
  } else process.stdout.write(`${formatTable(metricRows(m))}\n`);
  const c = m.confusion;
  process.stdout.write(`confusion: TP ${c.tp}  FP ${c.fp}  TN ${c.tn}  FN ${c.fn}\n`);
  const cut = r.json.cutoff as Cutoff & { chosenOn: string | null };
  if (cut.chosenOn) {
    // Approved on the test part = predicted negative (P below the threshold).
    const testApproved = (c.tn + c.fn) / Math.max(1, m.rows);
    const rule = cut.rule.rule === 'approval' ? `approve ${(100 * cut.rule.approvalRate).toFixed(1)} %` : 'least expected cost';
    process.stdout.write(
      `cut-off: decline at P ≥ ${cut.threshold.toFixed(4)} (${rule}, chosen on the ${cut.chosenOn}: ${(100 * cut.approvalRate).toFixed(1)} % approved there, ${(100 * testApproved).toFixed(1)} % on the test part)\n`,
    );
  }
  const moved = (r.json.characteristicPsi as Array<{ feature: string; psi: number }>).filter((f) => f.psi > 0.1);
  if (moved.length)
    process.stdout.write(
      `features that differ between the training and test parts (PSI > 0.1): ${moved.map((f) => `${f.feature} ${f.psi.toFixed(3)}`).join(', ')}\n`,
    );
  process.stdout.write(
    `${r.history.epochs.length ? `trained ${r.history.epochs.length} epochs${r.history.bestEpoch !== r.history.epochs.length ? ` (early stopping kept epoch ${r.history.bestEpoch})` : ''}` : 'fitted a logistic regression'} in ${r.history.trainSeconds.toFixed(2)} s; model written to ${r.modelPath}${r.json.report ? `; report ${r.json.report}` : ''}\n`,
  );
  if (r.prep.skipped.length)
    process.stderr.write(`note: ${r.prep.skipped.length} rows were left out (first: line ${r.prep.skipped[0].line}: ${r.prep.skipped[0].reason})\n`);
}

export async function train(o: Parsed): Promise<void> {
  printOutcome(await runTraining(o), !!o.json);
}
