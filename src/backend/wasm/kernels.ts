import { WasmArena } from './arena.js';

/**
 * The WASM matmul kernels for arbitrary Float32Arrays: operands that already live in an arena are used
 * in place; others are copied into a shared staging arena (correct, but the zero-copy path — a model on
 * the wasm backend — is the fast one).
 */
let staging: WasmArena | null = null;
let cap = 0;
let slots: { a: number; b: number; c: number } = { a: 0, b: 0, c: 0 };

function stage(m: number, k: number, n: number): WasmArena {
  staging ??= new WasmArena();
  const need = Math.max(m * k, k * n, m * n);
  if (need > cap) {
    cap = Math.max(need, cap * 2);
    slots = { a: staging.allocBytes(cap * 4), b: staging.allocBytes(cap * 4), c: staging.allocBytes(cap * 4) };
  }
  return staging;
}

type MatmulKernel = (out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, accumulate?: boolean) => Float32Array;

function make(transA: boolean, transB: boolean): MatmulKernel {
  return (out, a, b, m, k, n, accumulate = false) => {
    const ar = stage(m, k, n);
    const mem = () => new Float32Array(ar.memory.buffer);
    let heap = mem();
    heap.set(a.subarray(0, m * k), slots.a >> 2);
    heap.set(b.subarray(0, k * n), slots.b >> 2);
    if (accumulate) heap.set(out.subarray(0, m * n), slots.c >> 2);
    ar.exports.sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, slots.a, transA ? m : k, slots.b, transB ? k : n, slots.c, n, accumulate ? 1 : 0, ar.work);
    heap = mem();
    out.set(heap.subarray(slots.c >> 2, (slots.c >> 2) + m * n));
    return out;
  };
}

/** The WASM matmul kernels (registered by the backend registry). */
export const wasmMatmul = { matmul: make(false, false), matmulNT: make(false, true), matmulTN: make(true, false) } as const;
