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
  const quick = plainDecimal(text);
  if (!Number.isNaN(quick)) return quick;
  const s = text.trim();
  if (!NUMBER_RE.test(s)) return NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** 10⁰ … 10²², each an exact double. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * `Number(text)` for the common cell — digits with an optional sign, point and exponent, nothing around them — when
 * Clinger's fast path makes it exact (≤ 15 significant digits, a power of ten within 10^±22: one correctly rounded
 * operation); NaN otherwise, and parseNumber's regular path decides. No regular expression, no trimmed copy.
 */
function plainDecimal(t: string): number {
  const n = t.length;
  let i = 0;
  const first = t.charCodeAt(0);
  const negative = first === 0x2d;
  if (negative || first === 0x2b) i++;
  let mantissa = 0,
    digits = 0,
    significant = 0,
    fraction = 0,
    dot = false;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      digits++;
      if (dot) fraction++;
      if (significant > 0 || c !== 0x30) significant++;
      mantissa = mantissa * 10 + (c - 0x30);
    } else if (c === 0x2e && !dot) dot = true;
    else break;
  }
  if (digits === 0 || significant > 15) return NaN;
  let exponent = 0;
  if (i < n) {
    const c = t.charCodeAt(i);
    if (c !== 0x65 && c !== 0x45) return NaN;
    i++;
    const sign = t.charCodeAt(i);
    const expNegative = sign === 0x2d;
    if (expNegative || sign === 0x2b) i++;
    if (i >= n) return NaN;
    for (; i < n; i++) {
      const d = t.charCodeAt(i);
      if (d < 0x30 || d > 0x39 || exponent > 1000) return NaN;
      exponent = exponent * 10 + (d - 0x30);
    }
    if (expNegative) exponent = -exponent;
  }
  const power = exponent - fraction;
  if (power < -22 || power > 22) return NaN;
  const v = power >= 0 ? mantissa * POW10[power] : mantissa / POW10[-power];
  return negative ? -v : v;
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
