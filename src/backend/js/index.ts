import type { Ops } from '../ops.js';
import {
  activate,
  activateBackward,
  addBias,
  binaryProbabilities,
  linearInference,
  matmul,
  matmulNT,
  matmulTN,
  prepareLinear,
  occludedRows,
  sumRows,
} from './dense.js';
import { dropoutMask } from './dropout.js';
import { rankOccluded } from './rank.js';
import { adamStep, advancedSymplecticStep, axpy, drift, kick, sgdStep, sumSquares } from './optim.js';

/** The reference backend: plain loops over any Float32Array (it owns every one). */
export const jsOps: Ops = {
  backend: 'js',
  label: 'js',
  alloc(holder, key, n) {
    const a = new Float32Array(n);
    (holder as Record<string, unknown>)[key] = a;
    return a;
  },
  owns: () => true,
  matmul,
  matmulNT,
  matmulTN,
  prepareLinear,
  linearInference,
  binaryProbabilities,
  occludedRows,
  rankOccluded,
  addBias,
  sumRows,
  activate,
  activateBackward,
  dropoutMask,
  sumSquares,
  axpy,
  advancedSymplecticStep,
  kick,
  drift,
  adamStep,
  sgdStep,
};
