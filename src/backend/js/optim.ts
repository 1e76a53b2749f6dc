import type { AdamStepConstants, SgdStepConstants } from '../ops.js';

// The reference reductions are core's: acc + Σ x² and y += c·x.
export { axpy, sumSquares } from '../../core/matrix.js';

/** m ← βm + (1−β)g; H = ½Σm² + ½Σg² (m as stored in float32); θ ← θ − lr·m/(√H + ε). Returns H. */
export function advancedSymplecticStep(theta: Float32Array, g: Float32Array, m: Float32Array, n: number, lr: number, beta: number, epsilon: number): number {
  const oneMinusBeta = 1 - beta;
  let mm = 0;
  let gg = 0;
  for (let i = 0; i < n; i++) {
    m[i] = beta * m[i] + oneMinusBeta * g[i];
    const mi = m[i];
    mm += mi * mi;
    gg += g[i] * g[i];
  }
  const h = 0.5 * mm + 0.5 * gg;
  const stepSize = lr / (Math.sqrt(h) + epsilon);
  for (let i = 0; i < n; i++) theta[i] -= stepSize * m[i];
  return h;
}

/** m ← decay·m − b·g. */
export function kick(m: Float32Array, g: Float32Array, n: number, decay: number, b: number): void {
  for (let i = 0; i < n; i++) m[i] = decay * m[i] - b * g[i];
}

/** θ ← θ + a·m. */
export function drift(theta: Float32Array, m: Float32Array, n: number, a: number): void {
  for (let i = 0; i < n; i++) theta[i] += a * m[i];
}

/** Adam / AdamW (PyTorch's formulas); returns acc + ½Σm². */
export function adamStep(theta: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, c: AdamStepConstants, acc: number): number {
  const { stepSize, beta1, beta2, sqrtBc2, epsilon, l2, shrink } = c;
  let energy = acc;
  for (let i = 0; i < n; i++) {
    const gi = g[i] + l2 * theta[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    const mi = m[i];
    energy += 0.5 * mi * mi;
    theta[i] = theta[i] * shrink - (stepSize * mi) / (Math.sqrt(v[i]) / sqrtBc2 + epsilon);
  }
  return energy;
}

/** SGD as `torch.optim.SGD`; returns acc + ½Σb² with b the step direction (the gradient without momentum). */
export function sgdStep(theta: Float32Array, g: Float32Array, buf: Float32Array, n: number, c: SgdStepConstants, acc: number): number {
  const { lr, momentum, dampening, nesterov, weightDecay, first } = c;
  let energy = acc;
  if (momentum === 0) {
    for (let i = 0; i < n; i++) {
      const gi = g[i] + weightDecay * theta[i];
      energy += 0.5 * gi * gi;
      theta[i] -= lr * gi;
    }
    return energy;
  }
  for (let i = 0; i < n; i++) {
    const gi = g[i] + weightDecay * theta[i];
    buf[i] = first ? gi : momentum * buf[i] + (1 - dampening) * gi;
    const bi = buf[i];
    energy += 0.5 * bi * bi;
    theta[i] -= lr * (nesterov ? gi + momentum * bi : bi);
  }
  return energy;
}
