/**
 * Matrix helpers over row-major Float32Array, gl-matrix style: the output comes first and is returned,
 * nothing is allocated inside, and dimensions are passed explicitly (a matrix is just memory).
 *
 * These are the reference kernels: simple loops written for clarity first and cache-friendly order second.
 * `matmulNT` sums each dot product in a float64 local; `matmul` and `matmulTN` add each product into the
 * float32 `out` (their loop order makes the output the accumulator). Every term is added, zeros included, so
 * 0·∞ gives NaN here as it does in the WASM and GPU kernels. Faster backends are tested against them.
 */

export type Matrix = Float32Array;

/**
 * out[m×n] = a[m×k] · b[k×n]   (or out += … when `accumulate`).
 * @example
 * const out = new Float32Array(4);
 * matmul(out, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 2, 2, 2); // [19, 22, 43, 50]
 */
export function matmul(out: Matrix, a: Matrix, b: Matrix, m: number, k: number, n: number, accumulate = false): Matrix {
  if (!accumulate) out.fill(0, 0, m * n);
  // i-p-j order: the inner loop walks rows of b and out contiguously.
  for (let i = 0; i < m; i++) {
    const oRow = i * n;
    const aRow = i * k;
    for (let p = 0; p < k; p++) {
      const av = a[aRow + p];
      const bRow = p * n;
      for (let j = 0; j < n; j++) out[oRow + j] += av * b[bRow + j];
    }
  }
  return out;
}

/**
 * out[m×n] = a[m×k] · b[n×k]ᵀ   (b stored row-major as n×k; e.g. x · Wᵀ with PyTorch-layout W).
 * @example
 * matmulNT(out, x, W, rows, inFeatures, outFeatures); // x·Wᵀ
 */
export function matmulNT(out: Matrix, a: Matrix, b: Matrix, m: number, k: number, n: number, accumulate = false): Matrix {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    const oRow = i * n;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
      out[oRow + j] = accumulate ? out[oRow + j] + s : s;
    }
  }
  return out;
}

/**
 * out[m×n] = a[k×m]ᵀ · b[k×n]   (a stored row-major as k×m; e.g. dYᵀ · X for weight gradients).
 * @example
 * matmulTN(dW, dY, X, outFeatures, rows, inFeatures); // dYᵀ·X
 */
export function matmulTN(out: Matrix, a: Matrix, b: Matrix, m: number, k: number, n: number, accumulate = false): Matrix {
  if (!accumulate) out.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const aRow = p * m;
    const bRow = p * n;
    for (let i = 0; i < m; i++) {
      const av = a[aRow + i];
      const oRow = i * n;
      for (let j = 0; j < n; j++) out[oRow + j] += av * b[bRow + j];
    }
  }
  return out;
}

/**
 * out[r×c] = x[r×c] + bias[c] broadcast over rows (out may alias x).
 * @example
 * addRowVector(out, out, bias, rows, cols);
 */
export function addRowVector(out: Matrix, x: Matrix, bias: Float32Array, rows: number, cols: number): Matrix {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j] + bias[j];
  }
  return out;
}

/**
 * out[c] = Σ_rows x[r×c]   (or out += … when `accumulate`).
 * @example
 * sumRows(db, dY, rows, cols);
 */
export function sumRows(out: Float32Array, x: Matrix, rows: number, cols: number, accumulate = false): Float32Array {
  if (!accumulate) out.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += x[o + j];
  }
  return out;
}

/**
 * out = x · s (elementwise; out may alias x).
 * @example
 * scale(out, x, 0.5);
 */
export function scale(out: Float32Array, x: Float32Array, s: number, n = x.length): Float32Array {
  for (let i = 0; i < n; i++) out[i] = x[i] * s;
  return out;
}

/**
 * y += alpha · x.
 * @example
 * axpy(theta, -lr, grad);
 */
export function axpy(y: Float32Array, alpha: number, x: Float32Array, n = x.length): Float32Array {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
  return y;
}

/**
 * Σ x·y, accumulated in float64.
 * @example
 * dot([1, 2], [3, 4]); // 11
 */
export function dot(x: ArrayLike<number>, y: ArrayLike<number>, n = x.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

/**
 * acc + Σ x², accumulated in float64 (the js backend's running sums pass `acc`).
 * @example
 * sumSquares([3, 4]); // 25
 */
export function sumSquares(x: ArrayLike<number>, n = x.length, acc = 0): number {
  let s = acc;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

/**
 * Euclidean (Frobenius) norm, accumulated in float64.
 * @example
 * norm2([3, 4]); // 5
 */
export function norm2(x: ArrayLike<number>, n = x.length): number {
  return Math.sqrt(sumSquares(x, n));
}

/**
 * out[c×r] = xᵀ for x[r×c].
 * @example
 * transpose(out, Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3); // [1, 4, 2, 5, 3, 6]
 */
export function transpose(out: Matrix, x: Matrix, rows: number, cols: number): Matrix {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

/**
 * True when every element is finite.
 * @example
 * allFinite(Float32Array.of(1, NaN)); // false
 */
export function allFinite(x: ArrayLike<number>, n = x.length): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}
