// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

import { axpy } from './optim';
import { activatedLanes, activatedValue, geluDerivative } from './vector';

// ---------------------------------------------------------------------------------------------------
// Layer kernels
// ---------------------------------------------------------------------------------------------------

// act: 0 = identity, 1 = relu, 2 = leaky_relu (slope), 3 = tanh

/** dst[0:n] += src[0:n] (the row add under addBias and sumRows). */
// @ts-ignore: decorator
@inline
function addInto(dst: usize, src: usize, n: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= n; j += 4) {
      const o = dst + (<usize>j << 2);
      v128.store(o, f32x4.add(v128.load(o), v128.load(src + (<usize>j << 2))));
    }
  }
  for (; j < n; j++) {
    const o = dst + (<usize>j << 2);
    store<f32>(o, load<f32>(o) + load<f32>(src + (<usize>j << 2)));
  }
}

/** out[r×c] += bias (broadcast over rows), in place. */
export function addBias(out: usize, bias: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) addInto(out + (<usize>(i * cols) << 2), bias, cols);
}

/** post = dropoutMask ⊙ act(pre) for n elements (mask = 0 means no dropout). */
export function activate(post: usize, pre: usize, n: i32, act: i32, slope: f32, mask: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(slope);
    if (act == 1) {
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        let y = activatedLanes(v128.load(pre + off), 1, s);
        if (mask) y = f32x4.mul(y, v128.load(mask + off));
        v128.store(post + off, y);
      }
    } else if (act == 2) {
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        let y = activatedLanes(v128.load(pre + off), 2, s);
        if (mask) y = f32x4.mul(y, v128.load(mask + off));
        v128.store(post + off, y);
      }
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    let y = activatedValue(load<f32>(pre + off), act, slope);
    if (mask) y *= load<f32>(mask + off);
    store<f32>(post + off, y);
  }
}

/**
 * In place: g = g ⊙ mask ⊙ act′(pre) for n elements (mask = 0: none). ReLU's derivative selects (0 where
 * pre ≤ 0, as PyTorch's threshold_backward) rather than multiplies, so a NaN or ∞ gradient there gives 0, not NaN.
 */
export function activateBackward(g: usize, pre: usize, n: i32, act: i32, slope: f32, mask: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    if (act == 1) {
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        let y = v128.load(g + off);
        if (mask) y = f32x4.mul(y, v128.load(mask + off));
        v128.store(g + off, v128.and(y, f32x4.gt(v128.load(pre + off), zero)));
      }
    } else if (act == 2) {
      const s = f32x4.splat(slope);
      const one = f32x4.splat(1);
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        let y = f32x4.mul(v128.load(g + off), v128.bitselect(one, s, f32x4.gt(v128.load(pre + off), zero)));
        if (mask) y = f32x4.mul(y, v128.load(mask + off));
        v128.store(g + off, y);
      }
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const x = load<f32>(pre + off);
    let d: f32 = 1;
    if (act == 2) d = x > 0 ? 1 : slope;
    else if (act == 3) {
      const t = <f32>Math.tanh(<f64>x);
      d = 1 - t * t;
    } else if (act == 4) d = <f32>geluDerivative(<f64>x);
    let y = load<f32>(g + off) * d;
    if (mask) y *= load<f32>(mask + off);
    if (act == 1 && !(x > 0)) y = 0;
    store<f32>(g + off, y);
  }
}

/** out[c] (+)= Σ_rows x[r×c]. */
export function sumRows(out: usize, x: usize, rows: i32, cols: i32, accumulate: bool): void {
  if (!accumulate) memory.fill(out, 0, <usize>cols << 2);
  for (let i = 0; i < rows; i++) addInto(out, x + (<usize>(i * cols) << 2), cols);
}

/**
 * Reason codes' occluded rows, activated: per record i of x (records × cols), its first-layer output base[i×h] (the
 * record itself), then one row per group of inputs in which x[i] differs from `to` (to[j] − x[i][j] not 0, NaN
 * included): base[i] + Σ d·w[j×h] over the group's changed inputs j in input order — the record's first layer with
 * that group's inputs set to `to`. groupOf[j] is input j's group (−1: never changed alone, no row); a group is a run
 * of consecutive inputs. group[r] is row r's group, −1 for a record's own row (its first). Indices as f32 (exact
 * below 2²⁴). Each difference, product and sum rounds to f32 in that order, as the js op; the activation is `activate`.
 * Returns the rows written: at most records·(groups + 1).
 */
export function occludedRows(
  out: usize, group: usize, base: usize, w: usize, x: usize, to: usize, groupOf: usize,
  records: i32, cols: i32, h: i32, act: i32, slope: f32,
): i32 {
  const rowBytes = <usize>h << 2;
  let o = out, s = group;
  for (let i = 0; i < records; i++) {
    const z = base + <usize>i * rowBytes;
    const xi = x + (<usize>(i * cols) << 2);
    changedRow(o, z, w, 0, h, act, slope);
    store<f32>(s, -1);
    s += 4;
    o += rowBytes;
    // The open row's group (−1: none), its changes held back (up to HELD), or written into the row once more came.
    let open = -1, held = 0, written = false;
    let j = 0;
    while (j < cols) {
      // Four inputs at a time: a mask of the changed ones, most often empty.
      let mask = 1;
      const from = j;
      if (ASC_FEATURE_SIMD && j + 4 <= cols) {
        const off = <usize>j << 2;
        mask = i32x4.bitmask(f32x4.ne(f32x4.sub(v128.load(to + off), v128.load(xi + off)), f32x4.splat(0)));
        j += 4;
      } else j++;
      while (mask) {
        const q = from + ctz(mask);
        mask &= mask - 1;
        const g = <i32>load<f32>(groupOf + (<usize>q << 2));
        const d = load<f32>(to + (<usize>q << 2)) - load<f32>(xi + (<usize>q << 2));
        if (g < 0 || d == 0) continue;
        if (g != open) {
          if (open >= 0) {
            closeRow(o, z, w, held, written, h, act, slope);
            o += rowBytes;
          }
          store<f32>(s, <f32>g);
          s += 4;
          open = g;
          held = 0;
          written = false;
        }
        if (!written && held < HELD) {
          store<i32>(HELD_CHANGES + (<usize>held << 3), q);
          store<f32>(HELD_CHANGES + (<usize>held << 3), d, 4);
          held++;
        } else {
          if (!written) {
            // More changes than are held: the row is written (pre-activation) and takes the rest in place.
            memory.copy(o, z, rowBytes);
            for (let c = 0; c < held; c++) {
              const change = HELD_CHANGES + (<usize>c << 3);
              axpy(o, load<f32>(change, 4), w + (<usize>load<i32>(change) * <usize>h << 2), h);
            }
            written = true;
          }
          axpy(o, d, w + (<usize>q * <usize>h << 2), h);
        }
      }
    }
    if (open >= 0) {
      closeRow(o, z, w, held, written, h, act, slope);
      o += rowBytes;
    }
  }
  return <i32>((s - group) >> 2);
}

/** Changes `occludedRows` holds back for one row before writing it in one pass. */
const HELD: i32 = 8;
/** Their (input, difference) pairs: an i32 and an f32 each. */
const HELD_CHANGES: usize = memory.data(HELD << 3);

/** Finishes an open row: written in one pass from its record's and the held changes, or activated where it was written. */
// @ts-ignore: decorator
@inline
function closeRow(o: usize, z: usize, w: usize, held: i32, written: bool, h: i32, act: i32, slope: f32): void {
  if (written) activate(o, o, h, act, slope, 0);
  else changedRow(o, z, w, held, h, act, slope);
}

/**
 * o = act(z + Σ d·w[q]) over the first `held` held changes, four units at a time in registers: the same operations
 * in the same order as writing z and adding each change in place, then `activate` (which the other activations and
 * the scalar build still call). One or two changes (a numeric feature, a one-hot block) keep their rows and factors
 * in locals.
 */
function changedRow(o: usize, z: usize, w: usize, held: i32, h: i32, act: i32, slope: f32): void {
  let u = 0;
  if (ASC_FEATURE_SIMD && held <= 2 && act <= 2) {
    const w0 = held > 0 ? w + (<usize>load<i32>(HELD_CHANGES) * <usize>h << 2) : z;
    const w1 = held > 1 ? w + (<usize>load<i32>(HELD_CHANGES, 8) * <usize>h << 2) : z;
    const d0 = v128.load32_splat(HELD_CHANGES, 4), d1 = v128.load32_splat(HELD_CHANGES, 12);
    // One loop per case, its branches folded away (the loop runs 16M times a million records with reason codes).
    if (act == 2) {
      if (held == 2) u = changedUnits(o, z, w0, w1, d0, d1, h, 2, 2, slope);
      else if (held == 1) u = changedUnits(o, z, w0, w1, d0, d1, h, 1, 2, slope);
      else u = changedUnits(o, z, w0, w1, d0, d1, h, 0, 2, slope);
    } else if (act == 1) {
      if (held == 2) u = changedUnits(o, z, w0, w1, d0, d1, h, 2, 1, slope);
      else if (held == 1) u = changedUnits(o, z, w0, w1, d0, d1, h, 1, 1, slope);
      else u = changedUnits(o, z, w0, w1, d0, d1, h, 0, 1, slope);
    } else u = changedUnits(o, z, w0, w1, d0, d1, h, held, 0, slope);
  }
  // The rest of the units (the tail, or all of them), activated by `activate` after.
  const done = u;
  for (; u < h; u++) {
    const off = <usize>u << 2;
    let v = load<f32>(z + off);
    for (let c = 0; c < held; c++) {
      const change = HELD_CHANGES + (<usize>c << 3);
      v += load<f32>(w + (<usize>load<i32>(change) * <usize>h << 2) + off) * load<f32>(change, 4);
    }
    store<f32>(o + off, v);
  }
  if (done < h) activate(o + (<usize>done << 2), o + (<usize>done << 2), h - done, act, slope, 0);
}

/**
 * `changedRow`'s vector loop for `held` (0–2) changes and ReLU (act 1), leaky ReLU (2) or none (0): inlined where both
 * are constants, so each case is a loop of its own. Returns the units done (whole vectors).
 */
// @ts-ignore: decorator
@inline
function changedUnits(o: usize, z: usize, w0: usize, w1: usize, d0: v128, d1: v128, h: i32, held: i32, act: i32, slope: f32): i32 {
  const sv = f32x4.splat(slope);
  let u = 0;
  for (; u + 4 <= h; u += 4) {
    const off = <usize>u << 2;
    let v = v128.load(z + off);
    if (held > 0) v = f32x4.add(v, f32x4.mul(v128.load(w0 + off), d0));
    if (held > 1) v = f32x4.add(v, f32x4.mul(v128.load(w1 + off), d1));
    v128.store(o + off, activatedLanes(v, act, sv));
  }
  return u;
}
