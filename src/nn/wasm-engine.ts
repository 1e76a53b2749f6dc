import { WasmArena } from '../backend/wasm/arena.js';
import type { Rng4 } from '../core/rng.js';
import type { Dense } from './dense.js';
import type { Dropout } from './dropout.js';

const ACT_CODE: Record<string, number> = { relu: 1, leaky_relu: 2, tanh: 3 };

/**
 * Runs a `HamiltonianNN`'s forward and backward passes with the WASM kernels: parameters, gradients,
 * activations and dropout masks live in one arena and the model's `Float32Array`s are views into it.
 * Each dense layer is sgemm (x·Wᵀ) + bias + fused activation/dropout; backward is dW += dYᵀ·X (TN),
 * db += Σ dY, dX = dY·W (NN) and the fused activation/dropout derivative. Dropout masks are drawn by
 * a WASM copy of the model's xoshiro128** stream, so both backends draw identical masks.
 */
export class WasmEngine {
  readonly arena: WasmArena;
  private capacity = 0;
  private readonly bufs: {
    input: Float32Array; logits: Float32Array; dLogits: Float32Array; gA: Float32Array; gB: Float32Array; dIn: Float32Array;
    pre: Float32Array[]; post: Float32Array[];
  } = { input: new Float32Array(0), logits: new Float32Array(0), dLogits: new Float32Array(0), gA: new Float32Array(0), gB: new Float32Array(0), dIn: new Float32Array(0), pre: [], post: [] };
  private readonly rngWords: { v: Float32Array } = { v: new Float32Array(0) };
  private lastRows = 0;
  private lastUsedDropout = false;
  private lastInputPtr = 0;
  private readonly act: number;

  constructor(
    private readonly layers: Dense[],
    private readonly dropouts: Dropout[],
    activation: string,
    private readonly slope: number,
    flavour?: 'simd' | 'scalar',
  ) {
    this.arena = new WasmArena(flavour);
    this.act = ACT_CODE[activation];
    // Move parameters into the arena (values kept).
    for (const layer of layers) {
      for (const p of layer.parameters()) {
        const values = p.data;
        this.arena.allocBound(p, 'data', values.length).set(values);
        this.arena.allocBound(p, 'grad', values.length);
        Object.defineProperty(p, 'arena', { value: this.arena, enumerable: false, configurable: true, writable: true });
      }
    }
  }

  private ensure(rows: number): void {
    if (rows <= this.capacity) return;
    const cap = Math.max(rows, this.capacity * 2);
    const ar = this.arena;
    const L = this.layers.length;
    const inDim = this.layers[0].inFeatures, outDim = this.layers[L - 1].outFeatures;
    const widest = Math.max(1, ...this.layers.map((l) => l.inFeatures), outDim);
    ar.allocBound(this.bufs, 'input', cap * inDim);
    ar.allocBound(this.bufs, 'logits', cap * outDim);
    ar.allocBound(this.bufs, 'dLogits', cap * outDim);
    ar.allocBound(this.bufs, 'gA', cap * widest);
    ar.allocBound(this.bufs, 'gB', cap * widest);
    ar.allocBound(this.bufs, 'dIn', cap * inDim);
    for (let l = 0; l < this.dropouts.length; l++) {
      const h = this.layers[l].outFeatures;
      ar.allocBound(this.bufs.pre, String(l), cap * h);
      ar.allocBound(this.bufs.post, String(l), cap * h);
      ar.allocBound(this.dropouts[l], 'mask', cap * h);
    }
    if (this.rngWords.v.length === 0) ar.allocBound(this.rngWords, 'v', 16); // the four dropout streams
    this.capacity = cap;
  }

  private words(): Uint32Array {
    const f = this.rngWords.v;
    return new Uint32Array(f.buffer, f.byteOffset, 16);
  }

  /** Draws hidden layer l's dropout mask for `rows` rows with the WASM kernel (the bits `Dropout.drawMask` draws). */
  drawMask(l: number, rows: number, rng: Rng4): Float32Array {
    this.ensure(rows);
    this.fillMask(l, rows, rng);
    return this.dropouts[l].mask.subarray(0, rows * this.layers[l].outFeatures);
  }

  /** Fills layer l's mask (capacity already ensured) and advances `rng` past the draws. */
  private fillMask(l: number, rows: number, rng: Rng4): void {
    const d = this.dropouts[l];
    this.words().set(rng.s);
    this.arena.exports.dropoutMask(d.mask.byteOffset, rows * this.layers[l].outFeatures, d.p, this.words().byteOffset);
    rng.s.set(this.words());
  }

  forward(x: Float32Array, rows: number, useDropout: boolean, reuseMask: boolean, rng: Rng4): Float32Array {
    this.ensure(rows);
    const ex = this.arena.exports;
    const b = this.bufs;
    const inDim = this.layers[0].inFeatures;
    let inPtr: number;
    if (this.arena.owns(x)) inPtr = x.byteOffset;
    else {
      b.input.set(x.subarray(0, rows * inDim));
      inPtr = b.input.byteOffset;
    }
    this.lastInputPtr = inPtr;
    let inWidth = inDim;
    for (let l = 0; l < this.dropouts.length; l++) {
      const layer = this.layers[l];
      const h = layer.outFeatures;
      const pre = b.pre[l], post = b.post[l];
      ex.sgemm(0, 1, rows, h, inWidth, inPtr, inWidth, layer.weight.data.byteOffset, inWidth, pre.byteOffset, h, 0, this.arena.work);
      ex.addBias(pre.byteOffset, layer.bias.data.byteOffset, rows, h);
      let mask = 0;
      const d = this.dropouts[l];
      if (useDropout && d.active) {
        mask = d.mask.byteOffset;
        if (!reuseMask) this.fillMask(l, rows, rng);
      }
      ex.activate(post.byteOffset, pre.byteOffset, rows * h, this.act, this.slope, mask);
      inPtr = post.byteOffset;
      inWidth = h;
    }
    const last = this.layers[this.layers.length - 1];
    const out = last.outFeatures;
    ex.sgemm(0, 1, rows, out, inWidth, inPtr, inWidth, last.weight.data.byteOffset, inWidth, b.logits.byteOffset, out, 0, this.arena.work);
    ex.addBias(b.logits.byteOffset, last.bias.data.byteOffset, rows, out);
    this.lastRows = rows;
    this.lastUsedDropout = useDropout;
    return b.logits.subarray(0, rows * out);
  }

  backward(dLogits: Float32Array, rows: number, dInput?: Float32Array): void {
    if (rows !== this.lastRows) throw new Error('HamiltonianNN.backward: call forward on the same rows first');
    const ex = this.arena.exports;
    const b = this.bufs;
    const L = this.layers.length;
    const outDim = this.layers[L - 1].outFeatures;
    let g: number;
    if (this.arena.owns(dLogits)) g = dLogits.byteOffset;
    else {
      b.dLogits.set(dLogits.subarray(0, rows * outDim));
      g = b.dLogits.byteOffset;
    }
    let scratch = b.gA.byteOffset, other = b.gB.byteOffset;
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const nin = layer.inFeatures, nout = layer.outFeatures;
      const input = l === 0 ? this.lastInputPtr : b.post[l - 1].byteOffset;
      ex.sgemm(1, 0, nout, nin, rows, g, nout, input, nin, layer.weight.grad.byteOffset, nin, 1, this.arena.work);
      ex.sumRows(layer.bias.grad.byteOffset, g, rows, nout, 1);
      if (l === 0) {
        if (dInput) {
          ex.sgemm(0, 0, rows, nin, nout, g, nout, layer.weight.data.byteOffset, nin, b.dIn.byteOffset, nin, 0, this.arena.work);
          dInput.set(b.dIn.subarray(0, rows * nin));
        }
        break;
      }
      ex.sgemm(0, 0, rows, nin, nout, g, nout, layer.weight.data.byteOffset, nin, scratch, nin, 0, this.arena.work);
      const d = this.dropouts[l - 1];
      const mask = this.lastUsedDropout && d.active ? d.mask.byteOffset : 0;
      ex.activateBackward(scratch, b.pre[l - 1].byteOffset, rows * nin, this.act, this.slope, mask);
      g = scratch;
      scratch = other;
      other = g;
    }
  }
}
