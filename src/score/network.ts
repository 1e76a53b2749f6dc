import { UsageError } from '../core/errors.js';
import { WasmArena } from '../backend/wasm/arena.js';
import { detectWasm } from '../backend/wasm/module.js';
import { addRowVector, matmulNT } from '../core/matrix.js';
import { positiveClassProbabilities } from '../loss/softmax.js';
import { getActivation, LEAKY_RELU_SLOPE, type Activation } from '../nn/activations.js';

const ACT: Record<string, number> = { relu: 1, leaky_relu: 2, tanh: 3 };
const SLOPE = LEAKY_RELU_SLOPE;

export interface InferenceLayer {
  /** [out, in] row-major (PyTorch layout). */
  weight: Float32Array;
  bias: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

/**
 * Inference-only forward pass for scoring: Linear → activation per hidden layer, Linear to logits, and
 * P(class 1) by the logistic of the logit difference. Two engines with the same formulas: WASM (SIMD or
 * scalar build; one row at a time by dot products, batches by the packed sgemm) and plain JS for runtimes
 * without WebAssembly. No allocation per call once buffers have grown to the batch size.
 */
export class InferenceNetwork {
  readonly inputDim: number;
  readonly engine: 'wasm' | 'js';
  readonly fallbackReason?: string;
  private readonly act: number;
  private readonly activation: Activation;
  private arena: WasmArena | null = null;
  private wPtr: number[] = [];
  private bPtr: number[] = [];
  /** Weights pre-packed for the batch kernel (0 where a layer is too wide to pre-pack). */
  private packedPtr: number[] = [];
  private cap = 0;
  private bufs: { a: Float32Array; b: Float32Array; out: Float32Array } = { a: new Float32Array(0), b: new Float32Array(0), out: new Float32Array(0) };
  private jsA = new Float32Array(0);
  private jsB = new Float32Array(0);

  constructor(private readonly layers: InferenceLayer[], activation: string, engine: 'auto' | 'wasm' | 'js' = 'auto') {
    this.inputDim = layers[0].inFeatures;
    this.activation = getActivation(activation);
    this.act = ACT[activation];
    let use: 'wasm' | 'js' = 'js';
    if (engine !== 'js') {
      const s = detectWasm();
      if (s.wasm) {
        try {
          this.arena = new WasmArena();
          use = 'wasm';
        } catch (e) {
          if (engine === 'wasm') throw e;
          this.fallbackReason = `WebAssembly could not be instantiated here: ${(e as Error).message}`;
        }
      } else if (engine === 'wasm') throw new UsageError(s.reason ?? 'WebAssembly is not available');
      else this.fallbackReason = s.reason;
    }
    this.engine = use;
    if (this.arena) {
      const ar = this.arena;
      for (const l of layers) {
        const w = ar.allocBytes(l.weight.length * 4);
        new Float32Array(ar.memory.buffer, w, l.weight.length).set(l.weight);
        const b = ar.allocBytes(l.bias.length * 4);
        new Float32Array(ar.memory.buffer, b, l.bias.length).set(l.bias);
        this.wPtr.push(w);
        this.bPtr.push(b);
        if (l.outFeatures >= 8 && l.outFeatures <= ar.exports.packedMaxN()) {
          const p = ar.allocBytes(ar.exports.packedBytes(l.inFeatures, l.outFeatures));
          ar.exports.packWeights(true, w, l.inFeatures, l.inFeatures, l.outFeatures, p);
          this.packedPtr.push(p);
        } else this.packedPtr.push(0);
      }
    }
  }

  private widest(): number {
    return Math.max(...this.layers.map((l) => Math.max(l.inFeatures, l.outFeatures)));
  }

  /** Writes P(class 1) (binary) for `rows` encoded rows of `x` into `out`. */
  probabilities(x: Float32Array, rows: number, out: Float32Array): Float32Array {
    const last = this.layers[this.layers.length - 1];
    const logits = this.arena ? this.forwardWasm(x, rows) : this.forwardJs(x, rows);
    return positiveClassProbabilities(out, logits, rows, last.outFeatures);
  }

  private forwardWasm(x: Float32Array, rows: number): Float32Array {
    const ar = this.arena!;
    const k = this.layers[this.layers.length - 1].outFeatures;
    // Batches go through in chunks of CHUNK rows so each chunk's activations stay in cache.
    const CHUNK = 256;
    const need = Math.min(rows, CHUNK);
    if (need > this.cap || this.bufs.out.length < rows * k) {
      this.cap = Math.max(need, this.cap);
      const w = this.widest();
      if (this.bufs.a.length < this.cap * w) {
        ar.allocBound(this.bufs, 'a', this.cap * w);
        ar.allocBound(this.bufs, 'b', this.cap * w);
      }
      if (this.bufs.out.length < rows * k) ar.allocBound(this.bufs, 'out', Math.max(rows * k, this.bufs.out.length * 2));
    }
    const ex = ar.exports;
    for (let start = 0; start < rows; start += CHUNK) {
      const n = Math.min(CHUNK, rows - start);
      this.bufs.a.set(x.subarray(start * this.inputDim, (start + n) * this.inputDim));
      let src = this.bufs.a.byteOffset, dst = this.bufs.b.byteOffset;
      for (let l = 0; l < this.layers.length; l++) {
        const { inFeatures: nin, outFeatures: nout } = this.layers[l];
        const last = l + 1 === this.layers.length;
        if (last) dst = this.bufs.out.byteOffset + start * k * 4;
        if (n < 8 || nout < 8) ex.dotRows(n, nout, nin, src, nin, this.wPtr[l], nin, dst, nout, false);
        else if (this.packedPtr[l]) ex.sgemmPacked(false, n, nout, nin, src, nin, this.packedPtr[l], dst, nout, false, ar.work);
        else ex.sgemm(false, true, n, nout, nin, src, nin, this.wPtr[l], nin, dst, nout, false, ar.work);
        ex.addBias(dst, this.bPtr[l], n, nout);
        if (!last) ex.activate(dst, dst, n * nout, this.act, SLOPE, 0);
        [src, dst] = [dst, src];
      }
    }
    return this.bufs.out.subarray(0, rows * k);
  }

  private forwardJs(x: Float32Array, rows: number): Float32Array {
    const need = rows * this.widest();
    if (this.jsA.length < need) {
      this.jsA = new Float32Array(need);
      this.jsB = new Float32Array(need);
    }
    let input = x, out = this.jsA, spare = this.jsB;
    for (let l = 0; l < this.layers.length; l++) {
      const { weight, bias, inFeatures: nin, outFeatures: nout } = this.layers[l];
      // The reference kernels of src/core and src/nn: the same formulas as training.
      matmulNT(out, input, weight, rows, nin, nout);
      addRowVector(out, out, bias, rows, nout);
      if (l + 1 < this.layers.length) this.activation.forward(out, out, rows * nout);
      input = out;
      [out, spare] = [spare, out];
    }
    return input;
  }
}
