/**
 * The Gauss–Legendre solver on its own: what the methods guarantee for every h (quadratic invariants kept, Φ₋ₕ inverts
 * Φₕ), how much work Newton's method takes (field evaluations per step: a wrong Jacobian or a lost predictor shows up
 * here before it shows in any result), and its refusals by name.
 */
import { describe, expect, it } from 'vitest';
import { GAUSS_LEGENDRE, gaussLegendreStep } from '../../src/integrators.js';

type Field = Parameters<typeof gaussLegendreStep>[2];
const pendulum: Field = (dq, dp, q, p) => {
  dq[0] = p[0];
  dp[0] = -Math.sin(q[0]);
};
const harmonic: Field = (dq, dp, q, p) => {
  for (let i = 0; i < q.length; i++) {
    dq[i] = p[i];
    dp[i] = -(i + 1) * q[i];
  }
};
const counted = (field: Field) => {
  const c = { calls: 0 };
  const f: Field = (dq, dp, q, p) => {
    c.calls++;
    field(dq, dp, q, p);
  };
  return [f, c] as const;
};

describe('Gauss–Legendre steps', () => {
  it('tableaux: rows of A sum to the nodes c = (1 ∓ √(3/5))/2…, b sums to 1, and A + Aᵀ = b bᵀ… (symplectic: bᵢaᵢⱼ + bⱼaⱼᵢ = bᵢbⱼ)', () => {
    for (const s of [1, 2, 3] as const) {
      const { a, b } = GAUSS_LEGENDRE[s];
      expect(b.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 15);
      for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) expect(b[i] * a[i * s + j] + b[j] * a[j * s + i]).toBeCloseTo(b[i] * b[j], 15);
    }
    const nodes = (s: 1 | 2 | 3) => Array.from({ length: s }, (_, i) => GAUSS_LEGENDRE[s].a.slice(i * s, (i + 1) * s).reduce((x, y) => x + y, 0));
    expect(nodes(2)[0]).toBeCloseTo(0.5 - Math.sqrt(3) / 6, 15);
    expect(nodes(3)[0]).toBeCloseTo(0.5 - Math.sqrt(15) / 10, 15);
    expect(nodes(3)[1]).toBeCloseTo(0.5, 15);
  });

  it.each([1, 2, 3] as const)('%i stages: a quadratic energy kept to round-off at h = 0.5, and Φ₋ₕ(Φₕ(z)) = z', (s) => {
    const step = gaussLegendreStep(s, 2, harmonic, 0.5);
    const back = gaussLegendreStep(s, 2, harmonic, -0.5);
    const q = Float64Array.of(1, -0.4),
      p = Float64Array.of(0.3, 0.8);
    const energy = () => 0.5 * (p[0] ** 2 + p[1] ** 2 + q[0] ** 2 + 2 * q[1] ** 2);
    const e0 = energy();
    for (let i = 0; i < 200; i++) step(q, p);
    expect(Math.abs(energy() - e0)).toBeLessThan(1e-13);
    const q1 = Float64Array.from(q),
      p1 = Float64Array.from(p);
    step(q, p);
    back(q, p);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(q[i] - q1[i])).toBeLessThan(1e-14);
      expect(Math.abs(p[i] - p1[i])).toBeLessThan(1e-14);
    }
  });

  it.each([
    [1, 0.1, 50],
    [2, 0.1, 90],
    [3, 0.1, 132],
    [2, 0.5, 100],
  ] as const)('%i stages, h = %f on the pendulum: at most %i field evaluations (32 per stage predicting, then a few Newton iterations)', (s, h, most) => {
    const [field, count] = counted(pendulum);
    const step = gaussLegendreStep(s, 1, field, h);
    const q = Float64Array.of(1),
      p = Float64Array.of(0.3);
    step(q, p);
    expect(count.calls).toBeLessThanOrEqual(most);
    expect(count.calls).toBeGreaterThan(32 * s); // the predictor runs, and Newton takes at least one iteration
    // The stage equations are solved, not merely iterated: the midpoint rule's defining equation to round-off.
    if (s === 1) {
      const qm = (1 + q[0]) / 2,
        pm = (0.3 + p[0]) / 2;
      expect(Math.abs(q[0] - 1 - h * pm)).toBeLessThan(1e-15);
      expect(Math.abs(p[0] - 0.3 + h * Math.sin(qm))).toBeLessThan(1e-15);
    }
  });

  it('refusals by name: no convergence (H = qp at h = 2, where the Newton matrix is singular), stage equations that diverge to NaN', () => {
    const saddle: Field = (dq, dp, q, p) => {
      dq[0] = q[0];
      dp[0] = -p[0];
    };
    expect(() => gaussLegendreStep(1, 1, saddle, 2)(Float64Array.of(1), Float64Array.of(1))).toThrow(
      /no convergence in 100 Newton iterations at h = 2; use a smaller h|singular Newton matrix/,
    );
    let calls = 0;
    const poisoned: Field = (dq, dp, q, p) => {
      calls++;
      dq[0] = calls > 40 ? Number.NaN : p[0];
      dp[0] = -q[0];
    };
    expect(() => gaussLegendreStep(1, 1, poisoned, 0.1)(Float64Array.of(1), Float64Array.of(0))).toThrow(/diverged at h = 0\.1/);
  });
});
