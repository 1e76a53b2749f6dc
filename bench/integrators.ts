/**
 * `npm run bench:integrators`: every integration method on the pendulum (h = 0.1, 10⁵ steps): measured
 * order, energy error, steps per second — and the optimisers on Rosenbrock and on a small MLP
 * (iterations to reach a loss threshold vs SGD-momentum and Adam; honest numbers, whichever wins).
 */
import { methodStep } from '../src/integrators.js';
import { readFileSync } from 'node:fs';
import {
  Adam,
  AdvancedSymplecticOptimizer,
  ForestRuth,
  HamiltonianNN,
  Leapfrog,
  METHOD_NAMES,
  METHODS,
  SGD,
  SymplecticEuler,
  SymplecticOptimizer,
  createParameter,
  fit,
  harmonicOscillator,
  integrate,
  measureOrder,
  parseCsv,
  pendulum,
  prepareTable,
  validate,
  type BaseOptions,
  type Optimizer,
  type Parameter,
} from '../src/index.js';

console.log(`Integrators — pendulum H = ½p² + 1 − cos q, q₀ = 1, p₀ = 0, h = 0.1, 100,000 steps (Node ${process.version})`);
console.log('| method | declared order | measured order (harmonic oscillator) | max relative energy error | final | steps/s |');
console.log('|---|---|---|---|---|---|');
for (const method of METHOD_NAMES) {
  const ho = harmonicOscillator({ stiffness: [1, 2] });
  const ord = measureOrder(methodStep(ho, method), ho, Float64Array.of(1, -0.3), Float64Array.of(0.5, 0.2));
  integrate(pendulum(), method, Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 20_000, record: 0 }); // warm-up
  const tr = integrate(pendulum(), method, Float64Array.of(1), Float64Array.of(0), { h: 0.1, steps: 100_000, record: 0 });
  const e = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));
  console.log(
    `| ${method} | ${METHODS[method].order} | ${ord.order.toFixed(2)} | ${e(tr.maxEnergyError)} | ${e(tr.finalEnergyError)} | ${(tr.stepsPerSecond / 1e6).toFixed(2)} M |`,
  );
}

// ---- Optimisers on Rosenbrock --------------------------------------------------------------------
type Make = (p: Parameter[], lr: number) => Optimizer<BaseOptions>;
const OPTIMIZERS: Array<[string, Make, number[]]> = [
  ['AdvancedSymplectic', (p, lr) => new AdvancedSymplecticOptimizer(p, { lr }), [1e-3, 3e-3, 1e-2, 3e-2]],
  ['SymplecticEuler (friction 0.1)', (p, lr) => new SymplecticEuler(p, { lr, friction: 0.1 }), [0.01, 0.02, 0.03, 0.05]],
  ['Leapfrog (friction 0.1)', (p, lr) => new Leapfrog(p, { lr, friction: 0.1 }), [0.01, 0.02, 0.03, 0.05]],
  ['ForestRuth (friction 0.1)', (p, lr) => new ForestRuth(p, { lr, friction: 0.1 }), [0.01, 0.02, 0.03, 0.05]],
  ['SGD momentum 0.9', (p, lr) => new SGD(p, { lr, momentum: 0.9 }), [1e-4, 3e-4, 1e-3, 2e-3]],
  ['Adam', (p, lr) => new Adam(p, { lr }), [1e-3, 3e-3, 1e-2, 3e-2, 1e-1]],
];

function rosenbrock(make: Make, lr: number, maxIter: number, target: number) {
  const p = createParameter('xy', [2]);
  p.data.set([-1.5, 2]);
  const f = () => (1 - p.data[0]) ** 2 + 100 * (p.data[1] - p.data[0] ** 2) ** 2;
  const grad = () => {
    const [x, y] = p.data;
    p.grad[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    p.grad[1] = 200 * (y - x * x);
  };
  const opt = make([p], lr);
  let evals = 0;
  const closure = () => {
    grad();
    evals++;
    return f();
  };
  // A method whose first stage is a drift never reads the gradient computed before the step.
  const driftFirst = opt instanceof SymplecticOptimizer && opt.method.stages![0].kind === 'drift';
  for (let it = 1; it <= maxIter; it++) {
    if (!driftFirst) closure();
    opt.step(opt.requiresClosure ? closure : undefined);
    if (!Number.isFinite(f())) return { iterations: Infinity, evals };
    if (f() < target) return { iterations: it, evals };
  }
  return { iterations: Infinity, evals };
}

console.log('\nRosenbrock from (−1.5, 2): iterations (and gradient evaluations) to f < 1e-4, best learning rate of a small grid, at most 20,000 iterations');
console.log('| optimiser | best lr | iterations | gradient evaluations |');
console.log('|---|---|---|---|');
for (const [name, make, lrs] of OPTIMIZERS) {
  let best = { lr: NaN, iterations: Infinity, evals: Infinity };
  for (const lr of lrs) {
    const r = rosenbrock(make, lr, 20_000, 1e-4);
    if (r.iterations < best.iterations) best = { lr, ...r };
  }
  console.log(
    `| ${name} | ${Number.isNaN(best.lr) ? '—' : best.lr} | ${Number.isFinite(best.iterations) ? best.iterations : 'not reached'} | ${Number.isFinite(best.evals) ? best.evals : '—'} |`,
  );
}

// ---- Optimisers on a small MLP (credit_data) ------------------------------------------------------
const table = parseCsv(readFileSync(new URL('../data/credit_data.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 42, applySmote: false });
const TARGET = 0.4;
console.log(
  `\ncredit_data, HamiltonianNN [64, 32], batch 32: epochs until the training cross-entropy (eval mode) ≤ ${TARGET}, at most 30; test AUC at that point`,
);
console.log('| optimiser | lr | epochs | gradient evaluations | test AUC |');
console.log('|---|---|---|---|---|');
const MLP: Array<[string, Make, number]> = [
  ['AdvancedSymplectic', OPTIMIZERS[0][1], 0.01],
  ['SymplecticEuler (friction 0.1)', OPTIMIZERS[1][1], 0.3],
  ['Leapfrog (friction 0.1)', OPTIMIZERS[2][1], 0.3],
  ['SGD momentum 0.9', OPTIMIZERS[4][1], 0.01],
  ['Adam', OPTIMIZERS[5][1], 1e-3],
];
for (const [name, make, lr] of MLP) {
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [64, 32], seed: 42 });
  const opt = make(model.parameters(), lr);
  let reached = 0;
  let auc = NaN;
  await fit(model, opt, prep.train, {
    epochs: 30,
    seed: 42,
    regCoeff: 0,
    onEpoch: (e) => {
      const m = validate(model, prep.train);
      if (!reached && m.loss <= TARGET) {
        reached = e.epoch;
        auc = validate(model, prep.test).auc;
      }
    },
    earlyStopping: false,
  });
  const batches = Math.ceil(prep.train.rows / 32);
  const perStep = opt.requiresClosure ? 2 : 1;
  console.log(
    `| ${name} | ${lr} | ${reached || 'not reached'} | ${reached ? reached * batches * perStep : '—'} | ${Number.isNaN(auc) ? '—' : auc.toFixed(3)} |`,
  );
}
