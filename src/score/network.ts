import { activationCode, type ActivationCode } from '../core/activations.js';
import { transpose } from '../core/matrix.js';
import { createInferenceOps, type InferenceOps } from '../backend/inference.js';
import type { PreparedLinear } from '../backend/ops.js';
import { positiveClassProbabilities } from '../loss/softmax.js';

export interface InferenceLayer {
  /** [out, in] row-major (PyTorch layout). */
  weight: Float32Array;
  bias: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

/** Rows per pass of a batch: each chunk's activations stay in cache. */
const CHUNK = 256;

/**
 * Inference-only forward pass for scoring, against the op layer: per hidden layer `linearInference` (the packed sgemm,
 * skipping zero inputs where they are many — weights packed once at load; one row gets the bits it gets in a batch) and
 * the activation; a last `linearInference` to logits, and P(class 1) by the logistic of the logit difference. The WASM
 * ops where the runtime has WebAssembly, the js reference ops elsewhere. No allocation per call once buffers have grown.
 */
export class InferenceNetwork {
  readonly inputDim: number;
  readonly engine: 'wasm' | 'js';
  readonly fallbackReason?: string;
  private readonly ops: InferenceOps;
  private readonly act: ActivationCode;
  private readonly layers: PreparedLinear[];
  private readonly widest: number;
  private cap = 0;
  private readonly bufs: { a: Float32Array; b: Float32Array; out: Float32Array } = { a: new Float32Array(0), b: new Float32Array(0), out: new Float32Array(0) };
  /**
   * Variants' buffers: their plan, their first-layer outputs, and W₀ transposed (made on first use); rows' changed
   * inputs (`changedInputs`), with the rows and the target they were compared with.
   */
  private readonly variants: { plan: Float32Array; z: Float32Array; w0t: Float32Array; changes: Float32Array; rows: Float32Array; to: Float32Array } = {
    changes: new Float32Array(0),
    rows: new Float32Array(0),
    to: new Float32Array(0),
    plan: new Float32Array(0),
    z: new Float32Array(0),
    w0t: new Float32Array(0),
  };

  constructor(layers: InferenceLayer[], activation: string, engine: 'auto' | 'wasm' | 'js' = 'auto') {
    this.inputDim = layers[0].inFeatures;
    this.act = activationCode(activation);
    const created = createInferenceOps(engine);
    this.ops = created.ops;
    this.engine = created.ops.backend;
    if (this.engine === 'js' && created.fallbackReason) this.fallbackReason = created.fallbackReason;
    this.layers = layers.map((l) => this.ops.prepareLinear(l.weight, l.bias, l.inFeatures, l.outFeatures));
    this.widest = Math.max(...layers.map((l) => Math.max(l.inFeatures, l.outFeatures)));
  }

  /** Writes P(class 1) (binary) for `rows` encoded rows of `x` into `out`. */
  probabilities(x: Float32Array, rows: number, out: Float32Array): Float32Array {
    return positiveClassProbabilities(out, this.run(x, rows, 0, this.layers.length), rows, this.outputs);
  }

  /** Units of the first layer (the width of `firstLayer`'s rows). */
  get firstWidth(): number {
    return this.layers[0].nout;
  }

  /**
   * The first layer's output before its activation, W₀x + b₀, for `rows` rows of `x` (rows × firstWidth, in a buffer
   * that the next call reuses). With `probabilitiesFromFirst` it splits the forward pass: callers that change a few
   * inputs of a row (reason codes) update this instead of recomputing the widest product.
   */
  firstLayer(x: Float32Array, rows: number): Float32Array {
    return this.run(x, rows, 0, 1).subarray(0, rows * this.firstWidth);
  }

  /** P(class 1) from first-layer outputs (as `firstLayer` gives them): the rest of the forward pass. */
  probabilitiesFromFirst(z: Float32Array, rows: number, out: Float32Array): Float32Array {
    const logits = this.layers.length === 1 ? z : this.run(z, rows, 1, this.layers.length);
    return positiveClassProbabilities(out, logits, rows, this.outputs);
  }

  /**
   * A plan buffer of at least `n` floats in the ops' memory, for `variantProbabilities` to read: per variant, the row of
   * x it derives from, the number of changed inputs, then (input, new value − old value) pairs (`Ops.sparseRowUpdate`).
   * Write it before the next call to this network; it is kept, and grown, between calls.
   */
  planBuffer(n: number): Float32Array {
    if (this.variants.plan.length < n) this.ops.alloc(this.variants, 'plan', Math.max(n, this.variants.plan.length * 2));
    return this.variants.plan;
  }

  /**
   * The inputs of each of the first `rows` rows of x that differ from `to` (`Ops.changedInputs`: per row the count,
   * then (input, to − x) pairs): what a variant toward `to` changes. In `changeList`, which stays current when later
   * calls grow the ops' memory (a view taken before them would read nothing), until the next call to this.
   */
  changedInputs(x: Float32Array, rows: number, to: Float32Array): void {
    const { ops, variants: v, inputDim: cols } = this;
    const need = rows * (1 + 2 * cols),
      copy = !ops.owns(x);
    if (v.changes.length < need) ops.alloc(v, 'changes', Math.max(need, v.changes.length * 2));
    if (v.to.length < cols) ops.alloc(v, 'to', cols);
    if (copy && v.rows.length < rows * cols) ops.alloc(v, 'rows', Math.max(rows * cols, v.rows.length * 2));
    v.to.set(to.subarray(0, cols));
    if (copy) v.rows.set(x.subarray(0, rows * cols));
    ops.changedInputs(v.changes, copy ? v.rows : x, v.to, rows, cols);
  }

  /** The last `changedInputs`' list (a current view of it). */
  get changeList(): Float32Array {
    return this.variants.changes;
  }

  /**
   * P(class 1) of `rows` variants of the first `records` rows of x, each differing from its row in a few inputs as the
   * plan (`planBuffer`) lists them: the first layer runs once per row of x, and a variant's first-layer output is its
   * row's plus W₀ times its change (one sparse update), then the narrower layers run per variant. Reason codes'
   * occluded copies are such variants: ~4× fewer operations than scoring them whole.
   */
  variantProbabilities(x: Float32Array, records: number, rows: number, out: Float32Array): Float32Array {
    const h = this.firstWidth,
      v = this.variants,
      nin = this.inputDim;
    if (v.w0t.length === 0) {
      this.ops.alloc(v, 'w0t', nin * h);
      transpose(v.w0t, this.layers[0].weight, h, nin); // the weight read after the allocation: growth renews views
    }
    if (v.z.length < rows * h) this.ops.alloc(v, 'z', Math.max(rows * h, v.z.length * 2));
    // Every buffer is grown before views are taken (growth would detach them mid-call).
    this.reserve(records, h);
    this.reserve(rows, this.outputs);
    const base = this.firstLayer(x, records);
    this.ops.sparseRowUpdate(v.z, base, v.w0t, h, rows, v.plan);
    return this.probabilitiesFromFirst(rows * h === v.z.length ? v.z : v.z.subarray(0, rows * h), rows, out);
  }

  private get outputs(): number {
    return this.layers[this.layers.length - 1].nout;
  }

  /** Grows the pass buffers for `rows` rows whose last layer is `k` wide. */
  private reserve(rows: number, k: number): void {
    const { ops, bufs } = this;
    const need = Math.min(rows, CHUNK);
    if (need > this.cap) {
      this.cap = need;
      ops.alloc(bufs, 'a', need * this.widest);
      ops.alloc(bufs, 'b', need * this.widest);
    }
    if (bufs.out.length < rows * k) ops.alloc(bufs, 'out', Math.max(rows * k, bufs.out.length * 2));
  }

  /**
   * Layers [from, to) over `rows` rows of `x` (inputs when from = 0, layer from − 1's output before its activation
   * otherwise); the output of layer to − 1, not activated, in `bufs.out` (its first rows × width values).
   */
  private run(x: Float32Array, rows: number, from: number, to: number): Float32Array {
    const { ops, bufs, layers } = this;
    const width = from === 0 ? this.inputDim : layers[from - 1].nout;
    const k = layers[to - 1].nout;
    this.reserve(rows, k);
    // Inputs are read in place where the ops own them.
    const direct = from === 0 && ops.owns(x);
    for (let start = 0; start < rows; start += CHUNK) {
      const n = Math.min(CHUNK, rows - start);
      // One record is the hot case: views are made only for later chunks (a view is an allocation).
      const rowsOfX = start === 0 && x.length === n * width ? x : x.subarray(start * width, (start + n) * width);
      // Hidden outputs alternate between the two buffers.
      let src = direct ? rowsOfX : bufs.a;
      let next: 'a' | 'b' = direct ? 'a' : 'b';
      // A hidden layer's output in the ops' memory is activated straight into bufs.a; anything else is copied there.
      if (from > 0 && ops.owns(rowsOfX)) ops.activate(bufs.a, rowsOfX, n * width, this.act, null);
      else if (!direct) {
        bufs.a.set(rowsOfX);
        if (from > 0) ops.activate(bufs.a, bufs.a, n * width, this.act, null);
      }
      for (let l = from; l < to; l++) {
        const last = l + 1 === to;
        const dst = !last ? bufs[next] : start === 0 ? bufs.out : bufs.out.subarray(start * k, (start + n) * k);
        ops.linearInference(dst, src, layers[l], n);
        if (!last) ops.activate(dst, dst, n * layers[l].nout, this.act, null);
        src = dst;
        next = next === 'a' ? 'b' : 'a';
      }
    }
    return bufs.out; // the first rows·k values
  }
}
