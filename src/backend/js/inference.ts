import type { InferenceOps } from '../ops.js';
import { activate, binaryProbabilities, linearInference, occludedRows, prepareLinear } from './dense.js';
import { rankOccluded } from './rank.js';

/**
 * The js reference ops scoring needs: what the edge scorer runs without WebAssembly, and part of `jsOps` — apart, so
 * the scorer's bundle carries none of the training kernels (matmuls, optimiser steps, dropout).
 */
export const jsInferenceOps: InferenceOps = {
  backend: 'js',
  alloc(holder, key, n) {
    const a = new Float32Array(n);
    (holder as Record<string, unknown>)[key] = a;
    return a;
  },
  owns: () => true,
  prepareLinear,
  linearInference,
  binaryProbabilities,
  occludedRows,
  rankOccluded,
  activate,
};
