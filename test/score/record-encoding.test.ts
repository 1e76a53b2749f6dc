/**
 * Records as objects, encoded and scored in blocks: a number cell reads as its text does (without the text being made),
 * errors come in the order a record's cells were always checked, and `scoreBatch` a block at a time through one kept
 * buffer gives `encodeBatch` + `scoreEncoded`'s bits and errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { HamiltonianNN, Preprocessor, parseCsv } from '../../src/index.js';
import { CellReader } from '../../src/data/cell-reader.js';
import type { CellReading } from '../../src/data/column-fit.js';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';

const table = parseCsv(readFileSync(new URL('../../data/lending_club.csv', import.meta.url), 'utf8'));
const pre = Preprocessor.fit(table, { target: 'Class', positive: 'bad' });
const features = pre.features;
const numeric = features.filter((f) => f.kind === 'numeric').map((f) => f.name);
const categorical = features.filter((f) => f.kind === 'categorical').map((f) => f.name);
// The same model with its first numeric column left as it is (mean 0 and scale 1 are skipped): a −0 would reach the row.
const rawState = pre.toJSON();
const rawColumn = pre.featureBlocks().find((b) => b.name === numeric[0])!.start;
rawState.mean[rawColumn] = 0;
rawState.scale[rawColumn] = 1;
const raw = Preprocessor.fromJSON(rawState);
const rowRecord = (r: number) => Object.fromEntries(table.columns.map((c, j) => [c, table.rows[r][j]]));

/** What a call did: the encoded row's bits (−0 told from 0, NaNs by payload), or the error's class, message and column. */
function outcome(f: () => Float32Array): string {
  try {
    return Array.from(new Uint32Array(f().slice().buffer)).join(',');
  } catch (e) {
    const err = e as Error & { column?: string; record?: number };
    return `${err.constructor.name}: ${err.message} [${err.column}, ${err.record}]`;
  }
}

/**
 * The record as it was always read: every field turned into its text first (a non-finite number refused there, the
 * first in feature order), then the texts encoded.
 */
function asTexts(record: Record<string, unknown>): Record<string, unknown> {
  for (const f of features) {
    const v = record[f.name];
    if (typeof v === 'number' && !Number.isFinite(v)) return { ...record, [f.name]: `nonfinite:${v}` };
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === null || v === undefined ? v : String(v)]));
}

const cell = fc.oneof(
  fc.double(), // every double: ±0, subnormals, beyond float32, ±∞, NaN
  fc.double({ min: -1e6, max: 1e6 }),
  fc.integer({ min: -1000, max: 100000 }),
  fc.constantFrom(null, undefined, '', 'NA', ' 12.5 ', 'lots', '1e39', 'term_36', 'C4', 'never seen'),
);

describe('a record field that is a number reads as its text', () => {
  it('the same bits, or the same error naming the same column, as the record with every field as text (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: table.rows.length - 1 }),
        fc.array(fc.tuple(fc.constantFrom(...numeric, ...categorical), cell), { maxLength: 4 }),
        (r, changes) => {
          const record: Record<string, unknown> = rowRecord(r);
          for (const [name, v] of changes) record[name] = v;
          const texts = asTexts(record);
          // A non-finite number's error is its own message; the texts' record only marks where it was.
          const nonfinite = Object.entries(texts).find((e): e is [string, string] => typeof e[1] === 'string' && e[1].startsWith('nonfinite:'));
          for (const p of [pre, raw]) {
            const got = outcome(() => p.transformRecord(record));
            if (nonfinite)
              expect(got).toBe(`ScoringError: column '${nonfinite[0]}': ${nonfinite[1].slice(10)} is not a finite number [${nonfinite[0]}, undefined]`);
            else expect(got).toBe(outcome(() => p.transformRecord(texts)));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('−0 reads as 0 (its text), and a number that is a missing-value text is missing', () => {
    const [name] = numeric;
    const record = rowRecord(0);
    expect(outcome(() => pre.transformRecord({ ...record, [name]: -0 }))).toBe(outcome(() => pre.transformRecord({ ...record, [name]: '0' })));
    expect(raw.transformRecord({ ...record, [name]: -0 })[rawColumn]).toBe(0); // toBe is Object.is: −0 fails it
    const sentinel = Preprocessor.fit(table, { target: 'Class', positive: 'bad', missingValues: ['', 'NA', '-999'] });
    const missing = outcome(() => sentinel.transformRecord({ ...record, [name]: null }));
    expect(outcome(() => sentinel.transformRecord({ ...record, [name]: -999 }))).toBe(missing);
    expect(outcome(() => sentinel.transformRecord({ ...record, [name]: '-999' }))).toBe(missing);
    expect(outcome(() => sentinel.transformRecord({ ...record, [name]: -998 }))).not.toBe(missing);
  });

  it('a non-finite number after a field that cannot be read is the error (every field was checked for one first)', () => {
    const record = { ...rowRecord(0), [categorical[0]]: 'never seen', [numeric[0]]: 'lots', [numeric[numeric.length - 1]]: Number.NaN };
    expect(outcome(() => pre.transformRecord(record))).toBe(
      `ScoringError: column '${numeric[numeric.length - 1]}': NaN is not a finite number [${numeric[numeric.length - 1]}, undefined]`,
    );
    delete (record as Record<string, unknown>)[numeric[numeric.length - 1]];
    expect(outcome(() => pre.transformRecord(record))).toMatch(new RegExp(`column '${numeric[0]}': 'lots' is not a number`));
  });
});

describe("CellReader.read's shortcuts", () => {
  // Missing-value texts that read as numbers, categories that are not their own trim or are missing texts: the
  // shortcuts must then stand aside.
  const odd = pre.toJSON();
  odd.missingValues = [...odd.missingValues, '-999', ' 0', '12.5', 'C4'];
  const spaced = odd.features.find((f) => f.kind === 'categorical')!;
  spaced.categories = [...spaced.categories.slice(0, -1), ` ${spaced.categories.at(-1)} `];
  // Texts for feature f: its own categories (spaced or not), missing texts, numbers written every way, anything.
  const textsFor = (f: number) =>
    fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'NA',
        ' NA ',
        'NaN',
        'null',
        '-999',
        ' -999',
        '-999.0',
        '0',
        ' 0',
        '12.5',
        '12.50',
        '1e39',
        '-0',
        '.5',
        '5.',
        '+5',
        '0x10',
        'Infinity',
        '1,000',
      ),
      fc.double({ noNaN: true }).map(String),
      fc
        .tuple(
          fc.constantFrom('', ' ', '\t'),
          fc.constantFrom('C4', 'term_36', ...(features[f].kind === 'categorical' ? features[f].categories : [])),
          fc.constantFrom('', ' '),
        )
        .map(([a, b, c]) => a + b + c),
      fc.string(),
    );
  for (const [name, state] of [
    ['the fitted model', pre.toJSON()],
    ['odd missing texts and categories', odd],
  ] as const) {
    it(`gives readByText's reading for every text (${name}; property)`, () => {
      const reader = new CellReader(state);
      const fresh = (): CellReading => ({ value: 0, missing: false, problem: null });
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: state.features.length - 1 }).chain((f) => fc.tuple(fc.constant(f), fc.option(textsFor(f), { nil: undefined }))),
          ([f, text]) => {
            expect(reader.read(f, text, fresh())).toEqual(reader.readByText(f, text, fresh()));
          },
        ),
        { numRuns: 5000 },
      );
    });
  }
});

describe('transformRecordsInto', () => {
  const records = Array.from({ length: 40 }, (_, r) => rowRecord(r));
  it('writes rows from its start whatever the buffer held, and names a record by its index in the array', () => {
    const whole = pre.transformRecords(records);
    const dirty = new Float32Array(20 * pre.cols).fill(Number.NaN);
    pre.transformRecordsInto(dirty, records, 10, 30);
    expect(Array.from(dirty)).toEqual(Array.from(whole.subarray(10 * pre.cols, 30 * pre.cols)));
    const bad = records.map((r, i) => (i === 25 ? { ...r, [numeric[0]]: 'lots' } : r));
    expect(() => pre.transformRecordsInto(dirty, bad, 10, 30)).toThrow(new RegExp(`record 25, column '${numeric[0]}'`));
  });
  it('refuses a range that is not one of the records, or a buffer too small for it', () => {
    const out = new Float32Array(40 * pre.cols);
    expect(() => pre.transformRecordsInto(out, records, 30, 10)).toThrow(/records 30…10 are not a range of the 40 given/);
    expect(() => pre.transformRecordsInto(out, records, 0, 41)).toThrow(/not a range/);
    expect(() => pre.transformRecordsInto(out, records, 0.5, 3)).toThrow(/not a range/);
    expect(() => pre.transformRecordsInto(out.subarray(0, 5), records, 0, 1)).toThrow(/1 records need 119 values, out holds 5/);
  });
});

describe('scoreBatch a block at a time', () => {
  const model = new HamiltonianNN({ inputDim: pre.cols, hiddenDims: [16, 8], seed: 3 });
  const bytes = encodeModel(model, { preprocessor: pre.toJSON() });
  const records = Array.from({ length: 2600 }, (_, r) => rowRecord(r)); // blocks of 1,024: three, the last partial
  for (const engine of ['wasm', 'js'] as const) {
    it(`${engine}: the bits of encodeBatch + scoreEncoded, after a larger batch and alone`, () => {
      const s = loadScorerSync(bytes, { engine });
      const expected = s.scoreEncoded(s.encodeBatch(records), records.length);
      expect(Array.from(s.scoreBatch(records))).toEqual(Array.from(expected));
      expect(Array.from(s.scoreBatch(records.slice(1000, 1100)))).toEqual(Array.from(expected.subarray(1000, 1100)));
      const out = new Float32Array(records.length + 5).fill(7);
      expect(s.scoreBatch(records, out)).toBe(out);
      expect(Array.from(out.subarray(0, records.length))).toEqual(Array.from(expected));
      expect(out[records.length]).toBe(7);
      expect(() => s.scoreBatch(records, new Float32Array(10))).toThrow(/2600 records, out holds 10/);
    });
    it(`${engine}: the first error is the one encodeBatch gives: a record that is not an object before any cell, then the first cell`, () => {
      const s = loadScorerSync(bytes, { engine });
      const bad = records.map((r, i) => (i === 2100 ? { ...r, [numeric[0]]: 'lots' } : i === 1500 ? { ...r, [categorical[0]]: 'never seen' } : r));
      const unseen = loadScorerSync(encodeModel(model, { preprocessor: { ...pre.toJSON(), unseen: 'error' } }), { engine });
      expect(() => unseen.scoreBatch(bad)).toThrow(new RegExp(`record 1500, column '${categorical[0]}'`));
      expect(() => s.scoreBatch(bad)).toThrow(new RegExp(`record 2100, column '${numeric[0]}'`));
      expect(() => s.scoreBatch([...bad.slice(0, 2500), 42 as never])).toThrow(/record 2500: a record must be an object/);
      // A getter that calls the scorer while it reads a record would write over the rows being encoded: refused.
      const before = Array.from(s.scoreBatch(records.slice(0, 3)));
      const sneaky = { ...records[5] };
      Object.defineProperty(sneaky, numeric[0], { enumerable: true, get: () => s.score(records[6]) });
      for (const call of [() => s.scoreBatch([records[0], sneaky]), () => s.score(sneaky), () => s.explain(sneaky)])
        expect(call).toThrow(/the scorer was called while it was reading a record/);
      expect(Array.from(s.scoreBatch(records.slice(0, 3)))).toEqual(before); // and it is usable after
      // A hole is no record: refused, never scored as a row of zeros.
      const holed = records.slice(0, 1500);
      delete holed[1200];
      expect(() => s.scoreBatch(holed)).toThrow(/record 1200: a record must be an object mapping column names to values, got undefined/);
      expect(() => s.encodeBatch(holed)).toThrow(/record 1200: a record must be an object/);
      expect(() => s.preprocessor.transformRecords(holed)).toThrow(/record 1200: not a record: undefined/);
    });
  }
});
