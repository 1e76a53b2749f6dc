// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

// ---------------------------------------------------------------------------------------------------
// Rows with many zero inputs (one-hot blocks of an encoded record: ~80 % of the demo model's inputs)
// through weights packed by `packWeights`, skipping the zeros. The same bits as `sgemmPacked`: for
// each KC block of k the dense kernel sums a[p]·b[p][j] from +0 in ascending p, one f32 product and
// one f32 add at a time, and a zero input only ever adds ±0 to that sum, which leaves it as it was
// (+0 + −0 is +0, and a sum that is +0 cannot become −0 by adding ±0). So the sum over the nonzero
// inputs, in the same order, is the same float — given finite weights (0·∞ is NaN in the dense
// kernel; the caller checks). Blocks after the first are added to C as the dense kernel adds them.
// ---------------------------------------------------------------------------------------------------

const NR: i32 = 8;
const KC: i32 = 256;
/** Panels whose sums are kept in registers at once (2 vectors each: 8 accumulators). */
const PANELS: i32 = 4;

/** How many of a[0…n) are not zero (NaN counts as not zero). */
export function nonzeroCount(a: usize, n: i32): i32 {
  let count = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    let zeros = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) zeros = i32x4.sub(zeros, f32x4.eq(v128.load(a + (<usize>i << 2)), zero)); // eq gives −1
    count = i - (i32x4.extract_lane(zeros, 0) + i32x4.extract_lane(zeros, 1) + i32x4.extract_lane(zeros, 2) + i32x4.extract_lane(zeros, 3));
  }
  for (; i < n; i++) if (load<f32>(a + (<usize>i << 2)) != 0) count++;
  return count;
}

/**
 * C[m×n] (row stride ldc) = A[m×k] (row stride lda) · op(B), op(B) packed by `packWeights` (any n), skipping A's
 * zeros. `work` holds the nonzero inputs of a row (k pairs of index and value).
 */
export function sgemmPackedSparse(m: i32, n: i32, k: i32, a: usize, lda: i32, packed: usize, c: usize, ldc: i32, work: usize): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const npad = ((n + NR - 1) / NR) * NR;
  for (let i = 0; i < m; i++) {
    const row = a + (<usize>(i * lda) << 2);
    const out = c + (<usize>(i * ldc) << 2);
    let pb = packed;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // The block's nonzero inputs: their offset into a panel (p·NR floats, in bytes) and their value.
      let nz = 0;
      let p = 0;
      const from = row + (<usize>pc << 2);
      if (ASC_FEATURE_SIMD) {
        // Four inputs at a time: a mask of the nonzero ones (NaN included, ±0 not), most often empty.
        for (; p + 4 <= kc; p += 4) {
          let mask = i32x4.bitmask(f32x4.ne(v128.load(from + (<usize>p << 2)), f32x4.splat(0)));
          while (mask) {
            const q = p + ctz(mask);
            store<i32>(work + (<usize>nz << 3), (q * NR) << 2);
            store<f32>(work + (<usize>nz << 3), load<f32>(from + (<usize>q << 2)), 4);
            nz++;
            mask &= mask - 1;
          }
        }
      }
      for (; p < kc; p++) {
        const v = load<f32>(from + (<usize>p << 2));
        if (v != 0) {
          store<i32>(work + (<usize>nz << 3), (p * NR) << 2);
          store<f32>(work + (<usize>nz << 3), v, 4);
          nz++;
        }
      }
      blockRow(pb, kc, n, nz, work, out, pc > 0);
      pb += <usize>(kc * npad) << 2;
    }
  }
}

/** One row's sums over one KC block (packed panels of kc × NR from pb), stored to out or added to it. */
function blockRow(pb: usize, kc: i32, n: i32, nz: i32, work: usize, out: usize, add: bool): void {
  const panelBytes = <usize>(kc * NR) << 2;
  for (let j = 0; j < n; j += NR * PANELS) {
    const p0 = pb + <usize>(j / NR) * panelBytes;
    if (ASC_FEATURE_SIMD) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      const panels = min(PANELS, (n - j + NR - 1) / NR);
      // Panels past the last are not read: their sums stay 0 and are not stored.
      const p1 = panels > 1 ? p0 + panelBytes : p0,
        p2 = panels > 2 ? p0 + 2 * panelBytes : p0,
        p3 = panels > 3 ? p0 + 3 * panelBytes : p0;
      for (let t = 0; t < nz; t++) {
        const e = work + (<usize>t << 3);
        const off = <usize>load<i32>(e);
        const v = v128.load32_splat(e, 4);
        c00 = f32x4.add(c00, f32x4.mul(v, v128.load(p0 + off)));
        c01 = f32x4.add(c01, f32x4.mul(v, v128.load(p0 + off, 16)));
        c10 = f32x4.add(c10, f32x4.mul(v, v128.load(p1 + off)));
        c11 = f32x4.add(c11, f32x4.mul(v, v128.load(p1 + off, 16)));
        c20 = f32x4.add(c20, f32x4.mul(v, v128.load(p2 + off)));
        c21 = f32x4.add(c21, f32x4.mul(v, v128.load(p2 + off, 16)));
        c30 = f32x4.add(c30, f32x4.mul(v, v128.load(p3 + off)));
        c31 = f32x4.add(c31, f32x4.mul(v, v128.load(p3 + off, 16)));
      }
      const o = out + (<usize>j << 2);
      if (n - j >= NR * PANELS) {
        if (add) {
          c00 = f32x4.add(c00, v128.load(o)); c01 = f32x4.add(c01, v128.load(o, 16));
          c10 = f32x4.add(c10, v128.load(o, 32)); c11 = f32x4.add(c11, v128.load(o, 48));
          c20 = f32x4.add(c20, v128.load(o, 64)); c21 = f32x4.add(c21, v128.load(o, 80));
          c30 = f32x4.add(c30, v128.load(o, 96)); c31 = f32x4.add(c31, v128.load(o, 112));
        }
        v128.store(o, c00); v128.store(o, c01, 16);
        v128.store(o, c10, 32); v128.store(o, c11, 48);
        v128.store(o, c20, 64); v128.store(o, c21, 80);
        v128.store(o, c30, 96); v128.store(o, c31, 112);
        continue;
      }
      // The last, partial group: the sums through the scratch after the nonzero list, then the valid columns.
      const tile = work + (<usize>kc << 3);
      v128.store(tile, c00); v128.store(tile, c01, 16);
      v128.store(tile, c10, 32); v128.store(tile, c11, 48);
      v128.store(tile, c20, 64); v128.store(tile, c21, 80);
      v128.store(tile, c30, 96); v128.store(tile, c31, 112);
      for (let u = 0; u < n - j; u++) {
        const s = load<f32>(tile + (<usize>u << 2));
        const d = o + (<usize>u << 2);
        store<f32>(d, add ? load<f32>(d) + s : s);
      }
    } else {
      // As the scalar dense kernel: each column's sum from 0, product by product.
      const cols = min(NR * PANELS, n - j);
      for (let u = 0; u < cols; u++) {
        const col = p0 + <usize>(u / NR) * panelBytes + (<usize>(u % NR) << 2);
        let s: f32 = 0;
        for (let t = 0; t < nz; t++) {
          const e = work + (<usize>t << 3);
          s += load<f32>(e, 4) * load<f32>(col + <usize>load<i32>(e));
        }
        const d = out + (<usize>(j + u) << 2);
        store<f32>(d, add ? load<f32>(d) + s : s);
      }
    }
  }
}
