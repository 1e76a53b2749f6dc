import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Adam,
  AdamW,
  AdvancedSymplecticOptimizer,
  ForestRuth,
  Leapfrog,
  ReduceLROnPlateau,
  Rng,
  SGD,
  SymplecticEuler,
  SymplecticOptimizer,
  createParameter,
  type Parameter,
} from '../../src/index.js';

function param(values: number[], name = 'p'): Parameter {
  const p = createParameter(name, [values.length]);
  p.data.set(values);
  return p;
}
const f32 = (v: number) => Math.fround(v);

describe('optimiser steps match hand-computed updates', () => {
  it('AdvancedSymplecticOptimizer: m ← βm + (1−β)g; H = ½Σm² + ½Σg²; θ ← θ − lr·m/(√H + ε)', () => {
    // Worked by hand (see the formulas): step 1 with g = [0.5, −1] gives m = [0.05, −0.1], H = 0.63125.
    const p = param([1, 2]);
    const opt = new AdvancedSymplecticOptimizer([p], { lr: 0.1, beta: 0.9, epsilon: 1e-8 });
    p.grad.set([0.5, -1]);
    opt.step();
    expect(p.data[0]).toBeCloseTo(0.9937068323239324, 6);
    expect(p.data[1]).toBeCloseTo(2.012586335352135, 6);
    expect(opt.energy).toBeCloseTo(0.63125, 6);
    p.grad.set([0.2, 0.3]);
    opt.step();
    expect(p.data[0]).toBeCloseTo(0.9689460514177428, 6);
    expect(p.data[1]).toBeCloseTo(2.0354424408040024, 6);
  });

  it('AdvancedSymplecticOptimizer moves each tensor at most √2·lr per step; zero gradient and momentum move nothing', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        (seed, lr, beta, n) => {
          const rng = new Rng(seed);
          const p = param(Array.from({ length: n }, () => rng.uniform(-3, 3)));
          const q = param(Array.from({ length: 3 }, () => rng.uniform(-3, 3)));
          const opt = new AdvancedSymplecticOptimizer([p, q], { lr, beta });
          for (let s = 0; s < 5; s++) {
            const scale = 10 ** rng.uniform(-4, 4);
            for (const t of [p, q]) for (let i = 0; i < t.grad.length; i++) t.grad[i] = rng.normal() * scale;
            const before = [p.data.slice(), q.data.slice()];
            opt.step();
            [p, q].forEach((t, k) => {
              let d2 = 0;
              for (let i = 0; i < t.data.length; i++) d2 += (t.data[i] - before[k][i]) ** 2;
              // float32 rounding of θ adds at most an ulp per element on top of the exact bound.
              expect(Math.sqrt(d2)).toBeLessThanOrEqual(Math.SQRT2 * lr * (1 + 1e-6) + 4e-7 * Math.sqrt(t.data.length));
            });
          }
        },
      ),
      { numRuns: 100 },
    );
    const p = param([1, -2, 3]);
    const opt = new AdvancedSymplecticOptimizer([p]);
    opt.step();
    expect([...p.data]).toEqual([1, -2, 3]);
  });

  it('SymplecticEuler: m ← (1 − friction)m − η∇L, θ ← θ + ηm', () => {
    const p = param([1]);
    const opt = new SymplecticEuler([p], { lr: 0.1, friction: 0.5 });
    p.grad[0] = 2;
    opt.step(); // m = −0.2, θ = 0.98
    expect(p.data[0]).toBeCloseTo(0.98, 6);
    p.grad[0] = 1;
    opt.step(); // m = 0.5·(−0.2) − 0.1 = −0.2, θ = 0.96
    expect(p.data[0]).toBeCloseTo(0.96, 6);
    expect(opt.energy).toBeCloseTo(0.5 * 0.04, 6);
    expect(opt.requiresClosure).toBe(false);
  });

  it('Leapfrog on L = 2θ² (kick ½, drift 1, kick ½) with a closure; refuses to step without one', () => {
    const p = param([1]);
    const opt = new Leapfrog([p], { lr: 0.1 });
    const closure = () => {
      p.grad[0] = 4 * p.data[0];
      return 2 * p.data[0] ** 2;
    };
    closure();
    opt.step(closure);
    // m = −0.05·4·1 = −0.2; θ = 1 − 0.02 = 0.98; m = −0.2 − 0.05·4·0.98 = −0.396
    expect(p.data[0]).toBeCloseTo(0.98, 6);
    expect(opt.state().params[0].momentum).toEqual(Float32Array.of(f32(-0.396)));
    expect(() => opt.step()).toThrow(/needs a closure/);
    expect(new ForestRuth([param([0])], { lr: 0.1 }).requiresClosure).toBe(true);
  });

  it('SGD with momentum and Nesterov, as PyTorch', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad[0] = 2;
    opt.step(); // buf = 2, θ = 0.8
    p.grad[0] = 1;
    opt.step(); // buf = 2.8, θ = 0.52
    expect(p.data[0]).toBeCloseTo(0.52, 6);
    const q = param([1]);
    const nes = new SGD([q], { lr: 0.1, momentum: 0.9, nesterov: true });
    q.grad[0] = 2;
    nes.step(); // buf = 2, d = 2 + 0.9·2 = 3.8, θ = 0.62
    expect(q.data[0]).toBeCloseTo(0.62, 6);
    expect(() => new SGD([param([0])], { lr: 0.1, nesterov: true })).toThrow(/nesterov needs momentum/);
  });

  it('Adam and AdamW, bias-corrected, as PyTorch', () => {
    const p = param([1]);
    const opt = new Adam([p], { lr: 0.1 });
    p.grad[0] = 2;
    opt.step();
    expect(p.data[0]).toBeCloseTo(0.9000000005, 6);
    p.grad[0] = 1;
    opt.step();
    expect(p.data[0]).toBeCloseTo(0.8067820372085103, 6);
    const q = param([1]);
    const w = new AdamW([q], { lr: 0.1, weightDecay: 0.01 });
    q.grad[0] = 2;
    w.step();
    q.grad[0] = 1;
    w.step();
    expect(q.data[0]).toBeCloseTo(0.8048830372080102, 6);
  });

  it('parameter groups carry their own hyper-parameters; bad values name the parameter', () => {
    const a = param([1]),
      b = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1 });
    a.grad[0] = 1;
    b.grad[0] = 1;
    opt.step();
    expect(a.data[0]).toBeCloseTo(0.9, 6);
    expect(b.data[0]).toBeCloseTo(0, 6);
    expect(() => new AdvancedSymplecticOptimizer([a], { beta: 1.5 })).toThrow(/beta must be in \[0, 1\)/);
    expect(() => new SGD([a], { lr: -1 })).toThrow(/lr must be/);
    expect(() => new SymplecticEuler([a], { lr: 0.1, friction: 1 })).toThrow(/friction/);
    expect(() => new SymplecticOptimizer([a], 'rk4', { lr: 0.1 })).toThrow(/not a symplectic splitting method/);
    expect(() => new SGD([a, a], { lr: 0.1 })).toThrow(/more than one group/);
  });

  it('state()/loadState() resume exactly', () => {
    const run = (resumeAt: number | null) => {
      const p = param([0.5, -0.5]);
      let opt = new Adam([p], { lr: 0.05 });
      const rng = new Rng(1);
      for (let s = 0; s < 6; s++) {
        if (s === resumeAt) {
          const st = opt.state();
          opt = new Adam([p], { lr: 0.05 }).loadState(st);
        }
        p.grad[0] = rng.normal();
        p.grad[1] = rng.normal();
        opt.step();
      }
      return [...p.data];
    };
    expect(run(3)).toEqual(run(null));
    expect(() => new SGD([param([0])], { lr: 1 }).loadState(new Adam([param([0])]).state())).toThrow(/state is for 'adam'/);
  });

  it('ReduceLROnPlateau halves the rate after `patience` bad epochs, never below minLr', () => {
    const opt = new SGD([param([0])], { lr: 0.1 });
    const s = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, minLr: 0.03 });
    const seq = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
    const lrs = seq.map((v) => (s.step(v), opt.lr));
    expect(lrs.slice(0, 4)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(lrs[4]).toBeCloseTo(0.05, 12);
    expect(lrs[7]).toBeCloseTo(0.03, 12);
    expect(lrs[9]).toBeCloseTo(0.03, 12);
  });
});
