import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv } from '../../src/data/csv.js';
import { CsvByteScanner, recordFields } from '../../src/data/csv-bytes.js';
import { ByteRecordEncoder } from '../../src/data/byte-encoder.js';
import { WasmByteCells } from '../../src/backend/wasm/byte-cells.js';
import { parseDecimal } from '../../src/data/cells.js';
import { Preprocessor, parseNumber } from '../../src/data/preprocessor.js';

const enc = new TextEncoder();

/** The encoder's options for a kernel: WebAssembly's (as `score` runs it), or none (the JS loop, the reference). */
const withKernel = (kernel: 'wasm' | 'js') => (kernel === 'wasm' ? { cells: WasmByteCells.create } : {});

/** Byte-encoded row vs `transformRecord` on the same cells' texts: the same bits, or the same message. */
function compare(pre: Preprocessor, header: string[], rows: string[], kernel: 'wasm' | 'js' = 'wasm'): void {
  const scanner = new CsvByteScanner({ delimiter: ',' });
  const batch = scanner.push(enc.encode(`${rows.join('\n')}\n`));
  const fields = pre.features.map((f) => header.indexOf(f.name));
  const encoder = new ByteRecordEncoder(pre, fields, withKernel(kernel));
  // Encoded into the middle of three rows (as a batch buffer holds it): the rows either side stay as they were.
  const batchRows = new Float32Array(3 * pre.cols);
  const viaBytes = batchRows.subarray(pre.cols, 2 * pre.cols);
  const viaText = new Float32Array(pre.cols);
  expect(batch.count).toBe(rows.length);
  // The whole batch at once (feature by feature over tiles of records), and each record alone below.
  const all = new Float32Array((batch.count + 1) * pre.cols).fill(7);
  const problems = new Array<string | null>(batch.count).fill('unset');
  encoder.encodeRows(batch, 0, batch.count, all, problems, pre.cols);
  expect(all.subarray(0, pre.cols).every((v) => v === 7)).toBe(true);
  const one: Array<string | null> = ['unset'];
  for (let r = 0; r < batch.count; r++) {
    batchRows.fill(7);
    encoder.encodeRows(batch, r, r + 1, batchRows, one, pre.cols);
    const problem = one[0];
    for (const j of [0, pre.cols - 1, 2 * pre.cols, 3 * pre.cols - 1]) expect(batchRows[j]).toBe(7);
    const cells = recordFields(batch, r);
    const record = Object.fromEntries(pre.features.map((f, i) => [f.name, cells[fields[i]]]));
    let expected: string | null = null;
    try {
      pre.transformRecord(record, viaText);
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(problem, rows[r]).toBe(expected);
    expect(problems[r], rows[r]).toBe(expected);
    const inBatch = all.slice((r + 1) * pre.cols, (r + 2) * pre.cols);
    if (expected === null) {
      expect(new Uint32Array(viaBytes.slice().buffer), rows[r]).toEqual(new Uint32Array(viaText.buffer));
      expect(new Uint32Array(inBatch.buffer), rows[r]).toEqual(new Uint32Array(viaText.buffer));
    } else
      expect(
        inBatch.every((v) => v === 0),
        rows[r],
      ).toBe(true); // a row that cannot be scored is zeros
  }
}

describe('ByteRecordEncoder: the bits and errors of transformRecord, without a string per cell', () => {
  const lending = parseCsv(readFileSync('data/lending_club.csv', 'utf8'));
  const pre = Preprocessor.fit(lending, { target: 'Class', positive: 'bad' });

  it('every row of lending_club.csv encodes to the same float32 bits', () => {
    const text = readFileSync('data/lending_club.csv', 'utf8').split('\n').slice(1).filter(Boolean);
    compare(pre, lending.columns, text);
  });

  it('numbers in every spelling, padding, quotes, missing texts, unseen and malformed cells (property)', () => {
    // Mostly values in the training range, so that most generated rows encode (each cell of 22 can fail a row).
    const typical = fc.tuple(fc.integer({ min: -30, max: 3000 }), fc.integer({ min: 0, max: 4 })).map(([v, d]) => (v / 7).toFixed(d));
    const awkward = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).chain((v) => fc.integer({ min: 0, max: 12 }).map((d) => v.toFixed(d))),
      fc.integer().map(String),
      fc.constantFrom(
        '1.',
        '.5',
        '-0',
        '+3',
        '007',
        '1e3',
        '1E+22',
        '1e-22',
        '1e23',
        '2.5e-7',
        '12345678901234567',
        '0.1000000000000000055511',
        '1e',
        '.',
        '-',
        '1..2',
        '1e999',
      ),
    );
    const number = fc.oneof({ weight: 30, arbitrary: typical }, { weight: 1, arbitrary: awkward });
    const category = fc.oneof(
      fc.constantFrom('C4', 'A1', 'CT', 'NY', 'Verified', 'Not_Verified', 'emp_5', 'term_36', 'term_60', 'Z9', 'term_36x'),
      fc.string({ maxLength: 4 }),
    );
    const missing = fc.constantFrom('', 'NA', 'N/A', 'null', 'None', ' NA ', 'nan', '#N/A');
    const dress = (cell: fc.Arbitrary<string>) =>
      fc.tuple(cell, fc.constantFrom('', '', '', '', ' ', '\t', '\u00a0'), fc.boolean()).map(([c, pad, quote]) => {
        const t = `${pad}${c}${pad === '\t' ? '' : pad}`;
        return quote || /[",\n\r]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
      });
    const cell = (name: string) => {
      const f = pre.features.find((x) => x.name === name);
      // A categorical feature: mostly its own categories (read by the fast path), else any of the others above.
      const own =
        !f || f.kind === 'numeric' ? number : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...f.categories) }, { weight: 1, arbitrary: category });
      return dress(fc.oneof({ weight: 40, arbitrary: own }, { weight: 1, arbitrary: missing }, { weight: 1, arbitrary: own === number ? category : number }));
    };
    // The WebAssembly kernel (the default) and the JavaScript loop (where there is no WebAssembly) alike.
    fc.assert(
      fc.property(fc.array(fc.tuple(...lending.columns.map(cell)), { minLength: 1, maxLength: 20 }), fc.constantFrom('wasm', 'js'), (rows, kernel) => {
        compare(
          pre,
          lending.columns,
          rows.map((r) => r.join(',')),
          kernel,
        );
      }),
      { numRuns: 400 },
    );
  });

  it('under the drop and error policies too (then the string path writes the message)', () => {
    const strict = Preprocessor.fit(lending, { target: 'Class', positive: 'bad', missing: 'drop', unseen: 'error' });
    const rows = readFileSync('data/lending_club.csv', 'utf8').split('\n').slice(1, 200).filter(Boolean);
    rows.push(rows[0].replace('"C4"', '"Q7"'), rows[0].replace(/^16100/, 'NA'), rows[0].replace(/^16100/, '1e400'), '16100,"term_36"');
    rows.push(...rows.slice(0, 300)); // more than one tile of records, the failing ones in the first
    compare(strict, lending.columns, rows);
  });
});

describe('ByteRecordEncoder: the WebAssembly kernel writes the bits of the JavaScript loop', () => {
  /** Both kernels over the same batch (offset into a larger buffer): identical bits and identical problems. */
  function sameBothWays(pre: Preprocessor, fields: number[], csv: string): void {
    const batch = new CsvByteScanner({ delimiter: ',' }).push(enc.encode(csv));
    const runs = (['wasm', 'js'] as const).map((kernel) => {
      const x = new Float32Array((batch.count + 2) * pre.cols).fill(3);
      const problems = new Array<string | null>(batch.count).fill('unset');
      new ByteRecordEncoder(pre, fields, withKernel(kernel)).encodeRows(batch, 0, batch.count, x, problems, pre.cols);
      return { bits: new Uint32Array(x.buffer), problems };
    });
    expect(runs[0].problems).toEqual(runs[1].problems);
    expect(runs[0].bits).toEqual(runs[1].bits);
  }

  const numbers = fc.oneof(
    fc.stringMatching(/^[+-]?\d{0,24}(\.\d{0,24})?([eE][+-]?\d{0,4})?$/),
    fc.stringMatching(/^0{0,20}[1-9]?\d{0,16}\.?0{0,12}\d{0,3}$/),
    fc.string({ unit: fc.constantFrom('1', '0', '9', '.', 'e', 'E', '-', '+', ' ', 'x', 'é'), maxLength: 10 }),
    fc.double({ noNaN: true }).map(String),
    // Cells of up to eight bytes are read eight at a time: every byte position matters, the point at either end too.
    fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '9', '.', 'e', '-', 'x', '/', ':'), minLength: 1, maxLength: 8 }),
    fc.constantFrom('1234567.', '.1234567', '12345678', '99999999', '00000000', '1234567x', '123456e7', '1234.5.7', '7.', '.', '0.0', '1:', '/1'),
  );
  const table = parseCsv('n,c,y\n1.5,a,0\n-2,b,1\nNA,ab,0\n7e3,a,1\n');

  it('numbers of every length and spelling: digits past 15, leading zeros, exponents, signs, junk (property)', () => {
    const pre = Preprocessor.fit(table, { target: 'y', positive: '1' });
    fc.assert(
      fc.property(fc.array(fc.tuple(numbers, fc.constantFrom('a', 'b', 'ab', 'abc', 'A', '', 'NA', ' a')), { minLength: 1, maxLength: 600 }), (rows) => {
        sameBothWays(pre, [0, 1], rows.map(([n, c]) => `${n},${c},0\n`).join(''));
      }),
      { numRuns: 150 },
    );
  });

  it('a model whose missing texts read as numbers (every number cell left to JavaScript)', () => {
    const pre = Preprocessor.fit(table, { target: 'y', positive: '1', missingValues: ['NA', '-999'] });
    const rows = Array.from({ length: 700 }, (_, i) => `${[i, '-999', ' -999', '1e2', 'x'][i % 5]},${['a', 'b', 'zz'][i % 3]},0\n`);
    sameBothWays(pre, [0, 1], rows.join(''));
    sameBothWays(pre, [0, 1], ''); // an empty batch
  });
});

describe('parseDecimal', () => {
  it('is Number(text) exactly where it answers, and NaN where it leaves the text to Number (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.stringMatching(/^[+-]?\d{0,18}(\.\d{0,8})?([eE][+-]?\d{1,3})?$/)),
        (t) => {
          const b = enc.encode(t);
          const v = parseDecimal(b, 0, b.length);
          if (!Number.isNaN(v)) expect(Object.is(v, Number(t))).toBe(true);
        },
      ),
      { numRuns: 20000 },
    );
    expect(parseDecimal(enc.encode('-0'), 0, 2)).toBe(-0);
    expect(parseDecimal(enc.encode('12345678901234567'), 0, 17)).toBeNaN(); // 17 digits: Number decides
  });
});

describe('parseNumber', () => {
  it('gives what the grammar check and Number give, its quick path included (property)', () => {
    const reference = (text: string) => {
      const s = text.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
      const v = Number(s);
      return Number.isFinite(v) ? v : NaN;
    };
    const spelled = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.stringMatching(/^\s?[+-]?\d{0,18}(\.\d{0,8})?([eE][+-]?\d{0,3})?\s?$/),
      fc.string({ unit: fc.constantFrom('1', '0', '.', 'e', '-', '+', ' ', 'x', '9'), maxLength: 8 }),
    );
    fc.assert(
      fc.property(spelled, (t) => {
        expect(Object.is(parseNumber(t), reference(t)), t).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });
});
