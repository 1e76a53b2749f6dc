// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

// GELU, tanh form (src/core/activations.ts): ½x(1 + tanh(√(2/π)(x + 0.044715x³))), in f64 like the js op.
const GELU_K: f64 = 0.7978845608028654;
const GELU_A: f64 = 0.044715;

// @ts-ignore: decorator
@inline
function gelu(x: f64): f64 {
  return 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_A * x * x * x)));
}

// @ts-ignore: decorator
@inline
function geluDerivative(x: f64): f64 {
  const t = Math.tanh(GELU_K * (x + GELU_A * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_A * x * x);
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
    const zero = f32x4.splat(0);
    if (act == 1) {
      // ReLU is max(x, 0): NaN stays NaN (as in PyTorch), −∞ and −0 give +0.
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        let y = f32x4.max(v128.load(pre + off), zero);
        if (mask) y = f32x4.mul(y, v128.load(mask + off));
        v128.store(post + off, y);
      }
    } else if (act == 2) {
      const s = f32x4.splat(slope);
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
    if (act == 1) y = max<f32>(x, 0);
    else if (act == 2) y = x > 0 ? x : x * slope;
    else if (act == 3) y = <f32>Math.tanh(<f64>x);
    else if (act == 4) y = <f32>gelu(<f64>x);
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
 * Rows that differ from base rows in a few inputs, through a linear map (reason codes' occluded first layers):
 * out[i×n] = base[src×n] + Σ d·w[j×n] over row i's changes. `plan` holds, per row, src, the count, then count pairs
 * (j, d), all as f32 (indices exact below 2²⁴). Each product and sum rounds to f32 in the plan's order, as the js op.
 */
export function sparseRowUpdate(out: usize, base: usize, w: usize, n: i32, rows: i32, plan: usize): void {
  const rowBytes = <usize>n << 2;
  let at = plan;
  for (let i = 0; i < rows; i++) {
    const o = out + <usize>i * rowBytes;
    const src = base + <usize>(<i32>load<f32>(at)) * rowBytes;
    const count = <i32>load<f32>(at, 4);
    at += 8;
    let u = 0;
    if (ASC_FEATURE_SIMD) for (; u + 4 <= n; u += 4) v128.store(o + (<usize>u << 2), v128.load(src + (<usize>u << 2)));
    for (; u < n; u++) store<f32>(o + (<usize>u << 2), load<f32>(src + (<usize>u << 2)));
    for (let c = 0; c < count; c++) {
      const wj = w + <usize>(<i32>load<f32>(at)) * rowBytes;
      const d = load<f32>(at, 4);
      at += 8;
      let k = 0;
      if (ASC_FEATURE_SIMD) {
        const dv = f32x4.splat(d);
        for (; k + 4 <= n; k += 4) {
          const p = o + (<usize>k << 2);
          v128.store(p, f32x4.add(v128.load(p), f32x4.mul(v128.load(wj + (<usize>k << 2)), dv)));
        }
      }
      for (; k < n; k++) {
        const p = o + (<usize>k << 2);
        store<f32>(p, load<f32>(p) + load<f32>(wj + (<usize>k << 2)) * d);
      }
    }
  }
}
