import { UsageError } from '../core/errors.js';
import { getMethod, type MethodName } from './methods.js';
import { createStepper } from './stepper.js';
import { harmonicOscillator, henonHeiles, pendulum, type HamiltonianSystem, type Vec } from './system.js';

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
 * max |JᵀΩJ − Ω| with Ω = [[0, I], [−I, 0]]: zero exactly when the map is symplectic.
 * @example
 * symplecticResidual(J, 1) < 1e-8; // symplectic
 */
export function symplecticResidual(J: Float64Array, n: number): number {
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
      worst = Math.max(worst, Math.abs(s - omega(a, b)));
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
    const a = Number.isFinite(e) ? Math.abs(e) : Infinity;
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
  const cache = new Map<number, ReturnType<typeof createStepper>>();
  return (q, p, h) => {
    let s = cache.get(h);
    if (!s) cache.set(h, (s = createStepper(system, method, { h, friction })));
    s.step(q, p);
  };
}

/** Options of `verifyIntegrator`. */
export interface VerifyOptions {
  /** Step size for the energy, symplecticity and reversibility checks; default 0.1. */
  h?: number;
  /** Steps for the energy check; default 20,000. */
  steps?: number;
  /** Step sizes for the order fit (harmonic oscillator, exact solution, to T = 4). */
  hs?: number[];
}

/** What `verifyIntegrator` measured. */
export interface IntegratorReport {
  /** Measured global order on the harmonic oscillator. */
  order: number;
  orderFit: OrderMeasurement;
  /** Energy behaviour on the pendulum (q₀ = 1, p₀ = 0). */
  energy: EnergyBehavior;
  /** True when the second half's energy error is at most 1.5× the first's (no secular growth). */
  energyBounded: boolean;
  /** Largest |JᵀΩJ − Ω| over sample states of the pendulum, Hénon–Heiles and a 3-d oscillator. */
  symplecticityResidual: number;
  symplectic: boolean;
  /** Forward–flip–forward–flip distance after 100 steps on Hénon–Heiles. */
  reversibilityError: number;
  symmetric: boolean;
}

/**
 * Runs the library's integrator checks on a stepper — yours, or one of ours by name — and reports the
 * measured order, the energy behaviour, the symplecticity residual and reversibility.
 * @example
 * // A user's own leapfrog for H = ½p² + V(q), checked with the library's properties:
 * const report = verifyIntegrator((q, p, h, system) => { ... });
 * report.order; // ≈ 2
 */
export function verifyIntegrator(
  stepper: MethodName | ((q: Float64Array, p: Float64Array, h: number, system: HamiltonianSystem) => void),
  options: VerifyOptions = {},
): IntegratorReport {
  const h = options.h ?? 0.1;
  if (typeof stepper === 'string') getMethod(stepper); // unknown names throw here, listing the known ones
  const bind = (system: HamiltonianSystem): StepFunction =>
    typeof stepper === 'string' ? methodStep(system, stepper) : (q, p, hh) => stepper(q, p, hh, system);
  const ho = harmonicOscillator();
  const orderFit = measureOrder(bind(ho), ho, Float64Array.of(1), Float64Array.of(0.5), { hs: options.hs });
  const pend = pendulum();
  const energy = energyBehavior(bind(pend), pend, Float64Array.of(1), Float64Array.of(0), h, options.steps ?? 20_000);
  const checks: Array<[HamiltonianSystem, number[], number[]]> = [
    [pend, [0.7], [0.3]],
    [henonHeiles(), [0.1, -0.2], [0.3, 0.15]],
    [harmonicOscillator({ stiffness: [1, 2.5, 0.3] }), [0.3, -0.5, 1], [0.2, 0.1, -0.4]],
  ];
  let residual = 0;
  for (const [sys, q0, p0] of checks) {
    const f = bind(sys);
    const J = oneStepJacobian((q, p) => f(q, p, h), Float64Array.from(q0), Float64Array.from(p0));
    residual = Math.max(residual, symplecticResidual(J, sys.dim));
  }
  const hh = henonHeiles();
  const rev = reversibilityError(bind(hh), Float64Array.of(0.1, -0.2), Float64Array.of(0.3, 0.15), h, 100);
  return {
    order: orderFit.order,
    orderFit,
    energy,
    energyBounded: energy.secondHalf <= 1.5 * energy.firstHalf + 1e-13,
    symplecticityResidual: residual,
    symplectic: residual < 1e-8,
    reversibilityError: rev,
    symmetric: rev < 1e-10,
  };
}
