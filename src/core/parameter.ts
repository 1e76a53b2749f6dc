/**
 * A trainable tensor: its values and the gradient accumulated into it by backward passes.
 * Optimisers act on these (never on models), so they work on any model that exposes `parameters()`.
 */
export interface Parameter {
  /** Stable name, e.g. `layers.0.weight` (matches the PyTorch original's `state_dict` keys). */
  readonly name: string;
  /** Shape, PyTorch convention: a Linear weight is [out, in]. */
  readonly shape: readonly number[];
  /** Values (row-major). */
  data: Float32Array;
  /**
   * Gradient of the loss w.r.t. `data`; backward passes add into it, `zeroGrad()` clears it. On a model with a
   * WASM backend both are views into its memory, and losses and optimisers find its ops from them (`opsOf`).
   */
  grad: Float32Array;
}

/** Anything that exposes its trainable tensors, e.g. a `HamiltonianNN`. */
export interface HasParameters {
  /** The trainable tensors. */
  parameters(): Parameter[];
}
