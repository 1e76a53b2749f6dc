/** Cut-offs by approval rate and by cost, against brute force over every threshold; the approval curve. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalCurve, chooseCutoff, parseCutoff } from '../../src/index.js';

/** Probabilities on a coarse grid (many ties) and 0/1 labels. */
const sample = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { minLength: 1, maxLength: 80 })
  .map((rows) => ({ p: rows.map(([k]) => k / 20), y: rows.map(([, b]): number => (b ? 1 : 0)) }));

const approvedAt = (t: number, p: number[], y: number[]) => {
  let approved = 0,
    bads = 0;
  p.forEach((v, i) => {
    if (v < t) {
      approved++;
      bads += y[i];
    }
  });
  return { approved, bads };
};

describe('parseCutoff', () => {
  it('reads a probability, approval:RATE (or a percentage) and cost:FN=…,FP=…', () => {
    expect(parseCutoff('0.3')).toEqual({ rule: 'threshold', threshold: 0.3 });
    expect(parseCutoff('approval:0.8')).toEqual({ rule: 'approval', approvalRate: 0.8 });
    expect(parseCutoff('approval:80%')).toEqual({ rule: 'approval', approvalRate: 0.8 });
    expect(parseCutoff('cost:FN=5,FP=1')).toEqual({ rule: 'cost', falseNegativeCost: 5, falsePositiveCost: 1 });
    expect(parseCutoff('cost: fp=2, fn=7')).toEqual({ rule: 'cost', falseNegativeCost: 7, falsePositiveCost: 2 });
  });
  it.each([
    ['approval:1.5', /approval rate must be in \(0, 1\]/],
    ['approval:0', /approval rate must be in/],
    ['cost:FN=5', /write cost:FN=/],
    ['cost:FN=5,FP=-1', /both positive/],
    ['cost:FN=5,FP=1,X=2', /write cost:FN=/],
    ['1.2', /expected a probability in \[0, 1\], approval:RATE or cost/],
    ['approve:0.8', /expected a probability/],
  ])('%s is refused, saying what it expects', (text, message) => {
    expect(() => parseCutoff(text)).toThrow(message);
  });
});

describe('chooseCutoff', () => {
  it('approval: approves at least the rate asked, and the least threshold to do so (ties move together)', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0.01, max: 1, noNaN: true }), ({ p, y }, rate) => {
        const c = chooseCutoff({ rule: 'approval', approvalRate: rate }, y, p);
        const { approved } = approvedAt(c.threshold, p, y);
        expect(c.approvalRate).toBe(approved / p.length);
        if (c.threshold < 1) expect(approved).toBeGreaterThanOrEqual(Math.ceil(rate * p.length - 1e-9));
        // Any lower candidate threshold (a smaller distinct probability) approves fewer than asked.
        for (const t of new Set(p)) if (t < c.threshold) expect(approvedAt(t, p, y).approved).toBeLessThan(Math.ceil(rate * p.length - 1e-9));
      }),
    );
  });
  it('cost: no threshold has a lower cost FN·bads approved + FP·goods declined (brute force over all)', () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), ({ p, y }, fn, fp) => {
        const c = chooseCutoff({ rule: 'cost', falseNegativeCost: fn, falsePositiveCost: fp }, y, p);
        const cost = (t: number) => {
          const { approved, bads } = approvedAt(t, p, y);
          const goodsDeclined = p.length - approved - (y.reduce((a, b) => a + b, 0) - bads);
          return fn * bads + fp * goodsDeclined;
        };
        for (const t of [0, ...p, 1, 0.5]) expect(cost(c.threshold)).toBeLessThanOrEqual(cost(t));
        expect(c.costPerRow! * p.length).toBeCloseTo(cost(c.threshold), 9);
      }),
    );
  });
  it('a costlier bad approved lowers the threshold (declines more)', () => {
    const p = Array.from({ length: 200 }, (_, i) => i / 200);
    const y = p.map((v, i) => (((i * 7919) % 100) / 100 < v ? 1 : 0));
    const cheap = chooseCutoff({ rule: 'cost', falseNegativeCost: 1, falsePositiveCost: 1 }, y, p);
    const dear = chooseCutoff({ rule: 'cost', falseNegativeCost: 10, falsePositiveCost: 1 }, y, p);
    expect(dear.threshold).toBeLessThan(cheap.threshold);
    expect(dear.approvalRate).toBeLessThan(cheap.approvalRate);
  });
});

describe('approvalCurve', () => {
  it('approval rates increase to 1, where the bad rate is the base rate; each point is what its threshold does', () => {
    fc.assert(
      fc.property(sample, ({ p, y }) => {
        const curve = approvalCurve(y, p);
        expect(curve.at(-1)!.approvalRate).toBe(1);
        expect(curve.at(-1)!.badRate).toBeCloseTo(y.reduce((a, b) => a + b, 0) / p.length, 12);
        for (let i = 1; i < curve.length; i++) expect(curve[i].approvalRate).toBeGreaterThan(curve[i - 1].approvalRate);
        for (const q of curve.slice(0, -1)) {
          const { approved, bads } = approvedAt(q.threshold, p, y);
          expect(approved / p.length).toBe(q.approvalRate);
          expect(bads / approved).toBeCloseTo(q.badRate, 12);
        }
      }),
    );
  });
});
