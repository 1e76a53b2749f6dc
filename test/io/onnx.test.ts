import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, HamiltonianNN, Rng } from '../../src/index.js';
import { exportOnnx } from '../../src/io/onnx.js';

describe('ONNX export, every activation', () => {
  it.each(ACTIVATIONS)('%s: onnxruntime-web gives the probabilities predictProba gives (1e-5)', async (activation) => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    const model = new HamiltonianNN({ inputDim: 7, hiddenDims: [9, 5], outputDim: 3, activation, seed: 4, backend: 'js' });
    const rng = new Rng(5);
    const rows = 40;
    const x = Float32Array.from({ length: rows * 7 }, () => 3 * rng.normal());
    const session = await ort.InferenceSession.create(exportOnnx(model.config, (n) => model.parameters().find((p) => p.name === n)!.data));
    const got = (await session.run({ input: new ort.Tensor('float32', x, [rows, 7]) })).probabilities.data as Float32Array;
    const want = model.predictProba(x, rows);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
  });
});
