import { UsageError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { jsOps } from '../backend/js/index.js';
import type { Ops } from '../backend/ops.js';
import { createParameter, type Parameter } from './parameter.js';

/**
 * Fully connected layer y = x·Wᵀ + b with PyTorch's layout (W is [out, in]) and PyTorch's default
 * initialisation for `nn.Linear`: W and b uniform in ±1/√fan_in (kaiming_uniform with a = √5).
 * @example
 * const layer = new Dense(110, 64, new Rng(1), 'layers.0');
 * layer.forward(out, x, rows);
 */
export class Dense {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(inFeatures: number, outFeatures: number, rng: Rng, name = 'dense') {
    for (const [k, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`Dense: ${k} must be a positive integer, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = createParameter(`${name}.weight`, [outFeatures, inFeatures]);
    this.bias = createParameter(`${name}.bias`, [outFeatures]);
    const bound = 1 / Math.sqrt(inFeatures);
    const w = this.weight.data;
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
    const b = this.bias.data;
    for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
  }

  /** out[rows×out] = x[rows×in] · Wᵀ + b, on `ops` (which must own the tensors; the js reference by default). */
  forward(out: Float32Array, x: Float32Array, rows: number, ops: Ops = jsOps): Float32Array {
    ops.matmulNT(out, x, this.weight.data, rows, this.inFeatures, this.outFeatures);
    return ops.addBias(out, this.bias.data, rows, this.outFeatures);
  }

  /**
   * Accumulates dW += dYᵀ·X and db += Σ_rows dY; writes dX = dY·W when `dx` is given.
   * @param x the input the forward pass saw.
   */
  backward(dx: Float32Array | null, dy: Float32Array, x: Float32Array, rows: number, ops: Ops = jsOps): void {
    ops.matmulTN(this.weight.grad, dy, x, this.outFeatures, rows, this.inFeatures, true);
    ops.sumRows(this.bias.grad, dy, rows, this.outFeatures, true);
    if (dx) ops.matmul(dx, dy, this.weight.data, rows, this.outFeatures, this.inFeatures);
  }

  /** Weight and bias. */
  parameters(): Parameter[] {
    return [this.weight, this.bias];
  }
}
