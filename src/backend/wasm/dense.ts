import { LEAKY_RELU_SLOPE } from '../../core/activations.js';
import { UsageError } from '../../core/errors.js';
import type { Ops, PreparedLinear } from '../ops.js';
import type { WasmArena } from './arena.js';

type DenseOps = Pick<
  Ops,
  | 'matmul'
  | 'matmulNT'
  | 'matmulTN'
  | 'prepareLinear'
  | 'linearInference'
  | 'binaryProbabilities'
  | 'occludedRows'
  | 'rankOccluded'
  | 'addBias'
  | 'sumRows'
  | 'activate'
  | 'activateBackward'
>;

/** A prepared layer with the byte offsets of its weights, bias and packed weights (0: none) in the arena. */
interface WasmPreparedLinear extends PreparedLinear {
  w: number;
  b: number;
  p: number;
  /** Every weight finite: only then may zero inputs be skipped (0·∞ is NaN in the dense product). */
  finite: boolean;
  /** A two-output layer's scratch for `binaryProbabilities` (its rows' activations and logits); 0 for other layers. */
  head: number;
}

/**
 * Fewer outputs than this (the logits): one dot product per output beats packing panels. Only the layer's width
 * decides, never the batch's rows: a row then gets the same bits in a batch of any size.
 */
const DOT_OUTPUTS_BELOW = 8;
/**
 * Below this share of nonzero inputs a batch goes through the kernel that skips zeros (the same bits as the packed
 * one): one-hot encoded records are ~80 % zeros. The share is read from the first SAMPLE_ROWS rows only — either
 * kernel gives the same bits, so a batch unlike its first rows costs time, never a different answer, and counting a
 * dense layer's every input (reason codes' copies: 10⁹ floats per million rows) cost more than it could save.
 */
const SPARSE_BELOW = 0.5;
const SAMPLE_ROWS = 16;
/** Fewer rows than this skip the packing of A (a panel of 5 rows would be mostly padding). */
const FEW_ROWS = 8;

/** Dense-layer ops on the arena's memory: the packed sgemm, bias, column sums and the fused activation/dropout. */
export function wasmDenseOps(ar: WasmArena): DenseOps {
  const ex = ar.exports,
    at = ar.pointer,
    work = ar.work;
  return {
    matmul(out, a, b, m, k, n, accumulate = false) {
      ex.sgemm(false, false, m, n, k, at(a), k, at(b), n, at(out), n, accumulate, work);
      return out;
    },
    matmulNT(out, a, b, m, k, n, accumulate = false) {
      ex.sgemm(false, true, m, n, k, at(a), k, at(b), k, at(out), n, accumulate, work);
      return out;
    },
    matmulTN(out, a, b, m, k, n, accumulate = false) {
      ex.sgemm(true, false, m, n, k, at(a), m, at(b), n, at(out), n, accumulate, work);
      return out;
    },
    prepareLinear(weight, bias, nin, nout) {
      const layer: WasmPreparedLinear = {
        nin,
        nout,
        weight: new Float32Array(0),
        bias: new Float32Array(0),
        packed: null,
        w: 0,
        b: 0,
        p: 0,
        finite: weight.subarray(0, nin * nout).every(Number.isFinite),
        head: nout === 2 ? ar.allocBytes(ex.binaryProbabilitiesWorkBytes(nin)) : 0,
      };
      ar.allocBound(layer, 'weight', nin * nout).set(weight.subarray(0, nin * nout));
      ar.allocBound(layer, 'bias', nout).set(bias.subarray(0, nout));
      if (nout >= DOT_OUTPUTS_BELOW) {
        layer.p = at(ar.allocBound(layer, 'packed', Math.ceil(ex.packedBytes(nin, nout) / 4)));
        ex.packWeights(true, at(layer.weight), nin, nin, nout, layer.p);
      }
      // Offsets outlive memory growth (only the views are renewed): the scoring calls below use them unchecked.
      layer.w = at(layer.weight);
      layer.b = at(layer.bias);
      return layer;
    },
    linearInference(out, x, prepared, rows) {
      const layer = prepared as WasmPreparedLinear;
      const nin = layer.nin,
        nout = layer.nout,
        o = at(out),
        sampled = Math.min(rows, SAMPLE_ROWS) * nin;
      // A few rows go through the batch's kernels too (the zero-skipping one row by row, without packing them): dot
      // products sum in another order, so a record's probability would depend on how many rows shared its batch.
      if (nout < DOT_OUTPUTS_BELOW) ex.dotRows(rows, nout, nin, at(x), nin, layer.w, nin, o, nout, false);
      else if (layer.finite && (rows < FEW_ROWS || ex.nonzeroCount(at(x), sampled) < SPARSE_BELOW * sampled))
        ex.sgemmPackedSparse(rows, nout, nin, at(x), nin, layer.p, o, nout, work);
      else ex.sgemmPacked(false, rows, nout, nin, at(x), nin, layer.p, o, nout, false, work);
      ex.addBias(o, layer.b, rows, nout);
      return out;
    },
    binaryProbabilities(out, x, prepared, rows, act) {
      const layer = prepared as WasmPreparedLinear;
      if (!layer.head) throw new UsageError(`binaryProbabilities: the layer has ${layer.nout} outputs, not 2`);
      ex.binaryProbabilities(at(out), at(x), rows, layer.nin, layer.w, layer.b, act, LEAKY_RELU_SLOPE, layer.head);
      return out;
    },
    occludedRows(out, group, base, x, records, o) {
      return ex.occludedRows(at(out), at(group), at(base), at(o.w), at(x), at(o.to), at(o.groupOf), records, o.cols, o.h, o.act, LEAKY_RELU_SLOPE);
    },
    rankOccluded(ranked, p, group, rows, k) {
      return ex.rankOccluded(at(ranked), at(p), at(group), rows, k);
    },
    addBias(out, bias, rows, cols) {
      ex.addBias(at(out), at(bias), rows, cols);
      return out;
    },
    sumRows(out, x, rows, cols, accumulate) {
      ex.sumRows(at(out), at(x), rows, cols, accumulate);
      return out;
    },
    activate(post, pre, n, act, mask) {
      ex.activate(at(post), at(pre), n, act, LEAKY_RELU_SLOPE, mask ? at(mask) : 0);
      return post;
    },
    activateBackward(g, pre, n, act, mask) {
      ex.activateBackward(at(g), at(pre), n, act, LEAKY_RELU_SLOPE, mask ? at(mask) : 0);
      return g;
    },
  };
}
