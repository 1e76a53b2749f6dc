// hamiltonian-ai hot path: sgemm and fused layer / loss / optimiser kernels over float32 in linear memory.
//
// Memory is owned by the JavaScript side (one arena per model): every function takes byte offsets.
// Built twice from this one source (asconfig.json): `simd` with --enable simd, and `scalar` without;
// ASC_FEATURE_SIMD selects the code path at compile time, so both builds compute the same formulas.

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

export function heapBase(): usize {
  return __heap_base;
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

/** C[i][j] (+)= A[i,:]·B[j,:] for row-major A (m×k) and B (n×k): no packing — for one or a few rows. */
export function dotRows(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  for (let i = 0; i < m; i++) {
    const ar = a + (<usize>(i * lda) << 2);
    for (let j = 0; j < n; j++) {
      const br = b + (<usize>(j * ldb) << 2);
      let s: f32 = 0;
      let p = 0;
      if (ASC_FEATURE_SIMD) {
        let acc = f32x4.splat(0);
        for (; p + 4 <= k; p += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(ar + (<usize>p << 2)), v128.load(br + (<usize>p << 2))));
        s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
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

/** sgemm with op(B) already packed by `packWeights` (requires n ≤ NC). */
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

/** The column-block limit `sgemmPacked` needs n to stay under. */
export function packedMaxN(): i32 {
  return NC;
}

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
    if (act == 1 || act == 2) {
      const s = f32x4.splat(act == 1 ? <f32>0 : slope);
      const zero = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        const x = v128.load(pre + off);
        let y = v128.bitselect(x, f32x4.mul(x, s), f32x4.gt(x, zero));
        if (mask) y = f32x4.mul(y, v128.load(mask + off));
        v128.store(post + off, y);
      }
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const x = load<f32>(pre + off);
    let y: f32 = x;
    if (act == 1) y = x > 0 ? x : 0;
    else if (act == 2) y = x > 0 ? x : x * slope;
    else if (act == 3) y = <f32>Math.tanh(<f64>x);
    if (mask) y *= load<f32>(mask + off);
    store<f32>(post + off, y);
  }
}

/** In place: g = g ⊙ mask ⊙ act′(pre) for n elements (mask = 0: none). */
export function activateBackward(g: usize, pre: usize, n: i32, act: i32, slope: f32, mask: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (act == 1 || act == 2) {
      const s = f32x4.splat(act == 1 ? <f32>0 : slope);
      const one = f32x4.splat(1);
      const zero = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        const d = v128.bitselect(one, s, f32x4.gt(v128.load(pre + off), zero));
        let y = f32x4.mul(v128.load(g + off), d);
        if (mask) y = f32x4.mul(y, v128.load(mask + off));
        v128.store(g + off, y);
      }
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const x = load<f32>(pre + off);
    let d: f32 = 1;
    if (act == 1) d = x > 0 ? 1 : 0;
    else if (act == 2) d = x > 0 ? 1 : slope;
    else if (act == 3) {
      const t = <f32>Math.tanh(<f64>x);
      d = 1 - t * t;
    }
    let y = load<f32>(g + off) * d;
    if (mask) y *= load<f32>(mask + off);
    store<f32>(g + off, y);
  }
}

/** out[c] (+)= Σ_rows x[r×c]. */
export function sumRows(out: usize, x: usize, rows: i32, cols: i32, accumulate: bool): void {
  if (!accumulate) memory.fill(out, 0, <usize>cols << 2);
  for (let i = 0; i < rows; i++) addInto(out, x + (<usize>(i * cols) << 2), cols);
}

// ---------------------------------------------------------------------------------------------------
// xoshiro128** (same bits as src/core/rng.ts) for dropout masks
// state: 4 × u32 at `state`
// ---------------------------------------------------------------------------------------------------

/**
 * mask[i] = (u_i ≥ p) ? 1/(1 − p) : 0 — the same draws as `Dropout.forward`: four xoshiro128** streams
 * (state: 16 words, stream-major, at `state`), element i from stream i mod 4, every group of four advancing
 * all four. The SIMD build runs the four streams in the four lanes.
 */
export function dropoutMask(mask: usize, n: i32, p: f64, state: usize): void {
  const keep: f32 = p >= 1 ? 0 : <f32>(1 / (1 - p));
  // u ≥ p with u = x/2³² is exactly x ≥ ⌈p·2³²⌉ for the integer x (scaling by 2³² is exact in f64).
  const t64: f64 = p <= 0 ? 0 : Math.ceil(p * 4294967296.0);
  const never = t64 >= 4294967296.0;
  const thr: u32 = never ? 0xffffffff : <u32>t64;
  if (ASC_FEATURE_SIMD) {
    // Lane j holds stream j: gather the stream-major words into word-major vectors.
    let s0 = v128.load(state), s1 = v128.load(state, 16), s2 = v128.load(state, 32), s3 = v128.load(state, 48);
    // s0 currently = stream 0's words 0..3; transpose the 4×4 block so sW lane j = stream j's word W.
    const a0 = v128.shuffle<u32>(s0, s1, 0, 4, 1, 5), a1 = v128.shuffle<u32>(s0, s1, 2, 6, 3, 7);
    const a2 = v128.shuffle<u32>(s2, s3, 0, 4, 1, 5), a3 = v128.shuffle<u32>(s2, s3, 2, 6, 3, 7);
    s0 = v128.shuffle<u32>(a0, a2, 0, 1, 4, 5);
    s1 = v128.shuffle<u32>(a0, a2, 2, 3, 6, 7);
    s2 = v128.shuffle<u32>(a1, a3, 0, 1, 4, 5);
    s3 = v128.shuffle<u32>(a1, a3, 2, 3, 6, 7);
    const five = i32x4.splat(5), nine = i32x4.splat(9);
    const kv = f32x4.splat(never ? <f32>0 : keep), zero = f32x4.splat(0), tv = i32x4.splat(<i32>thr);
    for (let g = 0; g < n; g += 4) {
      const x = i32x4.mul(s1, five);
      const result = i32x4.mul(v128.or(i32x4.shl(x, 7), i32x4.shr_u(x, 25)), nine);
      const t = i32x4.shl(s1, 9);
      s2 = v128.xor(s2, s0);
      s3 = v128.xor(s3, s1);
      s1 = v128.xor(s1, s2);
      s0 = v128.xor(s0, s3);
      s2 = v128.xor(s2, t);
      s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
      const m = v128.bitselect(kv, zero, i32x4.ge_u(result, tv));
      const out = mask + (<usize>g << 2);
      if (g + 4 <= n) v128.store(out, m);
      else for (let j = 0; j < n - g; j++) store<f32>(out + (<usize>j << 2), lane(m, j));
    }
    // Back to stream-major.
    const b0 = v128.shuffle<u32>(s0, s1, 0, 4, 1, 5), b1 = v128.shuffle<u32>(s0, s1, 2, 6, 3, 7);
    const b2 = v128.shuffle<u32>(s2, s3, 0, 4, 1, 5), b3 = v128.shuffle<u32>(s2, s3, 2, 6, 3, 7);
    v128.store(state, v128.shuffle<u32>(b0, b2, 0, 1, 4, 5));
    v128.store(state, v128.shuffle<u32>(b0, b2, 2, 3, 6, 7), 16);
    v128.store(state, v128.shuffle<u32>(b1, b3, 0, 1, 4, 5), 32);
    v128.store(state, v128.shuffle<u32>(b1, b3, 2, 3, 6, 7), 48);
  } else {
    for (let g = 0; g < n; g += 4) {
      for (let j = 0; j < 4; j++) {
        const o = state + (<usize>(16 * j));
        const s0 = load<u32>(o), s1 = load<u32>(o, 4);
        let s2 = load<u32>(o, 8), s3 = load<u32>(o, 12);
        const result = rotl<u32>(s1 * 5, 7) * 9;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        store<u32>(o, s1 ^ s2, 4);
        store<u32>(o, s0 ^ s3);
        store<u32>(o, s2 ^ t, 8);
        store<u32>(o, rotl<u32>(s3, 11), 12);
        if (g + j < n) store<f32>(mask + (<usize>(g + j) << 2), select<f32>(keep, 0, result >= thr && !never));
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function lane(v: v128, j: i32): f32 {
  return j == 0 ? f32x4.extract_lane(v, 0) : j == 1 ? f32x4.extract_lane(v, 1) : j == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
}

// ---------------------------------------------------------------------------------------------------
// Reductions and optimiser updates
// ---------------------------------------------------------------------------------------------------

/** Σ x²: four float32x4 accumulators (16 partial sums) combined in float64. */
export function sumSquares(x: usize, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      a0 = f32x4.add(a0, f32x4.mul(v0, v0));
      a1 = f32x4.add(a1, f32x4.mul(v1, v1));
      a2 = f32x4.add(a2, f32x4.mul(v2, v2));
      a3 = f32x4.add(a3, f32x4.mul(v3, v3));
    }
    s = lanesSum(a0) + lanesSum(a1) + lanesSum(a2) + lanesSum(a3);
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    s += v * v;
  }
  return s;
}

// @ts-ignore: decorator
@inline
function lanesSum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** g += c·θ over n elements (regulariser gradients). */
export function axpy(g: usize, c: f32, theta: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const cv = f32x4.splat(c);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(g + off, f32x4.add(v128.load(g + off), f32x4.mul(cv, v128.load(theta + off))));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(g + off, load<f32>(g + off) + c * load<f32>(theta + off));
  }
}

/**
 * AdvancedSymplecticOptimizer on one tensor: m ← βm + (1−β)g; H = ½Σm² + ½Σg²; θ ← θ − lr·m/(√H + ε).
 * Returns H.
 */
export function advancedSymplecticStep(theta: usize, grad: usize, m: usize, n: i32, lr: f64, beta: f32, eps: f64): f64 {
  const omb: f32 = 1 - beta;
  let mm: f64 = 0, gg: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const bv = f32x4.splat(beta), ov = f32x4.splat(omb);
    let am0 = f32x4.splat(0), am1 = f32x4.splat(0), ag0 = f32x4.splat(0), ag1 = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      const off = <usize>i << 2;
      const g0 = v128.load(grad + off), g1 = v128.load(grad + off, 16);
      const m0 = f32x4.add(f32x4.mul(bv, v128.load(m + off)), f32x4.mul(ov, g0));
      const m1 = f32x4.add(f32x4.mul(bv, v128.load(m + off, 16)), f32x4.mul(ov, g1));
      v128.store(m + off, m0);
      v128.store(m + off, m1, 16);
      am0 = f32x4.add(am0, f32x4.mul(m0, m0));
      am1 = f32x4.add(am1, f32x4.mul(m1, m1));
      ag0 = f32x4.add(ag0, f32x4.mul(g0, g0));
      ag1 = f32x4.add(ag1, f32x4.mul(g1, g1));
    }
    mm = lanesSum(am0) + lanesSum(am1);
    gg = lanesSum(ag0) + lanesSum(ag1);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const g = load<f32>(grad + off);
    const mv: f32 = beta * load<f32>(m + off) + omb * g;
    store<f32>(m + off, mv);
    mm += <f64>mv * <f64>mv;
    gg += <f64>g * <f64>g;
  }
  const h = 0.5 * mm + 0.5 * gg;
  const step = <f32>(lr / (Math.sqrt(h) + eps));
  i = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(step);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(theta + off, f32x4.sub(v128.load(theta + off), f32x4.mul(sv, v128.load(m + off))));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(theta + off, load<f32>(theta + off) - step * load<f32>(m + off));
  }
  return h;
}

/** Kick: m ← decay·m − b·g.  Returns nothing. */
export function kick(m: usize, grad: usize, n: i32, decay: f32, b: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const dv = f32x4.splat(decay), bv = f32x4.splat(b);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(m + off, f32x4.sub(f32x4.mul(dv, v128.load(m + off)), f32x4.mul(bv, v128.load(grad + off))));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(m + off, decay * load<f32>(m + off) - b * load<f32>(grad + off));
  }
}

/** Drift: θ ← θ + a·m. */
export function drift(theta: usize, m: usize, n: i32, a: f32): void {
  axpy(theta, a, m, n);
}

/** Adam / AdamW on one tensor (PyTorch's formulas); bias corrections passed in. */
export function adamStep(
  theta: usize, grad: usize, m: usize, v: usize, n: i32,
  stepSize: f32, beta1: f32, beta2: f32, sqrtBc2: f32, eps: f32, l2: f32, shrink: f32,
): void {
  const o1: f32 = 1 - beta1, o2: f32 = 1 - beta2;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), p1 = f32x4.splat(o1), p2 = f32x4.splat(o2);
    const l2v = f32x4.splat(l2), sh = f32x4.splat(shrink), ss = f32x4.splat(stepSize), bc = f32x4.splat(sqrtBc2), ev = f32x4.splat(eps);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      const th = v128.load(theta + off);
      const g = f32x4.add(v128.load(grad + off), f32x4.mul(l2v, th));
      const mv = f32x4.add(f32x4.mul(b1, v128.load(m + off)), f32x4.mul(p1, g));
      const vv = f32x4.add(f32x4.mul(b2, v128.load(v + off)), f32x4.mul(p2, f32x4.mul(g, g)));
      v128.store(m + off, mv);
      v128.store(v + off, vv);
      const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), bc), ev);
      v128.store(theta + off, f32x4.sub(f32x4.mul(th, sh), f32x4.div(f32x4.mul(ss, mv), denom)));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const th = load<f32>(theta + off);
    const g = load<f32>(grad + off) + l2 * th;
    const mv = beta1 * load<f32>(m + off) + o1 * g;
    const vv = beta2 * load<f32>(v + off) + o2 * g * g;
    store<f32>(m + off, mv);
    store<f32>(v + off, vv);
    store<f32>(theta + off, th * shrink - (stepSize * mv) / (<f32>Math.sqrt(<f64>vv) / sqrtBc2 + eps));
  }
}
