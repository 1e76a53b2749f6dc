import { UsageError } from '../core/errors.js';
import type { Dataset } from '../core/dataset.js';
import { HamiltonianNN } from '../nn/hamiltonian-nn.js';

/** What `fitLogistic` finds: coefficients per encoded column, the intercept, and how the solver ended. */
export interface LogisticFit {
  coefficients: Float64Array;
  intercept: number;
  iterations: number;
  converged: boolean;
  /** The penalised objective at the solution (mean log loss · rows + ‖β‖² / 2C). */
  objective: number;
}

/** Options of `fitLogistic`. */
export interface LogisticOptions {
  /** Inverse regularisation strength, as scikit-learn's `C` (default 1): the penalty is ‖β‖² / (2C); the intercept is not penalised. */
  c?: number;
  /** Newton iterations at most (default 50). */
  maxIterations?: number;
  /** Stop when the largest gradient component is below this (default 1e-8 × rows). */
  tolerance?: number;
}

/**
 * L2-regularised logistic regression fitted to convergence by Newton's method (iteratively reweighted least
 * squares), in float64, with step halving so the objective never rises — the baseline every credit model is measured
 * against, written here with no dependency. Minimises scikit-learn's `LogisticRegression(C)` objective
 *   Σᵢ [−yᵢ log pᵢ − (1 − yᵢ) log(1 − pᵢ)] + ‖β‖² / (2C),   pᵢ = σ(β·xᵢ + b),
 * so its coefficients match sklearn's (newton-cholesky; to 1e-5 on the shipped files). Cost per iteration: rows · cols² for the
 * Hessian and cols³ for its Cholesky factor — meant for the tens to hundreds of columns of credit data.
 * @example
 * const fit = fitLogistic(prep.train);               // { coefficients, intercept, converged: true, … }
 * const model = logisticModel(fit);                  // a HamiltonianNN with no hidden layer: saves, scores, exports
 */
export function fitLogistic(data: Dataset, options: LogisticOptions = {}): LogisticFit {
  const { x, y, rows, cols } = data;
  const c = options.c ?? 1;
  if (!(c > 0 && Number.isFinite(c))) throw new UsageError(`fitLogistic: c must be a positive number, got ${c}`);
  if (rows === 0) throw new UsageError('fitLogistic: no rows');
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8 * rows;
  const d = cols + 1; // the intercept is the last parameter
  let beta = new Float64Array(d);
  const margin = new Float64Array(rows);
  const objectiveAt = (b: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      let z = b[cols];
      const base = i * cols;
      for (let j = 0; j < cols; j++) z += b[j] * x[base + j];
      margin[i] = z;
      // −log σ(z) for y = 1, −log σ(−z) for y = 0, written to stay finite for large |z|.
      const s = y[i] ? -z : z;
      loss += s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
    }
    let penalty = 0;
    for (let j = 0; j < cols; j++) penalty += b[j] * b[j];
    return loss + penalty / (2 * c);
  };
  let objective = objectiveAt(beta);
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);
  const step = new Float64Array(d);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    // Gradient and Hessian at beta (margins were left by objectiveAt(beta)).
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]));
      const r = p - y[i];
      const w = Math.max(p * (1 - p), 1e-12);
      const base = i * cols;
      for (let j = 0; j < cols; j++) {
        const xj = x[base + j];
        if (xj === 0) continue; // one-hot columns are mostly zeros: their products are skipped
        grad[j] += r * xj;
        const wx = w * xj;
        const row = j * d;
        for (let k = 0; k <= j; k++) hess[row + k] += wx * x[base + k];
        hess[row + cols] += wx;
      }
      grad[cols] += r;
      hess[cols * d + cols] += w;
    }
    for (let j = 0; j < cols; j++) {
      grad[j] += beta[j] / c;
      hess[j * d + j] += 1 / c;
      for (let k = 0; k < j; k++) hess[k * d + j] = hess[j * d + k];
      hess[cols * d + j] = hess[j * d + cols];
    }
    let largest = 0;
    for (let j = 0; j < d; j++) largest = Math.max(largest, Math.abs(grad[j]));
    if (largest <= tolerance) {
      converged = true;
      break;
    }
    solveCholesky(hess, grad, step, d);
    // Step halving: the full Newton step, or half of it, …, whichever first lowers the objective.
    let t = 1;
    let next = beta;
    let value = objective;
    for (let halvings = 0; halvings < 30; halvings++, t /= 2) {
      next = beta.map((v, j) => v - t * step[j]);
      value = objectiveAt(next);
      if (value <= objective) break;
    }
    iterations++;
    if (!(value <= objective)) {
      objectiveAt(beta); // restore the margins: no step lowers the objective, beta is the optimum to rounding
      converged = true;
      break;
    }
    const change = objective - value;
    beta = next;
    objective = value;
    if (change <= 1e-15 * Math.max(1, Math.abs(objective))) {
      converged = true;
      break;
    }
  }
  return { coefficients: beta.slice(0, cols), intercept: beta[cols], iterations, converged, objective };
}

/** Solves A·s = g for symmetric positive definite A (d × d, overwritten by its Cholesky factor). */
function solveCholesky(a: Float64Array, g: Float64Array, s: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let v = a[j * d + j];
    for (let k = 0; k < j; k++) v -= a[j * d + k] * a[j * d + k];
    // Positive definite by construction (the penalty, and w > 0); the floor guards rounding in a separable intercept.
    const diag = Math.sqrt(Math.max(v, 1e-300));
    a[j * d + j] = diag;
    for (let i = j + 1; i < d; i++) {
      let u = a[i * d + j];
      for (let k = 0; k < j; k++) u -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = u / diag;
    }
  }
  for (let i = 0; i < d; i++) {
    let v = g[i];
    for (let k = 0; k < i; k++) v -= a[i * d + k] * s[k];
    s[i] = v / a[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let v = s[i];
    for (let k = i + 1; k < d; k++) v -= a[k * d + i] * s[k];
    s[i] = v / a[i * d + i];
  }
}

/**
 * A fitted logistic regression as a network with no hidden layer (`hiddenDims: []`): logit 0 is 0, logit 1 is
 * β·x + b, so the softmax's P(class 1) is σ(β·x + b). It saves, loads, scores and exports like any model.
 * @example
 * writeFileSync('lr.safetensors', encodeModel(logisticModel(fitLogistic(prep.train)), { preprocessor }));
 */
export function logisticModel(fit: LogisticFit, options: { backend?: 'auto' | 'js' | 'wasm' } = {}): HamiltonianNN {
  const cols = fit.coefficients.length;
  const model = new HamiltonianNN({ inputDim: cols, hiddenDims: [], dropoutRate: 0, seed: 0, backend: options.backend ?? 'auto' });
  const [weight, bias] = model.parameters();
  weight.data.fill(0);
  for (let j = 0; j < cols; j++) weight.data[cols + j] = fit.coefficients[j];
  bias.data[0] = 0;
  bias.data[1] = fit.intercept;
  return model;
}
