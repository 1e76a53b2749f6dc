/**
 * `npx tsx bench/verify.ts`: what verifyIntegrator says about the audit's foolers and the library's methods (a table
 * per stepper: order, verdicts, per-system orders, problems), the conformal methods' measured orders on the damped
 * pendulum, and compensated summation over 10⁶ steps. The numbers quoted in the README and docs/verify-integrator.md.
 */
import { METHOD_NAMES, createStepper, defaultVerifySystems, harmonicOscillator, pendulum, verifyIntegrator, type UserStepper } from '../src/integrators.js';
import { alternatingEuler, energyProjectedRk4, kickDriftKick, leapfrogFirstCoordinateOnly, nestedTaylor } from '../test/helpers/foolers.js';

const foolers: Array<[string, UserStepper, { h?: number }]> = [
  ['RK4 + energy projection, h = 0.02', energyProjectedRk4, { h: 0.02 }],
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
  ['leapfrog, kicks 0.49/0.5', kickDriftKick(0.49, 0.5), {}],
  ['leapfrog, kicks 0.49/0.51', kickDriftKick(0.49, 0.51), {}],
  ['nested-Taylor RK', nestedTaylor, {}],
  ['alternating symplectic Euler A/B', alternatingEuler(), {}],
  ['leapfrog drifting only q[0]', leapfrogFirstCoordinateOnly, {}],
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
  const errors = [2, 3, 4, 5, 6, 7].map((k) => {
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
