import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReduceLROnPlateau, SGD } from '../../src/index.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/plateau.json', import.meta.url), 'utf8')) as {
  cases: Array<{
    options: { mode: 'min' | 'max'; factor: number; patience: number; threshold: number; min_lr: number; cooldown: number };
    metrics: number[];
    lrs: number[];
  }>;
};

const param = () => ({ name: 'w', shape: [1], data: new Float32Array(1), grad: new Float32Array(1) });

describe('ReduceLROnPlateau', () => {
  it("follows PyTorch's scheduler step for step: 160 metric sequences over modes, factors, patience, thresholds, floors, cooldowns (test/fixtures/generate_plateau.py)", () => {
    for (const [i, c] of fixture.cases.entries()) {
      const opt = new SGD([param()], { lr: 0.1 });
      const o = c.options;
      const s = new ReduceLROnPlateau(opt, {
        mode: o.mode,
        factor: o.factor,
        patience: o.patience,
        threshold: o.threshold,
        minLr: o.min_lr,
        cooldown: o.cooldown,
      });
      const lrs = c.metrics.map((m) => {
        const reduced = s.step(m);
        const before = opt.lr;
        expect(typeof reduced).toBe('boolean');
        return before;
      });
      expect(lrs, `case ${i}: ${JSON.stringify(o)}`).toEqual(c.lrs);
    }
  });

  it('returns true exactly on the steps that lower the rate, and never lowers it below minLr or by less than 1e-8', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const s = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, minLr: 0.02 });
    const flat = [1, 1, 1, 1, 1, 1, 1, 1, 1];
    const reduced = flat.map((m) => s.step(m));
    // best 1 on step 1; bad epochs 1, 2 (> patience 1: 0.05), 1, 2 (0.025), 1, 2 (0.02, the floor), 1, 2 (no change: false)
    expect(reduced).toEqual([false, false, true, false, true, false, true, false, false]);
    expect(opt.lr).toBe(0.02);
    expect(s.badEpochs).toBe(0);
  });

  it('cooldown: no counting for `cooldown` epochs after a reduction', () => {
    const opt = new SGD([param()], { lr: 1 });
    const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, cooldown: 2, minLr: 0 });
    const got = [5, 5, 5, 5, 5, 5, 5].map((m) => s.step(m));
    expect(got).toEqual([false, true, false, false, true, false, false]);
  });

  it("mode 'max' counts rises as improvement; thresholds are relative to |best|, so negative metrics work (PyTorch's 'rel' does not)", () => {
    const up = new SGD([param()], { lr: 1 });
    const s = new ReduceLROnPlateau(up, { mode: 'max', patience: 0, threshold: 0.1 });
    expect(s.step(1)).toBe(false); // first value: best
    expect(s.step(1.05)).toBe(true); // not 10 % better: a bad epoch, patience 0
    expect(s.best).toBe(1);
    expect(s.step(1.2)).toBe(false);
    expect(s.best).toBe(1.2);
    // A negative loss that gets worse is not an improvement (PyTorch: −9.5 < −10·(1 − 0.1) counts as better).
    const neg = new SGD([param()], { lr: 1 });
    const n = new ReduceLROnPlateau(neg, { mode: 'min', patience: 0, threshold: 0.1 });
    n.step(-10);
    expect(n.step(-9.5)).toBe(true);
    expect(n.best).toBe(-10);
    expect(n.step(-11.5)).toBe(false); // 15 % lower than −10: better
    expect(n.best).toBe(-11.5);
    const negMax = new ReduceLROnPlateau(new SGD([param()], { lr: 1 }), { mode: 'max', patience: 0, threshold: 0.1 });
    negMax.step(-10);
    expect(negMax.step(-9.5)).toBe(true); // only 5 % higher
    expect(negMax.step(-8.9)).toBe(false);
  });

  it('a NaN metric is skipped: neither an improvement nor a bad epoch', () => {
    const opt = new SGD([param()], { lr: 1 });
    const s = new ReduceLROnPlateau(opt, { patience: 0 });
    s.step(1);
    expect(s.step(Number.NaN)).toBe(false);
    expect(s.badEpochs).toBe(0);
    expect(s.best).toBe(1);
    expect(opt.lr).toBe(1);
  });

  it('defaults are the notebook’s (factor 0.5, patience 3, threshold 1e-4, minLr 1e-5, cooldown 0, min); bad options are refused by name', () => {
    const s = new ReduceLROnPlateau(new SGD([param()], { lr: 1 }));
    expect([s.mode, s.factor, s.patience, s.threshold, s.minLr, s.cooldown]).toEqual(['min', 0.5, 3, 1e-4, 1e-5, 0]);
    expect(s.best).toBe(Number.POSITIVE_INFINITY);
    expect(new ReduceLROnPlateau(new SGD([param()], { lr: 1 }), { mode: 'max' }).best).toBe(Number.NEGATIVE_INFINITY);
    const bad: Array<[object, RegExp]> = [
      [{ mode: 'up' }, /mode must be 'min' or 'max', got 'up'/],
      [{ factor: 1 }, /factor must be in \(0, 1\), got 1/],
      [{ factor: 0 }, /factor must be in \(0, 1\), got 0/],
      [{ patience: 1.5 }, /patience must be an integer ≥ 0, got 1.5/],
      [{ patience: -1 }, /patience must be an integer ≥ 0, got -1/],
      [{ minLr: -1e-9 }, /minLr must be ≥ 0, got -1e-9/],
    ];
    for (const [options, re] of bad) expect(() => new ReduceLROnPlateau(new SGD([param()], { lr: 1 }), options as never)).toThrow(re);
    expect(() => new ReduceLROnPlateau(new SGD([param()], { lr: 1 }), { factor: 0.999, patience: 0, minLr: 0 })).not.toThrow();
  });
});
