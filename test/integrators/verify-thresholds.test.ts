/**
 * verifyIntegrator's thresholds, each met by a stepper just past it: a kick that misses symmetry by 10⁻⁹, a
 * determinant that misses 1 by 10⁻⁸, energy pumped in under friction, claims just inside and just outside the order
 * tolerance. On small system sets, so each verdict costs milliseconds.
 */
import { describe, expect, it } from 'vitest';
import {
  consistencyDefect,
  defaultVerifySystems,
  harmonicOscillator,
  jacobianWithError,
  pendulum,
  symplecticResidual,
  vectorField,
  verifyIntegrator,
  type UserStepper,
  type VerifySystem,
} from '../../src/integrators.js';
import { alternatingEuler, kickDriftKick, leapfrogFirstCoordinateOnly } from '../helpers/foolers.js';

const only = (...names: string[]): VerifySystem[] => defaultVerifySystems().filter((v) => names.includes(v.system.name));
const leapfrog = kickDriftKick(0.5, 0.5);

describe('verifyIntegrator at its thresholds', () => {
  it('leapfrog itself: symmetric, symplectic, consistent, order 2, bounded energy — the baseline the cases below depart from', () => {
    const r = verifyIntegrator(leapfrog, { systems: only('harmonic', 'pendulum'), steps: 2000, expect: { order: 2, symplectic: true, symmetric: true } });
    expect(r.problems).toEqual([]);
    expect(r.ok && r.symmetric && r.symplectic && r.consistent && r.energyBounded && r.finite && r.oneStepMap).toBe(true);
    for (const v of r.systems) {
      expect(v.reversibilityError).toBeLessThanOrEqual(v.reversibilityTolerance);
      expect(v.reversibilityTolerance).toBeLessThan(1e-10);
      expect(v.symplecticityResidual).toBeLessThanOrEqual(v.tolerance);
      expect(v.consistencyDefect).toBeLessThan(1e-3);
    }
  });

  it('kicks of ½ ± 10⁻⁹: not symmetric (a reversal error ~10⁻¹⁰ is far above round-off), though symplectic and consistent', () => {
    const r = verifyIntegrator(kickDriftKick(0.5 + 1e-9, 0.5 - 1e-9), { systems: only('pendulum'), steps: 2000, expect: { symmetric: true } });
    expect(r.symmetric).toBe(false);
    expect(r.systems[0].reversibilityError).toBeGreaterThan(r.systems[0].reversibilityTolerance);
    expect(r.symplectic).toBe(true);
    expect(r.consistent).toBe(true);
    expect(r.problems).toEqual(['expected symmetric; it is not ']);
    expect(r.ok).toBe(false);
  });

  it('leapfrog whose momenta grow by 10⁻⁸ per step: not symplectic (det J = 1 + 10⁻⁸), and the energy drifts', () => {
    const leaky: UserStepper = (q, p, h, s, g) => {
      leapfrog(q, p, h, s, g);
      for (let i = 0; i < p.length; i++) p[i] *= 1 + 1e-8;
    };
    const r = verifyIntegrator(leaky, { systems: only('harmonic'), steps: 20_000 });
    expect(r.symplectic).toBe(false);
    expect(r.systems[0].symplecticityResidual).toBeGreaterThan(5e-9);
    expect(r.systems[0].symplecticityResidual).toBeGreaterThan(r.systems[0].tolerance);
  });

  it('with friction: energy that decays is bounded; a stepper that pumps energy in is not, and neither is ignoring γ', () => {
    const damped = verifyIntegrator('leapfrog', { friction: 0.3, systems: only('pendulum'), steps: 2000 });
    expect(damped.energyBounded).toBe(true);
    expect(damped.energy.trendPerTime).toBeLessThan(0);
    const pump: UserStepper = (q, p, h, s, g) => {
      leapfrog(q, p, h, s, g);
      for (let i = 0; i < p.length; i++) p[i] *= Math.exp(0.3 * h); // friction with the wrong sign
    };
    const pumped = verifyIntegrator(pump, { friction: 0.3, systems: only('pendulum'), steps: 2000 });
    expect(pumped.energyBounded).toBe(false);
    // Without friction the same leapfrog is conformal with factor 1, not e^{−γh}: not (conformal) symplectic.
    expect(verifyIntegrator(leapfrog, { friction: 0.3, systems: only('pendulum'), steps: 200 }).symplectic).toBe(false);
  });

  it('without friction, energy error growing between the halves is unbounded; a flat one is bounded', () => {
    expect(verifyIntegrator('euler', { systems: only('harmonic'), steps: 2000 }).energyBounded).toBe(false);
    expect(verifyIntegrator('rk4', { systems: only('harmonic'), steps: 20_000 }).energyBounded).toBe(false); // slow, steady loss
    expect(verifyIntegrator('forest-ruth', { systems: only('harmonic'), steps: 20_000 }).energyBounded).toBe(true);
  });

  it('claims: order within 0.3 holds, beyond it is a problem; high orders get 7 %', () => {
    const systems = only('harmonic', 'pendulum');
    const claim = (order: number) => verifyIntegrator(leapfrog, { systems, steps: 200, expect: { order } }).problems;
    expect(claim(2.25)).toEqual([]);
    expect(claim(1.75)).toEqual([]);
    expect(claim(2.4).join()).toMatch(/expected order 2\.4, measured 2\.0\d \(harmonic 2\.0\d, pendulum 2\.0\d\)/);
    expect(claim(1.6).join()).toMatch(/expected order 1\.6/);
    const high = (order: number) => verifyIntegrator('kahan-li-8', { systems: only('harmonic'), steps: 200, expect: { order } }).problems;
    expect(high(7.6)).toEqual([]); // it measures 8.10: 0.5 off, within 7 % of 7.6 (0.53)
    expect(high(7.4).join()).toMatch(/expected order 7\.4, measured 8\.1/); // 0.7 off, beyond 7 % of 7.4
  });

  it('claims of symmetry and symplecticity in both directions', () => {
    const systems = only('harmonic');
    expect(verifyIntegrator('symplectic-euler', { systems, steps: 200, expect: { symplectic: true, symmetric: false } }).problems).toEqual([]);
    const wrong = verifyIntegrator('symplectic-euler', { systems, steps: 200, expect: { symplectic: false, symmetric: true } }).problems;
    expect(wrong).toEqual(['expected not symplectic; it is (harmonic (dim 1))', 'expected symmetric; it is not ']);
  });

  it('orders that differ between systems by more than max(0.5, 10 %) are named; closer ones are not', () => {
    const r = verifyIntegrator('leapfrog', { systems: only('harmonic', 'pendulum', 'henon-heiles'), steps: 200 });
    expect(r.problems).toEqual([]);
    // An order-1 error on the pendulum only (its force is sin q; the harmonic's is q): orders 2 and 1 differ by 1.
    const pendulumOnlyFirstOrder: UserStepper = (q, p, h, s, g) => {
      if (s.name === 'pendulum') kickDriftKick(0.45, 0.55)(q, p, h, s, g);
      else leapfrog(q, p, h, s, g);
    };
    const mixed = verifyIntegrator(pendulumOnlyFirstOrder, { systems: only('harmonic', 'pendulum'), steps: 200 });
    expect(mixed.problems.join()).toMatch(/the order differs between systems \(harmonic 2\.00, pendulum (0\.9\d|1\.0\d)\)/);
    expect(mixed.order).toBeCloseTo(1, 1);
  });

  it('symplectic on some systems only is named as a dimension-dependent bug', () => {
    // Momenta damped only in two or more dimensions: det J < 1 there.
    const flat: UserStepper = (q, p, h, s, g) => {
      leapfrog(q, p, h, s, g);
      if (q.length > 1) for (let i = 0; i < p.length; i++) p[i] *= 0.999;
    };
    const r = verifyIntegrator(flat, { systems: only('harmonic', 'harmonic-3d'), steps: 200 });
    expect(r.systems.map((v) => v.symplectic)).toEqual([true, false]);
    expect(r.problems.join()).toMatch(/symplectic on harmonic \(dim 1\) but not on harmonic-3d \(dim 3\): a bug that depends on the dimension/);
  });

  it('the step size given is checked as well as h = 0.2; the energy runs at it', () => {
    const r = verifyIntegrator('leapfrog', { h: 0.05, systems: [{ system: harmonicOscillator(), states: [{ q: [1], p: [0] }] }], steps: 1000 });
    expect(r.energy.maxError).toBeLessThan(0.05 ** 2);
    // Order-2 energy error: a quarter of h = 0.1's.
    const coarse = verifyIntegrator('leapfrog', { h: 0.1, systems: [{ system: pendulum(), states: [{ q: [1], p: [0] }] }], steps: 1000 });
    expect(coarse.energy.maxError / r.energy.maxError).toBeGreaterThan(3);
    expect(coarse.energy.maxError / r.energy.maxError).toBeLessThan(5);
  });

  it('reports the largest residual, reversal error and consistency defect over its states and both step sizes', () => {
    const skewed = kickDriftKick(0.5 + 1e-6, 0.5 - 1e-6);
    const r = verifyIntegrator(skewed, { systems: only('harmonic'), steps: 200 });
    const system = harmonicOscillator();
    let residual = 0,
      reversal = 0,
      defect = 0;
    for (const { q, p } of only('harmonic')[0].states) {
      for (const h of [0.1, 0.2]) {
        const est = jacobianWithError((qq, pp) => skewed(qq, pp, h, system, 0), Float64Array.from(q), Float64Array.from(p));
        residual = Math.max(residual, symplecticResidual(est.J, 1));
        const qq = Float64Array.from(q),
          pp = Float64Array.from(p);
        skewed(qq, pp, h, system, 0);
        pp[0] = -pp[0];
        skewed(qq, pp, h, system, 0);
        pp[0] = -pp[0];
        reversal = Math.max(reversal, Math.abs(qq[0] - q[0]), Math.abs(pp[0] - p[0]));
      }
      defect = Math.max(
        defect,
        consistencyDefect((qq, pp, h) => skewed(qq, pp, h, system, 0), vectorField(system, 0), Float64Array.from(q), Float64Array.from(p), 1e-4),
      );
    }
    const v = r.systems[0];
    expect(v.symplecticityResidual).toBe(residual);
    expect(v.reversibilityError).toBe(reversal);
    expect(v.consistencyDefect).toBe(defect);
    expect(r.symplecticityResidual).toBe(residual);
    expect(r.reversibilityError).toBe(reversal);
    // The symmetry tolerance follows the largest state, (30, −20): 1e-12·(1 + 30).
    expect(v.reversibilityTolerance).toBe(1e-12 * 31);
    expect(r.symmetric).toBe(false);
  });

  it('the report is the worst system: residual and reversal maxima, and every system must pass', () => {
    const flat: UserStepper = (q, p, h, s, g) => {
      leapfrog(q, p, h, s, g);
      if (q.length > 1) for (let i = 0; i < p.length; i++) p[i] *= 0.999;
    };
    const [harmonic, threeD] = only('harmonic', 'harmonic-3d');
    const r = verifyIntegrator(flat, { systems: [threeD, harmonic], steps: 200 });
    expect(r.symplecticityResidual).toBe(Math.max(...r.systems.map((v) => v.symplecticityResidual)));
    expect(r.symplecticityResidual).toBe(r.systems[0].symplecticityResidual);
    expect(r.reversibilityError).toBe(r.systems[0].reversibilityError);
    expect(r.systems.map((v) => [v.symplectic, v.symmetric])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect([r.symplectic, r.symmetric]).toEqual([false, false]);
    const firstOnly = verifyIntegrator(leapfrogFirstCoordinateOnly, { systems: [harmonic, threeD], steps: 200 });
    expect(firstOnly.systems.map((v) => v.consistent)).toEqual([true, false]);
    expect(firstOnly.consistent).toBe(false);
  });

  it('a stepper that throws fails like a NaN, and the first throw is named', () => {
    const thrower: UserStepper = (q, p, h, s, g) => {
      if (h >= 0.2) throw new Error(`no convergence at ${h}`);
      leapfrog(q, p, h, s, g);
    };
    const r = verifyIntegrator(thrower, { systems: only('pendulum'), steps: 200 });
    expect(r.finite).toBe(false);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toBe('the stepper threw (pendulum, h = 0.2: no convergence at 0.2)');
    expect(verifyIntegrator('leapfrog', { systems: only('pendulum'), steps: 200 }).problems).toEqual([]);
    expect(() => verifyIntegrator('leapfrug' as 'leapfrog')).toThrow(/unknown integration method 'leapfrug'/);
  });

  it('energy: not bounded without a one-step map; exactly kept energy (the identity) is bounded; no systems, no order', () => {
    expect(verifyIntegrator(alternatingEuler(), { systems: only('harmonic'), steps: 2000 }).energyBounded).toBe(false);
    const still = verifyIntegrator(() => {}, { systems: only('harmonic'), steps: 200 });
    expect(still.energy.maxError).toBe(0);
    expect(still.energyBounded).toBe(true);
    expect(verifyIntegrator('leapfrog', { systems: [], steps: 200 }).order).toBeNaN();
    expect(verifyIntegrator('leapfrog', { systems: only('harmonic'), steps: 200, hs: [0.1, 0.05] }).orderFit.hs).toEqual([0.1, 0.05]);
  });

  it('the default systems are the documented ones: Kepler at e = 0.9 (pericentre 0.1, apocentre 1.9), large amplitudes', () => {
    const systems = defaultVerifySystems();
    expect(systems.map((v) => v.system.name)).toEqual(['harmonic', 'pendulum', 'henon-heiles', 'kepler', 'harmonic-3d']);
    const kep = systems[3];
    for (const { q, p } of kep.states) {
      // e from energy and angular momentum: e² = 1 + 2EL² (μ = 1).
      const E = kep.system.energy(Float64Array.from(q), Float64Array.from(p)),
        L = q[0] * p[1] - q[1] * p[0];
      expect(Math.sqrt(1 + 2 * E * L * L)).toBeCloseTo(0.9, 12);
      expect(Math.hypot(q[0], q[1])).toBeCloseTo(q[0] > 0 ? 0.1 : 1.9, 12);
      expect(L).toBeCloseTo(Math.sqrt(0.19), 12); // the same orbit, counter-clockwise at both ends
    }
    expect(systems.map((v) => v.states)).toEqual([
      [
        { q: [1], p: [0.5] },
        { q: [30], p: [-20] },
      ],
      [
        { q: [0.7], p: [0.3] },
        { q: [2.5], p: [0.5] },
        { q: [3], p: [0.05] },
      ],
      [
        { q: [0.1, -0.2], p: [0.3, 0.15] },
        { q: [0.3, 0.2], p: [-0.2, 0.25] },
      ],
      kep.states,
      [
        { q: [0.3, -0.5, 1], p: [0.2, 0.1, -0.4] },
        { q: [5, -3, 2], p: [1, -2, 0.5] },
      ],
    ]);
    expect(systems[2].orderState).toEqual({ q: [0.3, 0.2], p: [-0.2, 0.25] });
  });
});
