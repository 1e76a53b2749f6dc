/**
 * Order statistics by partitioning (metrics/select.ts) against a sorted copy, and the PSI reference built on them
 * against the sort it replaced: the same numbers bit for bit, −0 before +0 and NaN last as a Float64Array sorts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStatistics } from '../../src/metrics/select.js';
import { binShares, referenceDistribution } from '../../src/metrics/stability.js';

const value = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-300),
  fc.double({ noNaN: false }),
  fc.integer({ min: -3, max: 3 }),
);
const sample = fc.array(value, { maxLength: 300 });

describe('orderStatistics', () => {
  it('gives what a sorted copy holds at each rank, keeping the values (property)', () => {
    fc.assert(
      fc.property(sample, fc.array(fc.nat(), { maxLength: 12 }), (values, picks) => {
        if (values.length === 0) return;
        const sorted = Float64Array.from(values).sort();
        const ranks = picks.map((p) => p % values.length).sort((a, b) => a - b);
        const a = Float64Array.from(values);
        const got = orderStatistics(a, ranks);
        ranks.forEach((r, i) => expect(Object.is(got[i], sorted[r]), `rank ${r}: ${got[i]} vs ${sorted[r]}`).toBe(true));
        expect(Array.from(a.sort())).toEqual(Array.from(sorted)); // a permutation of the input
      }),
      { numRuns: 500 },
    );
  });

  it('gives the whole sorted order when every rank is asked (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 2000 }), (values) => {
        const sorted = Array.from(Float64Array.from(values).sort());
        expect(
          orderStatistics(
            Float64Array.from(values),
            sorted.map((_, r) => r),
          ),
        ).toEqual(sorted);
      }),
      { numRuns: 200 },
    );
  });

  it('copes with long runs of one value (a feature that is mostly 0)', () => {
    const a = new Float64Array(100_000);
    for (let i = 0; i < a.length; i += 97) a[i] = i % 3;
    const sorted = Float64Array.from(a).sort();
    const ranks = [0, 10_000, 50_000, 99_000, 99_999];
    expect(orderStatistics(a, ranks)).toEqual(ranks.map((r) => sorted[r]));
  });
});

describe('referenceDistribution', () => {
  it('equals deciles of a sorted copy and shares over them (property)', () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 12 }), (values, bins) => {
        if (values.length === 0) return;
        const s = Float64Array.from(values).sort();
        const edges: number[] = [];
        for (let i = 1; i < bins; i++) {
          const q = s[Math.min(s.length - 1, Math.floor((i * s.length) / bins))];
          if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
        }
        const got = referenceDistribution(values, bins);
        expect(got.edges.length).toBe(edges.length);
        got.edges.forEach((e, i) => expect(Object.is(e, edges[i])).toBe(true));
        expect(got.shares).toEqual(binShares(edges, values));
      }),
      { numRuns: 500 },
    );
  });
});
