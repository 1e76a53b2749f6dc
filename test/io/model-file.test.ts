import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HamiltonianNN } from '../../src/index.js';
import { decodeModel, encodeModel, sealChecksum } from '../../src/io/model-file.js';
import { ModelFormatError, decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { VERSION } from '../../src/core/version.js';

const fixture = (f: string) => new URL(`../fixtures/${f}`, import.meta.url);

describe('safetensors container', () => {
  it('round-trips tensors and metadata; data starts 8-byte aligned; header length is little-endian u64', () => {
    const bytes = encodeSafetensors(
      [
        ['a', { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
        ['b', { shape: [1], data: Float32Array.of(-0.5) }],
      ],
      { k: 'v' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ k: 'v' });
    expect(back.tensors.get('a')!.data).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6));
    expect(back.tensors.get('b')!.shape).toEqual([1]);
  });

  const bad: Array<[string, (b: Uint8Array) => Uint8Array, RegExp]> = [
    ['too short', (b) => b.subarray(0, 5), /too short/],
    [
      'header length past the end',
      (b) => {
        const c = b.slice();
        new DataView(c.buffer).setBigUint64(0, 1n << 40n, true);
        return c;
      },
      /runs past the end/,
    ],
    ['truncated data', (b) => b.subarray(0, b.length - 4), /run past the .* bytes of data/],
    ['trailing bytes', (b) => Uint8Array.from([...b, 0, 0, 0, 0]), /bytes after the last tensor/],
  ];
  for (const [name, mutate, re] of bad) {
    it(`rejects: ${name}`, () => {
      const bytes = encodeSafetensors([['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]]);
      expect(() => decodeSafetensors(mutate(bytes))).toThrow(ModelFormatError);
      expect(() => decodeSafetensors(mutate(bytes))).toThrow(re);
    });
  }

  it('rejects overlapping offsets, wrong dtypes and shapes that disagree with the byte length', () => {
    const make = (header: object, dataBytes: number) => {
      const h = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + h.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
      out.set(h, 8);
      return out;
    };
    expect(() =>
      decodeSafetensors(make({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12)),
    ).toThrow(/overlaps/);
    expect(() => decodeSafetensors(make({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4))).toThrow(/dtype "F16" is not supported/);
    expect(() => decodeSafetensors(make({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8))).toThrow(/needs 12 bytes, offsets give 8/);
    expect(() => decodeSafetensors(make({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, 8))).toThrow(/reversed/);
    expect(() => decodeSafetensors(make({ __metadata__: { x: 1 } }, 0))).toThrow(/__metadata__.x must be a string/);
  });
});

describe('model file', () => {
  it('round-trips a model with its config; same model → same bytes', () => {
    const m = new HamiltonianNN({ inputDim: 5, hiddenDims: [4, 3], activation: 'tanh', seed: 3 });
    const a = encodeModel(m, { training: { seed: 3 } }),
      b = encodeModel(m, { training: { seed: 3 } });
    expect(a).toEqual(b);
    const back = decodeModel(a);
    expect(back.config).toEqual(m.config);
    expect(back.libraryVersion).toBe(VERSION);
    expect(back.training).toEqual({ seed: 3 });
    for (const p of m.parameters()) expect(back.tensors.get(p.name)!.data).toEqual(p.data);
  });

  it('validates tensors against the architecture and refuses NaN weights', () => {
    const m = new HamiltonianNN({ inputDim: 3, hiddenDims: [2], seed: 1 });
    m.parameters()[0].data[1] = NaN;
    expect(() => decodeModel(encodeModel(m))).toThrow(/'layers.0.weight' holds a non-finite value \(NaN\) at index 1/);
    const sealed = (t: Array<[string, { shape: number[]; data: Float32Array }]>) =>
      sealChecksum(encodeSafetensors(t, { config: JSON.stringify(m.config), crc32: '00000000' }));
    expect(() => decodeModel(sealed([['layers.0.weight', { shape: [2, 3], data: new Float32Array(6) }]]))).toThrow(/tensor 'layers.0.bias' is missing/);
    expect(() => decodeModel(sealed([['layers.0.weight', { shape: [3, 3], data: new Float32Array(9) }]]))).toThrow(
      /has shape \[3,3\], the architecture needs \[2,3\]/,
    );
    expect(() =>
      decodeModel(encodeSafetensors([['layers.0.weight', { shape: [2, 3], data: new Float32Array(6) }]], { config: JSON.stringify(m.config) })),
    ).toThrow(/no checksum/);
    expect(() => decodeModel(encodeSafetensors([], { format: 'other' }))).toThrow(/format is 'other'/);
    expect(() => decodeModel(encodeSafetensors([], { format: 'hamiltonian-ai', format_version: '9' }))).toThrow(/format version 9 is not supported/);
  });

  it('finds its checksum field in headers with non-ASCII text, and refuses a header with two', () => {
    const m = new HamiltonianNN({ inputDim: 3, hiddenDims: [2], seed: 1 });
    const tensors = m.parameters().map((p) => [p.name, { shape: [...p.shape], data: p.data }] as [string, { shape: number[]; data: Float32Array }]);
    // Multi-byte UTF-8 before the field: byte and character offsets differ.
    const bytes = sealChecksum(encodeSafetensors(tensors, { config: JSON.stringify(m.config), note: 'Zürich – Ünïcødé ✓ 信用', crc32: '00000000' }));
    expect(decodeModel(bytes).metadata.note).toBe('Zürich – Ünïcødé ✓ 信用');
    const flipped = bytes.slice();
    flipped[flipped.length - 1] ^= 1;
    expect(() => decodeModel(flipped)).toThrow(/checksum mismatch/);
    // A value cannot fake the field (JSON escapes its quotes); a hand-made header with two is refused.
    expect(
      decodeModel(sealChecksum(encodeSafetensors(tensors, { config: JSON.stringify(m.config), a: '"crc32":"00000000', crc32: '00000000' }))).metadata.a,
    ).toBe('"crc32":"00000000');
    const header = new TextEncoder().encode('{"__metadata__":{"crc32":"00000000"},"x":{"crc32":"00000000"}}');
    const twice = new Uint8Array(8 + header.length);
    new DataView(twice.buffer).setBigUint64(0, BigInt(header.length), true);
    twice.set(header, 8);
    expect(() => sealChecksum(twice)).toThrow(/exactly one crc32 field/);
  });

  it('VERSION matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
});

describe('PyTorch interoperability (fixtures made once by test/fixtures/generate_torch_interop.py)', () => {
  it('a PyTorch-trained HamiltonianNN state dict loads here and gives the same probabilities to 1e-6', () => {
    const expected = JSON.parse(readFileSync(fixture('torch_expected.json'), 'utf8'));
    expect(expected.keys).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias']);
    const content = decodeModel(readFileSync(fixture('torch_model.safetensors')));
    expect(content.config).toMatchObject({ inputDim: 6, hiddenDims: [5, 4], outputDim: 2, activation: 'leaky_relu' });
    for (const backend of ['js', 'wasm'] as const) {
      const model = new HamiltonianNN({ ...content.config, backend });
      for (const p of model.parameters()) p.data.set(content.tensors.get(p.name)!.data);
      const p = model.predictProba(Float32Array.from(expected.inputs), expected.rows);
      p.forEach((v, i) => expect(Math.abs(v - expected.probabilities[i])).toBeLessThan(1e-6));
    }
  });

  it('the model this library saved (ts_model.safetensors) is the one the fixture script loaded into PyTorch', () => {
    const exp = JSON.parse(readFileSync(fixture('ts_expected.json'), 'utf8'));
    const content = decodeModel(readFileSync(fixture('ts_model.safetensors')));
    const model = new HamiltonianNN({ ...content.config, backend: 'js' });
    for (const p of model.parameters()) p.data.set(content.tensors.get(p.name)!.data);
    const p = model.predictProba(Float32Array.from(exp.inputs), exp.rows);
    p.forEach((v, i) => expect(v).toBe(Math.fround(exp.probabilities[i])));
  });
});
