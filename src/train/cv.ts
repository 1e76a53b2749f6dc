import { UsageError } from '../core/errors.js';
import { columnTable, columnTexts, targetLabels, type Table } from '../data/column-table.js';
import { type PrepareTableOptions, type PreparedTable, prepareTable } from '../data/prepare.js';
import { type Split, forwardChainingFolds, groupKFold, stratifiedKFold } from '../data/split.js';
import { calibrationSummary } from '../metrics/probabilistic.js';
import { evaluateScores } from '../metrics/evaluate.js';

/** What a candidate gives back for a fold: a trained model. */
export interface CvModel {
  /** P(positive) for `rows` encoded rows of `x`. */
  predictProba(x: Float32Array, rows: number): Float32Array;
}

/** A model that can be cross-validated: trained on a fold's prepared parts (fold number `fold`). */
export type CvCandidate = (prep: PreparedTable, fold: number) => Promise<CvModel>;

/** How `crossValidate` folds the table. */
export interface CvOptions extends Omit<PrepareTableOptions, 'split' | 'testSize' | 'timeColumn' | 'ootFrom'> {
  /** Folds (default 5). */
  folds?: number;
  /** Grouped folds: rows with the same value of this column stay in one fold (a customer, a household). */
  group?: string;
  /** Forward-chaining folds over this period column: each fold trains on the past, tests on the next period block. */
  timeColumn?: string;
  /** Run only these folds (0-based; default all) — how the CLI's workers share the folds out. */
  only?: number[];
}

/** One candidate's out-of-fold metrics on one fold. */
export interface FoldMetrics {
  fold: number;
  auc: number;
  ks: number;
  brier: number;
  logLoss: number;
  /** Mean predicted P(positive) − the observed rate (calibration-in-the-large). */
  bias: number;
  rows: number;
}

/**
 * The folds `crossValidate` uses for a table (stratified by the target; grouped; or forward-chaining in time), from
 * the seed alone — so workers given fold numbers compute the same folds.
 * @example
 * const folds = cvFolds(table, { target: 'Status', positive: 'bad', folds: 5, seed: 1 });
 */
export function cvFolds(rowsOrColumns: Table, options: CvOptions): Split[] {
  const table = columnTable(rowsOrColumns);
  const k = options.folds ?? 5;
  const column = (name: string, what: string) => {
    const j = table.columns.indexOf(name);
    if (j < 0) throw new UsageError(`${what} column '${name}' is not in the file`);
    return j;
  };
  if (options.timeColumn) {
    const j = column(options.timeColumn, 'time');
    return forwardChainingFolds(columnTexts(table, j), k, table.lines, options.timeColumn);
  }
  if (options.group) {
    const j = column(options.group, 'group');
    return groupKFold(columnTexts(table, j), k, { seed: options.seed });
  }
  const t = column(options.target, 'target');
  const positive = String(options.positive).trim();
  return stratifiedKFold(targetLabels(table, t, positive), k, { seed: options.seed });
}

/**
 * k-fold cross-validation of several candidates on identical folds: for each fold the preprocessor is fitted on the
 * training folds only (and a validation part carved from them when `validationSize` is given, for early stopping),
 * every candidate is trained on them and scored on the held-out fold. Returns each candidate's per-fold metrics;
 * `summarizeCv` gives mean ± sd and the paired differences to a reference candidate. Deterministic from `seed`,
 * whatever order or process the folds run in.
 * @example
 * const results = await crossValidate(table, { target: 'Status', positive: 'bad', seed: 1 }, {
 *   logistic: async (prep) => logisticModel(fitLogistic(prep.train)),
 * });
 */
export async function crossValidate(rowsOrColumns: Table, options: CvOptions, candidates: Record<string, CvCandidate>): Promise<Record<string, FoldMetrics[]>> {
  const table = columnTable(rowsOrColumns); // converted once, not per fold
  const folds = cvFolds(table, options);
  const out: Record<string, FoldMetrics[]> = Object.fromEntries(Object.keys(candidates).map((name) => [name, []]));
  for (const f of options.only ?? folds.map((_, i) => i)) {
    const prep = prepareTable(table, { ...options, exclude: [...(options.exclude ?? []), ...(options.group ? [options.group] : [])], split: folds[f] });
    for (const [name, train] of Object.entries(candidates)) {
      const model = await train(prep, f);
      const p = model.predictProba(prep.test.x, prep.test.rows);
      const m = evaluateScores(prep.test.y, p);
      const c = calibrationSummary(prep.test.y, p);
      out[name].push({ fold: f, auc: m.auc, ks: m.ks, brier: m.brier, logLoss: m.logLoss, bias: c.meanPredicted - c.observedRate, rows: prep.test.rows });
    }
  }
  return out;
}

/** Mean and standard deviation (n − 1) of a metric over folds. */
export interface MeanSd {
  mean: number;
  sd: number;
}

/**
 * Mean ± sd of each metric per candidate, and — against `reference` (the logistic baseline) — the paired difference
 * per fold (candidate − reference) as mean ± sd, with the number of folds the candidate wins on AUC.
 * @example
 * summarizeCv(results, 'logistic').candidates.network.auc; // { mean: 0.851, sd: 0.012 }
 */
export function summarizeCv(
  results: Record<string, FoldMetrics[]>,
  reference?: string,
): Record<
  string,
  Record<'auc' | 'ks' | 'brier' | 'logLoss' | 'bias', MeanSd> & { vsReference?: { auc: MeanSd; brier: MeanSd; aucWins: number }; folds: number }
> {
  const stats = (v: number[]): MeanSd => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
    return { mean, sd };
  };
  const keys = ['auc', 'ks', 'brier', 'logLoss', 'bias'] as const;
  const ref = reference ? results[reference] : undefined;
  if (reference && !ref) throw new UsageError(`summarizeCv: no candidate named '${reference}'`);
  const byFold = (list: FoldMetrics[]) => [...list].sort((a, b) => a.fold - b.fold);
  return Object.fromEntries(
    Object.entries(results).map(([name, list]) => {
      const sorted = byFold(list);
      const summary = Object.fromEntries(keys.map((k) => [k, stats(sorted.map((m) => m[k]))])) as Record<(typeof keys)[number], MeanSd>;
      const paired =
        ref && name !== reference
          ? (() => {
              const r = byFold(ref);
              return {
                auc: stats(sorted.map((m, i) => m.auc - r[i].auc)),
                brier: stats(sorted.map((m, i) => m.brier - r[i].brier)),
                aucWins: sorted.filter((m, i) => m.auc > r[i].auc).length,
              };
            })()
          : undefined;
      return [name, { ...summary, ...(paired ? { vsReference: paired } : {}), folds: sorted.length }];
    }),
  );
}
