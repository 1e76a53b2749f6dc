import { sgdStep } from '../js/optim.js';
import type { Ops } from '../ops.js';
import type { WasmArena } from './arena.js';

type OptimOps = Pick<Ops, 'sumSquares' | 'axpy' | 'advancedSymplecticStep' | 'kick' | 'drift' | 'adamStep' | 'sgdStep'>;

/** Reductions and optimiser updates in the arena (SIMD where built with it). */
export function wasmOptimOps(ar: WasmArena): OptimOps {
  const ex = ar.exports,
    at = ar.pointer;
  return {
    sumSquares: (x, n, acc = 0) => acc + ex.sumSquares(at(x), n),
    axpy(y, c, x, n) {
      ex.axpy(at(y), c, at(x), n);
      return y;
    },
    advancedSymplecticStep: (theta, grad, m, n, lr, beta, epsilon) => ex.advancedSymplecticStep(at(theta), at(grad), at(m), n, lr, beta, epsilon),
    kick: (m, grad, n, decay, b) => ex.kick(at(m), at(grad), n, decay, b),
    drift: (theta, m, n, a) => ex.drift(at(theta), at(m), n, a),
    adamStep(theta, grad, m, v, n, c, acc) {
      ex.adamStep(at(theta), at(grad), at(m), at(v), n, c.stepSize, c.beta1, c.beta2, c.sqrtBc2, c.epsilon, c.l2, c.shrink);
      return acc + 0.5 * ex.sumSquares(at(m), n);
    },
    // No kernel yet: the reference loop runs on the arena's views (the same bits as the js backend), made current
    // first — a JS loop cannot read a view that memory growth detached, as a kernel can.
    sgdStep: (theta, grad, buf, n, c, acc) => sgdStep(ar.live(theta), ar.live(grad), ar.live(buf), n, c, acc),
  };
}
