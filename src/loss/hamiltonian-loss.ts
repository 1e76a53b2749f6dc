import { UsageError } from '../core/errors.js';
import { opsOf } from '../backend/registry.js';
import type { HasParameters } from '../nn/parameter.js';
import { softmaxCrossEntropy, type Labels } from './cross-entropy.js';

/** 'norm' = Σ‖θₜ‖ (the original's), 'l2' = ½‖θ‖². */
export type Regularizer = 'norm' | 'l2';

/** Options of `hamiltonianLoss`. */
export interface HamiltonianLossOptions {
  /** λ, the regularisation coefficient; default 0.01 as in the original. */
  regCoeff?: number;
  /**
   * 'norm' (default): R(θ) = Σ_t ‖θ_t‖₂ over parameter tensors, the original's form.
   * 'l2': R(θ) = ½ Σ ‖θ‖², the form its README's formula states (weight decay).
   */
  regularizer?: Regularizer;
  /**
   * 'python' reproduces the original exactly: it took the norms with `.item()`, so the regulariser is
   * added to the reported value but contributes no gradient (it never acted on training).
   */
  compat?: 'python';
  /** Class weights for the cross-entropy (PyTorch's `weight=`). */
  classWeights?: ArrayLike<number>;
  /** Where to write dLoss/dLogits. */
  gradOut?: Float32Array;
}

/** The loss, its parts, and the gradient w.r.t. the logits. */
export interface HamiltonianLossResult {
  /** baseLoss + regCoeff · regLoss. */
  loss: number;
  /** The (weighted) mean cross-entropy. */
  baseLoss: number;
  /** R(θ) before multiplying by regCoeff. */
  regLoss: number;
  /** dLoss/dLogits (rows × classes), to pass to `model.backward`. */
  grad: Float32Array;
}

/**
 * The regulariser's settings from the loss options, checked, with their defaults (λ = 0.01, 'norm'): shared by
 * `hamiltonianLoss` and the GPU training step so the two cannot drift. `where` prefixes the error messages.
 * @example
 * const { lambda, kind, withGrad } = regularizerSettings({ regCoeff: 0.02 });
 */
export function regularizerSettings(
  options: Pick<HamiltonianLossOptions, 'regCoeff' | 'regularizer' | 'compat'>,
  where = '',
): { lambda: number; kind: Regularizer; withGrad: boolean } {
  const lambda = options.regCoeff ?? 0.01;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new UsageError(`${where}regCoeff must be a finite number ≥ 0, got ${lambda}`);
  const kind = options.regularizer ?? 'norm';
  if (kind !== 'norm' && kind !== 'l2') throw new UsageError(`${where}regularizer must be 'norm' or 'l2', got '${kind}'`);
  if (options.compat !== undefined && options.compat !== 'python') {
    throw new UsageError(`${where}compat must be 'python' or absent, got '${options.compat}'`);
  }
  // 'python' reproduces the original's `.item()`: the regulariser is reported but has no gradient.
  return { lambda, kind, withGrad: options.compat !== 'python' && lambda > 0 };
}

/**
 * The Hamiltonian loss of the original library: L = CE(logits, labels) + λ·R(θ), with R the potential
 * energy of the parameters. Unlike the original, the regulariser has a gradient: this call adds
 * λ·∂R/∂θ into every parameter's `grad` (∂‖θ‖/∂θ = θ/‖θ‖, taken as 0 at θ = 0; ∂(½‖θ‖²)/∂θ = θ), so
 * call it after `zeroGrad()` and before or after `model.backward(result.grad)` — gradients add up.
 *
 * @example
 * model.zeroGrad();
 * const logits = model.forward(x, rows);
 * const { loss, grad } = hamiltonianLoss(logits, y, model, { regCoeff: 0.01 }, rows);
 * model.backward(grad, rows);
 * optimizer.step();
 */
export function hamiltonianLoss(
  logits: Float32Array,
  labels: Labels,
  model: HasParameters & { outputDim?: number },
  options: HamiltonianLossOptions = {},
  rows: number = labels.length,
): HamiltonianLossResult {
  const classes = model.outputDim ?? 2;
  const { lambda, kind, withGrad } = regularizerSettings(options);
  const ce = softmaxCrossEntropy(logits, labels, rows, classes, { classWeights: options.classWeights, gradOut: options.gradOut });
  let reg = 0;
  for (const p of model.parameters()) {
    const { data, grad } = p;
    const n = data.length;
    const ops = opsOf(data, grad);
    const ss = ops.sumSquares(data, n);
    if (kind === 'norm') {
      const nrm = Math.sqrt(ss);
      reg += nrm;
      if (withGrad && nrm > 0) ops.axpy(grad, lambda / nrm, data, n);
    } else {
      reg += 0.5 * ss;
      if (withGrad) ops.axpy(grad, lambda, data, n);
    }
  }
  return { loss: ce.loss + lambda * reg, baseLoss: ce.loss, regLoss: reg, grad: ce.grad };
}
