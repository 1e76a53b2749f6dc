/**
 * The method table's declarations against cheap measurements (fast enough for every mutant of `npm run mutate`):
 * symplecticity from the one-step Jacobian, symmetry from one step forward and back, the order from two step sizes,
 * and the stage helpers. The full verifier (verify.test.ts) says the same at length.
 */
import { describe, expect, it } from 'vitest';
import {
  METHODS,
  METHOD_NAMES,
  composeStages,
  createStepper,
  jacobianWithError,
  mergeStages,
  pendulum,
  residualTolerance,
  symplecticResidual,
} from '../../src/integrators.js';

const sys = pendulum();
const q0 = Float64Array.of(1.1),
  p0 = Float64Array.of(0.4);

describe.each(METHOD_NAMES)('%s', (name) => {
  const info = METHODS[name];
  it('is symplectic exactly when the table says (JᵀΩJ = Ω within the Jacobian’s error, at h = 0.2)', () => {
    const s = createStepper(sys, name, { h: 0.2 });
    const est = jacobianWithError((q, p) => s.step(q, p), q0, p0);
    expect(symplecticResidual(est.J, 1) <= residualTolerance(est, 1)).toBe(info.symplectic);
  });
  it('is symmetric exactly when the table says (one step, momentum flip, one step, flip back)', () => {
    const s = createStepper(sys, name, { h: 0.2 });
    const q = Float64Array.from(q0),
      p = Float64Array.from(p0);
    s.step(q, p);
    p[0] = -p[0];
    s.step(q, p);
    p[0] = -p[0];
    expect(Math.max(Math.abs(q[0] - q0[0]), Math.abs(p[0] - p0[0])) < 1e-12).toBe(info.symmetric);
  });
  it('has the order the table says (global error at T = 1, h = 1/16 against h = 1/32)', () => {
    const run = (steps: number) => {
      const s = createStepper(sys, name, { h: 1 / steps });
      const q = Float64Array.from(q0),
        p = Float64Array.from(p0);
      for (let i = 0; i < steps; i++) s.step(q, p);
      return [q[0], p[0]];
    };
    const [rq, rp] = run(4096 * 4);
    const err = (steps: number) => {
      const [q, p] = run(steps);
      return Math.max(Math.abs(q - rq), Math.abs(p - rp));
    };
    const coarse = info.order >= 6 ? 4 : 16;
    expect(Math.log2(err(coarse) / err(2 * coarse))).toBeGreaterThan(info.order - 0.5);
  });
  it('counts its force evaluations: one per kick stage (a first kick at the step’s start included)', () => {
    if (!info.stages) return;
    expect(info.stages.filter((st) => st.kind === 'kick').length).toBe(info.forceEvaluations);
  });
});

describe('stage helpers and argument checks', () => {
  it('mergeStages joins neighbours of one kind and drops empty stages; composeStages scales and merges', () => {
    expect(
      mergeStages([
        { kind: 'drift', c: 0.5 },
        { kind: 'drift', c: 0.25 },
        { kind: 'kick', c: 0 },
        { kind: 'kick', c: 1 },
        { kind: 'drift', c: 0.25 },
      ]),
    ).toEqual([
      { kind: 'drift', c: 0.75 },
      { kind: 'kick', c: 1 },
      { kind: 'drift', c: 0.25 },
    ]);
    const base = METHODS['leapfrog-position'].stages!;
    expect(composeStages(base, [0.5, 0.5])).toEqual([
      { kind: 'drift', c: 0.25 },
      { kind: 'kick', c: 0.5 },
      { kind: 'drift', c: 0.5 },
      { kind: 'kick', c: 0.5 },
      { kind: 'drift', c: 0.25 },
    ]);
    const input = [{ kind: 'kick' as const, c: 1 }];
    mergeStages(input).forEach((s) => {
      s.c = 9;
    });
    expect(input[0].c).toBe(1); // no aliasing of the caller's stages
  });
  it.each([
    [{ h: 0 }, /h must be a finite non-zero number, got 0/],
    [{ h: Number.NaN }, /h must be a finite non-zero number/],
    [{ h: Number.POSITIVE_INFINITY }, /h must be a finite non-zero number/],
    [{ h: 0.1, friction: -0.1 }, /friction must be a finite number ≥ 0, got -0.1/],
    [{ h: 0.1, friction: Number.POSITIVE_INFINITY }, /friction must be a finite number ≥ 0/],
  ])('createStepper refuses %j', (options, message) => {
    expect(() => createStepper(sys, 'leapfrog', options)).toThrow(message);
  });
  it('compensation: splitting methods only; with it, kicks and drifts still compute the method (a one-step result within 1e-15)', () => {
    expect(() => createStepper(sys, 'rk4', { h: 0.1, compensated: true })).toThrow(/compensated summation is implemented for the splitting methods; 'rk4'/);
    for (const friction of [0, 0.3]) {
      const plain = createStepper(sys, 'forest-ruth', { h: 0.1, friction });
      const comp = createStepper(sys, 'forest-ruth', { h: 0.1, friction, compensated: true });
      expect(comp.compensated).toBe(true);
      const a = [Float64Array.from(q0), Float64Array.from(p0)],
        b = [Float64Array.from(q0), Float64Array.from(p0)];
      for (let i = 0; i < 50; i++) {
        plain.step(a[0], a[1]);
        comp.step(b[0], b[1]);
      }
      expect(Math.abs(a[0][0] - b[0][0])).toBeLessThan(1e-13);
      expect(Math.abs(a[1][0] - b[1][0])).toBeLessThan(1e-13);
    }
  });
  it('friction scales volume by e^(−γh) per step, so γ enters with its sign: energy falls, never rises', () => {
    const s = createStepper(sys, 'leapfrog', { h: 0.05, friction: 0.5 });
    const q = Float64Array.from(q0),
      p = Float64Array.from(p0);
    const e0 = sys.energy(q, p);
    for (let i = 0; i < 200; i++) s.step(q, p);
    expect(sys.energy(q, p)).toBeLessThan(e0 * Math.exp(-0.5 * 10 * 0.5));
  });
});
