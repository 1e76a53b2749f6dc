/**
 * The measurements verifyIntegrator is built from, one by one, on maps and steppers whose answers are worked out by
 * hand: a linear map's Jacobian, a cubic's central-difference bias, determinants with pivoting, a stepper whose global
 * error is exactly T·hᵖ, an energy that grows exactly linearly, a damped oscillator in closed form.
 */
import { describe, expect, it } from 'vitest';
import {
  adaptiveOrder,
  consistencyDefect,
  determinant,
  energyBehavior,
  harmonicOscillator,
  isOneStepMap,
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
  type StepFunction,
} from '../../src/integrators.js';

/** (q, p) ↦ (2q + p/2, −q + p/4) in one dimension. */
const linear = (q: Float64Array, p: Float64Array) => {
  const q0 = q[0];
  q[0] = 2 * q0 + 0.5 * p[0];
  p[0] = -q0 + 0.25 * p[0];
};

describe('Jacobians', () => {
  it('oneStepJacobian: a linear map exactly, row-major ∂Φᵢ/∂zⱼ; a cubic with the central difference bias δ²', () => {
    const J = oneStepJacobian(linear, Float64Array.of(0.3), Float64Array.of(-0.7));
    expect([...J].map((v) => Number(v.toFixed(9)))).toEqual([2, 0.5, -1, 0.25]);
    const cube = (q: Float64Array, p: Float64Array) => {
      q[0] = q[0] ** 3;
      p[0] = 5 * p[0];
    };
    // ((q + δ)³ − (q − δ)³)/2δ = 3q² + δ².
    const K = oneStepJacobian(cube, Float64Array.of(2), Float64Array.of(1), 1e-2);
    expect(K[0]).toBeCloseTo(12 + 1e-4, 9);
    expect(K[3]).toBeCloseTo(5, 9);
    expect(K[1]).toBe(0);
    expect(K[2]).toBe(0);
  });

  it('jacobianWithError: the error bound covers the true error, is tight, and is NaN for a non-finite map', () => {
    const cube = (q: Float64Array, p: Float64Array) => {
      const q0 = q[0];
      q[0] = q0 ** 3 + p[0];
      p[0] = Math.sin(q0) * p[0];
    };
    const q0 = 1.3,
      p0 = -0.4;
    const est = jacobianWithError(cube, Float64Array.of(q0), Float64Array.of(p0));
    const truth = [3 * q0 * q0, 1, Math.cos(q0) * p0, Math.sin(q0)];
    let worst = 0;
    truth.forEach((t, k) => {
      worst = Math.max(worst, Math.abs(est.J[k] - t));
    });
    expect(worst).toBeLessThanOrEqual(est.error);
    expect(est.error).toBeLessThan(1e-8);
    expect(est.largest).toBeCloseTo(3 * q0 * q0, 8);
    // A linear map: no Richardson correction, so the bound is the round-off term alone — 1.5·8·ε·max(1, largest output)/5e-4.
    const lin = jacobianWithError(linear, Float64Array.of(3), Float64Array.of(-2));
    const outputs = Math.max(Math.abs(2 * 3.006 - 1), Math.abs(-3.006 - 0.5));
    expect(lin.error).toBeGreaterThanOrEqual((1.5 * 8 * Number.EPSILON * 5) / 5e-4);
    expect(lin.error).toBeLessThan((1.5 * 8 * Number.EPSILON * outputs) / 5e-4 + 1e-13);
    expect(lin.largest).toBeCloseTo(2, 10);
    // Steps scale with the state (δ = 1e-3·|z|): at q = 50 the differences of sin are visibly truncated, and the bound says so.
    const wave = (q: Float64Array) => {
      q[0] = Math.sin(q[0]);
    };
    const far = jacobianWithError(wave, Float64Array.of(50), Float64Array.of(0));
    expect(far.error).toBeGreaterThan(1e-10);
    expect(Math.abs(far.J[0] - Math.cos(50))).toBeLessThanOrEqual(far.error);
    const bad = jacobianWithError((q) => q.fill(Number.NaN), Float64Array.of(1), Float64Array.of(1));
    expect(bad.error).toBeNaN();
  });

  it('residualTolerance is 2(2m·L·e + m·e²) + 64ε·m·max(1, L²)', () => {
    const tol = residualTolerance({ J: new Float64Array(4), error: 1e-6, largest: 2 }, 1);
    expect(tol).toBeCloseTo(2 * (2 * 2 * 2 * 1e-6 + 2 * 1e-12) + 64 * Number.EPSILON * 2 * 4, 20);
    const small = residualTolerance({ J: new Float64Array(16), error: 0, largest: 0.5 }, 2);
    expect(small).toBe(64 * Number.EPSILON * 4);
  });

  it('symplecticResidual: |JᵀΩJ − cΩ| — zero for det 1 in one dimension, the determinant’s excess otherwise, NaN for NaN', () => {
    expect(symplecticResidual(Float64Array.of(2, 0, 0, 0.5), 1)).toBe(0);
    expect(symplecticResidual(Float64Array.of(2, 0, 0, 1), 1)).toBe(1);
    expect(symplecticResidual(Float64Array.of(2, 0, 0, 1), 1, 2)).toBe(0);
    expect(symplecticResidual(Float64Array.of(1, 3, 0, 1), 1)).toBe(0); // a shear
    // Two dimensions: q₂ scaled by 3 alone — the (q₂, p₂) entry of JᵀΩJ is 3, not 1.
    const J = new Float64Array(16);
    for (const [i, v] of [1, 3, 1, 1].entries()) J[i * 4 + i] = v;
    expect(symplecticResidual(J, 2)).toBe(2);
    expect(symplecticResidual(Float64Array.of(Number.NaN, 0, 0, 1), 1)).toBeNaN();
  });

  it('determinant: with row swaps (sign), singular, and 3×3', () => {
    expect(determinant(Float64Array.of(0, 1, 1, 0), 2)).toBe(-1);
    expect(determinant(Float64Array.of(1, 2, 3, 4), 2)).toBeCloseTo(-2, 12);
    expect(determinant(Float64Array.of(1, 2, 2, 4), 2)).toBe(0);
    expect(determinant(Float64Array.of(2, -1, 0, -1, 2, -1, 0, -1, 2), 3)).toBeCloseTo(4, 12);
    expect(determinant(Float64Array.of(0, 0, 1, 0, 2, 0, 3, 0, 0), 3)).toBeCloseTo(-6, 12);
  });

  it('slope: least squares', () => {
    expect(slope([0, 1, 2], [1, 3, 5])).toBeCloseTo(2, 12);
    expect(slope([1, 2, 3], [2, 4, 7])).toBeCloseTo(2.5, 12);
  });
});

/** A system at rest (the exact flow is the identity) and a stepper whose error after T is exactly T·hᵖ (q += hᵖ⁺¹). */
const still = {
  ...harmonicOscillator(),
  exact: (_t: number, q0: Float64Array | Float32Array, p0: Float64Array | Float32Array, q: Float64Array | Float32Array, p: Float64Array | Float32Array) => (
    q.set(q0), p.set(p0)
  ),
};
const drifting =
  (order: number): StepFunction =>
  (q, _p, h) => {
    q[0] += h ** (order + 1);
  };

describe('orders', () => {
  it('measureOrder: the slope over errors in (1e-12, 0.1) on its default ladder; refuses a system with no exact flow', () => {
    const m = measureOrder(drifting(2), still, Float64Array.of(0), Float64Array.of(0));
    expect(m.hs).toEqual([0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625]);
    expect(m.errors[1]).toBeCloseTo(4 * 0.25 ** 2, 12);
    expect(m.used).toBe(4); // 4h² < 0.1 from h = 0.125
    expect(m.order).toBeCloseTo(2, 9);
    expect(measureOrder(drifting(3), still, Float64Array.of(0), Float64Array.of(0), { T: 1, hs: [0.1, 0.05] }).order).toBeCloseTo(3, 6);
    expect(measureOrder(() => {}, still, Float64Array.of(0), Float64Array.of(0)).order).toBeNaN(); // no error at all
    const { exact: _, ...noExact } = still;
    expect(() => measureOrder(drifting(1), noExact, Float64Array.of(0), Float64Array.of(0))).toThrow(/exact solution/);
  });

  it('adaptiveOrder: slopes from errors below 0.1, stopping at h = T/1024 when three agree; relative to 1 + max|z₀|', () => {
    const q0 = Float64Array.of(3),
      p0 = Float64Array.of(-5);
    const r = adaptiveOrder(drifting(2), () => [Float64Array.of(3), Float64Array.of(-5)], q0, p0);
    expect(r.order).toBeCloseTo(2, 9);
    expect(r.spread).toBeLessThan(1e-9);
    expect(r.hs).toHaveLength(9); // h = 2/4 … 2/1024
    expect(r.errors[0]).toBeCloseTo((2 * 0.5 ** 2) / 6, 12); // relative to 1 + |p₀| = 6
    expect(r.slopes).toHaveLength(8); // from the first pair: the error at 2/4, 2·(2/4)²/6 ≈ 0.083, is below 0.1
    // Relative to 4 instead, the error at 2/4 is 0.125: no slope from it.
    const near = adaptiveOrder(drifting(2), () => [Float64Array.of(3), Float64Array.of(0)], q0, Float64Array.of(0));
    expect(near.slopes).toHaveLength(7);
    expect(near.errors[0]).toBeCloseTo(0.125, 12);
    // Slopes that never settle (the error's constant alternates with h): the ladder runs to h = T/2¹⁵, spread reported.
    const restless: StepFunction = (q, _p, h) => {
      q[0] += h ** 3 * (Math.round(Math.log2(h)) % 2 ? 1.3 : 0.7);
    };
    const wide = adaptiveOrder(restless, () => [Float64Array.of(0), Float64Array.of(0)], Float64Array.of(0), Float64Array.of(0));
    expect(wide.hs).toHaveLength(14);
    expect(wide.spread).toBeCloseTo(2 * Math.log2(1.3 / 0.7), 9);
    expect(wide.order).toBeCloseTo(2 + Math.log2(1.3 / 0.7) / 3, 9); // the mean of the last three: p ± log₂(1.3/0.7)
    // An exact stepper: order Infinity, nothing kept; a NaN stepper: no order.
    const exact = adaptiveOrder(
      () => {},
      () => [Float64Array.of(3), Float64Array.of(-5)],
      q0,
      p0,
    );
    expect(exact.order).toBe(Number.POSITIVE_INFINITY);
    expect(exact.hs).toEqual([]);
    const nan = adaptiveOrder(
      (q) => q.fill(Number.NaN),
      () => [Float64Array.of(3), Float64Array.of(0)],
      q0,
      p0,
    );
    expect(nan.order).toBeNaN();
    expect(nan.errors.every((e) => e === Number.POSITIVE_INFINITY)).toBe(true);
    // Round-off ends the ladder: order 5 reaches 1e-13 before three slopes could agree past h = T/1024.
    const fifth = adaptiveOrder(drifting(5), () => [Float64Array.of(0), Float64Array.of(0)], Float64Array.of(0), Float64Array.of(0));
    expect(fifth.order).toBeCloseTo(5, 6);
    expect(fifth.errors.at(-1)!).toBeGreaterThanOrEqual(1e-13);
    expect(fifth.hs.length).toBeLessThan(9);
  });

  it('referenceSolution: the exact flow without friction; RK4 with 2¹⁶ steps with it (a damped oscillator in closed form)', () => {
    const ho = harmonicOscillator();
    const [q, p] = referenceSolution(ho, 0, Float64Array.of(1), Float64Array.of(0.5), 2);
    expect(q[0]).toBe(Math.cos(2) + 0.5 * Math.sin(2));
    expect(p[0]).toBe(-Math.sin(2) + 0.5 * Math.cos(2));
    // q̈ + γq̇ + q = 0, q(0) = 1, q̇(0) = 0: q = e^{−γt/2}(cos ωt + (γ/2ω) sin ωt), ω = √(1 − γ²/4).
    const g = 0.3,
      w = Math.sqrt(1 - (g * g) / 4),
      t = 2;
    const [qd, pd] = referenceSolution(ho, g, Float64Array.of(1), Float64Array.of(0), t);
    const decay = Math.exp((-g * t) / 2);
    expect(qd[0]).toBeCloseTo(decay * (Math.cos(w * t) + (g / (2 * w)) * Math.sin(w * t)), 12);
    expect(pd[0]).toBeCloseTo(-decay * (1 / w) * Math.sin(w * t), 12);
  });
});

describe('energy, reversibility, consistency, one-step maps', () => {
  /** p ← √(p² + h): H = ½(q² + p²) grows by h/2 per step, exactly linear in t (q = 0). */
  const pump: StepFunction = (_q, p, h) => {
    p[0] = Math.sqrt(p[0] * p[0] + h);
  };

  it('energyBehavior: relative to |H₀| (a signed H₀ would flip the trend), absolute at H₀ = 0, halves and trend exact', () => {
    const ho = harmonicOscillator();
    const e = energyBehavior(pump, ho, Float64Array.of(0), Float64Array.of(1), 0.1, 100); // H₀ = ½: error = t
    expect(e.trendPerTime).toBeCloseTo(1, 9);
    expect(e.firstHalf).toBeCloseTo(5, 9);
    expect(e.secondHalf).toBeCloseTo(10, 9);
    expect(e.maxError).toBeCloseTo(10, 9);
    const shifted = { ...ho, energy: (q: Float64Array | Float32Array, p: Float64Array | Float32Array) => ho.energy(q, p) - 1 }; // H₀ = −½
    expect(energyBehavior(pump, shifted, Float64Array.of(0), Float64Array.of(1), 0.1, 100).trendPerTime).toBeCloseTo(1, 9);
    const zero = { ...ho, energy: (q: Float64Array | Float32Array, p: Float64Array | Float32Array) => ho.energy(q, p) - 0.5 }; // H₀ = 0
    expect(energyBehavior(pump, zero, Float64Array.of(0), Float64Array.of(1), 0.1, 100).maxError).toBeCloseTo(5, 9);
    const broken = energyBehavior((q) => q.fill(Number.NaN), ho, Float64Array.of(1), Float64Array.of(0), 0.1, 10);
    expect(broken.maxError).toBe(Number.POSITIVE_INFINITY);
    expect(broken.firstHalf).toBe(Number.POSITIVE_INFINITY);
  });

  it('reversibilityError: n steps, flip, n steps, flip — 2nh for a drift that ignores p, round-off for leapfrog', () => {
    const drift: StepFunction = (q, _p, h) => {
      q[0] += h;
    };
    expect(reversibilityError(drift, Float64Array.of(1), Float64Array.of(2), 0.1, 7)).toBeCloseTo(1.4, 12);
    const flipsQ: StepFunction = (_q, p, h) => {
      p[0] += h;
    };
    expect(reversibilityError(flipsQ, Float64Array.of(1), Float64Array.of(2), 0.1, 3)).toBeCloseTo(0, 12); // p + 3h, −p − 3h + 3h, flip: p
    const leap = methodStep(harmonicOscillator(), 'leapfrog');
    expect(reversibilityError(leap, Float64Array.of(1), Float64Array.of(0.5), 0.1, 100)).toBeLessThan(1e-13);
  });

  it('consistencyDefect: ‖Φ(z) − z − h·f(z)‖ / (h‖f(z)‖) — ½ for a stepper that only drifts, 1 for the identity', () => {
    const ho = harmonicOscillator();
    const field = vectorField(ho, 0);
    const drift: StepFunction = (q, p, h) => {
      q[0] += h * p[0];
    };
    // f = (p, −q) = (2, −1): the drift misses h·(−1) in p, relative to h·2.
    expect(consistencyDefect(drift, field, Float64Array.of(1), Float64Array.of(2), 1e-3)).toBeCloseTo(0.5, 12);
    expect(consistencyDefect(() => {}, field, Float64Array.of(1), Float64Array.of(2), 1e-3)).toBeCloseTo(1, 12);
    expect(consistencyDefect((q) => q.fill(Number.NaN), field, Float64Array.of(1), Float64Array.of(2), 1e-3)).toBe(Number.POSITIVE_INFINITY);
    // With friction γ the field's p-component is −q − γp.
    const damped = vectorField(ho, 0.5);
    const dq = new Float64Array(1),
      dp = new Float64Array(1);
    damped(dq, dp, Float64Array.of(1), Float64Array.of(2));
    expect([dq[0], dp[0]]).toEqual([2, -2]);
  });

  it('isOneStepMap: a pure map passes; one that remembers its last h, or counts its calls, does not', () => {
    const states = [
      [Float64Array.of(1), Float64Array.of(0)],
      [Float64Array.of(-0.5), Float64Array.of(2)],
    ] as const;
    expect(isOneStepMap(methodStep(harmonicOscillator(), 'leapfrog'), states, 0.1)).toBe(true);
    let lastH = 0;
    const remembers: StepFunction = (q, _p, h) => {
      q[0] += lastH;
      lastH = h;
    };
    expect(isOneStepMap(remembers, states, 0.1)).toBe(false);
    let calls = 0;
    const counts: StepFunction = (q) => {
      if (++calls > 4) q[0] += 1e-15; // from the first pass's second state on
    };
    expect(isOneStepMap(counts, states, 0.1)).toBe(false);
    let seen = 0;
    const lateState: StepFunction = (q) => {
      if (++seen > 10) q[0] += 1; // changes only in the second pass (2 calls, then 6 per pass)
    };
    expect(isOneStepMap(lateState, states, 0.1)).toBe(false);
    // Wrong only on a repeat right after a repeat that followed another h: only the second comparison sees it.
    const hs: number[] = [];
    const secondRepeat: StepFunction = (q, _p, h) => {
      const [before, previous] = [hs.at(-2), hs.at(-1)];
      if (previous === h && before !== undefined && before !== h) q[0] += 1;
      hs.push(h);
    };
    expect(isOneStepMap(secondRepeat, states, 0.1)).toBe(false);
    // Wrong only for the first state, late: every state is rechecked.
    let late = 0;
    const firstStateOnly: StepFunction = (q) => {
      if (++late > 2 && q[0] === 1) q[0] += 1;
    };
    expect(isOneStepMap(firstStateOnly, states, 0.1)).toBe(false);
  });
});
