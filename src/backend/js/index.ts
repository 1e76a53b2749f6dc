import type { Ops } from '../ops.js';
import { activateBackward, addBias, matmul, matmulNT, matmulTN, sumRows } from './dense.js';
import { dropoutMask } from './dropout.js';
import { jsInferenceOps } from './inference.js';
import { adamStep, advancedSymplecticStep, axpy, drift, kick, sgdStep, sumSquares } from './optim.js';

/** The reference backend: plain loops over any Float32Array (it owns every one); scoring's ops are `jsInferenceOps`. */
export const jsOps: Ops = {
  ...jsInferenceOps,
  label: 'js',
  matmul,
  matmulNT,
  matmulTN,
  addBias,
  sumRows,
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
