import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  DataError,
  Preprocessor,
  StandardScaler,
  groupKFold,
  kFold,
  outOfTimeSplit,
  parseCsv,
  prepareData,
  prepareTable,
  trainingRowsBeforeSmote,
  smote,
  stratifiedKFold,
  trainTestSplit,
  Rng,
} from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/sklearn.json', import.meta.url), 'utf8'));

describe('StandardScaler', () => {
  it('matches scikit-learn (population std; zero-variance column → scale 1, no NaN)', () => {
    const X: number[][] = fx.scaler.X;
    const flat = Float32Array.from(X.flat());
    const s = new StandardScaler().fit(X.flat(), X.length, 4);
    for (let j = 0; j < 4; j++) {
      expect(s.mean[j]).toBeCloseTo(fx.scaler.mean[j], 9);
      expect(s.scale[j]).toBeCloseTo(fx.scaler.scale[j], 9);
    }
    const z = s.transform(new Float32Array(flat.length), flat, X.length, 4);
    expect([...z].every(Number.isFinite)).toBe(true);
    const back = s.inverseTransform(new Float32Array(flat.length), z, X.length, 4);
    for (let i = 0; i < flat.length; i++) expect(back[i]).toBeCloseTo(flat[i], 3);
    expect(StandardScaler.fromJSON(JSON.parse(JSON.stringify(s))).mean).toEqual(s.mean);
  });
});

describe('splits', () => {
  it('stratified split sizes match scikit-learn; each class share kept within one row', () => {
    for (const c of fx.splits) {
      const y = Array.from({ length: c.n }, (_, i) => (i < c.positives ? 1 : 0));
      const { train, test } = trainTestSplit(y, { testSize: c.test_size, seed: 1 });
      expect(train.length).toBe(c.train);
      expect(test.length).toBe(c.test);
      const tp = [...test].filter((i) => y[i] === 1).length;
      expect(Math.abs(tp - c.test_positives)).toBeLessThanOrEqual(1);
      expect(Math.abs(tp - (c.positives * c.test) / c.n)).toBeLessThanOrEqual(1);
    }
  });

  const labels = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 12, maxLength: 200 });

  it('split, k-fold, stratified and group k-fold partitions are disjoint and cover every row (property)', () => {
    fc.assert(
      fc.property(labels, fc.integer({ min: 2, max: 6 }), fc.nat(), (y, k, seed) => {
        const n = y.length;
        const check = (train: Uint32Array, test: Uint32Array) => {
          const all = [...train, ...test].sort((a, b) => a - b);
          expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
        };
        const s = trainTestSplit(n, { testSize: 0.25, seed });
        check(s.train, s.test);
        const seen = new Int32Array(n);
        for (const f of kFold(n, k, { seed })) {
          check(f.train, f.test);
          for (const i of f.test) seen[i]++;
        }
        expect([...seen].every((v) => v === 1)).toBe(true);
        const sk = stratifiedKFold(y, k, { seed });
        seen.fill(0);
        for (const f of sk) {
          check(f.train, f.test);
          for (const i of f.test) seen[i]++;
          for (const c of [0, 1, 2]) {
            const total = y.filter((v) => v === c).length;
            const inFold = [...f.test].filter((i) => y[i] === c).length;
            expect(Math.abs(inFold - total / k)).toBeLessThanOrEqual(1);
          }
        }
        expect([...seen].every((v) => v === 1)).toBe(true);
        const groups = y.map((_, i) => `q${i % 9}`);
        if (k <= 9) {
          for (const f of groupKFold(groups, k, { seed })) {
            check(f.train, f.test);
            const testGroups = new Set([...f.test].map((i) => groups[i]));
            for (const i of f.train) expect(testGroups.has(groups[i])).toBe(false);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it('kFold without shuffling deals consecutive rows, the first n mod k folds one larger, each part in increasing order', () => {
    const folds = kFold(7, 3, { shuffle: false });
    expect(folds.map((f) => [...f.test])).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(folds.map((f) => [...f.train])).toEqual([
      [3, 4, 5, 6],
      [0, 1, 2, 5, 6],
      [0, 1, 2, 3, 4],
    ]);
    expect(folds.every((f) => f.train instanceof Uint32Array && f.test instanceof Uint32Array)).toBe(true);
  });

  it('kFold refuses a row count that is not a whole number of at least 2 (NaN, 2.5, 1, −3)', () => {
    for (const n of [Number.NaN, 2.5, 1, -3, Number.POSITIVE_INFINITY])
      expect(() => kFold(n, 2), String(n)).toThrow(/kFold needs a whole number of at least 2 rows/);
    expect(kFold(2, 2).map((f) => [...f.test])).toHaveLength(2);
  });

  it('stratified splits keep the class ratio within one sample (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 500 }),
        fc.integer({ min: 2, max: 100 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.nat(),
        (n, pos, ts, seed) => {
          const p = Math.min(pos, n - 2);
          const y = Array.from({ length: n }, (_, i) => (i < Math.max(2, p) ? 1 : 0));
          const { test } = trainTestSplit(y, { testSize: ts, seed });
          const tp = [...test].filter((i) => y[i] === 1).length;
          const P = y.filter((v) => v === 1).length;
          expect(Math.abs(tp - (P * test.length) / n)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('out-of-time split by a date column (a small CSV made here: the shipped data has no dates)', () => {
    const csv =
      'issue_d,income,Status\n2015-01-15,10,good\n2015-07-01,20,bad\n2016-01-02,30,good\n2016-03-09,40,bad\n2015-12-31,50,good\n2016-02-01,60,bad\n2015-03-03,70,bad\n';
    const t = parseCsv(csv);
    const s = outOfTimeSplit(
      t.rows.map((r) => r[0]),
      '2016-01-01',
      t.lines,
      'issue_d',
    );
    expect([...s.train]).toEqual([0, 1, 4, 6]);
    expect([...s.test]).toEqual([2, 3, 5]);
    expect(() => outOfTimeSplit(['2015-01', 'soon'], '2016-01', [2, 3], 'issue_d')).toThrow(/line 3, column 'issue_d': cannot read 'soon'/);
    const months = outOfTimeSplit(['Jan-2016', 'Dec-2015', 'Mar-2016'], 'Feb-2016');
    expect([...months.train]).toEqual([0, 1]);
    const prep = prepareTable(t, { target: 'Status', positive: 'bad', timeColumn: 'issue_d', ootFrom: '2016-01-01', applySmote: false });
    expect(prep.train.rows).toBe(4);
    expect(prep.test.rows).toBe(3);
    expect(prep.preprocessor.columns).toEqual(['income']); // the period column is not a feature
  });
});

describe('prepareTable with a validation part', () => {
  const t = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
  const base = { target: 'Status', positive: 'bad', seed: 4, applySmote: true } as const;

  it('carves it from the training rows only: the test part is unchanged, the parts are disjoint, stratified, not oversampled', () => {
    const without = prepareTable(t, base);
    const prep = prepareTable(t, { ...base, validationSize: 0.2 });
    expect([...prep.split.test]).toEqual([...without.split.test]); // same test rows, whatever the validation part
    expect(prep.test.rows).toBe(without.test.rows);
    const train = new Set(prep.split.train),
      val = new Set(prep.split.validation!);
    expect([...val].some((i) => train.has(i))).toBe(false);
    expect(new Set([...train, ...val])).toEqual(new Set(without.split.train));
    expect(prep.validation!.rows).toBe(Math.ceil(0.2 * without.split.train.length));
    const share = (y: ArrayLike<number>, n: number) => Array.from({ length: n }, (_, i) => y[i]).filter((v) => v === 1).length / n;
    expect(share(prep.validation!.y, prep.validation!.rows)).toBeCloseTo(share(without.test.y, without.test.rows), 1);
    expect(prep.train.rows).toBeGreaterThan(prep.trainRowsBeforeSmote); // SMOTE on the training rows…
    expect(prep.validation!.rows).toBe(prep.split.validation!.length); // …and not on the validation rows
    // Runs without a validation part draw exactly what they drew before it existed (its generator forks last).
    expect(prepareTable(t, base).train.x).toEqual(without.train.x);
  });

  it('fits the preprocessor on the remaining training rows only', () => {
    const prep = prepareTable(t, { ...base, validationSize: 0.3, applySmote: false });
    const col = prep.preprocessor.columns.findIndex((c) => c === 'Income' || /income/i.test(c));
    const mean = (d: { x: Float32Array; rows: number; cols: number }) => {
      let s = 0;
      for (let r = 0; r < d.rows; r++) s += d.x[r * d.cols + col];
      return s / d.rows;
    };
    expect(Math.abs(mean(prep.train))).toBeLessThan(1e-5); // standardised on exactly these rows
    expect(Math.abs(mean(prep.validation!))).toBeGreaterThan(1e-4);
  });
});

describe('SMOTE', () => {
  it('synthetic points lie on segments to one of the k nearest minority neighbours; classes come out balanced', () => {
    fc.assert(
      fc.property(fc.integer({ min: 7, max: 25 }), fc.integer({ min: 30, max: 60 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (nMin, nMaj, cols, seed) => {
        const rng = new Rng(seed);
        const rows = nMin + nMaj;
        const x = Float32Array.from({ length: rows * cols }, () => rng.normal());
        const y = Array.from({ length: rows }, (_, i) => (i < nMin ? 1 : 0));
        const r = smote(x, y, rows, cols, { seed, k: 5 });
        expect(r.rows).toBe(2 * nMaj);
        expect([...r.y].filter((v) => v === 1).length).toBe(nMaj);
        const minority = Array.from({ length: nMin }, (_, i) => i);
        const dist = (a: number, b: number) => Math.hypot(...Array.from({ length: cols }, (_, j) => x[a * cols + j] - x[b * cols + j]));
        r.origins.forEach((o, s) => {
          // the neighbour is among the 5 nearest minority rows of `from`
          const ranked = minority.filter((m) => m !== o.from).sort((a, b) => dist(o.from, a) - dist(o.from, b));
          expect(dist(o.from, o.to)).toBeLessThanOrEqual(dist(o.from, ranked[4]) + 1e-6);
          expect(o.u >= 0 && o.u < 1).toBe(true);
          const row = rows + s;
          for (let j = 0; j < cols; j++) {
            const expected = x[o.from * cols + j] + o.u * (x[o.to * cols + j] - x[o.from * cols + j]);
            expect(r.x[row * cols + j]).toBeCloseTo(expected, 5);
          }
        });
      }),
      { numRuns: 40 },
    );
  });

  it('matches imbalanced-learn’s counts for auto and a 0.5 ratio; clear errors', () => {
    const x = Float32Array.from({ length: 120 * 3 }, (_, i) => Math.sin(i));
    const y = Array.from({ length: 120 }, (_, i) => (i < 20 ? 1 : 0));
    for (const [strategy, expected] of Object.entries(fx.smote) as [string, any][]) {
      const r = smote(x, y, 120, 3, { samplingStrategy: strategy === 'auto' ? 'auto' : Number(strategy) });
      expect(r.rows).toBe(expected.rows);
      expect([...r.y].filter((v) => v === 1).length).toBe(expected.positives);
    }
    expect(() =>
      smote(
        x,
        y.map(() => 0),
        120,
        3,
      ),
    ).toThrow(/at least two classes/);
    expect(() =>
      smote(
        x,
        y.map((_, i) => (i < 4 ? 1 : 0)),
        120,
        3,
      ),
    ).toThrow(/class 1 has 4 samples in the training part, it needs more than k = 5/);
  });

  it('is deterministic for a seed', () => {
    const x = Float32Array.from({ length: 60 }, (_, i) => Math.cos(i * 1.7));
    const y = Array.from({ length: 30 }, (_, i) => (i < 8 ? 1 : 0));
    expect(smote(x, y, 30, 2, { seed: 3 }).x).toEqual(smote(x, y, 30, 2, { seed: 3 }).x);
    expect(smote(x, y, 30, 2, { seed: 3 }).x).not.toEqual(smote(x, y, 30, 2, { seed: 4 }).x);
  });
});

describe('Preprocessor', () => {
  const csv = ['id,age,home,income,Status', '1,30,rent,100,good', '2,40,own,,bad', '3,,rent,300,good', '4,50,other,400,bad', '5,60,own,500,good'].join('\n');

  it('infers numeric and categorical columns, one-hot encodes with fixed categories, imputes with indicators', () => {
    const t = parseCsv(csv);
    const pre = Preprocessor.fit(t, { target: 'Status', positive: 'bad', exclude: ['id'] });
    expect(pre.features.map((f) => `${f.name}:${f.kind}`)).toEqual(['age:numeric', 'home:categorical', 'income:numeric']);
    expect(pre.columns).toEqual(['age', 'age__missing', 'home=other', 'home=own', 'home=rent', 'income', 'income__missing']);
    const enc = pre.transform(t);
    expect([...enc.y!]).toEqual([0, 1, 0, 1, 0]);
    // Row 3 has a missing age: imputed with the median (45), indicator 1, scaled as the others.
    const row = (i: number) => Array.from(enc.x.subarray(i * 7, i * 7 + 7));
    const ageMean = (30 + 40 + 45 + 50 + 60) / 5;
    expect(row(2)[1]).toBe(1);
    expect(row(2)[0]).toBeCloseTo((45 - ageMean) / pre.state.scale[0], 5);
    expect(row(0).slice(2, 5)).toEqual([0, 0, 1]);
    // Serialisable: the same encoding after a JSON round trip.
    const again = Preprocessor.fromJSON(JSON.parse(JSON.stringify(pre.toJSON())));
    expect(again.transform(t).x).toEqual(enc.x);
    expect(again.transformRecord({ age: 30, home: 'rent', income: 100 })).toEqual(enc.x.subarray(0, 7));
  });

  it("policy 'drop' leaves rows with missing values out (the notebook's dropna) and reports them", () => {
    const t = parseCsv(csv);
    const pre = Preprocessor.fit(t, { target: 'Status', positive: 'bad', exclude: ['id'], missing: 'drop' });
    expect(pre.columns).toEqual(['age', 'home=other', 'home=own', 'home=rent', 'income']);
    const enc = pre.transform(t);
    expect(enc.rows).toBe(3);
    expect(enc.skipped.map((s) => s.line)).toEqual([3, 4]);
  });

  it("unseen categories: all-zeros by default, or an error naming the column with 'error'", () => {
    const t = parseCsv(csv);
    const pre = Preprocessor.fit(t, { target: 'Status', positive: 'bad', exclude: ['id'] });
    const x = pre.transformRecord({ age: 30, home: 'boat', income: 100 });
    expect(Array.from(x.subarray(2, 5))).toEqual([0, 0, 0]);
    const strict = Preprocessor.fit(t, { target: 'Status', positive: 'bad', exclude: ['id'], unseen: 'error' });
    expect(() => strict.transformRecord({ age: 30, home: 'boat', income: 100 })).toThrow(/column 'home': category 'boat' was not seen/);
  });

  it('bad input names the file, line and column', () => {
    const t = parseCsv('a,b,y\n1,x,1\n2,y,0\n3,z,1\n', { source: 'f.csv' });
    expect(() => Preprocessor.fit(t, { target: 'y', positive: 'yes', source: 'f.csv' })).toThrow(
      /f\.csv, column 'y': positive label 'yes' never appears in target column 'y' \(values: 1, 0\)/,
    );
    expect(() => Preprocessor.fit(t, { target: 'z', positive: '1' })).toThrow(/target column 'z' is not in the file/);
    const one = parseCsv('a,y\n1,1\n2,1\n');
    expect(() => Preprocessor.fit(one, { target: 'y', positive: '1' })).toThrow(/only one class/);
    const t2 = parseCsv('a,y\n1,1\n2,0\n1e999,1\n', { source: 'g.csv' });
    expect(() => Preprocessor.fit(t2, { target: 'y', positive: '1', numeric: ['a'], source: 'g.csv' })).toThrow(
      /g\.csv, line 4, column 'a': '1e999' overflows a double/,
    );
    const pre = Preprocessor.fit(parseCsv('a,y\n1,1\n2,0\n'), { target: 'y', positive: '1' });
    expect(() => pre.transform(parseCsv('a,y\n"1,000",1\n'), undefined, { source: 'h.csv' })).toThrow(
      /h\.csv, line 2, column 'a': '1,000' has thousands separators/,
    );
    expect(() => pre.transform(parseCsv('b,y\n1,1\n'), undefined, { source: 'h.csv' })).toThrow(/lacks column 'a'/);
    expect(pre.transform(parseCsv('a,y\nInfinity,1\n2,0\n'), undefined, { invalid: 'skip' }).skipped[0]).toEqual({
      row: 0,
      line: 2,
      reason: "column 'a': 'Infinity' is not a finite number",
    });
    expect(pre.transform(parseCsv('a,y\nNaN,1\n2,0\n')).rows).toBe(2); // 'NaN' text is missing (pandas' na_values) → imputed
    const near = parseCsv(['a,y', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`), 'Infinity,1'].join('\n'), { source: 'n.csv' });
    expect(() => Preprocessor.fit(near, { target: 'y', positive: '1', source: 'n.csv' })).toThrow(
      /n\.csv, line 22, column 'a': 'Infinity' is not a finite number in column 'a', whose other values are numbers/,
    );
    expect(() => Preprocessor.fit(parseCsv('a,b,y\n1,,1\n2,,0\n'), { target: 'y', positive: '1' })).toThrow(/column 'b' is empty in every training row/);
    const err = (() => {
      try {
        Preprocessor.fit(t, { target: 'y', positive: 'yes' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
  });
});

describe('prepareData (the seed’s signature)', () => {
  it('fits the scaler on the training part only and SMOTEs only the training part', () => {
    const rng = new Rng(4);
    const rows = 300;
    const X = Array.from({ length: rows }, () => [rng.normal() * 5 + 10, rng.normal()]);
    const y = X.map((_, i) => (i % 10 === 0 ? 1 : 0));
    const { trainDataset, testDataset, scaler, split } = prepareData(X, y, { testSize: 0.2, seed: 7 });
    expect(testDataset.rows).toBe(60);
    expect(Array.from(testDataset.y).filter((v) => v === 1).length).toBe(6); // untouched by SMOTE
    expect(Array.from(trainDataset.y).filter((v) => v === 1).length).toBe(Array.from(trainDataset.y).filter((v) => v === 0).length);
    // The scaler's mean is the training part's mean.
    const trainMean = [...split.train].reduce((s, i) => s + X[i][0], 0) / split.train.length;
    expect(scaler.mean[0]).toBeCloseTo(trainMean, 5);
    const noSmote = prepareData(X, y, { applySmote: false, seed: 7 });
    expect(noSmote.trainDataset.rows).toBe(240);
  });
});

describe('prepareTable defaults', () => {
  it('applies no SMOTE unless asked (it biases PDs upward): the training part keeps its real class balance', () => {
    const t = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
    const prep = prepareTable(t, { target: 'Status', positive: 'bad', seed: 4 });
    expect(prep.train.rows).toBe(prep.trainRowsBeforeSmote);
    const smoted = prepareTable(t, { target: 'Status', positive: 'bad', seed: 4, applySmote: true });
    expect(smoted.train.rows).toBeGreaterThan(prep.train.rows);
    // trainingRowsBeforeSmote gives back the real rows: those of the same split without SMOTE.
    const real = trainingRowsBeforeSmote(smoted);
    expect(real.rows).toBe(prep.train.rows);
    expect(real.x).toEqual(prep.train.x);
    expect(Array.from(real.y)).toEqual(Array.from(prep.train.y));
  });
});
