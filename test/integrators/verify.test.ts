/**
 * verifyIntegrator cannot be fooled: each stepper of the audit's table reports the truth (one test each), every
 * method of the library reports what its table says, and the new methods — conformal splittings of full order,
 * Gauss–Legendre on a non-separable H, Kahan–Li 8, compensated summation — measure what they claim.
 */
import { describe, expect, it } from 'vitest';
import {
  METHODS,
  METHOD_NAMES,
  createStepper,
  defaultVerifySystems,
  determinant,
  harmonicOscillator,
  henonHeiles,
  integrate,
  kepler,
  oneStepJacobian,
  pendulum,
  verifyIntegrator,
  type GeneralSystem,
  type UserStepper,
  type VerifySystem,
} from '../../src/integrators.js';
import { alternatingEuler, energyProjectedRk4, kickDriftKick, leapfrogFirstCoordinateOnly, nestedTaylor } from '../helpers/foolers.js';

/** The library's systems without the Kepler e = 0.9 states (where the implicit solvers do not converge at h ≥ 0.05). */
const withoutPericentre = (): VerifySystem[] =>
  defaultVerifySystems().map((v) => (v.system.name === 'kepler' ? { ...v, states: [{ q: [1, 0], p: [0, 1.2] }] } : v));

describe('every method of the library reports what its table says', () => {
  it.each(METHOD_NAMES)('%s', (name) => {
    const info = METHODS[name];
    const r = verifyIntegrator(name, {
      systems: info.implicitStages ? withoutPericentre() : undefined,
      expect: { order: info.order, symplectic: info.symplectic, symmetric: info.symmetric },
    });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.finite && r.oneStepMap && r.consistent).toBe(true);
    for (const v of r.systems) expect(Math.abs(v.orderMeasurement.order - info.order), `${v.system}`).toBeLessThan(Math.max(0.3, 0.07 * info.order));
    expect(r.energyBounded).toBe(info.symplectic);
  });
});

describe('the audit’s foolers report the truth', () => {
  it('RK4 followed by an energy projection, h = 0.02: not symplectic (it conserves energy exactly)', () => {
    const projected = energyProjectedRk4;
    const r = verifyIntegrator(projected, { h: 0.02 });
    expect(r.symplectic).toBe(false);
    expect(r.symmetric).toBe(false);
    expect(verifyIntegrator(projected, { h: 0.02, expect: { symplectic: true } }).problems.join()).toMatch(/expected symplectic; it is not/);
  });
  it('the identity map: inconsistent, no order, not ok', () => {
    const r = verifyIntegrator(() => {});
    expect(r.consistent).toBe(false);
    expect(r.order).toBeNaN();
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/inconsistent on harmonic \(dim 1\)/);
  });
  it.each([
    ['returns NaN', ((q) => q.fill(Number.NaN)) as UserStepper],
    [
      'multiplies by 1e200',
      ((q, p) => {
        for (let i = 0; i < q.length; i++) {
          q[i] *= 1e200;
          p[i] *= 1e200;
        }
      }) as UserStepper,
    ],
  ])('a stepper that %s fails every verdict, energy included', (_, step) => {
    const r = verifyIntegrator(step, { steps: 500 });
    expect(r.finite).toBe(false);
    expect([r.symplectic, r.symmetric, r.energyBounded, r.consistent, r.ok]).toEqual([false, false, false, false, false]);
    expect(r.problems[0]).toMatch(/NaN or Infinity/);
  });
  it('leapfrog with kicks 0.49 and 0.5 (they add to 0.99): inconsistent, order 0', () => {
    const r = verifyIntegrator(kickDriftKick(0.49, 0.5));
    expect(r.consistent).toBe(false);
    expect(Math.abs(r.order)).toBeLessThan(0.2);
  });
  it('leapfrog with kicks 0.49 and 0.51: order 1 on every system (measured in the asymptotic range, not 1.5)', () => {
    const r = verifyIntegrator(kickDriftKick(0.49, 0.51));
    expect(r.consistent).toBe(true);
    for (const v of r.systems) expect(Math.abs(v.orderMeasurement.order - 1), v.system).toBeLessThan(0.15);
    expect(r.symmetric).toBe(false);
  });
  it('nested-Taylor RK (order 4 on linear problems, 2 in general): order 2, and the difference is named', () => {
    const nested = nestedTaylor;
    const r = verifyIntegrator(nested);
    expect(Math.abs(r.order - 2)).toBeLessThan(0.2);
    expect(r.systems.find((v) => v.system === 'harmonic')!.orderMeasurement.order).toBeGreaterThan(3.7);
    expect(r.problems.join()).toMatch(/the order differs between systems/);
  });
  it('alternating symplectic Euler A/B (a hidden parity): not a one-step map, so neither symmetric nor symplectic', () => {
    const alternating = alternatingEuler();
    const r = verifyIntegrator(alternating);
    expect(r.oneStepMap).toBe(false);
    expect(r.symmetric).toBe(false);
    expect(r.symplectic).toBe(false);
    expect(r.problems.join()).toMatch(/not a one-step map/);
  });
  it('leapfrog that drifts only q[0]: right in dimension 1, and the systems of dimension 2 and 3 are named', () => {
    const onlyFirst = leapfrogFirstCoordinateOnly;
    const r = verifyIntegrator(onlyFirst);
    for (const v of r.systems) expect(v.consistent, v.system).toBe(v.dim === 1);
    expect(r.problems.join()).toMatch(/inconsistent on henon-heiles \(dim 2\), kepler \(dim 2\), harmonic-3d \(dim 3\)/);
  });
  it('exact splitting methods at large amplitudes and at an e = 0.9 Kepler pericentre: symplectic (the tolerance follows the Jacobian’s error)', () => {
    for (const name of ['leapfrog', 'forest-ruth', 'yoshida6'] as const) {
      const kep = verifyIntegrator(name).systems.find((v) => v.system === 'kepler')!;
      expect(kep.symplectic, name).toBe(true);
      expect(kep.tolerance).toBeGreaterThan(1e-12); // the pericentre's Jacobian is not known to 1e-8 — and is judged so
    }
  });
  it('a claim that does not hold is a problem: euler claimed symplectic of order 2', () => {
    const r = verifyIntegrator('euler', { expect: { order: 2, symplectic: true } });
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/expected order 2, measured (0\.9\d|1\.\d\d)/);
    expect(r.problems.join()).toMatch(/expected symplectic; it is not/);
  });
});

describe('conformal (friction) methods keep their order', () => {
  it.each(['leapfrog', 'forest-ruth', 'pefrl', 'yoshida6', 'kahan-li-8'] as const)(
    '%s with γ = 0.3: its order, conformal symplectic, Φ₋ₕ inverts Φₕ',
    (name) => {
      const r = verifyIntegrator(name, { friction: 0.3, expect: { order: METHODS[name].order, symplectic: true, symmetric: true } });
      expect(r.problems).toEqual([]);
      const pend = r.systems.find((v) => v.system === 'pendulum')!;
      expect(Math.abs(pend.orderMeasurement.order - METHODS[name].order)).toBeLessThan(0.3);
    },
  );
  it('det J = e^(−γhn) still, and Forest–Ruth’s error at h = 10/4096 on the damped pendulum is 4th-order small (was 2.6e-3)', () => {
    const s = createStepper(pendulum(), 'forest-ruth', { h: 0.1, friction: 0.3 });
    const det = determinant(
      oneStepJacobian((q, p) => s.step(q, p), Float64Array.of(0.7), Float64Array.of(0.3)),
      2,
    );
    expect(det / Math.exp(-0.03) - 1).toBeLessThan(1e-8);
    const run = (method: 'forest-ruth' | 'rk4', steps: number) => {
      const st = createStepper(pendulum(), method, { h: 10 / steps, friction: 0.3 });
      const q = Float64Array.of(1),
        p = Float64Array.of(0);
      for (let i = 0; i < steps; i++) st.step(q, p);
      return [q[0], p[0]];
    };
    const [rq, rp] = run('rk4', 1 << 16);
    const [fq, fp] = run('forest-ruth', 4096);
    expect(Math.max(Math.abs(fq - rq), Math.abs(fp - rp))).toBeLessThan(1e-9);
  });
  it.each(['euler', 'rk4', 'leapfrog', 'yoshida6'] as const)(
    '%s with friction follows the damped oscillator’s exact solution (two-sided: energy decays at the right rate)',
    (name) => {
      // q̈ + γq̇ + q = 0 from q = 1, p = 0: q(t) = e^{−γt/2}(cos ωt + (γ/2ω) sin ωt), ω = √(1 − γ²/4).
      const gamma = 0.3,
        w = Math.sqrt(1 - (gamma * gamma) / 4),
        T = 5;
      const exactQ = Math.exp((-gamma * T) / 2) * (Math.cos(w * T) + (gamma / (2 * w)) * Math.sin(w * T));
      const steps = name === 'euler' ? 200_000 : 2000;
      const s = createStepper(harmonicOscillator(), name, { h: T / steps, friction: gamma });
      const q = Float64Array.of(1),
        p = Float64Array.of(0);
      for (let i = 0; i < steps; i++) s.step(q, p);
      expect(Math.abs(q[0] - exactQ)).toBeLessThan(name === 'euler' ? 1e-4 : 1e-5);
      const energy = 0.5 * (q[0] * q[0] + p[0] * p[0]);
      expect(energy).toBeLessThan(0.5 * Math.exp(-gamma * T) * 1.5);
      expect(energy).toBeGreaterThan(0.5 * Math.exp(-gamma * T) * 0.5);
    },
  );
});

describe('implicit Gauss–Legendre methods on a non-separable H', () => {
  // H = ½(q² + p²) + ¼q²p²: not T(p) + V(q), so no splitting method applies.
  const coupled: GeneralSystem = {
    kind: 'general',
    name: 'coupled',
    dim: 1,
    energy: (q, p) => 0.5 * (q[0] * q[0] + p[0] * p[0]) + 0.25 * q[0] * q[0] * p[0] * p[0],
    dHdq: (out, q, p) => {
      out[0] = q[0] + 0.5 * q[0] * p[0] * p[0];
    },
    dHdp: (out, q, p) => {
      out[0] = p[0] + 0.5 * q[0] * q[0] * p[0];
    },
  };
  const systems: VerifySystem[] = [
    {
      system: coupled,
      states: [
        { q: [0.8], p: [0.3] },
        { q: [-1.2], p: [0.9] },
      ],
    },
  ];
  it.each([
    ['implicit-midpoint', 2],
    ['gauss-legendre-4', 4],
    ['gauss-legendre-6', 6],
  ] as const)('%s: order %i, symplectic and symmetric — and explicit RK4 on the same system is neither', (name, order) => {
    const r = verifyIntegrator(name, { systems, expect: { order, symplectic: true, symmetric: true } });
    expect(r.problems).toEqual([]);
    expect(verifyIntegrator('rk4', { systems }).symplectic).toBe(false);
  });
  it('a splitting method refuses the non-separable system, naming what to use', () => {
    expect(() => createStepper(coupled, 'leapfrog', { h: 0.1 })).toThrow(/needs a separable Hamiltonian/);
  });
});

describe('long runs: compensated summation', () => {
  it('Yoshida-6, h = 1e-3, 300,000 steps: compensation cuts the energy round-off by 10× or more; reset() starts afresh', () => {
    const sys = harmonicOscillator();
    const drift = (compensated: boolean) => {
      const s = createStepper(sys, 'yoshida6', { h: 1e-3, compensated });
      const q = Float64Array.of(1),
        p = Float64Array.of(0);
      let worst = 0;
      for (let i = 1; i <= 300_000; i++) {
        s.step(q, p);
        if (i % 1000 === 0) worst = Math.max(worst, Math.abs(sys.energy(q, p) - 0.5));
      }
      s.reset();
      return worst;
    };
    const plain = drift(false),
      compensated = drift(true);
    expect(plain).toBeGreaterThan(1e-15);
    expect(compensated).toBeLessThan(plain / 10);
    expect(() => createStepper(sys, 'rk4', { h: 0.1, compensated: true })).toThrow(/splitting methods/);
  });
});

describe('the systems’ gradients are their potentials’ (finite differences)', () => {
  it.each([
    ['pendulum', pendulum(), [[0.7], [2.9]]],
    [
      'kepler',
      kepler(),
      [
        [0.3, -0.8],
        [1.9, 0.2],
      ],
    ],
    [
      'henon-heiles',
      henonHeiles(),
      [
        [0.1, -0.2],
        [0.4, 0.3],
      ],
    ],
    ['harmonic-3d', harmonicOscillator({ stiffness: [1, 2.5, 0.3] }), [[0.3, -0.5, 1]]],
  ] as const)('%s', (_, sys, points) => {
    for (const point of points) {
      const q = Float64Array.from(point),
        zero = new Float64Array(q.length),
        g = new Float64Array(q.length);
      sys.gradV(g, q);
      for (let i = 0; i < q.length; i++) {
        const d = 1e-6,
          a = Float64Array.from(q),
          b = Float64Array.from(q);
        a[i] += d;
        b[i] -= d;
        expect((sys.energy(a, zero) - sys.energy(b, zero)) / (2 * d)).toBeCloseTo(g[i], 7);
      }
    }
  });
});

describe('integrate with compensation', () => {
  it('passes compensated to the stepper: the energy error over 200,000 Yoshida-6 steps shrinks', () => {
    const run = (compensated: boolean) =>
      integrate(harmonicOscillator(), 'yoshida6', Float64Array.of(1), Float64Array.of(0), { h: 1e-3, steps: 200_000, compensated }).maxEnergyError;
    expect(run(true)).toBeLessThan(run(false) / 5);
  });
});
