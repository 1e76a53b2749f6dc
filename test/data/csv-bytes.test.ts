import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type CsvError, CsvStreamParser, MAX_RECORD_CHARS, parseCsv } from '../../src/data/csv.js';
import { ColumnTableReader, parseCsvColumns } from '../../src/data/column-reader.js';
import { columnTable, type ColumnTable } from '../../src/data/column-table.js';
import { CsvByteScanner, ESCAPED, QUOTED, fieldText, recordFields, type ByteRecords } from '../../src/data/csv-bytes.js';
import { WasmRecordScanner } from '../../src/backend/wasm/byte-scan.js';

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
  const error = feed(s, bytes, cuts, take);
  return error ?? { records, delimiter: s.detectedDelimiter };
}

/** Pushes `bytes` to the scanner cut at `cuts` (any numbers: taken modulo the length), then ends it; the error, if any. */
function feed(s: CsvByteScanner, bytes: Uint8Array, cuts: number[], take: (r: ByteRecords) => void): { error: string; line?: number; column?: unknown } | null {
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
  return null;
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

  it('restart: a scanner reused for block after block reads each as a new scanner on that line would', () => {
    const blocks = ['a,"b\nc"\r\n', 'x,y\rz,w\n', 'p,"q', '1,2\n3,4\n'];
    const read = (s: CsvByteScanner, block: string) => {
      const r = s.push(new TextEncoder().encode(block));
      return { records: Array.from({ length: r.count }, (_, i) => [recordFields(r, i), r.line[i]]), pending: s.pendingBytes, next: s.nextLine };
    };
    const reused = new CsvByteScanner({ delimiter: ',', line: 1 });
    blocks.forEach((block, k) => {
      const line = 10 * (k + 1);
      reused.restart(line);
      expect(read(reused, block)).toEqual(read(new CsvByteScanner({ delimiter: ',', line }), block));
    });
    expect(() => new CsvByteScanner().restart(3)).toThrow(/needs the delimiter/);
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

describe('CsvByteScanner with the WebAssembly kernel for plain records: the same batches as its own loop', () => {
  /** Everything a scanner gives for the bytes cut at `cuts`: each batch's arrays, what it holds back, its error. */
  function batches(bytes: Uint8Array, cuts: number[], kernel: boolean, delimiter?: ',' | ';', line?: number) {
    const s = new CsvByteScanner({ source: 'in.csv', delimiter, line, plain: kernel ? WasmRecordScanner.create() : null });
    const out: unknown[] = [];
    const take = (r: ByteRecords) => {
      const fields = r.firstField[r.count] ?? 0;
      out.push({
        count: r.count,
        line: Array.from(r.line.subarray(0, r.count)),
        start: Array.from(r.start.subarray(0, r.count)),
        end: Array.from(r.end.subarray(0, r.count)),
        firstField: r.count ? Array.from(r.firstField.subarray(0, r.count + 1)) : [],
        fieldStart: Array.from(r.fieldStart.subarray(0, fields)),
        fieldEnd: Array.from(r.fieldEnd.subarray(0, fields)),
        fieldFlags: Array.from(r.fieldFlags.subarray(0, fields)),
        pending: s.pendingBytes,
        next: s.nextLine,
      });
    };
    const error = feed(s, bytes, cuts, take);
    if (error) out.push(error);
    return out;
  }
  const same = (text: string, cuts: number[], delimiter?: ',' | ';', line?: number) => {
    const bytes = new TextEncoder().encode(text);
    expect(batches(bytes, cuts, true, delimiter, line), text).toEqual(batches(bytes, cuts, false, delimiter, line));
  };

  it('on arbitrary text, however cut (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.constantFrom<',' | ';' | undefined>(undefined, ',', ';'),
        (text, cuts, d) => same(text, cuts, d),
      ),
      { numRuns: 3000 },
    );
  });

  it('on CSV-shaped text: runs of plain records broken by quoted line endings, escapes, blank lines, bad quotes (property)', () => {
    const cell = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('1', '16100', 'term_36', '', ' x ', 'é', '13.99', 'a"b') },
      { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '"', '""', ',', ';') },
    );
    const field = fc.oneof(
      cell,
      cell.map((c) => `"${c.replaceAll('"', '""')}"`),
      fc.constantFrom('"x"y', '"open'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(undefined, 7),
        (rows, eol, finalEol, cuts, line) => {
          const text = rows.map((r) => r.join(',')).join(eol) + (finalEol ? eol : '');
          same(text, cuts, line === undefined ? undefined : ',', line);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("past the kernel's 4,096 records and 262,144 fields a call, and on records too long to keep", () => {
    same(`${Array.from({ length: 9000 }, (_, i) => `${i},"q${i}",${i % 7 ? '' : '"e""s"'}`).join('\n')}\n`, [50_000, 120_000]);
    same(`${Array.from({ length: 300 }, () => Array.from({ length: 1000 }, (_, j) => j).join(',')).join('\r\n')}\r\n`, [777_777]);
    const s = new CsvByteScanner({ source: 'zero', plain: WasmRecordScanner.create() });
    s.push(new TextEncoder().encode('a,b\n1,2\n'));
    expect(() => s.push(new Uint8Array((1 << 24) + 10).fill(0x78).fill(0x0a, (1 << 24) + 1))).toThrow(/zero, line 3: a record longer than 16 Mi characters/);
  });
});

describe('ColumnTableReader', () => {
  const cellText = (t: ColumnTable, r: number, j: number) => t.cells[j].values[t.cells[j].codes[r]];

  it('reads every cell as parseCsv does, in chunks of any size and past its lookup limit (property)', () => {
    const cell = fc.oneof(
      fc.constantFrom('a', 'b', '', 'é', ' a ', '"x""y"', '"a,b"', '"a\nb"', '1', '10', 'x'.repeat(70)),
      fc.string({ maxLength: 4 }).filter((c) => !/[",\r\n]/.test(c)),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 64 }),
        (rows, limit, chunk) => {
          const text = `h1,h2,h3\n${rows.map((x) => x.join(',')).join('\n')}\n`;
          const expected = parseCsv(text);
          const bytes = new TextEncoder().encode(text);
          const scanner = new CsvByteScanner({ delimiter: ',' });
          const reader = new ColumnTableReader({ lookupLimit: limit });
          for (let at = 0; at < bytes.length; at += chunk) reader.add(scanner.push(bytes.subarray(at, at + chunk)));
          reader.add(scanner.end());
          const t = reader.finish(',');
          expect(t.columns).toEqual(expected.columns);
          expect(Array.from(t.lines)).toEqual(expected.lines);
          expect(t.rowCount).toBe(expected.rows.length);
          for (let r = 0; r < t.rowCount; r++) for (let j = 0; j < 3; j++) expect(cellText(t, r, j)).toBe(expected.rows[r][j]);
          // Below the limit a text is numbered once (escaped cells aside): no column holds more texts than rows.
          for (const c of t.cells) expect(c.values.length).toBeLessThanOrEqual(t.rowCount);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('numbers a repeated text once while under the limit, and every new text past it', () => {
    const text = `c\n${['a', 'b', 'a', 'c', 'a', 'b', 'd', 'd'].join('\n')}\n`;
    expect(parseCsvColumns(new TextEncoder().encode(text)).cells[0].values).toEqual(['a', 'b', 'c', 'd']);
    const scanner = new CsvByteScanner();
    const reader = new ColumnTableReader({ lookupLimit: 2 });
    reader.add(scanner.push(new TextEncoder().encode(text)));
    reader.add(scanner.end());
    const t = reader.finish(',');
    // a and b are kept for lookup; c and each d after them get numbers of their own.
    expect(t.cells[0].values).toEqual(['a', 'b', 'c', 'd', 'd']);
    expect(Array.from(t.cells[0].codes)).toEqual([0, 1, 0, 2, 0, 1, 3, 4]);
  });

  it("throws parseCsv's errors: empty file, empty or duplicate header names, a row of the wrong width", () => {
    const read = (text: string) => () => parseCsvColumns(new TextEncoder().encode(text), { source: 'f.csv' });
    for (const text of ['', 'a,,b\n1,2,3\n', 'a,b,a\n1,2,3\n', 'a,b\n1,2\n3\n', 'a,b\n1,2,3\n']) {
      let expected = '';
      try {
        parseCsv(text, { source: 'f.csv' });
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).not.toBe('');
      expect(read(text)).toThrow(expected);
    }
  });

  it('columnTable gives the same cells for a row table, with -1 for a short row', () => {
    const rows = parseCsv('a,b\n1,x\n2,y\n3,x\n');
    const t = columnTable(rows);
    expect(t.cells[1].values).toEqual(['x', 'y']);
    expect(Array.from(t.cells[1].codes)).toEqual([0, 1, 0]);
    const short = columnTable({ ...rows, rows: [['1', 'x'], ['2']] });
    expect(Array.from(short.cells[1].codes)).toEqual([0, -1]);
    expect(columnTable(t)).toBe(t);
  });
});
