/**
 * Issue 15, "The edge scorer accepts anything": the scorer is strict by default. Each case failed on 192bed9,
 * where `score({})` was an approval, typos were imputed silently and inherited Object.prototype members were read.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HamiltonianNN, ScoringError, fit, AdvancedSymplecticOptimizer, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';

const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 1, applySmote: false });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [8], seed: 1, backend: 'js' });
await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), prep.train, { epochs: 1, seed: 1 });
const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training: { threshold: 0.3 } });
const features = prep.preprocessor.features;
const record = Object.fromEntries(table.columns.map((c, j) => [c, table.rows[0][j]]));
const categorical = features.find((f) => f.kind === 'categorical')!;
const numeric = features.find((f) => f.kind === 'numeric')!.name;

describe('the scorer is strict by default', () => {
  const scorer = loadScorerSync(bytes);
  it('score({}) is an error listing every absent feature, not an approval', () => {
    expect(() => scorer.score({})).toThrow(ScoringError);
    expect(() => scorer.score({})).toThrow(
      new RegExp(`missing ${features.length} of ${features.length} features: ${features.map((f) => `'${f.name}'`).join(', ')}`),
    );
  });
  it('a misspelled key is named as unknown beside the absent one (typo protection)', () => {
    const { [numeric]: value, ...rest } = record;
    expect(() => scorer.score({ ...rest, [numeric.toLowerCase()]: value })).toThrow(
      new RegExp(`missing 1 of .* '${numeric}'; unknown keys: '${numeric.toLowerCase()}'`),
    );
  });
  it('an explicit null or empty string is a missing value (imputed as the model learned); extra keys alone are fine', () => {
    expect(scorer.score({ ...record, [numeric]: null })).toBeGreaterThan(0);
    expect(scorer.score({ ...record, [numeric]: '' })).toBeGreaterThan(0);
    expect(scorer.score({ ...record, applicant_id: 'A-17' })).toBeCloseTo(scorer.score(record), 6);
  });
  it.each([
    ['a string', 'x'],
    ['a number', 3],
    ['an array', [1, 2]],
    ['a Map', new Map([[numeric, 1]])],
    ['null', null],
    ['undefined', undefined],
  ])('a record that is %s is a ScoringError, not all-missing', (_, bad) => {
    expect(() => scorer.score(bad as never)).toThrow(ScoringError);
    expect(() => scorer.score(bad as never)).toThrow(/a record must be an object/);
    expect(() => scorer.scoreBatch([record, bad as never])).toThrow(/record 1.*a record must be an object/);
  });
  it('own properties only: a record lacking a feature never reads an inherited member in its place', () => {
    const proto = { [numeric]: 5 };
    const inherits = Object.assign(Object.create(proto), record);
    delete (inherits as Record<string, unknown>)[numeric];
    expect(() => scorer.score(inherits)).toThrow(new RegExp(`missing 1 .*'${numeric}'`));
    const lenient = loadScorerSync(bytes, { strict: false });
    expect(lenient.score(inherits)).toBeCloseTo(lenient.score({ ...record, [numeric]: null }), 6); // imputed, not 5
  });
  it('an unseen category follows the model policy and is reported in the result’s warnings', () => {
    const r = scorer.decide({ ...record, [categorical.name]: 'YES' });
    expect(r.warnings).toEqual([`category 'YES' of '${categorical.name}' was not seen in training (scored as none of the known categories)`]);
    expect(scorer.decide(record).warnings).toEqual([]);
    expect(scorer.explain({ ...record, [categorical.name]: 'YES' }).warnings).toHaveLength(1);
  });
  it('{ strict: false } restores lenient imputation of absent features, documented', () => {
    const lenient = loadScorerSync(bytes, { strict: false });
    const p = lenient.score({});
    expect(p >= 0 && p <= 1).toBe(true);
  });
  it("the decision threshold defaults to the model's stored one (here 0.3), as evaluate uses", () => {
    expect(scorer.threshold).toBe(0.3);
    expect(loadScorerSync(bytes, { threshold: 0.6 }).threshold).toBe(0.6);
  });
});

describe('__proto__ and constructor work as column names', () => {
  it('train on columns named __proto__ and constructor, then score them from records and CSV-built objects', () => {
    const csv = ['__proto__,constructor,y', ...Array.from({ length: 60 }, (_, i) => `${i % 7},${['a', 'b', 'c'][i % 3]},${i % 2}`)].join('\n');
    const t = parseCsv(csv);
    const p = prepareTable(t, { target: 'y', positive: '1', seed: 1, applySmote: false });
    expect(p.preprocessor.features.map((f) => f.name)).toEqual(['__proto__', 'constructor']);
    const m = new HamiltonianNN({ inputDim: p.train.cols, hiddenDims: [4], seed: 1, backend: 'js' });
    const s = loadScorerSync(encodeModel(m, { preprocessor: p.preprocessor.toJSON() }));
    const rec = JSON.parse('{"__proto__": 3, "constructor": "b"}');
    const enc = p.preprocessor.transform({ ...t, rows: [['3', 'b', '1']], lines: [2] });
    expect(s.score(rec)).toBeCloseTo(s.scoreEncoded(enc.x, 1)[0], 6);
    expect(() => s.score({ constructor: 'b' })).toThrow(/missing 1 of 2 features: '__proto__'/);
  });
});

describe('the command line decides at the model threshold', () => {
  it('score declines exactly the rows evaluate counts as positive for a model trained with --threshold 0.3', async () => {
    const { cli, tempDir } = await import('../cli/helpers.js');
    const { join } = await import('node:path');
    const dir = tempDir();
    const data = new URL('../../data/credit_data.csv', import.meta.url).pathname;
    const m = join(dir, 'm.safetensors');
    expect(cli(['train', '--data', data, '--target', 'Status', '--positive', 'bad', '--out', m, '--epochs', '2', '--threshold', '0.3', '--quiet']).code).toBe(
      0,
    );
    const ev = cli(['evaluate', '--model', m, '--data', data, '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const { confusion, threshold } = JSON.parse(ev.stdout);
    expect(threshold).toBe(0.3);
    const sc = cli(['score', '--model', m, '--data', data, '--out', join(dir, 's.csv'), '--quiet']);
    expect(sc.code, sc.stderr).toBe(0);
    const out = parseCsv(readFileSync(join(dir, 's.csv'), 'utf8'));
    const d = out.columns.indexOf('decision');
    expect(out.rows.filter((r) => r[d] === 'bad').length).toBe(confusion.tp + confusion.fp);
  });
});
