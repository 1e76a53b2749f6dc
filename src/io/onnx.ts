/**
 * ONNX export of a HamiltonianNN (opset 13): input "input" [N, inputDim] float → per hidden layer
 * Gemm(transB = 1) and the activation (Relu, LeakyRelu α = 0.01, Tanh, or GELU's tanh form as Mul/Add/Tanh) → Gemm → Softmax(axis 1)
 * (then the model's calibration) → "probabilities" [N, outputDim]. Dropout is omitted (inference). This graph takes
 * rows already encoded as `Preprocessor.transform` outputs them; onnx-pipeline.ts puts the preprocessor in front.
 */
import { GELU_CUBIC, GELU_SQRT_2_OVER_PI, LEAKY_RELU_SLOPE, type ActivationName } from '../core/activations.js';
import { UsageError } from '../core/errors.js';
import type { HamiltonianNNConfig } from '../nn/hamiltonian-nn.js';
import type { Calibration } from '../metrics/calibration-map.js';
import { VERSION } from '../core/version.js';
import { Graph, floatAttr, intAttr, modelBytes, valueInfo, type Writer } from './onnx-proto.js';

/** A node's arguments to `Graph.node`. */
type NodeArgs = [op: string, inputs: string[], outputs: string[], name: string, attrs?: Writer[]];
const nodeArgs = (...args: NodeArgs): NodeArgs => args;

/** The scalars GELU's decomposition multiplies and adds (opset 13 has no Gelu operator). */
const GELU_CONSTANTS: Array<[string, number]> = [
  ['gelu_cubic', GELU_CUBIC],
  ['gelu_k', GELU_SQRT_2_OVER_PI],
  ['gelu_one', 1],
  ['gelu_half', 0.5],
];

/** The nodes computing `activation` from `input` into `output` (every activation of core/activations.ts). */
function activationNodes(activation: ActivationName, input: string, output: string, name: string): NodeArgs[] {
  switch (activation) {
    case 'relu':
      return [nodeArgs('Relu', [input], [output], name)];
    case 'leaky_relu':
      return [nodeArgs('LeakyRelu', [input], [output], name, [floatAttr('alpha', LEAKY_RELU_SLOPE)])];
    case 'tanh':
      return [nodeArgs('Tanh', [input], [output], name)];
    case 'gelu': {
      // ½x(1 + tanh(√(2/π)(x + 0.044715x³))), the tanh form the library computes.
      const t = (s: string) => `${name}_${s}`;
      return [
        nodeArgs('Mul', [input, input], [t('x2')], t('x2')),
        nodeArgs('Mul', [t('x2'), input], [t('x3')], t('x3')),
        nodeArgs('Mul', [t('x3'), 'gelu_cubic'], [t('ax3')], t('ax3')),
        nodeArgs('Add', [input, t('ax3')], [t('inner')], t('inner')),
        nodeArgs('Mul', [t('inner'), 'gelu_k'], [t('u')], t('u')),
        nodeArgs('Tanh', [t('u')], [t('tanh')], t('tanh')),
        nodeArgs('Add', [t('tanh'), 'gelu_one'], [t('onePlus')], t('onePlus')),
        nodeArgs('Mul', [input, t('onePlus')], [t('xOnePlus')], t('xOnePlus')),
        nodeArgs('Mul', [t('xOnePlus'), 'gelu_half'], [output], name),
      ];
    }
    default:
      throw new UsageError(`ONNX export: no operator for activation '${activation as string}'`);
  }
}

/**
 * Adds the network (and the model's calibration) to `g`: from `input` (encoded rows [N, inputDim]) to `output`
 * ([N, outputDim] probabilities). Shared by the encoded-input export and the whole-pipeline one.
 */
export function addNetwork(
  g: Graph,
  config: HamiltonianNNConfig,
  tensorData: (name: string) => Float32Array,
  calibration: Calibration | null,
  input: string,
  output: string,
): void {
  if (calibration && config.outputDim !== 2) throw new UsageError('a calibrated ONNX export needs a two-class model');
  const dims = [config.inputDim, ...config.hiddenDims, config.outputDim];
  if (config.activation === 'gelu') for (const [name, v] of GELU_CONSTANTS) g.constant(name, [], Float32Array.of(v));
  let prev = input;
  for (let l = 0; l + 1 < dims.length; l++) {
    g.constant(`layers.${l}.weight`, [dims[l + 1], dims[l]], tensorData(`layers.${l}.weight`));
    g.constant(`layers.${l}.bias`, [dims[l + 1]], tensorData(`layers.${l}.bias`));
    const gemmOut = l + 2 < dims.length ? `hidden_${l}_linear` : 'logits';
    g.node('Gemm', [prev, `layers.${l}.weight`, `layers.${l}.bias`], [gemmOut], `gemm_${l}`, [intAttr('transB', 1)]);
    prev = gemmOut;
    if (l + 2 < dims.length) {
      const actOut = `hidden_${l}`;
      for (const n of activationNodes(config.activation, prev, actOut, `act_${l}`)) g.node(...n);
      prev = actOut;
    }
  }
  if (calibration?.method === 'platt') {
    // Platt on the logit d = l₁ − l₀: P = σ(−(a·d + b)). One Gemm gives [a·d + b, −(a·d + b)], a Sigmoid then
    // [1 − P, P] — the same two columns as the softmax, calibrated.
    // out = logits · W + bias: out₀ = −a·l₀ + a·l₁ + b = a·d + b, out₁ = −out₀; Sigmoid(out₁) = P.
    const { a, b } = calibration;
    g.constant('calibration.weight', [2, 2], Float32Array.of(-a, a, a, -a));
    g.constant('calibration.bias', [2], Float32Array.of(b, -b));
    g.node('Gemm', ['logits', 'calibration.weight', 'calibration.bias'], ['calibrated_logits'], 'calibration');
    g.node('Sigmoid', ['calibrated_logits'], [output], 'calibrated_sigmoid');
  } else if (calibration?.method === 'isotonic') {
    // The isotonic map as a sum of ramps: P = y₀ + Σₖ slopeₖ · min(max(p − xₖ, 0), xₖ₊₁ − xₖ) — y₀ below the first point,
    // linear between points, the last y beyond — with p = the softmax's second column (a MatMul with [0, 1]ᵀ).
    const { x, y } = calibration;
    const k = x.length - 1;
    g.constant('calibration.pick', [2, 1], Float32Array.of(0, 1));
    g.constant(
      'calibration.x',
      [k],
      Float32Array.from({ length: k }, (_, i) => x[i]),
    );
    g.constant(
      'calibration.width',
      [k],
      Float32Array.from({ length: k }, (_, i) => x[i + 1] - x[i]),
    );
    g.constant(
      'calibration.slope',
      [k, 1],
      Float32Array.from({ length: k }, (_, i) => (y[i + 1] - y[i]) / (x[i + 1] - x[i])),
    );
    g.constant('calibration.y0', [1], Float32Array.of(y[0]));
    g.constant('calibration.zero', [1], Float32Array.of(0));
    g.constant('calibration.one', [1], Float32Array.of(1));
    g.node('Softmax', ['logits'], ['uncalibrated'], 'softmax', [intAttr('axis', 1)]);
    g.node('MatMul', ['uncalibrated', 'calibration.pick'], ['p1'], 'calibration_pick');
    g.node('Sub', ['p1', 'calibration.x'], ['ramp_shift'], 'calibration_shift');
    g.node('Max', ['ramp_shift', 'calibration.zero'], ['ramp_low'], 'calibration_low');
    g.node('Min', ['ramp_low', 'calibration.width'], ['ramps'], 'calibration_high');
    g.node('MatMul', ['ramps', 'calibration.slope'], ['ramp_sum'], 'calibration_sum');
    g.node('Add', ['ramp_sum', 'calibration.y0'], ['p_calibrated'], 'calibration_y0');
    g.node('Sub', ['calibration.one', 'p_calibrated'], ['q_calibrated'], 'calibration_complement');
    g.node('Concat', ['q_calibrated', 'p_calibrated'], [output], 'calibration_concat', [intAttr('axis', 1)]);
  } else g.node('Softmax', ['logits'], [output], 'softmax', [intAttr('axis', 1)]);
}

/**
 * Serialises the network as an ONNX model whose input is encoded rows (`export-onnx --encoded`); see
 * `exportPipelineOnnx` for the graph that reads raw columns.
 * @example
 * writeFileSync('model.onnx', exportOnnx(model.config, (name) => tensors.get(name)!.data));
 */
export function exportOnnx(config: HamiltonianNNConfig, tensorData: (name: string) => Float32Array, calibration: Calibration | null = null): Uint8Array {
  const g = new Graph();
  addNetwork(g, config, tensorData, calibration, 'input', 'probabilities');
  g.inputs.push(valueInfo('input', ['N', config.inputDim]));
  g.outputs.push(valueInfo('probabilities', ['N', config.outputDim]));
  return modelBytes(g, {
    producerVersion: VERSION,
    graphName: 'hamiltonian_nn',
    doc: 'HamiltonianNN exported by hamiltonian-ai; inputs are preprocessed (encoded, standardised) rows',
    opsets: [['', 13]],
  });
}
