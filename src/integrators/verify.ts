/**
 * `verifyIntegrator`: the library's checks run on any stepper — yours, or one of ours by name — with verdicts that do
 * not depend on the step size, the state or luck: Jacobians with error estimates judged against what the differences
 * can resolve and against a known non-symplectic method at the same h and state, orders measured on nonlinear systems
 * in the asymptotic range, and the properties a stepper must have before any of that means anything (finite output,
 * a one-step map, consistency). Each system is reported on its own, so a bug that shows only in 2 or 3 dimensions is
 * named.
 */
import { getMethod, type MethodName } from './methods.js';
import { consistencyDefect, isOneStepMap } from './map-properties.js';
import {
  adaptiveOrder,
  energyBehavior,
  jacobianWithError,
  measureOrder,
  methodStep,
  referenceSolution,
  residualTolerance,
  symplecticResidual,
  vectorField,
  type AdaptiveOrder,
  type EnergyBehavior,
  type OrderMeasurement,
  type StepFunction,
} from './checks.js';
import { harmonicOscillator, henonHeiles, kepler, pendulum, type HamiltonianSystem } from './system.js';

export { consistencyDefect, isOneStepMap } from './map-properties.js';
export {
  adaptiveOrder,
  determinant,
  energyBehavior,
  jacobianWithError,
  measureOrder,
  methodStep,
  oneStepJacobian,
  referenceSolution,
  residualTolerance,
  reversibilityError,
  slope,
  symplecticResidual,
  vectorField,
  type AdaptiveOrder,
  type EnergyBehavior,
  type JacobianEstimate,
  type OrderMeasurement,
  type StepFunction,
} from './checks.js';

/** A system to verify on, with the states the one-step checks use and the state the order is measured from. */
export interface VerifySystem {
  system: HamiltonianSystem;
  /** States (q, p) for the Jacobian, symmetry, consistency and one-step-map checks. */
  states: Array<{ q: number[]; p: number[] }>;
  /** Where the order is measured from (default: the first state), integrating to T = 2. */
  orderState?: { q: number[]; p: number[] };
}

/**
 * The built-in systems: harmonic (dim 1), pendulum (dim 1, up to near the separatrix), Hénon–Heiles (dim 2), Kepler
 * (dim 2, e = 0.9 at pericentre and apocentre; order from e ≈ 0.44) and a 3-d oscillator — large amplitudes included.
 * @example
 * verifyIntegrator(myStep, { systems: [...defaultVerifySystems(), mySystem] });
 */
export function defaultVerifySystems(): VerifySystem[] {
  const vPeri = Math.sqrt(19), // e = 0.9, a = 1, μ = 1: r = 0.1 and 1.9
    vApo = Math.sqrt(0.1 / 1.9);
  return [
    {
      system: harmonicOscillator(),
      states: [
        { q: [1], p: [0.5] },
        { q: [30], p: [-20] },
      ],
    },
    {
      system: pendulum(),
      states: [
        { q: [0.7], p: [0.3] },
        { q: [2.5], p: [0.5] },
        { q: [3], p: [0.05] },
      ],
      orderState: { q: [1.5], p: [0] },
    },
    {
      system: henonHeiles(),
      states: [
        { q: [0.1, -0.2], p: [0.3, 0.15] },
        { q: [0.3, 0.2], p: [-0.2, 0.25] },
      ],
      orderState: { q: [0.3, 0.2], p: [-0.2, 0.25] },
    },
    {
      system: kepler(),
      states: [
        { q: [0.1, 0], p: [0, vPeri] },
        { q: [-1.9, 0], p: [0, -vApo] },
      ],
      orderState: { q: [1, 0], p: [0, 1.2] },
    },
    {
      system: { ...harmonicOscillator({ stiffness: [1, 2.5, 0.3] }), name: 'harmonic-3d' },
      states: [
        { q: [0.3, -0.5, 1], p: [0.2, 0.1, -0.4] },
        { q: [5, -3, 2], p: [1, -2, 0.5] },
      ],
    },
  ];
}

/** Options of `verifyIntegrator`. */
export interface VerifyOptions {
  /** Step size for the energy check and the first of the one-step checks (which also run at h = 0.2); default 0.1. */
  h?: number;
  /** Steps for the energy check; default 20,000. */
  steps?: number;
  /** Step sizes of the legacy fixed-ladder order fit on the harmonic oscillator (`orderFit`). */
  hs?: number[];
  /** Systems to verify on; default `defaultVerifySystems()`. */
  systems?: VerifySystem[];
  /**
   * Friction γ ≥ 0 of the dissipative system ṗ = −∂H/∂q − γp: the stepper receives it, `symplectic` then means conformal
   * symplectic (JᵀΩJ = e^{−γh}Ω), `symmetric` that Φ_{−h} inverts Φ_h, and the energy must not grow. Default 0.
   */
  friction?: number;
  /** What you claim for the stepper (order: within 0.3, or 7 % above order 4): each mismatch is a problem in the report (and `ok` false). */
  expect?: { order?: number; symplectic?: boolean; symmetric?: boolean };
}

/** The verdicts on one system. */
export interface SystemVerdict {
  system: string;
  dim: number;
  /** Largest |JᵀΩJ − cΩ| over the states and step sizes, and the largest tolerance it was judged against. */
  symplecticityResidual: number;
  tolerance: number;
  symplectic: boolean;
  /** Largest one-step reversibility error (momentum flip; with friction, Φ_{−h}∘Φ_h) and its tolerance. */
  reversibilityError: number;
  reversibilityTolerance: number;
  symmetric: boolean;
  /** Largest consistency defect at h = 1e-4 (it must fall with h). */
  consistencyDefect: number;
  consistent: boolean;
  orderMeasurement: AdaptiveOrder;
}

/** What `verifyIntegrator` measured. */
export interface IntegratorReport {
  /** The lowest order measured over the systems (each in its asymptotic range; see `systems[].orderMeasurement`). */
  order: number;
  /** The legacy fit on the harmonic oscillator alone (a fixed ladder): kept for comparison. */
  orderFit: OrderMeasurement;
  /** Energy behaviour on the pendulum (q₀ = 1, p₀ = 0). */
  energy: EnergyBehavior;
  /** No secular growth: finite, and the second half's error at most 1.5× the first's (with friction: H never above H₀). */
  energyBounded: boolean;
  /** Largest |JᵀΩJ − cΩ| over every system, state and step size checked. */
  symplecticityResidual: number;
  symplectic: boolean;
  /** Largest one-step reversibility error over the systems. */
  reversibilityError: number;
  symmetric: boolean;
  /** Every output finite (a NaN or an Infinity fails every verdict). */
  finite: boolean;
  /** The same input gives the same output whatever was stepped before. */
  oneStepMap: boolean;
  /** The local error vanishes as h → 0 on every system. */
  consistent: boolean;
  /** Per system: so a bug that shows in 2 or 3 dimensions only is named. */
  systems: SystemVerdict[];
  /** Empty when nothing is wrong and every claim in `expect` holds. */
  problems: string[];
  ok: boolean;
}

/** A user's stepper: advances (q, p) in place by h for `system` (with friction γ when verifying a dissipative method). */
export type UserStepper = (q: Float64Array, p: Float64Array, h: number, system: HamiltonianSystem, friction: number) => void;

/**
 * Runs the library's integrator checks on a stepper and reports what it is — order per system, (conformal)
 * symplecticity, symmetry, energy behaviour, consistency, the one-step-map property, finiteness — with a list of
 * problems and, given `expect`, whether your claims hold.
 * @example
 * const report = verifyIntegrator(myStep, { expect: { order: 2, symplectic: true, symmetric: true } });
 * if (!report.ok) console.log(report.problems);
 */
export function verifyIntegrator(stepper: MethodName | UserStepper, options: VerifyOptions = {}): IntegratorReport {
  const h = options.h ?? 0.1;
  const gamma = options.friction ?? 0;
  if (typeof stepper === 'string') getMethod(stepper); // unknown names throw here, listing the known ones
  let finite = true;
  let thrown: string | null = null;
  const bind = (system: HamiltonianSystem): StepFunction => {
    const raw: StepFunction = typeof stepper === 'string' ? methodStep(system, stepper, gamma) : (q, p, hh) => stepper(q, p, hh, system, gamma);
    return (q, p, hh) => {
      try {
        raw(q, p, hh);
      } catch (e) {
        // A step that throws (an implicit solver that does not converge) has no result: it fails like a NaN, named.
        thrown ??= `${system.name}, h = ${hh}: ${(e as Error).message}`;
        q.fill(Number.NaN);
        p.fill(Number.NaN);
      }
      for (let i = 0; i < q.length; i++) if (!Number.isFinite(q[i]) || !Number.isFinite(p[i])) finite = false;
    };
  };
  const rk4 = (system: HamiltonianSystem) => methodStep(system, 'rk4', gamma);
  const checkHs = [...new Set([h, 0.2])];
  const systems = options.systems ?? defaultVerifySystems();
  const verdicts: SystemVerdict[] = [];
  let oneStep = true;
  for (const { system, states, orderState } of systems) {
    const step = bind(system),
      reference = rk4(system);
    const field = vectorField(system, gamma);
    const vecs = states.map(({ q, p }) => [Float64Array.from(q), Float64Array.from(p)] as const);
    let residual = 0,
      tolerance = 0,
      symplectic = true,
      reversal = 0,
      reversalTolerance = 0,
      symmetric = true,
      defect = 0,
      consistent = true;
    for (const hh of checkHs) {
      const factor = Math.exp(-gamma * hh);
      for (const [q0, p0] of vecs) {
        const mine = jacobianWithError((q, p) => step(q, p, hh), q0, p0);
        const r = symplecticResidual(mine.J, system.dim, factor);
        const tol = residualTolerance(mine, system.dim);
        // Conclusive only where a non-symplectic method (RK4) at the same h and state would fail: else this state
        // and h cannot tell symplectic from not, and are left out of the verdict.
        const theirs = jacobianWithError((q, p) => reference(q, p, hh), q0, p0);
        const conclusive = symplecticResidual(theirs.J, system.dim, factor) > 10 * residualTolerance(theirs, system.dim);
        residual = r > residual || Number.isNaN(r) ? r : residual;
        tolerance = Math.max(tolerance, tol);
        if (!(r <= tol) && (conclusive || !Number.isFinite(r))) symplectic = false;
        const e = reversibility(step, q0, p0, hh, gamma);
        const eTol = 1e-12 * (1 + maxAbs(q0, p0));
        reversal = e > reversal || Number.isNaN(e) ? e : reversal;
        reversalTolerance = Math.max(reversalTolerance, eTol);
        if (!(e <= eTol) && (reversibility(reference, q0, p0, hh, gamma) > 10 * eTol || !Number.isFinite(e))) symmetric = false;
      }
    }
    for (const [q0, p0] of vecs) {
      const coarse = consistencyDefect(step, field, q0, p0, 1e-2),
        fine = consistencyDefect(step, field, q0, p0, 1e-4);
      defect = Math.max(defect, fine);
      if (!(fine <= 1e-6 || fine <= 0.2 * coarse)) consistent = false;
    }
    if (vecs.length && !isOneStepMap(step, vecs, h)) oneStep = false;
    const start = orderState ?? states[0];
    const [oq, op] = [Float64Array.from(start.q), Float64Array.from(start.p)];
    const orderMeasurement = adaptiveOrder(step, (T) => referenceSolution(system, gamma, oq, op, T), oq, op);
    verdicts.push({
      system: system.name,
      dim: system.dim,
      symplecticityResidual: residual,
      tolerance,
      symplectic,
      reversibilityError: reversal,
      reversibilityTolerance: reversalTolerance,
      symmetric,
      consistencyDefect: defect,
      consistent,
      orderMeasurement,
    });
  }
  const ho = harmonicOscillator();
  const orderFit = measureOrder(bind(ho), ho, Float64Array.of(1), Float64Array.of(0.5), { hs: options.hs });
  const pend = pendulum();
  const energy = energyBehavior(bind(pend), pend, Float64Array.of(1), Float64Array.of(0), h, options.steps ?? 20_000);
  // Infinity (exact on a system) counts; NaN (no order: inconsistent, or not finite) makes the order NaN.
  const orders = verdicts.map((v) => v.orderMeasurement.order);
  const consistent = verdicts.every((v) => v.consistent);
  const sound = finite && oneStep; // without these no verdict is about the stepper's one-step map
  const report: IntegratorReport = {
    order: orders.length && !orders.some(Number.isNaN) ? Math.min(...orders) : Number.NaN,
    orderFit,
    energy,
    energyBounded: sound && Number.isFinite(energy.maxError) && (gamma > 0 ? energy.trendPerTime <= 0 : energy.secondHalf <= 1.5 * energy.firstHalf + 1e-13),
    symplecticityResidual: verdicts.reduce((w, v) => (v.symplecticityResidual > w || Number.isNaN(v.symplecticityResidual) ? v.symplecticityResidual : w), 0),
    symplectic: sound && verdicts.every((v) => v.symplectic),
    reversibilityError: verdicts.reduce((w, v) => (v.reversibilityError > w || Number.isNaN(v.reversibilityError) ? v.reversibilityError : w), 0),
    symmetric: sound && verdicts.every((v) => v.symmetric),
    finite,
    oneStepMap: oneStep,
    consistent: finite && consistent,
    systems: verdicts,
    problems: [],
    ok: false,
  };
  report.problems = problems(report, options.expect);
  if (thrown) report.problems.unshift(`the stepper threw (${thrown})`);
  report.ok = report.problems.length === 0;
  return report;
}

/** Largest |entry| of q and p. */
function maxAbs(q: ArrayLike<number>, p: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < q.length; i++) m = Math.max(m, Math.abs(q[i]), Math.abs(p[i]));
  return m;
}

/**
 * One step forward and back: without friction ρΦ_h(ρΦ_h(z)) (ρ flips momenta; the identity for a symmetric method on
 * a reversible H); with friction Φ_{−h}(Φ_h(z)) (the identity for a symmetric method). Returns the distance from z.
 */
function reversibility(step: StepFunction, q0: Float64Array, p0: Float64Array, h: number, friction: number): number {
  const q = Float64Array.from(q0),
    p = Float64Array.from(p0);
  step(q, p, h);
  if (friction > 0) step(q, p, -h);
  else {
    for (let i = 0; i < p.length; i++) p[i] = -p[i];
    step(q, p, h);
    for (let i = 0; i < p.length; i++) p[i] = -p[i];
  }
  let e = 0;
  for (let i = 0; i < q.length; i++) {
    const d = Math.max(Math.abs(q[i] - q0[i]), Math.abs(p[i] - p0[i]));
    e = d > e || Number.isNaN(d) ? d : e;
  }
  return e;
}

/** What is wrong with the stepper, or with the claims made for it, in words. */
function problems(r: IntegratorReport, expect: VerifyOptions['expect']): string[] {
  const out: string[] = [];
  const list = (vs: SystemVerdict[]) => vs.map((v) => `${v.system} (dim ${v.dim})`).join(', ');
  if (!r.finite) out.push('the stepper produced NaN or Infinity: every verdict fails');
  if (!r.oneStepMap) out.push('not a one-step map: the same (q, p, h) gave different results depending on what was stepped before (hidden state?)');
  const inconsistent = r.systems.filter((v) => !v.consistent);
  if (inconsistent.length) out.push(`inconsistent on ${list(inconsistent)}: the local error does not vanish as h → 0 (the stages do not add up to one step?)`);
  const notSymplectic = r.systems.filter((v) => !v.symplectic);
  if (notSymplectic.length && notSymplectic.length < r.systems.length)
    out.push(`symplectic on ${list(r.systems.filter((v) => v.symplectic))} but not on ${list(notSymplectic)}: a bug that depends on the dimension?`);
  const orders = r.systems.map((v) => v.orderMeasurement.order);
  if (!orders.some(Number.isNaN) && Math.max(...orders) - Math.min(...orders) > Math.max(0.5, 0.1 * Math.min(...orders)))
    out.push(
      `the order differs between systems (${r.systems.map((v) => `${v.system} ${v.orderMeasurement.order.toFixed(2)}`).join(', ')}): exact only for some (linear?) problems`,
    );
  // Within 0.3, or 7 % for high orders (an 8th-order error reaches round-off after two or three halvings of h).
  if (expect?.order !== undefined && !(Math.abs(r.order - expect.order) <= Math.max(0.3, 0.07 * expect.order)))
    out.push(
      `expected order ${expect.order}, measured ${Number.isFinite(r.order) ? r.order.toFixed(2) : 'none'} (${r.systems.map((v) => `${v.system} ${v.orderMeasurement.order.toFixed(2)}`).join(', ')})`,
    );
  if (expect?.symplectic !== undefined && expect.symplectic !== r.symplectic)
    out.push(
      `expected ${expect.symplectic ? '' : 'not '}symplectic; it is ${r.symplectic ? '' : 'not '}(${list(notSymplectic.length ? notSymplectic : r.systems)})`,
    );
  if (expect?.symmetric !== undefined && expect.symmetric !== r.symmetric)
    out.push(`expected ${expect.symmetric ? '' : 'not '}symmetric; it is ${r.symmetric ? '' : 'not '}`);
  return out;
}
