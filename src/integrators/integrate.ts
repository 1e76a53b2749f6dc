import { UsageError } from '../core/errors.js';
import type { MethodName } from './methods.js';
import { createStepper } from './stepper.js';
import type { HamiltonianSystem, Vec } from './system.js';

/** Options of `integrate`. */
export interface IntegrateOptions {
  h: number;
  steps: number;
  /** Keep every k-th state (and the first); 0 keeps none (only errors). Default: about 1,000 records. */
  record?: number;
  /** Friction γ (conformal/dissipative variants). Default 0. */
  friction?: number;
  /** Compensated (Kahan) summation of the updates: round-off stops accumulating over long runs (splitting methods). */
  compensated?: boolean;
}

/** A recorded run with its energy and invariant errors. */
export interface Trajectory {
  system: string;
  method: MethodName;
  h: number;
  steps: number;
  /** Times of the recorded states. */
  t: Float64Array;
  /** Recorded positions and momenta, records × dim. */
  q: Float64Array;
  p: Float64Array;
  /** Energy at each recorded state. */
  energy: Float64Array;
  /** Relative energy error |H − H₀| / |H₀| (absolute when H₀ = 0), at each recorded state. */
  energyError: Float64Array;
  /** Largest relative energy error over every step (not only the recorded ones). */
  maxEnergyError: number;
  finalEnergyError: number;
  /** Largest absolute change of each named invariant over every step. */
  invariantErrors: Record<string, number>;
  /** Wall-clock steps per second (energy evaluation included). */
  stepsPerSecond: number;
}

/**
 * Integrates from (q0, p0) for `steps` steps; records a thinned trajectory and tracks energy and invariant
 * errors at every step without allocating per step.
 * @example
 * const tr = integrate(pendulum(), 'leapfrog', Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 100_000 });
 * tr.maxEnergyError; // bounded, ~1e-3
 */
export function integrate(system: HamiltonianSystem, method: MethodName, q0: Vec, p0: Vec, options: IntegrateOptions): Trajectory {
  const { h, steps } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new UsageError(`steps must be an integer ≥ 0, got ${steps}`);
  const n = system.dim;
  if (q0.length !== n || p0.length !== n) throw new UsageError(`q0 and p0 must have ${n} entries (the system's dim), got ${q0.length} and ${p0.length}`);
  const stepper = createStepper(system, method, { h, friction: options.friction, compensated: options.compensated });
  const every = options.record ?? Math.max(1, Math.floor(steps / 1000));
  const records = every > 0 ? Math.floor(steps / every) + 1 : 1;
  const q = Float64Array.from(q0),
    p = Float64Array.from(p0);
  const T = new Float64Array(records),
    Q = new Float64Array(records * n),
    P = new Float64Array(records * n);
  const E = new Float64Array(records),
    EE = new Float64Array(records);
  const H0 = system.energy(q, p);
  const denom = H0 !== 0 ? Math.abs(H0) : 1;
  const inv = Object.entries(system.invariants ?? {});
  const inv0 = inv.map(([, f]) => f(q, p));
  const invErr = new Float64Array(inv.length);
  let maxErr = 0,
    err = 0,
    r = 0;
  const save = (i: number) => {
    T[r] = i * h;
    Q.set(q, r * n);
    P.set(p, r * n);
    E[r] = system.energy(q, p);
    EE[r] = Math.abs(E[r] - H0) / denom;
    r++;
  };
  save(0);
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    stepper.step(q, p);
    err = Math.abs(system.energy(q, p) - H0) / denom;
    if (err > maxErr || Number.isNaN(err)) maxErr = Number.isNaN(err) ? Infinity : err;
    for (let j = 0; j < inv.length; j++) {
      const d = Math.abs(inv[j][1](q, p) - inv0[j]);
      if (d > invErr[j]) invErr[j] = d;
    }
    if (every > 0 && i % every === 0 && r < records) save(i);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    system: system.name,
    method: stepper.method.name,
    h,
    steps,
    t: T.subarray(0, r),
    q: Q.subarray(0, r * n),
    p: P.subarray(0, r * n),
    energy: E.subarray(0, r),
    energyError: EE.subarray(0, r),
    maxEnergyError: maxErr,
    finalEnergyError: steps ? err : 0,
    invariantErrors: Object.fromEntries(inv.map(([name], j) => [name, invErr[j]])),
    stepsPerSecond: seconds > 0 ? steps / seconds : Infinity,
  };
}
