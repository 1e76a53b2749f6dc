/**
 * Issue 15, "The command line as a Unix tool" (reader side): endless or binary input fails at a documented record
 * limit naming the line, and invalid UTF-8 is reported on its real line. Each case failed on 192bed9. That parsing is
 * linear in a line's length and a long field costs about its size are measured in bench/hostile-input.ts (not timed here).
 */
import { describe, expect, it } from 'vitest';
import { CsvError, CsvStreamParser, MAX_RECORD_CHARS, parseCsv } from '../../src/index.js';
import { StrictUtf8 } from '../../src/cli/text-input.js';
import { firstInvalidUtf8 } from '../../src/data/utf8.js';

const feed = (chunks: string[]) => {
  const p = new CsvStreamParser();
  const out = chunks.flatMap((c) => p.push(c));
  return [...out, ...p.end()];
};

describe('the CSV reader bounds a record', () => {
  it(`a line of NULs longer than ${MAX_RECORD_CHARS} characters is a CsvError on line 1, in the first line's scan and in a record`, () => {
    const nul = '\0'.repeat(1 << 20);
    const p = new CsvStreamParser();
    let err: unknown = null;
    try {
      for (let i = 0; i < 20; i++) p.push(nul);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvError);
    expect((err as CsvError).line).toBe(1);
    expect((err as CsvError).message).toMatch(/longer than 16 Mi characters/);
    // After a header, on the line where the long record starts (a quoted field that never closes, say).
    const q = new CsvStreamParser({ delimiter: ',' });
    q.push('a,b\n1,2\n3,"');
    expect(() => {
      for (let i = 0; i < 20; i++) q.push(nul);
    }).toThrow(expect.objectContaining({ line: 3 }));
    // Many short fields count too: a record is bounded, not only a field.
    const r = new CsvStreamParser({ delimiter: ',' });
    r.push('a\n');
    expect(() => {
      for (let i = 0; i < 20; i++) r.push(','.repeat(1 << 20));
    }).toThrow(expect.objectContaining({ line: 2 }));
  });

  it('a field just under the limit is read whole, from any chunking', () => {
    const big = 'x'.repeat(MAX_RECORD_CHARS - 16);
    const text = `a,b\n1,${big}\n2,"q""${'y'.repeat(1000)}"\n`;
    const whole = parseCsv(text);
    expect(whole.rows[0][1].length).toBe(big.length);
    expect(whole.rows[1][1]).toBe(`q"${'y'.repeat(1000)}`);
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 65_521) chunks.push(text.slice(i, i + 65_521));
    const records = feed(chunks);
    expect(records.map((r) => r.fields.map((f) => f.length))).toEqual([
      [1, 1],
      [1, big.length],
      [1, 1002],
    ]);
  });
});

describe('invalid UTF-8 is reported where it is', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const lines = Array.from({ length: 200 }, (_, i) => `row${i},${i}`).join('\n');
  it.each([
    ['a lone continuation byte', [0x80]],
    ['0xff', [0xff]],
    ['a surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['an overlong slash (C0 AF)', [0xc0, 0xaf]],
    ['an overlong 3-byte form (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['past U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ])('%s on line 101: the error names line 101 whatever the chunk size', (_, bad) => {
    const before = enc(`${lines.split('\n').slice(0, 100).join('\n')}\nrow100,`);
    const after = enc(`\n${lines.split('\n').slice(101).join('\n')}\n`);
    const bytes = new Uint8Array(before.length + bad.length + after.length);
    bytes.set(before);
    bytes.set(bad, before.length);
    bytes.set(after, before.length + bad.length);
    expect(firstInvalidUtf8(bytes)).toBe(before.length);
    for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
      const u = new StrictUtf8('in.csv');
      expect(() => {
        for (let i = 0; i < bytes.length; i += size) u.decode(bytes.subarray(i, i + size));
        u.decode(new Uint8Array(0), true);
      }).toThrow(`in.csv, line 101: not valid UTF-8 (byte offset ${before.length})`);
    }
  });

  it('valid text decodes identically from any chunking (multi-byte characters split across chunks), BOM kept for the reader', () => {
    const text = '\ufeffname,ville\nZoë,Besançon\n李,北京\n😀,𝄞\n';
    const bytes = enc(text);
    for (const size of [1, 2, 3, 5]) {
      const u = new StrictUtf8('x');
      let out = '';
      for (let i = 0; i < bytes.length; i += size) out += u.decode(bytes.subarray(i, i + size));
      out += u.decode(new Uint8Array(0), true);
      expect(out).toBe(text);
    }
  });

  it('a file cut inside a character says so, on its line', () => {
    const u = new StrictUtf8('cut.csv');
    u.decode(enc('a\nb\n'));
    u.decode(new Uint8Array([0xe2, 0x82]));
    expect(() => u.decode(new Uint8Array(0), true)).toThrow('cut.csv, line 3: ends inside a UTF-8 sequence');
  });
});
