/**
 * `npx tsx bench/verify.ts`: what verifyIntegrator says about the audit's foolers and the library's methods (a table
 * per stepper: order, verdicts, per-system orders, problems), the conformal methods' measured orders on the damped
 * pendulum, and compensated summation over 10⁶ steps. The numbers quoted in the README and docs/verify-integrator.md.
 */
import {
  METHOD_NAMES,
  createStepper,
  defaultVerifySystems,
  harmonicOscillator,
  pendulum,
  vectorField,
  verifyIntegrator,
  type HamiltonianSystem,
  type SeparableSystem,
  type UserStepper,
} from '../src/integrators.js';

const tmp = new Float64Array(8);
const force = (s: HamiltonianSystem, q: Float64Array) => {
  (s as SeparableSystem).gradV(tmp, q);
  return tmp.subarray(0, q.length);
};
const kdk =
  (k1: number, k2: number): UserStepper =>
  (q, p, h, s) => {
    let f = force(s, q);
    for (let i = 0; i < q.length; i++) p[i] -= k1 * h * f[i];
    for (let i = 0; i < q.length; i++) q[i] += h * p[i];
    f = force(s, q);
    for (let i = 0; i < q.length; i++) p[i] -= k2 * h * f[i];
  };
let parity = 0;
const foolers: Array<[string, UserStepper, { h?: number }]> = [
  [
    'RK4 + energy projection, h = 0.02',
    (q, p, h, s) => {
      const E0 = s.energy(q, p);
      createStepper(s, 'rk4', { h }).step(q, p);
      const V = s.energy(q, new Float64Array(p.length)),
        T = s.energy(q, p) - V;
      if (T > 0 && E0 > V) for (let i = 0; i < p.length; i++) p[i] *= Math.sqrt((E0 - V) / T);
    },
    { h: 0.02 },
  ],
  ['identity map', () => {}, {}],
  ['returns NaN', (q) => q.fill(Number.NaN), {}],
  [
    'multiplies by 1e200',
    (q, p) => {
      for (let i = 0; i < q.length; i++) {
        q[i] *= 1e200;
        p[i] *= 1e200;
      }
    },
    {},
  ],
  ['leapfrog, kicks 0.49/0.5', kdk(0.49, 0.5), {}],
  ['leapfrog, kicks 0.49/0.51', kdk(0.49, 0.51), {}],
  [
    'nested-Taylor RK',
    (q, p, h, s) => {
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
    },
    {},
  ],
  [
    'alternating symplectic Euler A/B',
    (q, p, h, s) => {
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
    },
    {},
  ],
  [
    'leapfrog drifting only q[0]',
    (q, p, h, s) => {
      let f = force(s, q);
      for (let i = 0; i < q.length; i++) p[i] -= 0.5 * h * f[i];
      q[0] += h * p[0];
      f = force(s, q);
      for (let i = 0; i < q.length; i++) p[i] -= 0.5 * h * f[i];
    },
    {},
  ],
];

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : String(v));
console.log('| stepper | order | symplectic | symmetric | energy bounded | finite | one-step map | consistent | per system |');
console.log('|---|---|---|---|---|---|---|---|---|');
const row = (name: string, r: ReturnType<typeof verifyIntegrator>) =>
  console.log(
    `| ${name} | ${fmt(r.order)} | ${r.symplectic} | ${r.symmetric} | ${r.energyBounded} | ${r.finite} | ${r.oneStepMap} | ${r.consistent} | ${r.systems.map((v) => `${v.system} ${fmt(v.orderMeasurement.order)}${v.consistent ? '' : ' (inconsistent)'}`).join(', ')} |`,
  );
for (const [name, step, options] of foolers) row(name, verifyIntegrator(step, options));
for (const m of METHOD_NAMES) {
  const t = performance.now();
  const implicit = m.startsWith('implicit') || m.startsWith('gauss');
  const r = verifyIntegrator(
    m,
    implicit ? { systems: defaultVerifySystems().map((v) => (v.system.name === 'kepler' ? { ...v, states: [{ q: [1, 0], p: [0, 1.2] }] } : v)) } : {},
  );
  row(`${m} (${(performance.now() - t).toFixed(0)} ms)`, r);
}

console.log('\nConformal (γ = 0.3) orders on the damped pendulum from q = 1.5 (T = 2, against RK4 with 2¹⁶ steps):');
const sys = pendulum();
const reference = (gamma: number) => {
  const s = createStepper(sys, 'rk4', { h: 2 / 2 ** 16, friction: gamma });
  const q = Float64Array.of(1.5),
    p = Float64Array.of(0);
  for (let i = 0; i < 2 ** 16; i++) s.step(q, p);
  return [q[0], p[0]];
};
const [rq, rp] = reference(0.3);
for (const m of ['symplectic-euler', 'leapfrog', 'forest-ruth', 'pefrl', 'yoshida6', 'kahan-li-8'] as const) {
  const errors = [4, 5, 6, 7].map((k) => {
    const s = createStepper(sys, m, { h: 2 / 2 ** k, friction: 0.3 });
    const q = Float64Array.of(1.5),
      p = Float64Array.of(0);
    for (let i = 0; i < 2 ** k; i++) s.step(q, p);
    return Math.max(Math.abs(q[0] - rq), Math.abs(p[0] - rp));
  });
  console.log(
    `  ${m.padEnd(18)} slopes ${errors
      .slice(1)
      .map((e, i) => Math.log2(errors[i] / e).toFixed(2))
      .join(' ')}`,
  );
}

console.log('\nCompensated summation, Yoshida-6 on the harmonic oscillator, h = 1e-3, 10⁶ steps (max relative energy error):');
const ho = harmonicOscillator();
for (const compensated of [false, true]) {
  const s = createStepper(ho, 'yoshida6', { h: 1e-3, compensated });
  const q = Float64Array.of(1),
    p = Float64Array.of(0);
  let worst = 0;
  for (let i = 1; i <= 1_000_000; i++) {
    s.step(q, p);
    if (i % 1000 === 0) worst = Math.max(worst, Math.abs(ho.energy(q, p) - 0.5) / 0.5);
  }
  console.log(`  compensated ${compensated}: ${worst.toExponential(2)}`);
}
