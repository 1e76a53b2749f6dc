import { UsageError } from '../core/errors.js';
import type { Rng4 } from '../core/rng.js';
import { dropoutMask } from '../backend/js/dropout.js';

/**
 * Inverted dropout (Srivastava et al., JMLR 2014, as implemented by PyTorch's `nn.Dropout`): in training
 * each element is zeroed with probability p and survivors are scaled by 1/(1−p), so the expectation is
 * unchanged; in evaluation it is the identity. The mask is kept for the backward pass (and can be reused
 * for a second forward pass over the same batch, which closure-based optimisers need).
 * @example
 * const d = new Dropout(0.2);
 * d.forward(out, x, n, rng); // d.eval-like: set d.training = false for the identity
 */
export class Dropout {
  readonly p: number;
  training = true;
  /** Per-element multiplier of the last training forward pass: 0 or 1/(1−p). */
  mask: Float32Array = new Float32Array(0);
  private maskLength = 0;

  constructor(p: number) {
    if (!(p >= 0 && p <= 1)) throw new UsageError(`dropoutRate must be in [0, 1], got ${p}`);
    this.p = p;
  }

  /** Whether this layer changes its input in the current mode. */
  get active(): boolean {
    return this.training && this.p > 0;
  }

  /**
   * out = x ⊙ mask. Draws a new mask from `rng` unless `reuseMask` (then the previous mask, which must
   * cover n elements, is applied). In eval mode or with p = 0, copies x. Element i is kept when
   * u_i ≥ p, u_i being the i-th uniform of `rng` (four interleaved streams, so the WASM kernel draws the
   * same bits four lanes at a time).
   */
  forward(out: Float32Array, x: Float32Array, n: number, rng: Rng4, reuseMask = false): Float32Array {
    if (!this.active) {
      if (out !== x) out.set(x.subarray(0, n));
      return out;
    }
    if (reuseMask) {
      if (this.maskLength !== n) throw new UsageError(`Dropout: cannot reuse a mask of ${this.maskLength} elements for ${n}`);
    } else this.drawMask(n, rng);
    const mask = this.mask;
    for (let i = 0; i < n; i++) out[i] = x[i] * mask[i];
    return out;
  }

  /**
   * Draws a new mask of n elements from `rng` into `mask` (0 or 1/(1−p); element i kept when its uniform
   * u_i ≥ p) and returns it. `forward` draws through this; the GPU path uploads the same bits.
   */
  drawMask(n: number, rng: Rng4): Float32Array {
    if (this.mask.length < n) this.mask = new Float32Array(n);
    dropoutMask(this.mask, n, this.p, rng);
    this.maskLength = n;
    return this.mask.subarray(0, n);
  }

  /** dx = dy ⊙ mask (identity in eval mode); dx may alias dy. */
  backward(dx: Float32Array, dy: Float32Array, n: number): Float32Array {
    if (!this.active) {
      if (dx !== dy) dx.set(dy.subarray(0, n));
      return dx;
    }
    const mask = this.mask;
    for (let i = 0; i < n; i++) dx[i] = dy[i] * mask[i];
    return dx;
  }
}
