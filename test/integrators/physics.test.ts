import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SymplecticEuler, createParameter } from '../../src/index.js';
import {
  METHODS,
  createStepper,
  determinant,
  energyBehavior,
  harmonicOscillator,
  henonHeiles,
  integrate,
  kepler,
  measureOrder,
  methodStep,
  oneStepJacobian,
  pendulum,
  reversibilityError,
  symplecticResidual,
  verifyIntegrator,
  type GeneralSystem,
  type HamiltonianSystem,
  type MethodName,
} from '../../src/integrators.js';

const LONG = process.env.LONG === '1';
const SYMPLECTIC: MethodName[] = ['symplectic-euler', 'symplectic-euler-b', 'leapfrog', 'leapfrog-position', 'forest-ruth', 'pefrl', 'yoshida6', 'kahan-li-8'];
const SYMMETRIC: MethodName[] = ['leapfrog', 'leapfrog-position', 'forest-ruth', 'pefrl', 'yoshida6'];

/** Random test systems with a sampler of states inside their regular (bounded) region. */
const systems = fc.oneof(
  fc
    .record({ dim: fc.integer({ min: 1, max: 5 }), k: fc.array(fc.double({ min: 0.2, max: 4, noNaN: true }), { minLength: 5, maxLength: 5 }) })
    .map(({ dim, k }) => harmonicOscillator({ stiffness: k.slice(0, dim) }) as HamiltonianSystem),
  fc.constant(pendulum() as HamiltonianSystem),
  fc.constant(henonHeiles() as HamiltonianSystem),
  fc.constant(kepler() as HamiltonianSystem),
);

function state(sys: HamiltonianSystem, u: number[]): [Float64Array, Float64Array] {
  const n = sys.dim;
  if (sys.name === 'kepler') {
    // an ellipse: start at radius r in [0.8, 1.2] with a tangential speed giving eccentricity < 0.5
    const r = 0.8 + 0.4 * u[0],
      a = 2 * Math.PI * u[1],
      v = (0.85 + 0.3 * u[2]) / Math.sqrt(r);
    return [Float64Array.of(r * Math.cos(a), r * Math.sin(a)), Float64Array.of(-v * Math.sin(a), v * Math.cos(a))];
  }
  const scale = sys.name === 'henon-heiles' ? 0.25 : 1;
  return [
    Float64Array.from({ length: n }, (_, i) => scale * (2 * u[i % u.length] - 1)),
    Float64Array.from({ length: n }, (_, i) => scale * (2 * u[(i + 3) % u.length] - 1) * 0.8),
  ];
}
const unit = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 });

describe('energy over 10⁵ steps: symplectic methods stay bounded, Euler grows, RK4 drifts', () => {
  const steps = LONG ? 1_000_000 : 100_000;
  for (const method of SYMPLECTIC) {
    it(`${method}: no secular growth on the harmonic oscillator and the pendulum`, () => {
      fc.assert(
        fc.property(
          fc.double({ min: 0.05, max: 0.3, noNaN: true }),
          fc.double({ min: -1.8, max: 1.8, noNaN: true }),
          fc.double({ min: -0.8, max: 0.8, noNaN: true }),
          fc.boolean(),
          (h, q0, p0, pend) => {
            fc.pre(Math.abs(q0) + Math.abs(p0) > 0.1);
            const sys = pend ? pendulum() : harmonicOscillator();
            const e = energyBehavior(methodStep(sys, method), sys, Float64Array.of(q0), Float64Array.of(p0), h, steps);
            expect(e.secondHalf).toBeLessThanOrEqual(1.5 * e.firstHalf + 1e-12);
            expect(e.maxError).toBeLessThan(4 * h ** Math.min(2, METHODS[method].order)); // O(h^order): ≈ 1.1·h for symplectic Euler at h = 0.22
          },
        ),
        { numRuns: 3 },
      );
    });
  }

  it('explicit Euler’s energy grows and RK4’s drifts, on the same problems (the contrast)', () => {
    for (const sys of [harmonicOscillator(), pendulum()]) {
      const euler = energyBehavior(methodStep(sys, 'euler'), sys, Float64Array.of(1), Float64Array.of(0), 0.05, 4000);
      expect(euler.secondHalf).toBeGreaterThan(1.5 * euler.firstHalf);
      expect(euler.trendPerTime).toBeGreaterThan(0);
      const rk4 = energyBehavior(methodStep(sys, 'rk4'), sys, Float64Array.of(1), Float64Array.of(0), 0.2, steps);
      expect(rk4.secondHalf).toBeGreaterThan(1.5 * rk4.firstHalf);
      expect(rk4.trendPerTime).toBeLessThan(0); // RK4 dissipates energy on these systems
      const leap = energyBehavior(methodStep(sys, 'leapfrog'), sys, Float64Array.of(1), Float64Array.of(0), 0.2, steps);
      expect(Math.abs(leap.trendPerTime)).toBeLessThan(Math.abs(rk4.trendPerTime) / 10);
    }
  });
});

describe('convergence order on the harmonic oscillator (fit of log error against log h)', () => {
  const expected: Array<[MethodName, number]> = [
    ['euler', 1],
    ['symplectic-euler', 1],
    ['symplectic-euler-b', 1],
    ['leapfrog', 2],
    ['leapfrog-position', 2],
    ['forest-ruth', 4],
    ['pefrl', 4],
    ['yoshida6', 6],
    ['rk4', 4],
  ];
  for (const [method, order] of expected) {
    it(`${method} has order ${order} ± 0.3 (declared ${METHODS[method].order})`, () => {
      const ho = harmonicOscillator({ stiffness: [1, 2] });
      const m = measureOrder(methodStep(ho, method), ho, Float64Array.of(1, -0.3), Float64Array.of(0.5, 0.2));
      expect(m.used).toBeGreaterThanOrEqual(2);
      expect(Math.abs(m.order - order)).toBeLessThanOrEqual(0.3);
      expect(METHODS[method].order).toBe(order);
    });
  }
});

describe('symplecticity: JᵀΩJ = Ω for the one-step map', () => {
  it('holds to 1e-8 for every symplectic method, random systems, dimensions and states', () => {
    fc.assert(
      fc.property(systems, unit, fc.constantFrom(...SYMPLECTIC), fc.double({ min: 0.01, max: 0.2, noNaN: true }), (sys, u, method, h) => {
        const [q0, p0] = state(sys, u);
        const s = createStepper(sys, method, { h });
        const J = oneStepJacobian((q, p) => s.step(q, p), q0, p0);
        expect(symplecticResidual(J, sys.dim)).toBeLessThan(1e-8);
        expect(METHODS[method].symplectic).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('fails for explicit Euler and RK4 (shown on the pendulum and Hénon–Heiles)', () => {
    for (const sys of [pendulum(), henonHeiles()]) {
      const [q0, p0] = state(sys, [0.8, 0.3, 0.6, 0.9, 0.2, 0.4]);
      for (const method of ['euler', 'rk4'] as const) {
        const s = createStepper(sys, method, { h: 0.2 });
        const r = symplecticResidual(
          oneStepJacobian((q, p) => s.step(q, p), q0, p0),
          sys.dim,
        );
        expect(r, `${method} on ${sys.name}`).toBeGreaterThan(1e-7); // ≥ 10× the 1e-8 bound the symplectic methods meet
        expect(METHODS[method].symplectic).toBe(false);
      }
    }
  });
});

describe('reversibility of the symmetric methods', () => {
  it('n steps, flip p, n steps, flip p returns to the start to 1e-10', () => {
    fc.assert(
      fc.property(
        systems.filter((s) => s.name !== 'kepler'),
        unit,
        fc.constantFrom(...SYMMETRIC),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0.01, max: 0.2, noNaN: true }),
        (sys, u, method, n, h) => {
          const [q0, p0] = state(sys, u);
          expect(reversibilityError(methodStep(sys, method), q0, p0, h, n)).toBeLessThan(1e-10);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('does not hold for symplectic Euler (not symmetric)', () => {
    const sys = pendulum();
    expect(reversibilityError(methodStep(sys, 'symplectic-euler'), Float64Array.of(1), Float64Array.of(0), 0.1, 50)).toBeGreaterThan(1e-4);
    expect(METHODS['symplectic-euler'].symmetric).toBe(false);
  });
});

describe('conformal (dissipative) methods', () => {
  it('contract phase-space volume by exactly e^(−γhn) per step, and equal the conservative method at γ = 0', () => {
    fc.assert(
      fc.property(
        systems,
        unit,
        fc.constantFrom(...SYMPLECTIC),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0.01, max: 0.2, noNaN: true }),
        (sys, u, method, gamma, h) => {
          const [q0, p0] = state(sys, u);
          const s = createStepper(sys, method, { h, friction: gamma });
          const J = oneStepJacobian((q, p) => s.step(q, p), q0, p0);
          const det = determinant(J, 2 * sys.dim);
          const expected = Math.exp(-gamma * h * sys.dim);
          expect(Math.abs(det - expected) / expected).toBeLessThan(1e-7);
          const a = [Float64Array.from(q0), Float64Array.from(p0)],
            b = [Float64Array.from(q0), Float64Array.from(p0)];
          createStepper(sys, method, { h, friction: 0 }).step(a[0], a[1]);
          createStepper(sys, method, { h }).step(b[0], b[1]);
          expect(a).toEqual(b);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('systems and their invariants', () => {
  it('Kepler: splitting methods keep angular momentum to round-off; energy and Runge–Lenz bounded', () => {
    const q0 = Float64Array.of(1, 0),
      p0 = Float64Array.of(0, 1.1);
    for (const method of SYMPLECTIC) {
      const tr = integrate(kepler(), method, q0, p0, { h: 0.01, steps: 20_000, record: 0 });
      expect(tr.invariantErrors.angularMomentum, method).toBeLessThan(1e-12);
      expect(tr.maxEnergyError, method).toBeLessThan(0.05);
    }
    const rk4 = integrate(kepler(), 'rk4', q0, p0, { h: 0.05, steps: 4_000, record: 0 });
    expect(rk4.invariantErrors.angularMomentum).toBeGreaterThan(1e-8);
    const leap = integrate(kepler(), 'leapfrog', q0, p0, { h: 0.05, steps: 4_000, record: 0 });
    expect(leap.invariantErrors.angularMomentum).toBeLessThan(1e-12);
  });

  it('the harmonic oscillator’s exact solution is the flow (checked against a tiny-step Yoshida-6 run)', () => {
    const ho = harmonicOscillator({ stiffness: [1, 3] });
    const q = Float64Array.of(0.4, -1),
      p = Float64Array.of(0.2, 0.5);
    const tr = integrate(ho, 'yoshida6', q, p, { h: 0.01, steps: 300, record: 300 });
    const eq = new Float64Array(2),
      ep = new Float64Array(2);
    ho.exact!(3, q, p, eq, ep);
    for (let i = 0; i < 2; i++) {
      expect(tr.q[2 + i]).toBeCloseTo(eq[i], 10);
      expect(tr.p[2 + i]).toBeCloseTo(ep[i], 10);
    }
  });

  it('a general (non-separable) system runs with euler and rk4 and is refused, clearly, by splitting methods', () => {
    // H = ½(q² + p²)(1 + ½q²): not of the form T(p) + V(q).
    const sys: GeneralSystem = {
      kind: 'general',
      name: 'coupled',
      dim: 1,
      energy: (q, p) => 0.5 * (q[0] ** 2 + p[0] ** 2) * (1 + 0.5 * q[0] ** 2),
      dHdq: (o, q, p) => {
        o[0] = q[0] * (1 + 0.5 * q[0] ** 2) + 0.5 * (q[0] ** 2 + p[0] ** 2) * q[0];
      },
      dHdp: (o, q, p) => {
        o[0] = p[0] * (1 + 0.5 * q[0] ** 2);
      },
    };
    const tr = integrate(sys, 'rk4', Float64Array.of(0.5), Float64Array.of(0), { h: 0.01, steps: 1000 });
    expect(tr.maxEnergyError).toBeLessThan(1e-6);
    expect(() => createStepper(sys, 'leapfrog', { h: 0.1 })).toThrow(/'leapfrog' needs a separable Hamiltonian.*use 'euler' or 'rk4'/);
    expect(() => createStepper(pendulum(), 'midpoint' as MethodName, { h: 0.1 })).toThrow(/unknown integration method 'midpoint'/);
  });
});

describe('the optimisers are these integrators', () => {
  it('SymplecticEuler (friction 0) on L = ½Σkθ² conserves its shadow energy ½‖m‖² + L − (η/2)Σkθm', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        fc.nat(),
        (k, eta, seed) => {
          const p = createParameter('theta', [k.length]);
          p.data.set(k.map((_, i) => 1 + 0.5 * Math.sin(seed + i))); // away from the rest state, where H = 0
          const opt = new SymplecticEuler([p], { lr: eta });
          const momentum = () => (opt.state().params[0].momentum as Float32Array | undefined) ?? new Float32Array(k.length);
          const shadow = () => {
            const m = momentum();
            let s = 0;
            for (let i = 0; i < k.length; i++) s += 0.5 * m[i] ** 2 + 0.5 * k[i] * p.data[i] ** 2 - 0.5 * eta * k[i] * p.data[i] * m[i];
            return s;
          };
          const H0 = shadow();
          let plainMin = Infinity,
            plainMax = -Infinity;
          for (let step = 0; step < 500; step++) {
            for (let i = 0; i < k.length; i++) p.grad[i] = k[i] * p.data[i];
            opt.step();
            expect(Math.abs(shadow() - H0) / H0).toBeLessThan(2e-4); // float32 state
            const m = momentum();
            let plain = 0;
            for (let i = 0; i < k.length; i++) plain += 0.5 * m[i] ** 2 + 0.5 * k[i] * p.data[i] ** 2;
            plainMin = Math.min(plainMin, plain);
            plainMax = Math.max(plainMax, plain);
          }
          // …while the plain energy oscillates by O(η).
          expect(plainMax - plainMin).toBeGreaterThan(0);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('verifyIntegrator on a user’s own stepper', () => {
  it('recognises a hand-written velocity Verlet and a hand-written explicit Euler', () => {
    const tmp = new Float64Array(8);
    const myVerlet = (q: Float64Array, p: Float64Array, h: number, sys: HamiltonianSystem) => {
      const s = sys as ReturnType<typeof pendulum>;
      const g = tmp.subarray(0, q.length);
      s.gradV(g, q);
      for (let i = 0; i < q.length; i++) p[i] -= 0.5 * h * g[i];
      for (let i = 0; i < q.length; i++) q[i] += h * p[i];
      s.gradV(g, q);
      for (let i = 0; i < q.length; i++) p[i] -= 0.5 * h * g[i];
    };
    const good = verifyIntegrator(myVerlet);
    expect(good.order).toBeCloseTo(2, 0);
    expect(good.symplectic).toBe(true);
    expect(good.symmetric).toBe(true);
    expect(good.energyBounded).toBe(true);
    const myEuler = (q: Float64Array, p: Float64Array, h: number, sys: HamiltonianSystem) => {
      const s = sys as ReturnType<typeof pendulum>;
      const g = tmp.subarray(0, q.length);
      s.gradV(g, q);
      for (let i = 0; i < q.length; i++) {
        q[i] += h * p[i];
        p[i] -= h * g[i];
      }
    };
    const bad = verifyIntegrator(myEuler, { steps: 2000 });
    expect(bad.order).toBeCloseTo(1, 0);
    expect(bad.symplectic).toBe(false);
    expect(bad.energyBounded).toBe(false);
  });
});
