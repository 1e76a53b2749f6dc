import { UsageError } from '../core/errors.js';

/** What a missing cell becomes: 'impute' (the training median or mode, plus a missing indicator for numbers) or 'drop' (the row is skipped). */
export type MissingPolicy = 'drop' | 'impute';

/** What a category unseen in training becomes at scoring time. */
export type UnseenPolicy = 'zeros' | 'error';

/** One raw column as fitted: numeric (median, missing indicator) or categorical (category list, mode). */
export type FeatureSpec =
  | { name: string; kind: 'numeric'; median: number; indicator: boolean }
  | { name: string; kind: 'categorical'; categories: string[]; mode: string };

/** The serialised preprocessor (stored in the model file’s metadata). */
export interface PreprocessorState {
  format: 'hamiltonian-ai/preprocessor';
  version: 1;
  target: string;
  positive: string;
  /** Target values seen in training other than the positive one. */
  negatives: string[];
  features: FeatureSpec[];
  /** Names of the encoded columns, in order (`Income`, `Income__missing`, `Home=rent`, …). */
  columns: string[];
  mean: number[];
  scale: number[];
  missing: MissingPolicy;
  unseen: UnseenPolicy;
  missingValues: string[];
}

/**
 * Checks a stored preprocessor's shape before any of it is used (`Preprocessor.fromJSON`); errors name the field.
 * @example
 * checkPreprocessorState(JSON.parse(text)); // throws UsageError('preprocessor: …') when malformed
 */
export function checkPreprocessorState(state: PreprocessorState): void {
  const fail = (m: string): never => {
    throw new UsageError(`preprocessor: ${m}`);
  };
  if (state?.format !== 'hamiltonian-ai/preprocessor') fail('not a hamiltonian-ai preprocessor');
  if (state.version !== 1) fail(`unsupported version ${state.version}`);
  if (!Array.isArray(state.features) || !Array.isArray(state.columns)) fail('features and columns must be arrays');
  let width = 0;
  for (const f of state.features) {
    if (typeof f?.name !== 'string') fail('a feature has no name');
    if (f.kind === 'numeric') {
      if (!Number.isFinite(f.median)) fail(`feature '${f.name}' has a non-finite median`);
      width += f.indicator ? 2 : 1;
    } else if (f.kind === 'categorical') {
      if (!Array.isArray(f.categories) || !f.categories.every((c) => typeof c === 'string')) fail(`feature '${f.name}' has bad categories`);
      width += f.categories.length;
    } else fail(`feature '${(f as FeatureSpec).name}' has unknown kind`);
  }
  if (width !== state.columns.length || state.mean?.length !== width || state.scale?.length !== width) {
    fail(`features encode to ${width} columns but columns/mean/scale have ${state.columns.length}/${state.mean?.length}/${state.scale?.length}`);
  }
  if (!state.mean.every(Number.isFinite) || !state.scale.every((v) => Number.isFinite(v) && v > 0)) fail('mean must be finite and scale positive');
  if (state.missing !== 'drop' && state.missing !== 'impute') fail(`bad missing policy '${state.missing}'`);
  if (state.unseen !== 'zeros' && state.unseen !== 'error') fail(`bad unseen policy '${state.unseen}'`);
}
