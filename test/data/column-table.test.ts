/**
 * The preprocessor on tables by column (issue 20): fitting reads each distinct text once and encoding looks readings
 * up per row — these check that this gives what reading every cell would: the median of the expanded values, each
 * table row encoded as `transformRecord` encodes it, `fitTransform` equal to `fit` then `transform`, and a file read
 * by `parseCsvColumns` fitted and encoded as the same text through `parseCsv`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { median } from '../../src/data/cells.js';
import { weightedMedian } from '../../src/data/column-fit.js';
import { joinColumnTables } from '../../src/data/column-reader.js';
import { columnTexts } from '../../src/data/column-table.js';
import { formatCsvField } from '../../src/data/csv.js';
import { ColumnMoments } from '../../src/data/standardize.js';
import { indices } from '../../src/core/arrays.js';
import { type DataError, Preprocessor, columnTable, parseCsv, parseCsvColumns, type CsvTable } from '../../src/index.js';

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

/** Outcome of a call: its value, or the error's class, message and where. */
function outcome<T>(f: () => T): T | { error: string; line?: number; column?: string | number } {
  try {
    return f();
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}`, line: (e as DataError).line, column: (e as DataError).column };
  }
}

// Cells that exercise every reading: padded and duplicate spellings, missing texts, stray non-numbers, overflows.
const numberCell = fc.oneof(
  fc.constantFrom('', 'NA', ' 1.5', '1.50', '-0', '0', '2', '1e3', 'x', '1e39', ' 7 '),
  fc.integer({ min: -50, max: 50 }).map(String),
);
const categoryCell = fc.constantFrom('a', ' a', 'b', 'c', '', 'NA', 'é', 'a,b', 'say "hi"');
const targetCell = fc.constantFrom('bad', 'good', 'good', ' bad', '');
const table = fc
  .array(fc.tuple(numberCell, categoryCell, numberCell, targetCell), { minLength: 2, maxLength: 40 })
  .map((rows): CsvTable => ({ columns: ['n', 'c', 'm', 'y'], rows: rows.map((r) => [...r]), lines: rows.map((_, i) => i + 2), delimiter: ',' }));
const options = fc.record({ missing: fc.constantFrom('impute', 'drop' as const), unseen: fc.constantFrom('zeros', 'error' as const) });

describe('weightedMedian', () => {
  it('is median() of the expanded list, −0 and +0 included (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(-0, 0, 1, -2.5, 3, 1e300, -1e-300), fc.integer({ min: 0, max: 4 })), { maxLength: 12 }), (pairs) => {
        const values = Float64Array.from(pairs, ([v]) => v);
        const counts = Int32Array.from(pairs, ([, c]) => c);
        const expanded = pairs.flatMap(([v, c]) => Array<number>(c).fill(v));
        expect(Object.is(weightedMedian(values, counts, [...pairs.keys()]), median(expanded))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Preprocessor on a table by column', () => {
  it('encodes each row as transformRecord encodes its cells, and leaves out or refuses the same rows (property)', () => {
    fc.assert(
      fc.property(table, options, (t, o) => {
        const pre = outcome(() => Preprocessor.fit(t, { target: 'y', positive: 'bad', ...o }));
        if (!(pre instanceof Preprocessor)) return;
        const got = outcome(() => pre.transform(t, undefined, { invalid: 'skip' }));
        if ('error' in got) throw new Error(got.error);
        let n = 0;
        t.rows.forEach((row, r) => {
          const record = Object.fromEntries(t.columns.map((c, j) => [c, row[j]]));
          const one = outcome(() => pre.transformRecord(record));
          const leftOut = got.skipped.some((s) => s.row === r);
          if (row[3].trim() === '' || 'error' in one) {
            expect(leftOut).toBe(true);
            return;
          }
          expect(leftOut).toBe(false);
          expect(got.sourceRows[n]).toBe(r);
          expect(bits(got.x.subarray(n * got.cols, (n + 1) * got.cols))).toEqual(bits(one as Float32Array));
          n++;
        });
        expect(n).toBe(got.rows);
      }),
      { numRuns: 300 },
    );
  });

  it('fitTransform gives fit then transform: the same state, bits, skipped rows and errors (property)', () => {
    fc.assert(
      fc.property(table, options, fc.integer({ min: 1, max: 3 }), (t, o, step) => {
        const rows = t.rows.map((_, i) => i).filter((i) => i % step === 0);
        const opts = { target: 'y', positive: 'bad', ...o };
        const apart = outcome(() => {
          const pre = Preprocessor.fit(t, opts, rows);
          return { state: pre.toJSON(), encoded: pre.transform(t, rows) };
        });
        const together = outcome(() => {
          const r = Preprocessor.fitTransform(t, opts, rows);
          return { state: r.preprocessor.toJSON(), encoded: r.encoded };
        });
        if ('error' in apart || 'error' in together) {
          expect(together).toEqual(apart);
          return;
        }
        expect(together.state).toEqual(apart.state);
        expect(bits(together.encoded.x)).toEqual(bits(apart.encoded.x));
        expect(Array.from(together.encoded.sourceRows)).toEqual(Array.from(apart.encoded.sourceRows));
        expect(together.encoded.skipped).toEqual(apart.encoded.skipped);
        expect(together.encoded.y).toEqual(apart.encoded.y);
      }),
      { numRuns: 300 },
    );
  });

  it('a file read by parseCsvColumns fits and encodes as the same text through parseCsv, errors and lines included (property)', () => {
    fc.assert(
      fc.property(table, options, (t, o) => {
        const quote = (c: string) => (/[",\s]/.test(c) || c === '' ? `"${c.replaceAll('"', '""')}"` : c);
        const text = `${t.columns.join(',')}\n${t.rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;
        const rows = parseCsv(text);
        const columns = parseCsvColumns(new TextEncoder().encode(text));
        const viaRows = outcome(() => {
          const pre = Preprocessor.fit(rows, { target: 'y', positive: 'bad', ...o });
          return { state: pre.toJSON(), x: bits(pre.transform(rows, undefined, { invalid: 'skip' }).x) };
        });
        const viaColumns = outcome(() => {
          const pre = Preprocessor.fit(columns, { target: 'y', positive: 'bad', ...o });
          return { state: pre.toJSON(), x: bits(pre.transform(columns, undefined, { invalid: 'skip' }).x) };
        });
        expect(viaColumns).toEqual(viaRows);
      }),
      { numRuns: 200 },
    );
  });

  it('names the first offending row in row order, as reading cell by cell does', () => {
    const t = parseCsv('n,y\n1,bad\n2,good\n1e39,bad\nx,good\n3,bad\n4,good\n5,bad\n6,good\n7,bad\n8,good\n9,bad\n');
    expect(() => Preprocessor.fit(t, { target: 'y', positive: 'bad', numeric: ['n'] })).toThrow(/line 4.*column 'n'|overflow|float/);
    const e = outcome(() => Preprocessor.fit(t, { target: 'y', positive: 'bad', numeric: ['n'] }));
    expect(e).toMatchObject({ line: 4, column: 'n' });
    // Rows fitted in another order: the first in that order is named.
    const later = outcome(() => Preprocessor.fit(t, { target: 'y', positive: 'bad', numeric: ['n'] }, [0, 1, 4, 3, 2]));
    expect(later).toMatchObject({ line: 5, column: 'n' });
    expect(columnTable(t).cells[0].values.length).toBe(11);
  });
});

describe('Preprocessor.transform over many shuffled rows', () => {
  it('encodes rows past the first block of gathered slots as each row alone (10,000 rows, shuffled, some twice)', () => {
    const cats = ['a', 'b', 'c', 'NA', ''];
    const rows = Array.from({ length: 10_000 }, (_, i) => [
      String((i * 7919) % 1000),
      cats[(i * 31) % 5],
      String(((i * 104729) % 97) - 40),
      i % 3 ? 'good' : 'bad',
    ]);
    const t = columnTable({ columns: ['n', 'c', 'm', 'y'], rows, lines: rows.map((_, i) => i + 2), delimiter: ',' });
    const pre = Preprocessor.fit(t, { target: 'y', positive: 'bad' });
    const order = Array.from({ length: 12_000 }, (_, i) => (i * 6007 + 11) % 10_000); // a permutation, then 2,000 again
    const all = pre.transform(t, order);
    expect(all.rows).toBe(order.length);
    const positions = [...indices(50), ...indices(20).map((i) => 4090 + i), ...indices(50).map((i) => 11_950 + i)];
    for (const i of positions) {
      const x = pre.transform(t, [order[i]]).x;
      expect(bits(all.x.subarray(i * all.cols, (i + 1) * all.cols)), `position ${i}`).toEqual(bits(x));
    }
  });
});

describe('Preprocessor.transform block by block', () => {
  // 2,600 rows: clean ones (encoded a block of 1,024 at a time) with a few awkward rows among them — a missing target,
  // a cell that cannot be read, an unseen category, a value far beyond the training spread — which send their block
  // through the row-by-row loop. Fitted on the clean rows, so a huge number lies far out.
  const awkward = fc.tuple(fc.oneof(numberCell, fc.constant('1e30')), categoryCell, numberCell, targetCell);
  const clean = (i: number) => [String((i * 37) % 50), ['a', 'b', 'c'][i % 3], String((i * 11) % 23), i % 4 ? 'good' : 'bad'];
  const mixed = fc.array(fc.tuple(fc.integer({ min: 0, max: 2599 }), awkward), { maxLength: 5 });

  it('encodes and leaves out each row as transformRecord does, and refuses the first row that cannot be encoded (property)', () => {
    fc.assert(
      fc.property(mixed, options, (placed, o) => {
        const rows = Array.from({ length: 2600 }, (_, i) => clean(i));
        for (const [at, row] of placed) rows[at] = [...row];
        const t = columnTable({ columns: ['n', 'c', 'm', 'y'], rows, lines: rows.map((_, i) => i + 2), delimiter: ',' });
        const fitted = rows.map((_, i) => i).filter((i) => !placed.some(([at]) => at === i));
        const pre = Preprocessor.fit(t, { target: 'y', positive: 'bad', ...o }, fitted);
        const got = pre.transform(t, undefined, { invalid: 'skip' });
        let n = 0;
        let firstRefused: number | undefined; // the first row with a target that cannot be encoded, but for 'drop'
        rows.forEach((row, r) => {
          const one = outcome(() => pre.transformRecord(Object.fromEntries(t.columns.map((c, j) => [c, row[j]]))));
          const leftOut = got.skipped.some((s) => s.row === r);
          if (row[3].trim() === '' || 'error' in one) {
            expect(leftOut, `row ${r}`).toBe(true);
            if (row[3].trim() !== '' && firstRefused === undefined && !/policy: drop/.test((one as { error: string }).error)) firstRefused = r;
            return;
          }
          expect(leftOut, `row ${r}`).toBe(false);
          expect(got.sourceRows[n]).toBe(r);
          expect(got.y![n]).toBe(row[3].trim() === 'bad' ? 1 : 0);
          expect(bits(got.x.subarray(n * got.cols, (n + 1) * got.cols)), `row ${r}`).toEqual(bits(one as Float32Array));
          n++;
        });
        expect(got.rows).toBe(n);
        // Refusing: the first such row is named (a missing value under 'drop' is left out, not refused).
        const refused = outcome(() => pre.transform(t));
        if (firstRefused === undefined) expect('error' in refused).toBe(false);
        else expect(refused).toMatchObject({ line: firstRefused + 2 });
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a row index outside the table or not an integer, in the first block or a later one, and in fit', () => {
    const rows = Array.from({ length: 2600 }, (_, i) => clean(i));
    const t = columnTable({ columns: ['n', 'c', 'm', 'y'], rows, lines: rows.map((_, i) => i + 2), delimiter: ',' });
    const pre = Preprocessor.fit(t, { target: 'y', positive: 'bad' });
    for (const [at, bad] of [
      [3, 2600],
      [1500, -1],
      [2599, 1e9],
      [1024, 0.5],
    ]) {
      const order = indices(2600);
      const picked = Array.from(order, (r, i) => (i === at ? bad : r));
      expect(() => pre.transform(t, picked), `row ${bad} at ${at}`).toThrow(new RangeError(`row ${bad} is not in the table (2600 rows)`));
    }
    // Fitting too: NaN and 2.5 are no rows (neither would read any row's cells).
    for (const bad of [Number.NaN, 2.5, 2600])
      expect(() => Preprocessor.fit(t, { target: 'y', positive: 'bad' }, [0, 1, bad])).toThrow(new RangeError(`row ${bad} is not in the table (2600 rows)`));
  });
});

describe('ColumnMoments over some columns', () => {
  it('gives each summarised column the bits of summarising all, in any batching; the rest mean 0, scale 1 (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((cols) =>
            fc.tuple(
              fc.constant(cols),
              fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: cols, maxLength: 12 * cols }),
              fc.subarray([...Array(cols).keys()]),
              fc.integer({ min: 1, max: 4 }),
            ),
          ),
        ([cols, values, only, batch]) => {
          const rows = Math.floor(values.length / cols);
          const x = Float32Array.from(values.slice(0, rows * cols));
          const all = new ColumnMoments(cols);
          all.add(x, rows);
          const some = new ColumnMoments(cols, only);
          for (let at = 0; at < rows; at += batch) some.add(x.subarray(at * cols, Math.min(rows, at + batch) * cols), Math.min(batch, rows - at));
          const a = all.result();
          const s = some.result();
          for (let j = 0; j < cols; j++) {
            const expected = only.includes(j) ? [a.mean[j], a.scale[j]] : [0, 1];
            expect([s.mean[j], s.scale[j]]).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('joinColumnTables', () => {
  // A file cut at record boundaries into parts read separately (the first with the header, the others from line 1,
  // as train's worker threads read them) and joined: the table of the whole file.
  const cell = fc.constantFrom('a', 'b', '', '1.5', ' 2', 'é', 'a,b', 'say "hi"', 'two\nlines', 'x\r\ny');
  const file = fc.record({
    rows: fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 30 }),
    eol: fc.constantFrom('\n', '\r\n'),
    cuts: fc.array(fc.nat(), { maxLength: 4 }),
    lookupLimit: fc.constantFrom(1, 2, 3, 65_536),
  });
  it('of parts read from line 1 and shifted is the table of the whole file: rows, texts and lines (property)', () => {
    fc.assert(
      fc.property(file, ({ rows, eol, cuts, lookupLimit }) => {
        const records = [['p', 'q', 'r'], ...rows].map((r) => r.map((f) => formatCsvField(f, ',')).join(',') + eol);
        const at = [...new Set(cuts.map((c) => 1 + (c % rows.length)))].sort((a, b) => a - b); // records where parts start
        const bounds = [0, ...at, records.length];
        const encoder = new TextEncoder();
        const parts = bounds.slice(0, -1).map((start, k) => {
          const text = records.slice(start, bounds[k + 1]).join('');
          return parseCsvColumns(encoder.encode(text), { header: k === 0, delimiter: ',' });
        });
        // A part's lines move by the line breaks before it (a quoted line feed is one; CR LF is one).
        const shift = bounds.slice(0, -1).map((start) => records.slice(0, start).join('').split('\n').length - 1);
        const joined = joinColumnTables(parts, shift, lookupLimit);
        const whole = parseCsvColumns(encoder.encode(records.join('')));
        expect(joined.columns).toEqual(whole.columns);
        expect(joined.rowCount).toBe(whole.rowCount);
        expect(Array.from(joined.lines)).toEqual(Array.from(whole.lines));
        for (let j = 0; j < 3; j++) expect(columnTexts(joined, j)).toEqual(columnTexts(whole, j));
        // Texts are kept for lookup up to the limit: below it, each text has one number.
        for (const column of joined.cells) {
          const firsts = column.values.slice(0, lookupLimit);
          expect(new Set(firsts).size).toBe(firsts.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses parts of different widths', () => {
    const a = parseCsvColumns(new TextEncoder().encode('p,q\n1,2\n'));
    const b = parseCsvColumns(new TextEncoder().encode('1,2,3\n'), { header: false });
    expect(() => joinColumnTables([a, b], [0, 2])).toThrow(/parts of 3 and 2 columns/);
  });
});
