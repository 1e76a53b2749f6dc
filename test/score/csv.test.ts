/**
 * `scoreCsv` / `CsvScoring`: CSV bytes in, scored CSV out in the library. Checked against the scorer record by record
 * (probability, decision, points, reasons), for chunking (any cut gives the same bytes), and for its errors. That the
 * bytes are the CLI's own is checked in test/cli/cli.test.ts (same file, byte for byte).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvScoring, CsvScoringStream, HamiltonianNN, parseCsv, prepareTable, scoreCsv } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';

const text = readFileSync(new URL('../../data/lending_club.csv', import.meta.url), 'utf8');
const table = parseCsv(text);
const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 3, applySmote: false });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [16, 8], activation: 'leaky_relu', seed: 5, backend: 'js' });
const scorer = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }));
const enc = new TextEncoder();
const lines = text.split('\n').filter(Boolean);
const sample = `${lines.slice(0, 400).join('\n')}\n`;

/** The output as rows of fields (header first). */
function rowsOf(output: Uint8Array): string[][] {
  const t = parseCsv(new TextDecoder().decode(output));
  return [t.columns, ...t.rows];
}

describe('scoreCsv: CSV bytes in, scored CSV out', () => {
  it("writes each record's line, then the scorer's probability, decision and points (and reasons), record by record", async () => {
    const { output, rows, scored, failed } = await scoreCsv(scorer, enc.encode(sample), { reasons: 2 });
    expect([rows, scored, failed]).toEqual([399, 399, 0]);
    const out = rowsOf(output);
    const header = table.columns;
    const reasonColumns = [1, 2].flatMap((j) => [`reason_${j}`, `reason_${j}_value`, `reason_${j}_contribution`, `reason_${j}_points`]);
    expect(out[0]).toEqual([...header, 'probability', 'decision', 'points', ...reasonColumns, 'score_error']);
    const echoed = new TextDecoder().decode(output).split('\n');
    out.slice(1).forEach((fields, i) => {
      expect(echoed[i + 1].startsWith(`${lines[i + 1]},`)).toBe(true); // the input line echoed as it was
      const record = Object.fromEntries(header.map((c, j) => [c, table.rows[i][j]]));
      const expected = scorer.explain(record, 2);
      const at = header.length;
      expect(fields[at]).toBe(expected.probability.toFixed(6));
      expect(fields[at + 1]).toBe(expected.decision ? 'bad' : 'good');
      expect(Number(fields[at + 2])).toBe(expected.points);
      (expected.reasons ?? []).forEach((r, j) => expect(Number(fields[at + 5 + 4 * j])).toBeCloseTo(r.contribution, 5));
      expect(fields.at(-1)).toBe('');
    });
  });

  it('gives the same bytes however the input is cut (inside records, quotes and UTF-8 characters) (property)', async () => {
    const withUnicode = sample.replace('"CT"', '"Ça"'); // a two-byte character to cut through (an unseen category)
    const bytes = enc.encode(withUnicode);
    const whole = (await scoreCsv(scorer, bytes)).output;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 8 }), async (cuts) => {
        const run = new CsvScoring(scorer);
        const parts: Uint8Array[] = [];
        let at = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          parts.push(await run.push(bytes.subarray(at, Math.max(at, c))));
          at = Math.max(at, c);
        }
        parts.push(await run.push(bytes.subarray(at)));
        parts.push(await run.end());
        expect(Buffer.concat(parts).equals(Buffer.from(whole))).toBe(true);
        expect(run.counts.rows).toBe(399);
      }),
      { numRuns: 40 },
    );
  });

  it('a row that cannot be scored keeps its line and gets the reason, never a decision; semicolons and CRLF too', async () => {
    const bad = lines[3].replace(/^[^,]*/, 'lots');
    const input = [lines[0], lines[1], bad, lines[2].split(',').slice(0, 5).join(','), lines[4]].join('\r\n').replaceAll(',', ';');
    const { output, rows, scored, failed, failures } = await scoreCsv(scorer, enc.encode(input), { source: 'apps.csv' });
    expect([rows, scored, failed]).toEqual([4, 2, 2]);
    expect(failures.map((f) => f.line)).toEqual([3, 4]);
    // (Not parsed as a table: the ragged row stays ragged in the output.)
    const out = new TextDecoder()
      .decode(output)
      .split('\n')
      .map((l) => l.split(';'));
    expect(out[2].slice(-4, -1)).toEqual(['', '', '']); // no probability, decision or points
    expect(out[2].at(-1)).toMatch(/^line 3: column 'funded_amnt': 'lots' is not a number/);
    expect(out[3].at(-1)).toBe('line 4: expected 23 fields, found 5');
    expect(out[1].at(-2)).not.toBe(''); // the rows around them are scored
  });

  it('stops on what cannot be read, naming the source and line: invalid UTF-8, a missing column, an empty input', async () => {
    const invalid = enc.encode(`${lines[0]}\n${lines[1]}\n`);
    const withBad = new Uint8Array([...invalid, 0xff, 0x0a]);
    await expect(scoreCsv(scorer, withBad, { source: 'up.csv' })).rejects.toThrow(/up\.csv, line 3: not valid UTF-8 \(byte offset \d+\)/);
    await expect(scoreCsv(scorer, enc.encode('a,b\n1,2\n'), { source: 'up.csv' })).rejects.toThrow(
      /up\.csv: missing columns 'funded_amnt', .* that the model needs/,
    );
    await expect(scoreCsv(scorer, new Uint8Array(0), { source: 'up.csv' })).rejects.toThrow(/up\.csv: the file is empty/);
    expect(() => new CsvScoring(scorer, { reasons: -1 })).toThrow(/reasons must be a whole number/);
    // At most one reason a feature: more were always-empty columns, and 100,000 crashed writing the header.
    const most = scorer.features.length;
    expect((await scoreCsv(scorer, enc.encode(`${lines[0]}\n${lines[1]}\n`), { reasons: most })).scored).toBe(1);
    expect(() => new CsvScoring(scorer, { reasons: most + 1 })).toThrow(`reasons: at most one a feature, and the model has ${most}; got ${most + 1}`);
    expect(() => new CsvScoring(scorer, { reasons: 100_000 })).toThrow(/at most one a feature/);
    expect(() => new CsvScoring(scorer, { batchSize: 0.5 })).toThrow(/batchSize must be a whole number/);
    const run = new CsvScoring(scorer);
    await run.push(invalid);
    await run.end();
    await expect(run.push(invalid)).rejects.toThrow(/push after end/);
  });
});

/** Pipes `chunks` through a CsvScoringStream; the output chunks and the stream's counts, or the error it ended with. */
async function throughStream(chunks: unknown[], options = {}) {
  const stream = new CsvScoringStream(scorer, options);
  const input = new ReadableStream<unknown>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
  const out: Uint8Array[] = [];
  try {
    const reader = input.pipeThrough(stream as unknown as TransformStream<unknown, Uint8Array>).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  } catch (error) {
    return { out, counts: stream.counts, error: error as Error };
  }
  return { out, counts: stream.counts, error: null };
}

describe('CsvScoringStream: scoreCsv as a web stream, in pieces', () => {
  it("writes scoreCsv's bytes however the input is chunked, a megabyte of input at a time", async () => {
    const bytes = enc.encode(`${lines.join('\n')}\n`);
    const want = await scoreCsv(scorer, bytes, { reasons: 3 });
    // One chunk of the whole file (2 MB of lending rows, repeated) comes out in several pieces, none over its share.
    const big = new Uint8Array(bytes.length * 2 - enc.encode(`${lines[0]}\n`).length);
    big.set(bytes);
    big.set(bytes.subarray(enc.encode(`${lines[0]}\n`).length), bytes.length);
    const twice = await scoreCsv(scorer, big, { reasons: 3 });
    const whole = await throughStream([big], { reasons: 3 });
    expect(whole.error).toBeNull();
    expect(Buffer.concat(whole.out).equals(Buffer.from(twice.output))).toBe(true);
    expect(whole.out.length).toBeGreaterThan(1);
    expect(Math.max(...whole.out.map((c) => c.length))).toBeLessThan(twice.output.length / 2);
    expect(whole.counts).toMatchObject({ rows: twice.rows, scored: twice.scored, failed: twice.failed });
    // Small chunks cut anywhere.
    const cuts: Uint8Array[] = [];
    for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 7 + 3) % 9973) cuts.push(bytes.subarray(at, at + n));
    const pieces = await throughStream(cuts, { reasons: 3 });
    expect(Buffer.concat(pieces.out).equals(Buffer.from(want.output))).toBe(true);
    expect(pieces.counts.rows).toBe(want.rows);
  });

  it('errors the stream on what stops a run (after the output so far), and on chunks that are not bytes', async () => {
    const good = enc.encode(`${lines.slice(0, 50).join('\n')}\n`);
    const bad = await throughStream([good, new Uint8Array([0xff, 0x0a])], { source: 'up.csv' });
    expect(bad.error?.message).toMatch(/up\.csv, line 51: not valid UTF-8/);
    // What was read before the error is a prefix of the output (streams drop what was queued but not yet read).
    const before = (await scoreCsv(scorer, good, { source: 'up.csv' })).output;
    expect(Buffer.from(before).subarray(0, Buffer.concat(bad.out).length).equals(Buffer.concat(bad.out))).toBe(true);
    for (const [chunk, name] of [
      ['funded_amnt,term\n', 'string'],
      [new ArrayBuffer(4), 'ArrayBuffer'],
      [null, 'null'],
    ] as const) {
      const r = await throughStream([chunk], { source: 'up.csv' });
      expect(r.error?.message).toBe(`up.csv: CsvScoringStream takes bytes (Uint8Array chunks), got ${name}`);
    }
    expect((await throughStream([])).error?.message).toMatch(/input: the file is empty/);
  });
});

describe('scoreCsv keep: the kept input columns instead of each whole line', () => {
  // An extra column whose values need quoting once written as fields (or were quoted for nothing).
  const notes = ['"a, b"', '"say ""hi"""', '"two\nlines"', '" padded "', '"plain"', '', 'x'];
  const noted = `${lines
    .slice(0, 150)
    .map((l, i) => `${l},${i === 0 ? 'note' : notes[i % notes.length]}`)
    .join('\n')}\n`;
  const columns = [...table.columns, 'note'];

  it('each row: the kept fields (any columns, any order), then the fields the whole-line output appends (property)', async () => {
    const full = rowsOf((await scoreCsv(scorer, enc.encode(noted), { reasons: 1 })).output);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(columns, { minLength: 1 }), async (keep) => {
        const { output, rows } = await scoreCsv(scorer, enc.encode(noted), { reasons: 1, keep });
        const got = rowsOf(output);
        expect(rows).toBe(149);
        expect(got[0]).toEqual([...keep, ...full[0].slice(columns.length)]);
        const at = keep.map((k) => columns.indexOf(k));
        got.slice(1).forEach((row, i) => expect(row).toEqual([...at.map((j) => full[i + 1][j]), ...full[i + 1].slice(columns.length)]));
      }),
      { numRuns: 25 },
    );
  });

  it('fields are written as CSV fields: as they were where plain, quoted only where needed', async () => {
    const { output } = await scoreCsv(scorer, enc.encode(noted), { keep: ['note', 'addr_state'] });
    const text = new TextDecoder().decode(output);
    expect(text.startsWith('note,addr_state,probability,')).toBe(true);
    const input = parseCsv(noted).rows;
    parseCsv(text).rows.forEach((r, i) => expect(r.slice(0, 2)).toEqual([input[i][columns.length - 1], input[i][4]]));
    expect(text).toContain('\n"a, b",');
    expect(text).toContain('\n"say ""hi""",');
    expect(text).toContain('\n"two\nlines",');
    expect(text).toContain('\n" padded ",');
    expect(text).toContain('\nplain,'); // (quoted in the input for nothing)
  });

  it('a short row keeps its line with its kept fields, empty where it has none, and the field-count error', async () => {
    // (a whole row after it: a short row's missing fields must not be read from the next record's)
    const short = `${lines[0]}\n${lines[1]}\n5000,"term_36"\n${lines[2]}\n`;
    const { output, failed } = await scoreCsv(scorer, enc.encode(short), { keep: ['funded_amnt', 'Class'] });
    expect(failed).toBe(1);
    const out = new TextDecoder().decode(output).split('\n');
    expect(out[2]).toBe(`5000,,,,,"line 3: expected ${table.columns.length} fields, found 2"`);
  });

  it('refuses a name the header lacks, a name given twice and an empty list, naming them, before any output', async () => {
    const bytes = enc.encode(sample);
    await expect(scoreCsv(scorer, bytes, { keep: ['Class', 'nope', 'nada'], source: 'up.csv' })).rejects.toThrow(
      /^up\.csv: keep names columns 'nope', 'nada' that the header lacks \(columns: funded_amnt, term, /,
    );
    await expect(scoreCsv(scorer, bytes, { keep: ['Class', 'Class'] })).rejects.toThrow("keep: 'Class' is named twice");
    await expect(scoreCsv(scorer, bytes, { keep: [] })).rejects.toThrow('keep: name at least one column (or leave keep out to echo every line)');
  });
});
