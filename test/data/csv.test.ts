import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CsvError, CsvStreamParser, formatCsv, parseCsv } from '../../src/index.js';

describe('CSV reader: awkward but valid files parse correctly', () => {
  const ok: Array<[string, string, string[], string[][]]> = [
    ['quoted separators and escaped quotes', 'a,b\n"x, y","say ""hi"""\n', ['a', 'b'], [['x, y', 'say "hi"']]],
    [
      'embedded newlines',
      'a,b\n"line1\nline2",2\n3,4\n',
      ['a', 'b'],
      [
        ['line1\nline2', '2'],
        ['3', '4'],
      ],
    ],
    [
      'UTF-8 BOM and CRLF',
      '\ufeffa;b\r\n1;2\r\n3;4\r\n',
      ['a', 'b'],
      [
        ['1', '2'],
        ['3', '4'],
      ],
    ],
    ['semicolons detected', 'x;y;z\n1,5;2;3\n', ['x', 'y', 'z'], [['1,5', '2', '3']]],
    ['trailing empty lines', 'a,b\n1,2\n\n\n', ['a', 'b'], [['1', '2']]],
    ['no final newline', 'a,b\n1,2', ['a', 'b'], [['1', '2']]],
    ['empty cells are kept as empty strings', 'a,b,c\n,2,\n', ['a', 'b', 'c'], [['', '2', '']]],
    ['quoted empty field', 'a,b\n"",1\n', ['a', 'b'], [['', '1']]],
    ['a quote inside an unquoted field is literal', 'h,w\n5\'2",x\n', ['h', 'w'], [['5\'2"', 'x']]],
    ['tab separated', 'a\tb\n1\t2\n', ['a', 'b'], [['1', '2']]],
    ['CR-only line endings', 'a,b\r1,2\r', ['a', 'b'], [['1', '2']]],
  ];
  for (const [name, text, columns, rows] of ok) {
    it(name, () => {
      const t = parseCsv(text);
      expect(t.columns).toEqual(columns);
      expect(t.rows).toEqual(rows);
    });
  }

  it('reports source lines of records (embedded newlines counted)', () => {
    const t = parseCsv('a,b\n"1\n2",3\n4,5\n');
    expect(t.lines).toEqual([2, 4]);
  });
});

describe('CSV reader: malformed files fail with the line and column', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['ragged row', 'a,b\n1,2\n3\n', /line 3: expected 2 fields, found 1/],
    ['unbalanced quote', 'a,b\n1,"oops\n2,3\n', /line 2, column 2: unbalanced quote/],
    ['text after a closing quote', 'a,b\n"x"y,2\n', /line 2, column 1: unexpected character 'y' after a closing quote/],
    ['empty file', '', /line 1: the file is empty/],
    ['duplicate column names', 'a,b,a\n1,2,3\n', /duplicate column name 'a'/],
    ['empty column name', 'a,,c\n1,2,3\n', /column 2: empty column name/],
  ];
  for (const [name, text, re] of bad) {
    it(name, () => {
      expect(() => parseCsv(text, { source: 'in.csv' })).toThrow(CsvError);
      expect(() => parseCsv(text, { source: 'in.csv' })).toThrow(re);
      expect(() => parseCsv(text, { source: 'in.csv' })).toThrow(/^in\.csv/);
    });
  }
  it('header only gives an empty table, not an error', () => {
    expect(parseCsv('a,b\n').rows).toEqual([]);
  });
});

const cell = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', '"', '""', ',', ';', '\n', '\r\n', ' x ', 'a"b', '1e3', '\ufeff'));

describe('CSV round trip and streaming (fuzz)', () => {
  it('write → read gives the same table, whatever the cells', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 8 }),
        fc.constantFrom<',' | ';'>(',', ';'),
        (nc, rows, d) => {
          const columns = Array.from({ length: nc }, (_, i) => `c${i}`);
          const body = rows.map((r) => r.slice(0, nc)).filter((r) => !(nc === 1 && r[0] === ''));
          const t = parseCsv(formatCsv(columns, body, d), { delimiter: d });
          expect(t.columns).toEqual(columns);
          expect(t.rows).toEqual(body);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any split into chunks gives the same records as one piece', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, cuts) => {
          const text = formatCsv(['a', 'b', 'c'], rows);
          const whole = parseCsv(text);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const p = new CsvStreamParser();
          const recs = [];
          let prev = 0;
          for (const c of [...points, text.length]) {
            recs.push(...p.push(text.slice(prev, c)));
            prev = c;
          }
          recs.push(...p.end());
          expect(recs.slice(1).map((r) => r.fields)).toEqual(whole.rows);
          expect(recs.slice(1).map((r) => r.line)).toEqual(whole.lines);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random text either parses or throws a CsvError — never anything else', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '1', ',', ';', '"', '\n', '\r', ' ', '\ufeff', 'é'), maxLength: 40 }), (text) => {
        try {
          const t = parseCsv(text);
          for (const r of t.rows) expect(r.length).toBe(t.columns.length);
        } catch (e) {
          expect(e).toBeInstanceOf(CsvError);
          expect((e as CsvError).line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
