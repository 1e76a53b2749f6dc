// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

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
