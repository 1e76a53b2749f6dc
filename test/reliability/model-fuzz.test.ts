/**
 * Model-file fuzzing: whatever is done to the bytes, `decodeModel` either returns a model that scores
 * exactly like the original or throws ModelFormatError — it never hangs, never allocates more than a
 * bounded multiple of the file, never returns garbage.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HamiltonianNN, Rng, parseCsv, prepareTable } from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { ModelFormatError, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadScorerSync } from '../../src/score/index.js';

const LONG = process.env.LONG === '1';
const RUNS = LONG ? 20_000 : 600;

const csv = ['a,home,y', ...Array.from({ length: 60 }, (_, i) => `${(i * 7) % 13},${['rent', 'own'][i % 2]},${i % 3 === 0 ? 1 : 0}`)].join('\n');
const prep = prepareTable(parseCsv(csv), { target: 'y', positive: '1', seed: 1, applySmote: false });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [4, 3], seed: 2, backend: 'js' });
const original = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training: { seed: 2 } });
const x = Float32Array.from({ length: 5 * prep.train.cols }, (_, i) => Math.sin(i));
const expected = model.predictProba(x, 5);

function check(bytes: Uint8Array): 'ok' | 'rejected' {
  let content;
  try {
    content = decodeModel(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return 'rejected';
  }
  // Accepted: it must be the same model (a flip inside padding or metadata text can leave it intact).
  const m = new HamiltonianNN({ ...content.config, backend: 'js' });
  for (const p of m.parameters()) p.data.set(content.tensors.get(p.name)!.data);
  const got = m.predictProba(x.subarray(0, 5 * m.inputDim), 5);
  const allocated = [...content.tensors.values()].reduce((s, t) => s + t.data.byteLength, 0);
  expect(allocated).toBeLessThanOrEqual(bytes.length);
  // Accepted means intact: the same architecture and the same probabilities, bit for bit.
  expect(m.config).toEqual(model.config);
  expect(Array.from(got)).toEqual(Array.from(expected));
  return 'ok';
}

describe('model-file fuzzing', () => {
  it('random truncations are rejected', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: original.length - 1 }), (n) => {
        expect(check(original.subarray(0, n))).toBe('rejected');
      }),
      { numRuns: Math.min(RUNS, original.length) },
    );
  });

  it('random bit flips: rejected, or (flips in JSON whitespace padding) the identical model', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: original.length - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const b = original.slice();
        for (const [i, bit] of flips) b[i] ^= 1 << bit;
        check(b);
      }),
      { numRuns: RUNS },
    );
  });

  it('a flip inside the tensor data is caught by the CRC-32 of our files; a PyTorch file (no checksum) loads with that weight changed', () => {
    const n = Number(new DataView(original.buffer).getBigUint64(0, true));
    const b = original.slice();
    b[8 + n + 2] ^= 0x01; // low mantissa bit of the first weight
    expect(() => decodeModel(b)).toThrow(/checksum mismatch .* the file is corrupted/);
    const bare = encodeSafetensors(
      model.parameters().map((p) => [p.name, { shape: p.shape, data: p.data }] as [string, { shape: readonly number[]; data: Float32Array }]),
    );
    const m = Number(new DataView(bare.buffer).getBigUint64(0, true));
    const c = bare.slice();
    c[8 + m + 2] ^= 0x01;
    const w = decodeModel(c).tensors.get('layers.0.weight')!.data;
    expect(w[0]).not.toBe(model.parameters()[0].data[0]);
    expect(Array.from(w.subarray(1))).toEqual(Array.from(model.parameters()[0].data.subarray(1)));
  });

  it('hostile headers: huge claimed sizes, offsets out of range or overlapping, wrong dtypes, shape mismatches, NaN', () => {
    const hdr = (h: object, dataBytes = 0, claimed?: bigint) => {
      const j = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + j.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, claimed ?? BigInt(j.length), true);
      out.set(j, 8);
      return out;
    };
    const cases: Array<[Uint8Array, RegExp]> = [
      [hdr({}, 0, 0xffffffffffffffffn), /runs past the end/],
      [hdr({ 'layers.0.weight': { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4e18] } }), /must be two non-negative integers|run past/],
      [hdr({ 'layers.0.weight': { dtype: 'F32', shape: [100000, 100000], data_offsets: [0, 40] } }, 40), /needs 40000000000 bytes/],
      [hdr({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /overlaps/],
      [hdr({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, 8), /dtype "I64" is not supported/],
      [hdr({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /shape must be/],
      [hdr({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4), /no tensor 'layers.0.weight'/],
      [hdr([1, 2, 3]), /header must be a JSON object/],
      [Uint8Array.from([...hdr({}).subarray(0, 8), 0x7b, 0xff, 0x7d]), /not valid UTF-8 JSON/],
    ];
    for (const [bytes, re] of cases) {
      expect(() => decodeModel(bytes)).toThrow(ModelFormatError);
      expect(() => decodeModel(bytes)).toThrow(re);
    }
    const nan = new HamiltonianNN({ inputDim: 2, hiddenDims: [2], seed: 1 });
    nan.parameters()[2].data[0] = Infinity;
    expect(() => decodeModel(encodeModel(nan))).toThrow(/non-finite value \(Infinity\)/);
    const shapes = encodeSafetensors([
      ['layers.0.weight', { shape: [2, 2], data: new Float32Array(4) }],
      ['layers.0.bias', { shape: [3], data: new Float32Array(3) }],
    ]);
    expect(() => decodeModel(shapes)).toThrow(/'layers.0.bias' has shape \[3\], the architecture needs \[2\]/);
  });

  it('random byte strings are rejected', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(check(b)).toBe('rejected');
      }),
      { numRuns: RUNS },
    );
  });

  it('the scorer refuses what decodeModel refuses, with the same error class', () => {
    const r = new Rng(3);
    for (let i = 0; i < 50; i++) {
      const b = original.slice(0, r.int(original.length));
      expect(() => loadScorerSync(b)).toThrow(ModelFormatError);
    }
  });
});
