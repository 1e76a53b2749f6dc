/**
 * What `Preprocessor.fit` learns before the scaling: the options checked, the target's classes, each feature's kind,
 * categories and imputation (column-fit.ts), and the encoded columns — a state whose mean is 0 and scale 1 throughout.
 */
import { indices } from '../core/arrays.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_MISSING } from './cells.js';
import { learnFeature, readColumn, usableRows } from './column-fit.js';
import { perText, type ColumnTable } from './column-table.js';
import { DataError } from './errors.js';
import type { PreprocessorOptions, PreprocessorState } from './preprocessor-state.js';

/**
 * The schema of `rowIndices` of `t` (all rows when absent): the unscaled state, which of its columns are indicators
 * (missing flags and one-hot positions), the rows fitted on, and those of them usable (with 'drop', no missing feature).
 * @example
 * const { state, isIndicator } = learnSchema(table, { target: 'Status', positive: 'bad' }, split.train);
 */
export function learnSchema(
  t: ColumnTable,
  options: PreprocessorOptions,
  rowIndices: ArrayLike<number> | undefined,
): { state: PreprocessorState; isIndicator: boolean[]; rows: ArrayLike<number>; usable: Int32Array } {
  const src = options.source;
  const missingValues = options.missingValues ?? DEFAULT_MISSING;
  const missingSet = new Set(missingValues);
  const isMissing = (s: string | undefined) => s === undefined || missingSet.has(s.trim());
  const colIndex = new Map(t.columns.map((c, i) => [c, i]));
  const need = (name: string, what: string) => {
    if (!colIndex.has(name)) throw new DataError(`${what} column '${name}' is not in the file (columns: ${t.columns.join(', ')})`, { source: src });
    return colIndex.get(name)!;
  };
  const ti = need(options.target, 'target');
  for (const c of [...(options.numeric ?? []), ...(options.categorical ?? []), ...(options.exclude ?? [])]) need(c, 'named');
  const missing = options.missing ?? 'impute';
  if (missing !== 'drop' && missing !== 'impute') throw new UsageError(`missing must be 'drop' or 'impute', got '${missing}'`);
  const unseen = options.unseen ?? 'zeros';
  if (unseen !== 'zeros' && unseen !== 'error') throw new UsageError(`unseen must be 'zeros' or 'error', got '${unseen}'`);
  const maxCategories = options.maxCategories ?? 200;
  const rows = rowIndices ?? indices(t.rowCount);
  if (rows.length === 0) throw new DataError('no rows to fit on', { source: src });
  // Target: which values occur, and is the positive one among them? (Each distinct text read once: column-fit.ts.)
  const target = t.cells[ti];
  const targetMissing = perText(target, isMissing);
  const targetCounts = readColumn(target, rows, targetMissing).categories();
  const positive = String(options.positive).trim();
  if (!targetCounts.has(positive)) {
    throw new DataError(
      `positive label '${positive}' never appears in target column '${options.target}' (values: ${[...targetCounts.keys()].slice(0, 10).join(', ') || 'none'})`,
      { source: src, column: options.target },
    );
  }
  if (targetCounts.size < 2) {
    throw new DataError(`target column '${options.target}' has only one class ('${positive}'): nothing to learn`, { source: src, column: options.target });
  }

  const excluded = new Set([options.target, ...(options.exclude ?? [])]);
  const forcedNum = new Set(options.numeric ?? []);
  const forcedCat = new Set(options.categorical ?? []);
  for (const c of forcedNum) if (forcedCat.has(c)) throw new UsageError(`column '${c}' is named both numeric and categorical`);
  // Rows usable for fitting: with 'drop', those with no missing feature.
  const featureIdx = t.columns.map((c, i) => [c, i] as const).filter(([c]) => !excluded.has(c));
  if (featureIdx.length === 0) throw new DataError('no feature columns left after excluding the target', { source: src });
  const featureMissing = featureIdx.map(([, j]) => perText(t.cells[j], isMissing));
  const usable = usableRows(t, rows, target, targetMissing, missing === 'drop' ? featureIdx.map(([, j], f) => [t.cells[j], featureMissing[f]] as const) : []);
  if (usable.length === 0) throw new DataError(`every row has a missing value (policy 'drop'); use missing: 'impute'`, { source: src });

  const features = featureIdx.map(([name, j], f) =>
    learnFeature(t, j, usable, featureMissing[f], {
      kind: forcedCat.has(name) ? 'categorical' : forcedNum.has(name) ? 'numeric' : undefined,
      indicators: missing === 'impute',
      maxCategories,
      source: src,
    }),
  );

  const columns: string[] = [];
  const isIndicator: boolean[] = [];
  for (const f of features) {
    if (f.kind === 'numeric') {
      columns.push(f.name);
      isIndicator.push(false);
      if (f.indicator) {
        columns.push(`${f.name}__missing`);
        isIndicator.push(true);
      }
    } else {
      for (const c of f.categories) {
        columns.push(`${f.name}=${c}`);
        isIndicator.push(true);
      }
    }
  }
  const negatives = [...targetCounts.keys()].filter((v) => v !== positive).sort();
  const state: PreprocessorState = {
    format: 'hamiltonian-ai/preprocessor',
    version: 1,
    target: options.target,
    positive,
    negatives,
    features,
    columns,
    mean: columns.map(() => 0),
    scale: columns.map(() => 1),
    missing,
    unseen,
    missingValues,
  };
  return { state, isIndicator, rows, usable };
}
