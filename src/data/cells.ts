/** Reading one cell: what counts as missing, what parses as a number, and why a cell does not. */

/** Cell texts read as missing by default (pandas' common `na_values`). */
export const DEFAULT_MISSING = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A'];

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a plain decimal number ('12', '-3.5', '1e3'); anything else (including 'NaN', '1,000') gives NaN.
 * @example
 * parseNumber(' 1e3 '); // 1000
 * parseNumber('1,000'); // NaN
 */
export function parseNumber(text: string): number {
  const s = text.trim();
  if (!NUMBER_RE.test(s)) return NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** Describes why a cell is not a usable number. */
export function badNumberReason(cell: string): string {
  const s = cell.trim();
  if (/^[+-]?(inf|infinity|nan)$/i.test(s)) return `'${cell}' is not a finite number`;
  if (NUMBER_RE.test(s)) return `'${cell}' overflows a double`;
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return `'${cell}' has thousands separators; write plain digits`;
  return `'${cell}' is not a number`;
}

/** The median of the values (0 for none), as pandas' `median`. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The largest finite float32: the network computes in float32, so a value beyond it cannot be scored. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The most standard deviations from the training mean a standardised input may lie. Samuelson's inequality bounds a
 * training row by √n, so this only refuses values far outside anything trained on — and it is the bound under which
 * a model file's forward pass is checked not to overflow (io/model-file.ts).
 */
export const MAX_STANDARDIZED = 1e6;

/** Why a parsed number cannot be scored, or null when it can. */
export function float32Problem(cell: string, v: number): string | null {
  return Math.abs(v) > FLOAT32_MAX ? `'${cell.trim()}' is beyond float32 range (±3.4e38)` : null;
}
