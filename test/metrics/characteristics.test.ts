/** Characteristic PSI: per feature, from encoded rows, against the training part's reference. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binShares, psiAgainst } from '../../src/metrics/stability.js';
import {
  characteristicReferences,
  characteristicStability,
  characteristicValues,
  parseCsv,
  prepareTable,
  referenceDistribution,
  type CsvTable,
} from '../../src/index.js';

const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 4 });
const pre = prep.preprocessor;
const blocks = pre.featureBlocks();
const refs = characteristicReferences(blocks, prep.train.x, prep.train.rows, prep.train.cols);
const encode = (t: CsvTable) => pre.transform(t);
const column = (name: string) => table.columns.indexOf(name);

describe('characteristicReferences', () => {
  it('is, feature by feature, the deciles (numeric) or category shares of characteristicValues, whatever the blocks around it', () => {
    const { x, rows, cols } = prep.train;
    const one = (b: (typeof blocks)[number]) => {
      const values = characteristicValues(b, x, rows, cols);
      if (b.kind === 'numeric') return { feature: b.name, ...referenceDistribution(values, 10) };
      const edges = Array.from({ length: b.end - b.start }, (_, k) => k + 0.5);
      return { feature: b.name, edges, shares: binShares(edges, values) };
    };
    expect(refs).toEqual(blocks.map(one));
    // Blocks in another order and subsets (the passes group them four at a time): each gets its own reference.
    const reversed = [...blocks].reverse();
    expect(characteristicReferences(reversed, x, rows, cols)).toEqual(reversed.map(one));
    expect(characteristicReferences(blocks.slice(3, 5), x, rows, cols)).toEqual(blocks.slice(3, 5).map(one));
  });
});

describe('characteristicStability', () => {
  it('is, feature by feature, psiAgainst its reference of characteristicValues, largest first', () => {
    const enc = pre.transform(table);
    const byName = new Map(blocks.map((b) => [b.name, b]));
    const each = refs.map((ref) => {
      const block = byName.get(ref.feature)!;
      return { feature: ref.feature, kind: block.kind, ...psiAgainst(ref, characteristicValues(block, enc.x, enc.rows, enc.cols)) };
    });
    expect(characteristicStability(refs, blocks, enc.x, enc.rows, enc.cols)).toEqual(each.sort((a, b) => b.psi - a.psi));
  });

  it('the training part against itself: every PSI is 0; one reference per feature, numeric at deciles', () => {
    const same = characteristicStability(refs, blocks, prep.train.x, prep.train.rows, prep.train.cols);
    expect(same.map((c) => c.feature).sort()).toEqual(pre.features.map((f) => f.name).sort());
    for (const c of same) expect(c.psi, c.feature).toBe(0);
    expect(refs.find((r) => r.feature === 'Income')!.shares.length).toBeGreaterThanOrEqual(8);
  });

  it('a numeric column tripled in a copy of the file shifts that feature alone (PSI > 0.25), largest first', () => {
    const j = column('Income');
    const shifted = { ...table, rows: table.rows.map((r) => r.map((v, k) => (k === j && v.trim() !== '' ? String(3 * Number(v)) : v))) };
    const enc = encode(shifted);
    const got = characteristicStability(refs, blocks, enc.x, enc.rows, enc.cols);
    expect(got[0].feature).toBe('Income');
    expect(got[0].psi).toBeGreaterThan(0.25);
    for (const c of got.slice(1)) expect(c.psi, c.feature).toBeLessThan(0.02);
  });

  it('categorical: shares by category, unseen ones in their own bin; the PSI is the formula on the counts', () => {
    const j = column('Home');
    // Every 'rent' becomes a category never seen in training.
    const moved = { ...table, rows: table.rows.map((r) => r.map((v, k) => (k === j && v === 'rent' ? 'boat' : v))) };
    const enc = encode(moved);
    const home = characteristicStability(refs, blocks, enc.x, enc.rows, enc.cols).find((c) => c.feature === 'Home')!;
    const spec = pre.features.find((f) => f.name === 'Home')!;
    if (spec.kind !== 'categorical') throw new Error('Home is categorical');
    const share = (rows: string[][], rowsIdx: ArrayLike<number> | null, cat: string | null) => {
      const list = rowsIdx ? Array.from(rowsIdx, (i) => rows[i]) : rows;
      const known = new Set(spec.categories);
      // Missing cells are imputed with the mode, as the encoder does.
      const value = (r: string[]) => (r[j].trim() === '' ? spec.mode : r[j].trim());
      return list.filter((r) => (cat === null ? !known.has(value(r)) : value(r) === cat)).length / list.length;
    };
    const expected = [...spec.categories.map((c) => share(table.rows, null, c)), 0];
    const actual = [...spec.categories.map((c) => share(moved.rows, null, c)), share(moved.rows, null, null)];
    expect(home.bins.map((b) => b.actual)).toEqual(actual.map((a) => expect.closeTo(a, 12)));
    expect(actual.at(-1)).toBeGreaterThan(0.1); // the unseen bin holds the former 'rent' rows
    const eps = 1e-4;
    const reference = refs.find((r) => r.feature === 'Home')!.shares;
    const formula = reference.reduce(
      (sum, e, i) => sum + (Math.max(actual[i], eps) - Math.max(e, eps)) * Math.log(Math.max(actual[i], eps) / Math.max(e, eps)),
      0,
    );
    expect(home.psi).toBeCloseTo(formula, 12);
    expect(home.psi).toBeGreaterThan(0.25);
    expect(expected.length).toBe(reference.length);
  });
});
