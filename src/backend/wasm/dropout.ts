import type { Ops } from '../ops.js';
import type { WasmArena } from './arena.js';

/** The dropout-mask op: the model's four xoshiro128** streams run in the kernel (the same bits as the js op). */
export function wasmDropoutOps(ar: WasmArena): Pick<Ops, 'dropoutMask'> {
  const state = ar.allocBytes(64);
  return {
    dropoutMask(mask, n, p, rng) {
      const words = new Uint32Array(ar.memory.buffer, state, 16);
      words.set(rng.s);
      ar.exports.dropoutMask(ar.pointer(mask), n, p, state);
      rng.s.set(new Uint32Array(ar.memory.buffer, state, 16));
      return mask;
    },
  };
}
