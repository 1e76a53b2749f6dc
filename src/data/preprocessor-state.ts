import { UsageError } from '../core/errors.js';

/** What a missing cell becomes: 'impute' (the training median or mode, plus a missing indicator for numbers) or 'drop' (the row is skipped). */
export type MissingPolicy = 'drop' | 'impute';

/** What a category unseen in training becomes at scoring time. */
export type UnseenPolicy = 'zeros' | 'error';

/** One raw column as fitted: numeric (median, missing indicator) or categorical (category list, mode). */
export type FeatureSpec =
  | { name: string; kind: 'numeric'; median: number; indicator: boolean }
  | { name: string; kind: 'categorical'; categories: string[]; mode: string };

/** How `Preprocessor.fit` reads the table. */
export interface PreprocessorOptions {
  /** Target column. */
  target: string;
  /** The target value that means class 1 ("default"), e.g. 'bad', '1', 'yes'. Other values are class 0. */
  positive: string;
  /** Columns to treat as numeric whatever inference says. */
  numeric?: string[];
  /** Columns to treat as categorical whatever inference says. */
  categorical?: string[];
  /** Columns not used as features (identifiers, dates). */
  exclude?: string[];
  /**
   * 'impute' (default): median (numeric) or mode (categorical), plus a `name__missing` 0/1 column for
   * numeric columns that had missing values in training. 'drop': rows with a missing feature are left
   * out (the original notebook's `dropna`); at scoring time such rows are reported, not scored.
   */
  missing?: MissingPolicy;
  /** A category not seen in training: 'zeros' (default, all its one-hot columns 0) or 'error'. */
  unseen?: UnseenPolicy;
  /** Cell texts that mean "missing"; default `DEFAULT_MISSING` ('', NA, N/A, NaN, nan, null, NULL, None, #N/A — as pandas). */
  missingValues?: string[];
  /** Standardise the 0/1 one-hot and indicator columns too (default false: only numeric columns). */
  scaleIndicators?: boolean;
  /** Refuse categorical columns with more levels than this (likely an identifier); default 200. */
  maxCategories?: number;
  /** A name for error messages (the file path). */
  source?: string;
}

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
 * Checks a stored preprocessor against its schema before any of it is used (`Preprocessor.fromJSON`, and
 * `decodeModel` for every file): every field present with its type, names unique, widths consistent. A crafted
 * file must not reach the encoder with, say, a string where the missing-value list should be (it would then match
 * substrings). Errors name the field (`preprocessor.missingValues must be …`).
 * @example
 * checkPreprocessorState(JSON.parse(text)); // throws UsageError('preprocessor.…') when malformed
 */
export function checkPreprocessorState(state: PreprocessorState): void {
  const fail = (field: string, m: string): never => {
    throw new UsageError(`preprocessor${field} ${m}`);
  };
  if (!isPlainObject(state)) fail('', `must be an object, got ${describe(state)}`);
  for (const key of Object.keys(state)) if (!STATE_KEYS.has(key)) fail('', `has an unknown field '${key}'`);
  if (state.format !== 'hamiltonian-ai/preprocessor') fail('.format', `must be 'hamiltonian-ai/preprocessor', got ${describe(state.format)}`);
  if (state.version !== 1) fail('.version', `${describe(state.version)} is not supported (this library reads 1)`);
  if (typeof state.target !== 'string') fail('.target', `must be a string, got ${describe(state.target)}`);
  if (typeof state.positive !== 'string') fail('.positive', `must be a string, got ${describe(state.positive)}`);
  if (!isStringArray(state.negatives)) fail('.negatives', `must be an array of strings, got ${describe(state.negatives)}`);
  if (state.negatives.includes(state.positive)) fail('.negatives', `contains the positive label '${state.positive}'`);
  if (!isStringArray(state.missingValues)) fail('.missingValues', `must be an array of strings, got ${describe(state.missingValues)}`);
  if (state.missing !== 'drop' && state.missing !== 'impute') fail('.missing', `must be 'drop' or 'impute', got ${describe(state.missing)}`);
  if (state.unseen !== 'zeros' && state.unseen !== 'error') fail('.unseen', `must be 'zeros' or 'error', got ${describe(state.unseen)}`);
  if (!Array.isArray(state.features)) fail('.features', `must be an array, got ${describe(state.features)}`);
  const names = new Set<string>();
  let width = 0;
  state.features.forEach((f, i) => {
    const at = `.features[${i}]`;
    if (!isPlainObject(f)) fail(at, `must be an object, got ${describe(f)}`);
    if (typeof f.name !== 'string') fail(`${at}.name`, `must be a string, got ${describe(f.name)}`);
    if (names.has(f.name)) fail(`${at}.name`, `'${f.name}' appears twice`);
    if (f.name === state.target) fail(`${at}.name`, `'${f.name}' is the target`);
    names.add(f.name);
    if (f.kind === 'numeric') {
      if (!Number.isFinite(f.median)) fail(`${at}.median`, `must be a finite number, got ${describe(f.median)}`);
      if (typeof f.indicator !== 'boolean') fail(`${at}.indicator`, `must be true or false, got ${describe(f.indicator)}`);
      width += f.indicator ? 2 : 1;
    } else if (f.kind === 'categorical') {
      if (!isStringArray(f.categories) || f.categories.length === 0)
        fail(`${at}.categories`, `must be a non-empty array of strings, got ${describe(f.categories)}`);
      if (new Set(f.categories).size !== f.categories.length) fail(`${at}.categories`, `of '${f.name}' repeat a category`);
      if (typeof f.mode !== 'string' || !f.categories.includes(f.mode))
        fail(`${at}.mode`, `must be one of the categories of '${f.name}', got ${describe(f.mode)}`);
      width += f.categories.length;
    } else fail(`${at}.kind`, `must be 'numeric' or 'categorical', got ${describe((f as { kind: unknown }).kind)}`);
  });
  if (!isStringArray(state.columns)) fail('.columns', `must be an array of strings, got ${describe(state.columns)}`);
  if (!isNumberArray(state.mean)) fail('.mean', `must be an array of finite numbers, got ${describe(state.mean)}`);
  if (!isNumberArray(state.scale) || !state.scale.every((v) => v > 0)) fail('.scale', 'must be an array of positive finite numbers');
  if (width !== state.columns.length || state.mean.length !== width || state.scale.length !== width) {
    fail('', `features encode to ${width} columns but columns/mean/scale have ${state.columns.length}/${state.mean.length}/${state.scale.length}`);
  }
}

const STATE_KEYS = new Set([
  'format',
  'version',
  'target',
  'positive',
  'negatives',
  'features',
  'columns',
  'mean',
  'scale',
  'missing',
  'unseen',
  'missingValues',
]);

/** A JSON object (not null, not an array): what every metadata schema check asks of a record. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}
function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'number' && Number.isFinite(s));
}
/** A short description of a value for an error message (never the whole of a large one). */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  const text = typeof v === 'string' ? `'${v}'` : String(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : `${typeof v} ${text}`;
}
