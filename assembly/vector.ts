// Part of the hamiltonian-ai hot path (see index.ts): inline helpers the kernels share. index.ts does not re-export
// this file, so nothing here becomes a WebAssembly export (v128 values cannot cross to JavaScript).

// GELU, tanh form (src/core/activations.ts): ½x(1 + tanh(√(2/π)(x + 0.044715x³))), in f64 like the js op.
const GELU_K: f64 = 0.7978845608028654;
const GELU_A: f64 = 0.044715;

// @ts-ignore: decorator
@inline
export function gelu(x: f64): f64 {
  return 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_A * x * x * x)));
}

// @ts-ignore: decorator
@inline
export function geluDerivative(x: f64): f64 {
  const t = Math.tanh(GELU_K * (x + GELU_A * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_A * x * x);
}

/**
 * act(v) lane by lane for the activations the vector loops take (1 ReLU, 2 leaky ReLU; any other: v) — `activate`'s
 * formulas, written once for every loop that activates as it goes. ReLU is max(v, 0): NaN stays NaN (as in PyTorch),
 * −∞ and −0 give +0. Called with a constant act, so that each loop compiles without the branch.
 */
// @ts-ignore: decorator
@inline
export function activatedLanes(v: v128, act: i32, slope: v128): v128 {
  if (act == 1) return f32x4.max(v, f32x4.splat(0));
  if (act == 2) return v128.bitselect(v, f32x4.mul(v, slope), f32x4.gt(v, f32x4.splat(0)));
  return v;
}

/** act(x) for one value, every activation (the same values as `activatedLanes` where both apply). */
// @ts-ignore: decorator
@inline
export function activatedValue(x: f32, act: i32, slope: f32): f32 {
  if (act == 1) return max<f32>(x, 0);
  if (act == 2) return x > 0 ? x : x * slope;
  if (act == 3) return <f32>Math.tanh(<f64>x);
  if (act == 4) return <f32>gelu(<f64>x);
  return x;
}
