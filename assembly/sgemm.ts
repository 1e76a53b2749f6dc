// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

// ---------------------------------------------------------------------------------------------------
// sgemm: C[m×n] (row stride ldc) = op(A)[m×k] · op(B)[k×n] (+ C when accumulate)
//   op(A)[i][p] = transA ? A[p·lda + i] : A[i·lda + p];   op(B)[p][j] = transB ? B[j·ldb + p] : B[p·ldb + j]
// GotoBLAS-style: panels of op(A) (MR rows) and op(B) (NR columns) are packed contiguously, so all
// transpose cases run the same 5×8 register-blocked micro-kernel.
// ---------------------------------------------------------------------------------------------------

const MR: i32 = 5;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 120;
const NC: i32 = 1536;

/** Bytes of scratch `sgemm` needs at `work`. */
export function sgemmWorkBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) << 2;
}


// Pack op(A)[i0:i0+mc, p0:p0+kc] into ceil(mc/MR) panels, each kc × MR (zero-padded rows).
function packA(transA: bool, a: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      if (!transA && rows == MR) {
        // Rows 0–3 four k-values at a time through a 4×4 shuffle transpose; row 4 lane by lane.
        const rowA = <usize>lda << 2;
        const base = a + (<usize>((i0 + ir) * lda + p0) << 2);
        for (; p + 4 <= kc; p += 4) {
          const src = base + (<usize>p << 2);
          const r0 = v128.load(src), r1 = v128.load(src + rowA), r2 = v128.load(src + 2 * rowA), r3 = v128.load(src + 3 * rowA);
          const r4 = v128.load(src + 4 * rowA);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const out = dst + (<usize>(p * MR) << 2);
          v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          store<f32>(out, f32x4.extract_lane(r4, 0), 16);
          v128.store(out, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 20);
          store<f32>(out, f32x4.extract_lane(r4, 1), 36);
          v128.store(out, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 40);
          store<f32>(out, f32x4.extract_lane(r4, 2), 56);
          v128.store(out, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 60);
          store<f32>(out, f32x4.extract_lane(r4, 3), 76);
        }
      }
    }
    for (; p < kc; p++) {
      const out = dst + (<usize>(p * MR) << 2);
      for (let r = 0; r < MR; r++) {
        let v: f32 = 0;
        if (r < rows) {
          const i = i0 + ir + r;
          const pp = p0 + p;
          v = transA ? load<f32>(a + (<usize>(pp * lda + i) << 2)) : load<f32>(a + (<usize>(i * lda + pp) << 2));
        }
        store<f32>(out + (<usize>r << 2), v);
      }
    }
    dst += <usize>(kc * MR) << 2;
  }
}

// One full panel of op(B) = Bᵀ: 8 source rows (columns of op(B)), 4 k-values at a time by two 4×4
// transposes with shuffles (the scalar build copies element by element).
function packPanelTransposed(s0: usize, ldb: i32, kc: i32, dst: usize): void {
  const rowB = <usize>ldb << 2;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    for (; p + 4 <= kc; p += 4) {
      const off = <usize>p << 2;
      const out = dst + (<usize>(p * NR) << 2);
      for (let half = 0; half < 2; half++) {
        const base = s0 + <usize>(half * 4) * rowB + off;
        const r0 = v128.load(base), r1 = v128.load(base + rowB), r2 = v128.load(base + 2 * rowB), r3 = v128.load(base + 3 * rowB);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const o = out + (<usize>half << 4);
        v128.store(o, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(o, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
        v128.store(o, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
        v128.store(o, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
      }
    }
  }
  for (; p < kc; p++) {
    for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>(p * NR + c) << 2), load<f32>(s0 + <usize>c * rowB + (<usize>p << 2)));
  }
}

// Pack op(B)[p0:p0+kc, j0:j0+nc] into ceil(nc/NR) panels, each kc × NR (zero-padded columns).
function packB(transB: bool, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    if (!transB && cols == NR) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>((p0 + p) * ldb + j0 + jr) << 2);
        const out = dst + (<usize>(p * NR) << 2);
        if (ASC_FEATURE_SIMD) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
        } else {
          for (let c = 0; c < NR; c++) store<f32>(out + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
        }
      }
    } else if (transB && cols == NR) {
      packPanelTransposed(b + (<usize>((j0 + jr) * ldb + p0) << 2), ldb, kc, dst);
    } else if (transB) {
      // Read each source row (a column of op(B)) contiguously.
      for (let c = 0; c < NR; c++) {
        if (c < cols) {
          const src = b + (<usize>((j0 + jr + c) * ldb + p0) << 2);
          for (let p = 0; p < kc; p++) store<f32>(dst + (<usize>(p * NR + c) << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(dst + (<usize>(p * NR + c) << 2), 0);
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>((p0 + p) * ldb + j0 + jr) << 2);
        const out = dst + (<usize>(p * NR) << 2);
        for (let c = 0; c < NR; c++) store<f32>(out + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
      }
    }
    dst += <usize>(kc * NR) << 2;
  }
}

// C tile (rows × cols of an MR×NR = 5×8 block) (+)= packed A panel · packed B panel.
// 5×8 keeps 10 accumulators + 2 B vectors + 1 broadcast in the 16 XMM registers V8 allocates; wider
// tiles (4×12, 6×8) measured 35 GFLOP/s here because they spill, 5×8 measured 62 in the loop alone.
// Not inlined on purpose: as its own function it gets the whole register file.
function kernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, add: bool, rows: i32, cols: i32, tile: usize): void {
  if (ASC_FEATURE_SIMD) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let a = v128.load32_splat(pa);
      c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
      a = v128.load32_splat(pa, 4);
      c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
      a = v128.load32_splat(pa, 8);
      c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
      a = v128.load32_splat(pa, 12);
      c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
      a = v128.load32_splat(pa, 16);
      c40 = f32x4.add(c40, f32x4.mul(a, b0)); c41 = f32x4.add(c41, f32x4.mul(a, b1));
      pa += 20;
      pb += 32;
    }
    const ldcB = <usize>ldc << 2;
    if (rows == MR && cols == NR) {
      const r0 = c, r1 = c + ldcB, r2 = r1 + ldcB, r3 = r2 + ldcB, r4 = r3 + ldcB;
      if (add) {
        c00 = f32x4.add(c00, v128.load(r0)); c01 = f32x4.add(c01, v128.load(r0, 16));
        c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
        c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
        c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
        c40 = f32x4.add(c40, v128.load(r4)); c41 = f32x4.add(c41, v128.load(r4, 16));
      }
      v128.store(r0, c00); v128.store(r0, c01, 16);
      v128.store(r1, c10); v128.store(r1, c11, 16);
      v128.store(r2, c20); v128.store(r2, c21, 16);
      v128.store(r3, c30); v128.store(r3, c31, 16);
      v128.store(r4, c40); v128.store(r4, c41, 16);
      return;
    }
    // Partial tile: spill to scratch, copy the valid part.
    v128.store(tile, c00); v128.store(tile, c01, 16);
    v128.store(tile, c10, 32); v128.store(tile, c11, 48);
    v128.store(tile, c20, 64); v128.store(tile, c21, 80);
    v128.store(tile, c30, 96); v128.store(tile, c31, 112);
    v128.store(tile, c40, 128); v128.store(tile, c41, 144);
  } else {
    for (let t = 0; t < MR * NR; t++) store<f32>(tile + (<usize>t << 2), 0);
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        const av = load<f32>(pa + (<usize>r << 2));
        const trow = tile + (<usize>(r * NR) << 2);
        for (let cc = 0; cc < NR; cc++) {
          const o = trow + (<usize>cc << 2);
          store<f32>(o, load<f32>(o) + av * load<f32>(pb + (<usize>cc << 2)));
        }
      }
      pa += MR << 2;
      pb += NR << 2;
    }
  }
  for (let r = 0; r < rows; r++) {
    const dst = c + (<usize>(r * ldc) << 2);
    const src = tile + (<usize>(r * NR) << 2);
    for (let cc = 0; cc < cols; cc++) {
      const o = dst + (<usize>cc << 2);
      const v = load<f32>(src + (<usize>cc << 2));
      store<f32>(o, add ? load<f32>(o) + v : v);
    }
  }
}

/** The four lanes added in order, ((l0 + l1) + l2) + l3. */
// @ts-ignore: decorator
@inline
function lanesSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * C[i][j] (+)= A[i,:]·B[j,:] for row-major A (m×k) and B (n×k): no packing — for a few rows, or a few outputs (the
 * logits of a batch). Each dot product sums four lanes, then the lanes in order, then the tail.
 */
export function dotRows(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Four rows at a time: four independent sums in flight instead of one chain of dependent adds (the same
    // operations per product, so the same bits).
    const rowB = <usize>lda << 2;
    for (; i + 4 <= m; i += 4) {
      const a0 = a + (<usize>(i * lda) << 2), a1 = a0 + rowB, a2 = a1 + rowB, a3 = a2 + rowB;
      for (let j = 0; j < n; j++) {
        const br = b + (<usize>(j * ldb) << 2);
        let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
        let p = 0;
        for (; p + 4 <= k; p += 4) {
          const off = <usize>p << 2;
          const bv = v128.load(br + off);
          s0 = f32x4.add(s0, f32x4.mul(v128.load(a0 + off), bv));
          s1 = f32x4.add(s1, f32x4.mul(v128.load(a1 + off), bv));
          s2 = f32x4.add(s2, f32x4.mul(v128.load(a2 + off), bv));
          s3 = f32x4.add(s3, f32x4.mul(v128.load(a3 + off), bv));
        }
        let d0 = lanesSum(s0), d1 = lanesSum(s1), d2 = lanesSum(s2), d3 = lanesSum(s3);
        for (; p < k; p++) {
          const off = <usize>p << 2;
          const bp = load<f32>(br + off);
          d0 += load<f32>(a0 + off) * bp;
          d1 += load<f32>(a1 + off) * bp;
          d2 += load<f32>(a2 + off) * bp;
          d3 += load<f32>(a3 + off) * bp;
        }
        const o = c + (<usize>(i * ldc + j) << 2), ldcB = <usize>ldc << 2;
        store<f32>(o, accumulate ? load<f32>(o) + d0 : d0);
        store<f32>(o + ldcB, accumulate ? load<f32>(o + ldcB) + d1 : d1);
        store<f32>(o + 2 * ldcB, accumulate ? load<f32>(o + 2 * ldcB) + d2 : d2);
        store<f32>(o + 3 * ldcB, accumulate ? load<f32>(o + 3 * ldcB) + d3 : d3);
      }
    }
  }
  for (; i < m; i++) {
    const ar = a + (<usize>(i * lda) << 2);
    for (let j = 0; j < n; j++) {
      const br = b + (<usize>(j * ldb) << 2);
      let s: f32 = 0;
      let p = 0;
      if (ASC_FEATURE_SIMD) {
        let acc = f32x4.splat(0);
        for (; p + 4 <= k; p += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(ar + (<usize>p << 2)), v128.load(br + (<usize>p << 2))));
        s = lanesSum(acc);
      }
      for (; p < k; p++) s += load<f32>(ar + (<usize>p << 2)) * load<f32>(br + (<usize>p << 2));
      const o = c + (<usize>(i * ldc + j) << 2);
      store<f32>(o, accumulate ? load<f32>(o) + s : s);
    }
  }
}

export function sgemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  if (!transA && transB && n < NR) {
    // Few outputs (a classifier's last layer): plain dot products of contiguous rows, no packing.
    dotRows(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    return;
  }
  const pa = work;
  const pb = work + (<usize>(MC * KC) << 2);
  const tile = pb + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const add = accumulate || pc > 0;
      packB(transB, b, ldb, pc, jc, kc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(transA, a, lda, ic, pc, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const panelB = pb + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            kernel(kc, pa + (<usize>(ir * kc) << 2), panelB, cp, ldc, add, rows, cols, tile);
          }
        }
      }
    }
  }
}


/** Bytes `packWeights` writes for op(B) of k×n: every KC block of k, n rounded up to whole NR panels. */
export function packedBytes(k: i32, n: i32): i32 {
  return (k * (((n + NR - 1) / NR) * NR)) << 2;
}

/**
 * Packs op(B) (k×n) once, in the layout `sgemmPacked` reads: for each KC block of k, ceil(n/NR) panels of
 * kc×NR. A scorer packs its weights at load time instead of on every call.
 */
export function packWeights(transB: bool, b: usize, ldb: i32, k: i32, n: i32, dst: usize): void {
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packB(transB, b, ldb, pc, 0, kc, n, dst);
    dst += <usize>(kc * (((n + NR - 1) / NR) * NR)) << 2;
  }
}

/**
 * sgemm with op(B) already packed by `packWeights`, for any n: each tile is summed as sgemm sums it, whichever of
 * sgemm's column blocks of NC it would fall in, so the same bits.
 */
export function sgemmPacked(
  transA: bool, m: i32, n: i32, k: i32, a: usize, lda: i32, packed: usize, c: usize, ldc: i32, accumulate: bool, work: usize,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const pa = work;
  const tile = work + (<usize>(MC * KC + KC * NC) << 2);
  const npad = ((n + NR - 1) / NR) * NR;
  let pb = packed;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const add = accumulate || pc > 0;
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      packA(transA, a, lda, ic, pc, mc, kc, pa);
      for (let jr = 0; jr < n; jr += NR) {
        const cols = min(NR, n - jr);
        const panelB = pb + (<usize>(jr * kc) << 2);
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = min(MR, mc - ir);
          kernel(kc, pa + (<usize>(ir * kc) << 2), panelB, c + (<usize>((ic + ir) * ldc + jr) << 2), ldc, add, rows, cols, tile);
        }
      }
    }
    pb += <usize>(kc * npad) << 2;
  }
}
