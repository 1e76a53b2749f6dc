import { ACTIVATIONS, ACTIVATION_CODES, LEAKY_RELU_SLOPE, activationCode, type ActivationName } from '../core/activations.js';
import { activate, activateBackward } from '../backend/js/dense.js';

export { ACTIVATIONS, LEAKY_RELU_SLOPE, type ActivationName };

/**
 * Elementwise activations with their derivatives, as the js backend computes them (the table of names and codes
 * is `core/activations.ts`). `leaky_relu` uses PyTorch's default negative slope (0.01) and, like PyTorch, takes
 * the negative-side slope at exactly 0 (ReLU takes 0 there).
 */
export interface Activation {
  readonly name: ActivationName;
  /** out[i] = f(x[i]) for i < n (out may alias x only when `backward` is not needed). */
  forward(out: Float32Array, x: Float32Array, n: number): Float32Array;
  /** dx[i] = f'(x[i]) · dy[i], where x is the pre-activation input (dx may alias dy). */
  backward(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number): Float32Array;
}

const BY_NAME = Object.fromEntries(
  ACTIVATIONS.map((name): [ActivationName, Activation] => {
    const code = ACTIVATION_CODES[name];
    return [
      name,
      {
        name,
        forward: (out, x, n) => activate(out, x, n, code, null),
        backward(dx, x, dy, n) {
          if (dx !== dy) dx.set(dy.subarray(0, n));
          return activateBackward(dx, x, n, code, null);
        },
      },
    ];
  }),
) as Record<ActivationName, Activation>;

/**
 * Look an activation up by name; unknown names throw, listing the known ones.
 * @example
 * getActivation('leaky_relu').forward(out, x, n);
 */
export function getActivation(name: string): Activation {
  activationCode(name); // throws on an unknown name
  return BY_NAME[name as ActivationName];
}
