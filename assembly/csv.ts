// hamiltonian-ai's CSV kernels (the byte scanner's and the byte encoder's common cases; see scan.ts, encode.ts): a
// module of their own, built once without SIMD (they use none) by scripts/build-wasm.mjs, so that the scorer's
// bundle, which embeds the network kernels of index.ts, does not carry them. Memory is owned by the JavaScript side
// (backend/wasm/csv-module.ts): every function takes byte offsets.

export * from './encode';
export * from './scan';

export function heapBase(): usize {
  return __heap_base;
}
