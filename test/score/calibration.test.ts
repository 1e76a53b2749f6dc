/**
 * A calibrated model file: every scorer — the edge scorer (score, scoreBatch, scoreEncoded, explain, reasonsEncoded),
 * the ONNX export (Platt and isotonic) — gives the calibrated probability, and a crafted calibration is refused at load.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HamiltonianNN, ModelFormatError, calibrateProbabilities, fitIsotonic, fitPlatt, parseCsv, prepareTable } from '../../src/index.js';
import { decodeModel, encodeModel, sealChecksum } from '../../src/io/model-file.js';
import { exportOnnx } from '../../src/io/onnx.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadScorerSync } from '../../src/score/index.js';

const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 2, validationSize: 0.2 });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [8], seed: 3, backend: 'js' });
const val = prep.validation!;
const records = table.rows.slice(0, 50).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));
const calibrations = {
  platt: fitPlatt(model.predictProba(val.x, val.rows), val.y),
  isotonic: fitIsotonic(model.predictProba(val.x, val.rows), val.y),
};

describe.each(Object.entries(calibrations))('%s calibration in the model file', (_method, calibration) => {
  const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), calibration });
  it('round-trips through the file', () => {
    expect(decodeModel(bytes).calibration).toEqual(calibration);
  });
  for (const engine of ['wasm', 'js'] as const) {
    const plain = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }), { engine });
    const scorer = loadScorerSync(bytes, { engine });
    it(`${engine}: score, scoreBatch, scoreEncoded and explain give calibrate(the network's probability)`, () => {
      const raw = plain.scoreBatch(records);
      const want = calibrateProbabilities(Float32Array.from(raw), raw.length, calibration);
      expect(Array.from(scorer.scoreBatch(records))).toEqual(Array.from(want));
      records.forEach((r, i) => {
        expect(scorer.score(r)).toBe(want[i]);
        expect(scorer.explain(r).probability).toBe(want[i]);
      });
      const x = scorer.preprocessor.transformRecords(records);
      expect(Array.from(scorer.scoreEncoded(x, records.length))).toEqual(Array.from(want));
      expect(Array.from(want).some((p, i) => p !== raw[i])).toBe(true); // the calibration did something
    });
    it(`${engine}: reason contributions are differences of calibrated probabilities`, () => {
      const r = records[3];
      const ex = scorer.explain(r, 2);
      const typical = scorer.preprocessor.features.find((f) => f.name === ex.reasons![0]?.feature);
      if (!typical) return; // no positive contribution for this record
      const value = typical.kind === 'numeric' ? typical.median : typical.mode;
      expect(ex.reasons![0].contribution).toBeCloseTo(ex.probability - scorer.score({ ...r, [typical.name]: value }), 5);
    });
  }
  it('the ONNX export applies it: onnxruntime-web gives the calibrated probabilities (1e-5)', async () => {
    const tensors = (n: string) => model.parameters().find((p) => p.name === n)!.data;
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    const session = await ort.InferenceSession.create(exportOnnx(model.config, tensors, calibration));
    const n = prep.test.rows;
    const x = prep.test.x.subarray(0, n * prep.test.cols);
    const got = (await session.run({ input: new ort.Tensor('float32', x, [n, prep.test.cols]) })).probabilities.data as Float32Array;
    const want = calibrateProbabilities(model.predictProba(x, n), n, calibration);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(got[2 * i + 1] - want[i])).toBeLessThan(1e-5);
      expect(Math.abs(got[2 * i] + got[2 * i + 1] - 1)).toBeLessThan(1e-6);
    }
  });
});

describe('a crafted calibration is refused at load', () => {
  it('isotonic y decreasing (would invert the ranking) → ModelFormatError naming the field', () => {
    const { tensors, metadata } = decodeSafetensors(encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), calibration: calibrations.isotonic }));
    const b = sealChecksum(encodeSafetensors(tensors, { ...metadata, calibration: '{"method":"isotonic","x":[0,1],"y":[1,0]}', crc32: '00000000' }));
    expect(() => loadScorerSync(b)).toThrow(ModelFormatError);
    expect(() => decodeModel(b)).toThrow(/__metadata__\.calibration\.y/);
  });
  it('encodeModel refuses to write an invalid one', () => {
    expect(() => encodeModel(model, { calibration: { method: 'platt', a: Number.NaN, b: 0 } })).toThrow(ModelFormatError);
  });
});
