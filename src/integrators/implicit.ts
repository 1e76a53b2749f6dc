/**
 * Implicit symplectic Runge–Kutta methods for any H(q, p), separable or not: Gauss–Legendre collocation with s = 1
 * (the implicit midpoint rule, order 2), 2 (order 4) and 3 (order 6) stages — symplectic and symmetric for every
 * Hamiltonian (they conserve all quadratic invariants), at the price of solving the stage equations each step.
 *
 * Stage equations K_i = f(z + h Σ_j a_ij K_j) are solved by Newton's method: each iteration takes the Jacobian of f
 * at every stage value (central differences, so only ∂H/∂q and ∂H/∂p are needed), factorises the (s·2n)² matrix
 * [δ_ij·I − h·a_ij·J_f(Y_i)] and runs until the update is below 4 ulps of the state (or stops shrinking at round-off).
 * A step that does not converge in MAX_NEWTON iterations throws, naming h: the map would not be the method's.
 */
import { UsageError } from '../core/errors.js';
import type { Vec } from './system.js';

const R3 = Math.sqrt(3),
  R15 = Math.sqrt(15);
/** Butcher tableaux of the Gauss–Legendre methods by stage count (a row-major s×s, b). */
export const GAUSS_LEGENDRE: Readonly<Record<1 | 2 | 3, { a: readonly number[]; b: readonly number[] }>> = {
  1: { a: [0.5], b: [1] },
  2: { a: [0.25, 0.25 - R3 / 6, 0.25 + R3 / 6, 0.25], b: [0.5, 0.5] },
  3: {
    a: [5 / 36, 2 / 9 - R15 / 15, 5 / 36 - R15 / 30, 5 / 36 + R15 / 24, 2 / 9, 5 / 36 - R15 / 24, 5 / 36 + R15 / 30, 2 / 9 + R15 / 15, 5 / 36],
    b: [5 / 18, 4 / 9, 5 / 18],
  },
};

/** Most Newton iterations per step. */
const MAX_NEWTON = 100;
/** RK4 substeps of the initial guess, per stage. */
const PREDICTOR_STEPS = 8;

/** f(z) for z = (q, p): writes (dq, dp). */
export type VectorField = (dq: Float64Array, dp: Float64Array, q: Vec, p: Vec) => void;

/**
 * A Gauss–Legendre step with `stages` stages for the vector field `field` of an n-degree-of-freedom system.
 * @example
 * const step = gaussLegendreStep(2, 1, field, 0.1); // order 4
 * step(q, p);
 */
export function gaussLegendreStep(stages: 1 | 2 | 3, n: number, field: VectorField, h: number): (q: Vec, p: Vec) => void {
  const { a, b } = GAUSS_LEGENDRE[stages];
  const c = Array.from({ length: stages }, (_, i) => a.slice(i * stages, (i + 1) * stages).reduce((x, y) => x + y, 0));
  const m = 2 * n,
    s = stages,
    size = s * m;
  const K = new Float64Array(size); // stage derivatives, stage-major
  const Y = new Float64Array(m); // a stage's state
  const F = new Float64Array(m);
  const J = new Float64Array(m * m); // ∂f/∂z at the step's start
  const M = new Float64Array(size * size);
  const pivots = new Int32Array(size);
  const residual = new Float64Array(size);
  const fq = new Float64Array(n),
    fp = new Float64Array(n);
  const z = new Float64Array(m);
  const zq = new Float64Array(n),
    zp = new Float64Array(n);
  const evaluate = (out: Float64Array, offset: number, y: Float64Array) => {
    field(fq, fp, y.subarray(0, n), y.subarray(n, m));
    out.set(fq, offset);
    out.set(fp, offset + n);
  };
  // Stage values Y_j = z + h Σ_k a_jk K_k, stage-major.
  const stageValues = new Float64Array(size);
  const step = new Float64Array(size),
    Kprevious = new Float64Array(size),
    trial = new Float64Array(size);
  const norm = (v: Float64Array) => {
    let x = 0;
    for (let r = 0; r < v.length; r++) x = Math.max(x, Math.abs(v[r]));
    return x;
  };
  const k1 = new Float64Array(m),
    k2 = new Float64Array(m),
    k3 = new Float64Array(m),
    k4 = new Float64Array(m),
    tmp = new Float64Array(m);
  /** y ← RK4 flow of f over time t in PREDICTOR_STEPS substeps. */
  const predict = (y: Float64Array, t: number) => {
    const dt = t / PREDICTOR_STEPS;
    for (let sub = 0; sub < PREDICTOR_STEPS; sub++) {
      evaluate(k1, 0, y);
      for (let k = 0; k < m; k++) tmp[k] = y[k] + 0.5 * dt * k1[k];
      evaluate(k2, 0, tmp);
      for (let k = 0; k < m; k++) tmp[k] = y[k] + 0.5 * dt * k2[k];
      evaluate(k3, 0, tmp);
      for (let k = 0; k < m; k++) tmp[k] = y[k] + dt * k3[k];
      evaluate(k4, 0, tmp);
      for (let k = 0; k < m; k++) y[k] += (dt / 6) * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
    }
  };
  /** max |f(z + h Σ a K) − K| for the current K. */
  const residualNorm = () => {
    for (let i = 0; i < s; i++) {
      for (let k = 0; k < m; k++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += a[i * s + j] * K[j * m + k];
        Y[k] = z[k] + h * acc;
      }
      evaluate(trial, i * m, Y);
      for (let k = 0; k < m; k++) trial[i * m + k] -= K[i * m + k];
    }
    const x = norm(trial);
    return Number.isNaN(x) ? Number.POSITIVE_INFINITY : x;
  };
  const jacobianAt = (y: Float64Array, offset: number) => {
    // J_f at y into J by central differences, a step scaled to each coordinate.
    for (let j = 0; j < m; j++) {
      const d = 1e-6 * Math.max(1, Math.abs(y[offset + j]));
      Y.set(y.subarray(offset, offset + m));
      Y[j] += d;
      evaluate(F, 0, Y);
      for (let i = 0; i < m; i++) J[i * m + j] = F[i];
      Y[j] -= 2 * d;
      evaluate(F, 0, Y);
      for (let i = 0; i < m; i++) J[i * m + j] = (J[i * m + j] - F[i]) / (2 * d);
    }
  };
  return (q, p) => {
    for (let i = 0; i < n; i++) {
      z[i] = q[i];
      z[n + i] = p[i];
    }
    let scale = 1;
    for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(z[i]));
    // Initial guess: K_i = f at the flow's value at c_i·h, predicted by RK4 in PREDICTOR_STEPS substeps — close to the
    // collocation solution even where f turns fast within the step (near a Kepler pericentre a guess of f(z) for
    // every stage sent Newton to the singularity).
    for (let i = 0; i < s; i++) {
      Y.set(z);
      predict(Y, c[i] * h);
      evaluate(K, i * m, Y);
    }
    let previous = Number.POSITIVE_INFINITY;
    for (let it = 0; ; it++) {
      for (let i = 0; i < s; i++)
        for (let k = 0; k < m; k++) {
          let acc = 0;
          for (let j = 0; j < s; j++) acc += a[i * s + j] * K[j * m + k];
          stageValues[i * m + k] = z[k] + h * acc;
        }
      // residual_i = f(Y_i) − K_i; M = [δ_ij·I − h·a_ij·J_f(Y_i)]
      for (let i = 0; i < s; i++) {
        evaluate(residual, i * m, stageValues.subarray(i * m, (i + 1) * m));
        for (let k = 0; k < m; k++) residual[i * m + k] -= K[i * m + k];
      }
      // ∂(f(Y_i) − K_i)/∂K_j = h·a_ij·J_f(Y_i) − δ_ij·I: the Jacobian at the row's own stage value.
      for (let i = 0; i < s; i++) {
        jacobianAt(stageValues, i * m);
        for (let j = 0; j < s; j++)
          for (let r = 0; r < m; r++)
            for (let col = 0; col < m; col++) M[(i * m + r) * size + j * m + col] = (i === j && r === col ? 1 : 0) - h * a[i * s + j] * J[r * m + col];
      }
      luFactor(M, size, pivots);
      const before = norm(residual);
      step.set(residual);
      luSolve(M, size, pivots, step);
      // Damped Newton: halve the update until the residual shrinks (a full step can overshoot where f changes fast
      // over the step — near a Kepler pericentre), at most 30 halvings.
      let lambda = 1;
      Kprevious.set(K);
      for (let halvings = 0; ; halvings++) {
        for (let r = 0; r < size; r++) K[r] = Kprevious[r] + lambda * step[r];
        if (halvings >= 30 || before <= 4 * Number.EPSILON * scale || residualNorm() < before) break;
        lambda /= 2;
      }
      let change = 0;
      for (let r = 0; r < size; r++) change = Math.max(change, Math.abs(h * (K[r] - Kprevious[r])));
      if (!Number.isFinite(change)) throw new UsageError(`Gauss–Legendre (${s} stages): the stage equations diverged at h = ${h}`);
      if (change <= 4 * Number.EPSILON * scale || (change >= previous && change <= 1e-12 * scale)) break;
      if (it >= MAX_NEWTON)
        throw new UsageError(`Gauss–Legendre (${s} stages): no convergence in ${MAX_NEWTON} Newton iterations at h = ${h}; use a smaller h`);
      previous = change;
    }
    for (let k = 0; k < n; k++) {
      let dq = 0,
        dp = 0;
      for (let i = 0; i < s; i++) {
        dq += b[i] * K[i * m + k];
        dp += b[i] * K[i * m + n + k];
      }
      zq[k] = z[k] + h * dq;
      zp[k] = z[n + k] + h * dp;
    }
    for (let k = 0; k < n; k++) {
      q[k] = zq[k];
      p[k] = zp[k];
    }
  };
}

/** In-place LU with partial pivoting of an n×n row-major matrix. */
function luFactor(A: Float64Array, n: number, pivots: Int32Array): void {
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    pivots[c] = piv;
    if (piv !== c) for (let k = 0; k < n; k++) [A[c * n + k], A[piv * n + k]] = [A[piv * n + k], A[c * n + k]];
    const d = A[c * n + c];
    if (d === 0) throw new UsageError('Gauss–Legendre: singular Newton matrix (h too large for this system)');
    for (let r = c + 1; r < n; r++) {
      const f = (A[r * n + c] /= d);
      for (let k = c + 1; k < n; k++) A[r * n + k] -= f * A[c * n + k];
    }
  }
}

/** Solves LU·x = Pb in place (x overwrites b). */
function luSolve(LU: Float64Array, n: number, pivots: Int32Array, b: Float64Array): void {
  for (let c = 0; c < n; c++) {
    const piv = pivots[c];
    if (piv !== c) [b[c], b[piv]] = [b[piv], b[c]];
  }
  for (let r = 1; r < n; r++) for (let k = 0; k < r; k++) b[r] -= LU[r * n + k] * b[k];
  for (let r = n - 1; r >= 0; r--) {
    for (let k = r + 1; k < n; k++) b[r] -= LU[r * n + k] * b[k];
    b[r] /= LU[r * n + r];
  }
}
