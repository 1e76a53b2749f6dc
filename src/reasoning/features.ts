import { UsageError } from '../core/errors.js';
/**
 * A chain as a trajectory in embedding space: positions x₀ = question, x₁ = fact 1, x₂ = fact 2, x₃ = answer;
 * momenta pᵢ = xᵢ₊₁ − xᵢ. Per step: kinetic T = ½‖p‖², potential V = 1 − cos(xᵢ₊₁, question) (low when the
 * step stays relevant to the question), H = T + V, and the original's variant H⁻ = T − V.
 */
export interface ChainFeatures {
  /** Mean kinetic energy per step. */
  kinetic: number;
  /** Mean potential per step. */
  potential: number;
  /** Mean H = T + V. */
  hamiltonian: number;
  /** Mean of the original's T − V. */
  lagrangianLike: number;
  /** Standard deviation of H across the steps (how far energy is from conserved). */
  energyDrift: number;
  /** Mean of 1/(1 + |T − V|), the original's energy-conservation score. */
  conservation: number;
  /** Σ‖pᵢ‖. */
  pathLength: number;
  /** cos(fact 1, question), cos(fact 2, question), cos(fact 1, fact 2), cos(fact 2, answer), cos(question, answer). */
  relFact1: number;
  relFact2: number;
  factOverlap: number;
  fact2Answer: number;
  questionAnswer: number;
  /** Mean turning, 1 − cos(pᵢ, pᵢ₊₁), over consecutive steps (0 for a straight path). */
  curvature: number;
  /** T of each step (question→fact1, fact1→fact2, fact2→answer) and V at each step's end. */
  steps: Array<{ T: number; V: number }>;
}

export const FEATURE_NAMES = [
  'kinetic',
  'potential',
  'hamiltonian',
  'lagrangianLike',
  'energyDrift',
  'conservation',
  'pathLength',
  'relFact1',
  'relFact2',
  'factOverlap',
  'fact2Answer',
  'questionAnswer',
  'curvature',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Features of one trajectory [question, fact1, fact2, answer] (3 or more points; the first is the question).
 * @example
 * const f = trajectoryFeatures([q, f1, f1, a]); // identical facts: the middle step has T = 0
 */
export function trajectoryFeatures(points: readonly ArrayLike<number>[]): ChainFeatures {
  if (points.length < 3) throw new UsageError(`a trajectory needs at least 3 points, got ${points.length}`);
  const q = points[0];
  const d = q.length;
  const momenta = points.slice(1).map((x, i) => Float64Array.from({ length: d }, (_, k) => x[k] - points[i][k]));
  const steps = momenta.map((p, i) => {
    let s = 0;
    for (const v of p) s += v * v;
    return { T: 0.5 * s, V: 1 - cosine(points[i + 1], q) };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const H = steps.map((s) => s.T + s.V);
  const hMean = mean(H);
  let turning = 0;
  for (let i = 0; i + 1 < momenta.length; i++) turning += 1 - cosine(momenta[i], momenta[i + 1]);
  const last = points[points.length - 1];
  return {
    kinetic: mean(steps.map((s) => s.T)),
    potential: mean(steps.map((s) => s.V)),
    hamiltonian: hMean,
    lagrangianLike: mean(steps.map((s) => s.T - s.V)),
    energyDrift: Math.sqrt(mean(H.map((h) => (h - hMean) ** 2))),
    conservation: mean(steps.map((s) => 1 / (1 + Math.abs(s.T - s.V)))),
    pathLength: steps.reduce((a, s) => a + Math.sqrt(2 * s.T), 0),
    relFact1: cosine(points[1], q),
    relFact2: cosine(points[2], q),
    factOverlap: cosine(points[1], points[2]),
    fact2Answer: cosine(points[2], last),
    questionAnswer: cosine(q, last),
    curvature: momenta.length > 1 ? turning / (momenta.length - 1) : 0,
    steps,
  };
}
