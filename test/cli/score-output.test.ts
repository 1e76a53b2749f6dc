/**
 * The bytes `score` writes for each row: numbers as toFixed writes them (ByteSink's integer formatting), and reason
 * values echoed from the input's bytes only where formatting the cell would leave them unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/score/byte-sink.js';
import { formatCsv, HamiltonianNN, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { cli, tempDir } from './helpers.js';

const written = (write: (sink: ByteSink) => void): string => {
  const sink = new ByteSink();
  write(sink);
  return new TextDecoder().decode(sink.handOver());
};

describe('ByteSink.decimal: x.toFixed(digits), byte for byte', () => {
  it('on doubles of every size and sign, exact ties (k + ½)/10^d, −0, tiny negatives and non-finite values', () => {
    const special = [
      0,
      -0,
      0.5,
      -0.5,
      2.5,
      9.9999996,
      10,
      -12.25,
      99.5,
      100,
      123.45,
      1.0000005,
      0.0000005,
      -0.0000004,
      -1e-9,
      1e-300,
      999999.95,
      1e9 - 0.05,
      1e15,
      1e21,
      NaN,
      Infinity,
      -Infinity,
    ];
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.double({ min: -2, max: 2 }),
      fc.double({ min: -1000, max: 1000 }), // points: whole parts of one to three digits
      fc.double({ min: -1e10, max: 1e10 }),
      fc.integer({ min: -1e7, max: 1e7 }).chain((k) => fc.integer({ min: 0, max: 6 }).map((d) => (k + 0.5) / 10 ** d)),
      fc.constantFrom(...special),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), (x, digits) => {
        expect(written((s) => s.decimal(x, digits))).toBe(x.toFixed(digits));
      }),
      { numRuns: 4000 },
    );
    for (const x of special) for (let d = 0; d <= 6; d++) expect(written((s) => s.decimal(x, d))).toBe(x.toFixed(d));
  });

  it('on float32 probabilities (the probability column) and integers: toFixed(6) and String', () => {
    fc.assert(
      fc.property(fc.float({ min: 0, max: 1, noNaN: true }), fc.integer(), (p, n) => {
        expect(written((s) => s.decimal(p, 6))).toBe(p.toFixed(6));
        expect(written((s) => s.integer(n))).toBe(String(n));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ByteSink.handOver and reuse: output buffers go round without a copy', () => {
  it('hands over its own buffer, goes on in one given back (growing it where it is too small), never mixing bytes', () => {
    const sink = new ByteSink();
    sink.text('first line\n');
    const first = sink.handOver();
    expect(new TextDecoder().decode(first)).toBe('first line\n');
    // Not given back yet: the sink must not write into it.
    sink.text('second\n');
    const second = sink.handOver();
    expect(second.buffer).not.toBe(first.buffer);
    expect(new TextDecoder().decode(first)).toBe('first line\n');
    // Given back: the buffer after the one being filled is that very one, written from its start.
    sink.reuse(first.buffer as ArrayBuffer);
    sink.text('third');
    const third = sink.handOver();
    sink.text('fourth');
    const fourth = sink.handOver();
    expect(fourth.buffer).toBe(first.buffer);
    expect(third.buffer).not.toBe(first.buffer);
    expect(new TextDecoder().decode(fourth)).toBe('fourth');
    expect(new TextDecoder().decode(third)).toBe('third');
    expect(new TextDecoder().decode(second)).toBe('second\n');
    // A buffer smaller than what follows: the sink grows out of it, with every byte kept.
    sink.reuse(new ArrayBuffer(4));
    const long = 'x'.repeat(100_000);
    sink.text(long);
    sink.byte(0x21);
    expect(new TextDecoder().decode(sink.handOver())).toBe(`${long}!`);
  });
});

describe('score --reasons: a reason value is the input cell, formatted as a CSV field', () => {
  it('cells with commas, quotes, spaces at either end, UTF-8 and plain ASCII, quoted or not in the input', () => {
    const dir = tempDir();
    const kinds = ['a, b', 'say "hi"', ' lead', 'trail ', 'crédit', 'plain', 'two words'];
    const rows: string[][] = [];
    for (let i = 0; i < 280; i++) rows.push([kinds[i % kinds.length], String((i * 37) % 101), i % 3 ? 'good' : 'bad']);
    const columns = ['kind', 'amount', 'status'];
    const text = formatCsv(columns, rows);
    // A quoted cell that needs no quotes is written unquoted, as the text path always wrote it.
    const input = text.replace(/\nplain,/g, '\n"plain",');
    expect(input).toMatch(/"a, b"/);
    expect(input).toMatch(/"plain"/);
    const prep = prepareTable(parseCsv(text), { target: 'status', positive: 'bad', seed: 1, applySmote: false });
    // A logistic model in which every kind but the typical one raises P(bad), and so is a reason wherever it occurs.
    const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [], seed: 2, backend: 'js' });
    const [weight, bias] = model.parameters().map((t) => t.data);
    weight.fill(0);
    bias.fill(0);
    const pre = prep.preprocessor;
    for (const block of pre.featureBlocks()) {
      const feature = pre.features.find((f) => f.name === block.name)!;
      for (let j = block.start; j < block.end; j++)
        weight[pre.cols + j] = feature.kind === 'numeric' ? 0.5 : feature.categories[j - block.start] === feature.mode ? 0 : 1;
    }
    writeFileSync(join(dir, 'm.safetensors'), encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }));
    writeFileSync(join(dir, 'in.csv'), input);
    const out = join(dir, 'out.csv');
    const r = cli(['score', '--model', join(dir, 'm.safetensors'), '--data', join(dir, 'in.csv'), '--out', out, '--reasons', '2', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const scored = parseCsv(readFileSync(out, 'utf8'));
    const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    const seen = new Set<string>();
    scored.rows.forEach((row, i) => {
      for (const j of [1, 2]) {
        const feature = row[scored.columns.indexOf(`reason_${j}`)];
        if (!feature) continue;
        const value = row[scored.columns.indexOf(`reason_${j}_value`)];
        expect(value).toBe(rows[i][columns.indexOf(feature)]);
        seen.add(feature === 'kind' ? value : feature);
      }
      // Exactly one formatting per value: quoted when (and only when) formatCsv would quote it.
      if (row[scored.columns.indexOf('reason_1')] === 'kind') expect(lines[i]).toContain(`,kind,${formatCsv(['x'], [[rows[i][0]]]).split('\n')[1]},`);
    });
    const typical = pre.features.find((f) => f.name === 'kind')!;
    expect(typical.kind === 'categorical' && [...seen].sort()).toEqual(
      [...kinds.filter((k) => typical.kind === 'categorical' && k !== typical.mode), 'amount'].sort(),
    );
    expect(seen.has('amount')).toBe(true);
  });
});
