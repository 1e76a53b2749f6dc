// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

import { activate } from './layers';
import { dotRows } from './sgemm';

// ---------------------------------------------------------------------------------------------------
// A binary model's last layer to P(class 1) in one call: the rows activated (`activate`), the two logits
// (`dotRows`, the kernel `linearInference` picks for fewer than 8 outputs) plus their biases, and the logistic
// of their difference as src/core/activations.ts writes it — with e^x by fdlibm's algorithm (FreeBSD e_exp.c,
// which V8's Math.exp is), so the probabilities are the bits the JavaScript logistic gives where V8 runs it.
// ---------------------------------------------------------------------------------------------------

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;
const OVERFLOW: f64 = 7.09782712893383973096e+02;
const UNDERFLOW: f64 = -7.45133219101941108420e+02;
const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;
const TWO_M1000: f64 = 9.33263618503218878990e-302;
const TWO_1023: f64 = 8.988465674311579539e307;

/** 2^k as the double whose high word is (0x3ff + k) << 20 (k within the normal exponents). */
// @ts-ignore: decorator
@inline
function powerOfTwo(k: i32): f64 {
  return reinterpret<f64>(<i64>((0x3ff + k) << 20) << 32);
}

/** e^x, fdlibm's `__ieee754_exp` operation for operation (reduction by k·ln2 in two parts, a degree-5 remez polynomial). */
export function fdlibmExp(x: f64): f64 {
  const high = <u32>(reinterpret<u64>(x) >> 32);
  const negative = high >> 31;
  const hx = high & 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78: NaN, ±∞, overflow or underflow.
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>reinterpret<u64>(x)) != 0) return x + x;
      return negative ? 0 : x;
    }
    if (x > OVERFLOW) return Infinity;
    if (x < UNDERFLOW) return 0;
  }
  let hi: f64 = 0, lo: f64 = 0, k: i32 = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ½ln2: x = k·ln2 + r, |r| ≤ ½ln2.
    if (hx < 0x3ff0a2b2) {
      if (x == 1) return 2.718281828459045;
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = <i32>(INV_LN2 * x + (negative ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2⁻²⁸ (fdlibm raises inexact by huge + x > 1, always true here).
    return 1 + x;
  }
  const t = x * x;
  const twopk = k >= -1021 ? powerOfTwo(k) : powerOfTwo(k + 1000);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return k == 1024 ? y * 2.0 * TWO_1023 : y * twopk;
  return y * twopk * TWO_M1000;
}

/** P(class 1) from the logit difference d: 1/(1 + e^−d) for d ≥ 0, e^d/(1 + e^d) below, one exp e^−|d|. */
function logisticOfDifference(d: f64): f32 {
  const e = fdlibmExp(-Math.abs(d));
  return <f32>((d >= 0 ? 1 : e) / (1 + e));
}

/**
 * Two rows' probabilities at once (f64x2 lanes) where both −|d| take fdlibm's reduction with k ≠ 0 and no
 * underflow (|d| in (0.35, 700): most rows) — the same operations as `fdlibmExp` lane by lane, the 1.5·ln2 branch's
 * k = −1 (its hi = x + ln2_hi, lo = −ln2_lo, which x − k·ln2_hi and k·ln2_lo are then) selected; returns false
 * (nothing stored) when either is outside.
 */
// @ts-ignore: decorator
@inline
function logisticPair(out: usize, d: v128): bool {
  const magnitude = f64x2.abs(d);
  const x = f64x2.neg(magnitude);
  const hx = i32x4.shuffle(magnitude, magnitude, 1, 3, 1, 3); // both lanes' high words (twice)
  const inRange = v128.and(i32x4.gt_s(hx, i32x4.splat(0x3fd62e42)), i32x4.lt_s(hx, i32x4.splat(0x4085e000)));
  if (i32x4.bitmask(inRange) != 0xf) return false;
  const reduced = i32x4.trunc_sat_f64x2_s_zero(f64x2.sub(f64x2.mul(f64x2.splat(INV_LN2), x), f64x2.splat(0.5)));
  const k = v128.bitselect(i32x4.splat(-1), reduced, i32x4.lt_s(hx, i32x4.splat(0x3ff0a2b2)));
  const t = f64x2.convert_low_i32x4_s(k);
  const hi = f64x2.sub(x, f64x2.mul(t, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(t, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const rr = f64x2.mul(r, r);
  const poly = f64x2.add(f64x2.splat(P1), f64x2.mul(rr, f64x2.add(f64x2.splat(P2), f64x2.mul(rr, f64x2.add(f64x2.splat(P3), f64x2.mul(rr, f64x2.add(f64x2.splat(P4), f64x2.mul(rr, f64x2.splat(P5)))))))));
  const c = f64x2.sub(r, f64x2.mul(rr, poly));
  const y = f64x2.sub(f64x2.splat(1), f64x2.sub(f64x2.sub(lo, f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2), c))), hi));
  const twopk = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k), i64x2.splat(0x3ff)), 52);
  const e = f64x2.mul(y, twopk);
  const one = f64x2.splat(1);
  const p = f64x2.div(v128.bitselect(one, e, f64x2.ge(d, f64x2.splat(0))), f64x2.add(one, e));
  v128.store64_lane(out, f32x4.demote_f64x2_zero(p), 0);
  return true;
}

/** Rows per block: their activations and logits stay in the scratch at `work`. */
const BLOCK: i32 = 64;

/**
 * out[r] = P(class 1) for `rows` rows of x (k values each, row stride k): the logistic of l1 − l0, l = W·act(x_r) + b
 * (W: 2 rows of k, b: 2). Per block of rows: `activate` into work, `dotRows` into the logits after it, then per row
 * 1/(1 + e^−d) for d ≥ 0 and e^d/(1 + e^d) below, with the one exp e^−|d| (d in f64, the probability rounded to f32).
 * `work` holds BLOCK·(k + 2) floats.
 */
export function binaryProbabilities(out: usize, x: usize, rows: i32, k: i32, w: usize, b: usize, act: i32, slope: f32, work: usize): void {
  const logits = work + (<usize>(BLOCK * k) << 2);
  const b0 = load<f32>(b), b1 = load<f32>(b, 4);
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const n = min(BLOCK, rows - r0);
    // The block's rows activated into work (none to do for rows activated already), then the logits after it.
    let block = x + (<usize>(r0 * k) << 2);
    if (act != 0) {
      activate(work, block, n * k, act, slope, 0);
      block = work;
    }
    dotRows(n, 2, k, block, k, w, k, logits, 2, false);
    let r = 0;
    if (ASC_FEATURE_SIMD) {
      const bias = f32x4(b0, b1, b0, b1);
      for (; r + 2 <= n; r += 2) {
        // Two rows' logits plus their biases (f32 adds), then l1 − l0 in f64.
        const l = f32x4.add(v128.load(logits + (<usize>r << 3)), bias);
        const d = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(l, l, 1, 3, 1, 3)), f64x2.promote_low_f32x4(i32x4.shuffle(l, l, 0, 2, 0, 2)));
        const at = out + (<usize>(r0 + r) << 2);
        if (logisticPair(at, d)) continue;
        store<f32>(at, logisticOfDifference(f64x2.extract_lane(d, 0)));
        store<f32>(at, logisticOfDifference(f64x2.extract_lane(d, 1)), 4);
      }
    }
    for (; r < n; r++) {
      const pair = logits + (<usize>r << 3);
      store<f32>(out + (<usize>(r0 + r) << 2), logisticOfDifference(<f64>(load<f32>(pair, 4) + b1) - <f64>(load<f32>(pair) + b0)));
    }
  }
}

/** Bytes of scratch `binaryProbabilities` needs for rows of k values. */
export function binaryProbabilitiesWorkBytes(k: i32): i32 {
  return (BLOCK * (k + 2)) << 2;
}
