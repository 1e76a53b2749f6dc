import { describe, expect, it } from 'vitest';
import { harmonicOscillator, henonHeiles, integrate, kepler, pendulum, separableSystem } from '../../src/integrators.js';

/** `integrate`'s bookkeeping and the test systems' formulas, checked against values worked out by hand. */
describe('integrate: recording, energy and invariant errors, argument checks', () => {
  const ho = harmonicOscillator();

  it('records every `record` steps (and the start), at t = i·h, with the state, energy and relative energy error', () => {
    const tr = integrate(ho, 'leapfrog', Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 10, record: 5 });
    expect(Array.from(tr.t)).toEqual([0, 0.5, 1]);
    expect(tr.q).toHaveLength(3);
    expect(tr.steps).toBe(10);
    expect(tr.h).toBe(0.1);
    expect(tr.system).toBe('harmonic');
    expect(tr.method).toBe('leapfrog');
    expect(tr.energy[0]).toBe(0.5);
    for (let r = 0; r < 3; r++) {
      expect(tr.energy[r]).toBeCloseTo(0.5 * tr.q[r] ** 2 + 0.5 * tr.p[r] ** 2, 15);
      expect(tr.energyError[r]).toBeCloseTo(Math.abs(tr.energy[r] - 0.5) / 0.5, 15);
    }
    // Default thinning: at most ~1000 records, at least every step for short runs.
    expect(integrate(ho, 'leapfrog', Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 7 }).t).toHaveLength(8);
    expect(integrate(ho, 'leapfrog', Float64Array.of(1), Float64Array.of(0), { h: 0.01, steps: 5000 }).t).toHaveLength(1001);
    // record: 0 keeps only the start.
    expect(integrate(ho, 'leapfrog', Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 10, record: 0 }).t).toHaveLength(1);
  });

  it('maxEnergyError is the largest over every step, finalEnergyError the last; both relative to |H₀|', () => {
    const h = 0.3;
    const tr = integrate(ho, 'symplectic-euler', Float64Array.of(2), Float64Array.of(0), { h, steps: 40, record: 40 });
    // Replay by hand: symplectic Euler (kick then drift) on H = ½p² + ½q².
    let q = 2,
      p = 0,
      max = 0,
      last = 0;
    for (let i = 0; i < 40; i++) {
      p -= h * q;
      q += h * p;
      last = Math.abs(0.5 * p * p + 0.5 * q * q - 2) / 2;
      max = Math.max(max, last);
    }
    expect(tr.maxEnergyError).toBeCloseTo(max, 14);
    expect(tr.finalEnergyError).toBeCloseTo(last, 14);
    expect(tr.maxEnergyError).toBeGreaterThan(tr.finalEnergyError * 1.0001); // the maximum is not at the end here
    expect(integrate(ho, 'leapfrog', Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 0 }).finalEnergyError).toBe(0);
  });

  it('absolute energy error when H₀ = 0; a NaN energy is an infinite error', () => {
    const zero = integrate(ho, 'euler', Float64Array.of(0), Float64Array.of(0), { h: 0.1, steps: 3 });
    expect(zero.maxEnergyError).toBe(0);
    const kick = separableSystem({ name: 'flat', dim: 1, potential: (q) => q[0], gradV: (out) => out.fill(1) });
    // H₀ = 0 at q = 0, p = 0; one Euler step: p = −h, q = 0 → H = h²/2 (absolute, not divided by 0).
    const tr = integrate(kick, 'euler', Float64Array.of(0), Float64Array.of(0), { h: 0.5, steps: 1 });
    expect(tr.maxEnergyError).toBeCloseTo(0.125, 15);
    const nan = separableSystem({ name: 'nan', dim: 1, potential: (q) => (q[0] > 1.05 ? Number.NaN : q[0]), gradV: (out) => out.fill(-1) });
    const broken = integrate(nan, 'euler', Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 5 });
    expect(broken.maxEnergyError).toBe(Number.POSITIVE_INFINITY);
  });

  it('invariant errors are the largest absolute change of each invariant over the run', () => {
    const k = kepler();
    const tr = integrate(k, 'leapfrog', Float64Array.of(1, 0), Float64Array.of(0, 1.2), { h: 0.05, steps: 400 });
    expect(Object.keys(tr.invariantErrors).sort()).toEqual(['angularMomentum', 'rungeLenzX', 'rungeLenzY']);
    expect(tr.invariantErrors.angularMomentum).toBeLessThan(1e-12); // leapfrog conserves L exactly (central force)
    expect(tr.invariantErrors.rungeLenzX).toBeGreaterThan(1e-6); // the Runge–Lenz vector precesses under leapfrog
    expect(tr.invariantErrors.rungeLenzX).toBeLessThan(0.1);
    expect(Number.isFinite(tr.stepsPerSecond) && tr.stepsPerSecond > 0).toBe(true);
  });

  it('refuses a step count that is not an integer ≥ 0 and states of the wrong length, naming the numbers', () => {
    const q = Float64Array.of(1),
      p = Float64Array.of(0);
    expect(() => integrate(ho, 'leapfrog', q, p, { h: 0.1, steps: -1 })).toThrow(/steps must be an integer ≥ 0, got -1/);
    expect(() => integrate(ho, 'leapfrog', q, p, { h: 0.1, steps: 1.5 })).toThrow(/steps must be an integer ≥ 0, got 1.5/);
    expect(() => integrate(ho, 'leapfrog', Float64Array.of(1, 2), p, { h: 0.1, steps: 1 })).toThrow(
      /q0 and p0 must have 1 entries \(the system's dim\), got 2 and 1/,
    );
    expect(() => integrate(ho, 'leapfrog', q, Float64Array.of(), { h: 0.1, steps: 1 })).toThrow(/got 1 and 0/);
    expect(integrate(ho, 'leapfrog', q, p, { h: 0.1, steps: 0 }).t).toHaveLength(1);
  });
});

describe('test systems: formulas', () => {
  it('Hénon–Heiles: V = ½(x² + y²) + x²y − y³/3 and its gradient', () => {
    const hh = henonHeiles();
    const [x, y] = [0.3, -0.7];
    expect(hh.energy(Float64Array.of(x, y), Float64Array.of(0.1, 0.2))).toBeCloseTo(0.5 * (0.01 + 0.04) + 0.5 * (x * x + y * y) + x * x * y - y ** 3 / 3, 15);
    const g = new Float64Array(2);
    hh.gradV(g, Float64Array.of(x, y));
    expect(Array.from(g)).toEqual([x + 2 * x * y, y + x * x - y * y]);
  });

  it('Kepler: V = −μ/r, force μq/r³, and the Runge–Lenz vector (p × L − μ q/r) at a worked state', () => {
    const k = kepler({ mu: 2 });
    const q = Float64Array.of(3, 4),
      p = Float64Array.of(0.5, -1);
    expect(k.energy(q, p)).toBeCloseTo(0.5 * 1.25 - 2 / 5, 15);
    const g = new Float64Array(2);
    k.gradV(g, q);
    expect(g[0]).toBeCloseTo((2 * 3) / 125, 15);
    expect(g[1]).toBeCloseTo((2 * 4) / 125, 15);
    const L = 3 * -1 - 4 * 0.5; // q × p
    const inv = k.invariants!;
    expect(inv.angularMomentum(q, p)).toBeCloseTo(L, 15);
    expect(inv.rungeLenzX(q, p)).toBeCloseTo(-1 * L - (2 * 3) / 5, 15);
    expect(inv.rungeLenzY(q, p)).toBeCloseTo(-0.5 * L - (2 * 4) / 5, 15);
  });

  it('harmonic oscillators: stiffness per dimension (dim alone gives unit stiffness); zero or negative stiffness refused', () => {
    const two = harmonicOscillator({ stiffness: [1, 4] });
    expect(two.dim).toBe(2);
    const g = new Float64Array(2);
    two.gradV(g, Float64Array.of(1, 1));
    expect(Array.from(g)).toEqual([1, 4]);
    expect(harmonicOscillator({ dim: 3 }).dim).toBe(3);
    expect(harmonicOscillator().dim).toBe(1);
    expect(() => harmonicOscillator({ stiffness: [1, 0] })).toThrow(/stiffness must be positive/);
    expect(() => harmonicOscillator({ stiffness: [-1] })).toThrow(/stiffness must be positive/);
    const pend = pendulum({ gOverL: 2 });
    expect(pend.energy(Float64Array.of(Math.PI / 2), Float64Array.of(0))).toBeCloseTo(2 * (1 - Math.cos(Math.PI / 2)), 15);
  });

  it('separableSystem: dim must be a positive integer; default kinetic ½‖p‖² and gradient p', () => {
    const base = { name: 'x', potential: () => 0, gradV: () => {} };
    expect(() => separableSystem({ ...base, dim: 0 })).toThrow(/system 'x': dim must be a positive integer, got 0/);
    expect(() => separableSystem({ ...base, dim: 1.5 })).toThrow(/got 1.5/);
    const s = separableSystem({ ...base, dim: 2 });
    expect(s.energy(Float64Array.of(0, 0), Float64Array.of(3, 4))).toBe(12.5);
    const out = new Float64Array(2);
    s.gradT(out, Float64Array.of(3, 4));
    expect(Array.from(out)).toEqual([3, 4]);
  });
});
