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
    return positiveClassProbabilities(out, this.forward(x, rows), rows, this.layers[this.layers.length - 1].nout);
  }

  private forward(x: Float32Array, rows: number): Float32Array {
    const { ops, bufs, layers, inputDim } = this;
    const k = layers[layers.length - 1].nout;
    const need = Math.min(rows, CHUNK);
    if (need > this.cap) {
      this.cap = need;
      ops.alloc(bufs, 'a', need * this.widest);
      ops.alloc(bufs, 'b', need * this.widest);
    }
    if (bufs.out.length < rows * k) ops.alloc(bufs, 'out', Math.max(rows * k, bufs.out.length * 2));
    const direct = ops.owns(x);
    for (let start = 0; start < rows; start += CHUNK) {
      const n = Math.min(CHUNK, rows - start);
      // One record is the hot case: views are made only for later chunks (a view is an allocation).
      const rowsOfX = start === 0 && x.length === n * inputDim ? x : x.subarray(start * inputDim, (start + n) * inputDim);
      // Hidden outputs alternate between the two buffers; x is read in place where the ops own it.
      let src = direct ? rowsOfX : bufs.a;
      let next: 'a' | 'b' = direct ? 'a' : 'b';
      if (!direct) bufs.a.set(rowsOfX);
      for (let l = 0; l < layers.length; l++) {
        const last = l + 1 === layers.length;
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
