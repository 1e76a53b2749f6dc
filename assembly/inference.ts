// The scorer's build: only the kernels inference calls (see index.ts for the whole hot path). Built twice, SIMD and
// scalar, by scripts/build-wasm.mjs, so the edge scorer's bundle and cold start carry no training kernels.

export { dotRows, packWeights, packedBytes, sgemmPacked, sgemmWorkBytes } from './sgemm';
export { nonzeroCount, sgemmPackedSparse } from './sparse';
export { activate, addBias, occludedRows } from './layers';
export { binaryProbabilities, binaryProbabilitiesWorkBytes } from './logistic';
export { rankOccluded } from './rank';

export function heapBase(): usize {
  return __heap_base;
}
