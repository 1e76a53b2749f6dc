import { basename } from 'node:path';
import { approvalCurve, characteristicStability, chooseCutoff, evaluateScores, gainsTable, psiAgainst } from '../../index.js';
import { buildReport } from '../../report/html.js';
import { psiVerdict } from '../../report/risk.js';
import { DEFAULT_SCALING } from '../../metrics/scorecard.js';
import { writeAtomic } from '../files.js';
import { protectedWeights, scoredBy } from './train-risk.js';
import { checks, type CommandSpec, type Parsed } from '../args.js';
import { UsageError } from '../errors.js';
import { READ_THREADS_AT_MOST, readCsvFileInParallel } from '../table-read.js';
import { loadModelFile } from '../model.js';
import { formatTable, metricRows } from '../output.js';
import { workerThreads } from '../threads.js';
import { inputName } from '../csv-input.js';

export const evaluateSpec: CommandSpec = {
  name: 'evaluate',
  summary: 'score a labelled CSV with a saved model: metrics, PSI of the score and of every feature against the training part, and (--report) the HTML report',
  usage: 'hamiltonian-ai evaluate --model MODEL.safetensors --data FILE.csv [--target COL] [--json]',
  options: {
    model: { type: 'string', io: 'in', arg: 'MODEL', help: 'model file', required: true },
    data: {
      type: 'string',
      io: 'in',
      dash: true,
      arg: 'FILE',
      help: 'labelled CSV (e.g. a later period); - reads standard input; gzip data (FILE.csv.gz) is decompressed as it is read',
      required: true,
    },
    target: { type: 'string', arg: 'COL', help: "target column (default: the model's)" },
    threshold: { type: 'number', help: "decision threshold (default: the model's, else 0.5)", check: checks.probability },
    report: {
      type: 'string',
      io: 'out',
      arg: 'FILE.html',
      help: "write train's report for this file: metrics, cut-off, gains, score and characteristic PSI against the training part",
    },
    workers: {
      type: 'int',
      help: 'threads reading the file, at most the number of cores (default: the cores, at most 4; one for a file under 8 MB); the results are the same for any number',
      check: checks.atLeastOne,
    },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  examples: [
    'hamiltonian-ai evaluate --model credit.safetensors --data data/credit_data.csv',
    'hamiltonian-ai evaluate --model credit.safetensors --data loans-2017.csv --report monitoring-2017.html',
  ],
};

export async function evaluate(o: Parsed): Promise<void> {
  const { bytes, content, model, preprocessor } = loadModelFile(o.model as string);
  const file = o.data as string;
  const path = inputName(file); // (what the messages and the report call it)
  const { table, sha256 } = await readCsvFileInParallel(file, path, workerThreads('evaluate', o.workers as number | undefined, false, READ_THREADS_AT_MOST));
  if (content.training?.dataSha256 === sha256) {
    // In-sample metrics read like a held-out estimate unless said: the training file is mostly training rows.
    process.stderr.write(
      `warning: ${path} is the data this model was trained on (same SHA-256): these metrics are mostly in-sample and optimistic; the held-out ones are in the model file (training.metrics) and in train's output\n`,
    );
  }
  const target = (o.target as string | undefined) ?? preprocessor.target;
  if (!table.columns.includes(target))
    throw new UsageError(`${path}: target column '${target}' is not in the file (columns: ${table.columns.join(', ')}); pass --target`);
  // A different target column name: rename it for the preprocessor.
  const t = target === preprocessor.target ? table : { ...table, columns: table.columns.map((c) => (c === target ? preprocessor.target : c)) };
  const enc = preprocessor.transform(t, undefined, { invalid: 'skip', source: path });
  if (enc.rows === 0)
    throw new UsageError(
      `${path}: no row could be scored (first problem: ${enc.skipped[0] ? `line ${enc.skipped[0].line}: ${enc.skipped[0].reason}` : 'no rows'})`,
    );
  const threshold = (o.threshold as number | undefined) ?? (content.training?.threshold as number | undefined) ?? 0.5;
  // The probabilities the scorers give: the network's, then the model's calibration (when it has one).
  const probs = scoredBy((x, rows) => model.predictProba(x, rows), content.calibration)({ x: enc.x, y: enc.y!, rows: enc.rows, cols: enc.cols });
  const m = evaluateScores(enc.y!, probs, { threshold, curves: !!o.report });
  const dist = content.training?.scoreDistribution;
  const psi = dist ? psiAgainst(dist, probs).psi : null;
  const references = content.training?.characteristics;
  const characteristicPsi = references ? characteristicStability(references, preprocessor.featureBlocks(), enc.x, enc.rows, enc.cols) : null;
  if (o.report) {
    const stored = content.training?.cutoff;
    const cutoff = o.threshold !== undefined || !stored ? chooseCutoff({ rule: 'threshold', threshold }, [], []) : { ...stored, threshold };
    const positive = preprocessor.positive;
    writeAtomic(
      o.report as string,
      buildReport({
        title: `hamiltonian-ai — ${basename(path)} scored with ${basename(o.model as string)}`,
        subtitle: [
          `${enc.rows} rows scored (${enc.skipped.length} skipped); target '${target}' (positive: '${positive}'); model trained on ${content.training?.dataFile ?? 'unknown data'}`,
        ],
        heldOutLabel: basename(path),
        evaluation: m,
        labels: enc.y!,
        probabilities: probs,
        classLabels: { positive, negative: preprocessor.label(0) },
        gains: enc.rows >= 10 ? gainsTable(enc.y!, probs, 10) : undefined,
        scaling: content.scorecard ?? DEFAULT_SCALING,
        cutoff,
        approval: approvalCurve(enc.y!, probs),
        characteristicPsi: characteristicPsi
          ? { against: `${basename(path)} vs training part`, features: characteristicPsi, scorePsi: psi ?? undefined }
          : undefined,
        protectedWeight: protectedWeights(bytes, { x: enc.x, y: enc.y!, rows: enc.rows, cols: enc.cols }, content.training?.protected ?? []),
        settings: { model: o.model as string, data: file },
      }),
    );
  }
  const metrics = {
    auc: m.auc,
    ks: m.ks,
    gini: m.gini,
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    brier: m.brier,
    logLoss: m.logLoss,
    prAuc: m.prAuc,
  };
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ metrics, psi, characteristicPsi: characteristicPsi?.map((c) => ({ feature: c.feature, psi: c.psi })) ?? null, confusion: m.confusion, threshold, rows: { scored: enc.rows, skipped: enc.skipped.length }, skipped: enc.skipped.slice(0, 100).map((s) => ({ line: s.line, reason: s.reason })), model: o.model })}\n`,
    );
  } else {
    const f = (v: number) => v.toFixed(4);
    process.stdout.write(`${path}: ${enc.rows} rows scored, ${m.positives} positive ('${preprocessor.positive}')\n`);
    process.stdout.write(`${formatTable([...metricRows(m), ['PSI vs training part', psi === null ? '—' : `${f(psi)} (${psiVerdict(psi)})`]])}\n`);
    const shifted = (characteristicPsi ?? []).filter((c) => c.psi > 0.1);
    if (shifted.length)
      process.stdout.write(`features that moved (PSI > 0.1 against the training part): ${shifted.map((c) => `${c.feature} ${f(c.psi)}`).join(', ')}\n`);
    const c = m.confusion;
    process.stdout.write(`confusion at ${threshold}: TP ${c.tp}  FP ${c.fp}  TN ${c.tn}  FN ${c.fn}\n`);
  }
  if (enc.skipped.length) {
    process.stderr.write(`warning: ${enc.skipped.length} rows not scored:\n`);
    for (const s of enc.skipped.slice(0, 10)) process.stderr.write(`  line ${s.line}: ${s.reason}\n`);
    if (enc.skipped.length > 10) process.stderr.write(`  … and ${enc.skipped.length - 10} more\n`);
  }
}
