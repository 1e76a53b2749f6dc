import type { ActivationCode } from '../core/activations.js';
import type { Rng4 } from '../core/rng.js';

/** Where kernels run: `js` is the reference implementation; `wasm` the AssemblyScript build; `gpu` gpu.js. */
export type BackendName = 'js' | 'wasm' | 'gpu';

/** out[m×n] (+)= op(a) · op(b); the op names say which operand is transposed (row-major storage). */
export type MatmulKernel = (out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, accumulate?: boolean) => Float32Array;

/** Adam's per-step constants (bias corrections folded in by the optimiser). */
export interface AdamStepConstants {
  stepSize: number;
  beta1: number;
  beta2: number;
  /** √(1 − β₂ᵗ). */
  sqrtBc2: number;
  epsilon: number;
  /** Coefficient of θ added to the gradient (L2 weight decay; 0 for AdamW). */
  l2: number;
  /** θ's factor before the update (1 − lr·wd for AdamW, else 1). */
  shrink: number;
}

/** SGD's constants (PyTorch's `torch.optim.SGD`). */
export interface SgdStepConstants {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** True on a tensor's first step: the momentum buffer starts as the gradient. */
  first: boolean;
}

/** A linear layer's weights prepared once for repeated inference (`Ops.prepareLinear`), in the ops' memory. */
export interface PreparedLinear {
  readonly nin: number;
  readonly nout: number;
  /** [nout, nin] (PyTorch layout). */
  weight: Float32Array;
  bias: Float32Array;
  /** The weights re-laid for the batch kernel, where the backend has one and the shape suits it. */
  packed: Float32Array | null;
}

/**
 * What `Ops.occludedRows` reads of a model, fixed between calls: W₀ transposed (`w`: cols rows of h), the typical
 * record `to` (cols values), and each input's group (`groupOf`, as floats: −1 for an input never changed alone, such
 * as a protected attribute's; a group is a run of consecutive inputs, numbered 0 … groups − 1).
 */
export interface Occlusion {
  w: Float32Array;
  to: Float32Array;
  groupOf: Float32Array;
  cols: number;
  h: number;
  groups: number;
  act: ActivationCode;
}

/**
 * The CPU op layer: every formula of the forward pass, the backward pass, the regulariser and the optimiser
 * updates, over `Float32Array` tensors, written once per backend (`backend/js` is the reference, `backend/wasm`
 * runs the AssemblyScript kernels in place on its memory). Models, losses and optimisers are written once
 * against this interface. Tensors are flat row-major; `out` comes first and is returned where there is one.
 *
 * A backend's ops work only on tensors it owns (`owns`): memory from its `alloc`. Ops that reduce return
 * `acc` plus their sum, accumulated in the backend's own order (so every backend keeps its bits).
 */
export interface Ops {
  readonly backend: Exclude<BackendName, 'gpu'>;
  /** A description for reports, e.g. 'wasm-simd'. */
  readonly label: string;
  /** Allocates n zero floats in this backend's memory and keeps `holder[key]` a current view of them. */
  alloc(holder: object, key: string, n: number): Float32Array;
  /** True when the ops can work on `a` in place. */
  owns(a: Float32Array): boolean;
  /** out[m×n] (+)= a[m×k] · b[k×n]. */
  matmul: MatmulKernel;
  /** out[m×n] (+)= a[m×k] · b[n×k]ᵀ (x · Wᵀ with PyTorch-layout W). */
  matmulNT: MatmulKernel;
  /** out[m×n] (+)= a[k×m]ᵀ · b[k×n] (dYᵀ · X). */
  matmulTN: MatmulKernel;
  /** Copies a linear layer's weights into the ops' memory, prepared for `linearInference`. */
  prepareLinear(weight: Float32Array, bias: Float32Array, nin: number, nout: number): PreparedLinear;
  /**
   * out[rows×nout] = x·Wᵀ + b with the kernel fastest for the shape (dot products for a few outputs, the packed
   * sgemm, skipping zero inputs where they are many): scoring's op. A row's outputs do not depend on the other rows (the
   * kernel is chosen by the layer, or gives the same bits), so a record scores the same alone or in any batch. Its
   * summation order may differ from `matmulNT`'s, so it is not used in training.
   */
  linearInference(out: Float32Array, x: Float32Array, layer: PreparedLinear, rows: number): Float32Array;
  /**
   * A binary model's last layer (2 outputs) to P(class 1): out[r] = logisticOfDifference(l1 − l0) with l =
   * `linearInference` of the row `activate`d by `act` — the bits of those two ops and `positiveClassProbabilities`
   * in turn wherever the runtime's Math.exp is fdlibm's (V8's), in one call per batch (a block of rows' activations
   * and logits in a scratch of the layer's): scoring's and reason codes' last step.
   */
  binaryProbabilities(out: Float32Array, x: Float32Array, layer: PreparedLinear, rows: number, act: ActivationCode): Float32Array;
  /**
   * Reason codes' occluded rows, activated (`o.act`): per record i of x (records × o.cols), its first-layer output
   * base[i] (o.h values: the record itself), then one row per group of inputs in which x[i] differs from `o.to`
   * (to[j] − x[i][j] not 0, NaN included): base[i] + Σ d·o.w[j] over the group's changed inputs j, in input order —
   * the record's first layer with that group's inputs set to the typical record's. `group[r]` gets row r's group, −1
   * for a record's own row (its first, so the rows of record i run from its −1 to the next). Each difference, product and sum rounds to float32 in
   * that order, and the activation is `activate`'s, so a backend agrees with its own forward pass to the bit. Returns
   * the rows written (at most records·(o.groups + 1)).
   */
  occludedRows(out: Float32Array, group: Float32Array, base: Float32Array, x: Float32Array, records: number, o: Occlusion): number;
  /**
   * Reason codes' ranking over `occludedRows`' rows: their groups and probabilities p. Per record (its row, group −1,
   * then its copies' rows), k + 2 values into `ranked`: the record's row; how many copies rank, or −1 when the
   * record's or a copy's p is not in [0, 1] (no reasons without probabilities); then the rows of the (up to) k copies
   * with the largest positive p[record] − p[copy] (a float64 difference), larger first, on ties the lower group first.
   * Rows and counts as floats (exact below 2²⁴). Returns the records.
   */
  rankOccluded(ranked: Float32Array, p: Float32Array, group: Float32Array, rows: number, k: number): number;
  /** out[r×c] += bias[c], broadcast over rows. */
  addBias(out: Float32Array, bias: Float32Array, rows: number, cols: number): Float32Array;
  /** out[c] (+)= Σ_rows x[r×c]. */
  sumRows(out: Float32Array, x: Float32Array, rows: number, cols: number, accumulate: boolean): Float32Array;
  /** post = act(pre) ⊙ mask for n elements (no mask: no dropout); post may alias pre. */
  activate(post: Float32Array, pre: Float32Array, n: number, act: ActivationCode, mask: Float32Array | null): Float32Array;
  /** In place: g = g ⊙ mask ⊙ act′(pre) for n elements. */
  activateBackward(g: Float32Array, pre: Float32Array, n: number, act: ActivationCode, mask: Float32Array | null): Float32Array;
  /** mask[i] = 1/(1 − p) when the i-th uniform of `rng` is ≥ p, else 0; advances `rng` past the draws. */
  dropoutMask(mask: Float32Array, n: number, p: number, rng: Rng4): Float32Array;
  /** acc + Σ x². */
  sumSquares(x: Float32Array, n: number, acc?: number): number;
  /** y += c · x. */
  axpy(y: Float32Array, c: number, x: Float32Array, n: number): Float32Array;
  /** AdvancedSymplecticOptimizer on one tensor: m ← βm + (1−β)g; H = ½Σm² + ½Σg²; θ ← θ − lr·m/(√H + ε). Returns H. */
  advancedSymplecticStep(theta: Float32Array, grad: Float32Array, m: Float32Array, n: number, lr: number, beta: number, epsilon: number): number;
  /** Kick: m ← decay·m − b·g. */
  kick(m: Float32Array, grad: Float32Array, n: number, decay: number, b: number): void;
  /** Drift: θ ← θ + a·m. */
  drift(theta: Float32Array, m: Float32Array, n: number, a: number): void;
  /** Adam / AdamW on one tensor; returns acc + ½Σm² (the optimiser's energy). */
  adamStep(theta: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, n: number, c: AdamStepConstants, acc: number): number;
  /** SGD (momentum, dampening, Nesterov, weight decay) on one tensor; returns acc + ½Σb² (b the step direction). */
  sgdStep(theta: Float32Array, grad: Float32Array, buf: Float32Array, n: number, c: SgdStepConstants, acc: number): number;
}

/** The ops scoring needs: memory, prepared layers, the inference linear op and a binary model's last step, reason codes' occluded rows and their ranking, and the activation. */
export type InferenceOps = Pick<
  Ops,
  'backend' | 'alloc' | 'owns' | 'prepareLinear' | 'linearInference' | 'binaryProbabilities' | 'occludedRows' | 'rankOccluded' | 'activate'
>;
