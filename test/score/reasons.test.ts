/**
 * Reason codes computed in batch (`reasonsEncoded`, what `score --reasons` uses) against the definition: score the
 * record with one feature at its typical value, rescore whole, rank the positive differences.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HamiltonianNN, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { exactPoints, loadScorerSync, reasonTable } from '../../src/score/index.js';
import { fillReasons } from '../../src/score/rank.js';
import { createOps, type Ops } from '../../src/backend/registry.js';
import { Rng } from '../../src/core/rng.js';
import fc from 'fast-check';
import { DEFAULT_SCALING, scalingFactors } from '../../src/metrics/scorecard.js';

const table = parseCsv(readFileSync(new URL('../../data/lending_club.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 3, applySmote: false });
const records = table.rows.slice(0, 900).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));

describe.each([
  ['[16, 8], tanh', [16, 8], 'tanh'],
  ['[12], leaky_relu (the logits right after the copies)', [12], 'leaky_relu'],
  ['no hidden layer', [], 'relu'],
] as const)('reasonsEncoded, %s', (_, hidden, activation) => {
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [...hidden], activation, seed: 5, backend: 'js' });
  for (const engine of ['wasm', 'js'] as const) {
    const scorer = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }), { engine });
    const typical = Object.fromEntries(scorer.preprocessor.features.map((f) => [f.name, f.kind === 'numeric' ? f.median : f.mode]));
    it(`${engine}: the batch's reasons are the definition's (occlude, rescore whole, rank), record by record`, () => {
      const x = scorer.preprocessor.transformRecords(records);
      const batch = scorer.reasonsEncoded(x, records.length, 4);
      let compared = 0;
      records.forEach((rec, i) => {
        const p = scorer.score(rec);
        const expected = scorer.features
          .map((name) => ({ name, contribution: p - scorer.score({ ...rec, [name]: typical[name] }) }))
          .filter((c) => c.contribution > 1e-6)
          .sort((a, b) => b.contribution - a.contribution)
          .slice(0, 4);
        const got = batch[i]!;
        // Names agree except where two contributions are within float32 noise of each other.
        for (let j = 0; j < expected.length; j++) {
          expect(got[j].contribution).toBeCloseTo(expected[j].contribution, 5);
          if (j + 1 >= expected.length || expected[j].contribution - expected[j + 1].contribution > 1e-5) expect(got[j].feature).toBe(expected[j].name);
          compared++;
        }
        expect(scorer.explain(rec, 4).reasons!.map((r) => r.feature)).toEqual(got.map((r) => r.feature));
      });
      expect(compared).toBeGreaterThan(300);
      // The typed-array table score --reasons writes from holds the same reasons, in the same order.
      const table = scorer.reasonTable(x, records.length, 4, reasonTable(records.length, 4));
      batch.forEach((want, i) => {
        expect(table.count[i]).toBe(want!.length);
        want!.forEach((reason, j) => {
          expect(scorer.features[table.feature[i * 4 + j]]).toBe(reason.feature);
          expect([table.contribution[i * 4 + j], table.points[i * 4 + j]]).toEqual([reason.contribution, reason.points]);
        });
      });
      // Each record's own probability, as the network's batch pass gives it (calibrated), bit for bit: what
      // score --reasons writes instead of running that pass too.
      const own = scorer.calibrate(scorer.network.probabilities(x, records.length, new Float32Array(records.length)), records.length);
      expect(Array.from(table.probability)).toEqual(Array.from(own));
      expect(() => scorer.reasonTable(x, records.length, 4, reasonTable(10, 4))).toThrow(/fewer than 900 records/);
    });
    it(`${engine}: the same table after other calls grew the scorer's memory (buffer views are taken after growth)`, () => {
      // A fresh scorer whose first batch is small: the large batch then grows every reason buffer, in the middle of
      // the planning (views taken before a growth would read and write nothing).
      const fresh = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }), { engine });
      const x = scorer.preprocessor.transformRecords(records);
      fresh.reasonTable(x, 2, 3, reasonTable(2, 3));
      fresh.network.probabilities(x, records.length, new Float32Array(records.length));
      const want = scorer.reasonTable(x, records.length, 3, reasonTable(records.length, 3));
      const got = fresh.reasonTable(x, records.length, 3, reasonTable(records.length, 3));
      expect(Array.from(got.count)).toEqual(Array.from(want.count));
      expect(Array.from(got.feature)).toEqual(Array.from(want.feature));
      expect(Array.from(got.contribution)).toEqual(Array.from(want.contribution));
      expect(got.count.filter((c) => c > 0).length).toBeGreaterThan(records.length / 2);
    });
    it(`${engine}: a record at every typical value has no reasons; k = 0 asks for none; explain's probability is score's`, () => {
      const x = scorer.preprocessor.transformRecord(typical);
      expect(scorer.reasonsEncoded(x, 1, 3)).toEqual([[]]);
      expect(scorer.reasonsEncoded(scorer.preprocessor.transformRecords(records.slice(0, 5)), 5, 0)).toEqual([[], [], [], [], []]);
      for (const rec of records.slice(0, 20)) expect(scorer.explain(rec).probability).toBe(scorer.score(rec));
    });
  }
});

describe('reason codes with evidence, and protected features', () => {
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [16], seed: 7, backend: 'js' });
  const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), scorecard: { pdo: 20, baseScore: 600, baseOdds: 50 } });
  const scorer = loadScorerSync(bytes, { engine: 'js' });

  it("each reason's points are the points with the feature at its typical value minus the record's (the points it costs)", () => {
    let checked = 0;
    for (const rec of records.slice(0, 60)) {
      const ex = scorer.explain(rec, 3);
      for (const reason of ex.reasons!) {
        const f = scorer.preprocessor.features.find((g) => g.name === reason.feature)!;
        const typical = scorer.score({ ...rec, [f.name]: f.kind === 'numeric' ? f.median : f.mode });
        expect(reason.value).toBe(rec[f.name]);
        expect(reason.contribution).toBeCloseTo(ex.probability - typical, 5);
        expect(reason.points).toBeCloseTo(exactPoints(typical, scorer.scaling) - exactPoints(ex.probability, scorer.scaling), 2);
        expect(reason.points).toBeGreaterThan(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('a protected feature is never a reason (explain and the batch), and the others keep their order', () => {
    const x = scorer.preprocessor.transformRecords(records);
    const open = scorer.reasonsEncoded(x, records.length, 3);
    const counts = new Map<string, number>();
    for (const r of open) for (const reason of r ?? []) counts.set(reason.feature, (counts.get(reason.feature) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0]; // the most frequent reason
    const guarded = loadScorerSync(bytes, { engine: 'js', protected: [top] });
    const hidden = guarded.reasonsEncoded(x, records.length, 3);
    hidden.forEach((r, i) => {
      expect(r!.some((reason) => reason.feature === top)).toBe(false);
      // The remaining ranking is the unprotected one without the protected feature.
      const rest = open[i]!.filter((reason) => reason.feature !== top).map((reason) => reason.feature);
      expect(r!.map((reason) => reason.feature).slice(0, rest.length)).toEqual(rest);
    });
    for (const rec of records.slice(0, 20)) expect(guarded.explain(rec, 5).reasons!.some((reason) => reason.feature === top)).toBe(false);
    expect(guarded.score(records[0])).toBe(scorer.score(records[0])); // protection hides a reason; it does not change the probability
  });

  it("the model file's training.protected is the default; an unknown feature is refused", () => {
    const stored = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training: { protected: ['int_rate'] } }));
    expect([...stored.protectedFeatures]).toEqual(['int_rate']);
    expect(() => loadScorerSync(bytes, { protected: ['nope'] })).toThrow(/protected feature 'nope' not among the model's features/);
  });
});

/** Ranks records laid out as `occludedRows` lays them (a −1 row, then its copies' groups) on `ops`; the ranking as read back. */
function rank(ops: Ops, p: ArrayLike<number>, groups: ArrayLike<number>, k: number) {
  const h = { p: new Float32Array(0), g: new Float32Array(0), ranked: new Float32Array(0) };
  ops.alloc(h, 'p', p.length).set(p);
  ops.alloc(h, 'g', groups.length).set(groups);
  ops.alloc(h, 'ranked', groups.length * (k + 2)).fill(-7);
  const records = ops.rankOccluded(h.ranked, h.p, h.g, p.length, k);
  return { records, ranked: Float32Array.from(h.ranked), p: Float32Array.from(h.p), g: Float32Array.from(h.g) };
}
/** A record's entries of a ranking: its row, its count, the rows it ranks. */
const entries = (ranked: Float32Array, record: number, k: number) => {
  const at = record * (k + 2);
  return Array.from(ranked.subarray(at, at + 2 + Math.max(0, ranked[at + 1])));
};

describe.each([
  ['js', createOps('js').ops],
  ['wasm-simd', createOps('wasm', 'simd').ops],
  ['wasm-scalar', createOps('wasm', 'scalar').ops],
] as const)('%s rankOccluded, then fillReasons (records one after another in a buffer of probabilities)', (_, ops) => {
  const factors = scalingFactors(DEFAULT_SCALING);
  // Three records: row 0 with copies for features 0, 2 and 3 (feature 1 at its typical value); row 4 without copies; row 5 with one.
  const p = Float32Array.of(0.6, 0.5, 0.2, 0.7, 0.99, 0.123, 0.1);
  const groups = [-1, 0, 2, 3, -1, -1, 5];
  it('ranks positive contributions, largest first, over the copies there are; points as exactPoints gives them', () => {
    const { records, ranked } = rank(ops, p, groups, 2);
    expect(records).toBe(3);
    expect([0, 1, 2].map((r) => entries(ranked, r, 2))).toEqual([
      [0, 2, 2, 1],
      [4, 0],
      [5, 1, 6],
    ]);
    const table = reasonTable(3, 2);
    expect(fillReasons(table, 0, ranked, 0, p, Float32Array.from(groups), factors)).toBe(2);
    expect(fillReasons(table, 4, ranked, 8, p, Float32Array.from(groups), factors)).toBe(1);
    expect(Array.from(table.feature)).toEqual([2, 0, 0, 0, 5, 0]);
    expect(Array.from(table.contribution)).toEqual([p[0] - p[2], p[0] - p[1], 0, 0, p[5] - p[6], 0]);
    expect(table.points[0]).toBe(exactPoints(p[2], DEFAULT_SCALING) - exactPoints(p[0], DEFAULT_SCALING));
    const none = rank(ops, p, groups, 0);
    expect(none.records).toBe(3);
    expect(Array.from(none.ranked.subarray(0, 6))).toEqual([0, 0, 4, 0, 5, 0]);
    expect(rank(ops, [], [], 3).records).toBe(0);
  });
  it('on equal contributions the lower feature comes first, in whatever order the copies come', () => {
    const tiedP = Float32Array.of(0.6, 0.5, 0.2, 0.5, 0.5);
    for (const order of [
      [-1, 9, 4, 2, 7],
      [-1, 2, 4, 7, 9],
      [-1, 7, 9, 2, 4],
    ]) {
      const { ranked } = rank(ops, tiedP, order, 3);
      const tied = order.filter((_, r) => r > 0 && tiedP[r] === 0.5).sort((a, b) => a - b);
      expect(
        entries(ranked, 0, 3)
          .slice(2)
          .map((r) => order[r]),
      ).toEqual([order[2], ...tied.slice(0, 2)]);
    }
  });
  it('gives −1 (no reasons) when the record or any copy is not a probability in [0, 1], whatever k; the next record is ranked', () => {
    for (const k of [0, 2]) {
      for (const [row, bad] of [
        [2, Number.NaN],
        [1, 1.5],
        [0, Number.NaN],
        [3, -0.25],
      ]) {
        const q = Float32Array.from(p);
        q[row] = bad;
        const { records, ranked } = rank(ops, q, groups, k);
        expect(records).toBe(3);
        expect(entries(ranked, 0, k)).toEqual([0, -1]);
        expect(entries(ranked, 2, k)).toEqual(k ? [5, 1, 6] : [5, 0]);
      }
    }
  });
  it('ranks as the js op on random records (ties, bad probabilities, k from 0 to 5)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 60 }), (seed, k, rows) => {
        const rng = new Rng(seed);
        const levels = [0, 0.1, 0.25, 0.5, 0.75, 1, Number.NaN, 1.5];
        const q = Array.from({ length: rows }, () => (rng.float() < 0.6 ? levels[Math.floor(rng.float() * (rng.float() < 0.9 ? 6 : 8))] : rng.float()));
        const g = Array.from({ length: rows }, (_, r) => (r === 0 || rng.float() < 0.2 ? -1 : Math.floor(rng.float() * 12)));
        const want = rank(createOps('js').ops, q, g, k),
          got = rank(ops, q, g, k);
        expect(got.records).toBe(want.records);
        for (let r = 0; r < want.records; r++) expect(entries(got.ranked, r, k)).toEqual(entries(want.ranked, r, k));
      }),
      { numRuns: 300 },
    );
  });
});

describe('counts of rows and reasons are integers ≥ 0, or a UsageError naming them', () => {
  const scorer = loadScorerSync(
    encodeModel(new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [16, 8], seed: 5 }), { preprocessor: prep.preprocessor.toJSON() }),
  );
  const x = scorer.preprocessor.transformRecords(records.slice(0, 10));
  it('scoreEncoded, reasonTable, reasonsEncoded and explain refuse a fraction, a negative or NaN (once: nonsense counts, or an empty answer)', () => {
    for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const message = (name: string) => `${name} must be an integer ≥ 0, got ${bad}`;
      expect(() => scorer.scoreEncoded(x, bad)).toThrow(message('rows'));
      expect(() => scorer.reasonTable(x, bad, 3, reasonTable(10, 3))).toThrow(message('rows'));
      expect(() => scorer.reasonsEncoded(x, bad, 3)).toThrow(message('rows'));
      expect(() => scorer.reasonTable(x, 10, bad, reasonTable(10, 3))).toThrow(message('k'));
      expect(() => scorer.reasonsEncoded(x, 10, bad)).toThrow(message('k'));
      expect(() => scorer.explain(records[0], bad)).toThrow(message('k'));
    }
    expect(() => scorer.scoreEncoded(x, 10, new Float32Array(3))).toThrow('scoreEncoded: 10 rows, out holds 3');
  });
  it('k = 0 gives no reasons; k beyond the features gives what k = the number of features gives', () => {
    expect(scorer.reasonsEncoded(x, 10, 0)).toEqual(Array.from({ length: 10 }, () => []));
    expect(scorer.explain(records[0], 0).reasons).toEqual([]);
    const all = scorer.features.length;
    expect(scorer.reasonsEncoded(x, 10, 1e9)).toEqual(scorer.reasonsEncoded(x, 10, all));
    expect(scorer.explain(records[0], 1e9)).toEqual(scorer.explain(records[0], all));
  });
});
