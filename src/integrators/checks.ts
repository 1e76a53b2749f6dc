/**
 * The measurements `verifyIntegrator` is built from, usable one by one: one-step Jacobians (with an error estimate),
 * symplectic and conformal residuals, convergence order (fixed ladder, or adaptive against a reference), energy
 * behaviour, reversibility, consistency and the one-step-map property.
 */
import { UsageError } from '../core/errors.js';
import type { MethodName } from './methods.js';
import { createStepper } from './stepper.js';
import type { HamiltonianSystem, Vec } from './system.js';

export { vectorField } from './system.js';

/** A one-step map: advances (q, p) by h in place. */
export type StepFunction = (q: Float64Array, p: Float64Array, h: number) => void;

/**
 * Jacobian of the one-step map z = (q, p) ↦ Φ(z) at (q0, p0) by central differences in float64:
 * J[i][j] = ∂Φᵢ/∂zⱼ, row-major (2n × 2n).
 * @example
 * const J = oneStepJacobian((q, p) => stepper.step(q, p), q0, p0);
 */
export function oneStepJacobian(step: (q: Float64Array, p: Float64Array) => void, q0: Vec, p0: Vec, delta = 1e-6): Float64Array {
  const n = q0.length;
  const m = 2 * n;
  const J = new Float64Array(m * m);
  const q = new Float64Array(n),
    p = new Float64Array(n);
  const plus = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    for (const sign of [1, -1]) {
      q.set(q0);
      p.set(p0);
      if (j < n) q[j] += sign * delta;
      else p[j - n] += sign * delta;
      step(q, p);
      for (let i = 0; i < m; i++) {
        const v = i < n ? q[i] : p[i - n];
        if (sign === 1) plus[i] = v;
        else J[i * m + j] = (plus[i] - v) / (2 * delta);
      }
    }
  }
  return J;
}

/**
 * max |JᵀΩJ − c·Ω| with Ω = [[0, I], [−I, 0]]: zero exactly when the map is symplectic (c = 1), or conformal
 * symplectic with factor c (c = e^{−γh} for friction γ).
 * @example
 * symplecticResidual(J, 1) < 1e-8; // symplectic
 */
export function symplecticResidual(J: Float64Array, n: number, factor = 1): number {
  const m = 2 * n;
  const omega = (i: number, j: number) => (i < n && j === i + n ? 1 : i >= n && j === i - n ? -1 : 0);
  let worst = 0;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const Jia = J[i * m + a];
        if (Jia === 0) continue;
        for (let j = 0; j < m; j++) s += Jia * omega(i, j) * J[j * m + b];
      }
      const d = Math.abs(s - factor * omega(a, b));
      worst = d > worst || Number.isNaN(d) ? d : worst; // NaN (a non-finite Jacobian) is the worst
    }
  }
  return worst;
}

/**
 * Determinant of a square matrix (LU with partial pivoting, float64).
 * @example
 * determinant(Float64Array.of(2, 0, 0, 3), 2); // 6
 */
export function determinant(A: Float64Array, m: number): number {
  const a = Float64Array.from(A);
  let det = 1;
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r * m + c]) > Math.abs(a[piv * m + c])) piv = r;
    if (a[piv * m + c] === 0) return 0;
    if (piv !== c) {
      for (let k = 0; k < m; k++) [a[c * m + k], a[piv * m + k]] = [a[piv * m + k], a[c * m + k]];
      det = -det;
    }
    det *= a[c * m + c];
    for (let r = c + 1; r < m; r++) {
      const f = a[r * m + c] / a[c * m + c];
      for (let k = c; k < m; k++) a[r * m + k] -= f * a[c * m + k];
    }
  }
  return det;
}

/**
 * Least-squares slope of y against x.
 * @example
 * slope([0, 1, 2], [1, 3, 5]); // 2
 */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n,
    my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** A measured convergence order and the points it was fitted on. */
export interface OrderMeasurement {
  order: number;
  hs: number[];
  errors: number[];
  /** The (h, error) points used in the fit (those in the asymptotic range). */
  used: number;
}

/**
 * Global-error order: integrates to time T with each h, compares with the exact flow (the system must
 * have `exact`), and fits log(error) against log(h) over the points with 1e-12 < error < 1e-1.
 * @example
 * measureOrder(methodStep(ho, 'leapfrog'), ho, q0, p0).order; // ≈ 2
 */
export function measureOrder(step: StepFunction, system: HamiltonianSystem, q0: Vec, p0: Vec, options: { T?: number; hs?: number[] } = {}): OrderMeasurement {
  if (!system.exact) throw new UsageError(`measureOrder needs a system with an exact solution; '${system.name}' has none`);
  const T = options.T ?? 4;
  const hs = options.hs ?? [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625];
  const n = system.dim;
  const eq = new Float64Array(n),
    ep = new Float64Array(n);
  const errors = hs.map((h) => {
    const steps = Math.round(T / h);
    const q = Float64Array.from(q0),
      p = Float64Array.from(p0);
    for (let i = 0; i < steps; i++) step(q, p, h);
    system.exact!(steps * h, q0, p0, eq, ep);
    let e = 0;
    for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(q[i] - eq[i]), Math.abs(p[i] - ep[i]));
    return e;
  });
  const pts = hs.map((h, i) => [h, errors[i]] as const).filter(([, e]) => e > 1e-12 && e < 1e-1);
  const order =
    pts.length >= 2
      ? slope(
          pts.map(([h]) => Math.log(h)),
          pts.map(([, e]) => Math.log(e)),
        )
      : NaN;
  return { order, hs, errors, used: pts.length };
}

/** Size and growth of the energy error over a run. */
export interface EnergyBehavior {
  /** Largest relative energy error over the whole run. */
  maxError: number;
  /** Largest relative error in the first and second halves: bounded methods have them about equal. */
  firstHalf: number;
  secondHalf: number;
  /** Linear trend of the relative signed error per unit time, by least squares over the run. */
  trendPerTime: number;
}

/**
 * Runs `steps` steps and reports the energy error's size and growth.
 * @example
 * energyBehavior(methodStep(pend, 'euler'), pend, q0, p0, 0.1, 10_000).trendPerTime; // > 0: energy grows
 */
export function energyBehavior(step: StepFunction, system: HamiltonianSystem, q0: Vec, p0: Vec, h: number, steps: number): EnergyBehavior {
  const q = Float64Array.from(q0),
    p = Float64Array.from(p0);
  const H0 = system.energy(q, p);
  // Relative to |H₀| (never a signed H₀: a negative energy would flip the errors' sign), absolute when H₀ = 0.
  const denom = H0 !== 0 ? Math.abs(H0) : 1;
  let first = 0,
    second = 0;
  let st = 0,
    se = 0,
    stt = 0,
    ste = 0;
  for (let i = 1; i <= steps; i++) {
    step(q, p, h);
    const e = (system.energy(q, p) - H0) / denom;
    const a = Number.isFinite(e) ? Math.abs(e) : Number.POSITIVE_INFINITY; // NaN energy counts as unbounded
    if (i <= steps / 2) first = Math.max(first, a);
    else second = Math.max(second, a);
    const t = i * h;
    st += t;
    se += e;
    stt += t * t;
    ste += t * e;
  }
  const trend = (steps * ste - st * se) / (steps * stt - st * st);
  return { maxError: Math.max(first, second), firstHalf: first, secondHalf: second, trendPerTime: trend };
}

/**
 * Distance from the start after n steps forward, a momentum flip, n steps, and a flip back.
 * @example
 * reversibilityError(methodStep(sys, 'leapfrog'), q0, p0, 0.1, 100); // ~1e-16
 */
export function reversibilityError(step: StepFunction, q0: Vec, p0: Vec, h: number, n: number): number {
  const q = Float64Array.from(q0),
    p = Float64Array.from(p0);
  for (let i = 0; i < n; i++) step(q, p, h);
  for (let i = 0; i < p.length; i++) p[i] = -p[i];
  for (let i = 0; i < n; i++) step(q, p, h);
  for (let i = 0; i < p.length; i++) p[i] = -p[i];
  let e = 0;
  for (let i = 0; i < q.length; i++) e = Math.max(e, Math.abs(q[i] - q0[i]), Math.abs(p[i] - p0[i]));
  return e;
}

/**
 * Wraps a named method as a `StepFunction` for `system` (steppers cached per h).
 * @example
 * const step = methodStep(pendulum(), 'pefrl');
 * step(q, p, 0.1);
 */
export function methodStep(system: HamiltonianSystem, method: MethodName, friction = 0): StepFunction {
  // Cached per h for speed; the steppers here are uncompensated, so each is a pure function of (q, p).
  const cache = new Map<number, ReturnType<typeof createStepper>>();
  return (q, p, h) => {
    let s = cache.get(h);
    if (!s) cache.set(h, (s = createStepper(system, method, { h, friction })));
    s.step(q, p);
  };
}

/** A one-step Jacobian and a bound on its entries' error. */
export interface JacobianEstimate {
  J: Float64Array;
  /** Bound on |J − the true Jacobian| per entry: the Richardson correction plus the differences' round-off. */
  error: number;
  /** Largest |entry| of J. */
  largest: number;
}

/**
 * The one-step Jacobian by 4th-order central differences at steps δⱼ = 1e-3·max(1, |zⱼ|) and δⱼ/2, combined by
 * Richardson extrapolation, with an error bound — so a verdict can be judged against what the differences can
 * resolve at this state, not a fixed threshold (large states and stiff steps make differences less accurate).
 * @example
 * const { J, error } = jacobianWithError((q, p) => stepper.step(q, p), q0, p0);
 */
export function jacobianWithError(step: (q: Float64Array, p: Float64Array) => void, q0: Vec, p0: Vec): JacobianEstimate {
  const n = q0.length,
    m = 2 * n;
  const q = new Float64Array(n),
    p = new Float64Array(n);
  const at = (j: number, offset: number, out: Float64Array) => {
    q.set(q0);
    p.set(p0);
    if (j < n) q[j] += offset;
    else p[j - n] += offset;
    step(q, p);
    out.set(q);
    out.set(p, n);
  };
  const f = [new Float64Array(m), new Float64Array(m), new Float64Array(m), new Float64Array(m)];
  let largestOutput = 0;
  const differences = (scale: number): Float64Array => {
    const J = new Float64Array(m * m);
    for (let j = 0; j < m; j++) {
      const z = j < n ? q0[j] : p0[j - n];
      const d = scale * Math.max(1, Math.abs(z));
      at(j, 2 * d, f[0]);
      at(j, d, f[1]);
      at(j, -d, f[2]);
      at(j, -2 * d, f[3]);
      for (let i = 0; i < m; i++) {
        J[i * m + j] = (-f[0][i] + 8 * f[1][i] - 8 * f[2][i] + f[3][i]) / (12 * d);
        largestOutput = Math.max(largestOutput, Math.abs(f[0][i]), Math.abs(f[3][i]));
      }
    }
    return J;
  };
  const coarse = differences(1e-3),
    fine = differences(5e-4);
  let correction = 0,
    largest = 0;
  const J = new Float64Array(m * m);
  for (let k = 0; k < J.length; k++) {
    const c = (fine[k] - coarse[k]) / 15;
    J[k] = fine[k] + c;
    correction = Math.max(correction, Math.abs(c));
    largest = Math.max(largest, Math.abs(J[k]));
  }
  // Round-off of one difference quotient: (1 + 8 + 8 + 1)/12 · a few ulps of the outputs / δ (the smallest δ used).
  const roundoff = (1.5 * 8 * Number.EPSILON * Math.max(1, largestOutput)) / 5e-4;
  const error = Number.isFinite(correction) && Number.isFinite(largest) ? correction + roundoff : Number.NaN;
  return { J, error, largest };
}

/**
 * The tolerance a residual |JᵀΩJ − cΩ| can be judged against for a Jacobian known to within `error` per entry:
 * a perturbation ΔJ moves each entry of JᵀΩJ by at most 2·m·max|J|·max|ΔJ| + m·max|ΔJ|² (m = 2n), doubled for
 * safety, plus a floor at the round-off of the product itself.
 * @example
 * const est = jacobianWithError(step, q0, p0);
 * symplecticResidual(est.J, n) <= residualTolerance(est, n); // symplectic, as far as the differences can tell
 */
export function residualTolerance(estimate: JacobianEstimate, n: number): number {
  const m = 2 * n;
  const { error, largest } = estimate;
  return 2 * (2 * m * largest * error + m * error * error) + 64 * Number.EPSILON * m * Math.max(1, largest * largest);
}

/** A convergence order measured on one system, in the asymptotic range. */
export interface AdaptiveOrder {
  order: number;
  /** max − min of the slopes the order was taken from (a wide spread: not asymptotic yet). */
  spread: number;
  hs: number[];
  errors: number[];
  /** Local slopes log₂(e(2h)/e(h)) between successive step sizes. */
  slopes: number[];
}

/**
 * Global-error order against a reference solution, with a ladder halved (h = T/4 … T/2¹⁵) until, below h = T/1024,
 * three successive local slopes agree within 0.1 (the asymptotic range: a method whose first-order error term is small
 * looks second order at large h), or until the error reaches round-off. A method exact on the system (round-off error
 * at every h) has order Infinity. Errors are relative to 1 + max|z₀|.
 * @example
 * adaptiveOrder(step, (T) => referenceSolution(pendulum(), 0, q0, p0, T), q0, p0).order; // 2 for leapfrog
 */
export function adaptiveOrder(step: StepFunction, reference: (T: number) => [Float64Array, Float64Array], q0: Vec, p0: Vec, T = 2): AdaptiveOrder {
  const n = q0.length;
  let scale = 1;
  for (let i = 0; i < n; i++) scale = Math.max(scale, 1 + Math.abs(q0[i]), 1 + Math.abs(p0[i]));
  const [rq, rp] = reference(T);
  const hs: number[] = [],
    errors: number[] = [],
    slopes: number[] = [];
  const q = new Float64Array(n),
    p = new Float64Array(n);
  let order = Number.NaN,
    spread = Number.NaN;
  for (let k = 2; k <= 15; k++) {
    const steps = 2 ** k,
      h = T / steps;
    q.set(q0);
    p.set(p0);
    for (let i = 0; i < steps; i++) step(q, p, h);
    let e = 0;
    for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(q[i] - rq[i]), Math.abs(p[i] - rp[i]));
    e = Number.isFinite(e) ? e / scale : Number.POSITIVE_INFINITY;
    if (Number.isNaN(q[0])) e = Number.POSITIVE_INFINITY;
    if (e < 1e-13) {
      if (errors.length === 0) order = Number.POSITIVE_INFINITY; // exact at every h tried
      break; // round-off: this point would flatten the slope
    }
    hs.push(h);
    errors.push(e);
    const last = errors.length - 1;
    if (last >= 1 && errors[last - 1] < 1e-1) slopes.push(Math.log2(errors[last - 1] / e));
    const tail = slopes.slice(-3);
    if (k >= 10 && tail.length === 3 && Math.max(...tail) - Math.min(...tail) <= 0.1) break;
  }
  const tail = slopes.slice(-3).filter(Number.isFinite);
  if (tail.length && order !== Number.POSITIVE_INFINITY) {
    order = tail.reduce((a, b) => a + b, 0) / tail.length;
    spread = Math.max(...tail) - Math.min(...tail);
  }
  return { order, spread, hs, errors, slopes };
}

/**
 * A reference solution at time T: the exact flow where the system has one (and no friction), else classical RK4 with
 * 2¹⁶ steps (error ≈ 1e-16 relative on the test systems over T = 2).
 * @example
 * const [q, p] = referenceSolution(pendulum(), 0, Float64Array.of(1.5), Float64Array.of(0), 2);
 */
export function referenceSolution(system: HamiltonianSystem, friction: number, q0: Vec, p0: Vec, T: number): [Float64Array, Float64Array] {
  const q = Float64Array.from(q0),
    p = Float64Array.from(p0);
  if (system.exact && friction === 0) {
    system.exact(T, q0, p0, q, p);
    return [q, p];
  }
  const steps = 2 ** 16;
  const s = createStepper(system, 'rk4', { h: T / steps, friction });
  for (let i = 0; i < steps; i++) s.step(q, p);
  return [q, p];
}
