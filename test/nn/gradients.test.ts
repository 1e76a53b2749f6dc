import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTIVATIONS, Dense, HamiltonianNN, Rng, getActivation, hamiltonianLoss, softmaxCrossEntropy, type ActivationName } from '../../src/index.js';
import { act64, close, numericGrad, refCrossEntropy, refLogits, refReg, type RefNet } from '../helpers/reference.js';

const ATOL = 3e-4;
const RTOL = 3e-3;

function randomInput(rng: Rng, n: number, scale = 1.5): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniform(-scale, scale);
  return x;
}

/** A float64 copy of a model, with the dropout masks of its last forward pass. */
function toRef(model: HamiltonianNN): RefNet {
  return {
    dims: [model.inputDim, ...model.config.hiddenDims, model.outputDim],
    weights: model.layers.map((l) => Float64Array.from(l.weight.data)),
    biases: model.layers.map((l) => Float64Array.from(l.bias.data)),
    activation: model.config.activation as RefNet['activation'],
    masks: model.dropouts.map((d) => (d.active ? Float64Array.from(d.mask) : null)),
  };
}

const arch = fc.record({
  inputDim: fc.integer({ min: 1, max: 6 }),
  hiddenDims: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 3 }),
  outputDim: fc.integer({ min: 2, max: 4 }),
  rows: fc.integer({ min: 1, max: 5 }),
  activation: fc.constantFrom<ActivationName>(...ACTIVATIONS),
  dropoutRate: fc.constantFrom(0, 0.3),
  regularizer: fc.constantFrom<'norm' | 'l2'>('norm', 'l2'),
  regCoeff: fc.constantFrom(0, 0.01, 0.5),
  weighted: fc.boolean(),
  seed: fc.nat({ max: 1e9 }),
});

describe('gradients match central differences of an independent float64 reference', () => {
  it('activations: f′ matches (away from the kink)', () => {
    for (const name of ACTIVATIONS) {
      const a = getActivation(name);
      const rng = new Rng(1);
      const x = randomInput(rng, 64, 3);
      const dy = randomInput(rng, 64);
      const dx = a.backward(new Float32Array(64), x, dy, 64);
      const y = a.forward(new Float32Array(64), x, 64);
      for (let i = 0; i < 64; i++) {
        if (Math.abs(x[i]) < 1e-3) continue;
        expect(y[i]).toBeCloseTo(act64(name, x[i]), 6);
        const h = 1e-6;
        const d = (act64(name, x[i] + h) - act64(name, x[i] - h)) / (2 * h);
        expect(close(dx[i], d * dy[i], 1e-6, 1e-5), `${name} at ${x[i]}`).toBe(true);
      }
    }
    expect(() => getActivation('sigmoid')).toThrow(/unknown name 'sigmoid'.*relu, leaky_relu, tanh, gelu/);
    expect(() => getActivation('toString')).toThrow(/unknown name/);
  });

  it('Dense: weight, bias and input gradients', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }), fc.nat(), (nin, nout, rows, seed) => {
        const rng = new Rng(seed);
        const layer = new Dense(nin, nout, rng);
        const x = randomInput(rng, rows * nin);
        const w = Float64Array.from(randomInput(rng, rows * nout)); // loss = Σ w ⊙ y
        layer.forward(new Float32Array(rows * nout), x, rows);
        const dx = new Float32Array(rows * nin);
        layer.backward(dx, Float32Array.from(w), x, rows);
        const W = Float64Array.from(layer.weight.data),
          b = Float64Array.from(layer.bias.data),
          X = Float64Array.from(x);
        const f = () => {
          let s = 0;
          for (let r = 0; r < rows; r++)
            for (let j = 0; j < nout; j++) {
              let y = b[j];
              for (let i = 0; i < nin; i++) y += X[r * nin + i] * W[j * nin + i];
              s += w[r * nout + j] * y;
            }
          return s;
        };
        for (let i = 0; i < W.length; i++) expect(close(layer.weight.grad[i], numericGrad(f, W, i), ATOL, RTOL)).toBe(true);
        for (let i = 0; i < b.length; i++) expect(close(layer.bias.grad[i], numericGrad(f, b, i), ATOL, RTOL)).toBe(true);
        for (let i = 0; i < X.length; i++) expect(close(dx[i], numericGrad(f, X, i), ATOL, RTOL)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('fused softmax cross-entropy (with and without class weights), value and gradient', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 5 }), fc.boolean(), fc.nat(), (rows, k, weighted, seed) => {
        const rng = new Rng(seed);
        const z = randomInput(rng, rows * k, 4);
        const y = Array.from({ length: rows }, () => rng.int(k));
        const w = weighted ? Array.from({ length: k }, () => rng.uniform(0.2, 3)) : undefined;
        const { loss, grad } = softmaxCrossEntropy(z, y, rows, k, { classWeights: w });
        const Z = Float64Array.from(z);
        const f = () => refCrossEntropy(Z, y, rows, k, w);
        expect(close(loss, f(), 1e-6, 1e-6)).toBe(true);
        for (let i = 0; i < Z.length; i++) expect(close(grad[i], numericGrad(f, Z, i), 1e-6, 1e-5)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('whole HamiltonianNN + hamiltonianLoss (regulariser included), every parameter and the input', () => {
    fc.assert(
      fc.property(arch, (a) => {
        const model = new HamiltonianNN({ ...a, seed: a.seed });
        const rng = new Rng(a.seed + 1);
        const x = randomInput(rng, a.rows * a.inputDim);
        const y = Array.from({ length: a.rows }, () => rng.int(a.outputDim));
        const w = a.weighted ? Array.from({ length: a.outputDim }, () => rng.uniform(0.5, 2)) : undefined;
        model.train().zeroGrad();
        const logits = model.forward(x, a.rows);
        const res = hamiltonianLoss(logits, y, model, { regCoeff: a.regCoeff, regularizer: a.regularizer, classWeights: w }, a.rows);
        const dx = new Float32Array(a.rows * a.inputDim);
        model.backward(res.grad, a.rows, dx);

        const ref = toRef(model);
        const X = Float64Array.from(x);
        const f = () => refCrossEntropy(refLogits(ref, X, a.rows), y, a.rows, a.outputDim, w) + a.regCoeff * refReg(ref, a.regularizer);
        expect(close(res.loss, f(), 1e-5, 1e-4)).toBe(true);
        const params = model.parameters();
        params.forEach((p, pi) => {
          const l = pi >> 1;
          const arr = pi % 2 === 0 ? ref.weights[l] : ref.biases[l];
          for (let i = 0; i < arr.length; i++) {
            const num = numericGrad(f, arr, i);
            expect(close(p.grad[i], num, ATOL, RTOL), `${p.name}[${i}]: analytic ${p.grad[i]} vs numeric ${num}`).toBe(true);
          }
        });
        for (let i = 0; i < X.length; i++) {
          const num = numericGrad(f, X, i);
          expect(close(dx[i], num, ATOL, RTOL), `input[${i}]: ${dx[i]} vs ${num}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("compat: 'python' adds the regulariser's value but no gradient (the original's .item() behaviour)", () => {
    const make = () => new HamiltonianNN({ inputDim: 3, hiddenDims: [4], dropoutRate: 0, seed: 5 });
    const x = randomInput(new Rng(2), 6);
    const y = [0, 1];
    const a = make(),
      b = make();
    const ra = hamiltonianLoss(a.forward(x, 2), y, a, { regCoeff: 0.1, compat: 'python' }, 2);
    a.backward(ra.grad, 2);
    const rb = hamiltonianLoss(b.forward(x, 2), y, b, { regCoeff: 0 }, 2);
    b.backward(rb.grad, 2);
    expect(ra.loss).toBeCloseTo(rb.loss + 0.1 * ra.regLoss, 10);
    expect(ra.regLoss).toBeGreaterThan(0);
    a.parameters().forEach((p, i) => expect([...p.grad]).toEqual([...b.parameters()[i].grad]));
    // …while the default does act on the gradient.
    const c = make();
    const rc = hamiltonianLoss(c.forward(x, 2), y, c, { regCoeff: 0.1 }, 2);
    c.backward(rc.grad, 2);
    expect([...c.parameters()[0].grad]).not.toEqual([...b.parameters()[0].grad]);
  });

  it('stays finite and exact for any logits up to ±1e4 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 2, maxLength: 12 }), fc.nat(), (zs, yi) => {
        const k = 2 + (zs.length % 3);
        const rows = Math.floor(zs.length / k);
        fc.pre(rows >= 1);
        const z = Float32Array.from(zs.slice(0, rows * k));
        const y = Array.from({ length: rows }, (_, r) => (yi + r) % k);
        const { loss, grad } = softmaxCrossEntropy(z, y, rows, k);
        expect(Number.isFinite(loss)).toBe(true);
        expect(loss).toBeGreaterThanOrEqual(0);
        expect([...grad].every(Number.isFinite)).toBe(true);
        // Each row's gradient sums to 0 (softmax − one-hot) and lies in [−1, 1]/rows.
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let j = 0; j < k; j++) {
            s += grad[r * k + j];
            expect(Math.abs(grad[r * k + j])).toBeLessThanOrEqual(1 / rows + 1e-7);
          }
          expect(Math.abs(s)).toBeLessThan(1e-6);
        }
        expect(close(loss, refCrossEntropy(Float64Array.from(z), y, rows, k), 1e-6, 1e-6)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('stays finite for logits of ±1e4', () => {
    const z = Float32Array.of(1e4, -1e4, -1e4, 1e4, 0, 0);
    const { loss, grad } = softmaxCrossEntropy(z, [0, 0, 1], 3, 2);
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo((0 + 2e4 + Math.LN2) / 3, 3);
    expect([...grad].every(Number.isFinite)).toBe(true);
  });
});
