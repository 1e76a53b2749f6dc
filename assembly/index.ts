// hamiltonian-ai hot path: sgemm and fused layer / loss / optimiser kernels over float32 in linear memory.
//
// Memory is owned by the JavaScript side (one arena per model): every function takes byte offsets.
// Built twice from these sources (asconfig.json): `simd` with --enable simd, and `scalar` without;
// ASC_FEATURE_SIMD selects the code path at compile time, so both builds compute the same formulas.

// One file per concern; this entry re-exports them (what it exports is what the JS side sees, and
// scripts/build-wasm.mjs generates src/backend/wasm/generated/exports.ts, the typing, from it).

export * from './sgemm';
export * from './sparse';
export * from './layers';
export * from './logistic';
export * from './rank';
export * from './dropout';
export * from './optim';

export function heapBase(): usize {
  return __heap_base;
}
