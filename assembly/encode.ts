// Part of the hamiltonian-ai hot path (see index.ts): the byte encoder's common case (src/data/byte-encoder.ts).
//
// A batch of CSV records, as the byte scanner gives them (bytes; per record its first field; per field its start,
// end and flags), becomes model inputs: a cell with plain bytes at both ends is read straight from them — a
// number by Clinger's fast path (the same operations as parseDecimal in src/data/cells.ts, so the same double),
// a category by FNV-1a over its bytes in a copy of its ByteTable. Every other cell (padding, escapes, non-ASCII,
// missing texts, unknown categories, numbers the fast path cannot read exactly) is listed for the JavaScript
// encoder, which decides it as before: this kernel only ever writes what the JS fast path would have written.

import { ESCAPED } from './field-flags';

/** Records per tile: a tile's bytes and fields stay in cache across the features. */
const TILE: i32 = 256;
/** Feature kinds in the descriptor table. */
const NUMBER: i32 = 0;
const CATEGORY: i32 = 1;

/** 10⁰ … 10²²: every one an exact double. */
const POW10 = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

/**
 * A plain decimal's value when Clinger's fast path gives it exactly (at most 15 significant digits, a power of
 * ten within 10^±22), else NaN — parseDecimal in src/data/cells.ts, with its digits gathered in an integer: below
 * 10¹⁵ the integer is the double parseDecimal builds, exactly (a longer run may wrap, but is refused anyway).
 */
// @ts-ignore: decorator
@inline
function decimalAt(s: usize, e: usize): f64 {
  let i = s;
  let c = load<u8>(i);
  const negative = c == 0x2d;
  if (c == 0x2b || c == 0x2d) i++;
  let mantissa: u64 = 0;
  let significant = 0; // digits from the first that is not 0
  const whole = i;
  for (; i < e; i++) {
    const d = <u32>load<u8>(i) - 0x30;
    if (d > 9) break;
    mantissa = mantissa * 10 + d;
    significant += <i32>(mantissa != 0);
  }
  let digits = <i32>(i - whole);
  let fraction = 0;
  if (i < e && load<u8>(i) == 0x2e) {
    const point = ++i;
    for (; i < e; i++) {
      const d = <u32>load<u8>(i) - 0x30;
      if (d > 9) break;
      mantissa = mantissa * 10 + d;
      significant += <i32>(mantissa != 0);
    }
    fraction = <i32>(i - point);
    digits += fraction;
  }
  if (digits == 0 || significant > 15) return NaN;
  let exponent = 0;
  if (i < e) {
    c = load<u8>(i);
    if (c != 0x65 && c != 0x45) return NaN;
    i++;
    let expNegative = false;
    if (i < e) {
      c = load<u8>(i);
      if (c == 0x2b || c == 0x2d) {
        expNegative = c == 0x2d;
        i++;
      }
    }
    if (i >= e) return NaN;
    for (; i < e; i++) {
      c = load<u8>(i);
      if (c < 0x30 || c > 0x39 || exponent > 1000) return NaN;
      exponent = exponent * 10 + <i32>(c - 0x30);
    }
    if (expNegative) exponent = -exponent;
  }
  const power = exponent - fraction;
  if (power < -22 || power > 22) return NaN;
  const m = <f64>mantissa;
  const v = power >= 0 ? m * load<f64>(POW10 + (<usize>power << 3)) : m / load<f64>(POW10 + (<usize>-power << 3));
  return negative ? -v : v;
}

/** Bytes of a u64 whose value is `c`: the high bit of each such byte set (the lowest one exact; above it, any). */
// @ts-ignore: decorator
@inline
function bytesEqual(x: u64, c: u64): u64 {
  const y = x ^ (c * 0x0101010101010101);
  return (y - 0x0101010101010101) & ~y & 0x8080808080808080;
}

/** A u64 mask of its lowest `n` bytes (1 ≤ n ≤ 8): the first n bytes of a little-endian load. */
// @ts-ignore: decorator
@inline
function lowBytes(n: i32): u64 {
  return n == 8 ? <u64>-1 : (<u64>1 << (<u64>n << 3)) - 1;
}

/**
 * decimalAt for a cell of at most 8 bytes that is digits with at most one point ('16100', '13.99', '.5', '7.'), eight
 * digits at once in a 64-bit word (the digits moved together over the point, then the pairs, fours and eights
 * combined): the integer parseDecimal gathers, divided by the same power of ten — the same double. NaN for anything
 * else (a sign, an exponent, a second point): decimalAt reads those.
 */
// @ts-ignore: decorator
@inline
function shortDecimal(sp: usize, len: i32): f64 {
  let x = load<u64>(sp) & lowBytes(len);
  let digits = len,
    fraction = 0;
  const points = bytesEqual(x, 0x2e);
  if (points) {
    const at = <u64>ctz(points) & ~7; // bit offset of the first point
    const below = x & ((<u64>1 << at) - 1);
    x = below | ((x >> (at + 8)) << at); // (a point in the last byte: a shift by 64 is by 0, the byte dropped by `keep`)
    digits--;
    fraction = digits - <i32>(at >> 3);
  }
  if (digits == 0) return NaN;
  const keep = lowBytes(digits);
  const t = (x - 0x3030303030303030) & keep;
  if ((t | (t + 0x7676767676767676)) & 0x8080808080808080 & keep) return NaN; // a byte that is not a digit
  let v = t << ((8 - <u64>digits) << 3); // leading zero digits below the first
  v = ((v & 0x0f0f0f0f0f0f0f0f) * 2561) >> 8;
  v = ((v & 0x00ff00ff00ff00ff) * 6553601) >> 16;
  v = ((v & 0x0000ffff0000ffff) * 42949672960001) >> 32;
  const m = <f64>v;
  return fraction == 0 ? m : m / load<f64>(POW10 + (<usize>fraction << 3));
}

/**
 * The number of the category whose bytes are [s, e) in a ByteTable copied to `table` (header: mask, then pointers
 * to slots, hashes, starts and pool), or -1 — ByteTable.find: FNV-1a, linear probing, hash then bytes compared.
 */
// @ts-ignore: decorator
@inline
function categoryAt(table: usize, s: usize, e: usize): i32 {
  let h: i32 = <i32>0x811c9dc5;
  for (let p = s; p < e; p++) h = (h ^ <i32>load<u8>(p)) * 0x01000193;
  const mask = load<i32>(table);
  const slots = <usize>load<i32>(table, 4),
    hashes = <usize>load<i32>(table, 8),
    starts = <usize>load<i32>(table, 12),
    pool = <usize>load<i32>(table, 16);
  const length = <i32>(e - s);
  let at = h & mask;
  let index = load<i32>(slots + (<usize>at << 2)) - 1;
  while (index >= 0) {
    const p = load<i32>(starts + (<usize>index << 2));
    if (
      load<i32>(hashes + (<usize>index << 2)) == h &&
      load<i32>(starts + (<usize>index << 2), 4) - p == length &&
      memory.compare(pool + <usize>p, s, <usize>length) == 0
    )
      return index;
    at = (at + 1) & mask;
    index = load<i32>(slots + (<usize>at << 2)) - 1;
  }
  return -1;
}

/** A byte that needs no trimming and starts no multi-byte character: printable ASCII other than space. */
// @ts-ignore: decorator
@inline
function isPlain(c: u8): bool {
  return c > 0x20 && c < 0x80;
}

/**
 * Encodes `rows` records into rows × cols floats at `out` (zeroed first; one-hot ones and numbers written, not
 * standardised). Record i's fields are [firstField[i], firstField[i + 1]) − fieldBase in the field arrays, and a
 * field's bytes [fieldStart, fieldEnd) − byteBase from `bytes`. Records with skip[i] ≠ 0 are left alone. `features`
 * holds 4 i32 per feature: its field, kind (0 number, 1 category, 2 a number only the JS encoder reads), first
 * column, category table. Each cell not read here goes to `pending` as (record, feature) — tile by tile, feature by
 * feature within a tile; returns how many.
 */
export function encodeByteCells(
  bytes: usize,
  byteBase: i32,
  firstField: usize,
  fieldBase: i32,
  fieldStart: usize,
  fieldEnd: usize,
  fieldFlags: usize,
  skip: usize,
  rows: i32,
  features: usize,
  featureCount: i32,
  out: usize,
  cols: i32,
  pending: usize,
): i32 {
  memory.fill(out, 0, <usize>(rows * cols) << 2);
  const text = bytes - <usize>byteBase;
  let count = 0;
  for (let t = 0; t < rows; t += TILE) {
    const end = min(rows, t + TILE);
    for (let f = 0; f < featureCount; f++) {
      const d = features + (<usize>f << 4);
      const field = load<i32>(d),
        kind = load<i32>(d, 4),
        column = load<i32>(d, 8),
        table = <usize>load<i32>(d, 12);
      for (let i = t; i < end; i++) {
        if (load<u8>(skip + <usize>i)) continue;
        const k = <usize>(load<i32>(firstField + (<usize>i << 2)) - fieldBase + field);
        const s = load<i32>(fieldStart + (k << 2)),
          e = load<i32>(fieldEnd + (k << 2));
        if (kind != 2 && s < e && (load<u8>(fieldFlags + k) & ESCAPED) == 0) {
          const sp = text + <usize>s,
            ep = text + <usize>e;
          if (isPlain(load<u8>(sp)) && isPlain(load<u8>(ep - 1))) {
            const row = out + (<usize>(i * cols + column) << 2);
            if (kind == CATEGORY) {
              const position = categoryAt(table, sp, ep);
              if (position >= 0) {
                store<f32>(row + (<usize>position << 2), 1);
                continue;
              }
            } else if (kind == NUMBER) {
              let v = e - s <= 8 ? shortDecimal(sp, e - s) : NaN;
              if (v != v) v = decimalAt(sp, ep);
              if (v == v) {
                store<f32>(row, <f32>v);
                continue;
              }
            }
          }
        }
        const at = pending + (<usize>count << 3);
        store<i32>(at, i);
        store<i32>(at, f, 4);
        count++;
      }
    }
  }
  return count;
}
