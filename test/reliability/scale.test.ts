/**
 * Issue 15, "Scale": nothing may spread an unbounded array into a call's arguments (it overflows the stack past
 * ~10⁵ elements: `train` failed from 165k rows, `trainTestSplit` from 170k labels). Each case failed on 192bed9.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv, prepareTable, trainTestSplit } from '../../src/index.js';
import { extent, pushAll } from '../../src/core/arrays.js';

const N = 300_000;

describe('no stack overflow on large inputs', () => {
  it(`trainTestSplit stratifies ${N.toLocaleString('en-US')} labels`, () => {
    const y = Uint8Array.from({ length: N }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const s = trainTestSplit(y, { testSize: 0.2, seed: 1, stratify: true } as never);
    expect(s.train.length + s.test.length).toBe(N);
    expect(new Set([...s.train, ...s.test]).size).toBe(N);
  });
  it(`parseCsv reads a ${N.toLocaleString('en-US')}-row text in one piece, and prepareTable trains on it`, () => {
    const text = `a,b,y\n${Array.from({ length: N }, (_, i) => `${i % 97},${['u', 'v', 'w'][i % 3]},${i % 7 === 0 ? 1 : 0}`).join('\n')}\n`;
    const t = parseCsv(text);
    expect(t.rows.length).toBe(N);
    const p = prepareTable(t, { target: 'y', positive: '1', seed: 1, applySmote: false });
    expect(p.train.rows + p.test.rows).toBe(N);
  });
  it('the helpers: pushAll and extent over a million elements', () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i - 500_000);
    expect(pushAll([1], big).length).toBe(1_000_001);
    expect(extent(big)).toEqual([-500_000, 499_999]);
    expect(extent([])).toEqual([Infinity, -Infinity]);
  });
});

describe('no unbounded spread in the sources', () => {
  it('src/ has no push(...array): use pushAll (core/arrays.ts)', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = new URL('../../src', import.meta.url).pathname;
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.includes('generated'))
          readFileSync(p, 'utf8')
            .split('\n')
            .forEach((l, i) => /\.push\(\.\.\./.test(l) && !l.includes('*') && offenders.push(`${p}:${i + 1}`));
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
