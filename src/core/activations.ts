import { UsageError } from './errors.js';
/**
 * The activation table every backend reads: names, the integer code each kernel switches on, and the one
 * constant (leaky ReLU's negative slope, PyTorch's default). Adding an activation starts with a line here.
 */
export const ACTIVATION_CODES = { identity: 0, relu: 1, leaky_relu: 2, tanh: 3 } as const;

/** The hidden-layer activations a model can use. */
export type ActivationName = Exclude<keyof typeof ACTIVATION_CODES, 'identity'>;

/** A kernel's activation code (0 is the identity, used for the output layer). */
export type ActivationCode = (typeof ACTIVATION_CODES)[keyof typeof ACTIVATION_CODES];

/** The activation names, in code order. */
export const ACTIVATIONS: readonly ActivationName[] = ['relu', 'leaky_relu', 'tanh'];

/** PyTorch’s default negative slope for leaky ReLU. */
export const LEAKY_RELU_SLOPE = 0.01;

/**
 * The code of a named activation; unknown names throw, listing the known ones.
 * @example
 * activationCode('tanh'); // 3
 */
export function activationCode(name: string): ActivationCode {
  if (!(ACTIVATIONS as readonly string[]).includes(name)) throw new UsageError(`activation: unknown name '${name}' (known: ${ACTIVATIONS.join(', ')})`);
  return ACTIVATION_CODES[name as ActivationName];
}
