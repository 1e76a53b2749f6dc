/**
 * `scoreCsv` / `CsvScoring`: CSV bytes in, scored CSV out in the library. Checked against the scorer record by record
 * (probability, decision, points, reasons), for chunking (any cut gives the same bytes), and for its errors. That the
 * bytes are the CLI's own is checked in test/cli/cli.test.ts (same file, byte for byte).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvScoring, HamiltonianNN, parseCsv, prepareTable, scoreCsv } from '../../src/index.js';
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
    expect(() => new CsvScoring(scorer, { batchSize: 0.5 })).toThrow(/batchSize must be a whole number/);
    const run = new CsvScoring(scorer);
    await run.push(invalid);
    await run.end();
    await expect(run.push(invalid)).rejects.toThrow(/push after end/);
  });
});
