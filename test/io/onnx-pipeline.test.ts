/**
 * The whole-pipeline ONNX export: raw columns in, probability and points out, in onnxruntime-web (WASM) and
 * onnxruntime-node (native) — equal to the edge scorer on every row of both shipped credit files, with missing values,
 * unseen categories and refused rows (NaN) mixed in; the metadata_props a deployer reads.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  HamiltonianNN,
  calibrateProbabilities,
  fitIsotonic,
  fitPlatt,
  parseCsv,
  prepareTable,
  type CsvTable,
  type PreprocessorOptions,
} from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { exportPipelineOnnx } from '../../src/io/onnx-pipeline.js';
import { type Scorer, loadScorerSync } from '../../src/score/index.js';
import { Rng } from '../../src/core/rng.js';

type Ort = typeof import('onnxruntime-web');
const runtimes: Record<string, () => Promise<Ort>> = {
  'onnxruntime-web': async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort;
  },
  'onnxruntime-node': async () => {
    const ort = (await import('onnxruntime-node')) as unknown as Ort;
    ort.env.logLevel = 'error';
    return ort;
  },
};

const read = (name: string) => parseCsv(readFileSync(new URL(`../../data/${name}`, import.meta.url), 'utf8'));

/**
 * `table` with cells made hostile on a seeded share of rows: empty cells (missing), 'NA' in categorical columns (a
 * missing text), categories never seen in training, and (when `extreme`) numbers far beyond the training range.
 */
function mangle(table: CsvTable, target: string, seed: number, extreme: boolean): CsvTable {
  const rng = new Rng(seed);
  const rows = table.rows.map((r) => r.slice());
  for (const r of rows) {
    const u = rng.float();
    const j = rng.int(r.length);
    if (table.columns[j] === target) continue;
    if (u < 0.05) r[j] = '';
    else if (u < 0.08 && Number.isNaN(Number(r[j]))) r[j] = 'NA';
    else if (u < 0.11 && Number.isNaN(Number(r[j]))) r[j] = 'never-seen';
    else if (extreme && u < 0.12 && !Number.isNaN(Number(r[j]))) r[j] = '1e30';
  }
  return { ...table, rows };
}

/** The ONNX feeds for `table`'s rows: numeric cells as float (missing texts → NaN), categorical ones as trimmed strings. */
function feeds(ort: Ort, scorer: Scorer, table: CsvTable): Record<string, InstanceType<Ort['Tensor']>> {
  const pre = scorer.preprocessor;
  const n = table.rows.length;
  return Object.fromEntries(
    pre.features.map((f) => {
      const j = table.columns.indexOf(f.name);
      const cells = table.rows.map((r) => r[j].trim());
      const tensor =
        f.kind === 'numeric'
          ? new ort.Tensor(
              'float32',
              Float32Array.from(cells, (c) => (pre.isMissingText(c) ? Number.NaN : Number(c))),
              [n, 1],
            )
          : new ort.Tensor('string', cells, [n, 1]);
      return [f.name, tensor];
    }),
  );
}

/** The edge scorer's probability and points per row; NaN where it refuses the row. */
function reference(scorer: Scorer, table: CsvTable): { p: number[]; points: number[] } {
  const p: number[] = [];
  const points: number[] = [];
  for (const r of table.rows) {
    const record = Object.fromEntries(table.columns.map((c, j) => [c, r[j]]));
    try {
      const d = scorer.decide(record);
      p.push(d.probability);
      points.push(d.points);
    } catch {
      p.push(Number.NaN);
      points.push(Number.NaN);
    }
  }
  return { p, points };
}

const cases: Array<{ file: string; options: PreprocessorOptions; calibration: 'platt' | 'isotonic' | null; extreme: boolean }> = [
  { file: 'credit_data.csv', options: { target: 'Status', positive: 'bad' }, calibration: 'platt', extreme: false },
  { file: 'lending_club.csv', options: { target: 'Class', positive: 'bad' }, calibration: 'isotonic', extreme: false },
  // Fail-closed policies: the rows `score` refuses come out as NaN (no probability, so no decision).
  { file: 'credit_data.csv', options: { target: 'Status', positive: 'bad', unseen: 'error' }, calibration: null, extreme: true },
  { file: 'credit_data.csv', options: { target: 'Status', positive: 'bad', missing: 'drop' }, calibration: null, extreme: false },
];

describe.each(cases)('$file (unseen: $options.unseen, missing: $options.missing, calibration: $calibration)', ({ file, options, calibration, extreme }) => {
  const table = read(file);
  const prep = prepareTable(table, { ...options, seed: 2, validationSize: 0.2 });
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [12, 6], activation: 'gelu', seed: 3, backend: 'js' });
  const val = prep.validation!;
  const fitted = calibration === null ? null : (calibration === 'platt' ? fitPlatt : fitIsotonic)(model.predictProba(val.x, val.rows), val.y);
  const bytes = encodeModel(model, {
    preprocessor: prep.preprocessor.toJSON(),
    calibration: fitted,
    scorecard: { pdo: 40, baseScore: 500, baseOdds: 20 },
    training: { threshold: 0.3 },
  });
  const scorer = loadScorerSync(bytes, { engine: 'js' });
  const rows = mangle(table, options.target, 7, extreme);
  const want = reference(scorer, rows);
  // An isotonic map can be steep (a slope of 1075 between two close validation scores on lending_club): there a float32
  // runtime's 1e-7 difference in the network's probability moves the calibrated one by 1e-4. The allowance per row is
  // the map's rise over ±1e-7 around the network's own probability; elsewhere it is 0.
  const uncalibrated = reference(loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }), { engine: 'js' }), rows).p;
  const steepness = uncalibrated.map((p) =>
    fitted?.method === 'isotonic' && Number.isFinite(p)
      ? calibrateProbabilities(Float32Array.of(p + 1e-7), 1, fitted)[0] - calibrateProbabilities(Float32Array.of(p - 1e-7), 1, fitted)[0]
      : 0,
  );
  const onnx = exportPipelineOnnx(decodeModel(bytes), { modelSha256: 'f'.repeat(64) });

  it.each(Object.keys(runtimes))('%s: probability within 1e-5 and the same points on every row; NaN exactly where score refuses', async (name) => {
    const ort = await runtimes[name]();
    const session = await ort.InferenceSession.create(onnx);
    expect(session.inputNames).toEqual(scorer.features);
    expect(session.outputNames).toEqual(['probability', 'points']);
    const out = await session.run(feeds(ort, scorer, rows));
    const p = out.probability.data as Float32Array;
    const pts = out.points.data as Float32Array;
    expect(p.length).toBe(rows.rows.length);
    let refused = 0,
      pointsDiffer = 0;
    for (let i = 0; i < p.length; i++) {
      expect(Number.isNaN(p[i]), `row ${i}`).toBe(Number.isNaN(want.p[i]));
      expect(Number.isNaN(pts[i]), `row ${i}`).toBe(Number.isNaN(want.p[i]));
      if (Number.isNaN(want.p[i])) {
        refused++;
        continue;
      }
      expect(Math.abs(p[i] - want.p[i]), `row ${i}`).toBeLessThan(1e-5 + steepness[i]);
      // float32 logarithms in the graph: a point may round the other way where the exact value is within ~1e-4 of a half.
      if (steepness[i] < 1e-6) expect(Math.abs(pts[i] - want.points[i]), `row ${i}`).toBeLessThanOrEqual(1);
      if (pts[i] !== want.points[i]) pointsDiffer++;
    }
    expect(pointsDiffer).toBeLessThanOrEqual(p.length / 1000);
    expect(steepness.filter((d) => d > 1e-5).length).toBeLessThan(p.length / 100); // the allowance is the exception
    if (options.unseen === 'error' || options.missing === 'drop') expect(refused).toBeGreaterThan(20);
    else expect(refused).toBe(extreme ? refused : 0);
  });
});

/** ModelProto.metadata_props (field 14) of an ONNX file, read with a minimal protobuf reader. */
function metadataProps(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = (b: Uint8Array) => {
    const list: Array<[number, Uint8Array | number]> = [];
    let i = 0;
    const varint = () => {
      let v = 0n,
        s = 0n;
      for (;;) {
        const x = b[i++];
        v |= BigInt(x & 0x7f) << s;
        s += 7n;
        if (x < 0x80) return Number(v);
      }
    };
    while (i < b.length) {
      const tag = varint();
      const wire = tag & 7;
      if (wire === 0) list.push([tag >> 3, varint()]);
      else if (wire === 2) {
        const len = varint();
        list.push([tag >> 3, b.subarray(i, i + len)]);
        i += len;
      } else if (wire === 5) i += 4;
      else throw new Error(`wire type ${wire}`);
    }
    return list;
  };
  const text = new TextDecoder();
  for (const [field, value] of fields(bytes)) {
    if (field !== 14) continue;
    const entry = Object.fromEntries(fields(value as Uint8Array).map(([f, v]) => [f, text.decode(v as Uint8Array)]));
    out[entry[1]] = entry[2];
  }
  return out;
}

describe('the pipeline graph describes itself', () => {
  const table = read('credit_data.csv');
  const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 2 });
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [4], seed: 3, backend: 'js' });
  const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training: { threshold: 0.25 } });

  it('metadata_props: target, labels, typed inputs, threshold, scaling, version, the model file hash', () => {
    const meta = metadataProps(exportPipelineOnnx(decodeModel(bytes), { modelSha256: 'a'.repeat(64) }));
    expect(meta.target).toBe('Status');
    expect(meta.positive_label).toBe('bad');
    expect(JSON.parse(meta.negative_labels)).toEqual(['good']);
    expect(meta.threshold).toBe('0.25');
    expect(JSON.parse(meta.scorecard)).toEqual({ pdo: 20, baseScore: 600, baseOdds: 50 });
    expect(meta.model_sha256).toBe('a'.repeat(64));
    expect(meta.library_version).toMatch(/^\d+\.\d+\.\d+/);
    const inputs = JSON.parse(meta.inputs) as Array<{ name: string; type: string }>;
    expect(inputs.map((i) => i.name)).toEqual(prep.preprocessor.features.map((f) => f.name));
    expect(inputs.find((i) => i.name === 'Home')?.type).toBe('string');
    expect(inputs.find((i) => i.name === 'Income')?.type).toBe('float');
  });

  it('refuses a model without a preprocessor, and a column named as an internal tensor', () => {
    const bare = decodeModel(encodeModel(model));
    expect(() => exportPipelineOnnx(bare)).toThrow(/no preprocessor.*--encoded/);
    const state = prep.preprocessor.toJSON();
    state.features[0] = { ...state.features[0], name: 'logits' };
    const clash = decodeModel(encodeModel(model, { preprocessor: state }));
    expect(() => exportPipelineOnnx(clash)).toThrow(/column 'logits' has a name the graph uses internally/);
  });
});
