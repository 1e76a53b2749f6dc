/**
 * Elementwise activations with their derivatives. `leaky_relu` uses PyTorch's default negative slope
 * (0.01) and, like PyTorch, takes the negative-side slope at exactly 0 (ReLU takes 0 there).
 */
export type ActivationName = 'relu' | 'leaky_relu' | 'tanh';

/** The activation names. */
export const ACTIVATIONS: readonly ActivationName[] = ['relu', 'leaky_relu', 'tanh'];

/** PyTorch’s default negative slope for leaky ReLU. */
export const LEAKY_RELU_SLOPE = 0.01;

/** An elementwise activation and its derivative. */
export interface Activation {
  readonly name: ActivationName;
  /** out[i] = f(x[i]) for i < n (out may alias x only when `backward` is not needed). */
  forward(out: Float32Array, x: Float32Array, n: number): Float32Array;
  /** dx[i] = f'(x[i]) · dy[i], where x is the pre-activation input (dx may alias dy). */
  backward(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number): Float32Array;
}

const relu: Activation = {
  name: 'relu',
  forward(out, x, n) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = v > 0 ? v : 0;
    }
    return out;
  },
  backward(dx, x, dy, n) {
    for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
    return dx;
  },
};

const leakyRelu: Activation = {
  name: 'leaky_relu',
  forward(out, x, n) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = v > 0 ? v : v * LEAKY_RELU_SLOPE;
    }
    return out;
  },
  backward(dx, x, dy, n) {
    for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * LEAKY_RELU_SLOPE;
    return dx;
  },
};

const tanh: Activation = {
  name: 'tanh',
  forward(out, x, n) {
    for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
    return out;
  },
  backward(dx, x, dy, n) {
    for (let i = 0; i < n; i++) {
      const t = Math.tanh(x[i]);
      dx[i] = dy[i] * (1 - t * t);
    }
    return dx;
  },
};

const BY_NAME: Record<ActivationName, Activation> = { relu, leaky_relu: leakyRelu, tanh };

/**
 * Look an activation up by name; unknown names throw, listing the known ones.
 * @example
 * getActivation('leaky_relu').forward(out, x, n);
 */
export function getActivation(name: string): Activation {
  const a = Object.hasOwn(BY_NAME, name) ? BY_NAME[name as ActivationName] : undefined;
  if (!a) {
    throw new RangeError(`activation: unknown name '${name}' (known: ${ACTIVATIONS.join(', ')})`);
  }
  return a;
}
