import { describe, expect, it } from 'vitest';
import { Adam, AdvancedSymplecticOptimizer, SGD, SymplecticOptimizer } from '../../src/index.js';

/** The shared optimiser core (src/optim/optimizer.ts): groups, options, zeroGrad, lr, state()/loadState(). */
const param = (values: number[], name = 'w') => ({
  name,
  shape: [values.length],
  data: Float32Array.from(values),
  grad: Float32Array.from(values.map((v) => v / 2)),
});

describe('Optimizer core', () => {
  it('a plain parameter list is one group with the defaults; a group list keeps each group’s overrides', () => {
    const a = param([1, 2], 'a'),
      b = param([3], 'b');
    const one = new SGD([a, b], { lr: 0.3, momentum: 0.5 });
    expect(one.groups).toHaveLength(1);
    expect(one.groups[0].params).toEqual([a, b]);
    expect(one.groups[0].options).toMatchObject({ lr: 0.3, momentum: 0.5 });
    const two = new SGD(
      [
        { params: [a], lr: 0.1 },
        { params: [b], momentum: 0.9 },
      ],
      { lr: 0.01 },
    );
    expect(two.groups.map((g) => g.options.lr)).toEqual([0.1, 0.01]);
    expect(two.groups.map((g) => g.options.momentum)).toEqual([0, 0.9]);
    expect(two.params()).toEqual([a, b]);
    // One step uses each group's own rate: a moves by 0.1·grad, b by 0.01·grad.
    two.step();
    expect(Array.from(a.data)).toEqual([Math.fround(1 - 0.1 * 0.5), Math.fround(2 - 0.1 * 1)]);
    expect(Array.from(b.data)).toEqual([Math.fround(3 - 0.01 * 1.5)]);
  });

  it('refuses an empty group, a parameter without equal Float32Array data and grad, a parameter in two groups, a bad option', () => {
    const a = param([1], 'a');
    expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow(/parameter group 0 has no parameters/);
    expect(() => new SGD([{ params: [a] }, { params: [] }], { lr: 0.1 })).toThrow(/parameter group 1 has no parameters/);
    expect(() => new SGD([{ name: 'x', shape: [2], data: new Float32Array(2), grad: new Float32Array(1) }], { lr: 0.1 })).toThrow(
      /parameter group 0: each parameter needs Float32Array data and grad of equal length/,
    );
    expect(() => new SGD([{ name: 'x', shape: [1], data: [1] as never, grad: new Float32Array(1) }], { lr: 0.1 })).toThrow(/Float32Array data and grad/);
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(/parameter 'a' appears in more than one group/);
    expect(() => new SGD([a], { lr: -1 })).toThrow(/SGD options: lr must be a finite number ≥ 0, got -1/);
    expect(() => new SGD([{ params: [a], lr: Number.NaN }], { lr: 0.1 })).toThrow(/SGD group 0: lr must be a finite number ≥ 0, got NaN/);
    expect(() => new SGD([a], { lr: 0 })).not.toThrow();
  });

  it('lr reads the first group and sets every group; a bad rate is refused', () => {
    const opt = new Adam([{ params: [param([1], 'a')], lr: 0.2 }, { params: [param([1], 'b')] }], { lr: 0.05 });
    expect(opt.lr).toBe(0.2);
    opt.lr = 0.01;
    expect(opt.groups.map((g) => g.options.lr)).toEqual([0.01, 0.01]);
    expect(() => {
      opt.lr = Number.POSITIVE_INFINITY;
    }).toThrow(/lr must be a finite number ≥ 0, got Infinity/);
    expect(() => {
      opt.lr = -0.1;
    }).toThrow(/got -0.1/);
    expect(opt.lr).toBe(0.01);
  });

  it('zeroGrad clears every gradient of every group, and nothing else', () => {
    const a = param([1, 2], 'a'),
      b = param([3], 'b');
    const opt = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    opt.zeroGrad();
    expect(Array.from(a.grad)).toEqual([0, 0]);
    expect(Array.from(b.grad)).toEqual([0]);
    expect(Array.from(a.data)).toEqual([1, 2]);
    expect(opt.requiresClosure).toBe(false);
    expect(opt.usesEntryGradient).toBe(true);
  });

  it('state() is a copy: buffers, counters, options and the step count; changing it changes nothing', () => {
    const a = param([1, -2]);
    const opt = new Adam([a], { lr: 0.1 });
    opt.step();
    opt.step();
    const st = opt.state();
    expect(st.type).toBe('adam');
    expect(st.step).toBe(opt.stepCount);
    expect(st.groups[0]).toMatchObject({ lr: 0.1 });
    const keys = Object.keys(st.params[0]);
    expect(keys.length).toBeGreaterThan(0);
    const buffer = Object.values(st.params[0]).find((v) => v instanceof Float32Array) as Float32Array;
    const before = opt.state();
    buffer.fill(123);
    st.groups[0].lr = 9;
    expect(opt.state()).toEqual(before);
    expect(opt.lr).toBe(0.1);
  });

  it('loadState restores options, buffers, counters and step count — and refuses a state of another type, shape or size', () => {
    const mk = () => param([1, -2]);
    const a = mk();
    const opt = new Adam([a], { lr: 0.1 });
    for (let i = 0; i < 3; i++) opt.step();
    const st = opt.state();
    st.groups[0].lr = 0.02;
    const b = mk();
    const resumed = new Adam([b], { lr: 0.5 }).loadState(st);
    expect(resumed.lr).toBe(0.02);
    expect(resumed.stepCount).toBe(opt.stepCount);
    expect(resumed.state()).toEqual(st);
    // The next step is the same from the restored state as from the original.
    b.data.set(a.data);
    opt.lr = 0.02;
    opt.step();
    resumed.step();
    expect(Array.from(b.data)).toEqual(Array.from(a.data));

    expect(() => new SGD([mk()], { lr: 0.1 }).loadState(st)).toThrow(/loadState: state is for 'adam', this is 'sgd'/);
    expect(() => new Adam([mk(), mk()], { lr: 0.1 }).loadState(st)).toThrow(/loadState: state has 1 parameters in 1 groups, expected 2 in 1/);
    expect(() => new Adam([{ params: [mk()] }, { params: [mk()] }], { lr: 0.1 }).loadState(st)).toThrow(/expected 2 in 2/);
    expect(() => new Adam([param([1, 2, 3])], { lr: 0.1 }).loadState(st)).toThrow(/buffer '\w+' of parameter 0 has 2 values, expected 3/);
    const badLr = { ...st, groups: [{ ...st.groups[0], lr: -1 }] };
    expect(() => new Adam([mk()], { lr: 0.1 }).loadState(badLr)).toThrow(/Adam group 0: lr must be a finite number ≥ 0, got -1/);
  });

  it('loadState replaces counters: one left from before the load does not survive it', () => {
    const a = param([1]);
    const fresh = new AdvancedSymplecticOptimizer([param([1])], { lr: 0.1 }).state();
    const opt = new AdvancedSymplecticOptimizer([a], { lr: 0.1 });
    opt.step();
    const counters = Object.entries(opt.state().params[0]).filter(([, v]) => typeof v === 'number');
    opt.loadState(fresh);
    for (const [k] of counters) expect(opt.state().params[0][k], k).toBe(fresh.params[0][k]);
    expect(opt.stepCount).toBe(0);
  });
});

describe('Optimizer core: what a resumed or inspected optimiser must not share or lose', () => {
  it('loadState copies buffers in: changing the state object afterwards changes nothing', () => {
    const opt = new Adam([param([1, -2])], { lr: 0.1 });
    opt.step();
    const st = opt.state();
    const resumed = new Adam([param([1, -2])], { lr: 0.1 }).loadState(st);
    const snapshot = JSON.stringify(resumed.state(), (_, v) => (v instanceof Float32Array ? Array.from(v) : v));
    for (const v of Object.values(st.params[0])) if (v instanceof Float32Array) v.fill(7);
    expect(JSON.stringify(resumed.state(), (_, v) => (v instanceof Float32Array ? Array.from(v) : v))).toBe(snapshot);
  });

  it('state() buffers are copies: filling them leaves the optimiser as it was', () => {
    const opt = new SGD([param([1, 2])], { lr: 0.1, momentum: 0.9 });
    opt.step();
    const values = () => Array.from(opt.state().params[0].momentum as Float32Array);
    const before = values();
    (opt.state().params[0].momentum as Float32Array).fill(99);
    expect(values()).toEqual(before);
  });

  it('loadState refuses a state with the same parameters in a different number of groups', () => {
    const st = new SGD([param([1]), param([2])], { lr: 0.1 }).state();
    expect(() => new SGD([{ params: [param([1])] }, { params: [param([2])] }], { lr: 0.1 }).loadState(st)).toThrow(
      /state has 2 parameters in 1 groups, expected 2 in 2/,
    );
  });

  it('refuses null in the parameter list and an empty list with the usual one-line error; lr may be set to 0', () => {
    expect(() => new SGD([null as never], { lr: 0.1 })).toThrow(/parameter group 0: each parameter needs Float32Array data and grad/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/parameter group 0 has no parameters/);
    // An object with both a `params` field and tensors is a parameter, not a group.
    const odd = { ...param([1]), params: 'not a group' };
    expect(new SGD([odd as never], { lr: 0.1 }).params()).toEqual([odd]);
    const opt = new SGD([param([1])], { lr: 0.1 });
    opt.lr = 0;
    expect(opt.lr).toBe(0);
  });

  it('every optimiser counts its steps (stepCount) and its per-parameter step counters', () => {
    const n = 3;
    const closure = () => 0;
    const cases = [
      new SGD([param([1, 2])], { lr: 0.1, momentum: 0.5 }),
      new Adam([param([1, 2])], { lr: 0.1 }),
      new AdvancedSymplecticOptimizer([param([1, 2])], { lr: 0.1 }),
      new SymplecticOptimizer([param([1, 2])], 'leapfrog', { lr: 0.1 }),
    ];
    for (const opt of cases) {
      for (let i = 0; i < n; i++) opt.step(closure);
      expect(opt.stepCount, opt.type).toBe(n);
      const counter = opt.state().params[0].step;
      if (counter !== undefined) expect(counter, opt.type).toBe(n);
    }
    expect(cases[0].state().params[0].step).toBe(n);
    expect(cases[2].state().params[0].step).toBe(n);
    // SGD without momentum keeps no buffer and no counter.
    const plain = new SGD([param([1, 2])], { lr: 0.1 });
    plain.step();
    expect(plain.state().params[0]).toEqual({});
  });

  it('SGD: the first momentum step takes the gradient itself (PyTorch: buf = g, undamped), later ones are damped', () => {
    const p = param([1]);
    p.grad[0] = 2;
    const opt = new SGD([p], { lr: 1, momentum: 0.5, dampening: 0.5 });
    opt.step();
    expect(p.data[0]).toBe(1 - 2); // buf = 2
    opt.step();
    expect(p.data[0]).toBe(-1 - (0.5 * 2 + 0.5 * 2)); // buf = 0.5·2 + (1 − 0.5)·2 = 2
    expect(() => new SGD([param([1])], { lr: 1, nesterov: true })).toThrow(/nesterov needs momentum > 0 and dampening = 0/);
    expect(() => new SGD([param([1])], { lr: 1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/nesterov needs/);
  });

  it('Adam: weightDecay is L2 in the gradient by default (decoupled: false), AdamW only when asked', () => {
    const run = (decoupled?: boolean) => {
      const p = param([1]);
      p.grad[0] = 0;
      new Adam([p], { lr: 0.1, weightDecay: 0.5, ...(decoupled === undefined ? {} : { decoupled }) }).step();
      return p.data[0];
    };
    expect(run()).toBe(run(false));
    expect(run()).not.toBe(run(true));
    // L2: g = 0 + 0.5·1 → Adam's first step moves by lr (sign of g); AdamW: θ(1 − lr·wd) with a zero Adam step.
    expect(run(true)).toBe(Math.fround(1 - 0.1 * 0.5));
    expect(run()).toBeCloseTo(0.9, 6);
  });
});

describe('SymplecticOptimizer: which gradients a method reads, and how often it asks for new ones', () => {
  it('flags for a kick-first, a drift-first and the two-kick methods', () => {
    const flags = (m: string) => {
      const o = new SymplecticOptimizer([param([1])], m as never, { lr: 0.1 });
      return [o.requiresClosure, o.usesEntryGradient];
    };
    expect(flags('symplectic-euler')).toEqual([false, true]);
    expect(flags('symplectic-euler-b')).toEqual([true, false]);
    expect(flags('leapfrog')).toEqual([true, true]);
    expect(flags('leapfrog-position')).toEqual([true, false]);
    expect(flags('forest-ruth')).toEqual([true, false]); // the position (drift-first) form
  });

  it('calls the closure once per force evaluation after the first (which uses the gradient on entry when a kick comes first)', () => {
    for (const m of ['symplectic-euler', 'symplectic-euler-b', 'leapfrog', 'leapfrog-position', 'forest-ruth', 'pefrl', 'yoshida6']) {
      const p = param([1]);
      const opt = new SymplecticOptimizer([p], m as never, { lr: 0.01 });
      const stages = opt.method.stages!;
      const kicks = stages.filter((s) => s.kind === 'kick').length;
      let calls = 0;
      opt.step(() => {
        calls++;
        p.grad[0] = p.data[0];
        return 0;
      });
      expect(calls, m).toBe(kicks - (stages[0].kind === 'kick' ? 1 : 0));
    }
    expect(() => new SymplecticOptimizer([param([1])], 'leapfrog', { lr: 0.1 }).step()).toThrow(/needs a closure/);
  });
});
