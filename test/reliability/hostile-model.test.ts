/**
 * Issue 15, "Hostile model files": a file with a valid CRC can still be crafted. Its whole `__metadata__` is checked
 * against the schema before anything uses it (a `ModelFormatError` naming the field), and what a file can make us
 * allocate or compute is bounded by its size. Each case failed on 192bed9 (a TypeError, a stack trace, a silently
 * wrong decision, or gigabytes).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HamiltonianNN, ModelFormatError, parseCsv, prepareTable } from '../../src/index.js';
import { decodeModel, encodeModel, sealChecksum } from '../../src/io/model-file.js';
import { MAX_JSON_DEPTH, decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { EXPLAIN_FLOATS, loadScorerSync } from '../../src/score/index.js';
import { cli, tempDir } from '../cli/helpers.js';

const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 1, applySmote: false });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [8], seed: 1, backend: 'js' });
const training = { seed: 1, threshold: 0.4, scoreDistribution: { edges: [0.2, 0.5], shares: [0.3, 0.4, 0.3] } };
const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training });
const record = Object.fromEntries(table.columns.map((c, j) => [c, table.rows[0][j]]));

/** The model file with one metadata entry rewritten (JSON-edited) and the CRC sealed again, as an attacker would. */
function tamper(key: 'preprocessor' | 'training' | 'config', edit: (value: Record<string, unknown>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const value = JSON.parse(metadata[key]);
  edit(value);
  return sealChecksum(encodeSafetensors(tensors, { ...metadata, [key]: JSON.stringify(value), crc32: '00000000' }));
}

function refusal(b: Uint8Array): ModelFormatError {
  try {
    decodeModel(b);
  } catch (e) {
    expect(() => loadScorerSync(b)).toThrow(ModelFormatError);
    return e as ModelFormatError;
  }
  throw new Error('decodeModel accepted the file');
}

describe('the preprocessor metadata is checked against its schema, errors naming the field', () => {
  it.each([
    ['missingValues absent', (p: Record<string, unknown>) => delete p.missingValues, /preprocessor\.missingValues must be an array of strings/],
    ['missingValues a number', (p: Record<string, unknown>) => (p.missingValues = 3), /preprocessor\.missingValues/],
    ['missingValues a string (would match substrings)', (p: Record<string, unknown>) => (p.missingValues = '0123456789.'), /preprocessor\.missingValues/],
    ['negatives null', (p: Record<string, unknown>) => (p.negatives = null), /preprocessor\.negatives must be an array/],
    ['negatives a string (the decision column said "g")', (p: Record<string, unknown>) => (p.negatives = 'good'), /preprocessor\.negatives/],
    ['a numeric positive label', (p: Record<string, unknown>) => (p.positive = 1), /preprocessor\.positive must be a string/],
    ['a feature named twice', (p: { features: Array<{ name: string }> }) => (p.features[1].name = p.features[0].name), /features\[1\]\.name .* twice/],
    [
      'a category list with a number',
      (p: { features: Array<{ kind: string; categories?: unknown[] }> }) => {
        p.features.find((f) => f.kind === 'categorical')!.categories![0] = 7;
      },
      /categories must be a non-empty array of strings/,
    ],
    [
      'a mode that is not a category',
      (p: { features: Array<{ kind: string; mode?: string }> }) => {
        p.features.find((f) => f.kind === 'categorical')!.mode = 'nowhere';
      },
      /\.mode must be one of the categories/,
    ],
    [
      'an indicator that is not a boolean',
      (p: { features: Array<{ kind: string; indicator?: unknown }> }) => {
        p.features.find((f) => f.kind === 'numeric')!.indicator = 'yes';
      },
      /\.indicator must be true or false/,
    ],
    ['an unknown field', (p: Record<string, unknown>) => (p.evil = 1), /unknown field 'evil'/],
  ] as const)('%s → ModelFormatError', (_, edit, message) => {
    const err = refusal(tamper('preprocessor', edit as (v: Record<string, unknown>) => void));
    expect(err).toBeInstanceOf(ModelFormatError);
    expect(err.message).toMatch(/^__metadata__\.preprocessor/);
    expect(err.message).toMatch(message);
  });
});

describe('the training record is checked before evaluate or the scorer read it', () => {
  it.each([
    [
      'edges an object claiming length 3e7 (14.7 s and 3.65 GB in evaluate)',
      (t: Record<string, unknown>): unknown => (t.scoreDistribution = { edges: { length: 3e7 }, shares: [] }),
      /scoreDistribution\.edges/,
    ],
    ['edges null', (t: Record<string, unknown>): unknown => (t.scoreDistribution = { edges: null, shares: [1] }), /scoreDistribution\.edges/],
    [
      'string edges ("PSI NaN (stable)")',
      (t: Record<string, unknown>): unknown => (t.scoreDistribution = { edges: ['a', 'b'], shares: [0.3, 0.4, 0.3] }),
      /scoreDistribution\.edges/,
    ],
    ['edges out of order', (t: Record<string, unknown>): unknown => (t.scoreDistribution = { edges: [0.5, 0.2], shares: [0.3, 0.4, 0.3] }), /increasing/],
    [
      'shares not one more than edges',
      (t: Record<string, unknown>): unknown => (t.scoreDistribution = { edges: [0.5], shares: [1] }),
      /scoreDistribution\.shares must be 2 shares/,
    ],
    [
      'more than 100000 bins',
      (t: Record<string, unknown>): unknown => (t.scoreDistribution = { edges: Array.from({ length: 100_001 }, (_, i) => i), shares: [] }),
      /at most 100000/,
    ],
    [
      'a characteristic with edges out of order',
      (t: Record<string, unknown>): unknown => (t.characteristics = [{ feature: 'Income', edges: [2, 1], shares: [0.3, 0.3, 0.4] }]),
      /training\.characteristics\[0\]\.edges/,
    ],
    [
      'a characteristic without a name',
      (t: Record<string, unknown>): unknown => (t.characteristics = [{ edges: [], shares: [1] }]),
      /characteristics\[0\] must be/,
    ],
    ['protected as text', (t: Record<string, unknown>): unknown => (t.protected = 'Age'), /training\.protected must be an array of feature names/],
    ['a cut-off without its rule', (t: Record<string, unknown>): unknown => (t.cutoff = { threshold: 0.2 }), /training\.cutoff must be/],
    ['a threshold of 2', (t: Record<string, unknown>): unknown => (t.threshold = 2), /training\.threshold must be a number in \[0, 1\]/],
    ['a threshold as text', (t: Record<string, unknown>): unknown => (t.threshold = '0.3'), /training\.threshold/],
    ['a record that is an array', (t: Record<string, unknown>): unknown => Object.setPrototypeOf(t, Array.prototype), /training must be an object/],
  ] as const)('%s → ModelFormatError', (_, edit, message) => {
    const b =
      _ === 'a record that is an array'
        ? (() => {
            const { tensors, metadata } = decodeSafetensors(bytes);
            return sealChecksum(encodeSafetensors(tensors, { ...metadata, training: '[1,2]', crc32: '00000000' }));
          })()
        : tamper('training', edit as (v: Record<string, unknown>) => void);
    expect(refusal(b).message).toMatch(message);
  });

  it('the file as written loads, and its stored threshold is the scorer default', () => {
    expect(loadScorerSync(bytes).threshold).toBe(0.4);
  });

  it('evaluate on a tampered file: one line naming the field, exit 2, no stack trace, no work', () => {
    const dir = tempDir();
    const modelPath = join(dir, 'm.safetensors');
    writeFileSync(
      modelPath,
      tamper('training', (t) => (t.scoreDistribution = { edges: null, shares: [] })),
    );
    const r = cli(['evaluate', '--model', modelPath, '--data', 'data/credit_data.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/__metadata__\.training\.scoreDistribution\.edges/);
    const s = cli([
      'score',
      '--model',
      (writeFileSync(
        modelPath,
        tamper('preprocessor', (p) => (p.positive = 1)),
      ),
      modelPath),
      '--data',
      'data/credit_data.csv',
    ]);
    expect(s.code).toBe(2);
    expect(s.stdout).toBe(''); // refused before the header was written
    expect(s.stderr).toMatch(/preprocessor\.positive must be a string/);
  });
});

describe('what a file can make us allocate is bounded', () => {
  it(`a header nested deeper than ${MAX_JSON_DEPTH} levels is refused by a scan, before JSON.parse builds it`, () => {
    const deep = `${'['.repeat(4_000_000)}${']'.repeat(4_000_000)}`;
    const json = new TextEncoder().encode(`{"x":${deep}}`);
    const file = new Uint8Array(8 + json.length);
    new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
    file.set(json, 8);
    const before = process.memoryUsage().heapUsed;
    expect(() => decodeModel(file)).toThrow(/header nests deeper than 32 levels/);
    // 4M nested arrays would cost hundreds of MB; the scan costs the decoded text (8 MB) at most.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a metadata value nested too deep is refused the same way, naming the key', () => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    const b = sealChecksum(encodeSafetensors(tensors, { ...metadata, training: `{"a":${'['.repeat(100)}${']'.repeat(100)}}`, crc32: '00000000' }));
    expect(() => decodeModel(b)).toThrow(/__metadata__\.training nests deeper/);
  });

  it('explain scores a wide model in chunks of bounded size, with the same reasons as scoring each occluded record', () => {
    // 3000 numeric features × 3000 columns = 9M inputs at once before; chunks of EXPLAIN_FLOATS now.
    const width = 3000;
    const columns = Array.from({ length: width }, (_, j) => `f${j}`);
    const rows = Array.from({ length: 40 }, (_, i) => [...columns.map((_, j) => String(((i * 7 + j * 13) % 17) - 8)), i % 3 ? 'good' : 'bad']);
    const wide = parseCsv(`${[...columns, 'y'].join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const p = prepareTable(wide, { target: 'y', positive: 'bad', seed: 1, applySmote: false });
    const m = new HamiltonianNN({ inputDim: p.train.cols, hiddenDims: [4], seed: 2, backend: 'js' });
    const scorer = loadScorerSync(encodeModel(m, { preprocessor: p.preprocessor.toJSON() }), { engine: 'js' });
    expect(width * width).toBeGreaterThan(4 * EXPLAIN_FLOATS);
    const rec = Object.fromEntries(wide.columns.map((c, j) => [c, wide.rows[0][j]]));
    const ex = scorer.explain(rec, 5);
    expect(ex.probability).toBe(scorer.score(rec));
    expect(ex.reasons!.length).toBeGreaterThan(0);
    for (const reason of ex.reasons!) {
      const median = p.preprocessor.features.find((f) => f.name === reason.feature) as { median: number };
      const occluded = scorer.score({ ...rec, [reason.feature]: median.median });
      expect(reason.contribution).toBeCloseTo(ex.probability - occluded, 6);
    }
  });

  it('categories are looked up by hash: a model with 200k categories scores, unseen and known, with names like __proto__ and constructor', () => {
    const pre = prep.preprocessor.toJSON();
    const cat = pre.features.find((f) => f.kind === 'categorical')! as { name: string; categories: string[]; mode: string };
    const extra = ['__proto__', 'constructor', 'toString', ...Array.from({ length: 200_000 }, (_, i) => `level${i}`)];
    const at = pre.columns.findIndex((c) => c.startsWith(`${cat.name}=`)) + cat.categories.length;
    for (const c of extra) cat.categories.push(c);
    const insert = <T>(list: T[], values: T[]) => list.slice(0, at).concat(values, list.slice(at));
    pre.columns = insert(
      pre.columns,
      extra.map((c) => `${cat.name}=${c}`),
    );
    pre.mean = insert(
      pre.mean,
      extra.map(() => 0),
    );
    pre.scale = insert(
      pre.scale,
      extra.map(() => 1),
    );
    const m = new HamiltonianNN({ inputDim: pre.columns.length, hiddenDims: [4], seed: 3, backend: 'js' });
    const scorer = loadScorerSync(encodeModel(m, { preprocessor: pre }));
    const known = scorer.decide({ ...record, [cat.name]: '__proto__' });
    expect(known.warnings).toEqual([]);
    const x = scorer.preprocessor.transformRecord({ ...record, [cat.name]: 'constructor' });
    expect(x[at + 1]).not.toBe(x[at]); // constructor's own one-hot column is set, __proto__'s is not
    expect(scorer.decide({ ...record, [cat.name]: 'hasOwnProperty' }).warnings[0]).toMatch(/not seen in training/);
  });
});
