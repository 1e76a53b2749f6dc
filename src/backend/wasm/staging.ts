import type { MatmulKernel } from '../ops.js';
import { createWasmOps, type WasmOps } from './index.js';

/**
 * WASM matmuls for arbitrary Float32Arrays: operands are copied into a shared instance and the result copied
 * back (correct, but a model's own tensors, allocated by its ops, skip both copies).
 */
let staging: WasmOps | null = null;
const slots: { a: Float32Array; b: Float32Array; c: Float32Array } = { a: new Float32Array(0), b: new Float32Array(0), c: new Float32Array(0) };

function make(op: 'matmul' | 'matmulNT' | 'matmulTN'): MatmulKernel {
  return (out, a, b, m, k, n, accumulate = false) => {
    const ops = (staging ??= createWasmOps());
    const need = Math.max(m * k, k * n, m * n);
    if (slots.c.length < need) for (const key of ['a', 'b', 'c'] as const) ops.alloc(slots, key, Math.max(need, slots.c.length * 2));
    slots.a.set(a.subarray(0, m * k));
    slots.b.set(b.subarray(0, k * n));
    if (accumulate) slots.c.set(out.subarray(0, m * n));
    ops[op](slots.c, slots.a, slots.b, m, k, n, accumulate);
    out.set(slots.c.subarray(0, m * n));
    return out;
  };
}

/** The staged WASM matmuls (`getKernel(op, 'wasm')`). */
export const wasmMatmul = { matmul: make('matmul'), matmulNT: make('matmulNT'), matmulTN: make('matmulTN') } as const;
