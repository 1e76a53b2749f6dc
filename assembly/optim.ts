// Part of the hamiltonian-ai hot path (see index.ts): byte offsets into linear memory, float32 data.

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
