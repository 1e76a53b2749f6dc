import { ACTIVATION_CODES, activationCode, type ActivationCode } from '../core/activations.js';
import { UsageError } from '../core/errors.js';
import { transpose } from '../core/matrix.js';
import { createInferenceOps, type InferenceOps } from '../backend/inference.js';
import type { Occlusion, PreparedLinear } from '../backend/ops.js';
import { positiveClassProbabilities } from '../loss/softmax.js';
import { calibrateProbabilities, type Calibration } from '../metrics/calibration-map.js';

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
 * the activation; the last layer of a binary model and P(class 1), the logistic of the logit difference, in one op
 * (`binaryProbabilities`: the last hidden layer's activation, the two logits and the logistic, a block of rows at a
 * time). The WASM ops where the runtime has WebAssembly, the js reference ops elsewhere. No allocation per call
 * once buffers have grown.
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
  private readonly bufs: { a: Float32Array; b: Float32Array; out: Float32Array; p: Float32Array } = {
    a: new Float32Array(0),
    b: new Float32Array(0),
    out: new Float32Array(0),
    p: new Float32Array(0),
  };
  /** Reason codes' occlusion (`prepareOcclusion`): the model's part; the rows, their groups, probabilities and ranking; a records' copy. */
  private occlusion: (Occlusion & { z: Float32Array; group: Float32Array; rows: Float32Array; p: Float32Array; ranked: Float32Array }) | null = null;

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
    return this.probabilitiesFrom(out, x, rows, 0, false);
  }

  /** Whether the last layer and the logistic are one op (`binaryProbabilities`): a binary model with hidden layers. */
  private get binaryHead(): boolean {
    return this.outputs === 2 && this.layers.length > 1;
  }

  /** The row width of the pass `probabilitiesFrom` runs: the last hidden layer's where the head op takes it, else the logits'. */
  private get passWidth(): number {
    return this.binaryHead ? this.layers[this.layers.length - 2].nout : this.outputs;
  }

  /**
   * P(class 1) of `rows` rows of h into out: h is the input of layer `from` (activated already when `activated`; past
   * the last layer, the logits). The layers run up to the last; then a binary model's last layer and its logistic in
   * one op (`binaryProbabilities`), any other's logits through `positiveClassProbabilities`.
   */
  private probabilitiesFrom(out: Float32Array, h: Float32Array, rows: number, from: number, activated: boolean): Float32Array {
    const { ops, bufs, layers } = this;
    const last = layers.length - 1;
    if (!this.binaryHead || from > last)
      return positiveClassProbabilities(out, from > last ? h : this.run(h, rows, from, last + 1, activated), rows, this.outputs);
    const input = from === last ? h : this.run(h, rows, from, last, activated);
    const act = from === last && activated ? ACTIVATION_CODES.identity : this.act;
    if (ops.owns(out)) return ops.binaryProbabilities(out, input, layers[last], rows, act);
    const p = ops.binaryProbabilities(bufs.p, input, layers[last], rows, act); // grown by `reserve` with the other buffers, before h was taken
    for (let i = 0; i < rows; i++) out[i] = p[i]; // no view made: one record is the hot case
    return out;
  }

  /** Units of the first layer (the width of `firstLayer`'s rows). */
  get firstWidth(): number {
    return this.layers[0].nout;
  }

  /** The first layer's output before its activation, W₀x + b₀, for `rows` rows of x (in `bufs.out`, reused by the next call). */
  private firstLayer(x: Float32Array, rows: number): Float32Array {
    return this.run(x, rows, 0, 1).subarray(0, rows * this.firstWidth);
  }

  /**
   * Readies `rankedOcclusion` for the typical record `to` and each input's group (−1: never changed alone; a
   * group is a run of consecutive inputs, numbered 0 … groups − 1): W₀ transposed, `to` and the groups are copied into
   * the ops' memory once.
   */
  prepareOcclusion(to: Float32Array, groupOf: ArrayLike<number>, groups: number): void {
    const h = this.firstWidth,
      cols = this.inputDim;
    if (to.length < cols || groupOf.length < cols) throw new UsageError(`occlusion: expected ${cols} inputs, got ${Math.min(to.length, groupOf.length)}`);
    // The first layer's output is activated with the rows unless it is the logits (a model without hidden layers).
    const act = this.layers.length === 1 ? ACTIVATION_CODES.identity : this.act;
    const o = {
      w: new Float32Array(0),
      to: new Float32Array(0),
      groupOf: new Float32Array(0),
      cols,
      h,
      groups,
      act,
      z: new Float32Array(0),
      group: new Float32Array(0),
      rows: new Float32Array(0),
      p: new Float32Array(0),
      ranked: new Float32Array(0),
    };
    this.ops.alloc(o, 'w', cols * h);
    this.ops.alloc(o, 'to', cols);
    this.ops.alloc(o, 'groupOf', cols);
    transpose(o.w, this.layers[0].weight, h, cols); // views read after the allocations: growth renews them
    o.to.set(to.subarray(0, cols));
    for (let j = 0; j < cols; j++) o.groupOf[j] = groupOf[j];
    this.occlusion = o;
  }

  /**
   * Reason codes of the first `records` rows of x, ranked: P(class 1) of each record and of its variants
   * (`Ops.occludedRows`: one per group of inputs in which it differs from the typical record, with that group set to
   * it), calibrated in place (`calibration`), then `Ops.rankOccluded`: per record its row, its count of reasons (−1: a probability not
   * in [0, 1]) and the rows of its k best — k + 2 values each, in the view returned; `occludedP` and `occludedGroups`
   * hold the rows' probabilities and groups. The first layer runs once per record; a variant's first-layer output is
   * its record's plus W₀ times its change, and only the narrower layers run per variant — ~4× fewer operations than
   * scoring the variants whole (which it matches to ~1e-6).
   */
  rankedOcclusion(x: Float32Array, records: number, k: number, calibration: Calibration | null): Float32Array {
    const { ops, occlusion: o, inputDim: cols } = this;
    if (!o) throw new UsageError('rankedOcclusion: call prepareOcclusion first');
    const most = records * (o.groups + 1),
      copy = !ops.owns(x);
    // Every buffer is grown before views are taken (growth would detach them mid-call).
    if (o.z.length < most * o.h) ops.alloc(o, 'z', Math.max(most * o.h, o.z.length * 2));
    if (o.group.length < most) ops.alloc(o, 'group', Math.max(most, o.group.length * 2));
    if (o.p.length < most) ops.alloc(o, 'p', Math.max(most, o.p.length * 2));
    if (o.ranked.length < records * (k + 2)) ops.alloc(o, 'ranked', Math.max(records * (k + 2), o.ranked.length * 2));
    if (copy && o.rows.length < records * cols) ops.alloc(o, 'rows', Math.max(records * cols, o.rows.length * 2));
    this.reserve(records, o.h);
    this.reserve(most, this.passWidth);
    if (copy) o.rows.set(x.subarray(0, records * cols));
    const rows = copy ? o.rows : x;
    const n = ops.occludedRows(o.z, o.group, this.firstLayer(rows, records), rows, records, o);
    // The copies' rows are layer 1's input, activated (the logits of a model without hidden layers).
    this.probabilitiesFrom(o.p, n * o.h === o.z.length ? o.z : o.z.subarray(0, n * o.h), n, 1, true);
    calibrateProbabilities(o.p, n, calibration);
    ops.rankOccluded(o.ranked, o.p, o.group, n, k);
    return o.ranked;
  }

  /** The probabilities of the last `rankedOcclusion`'s rows (a record's row comes first, then its variants', records in order). */
  get occludedP(): Float32Array {
    return this.occlusion?.p ?? new Float32Array(0);
  }

  /** Whose each row of the last `rankedOcclusion` is: its group, −1 for a record itself. */
  get occludedGroups(): Float32Array {
    return this.occlusion?.group ?? new Float32Array(0);
  }

  private get outputs(): number {
    return this.layers[this.layers.length - 1].nout;
  }

  /** Grows the pass buffers for `rows` rows whose last layer is `k` wide (and their probabilities). */
  private reserve(rows: number, k: number): void {
    const { ops, bufs } = this;
    const need = Math.min(rows, CHUNK);
    if (need > this.cap) {
      this.cap = need;
      ops.alloc(bufs, 'a', need * this.widest);
      ops.alloc(bufs, 'b', need * this.widest);
    }
    if (bufs.out.length < rows * k) ops.alloc(bufs, 'out', Math.max(rows * k, bufs.out.length * 2));
    if (bufs.p.length < rows) ops.alloc(bufs, 'p', Math.max(rows, bufs.p.length * 2));
  }

  /**
   * Layers [from, to) over `rows` rows of `x` (inputs when from = 0, layer from − 1's output before its activation
   * otherwise, or after it when `activated`); the output of layer to − 1, not activated, in `bufs.out` (its first
   * rows × width values).
   */
  private run(x: Float32Array, rows: number, from: number, to: number, activated = false): Float32Array {
    const { ops, bufs, layers } = this;
    const width = from === 0 ? this.inputDim : layers[from - 1].nout;
    const k = layers[to - 1].nout;
    this.reserve(rows, k);
    // Inputs are read in place where the ops own them.
    const direct = (from === 0 || activated) && ops.owns(x);
    for (let start = 0; start < rows; start += CHUNK) {
      const n = Math.min(CHUNK, rows - start);
      // One record is the hot case: views are made only for later chunks (a view is an allocation).
      const rowsOfX = start === 0 && x.length === n * width ? x : x.subarray(start * width, (start + n) * width);
      // Hidden outputs alternate between the two buffers.
      let src = direct ? rowsOfX : bufs.a;
      let next: 'a' | 'b' = direct ? 'a' : 'b';
      // A hidden layer's output in the ops' memory is activated straight into bufs.a; anything else is copied there.
      const activate = from > 0 && !activated;
      if (activate && ops.owns(rowsOfX)) ops.activate(bufs.a, rowsOfX, n * width, this.act, null);
      else if (!direct) {
        bufs.a.set(rowsOfX);
        if (activate) ops.activate(bufs.a, bufs.a, n * width, this.act, null);
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
