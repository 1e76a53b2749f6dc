import { LEAKY_RELU_SLOPE } from '../../core/activations.js';
import type { Ops } from '../ops.js';
import type { WasmArena } from './arena.js';

type DenseOps = Pick<Ops, 'matmul' | 'matmulNT' | 'matmulTN' | 'addBias' | 'sumRows' | 'activate' | 'activateBackward'>;

/** Dense-layer ops on the arena's memory: the packed sgemm, bias, column sums and the fused activation/dropout. */
export function wasmDenseOps(ar: WasmArena): DenseOps {
  const ex = ar.exports, at = ar.pointer, work = ar.work;
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
