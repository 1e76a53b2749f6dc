import type { Parameter } from '../core/parameter.js';

export type { HasParameters, Parameter } from '../core/parameter.js';

/**
 * A zero-filled parameter of the given shape.
 * @example
 * const w = createParameter('w', [2, 3]); // data and grad zero-filled, length 6
 */
export function createParameter(name: string, shape: readonly number[]): Parameter {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name, shape: [...shape], data: new Float32Array(size), grad: new Float32Array(size) };
}

/**
 * Clears the gradients of the given parameters.
 * @example
 * zeroGrads(model.parameters());
 */
export function zeroGrads(params: readonly Parameter[]): void {
  for (const p of params) p.grad.fill(0);
}
