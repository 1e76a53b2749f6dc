/**
 * Steppers that fooled the old verifyIntegrator (the audit's table), shared by test/integrators/verify.test.ts and
 * bench/verify.ts. Each is a `UserStepper` for separable systems.
 */
import { createStepper, vectorField, type HamiltonianSystem, type SeparableSystem, type UserStepper } from '../../src/integrators.js';

const tmp = new Float64Array(8);
/** ∇V(q) of a separable system (a view of a shared buffer: use before the next call). */
const force = (s: HamiltonianSystem, q: Float64Array): Float64Array => {
  (s as SeparableSystem).gradV(tmp, q);
  return tmp.subarray(0, q.length);
};

/** Kick k₁·h, drift h, kick k₂·h: leapfrog when k₁ = k₂ = ½. */
export const kickDriftKick =
  (k1: number, k2: number): UserStepper =>
  (q, p, h, s) => {
    let f = force(s, q);
    for (let i = 0; i < q.length; i++) p[i] -= k1 * h * f[i];
    for (let i = 0; i < q.length; i++) q[i] += h * p[i];
    f = force(s, q);
    for (let i = 0; i < q.length; i++) p[i] -= k2 * h * f[i];
  };

/** RK4, then momenta rescaled to restore the energy: conserves H exactly, and is not symplectic. */
export const energyProjectedRk4: UserStepper = (q, p, h, s) => {
  const E0 = s.energy(q, p);
  createStepper(s, 'rk4', { h }).step(q, p);
  const V = s.energy(q, new Float64Array(p.length)),
    T = s.energy(q, p) - V;
  if (T > 0 && E0 > V) for (let i = 0; i < p.length; i++) p[i] *= Math.sqrt((E0 - V) / T);
};

/** y ← y + h f(y + h/2 f(y + h/3 f(y + h/4 f(y)))): Taylor's series to h⁴ for linear f only (order 2 in general). */
export const nestedTaylor: UserStepper = (q, p, h, s) => {
  const n = q.length,
    f = vectorField(s, 0);
  const dq = new Float64Array(n),
    dp = new Float64Array(n),
    yq = new Float64Array(n),
    yp = new Float64Array(n);
  f(dq, dp, q, p);
  for (const c of [1 / 4, 1 / 3, 1 / 2, 1]) {
    for (let i = 0; i < n; i++) {
      yq[i] = q[i] + c * h * dq[i];
      yp[i] = p[i] + c * h * dp[i];
    }
    if (c < 1) f(dq, dp, yq, yp);
  }
  q.set(yq);
  p.set(yp);
};

/** Symplectic Euler kick–drift and drift–kick on alternate calls (a hidden parity): not a one-step map. */
export function alternatingEuler(): UserStepper {
  let parity = 0;
  return (q, p, h, s) => {
    parity ^= 1;
    const kick = () => {
      const f = force(s, q);
      for (let i = 0; i < q.length; i++) p[i] -= h * f[i];
    };
    const drift = () => {
      for (let i = 0; i < q.length; i++) q[i] += h * p[i];
    };
    if (parity) {
      kick();
      drift();
    } else {
      drift();
      kick();
    }
  };
}

/** Leapfrog whose drift moves q[0] only: right in dimension 1, inconsistent above. */
export const leapfrogFirstCoordinateOnly: UserStepper = (q, p, h, s) => {
  let f = force(s, q);
  for (let i = 0; i < q.length; i++) p[i] -= 0.5 * h * f[i];
  q[0] += h * p[0];
  f = force(s, q);
  for (let i = 0; i < q.length; i++) p[i] -= 0.5 * h * f[i];
};
