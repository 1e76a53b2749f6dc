import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type CsvError, CsvStreamParser, MAX_RECORD_CHARS } from '../../src/data/csv.js';
import { CellInterner } from '../../src/data/cell-interner.js';
import { CsvByteScanner, ESCAPED, QUOTED, fieldText, recordFields, type ByteRecords } from '../../src/data/csv-bytes.js';

type Outcome = { records: Array<{ fields: string[]; line: number }>; delimiter: string | null } | { error: string; line?: number; column?: unknown };

/** What csv.ts's string parser makes of `text`, fed in the given pieces. */
function viaStrings(text: string, cuts: number[], delimiter?: ',' | ';'): Outcome {
  const p = new CsvStreamParser({ source: 'in.csv', delimiter });
  const records: Array<{ fields: string[]; line: number }> = [];
  try {
    let at = 0;
    for (const c of [...cuts.map((k) => k % (text.length + 1)).sort((a, b) => a - b), text.length]) {
      records.push(...p.push(text.slice(at, Math.max(at, c))));
      at = Math.max(at, c);
    }
    records.push(...p.end());
  } catch (e) {
    const err = e as CsvError;
    return { error: err.message, line: err.line, column: err.column };
  }
  return { records, delimiter: p.detectedDelimiter };
}

/** What the byte scanner makes of the same text's UTF-8 bytes, cut at byte offsets (inside characters too). */
function viaBytes(text: string, cuts: number[], delimiter?: ',' | ';'): Outcome {
  const bytes = new TextEncoder().encode(text);
  const s = new CsvByteScanner({ source: 'in.csv', delimiter });
  const records: Array<{ fields: string[]; line: number }> = [];
  const take = (r: ByteRecords) => {
    for (let i = 0; i < r.count; i++) records.push({ fields: recordFields(r, i), line: r.line[i] });
  };
  try {
    let at = 0;
    for (const c of [...cuts.map((k) => k % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
      take(s.push(bytes.slice(at, Math.max(at, c))));
      at = Math.max(at, c);
    }
    take(s.end());
  } catch (e) {
    const err = e as CsvError;
    return { error: err.message, line: err.line, column: err.column };
  }
  return { records, delimiter: s.detectedDelimiter };
}

const unit = fc.constantFrom('a', '1', ',', ';', '"', '\n', '\r', ' ', '\ufeff', 'é', '😀', '\t', '""', '\r\n');

describe('CsvByteScanner reads exactly what CsvStreamParser reads', () => {
  it('same records, lines, delimiter and errors on arbitrary text, however both are cut (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.constantFrom<',' | ';' | undefined>(undefined, ',', ';'),
        (text, stringCuts, byteCuts, delimiter) => {
          expect(viaBytes(text, byteCuts, delimiter)).toEqual(viaStrings(text, stringCuts, delimiter));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('same on CSV-shaped text: quoted cells with separators, escapes and line endings inside (property)', () => {
    const cell = fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('', '"', '""', ',', '\n', '\r\n', ' x ', 'a"b', '1e3', '\ufeff', '😀'));
    const quoted = cell.map((c) => `"${c.replaceAll('"', '""')}"`);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(cell, quoted), { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, eol, cuts) => {
          const text = rows.map((r) => r.join(',')).join(eol) + eol;
          expect(viaBytes(text, cuts)).toEqual(viaStrings(text, []));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every example of the string reader: BOM, CRLF, CR-only, blank lines, quotes, errors', () => {
    const cases = [
      '\ufeffa;b\r\n1;2\r\n3;4\r\n',
      'a,b\n"line1\nline2",2\n3,4\n',
      'a,b\n1,"oops\n2,3\n',
      'a,b\n"x"y,2\n',
      'a,b\n"x"😀,2\n',
      'h,w\n5\'2",x\n',
      'a,b\r1,2\r',
      'a,b\n\n\n1,2',
      '',
      '\ufeff',
      '"a\r\nb",c\r\r\n\r"",\n',
    ];
    for (const text of cases) for (const cut of [[], [1], [2], [5, 9]]) expect(viaBytes(text, cut)).toEqual(viaStrings(text, []));
  });

  it('gives byte ranges: quoted content inside the quotes, flags for quoting and "" escapes', () => {
    const r = new CsvByteScanner().push(new TextEncoder().encode('ab,"c,d","e""f"\n'));
    expect(r.count).toBe(1);
    expect([r.start[0], r.end[0]]).toEqual([0, 15]);
    const k = r.firstField[0];
    expect(Array.from(r.fieldStart.subarray(k, k + 3))).toEqual([0, 4, 10]);
    expect(Array.from(r.fieldEnd.subarray(k, k + 3))).toEqual([2, 7, 14]);
    expect(Array.from(r.fieldFlags.subarray(k, k + 3))).toEqual([0, QUOTED, QUOTED | ESCAPED]);
    expect(fieldText(r, 0, 2)).toBe('e"f');
  });

  it('refuses a record past the character limit, naming its line, without holding the endless rest', () => {
    const s = new CsvByteScanner({ source: 'zero' });
    s.push(new TextEncoder().encode('a,b\n1,2\n'));
    const chunk = new Uint8Array(1 << 20).fill(0x78);
    let error: CsvError | null = null;
    try {
      for (let i = 0; i < 64; i++) s.push(chunk);
    } catch (e) {
      error = e as CsvError;
    }
    expect(error?.message).toMatch(/zero, line 3: a record longer than 16 Mi characters/);
    // Two-byte characters: 9 Mi of them are 18 MiB but only 9 Mi characters — under the limit, so accepted.
    const wide = new CsvByteScanner();
    wide.push(new TextEncoder().encode('a\n'));
    const e2 = new TextEncoder().encode('é'.repeat(MAX_RECORD_CHARS / 2 + 1024));
    const got = wide.push(Uint8Array.from([...e2.subarray(0, 10), 0x0a]));
    expect(got.count).toBe(1);
    wide.push(e2);
    expect(wide.end().count).toBe(1);
  });
});

describe('CellInterner', () => {
  it('gives every record the fields recordFields gives, past its per-column limit too (property)', () => {
    const cell = fc.oneof(
      fc.constantFrom('a', 'b', '', 'é', '"x""y"', '"a,b"', '1', '10', 'x'.repeat(70)),
      fc.string({ maxLength: 4 }).filter((c) => !/[",\r\n]/.test(c)),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (rows, limit) => {
        const r = new CsvByteScanner({ delimiter: ',' }).push(new TextEncoder().encode(`${rows.map((x) => x.join(',')).join('\n')}\n`));
        const cells = new CellInterner(limit);
        for (let i = 0; i < r.count; i++) expect(cells.fields(r, i)).toEqual(recordFields(r, i));
      }),
      { numRuns: 500 },
    );
  });
});
