/**
 * Properties a stepper must have before its order, symplecticity or symmetry mean anything: consistency (the local
 * error vanishes as h → 0) and being a one-step map (no hidden state).
 */
import type { StepFunction } from './checks.js';
import type { vectorField } from './system.js';
import type { Vec } from './system.js';

/**
 * The consistency defect at step h: ‖Φ_h(z) − z − h·f(z)‖∞ / (h·‖f(z)‖∞). A consistent method's defect is O(h) and
 * vanishes as h → 0; an inconsistent one's (an identity map, kicks that do not add up to 1) stays.
 * @example
 * consistencyDefect(step, vectorField(pendulum(), 0), q0, p0, 1e-4); // ~1e-4 for a first-order method
 */
export function consistencyDefect(step: StepFunction, field: ReturnType<typeof vectorField>, q0: Vec, p0: Vec, h: number): number {
  const n = q0.length;
  const dq = new Float64Array(n),
    dp = new Float64Array(n);
  field(dq, dp, q0, p0);
  const q = Float64Array.from(q0),
    p = Float64Array.from(p0);
  step(q, p, h);
  let defect = 0,
    size = 0;
  for (let i = 0; i < n; i++) {
    defect = Math.max(defect, Math.abs(q[i] - q0[i] - h * dq[i]), Math.abs(p[i] - p0[i] - h * dp[i]));
    size = Math.max(size, Math.abs(dq[i]), Math.abs(dp[i]));
  }
  const d = defect / (h * Math.max(size, Number.MIN_VALUE));
  return Number.isFinite(d) ? d : Number.POSITIVE_INFINITY;
}

/**
 * Whether `step` acts as a one-step map: the same (q, p, h) gives the same result whatever was stepped before —
 * states interleaved, each stepped twice, with another h in between. A stepper that alternates methods or keeps
 * a hidden state is not one (and then no one-step property — order, symplecticity, symmetry — is its own).
 * @example
 * isOneStepMap(step, [[q0, p0], [q1, p1]], 0.1); // true for every method of the library
 */
export function isOneStepMap(step: StepFunction, states: ReadonlyArray<readonly [Vec, Vec]>, h: number): boolean {
  const run = (i: number, hh: number) => {
    const q = Float64Array.from(states[i][0]),
      p = Float64Array.from(states[i][1]);
    step(q, p, hh);
    return [...q, ...p];
  };
  const first = states.map((_, i) => run(i, h));
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, k) => Object.is(v, b[k]));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = states.length - 1; i >= 0; i--) {
      run(i, 2 * h); // another h in between
      if (!same(run(i, h), first[i])) return false;
      if (!same(run(i, h), first[i])) return false;
    }
  }
  return true;
}
