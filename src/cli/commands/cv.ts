import { Worker } from 'node:worker_threads';
import { type FoldMetrics, summarizeCv } from '../../index.js';
import { checks, oneOf, type CommandSpec, type Parsed } from '../args.js';
import { UsageError } from '../errors.js';
import { writeAtomic } from '../files.js';
import { formatTable } from '../output.js';
import { BASELINE, type CvJob, configName, runFolds } from './cv-run.js';
import { trainSpec } from './train.js';
import { workerThreads } from '../threads.js';

export const cvSpec: CommandSpec = {
  name: 'cv',
  summary: 'k-fold cross-validation of network configurations beside the logistic baseline, on identical folds',
  usage: 'hamiltonian-ai cv --data FILE.csv --target COL --positive VALUE [--folds 5] [--hidden 64,32/16] [options]',
  options: {
    ...pick(trainSpec.options, ['data', 'target', 'positive']),
    // Each fold's worker reads the file itself: standard input could be read once only.
    data: { ...trainSpec.options.data, dash: false, help: 'training data, CSV with a header row; gzip data (FILE.csv.gz) is decompressed as it is read' },
    folds: { type: 'int', help: 'number of folds', default: 5, check: (v: number) => (v >= 2 ? null : `must be ≥ 2, got ${v}`) },
    group: { type: 'string', arg: 'COL', help: 'grouped folds: rows with the same value stay together (the column is not a feature)' },
    'time-column': { type: 'string', arg: 'COL', help: 'forward-chaining folds: train on earlier periods, test on the next block' },
    hidden: { type: 'string', arg: 'N,N/N', help: "network configurations to compare, '/'-separated (e.g. 64,32/16)", default: '64,32' },
    // The training settings are train's, so both commands train a configuration the same way.
    ...pick(trainSpec.options, ['optimizer', 'lr', 'epochs', 'patience', 'dropout', 'activation', 'batch-size', 'reg', 'c', 'smote', 'exclude', 'seed']),
    workers: { type: 'int', help: 'worker threads running folds in parallel (default and most: the number of cores)', check: checks.atLeastOne },
    backend: { type: 'string', arg: 'NAME', help: 'auto, wasm or js', default: 'auto', check: oneOf(['auto', 'wasm', 'js']) },
    report: { type: 'string', io: 'out', arg: 'FILE.json', help: 'write the per-fold metrics and the summary as JSON' },
    json: { type: 'boolean', help: 'print one JSON object' },
    quiet: { type: 'boolean', help: 'no progress output' },
  },
  examples: [
    'hamiltonian-ai cv --data data/credit_data.csv --target Status --positive bad --hidden 64,32/16',
    'hamiltonian-ai cv --data loans.csv --target default --positive 1 --time-column issue_d --folds 4',
  ],
};

export async function cv(o: Parsed): Promise<void> {
  if (o.group && o['time-column']) throw new UsageError('cv: --group and --time-column are different fold schemes: give one');
  const hidden = String(o.hidden)
    .split('/')
    .map((h) => {
      const t = h.trim();
      if (t === 'none') return [];
      if (!/^\d+(,\d+)*$/.test(t)) throw new UsageError(`--hidden: '${h}' is not a list of widths like 64,32 (or none)`);
      return t.split(',').map(Number);
    });
  const patience = o.patience as number;
  const job: CvJob = {
    data: o.data as string,
    parsed: { ...o, calibration: 'none', baseline: false },
    hidden,
    options: {
      target: o.target as string,
      positive: o.positive as string,
      folds: o.folds as number,
      group: o.group as string | undefined,
      timeColumn: o['time-column'] as string | undefined,
      seed: o.seed as number,
      applySmote: o.smote as boolean,
      exclude: o.exclude as string[] | undefined,
      validationSize: patience > 0 ? 0.15 : undefined,
      source: o.data as string,
    },
  };
  const k = o.folds as number;
  const workers = Math.min(k, workerThreads('cv', o.workers as number | undefined, !!o.quiet));
  const started = performance.now();
  const results =
    workers <= 1
      ? await runFolds(
          job,
          Array.from({ length: k }, (_, f) => f),
        )
      : await inWorkers(job, k, workers, !!o.quiet);
  const seconds = (performance.now() - started) / 1000;
  const summary = summarizeCv(results, BASELINE);
  const out = { folds: k, scheme: o['time-column'] ? 'forward-chaining' : o.group ? 'grouped' : 'stratified', workers, seconds, summary, perFold: results };
  if (o.report) writeAtomic(o.report as string, `${JSON.stringify(out, null, 2)}\n`);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const f = (m: { mean: number; sd: number }) => `${m.mean.toFixed(4)} ± ${m.sd.toFixed(4)}`;
  const names = [BASELINE, ...hidden.filter((h) => h.length).map(configName)];
  const rows = names.map((name) => {
    const s = summary[name];
    const vs = s.vsReference;
    return [
      name,
      f(s.auc),
      f(s.ks),
      f(s.brier),
      f(s.logLoss),
      s.bias.mean.toFixed(4),
      vs ? `${vs.auc.mean >= 0 ? '+' : ''}${f(vs.auc)}` : '—',
      vs ? `${vs.aucWins}/${s.folds}` : '—',
    ];
  });
  process.stdout.write(
    `${o.data}: ${k}-fold ${out.scheme} cross-validation (out-of-fold metrics, mean ± sd over folds; ${workers} worker${workers > 1 ? 's' : ''}, ${seconds.toFixed(1)} s)\n`,
  );
  process.stdout.write(`${formatTable(rows, ['model', 'AUC', 'KS', 'Brier', 'log loss', 'mean P − observed', 'AUC − logistic (paired)', 'folds won'])}\n`);
}

/** Deals the folds out to worker threads (fold f to worker f mod n) and merges what they post back. */
async function inWorkers(job: CvJob, k: number, n: number, quiet: boolean): Promise<Record<string, FoldMetrics[]>> {
  let done = 0;
  const parts = await Promise.all(
    Array.from({ length: n }, (_, w) => {
      const only = Array.from({ length: k }, (_, f) => f).filter((f) => f % n === w);
      return new Promise<Record<string, FoldMetrics[]>>((resolve, reject) => {
        const worker = new Worker(new URL('../cv-worker.js', import.meta.url), { workerData: { job, only } });
        worker.once('message', (m: { results?: Record<string, FoldMetrics[]>; error?: string; name?: string }) => {
          void worker.terminate();
          if (m.results) {
            done += only.length;
            if (!quiet) process.stderr.write(`cv: ${done}/${k} folds done\n`);
            resolve(m.results);
          } else reject(m.name === 'UsageError' || m.name === 'DataError' || m.name === 'CsvError' ? new UsageError(m.error!) : new Error(m.error));
        });
        worker.once('error', reject);
      });
    }),
  );
  const merged: Record<string, FoldMetrics[]> = {};
  for (const part of parts) for (const [name, list] of Object.entries(part)) merged[name] = [...(merged[name] ?? []), ...list].sort((a, b) => a.fold - b.fold);
  return merged;
}

/** The entries of `options` named in `keys`. */
function pick<T>(options: Record<string, T>, keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.map((k) => [k, options[k]]));
}
