/**
 * verifyIntegrator's thresholds, each met by a stepper just past it: a kick that misses symmetry by 10⁻⁹, a
 * determinant that misses 1 by 10⁻⁸, energy pumped in under friction, claims just inside and just outside the order
 * tolerance. On small system sets, so each verdict costs milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { defaultVerifySystems, harmonicOscillator, pendulum, verifyIntegrator, type UserStepper, type VerifySystem } from '../../src/integrators.js';
import { kickDriftKick } from '../helpers/foolers.js';

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
    expect(claim(2.4).join()).toMatch(/expected order 2\.4, measured 2\.0\d/);
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
});
