/**
 * ONNX export of a HamiltonianNN (opset 13): input "input" [N, inputDim] float → per hidden layer
 * Gemm(transB = 1) and the activation (Relu, LeakyRelu α = 0.01, Tanh, or GELU's tanh form as Mul/Add/Tanh) → Gemm → Softmax(axis 1) →
 * "probabilities" [N, outputDim]. Dropout is omitted (inference). The preprocessor is not part of the
 * graph: feed rows already encoded as `Preprocessor.transform` outputs them.
 * Written by a small protobuf encoder here (no dependency).
 */
import { GELU_CUBIC, GELU_SQRT_2_OVER_PI, LEAKY_RELU_SLOPE, type ActivationName } from '../core/activations.js';
import { UsageError } from '../core/errors.js';
import type { HamiltonianNNConfig } from '../nn/hamiltonian-nn.js';
import type { Calibration } from '../metrics/calibration-map.js';
import { VERSION } from '../core/version.js';

class Writer {
  private parts: number[] = [];
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.parts.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.parts.push(Number(x));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    for (const x of b) this.parts.push(x);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const FLOAT = 1;

function tensor(name: string, dims: number[], data: Float32Array): Writer {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT).string(8, name);
  const raw = new Uint8Array(data.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) dv.setFloat32(i * 4, data[i], true);
  return w.bytes(9, raw);
}

function valueInfo(name: string, dims: Array<number | string>): Writer {
  const shape = new Writer();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

function node(op: string, inputs: string[], outputs: string[], name: string, attrs: Writer[] = []): Writer {
  const w = new Writer();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name).string(4, op);
  for (const a of attrs) w.message(5, a);
  return w;
}

const intAttr = (name: string, v: number) => new Writer().string(1, name).int(3, v).int(20, 2);
const floatAttr = (name: string, v: number) => new Writer().string(1, name).float(2, v).int(20, 1);

/** The scalars GELU's decomposition multiplies and adds (opset 13 has no Gelu operator). */
const GELU_CONSTANTS: Array<[string, number]> = [
  ['gelu_cubic', GELU_CUBIC],
  ['gelu_k', GELU_SQRT_2_OVER_PI],
  ['gelu_one', 1],
  ['gelu_half', 0.5],
];

/** The nodes computing `activation` from `input` into `output` (every activation of core/activations.ts). */
function activationNodes(activation: ActivationName, input: string, output: string, name: string): Writer[] {
  switch (activation) {
    case 'relu':
      return [node('Relu', [input], [output], name)];
    case 'leaky_relu':
      return [node('LeakyRelu', [input], [output], name, [floatAttr('alpha', LEAKY_RELU_SLOPE)])];
    case 'tanh':
      return [node('Tanh', [input], [output], name)];
    case 'gelu': {
      // ½x(1 + tanh(√(2/π)(x + 0.044715x³))), the tanh form the library computes.
      const t = (s: string) => `${name}_${s}`;
      return [
        node('Mul', [input, input], [t('x2')], t('x2')),
        node('Mul', [t('x2'), input], [t('x3')], t('x3')),
        node('Mul', [t('x3'), 'gelu_cubic'], [t('ax3')], t('ax3')),
        node('Add', [input, t('ax3')], [t('inner')], t('inner')),
        node('Mul', [t('inner'), 'gelu_k'], [t('u')], t('u')),
        node('Tanh', [t('u')], [t('tanh')], t('tanh')),
        node('Add', [t('tanh'), 'gelu_one'], [t('onePlus')], t('onePlus')),
        node('Mul', [input, t('onePlus')], [t('xOnePlus')], t('xOnePlus')),
        node('Mul', [t('xOnePlus'), 'gelu_half'], [output], name),
      ];
    }
    default:
      throw new UsageError(`ONNX export: no operator for activation '${activation as string}'`);
  }
}

/**
 * Serialises the network as an ONNX model.
 * @example
 * writeFileSync('model.onnx', exportOnnx(model.config, (name) => tensors.get(name)!.data));
 */
export function exportOnnx(config: HamiltonianNNConfig, tensorData: (name: string) => Float32Array, calibration: Calibration | null = null): Uint8Array {
  if (calibration && config.outputDim !== 2) throw new UsageError('a calibrated ONNX export needs a two-class model');
  const dims = [config.inputDim, ...config.hiddenDims, config.outputDim];
  const graph = new Writer();
  let prev = 'input';
  for (let l = 0; l + 1 < dims.length; l++) {
    const gemmOut = l + 2 < dims.length ? `hidden_${l}_linear` : 'logits';
    graph.message(1, node('Gemm', [prev, `layers.${l}.weight`, `layers.${l}.bias`], [gemmOut], `gemm_${l}`, [intAttr('transB', 1)]));
    prev = gemmOut;
    if (l + 2 < dims.length) {
      const actOut = `hidden_${l}`;
      for (const n of activationNodes(config.activation, prev, actOut, `act_${l}`)) graph.message(1, n);
      prev = actOut;
    }
  }
  if (calibration?.method === 'platt') {
    // Platt on the logit d = l₁ − l₀: P = σ(−(a·d + b)). One Gemm gives [a·d + b, −(a·d + b)], a Sigmoid then
    // [1 − P, P] — the same two columns as the softmax, calibrated.
    graph.message(1, node('Gemm', ['logits', 'calibration.weight', 'calibration.bias'], ['calibrated_logits'], 'calibration'));
    graph.message(1, node('Sigmoid', ['calibrated_logits'], ['probabilities'], 'calibrated_sigmoid'));
  } else if (calibration?.method === 'isotonic') {
    // The isotonic map as a sum of ramps: P = y₀ + Σₖ slopeₖ · min(max(p − xₖ, 0), xₖ₊₁ − xₖ) — y₀ below the first point,
    // linear between points, the last y beyond — with p = the softmax's second column (a MatMul with [0, 1]ᵀ).
    graph.message(1, node('Softmax', ['logits'], ['uncalibrated'], 'softmax', [intAttr('axis', 1)]));
    graph.message(1, node('MatMul', ['uncalibrated', 'calibration.pick'], ['p1'], 'calibration_pick'));
    graph.message(1, node('Sub', ['p1', 'calibration.x'], ['ramp_shift'], 'calibration_shift'));
    graph.message(1, node('Max', ['ramp_shift', 'calibration.zero'], ['ramp_low'], 'calibration_low'));
    graph.message(1, node('Min', ['ramp_low', 'calibration.width'], ['ramps'], 'calibration_high'));
    graph.message(1, node('MatMul', ['ramps', 'calibration.slope'], ['ramp_sum'], 'calibration_sum'));
    graph.message(1, node('Add', ['ramp_sum', 'calibration.y0'], ['p_calibrated'], 'calibration_y0'));
    graph.message(1, node('Sub', ['calibration.one', 'p_calibrated'], ['q_calibrated'], 'calibration_complement'));
    graph.message(1, node('Concat', ['q_calibrated', 'p_calibrated'], ['probabilities'], 'calibration_concat', [intAttr('axis', 1)]));
  } else graph.message(1, node('Softmax', ['logits'], ['probabilities'], 'softmax', [intAttr('axis', 1)]));
  graph.string(2, 'hamiltonian_nn');
  if (config.activation === 'gelu') for (const [name, v] of GELU_CONSTANTS) graph.message(5, tensor(name, [], Float32Array.of(v)));
  for (let l = 0; l + 1 < dims.length; l++) {
    graph.message(5, tensor(`layers.${l}.weight`, [dims[l + 1], dims[l]], tensorData(`layers.${l}.weight`)));
    graph.message(5, tensor(`layers.${l}.bias`, [dims[l + 1]], tensorData(`layers.${l}.bias`)));
  }
  if (calibration?.method === 'isotonic') {
    const { x, y } = calibration;
    const k = x.length - 1;
    graph.message(5, tensor('calibration.pick', [2, 1], Float32Array.of(0, 1)));
    graph.message(
      5,
      tensor(
        'calibration.x',
        [k],
        Float32Array.from({ length: k }, (_, i) => x[i]),
      ),
    );
    graph.message(
      5,
      tensor(
        'calibration.width',
        [k],
        Float32Array.from({ length: k }, (_, i) => x[i + 1] - x[i]),
      ),
    );
    graph.message(
      5,
      tensor(
        'calibration.slope',
        [k, 1],
        Float32Array.from({ length: k }, (_, i) => (y[i + 1] - y[i]) / (x[i + 1] - x[i])),
      ),
    );
    graph.message(5, tensor('calibration.y0', [1], Float32Array.of(y[0])));
    graph.message(5, tensor('calibration.zero', [1], Float32Array.of(0)));
    graph.message(5, tensor('calibration.one', [1], Float32Array.of(1)));
  }
  if (calibration?.method === 'platt') {
    const { a, b } = calibration;
    // out = logits · W + bias: out₀ = −a·l₀ + a·l₁ + b = a·d + b, out₁ = −out₀; Sigmoid(out₁) = P.
    graph.message(5, tensor('calibration.weight', [2, 2], Float32Array.of(-a, a, a, -a)));
    graph.message(5, tensor('calibration.bias', [2], Float32Array.of(b, -b)));
  }
  graph.string(10, 'HamiltonianNN exported by hamiltonian-ai; inputs are preprocessed (encoded, standardised) rows');
  graph.message(11, valueInfo('input', ['N', config.inputDim]));
  graph.message(12, valueInfo('probabilities', ['N', config.outputDim]));
  const model = new Writer().int(1, 8).string(2, 'hamiltonian-ai').string(3, VERSION).message(7, graph).message(8, new Writer().string(1, '').int(2, 13));
  return model.finish();
}
