import { activationCode, type ActivationCode } from '../core/activations.js';
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
 * Inference-only forward pass for scoring, against the op layer: per hidden layer `linearInference` (dot products
 * for a single row, the packed sgemm for batches — weights packed once at load) and the activation; a last
 * `linearInference` to logits, and P(class 1) by the logistic of the logit difference. The WASM ops where the
 * runtime has WebAssembly, the js reference ops elsewhere. No allocation per call once buffers have grown.
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

  private get outputs(): number {
    return this.layers[this.layers.length - 1].nout;
  }

  /**
   * Layers [from, to) over `rows` rows of `x` (inputs when from = 0, layer from − 1's output before its activation
   * otherwise); the output of layer to − 1, not activated, in `bufs.out` (its first rows × width values).
   */
  private run(x: Float32Array, rows: number, from: number, to: number): Float32Array {
    const { ops, bufs, layers } = this;
    const width = from === 0 ? this.inputDim : layers[from - 1].nout;
    const k = layers[to - 1].nout;
    const need = Math.min(rows, CHUNK);
    if (need > this.cap) {
      this.cap = need;
      ops.alloc(bufs, 'a', need * this.widest);
      ops.alloc(bufs, 'b', need * this.widest);
    }
    if (bufs.out.length < rows * k) ops.alloc(bufs, 'out', Math.max(rows * k, bufs.out.length * 2));
    // Inputs are read in place where the ops own them; hidden outputs need activating, so they are always copied.
    const direct = from === 0 && ops.owns(x);
    for (let start = 0; start < rows; start += CHUNK) {
      const n = Math.min(CHUNK, rows - start);
      // One record is the hot case: views are made only for later chunks (a view is an allocation).
      const rowsOfX = start === 0 && x.length === n * width ? x : x.subarray(start * width, (start + n) * width);
      // Hidden outputs alternate between the two buffers.
      let src = direct ? rowsOfX : bufs.a;
      let next: 'a' | 'b' = direct ? 'a' : 'b';
      if (!direct) bufs.a.set(rowsOfX);
      if (from > 0) ops.activate(bufs.a, bufs.a, n * width, this.act, null);
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
