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

/** 10⁰ … 10²²: every one an exact double (Clinger's fast path multiplies or divides by one of them). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The value of a plain decimal (`[+-]digits[.digits][e[+-]digits]`) when it is exactly `Number(text)` by Clinger's
 * fast path — at most 15 significant digits and a power of ten within 10^±22, one correctly rounded operation —
 * else NaN (the caller then reads the text).
 */
export function parseDecimal(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let negative = false;
  if (b[i] === 0x2b || b[i] === 0x2d) {
    negative = b[i] === 0x2d;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let fraction = 0;
  let dot = false;
  for (; i < e; i++) {
    const c = b[i];
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
  if (i < e) {
    if (b[i] !== 0x65 && b[i] !== 0x45) return NaN;
    i++;
    let expNegative = false;
    if (b[i] === 0x2b || b[i] === 0x2d) {
      expNegative = b[i] === 0x2d;
      i++;
    }
    if (i >= e) return NaN;
    for (; i < e; i++) {
      const c = b[i];
      if (c < 0x30 || c > 0x39 || exponent > 1000) return NaN;
      exponent = exponent * 10 + (c - 0x30);
    }
    if (expNegative) exponent = -exponent;
  }
  const power = exponent - fraction;
  if (power < -22 || power > 22) return NaN;
  const v = power >= 0 ? mantissa * POW10[power] : mantissa / POW10[-power];
  return negative ? -v : v;
}

/** A string cell's characters as bytes for parseDecimal (a plain number is short ASCII; anything else is not one). */
const scratch = new Uint8Array(32);

/** parseDecimal for a string: NaN unless it is short ASCII that parseDecimal reads exactly. */
function plainDecimal(t: string): number {
  const n = t.length;
  if (n === 0 || n > scratch.length) return NaN;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c > 0x7f) return NaN;
    scratch[i] = c;
  }
  return parseDecimal(scratch, 0, n);
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
