import { UsageError } from './errors.js';
/**
 * The activation table every backend reads: names, the integer code each kernel switches on, and the one
 * constant (leaky ReLU's negative slope, PyTorch's default). Adding an activation starts with a line here.
 */
export const ACTIVATION_CODES = { identity: 0, relu: 1, leaky_relu: 2, tanh: 3, gelu: 4 } as const;

/** The hidden-layer activations a model can use. */
export type ActivationName = Exclude<keyof typeof ACTIVATION_CODES, 'identity'>;

/** A kernel's activation code (0 is the identity, used for the output layer). */
export type ActivationCode = (typeof ACTIVATION_CODES)[keyof typeof ACTIVATION_CODES];

/** The activation names, in code order. */
export const ACTIVATIONS: readonly ActivationName[] = ['relu', 'leaky_relu', 'tanh', 'gelu'];

/** PyTorch’s default negative slope for leaky ReLU. */
export const LEAKY_RELU_SLOPE = 0.01;

/**
 * GELU in its tanh form (Hendrycks & Gimpel 2016; PyTorch's `gelu(approximate='tanh')`, as in GPT-2 and BERT
 * ports): gelu(x) = ½x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). The tanh form because neither JavaScript, WASM nor
 * GLSL/WGSL has erf; it is within 5e-4 of the erf form everywhere.
 */
export const GELU_SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** The cubic coefficient of the tanh form of GELU. */
export const GELU_CUBIC = 0.044715;

/**
 * The code of a named activation; unknown names throw, listing the known ones.
 * @example
 * activationCode('tanh'); // 3
 */
export function activationCode(name: string): ActivationCode {
  if (!(ACTIVATIONS as readonly string[]).includes(name)) throw new UsageError(`activation: unknown name '${name}' (known: ${ACTIVATIONS.join(', ')})`);
  return ACTIVATION_CODES[name as ActivationName];
}

/**
 * P(class 1) from a binary model's logit difference d = l1 − l0 (the softmax of two logits is the logistic of their
 * difference), in the form stable for either sign: 1/(1 + e^−d) for d ≥ 0, e^d/(1 + e^d) below — one exp, e^−|d|, and
 * a select for the numerator instead of a branch on the sign (half the copies of reason codes go each way). The WASM
 * `binaryProbabilities` performs the same operations with fdlibm's exp, V8's Math.exp.
 * @example
 * logisticOfDifference(2); // 0.8807970779778823
 */
export function logisticOfDifference(d: number): number {
  const e = Math.exp(-Math.abs(d));
  return (d >= 0 ? 1 : e) / (1 + e);
}
