import { UsageError } from '../core/errors.js';
/**
 * Integration methods as data: their order, whether they are symplectic and symmetric, and — for the
 * splitting (symplectic) methods — their stages. One table, used by the integrators and by the
 * optimisers that are the same mathematics, so the coefficients exist once.
 *
 * For H(q, p) = T(p) + V(q):
 *   kick  c:  p ← p − c·h·∇V(q)
 *   drift c:  q ← q + c·h·∇T(p)
 */

export type MethodName =
  | 'euler'
  | 'rk4'
  | 'symplectic-euler'
  | 'symplectic-euler-b'
  | 'leapfrog'
  | 'leapfrog-position'
  | 'forest-ruth'
  | 'pefrl'
  | 'yoshida6'
  | 'kahan-li-8'
  | 'implicit-midpoint'
  | 'gauss-legendre-4'
  | 'gauss-legendre-6';

/** One stage of a splitting method: a kick (momentum) or a drift (position) of weight c. */
export interface Stage {
  kind: 'kick' | 'drift';
  /** Fraction of the step h. */
  c: number;
}

/** What the library knows about a method: order, symplecticity, symmetry, stages. */
export interface MethodInfo {
  name: MethodName;
  /** Global order of accuracy. */
  order: number;
  symplectic: boolean;
  /** Time-reversible (symmetric): Φ_{−h} ∘ Φ_h = id. */
  symmetric: boolean;
  /** Force (∇V) evaluations per step, counting a first kick as one. */
  forceEvaluations: number;
  /** Splitting stages, for the explicit symplectic methods; absent for euler, rk4 and the implicit methods. */
  stages?: readonly Stage[];
  /** Gauss–Legendre stages of an implicit method (1: implicit midpoint), which works on any H, separable or not. */
  implicitStages?: 1 | 2 | 3;
  description: string;
}

/** Forest–Ruth θ = 1/(2 − 2^(1/3)) (Forest & Ruth, Physica D 43, 1990). */
export const FOREST_RUTH_THETA = 1 / (2 - Math.cbrt(2)); // 1.3512071919596578

/** PEFRL (Omelyan, Mryglod & Folk, Comput. Phys. Commun. 146, 2002), position-extended Forest–Ruth-like. */
export const PEFRL_XI = 0.1786178958448091;
/** PEFRL λ. */
export const PEFRL_LAMBDA = -0.2123418310626054;
/** PEFRL χ. */
export const PEFRL_CHI = -0.06626458266981849;

/** Yoshida's 6th-order solution A (Yoshida, Phys. Lett. A 150, 1990): weights of the leapfrog composition. */
export const YOSHIDA6_W1 = -1.17767998417887;
/** Yoshida-6 w₂. */
export const YOSHIDA6_W2 = 0.235573213359357;
/** Yoshida-6 w₃. */
export const YOSHIDA6_W3 = 0.78451361047756;
/** Yoshida-6 w₀ = 1 − 2(w₁ + w₂ + w₃). */
export const YOSHIDA6_W0 = 1 - 2 * (YOSHIDA6_W1 + YOSHIDA6_W2 + YOSHIDA6_W3);

/**
 * Kahan & Li's 8th-order symmetric composition of 15 leapfrog steps, s15odr8 (Math. Comp. 66, 1997; as listed in
 * Hairer, Lubich & Wanner, Geometric Numerical Integration, V.3.2; rounded to doubles): weights w₁…w₇, w₈, w₇…w₁ —
 * w₈ = 1 − 2Σw₁…w₇.
 */
export const KAHAN_LI_8_WEIGHTS: readonly number[] = (() => {
  const w = [0.741670364350613, -0.4091008258000316, 0.1907547102962384, -0.5738624711160822, 0.2990641813036559, 0.33462491824529816, 0.3152930923967666];
  const middle = 1 - 2 * w.reduce((a, b) => a + b, 0);
  return [...w, middle, ...[...w].reverse()];
})();

const kick = (c: number): Stage => ({ kind: 'kick', c });
const drift = (c: number): Stage => ({ kind: 'drift', c });

/**
 * Merges neighbouring stages of the same kind (their flows commute) and drops empty ones.
 * @example
 * mergeStages([{ kind: 'drift', c: 0.5 }, { kind: 'drift', c: 0.5 }]); // [{ kind: 'drift', c: 1 }]
 */
export function mergeStages(stages: readonly Stage[]): Stage[] {
  const out: Stage[] = [];
  for (const s of stages) {
    const last = out[out.length - 1];
    if (last && last.kind === s.kind) last.c += s.c;
    else out.push({ ...s });
  }
  return out.filter((s) => s.c !== 0);
}

/**
 * Composes a symmetric base method with step weights w_i (Yoshida's triple-jump / Suzuki composition):
 * Φ_h = Φ_{w_1 h} ∘ … ∘ Φ_{w_s h}.
 * @example
 * composeStages(METHODS['leapfrog-position'].stages!, [w1, w0, w1]); // triple jump
 */
export function composeStages(base: readonly Stage[], weights: readonly number[]): Stage[] {
  const all: Stage[] = [];
  for (const w of weights) for (const s of base) all.push({ kind: s.kind, c: s.c * w });
  return mergeStages(all);
}

const LEAPFROG_KDK: readonly Stage[] = [kick(0.5), drift(1), kick(0.5)];
const LEAPFROG_DKD: readonly Stage[] = [drift(0.5), kick(1), drift(0.5)];
const T = FOREST_RUTH_THETA;

/** Every method by name. */
export const METHODS: Readonly<Record<MethodName, MethodInfo>> = {
  euler: {
    name: 'euler',
    order: 1,
    symplectic: false,
    symmetric: false,
    forceEvaluations: 1,
    description: 'explicit Euler: q ← q + h∇T(p), p ← p − h∇V(q), both from the old state (not symplectic)',
  },
  rk4: {
    name: 'rk4',
    order: 4,
    symplectic: false,
    symmetric: false,
    forceEvaluations: 4,
    description: 'classical 4th-order Runge–Kutta (not symplectic: energy drifts)',
  },
  'symplectic-euler': {
    name: 'symplectic-euler',
    order: 1,
    symplectic: true,
    symmetric: false,
    forceEvaluations: 1,
    stages: [kick(1), drift(1)],
    description: 'symplectic Euler, kick–drift: p ← p − h∇V(q), then q ← q + h∇T(p)',
  },
  'symplectic-euler-b': {
    name: 'symplectic-euler-b',
    order: 1,
    symplectic: true,
    symmetric: false,
    forceEvaluations: 1,
    stages: [drift(1), kick(1)],
    description: 'symplectic Euler, drift–kick: q ← q + h∇T(p), then p ← p − h∇V(q)',
  },
  leapfrog: {
    name: 'leapfrog',
    order: 2,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 2,
    stages: LEAPFROG_KDK,
    description: 'Störmer–Verlet / leapfrog, velocity form (kick ½, drift 1, kick ½)',
  },
  'leapfrog-position': {
    name: 'leapfrog-position',
    order: 2,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 1,
    stages: LEAPFROG_DKD,
    description: 'Störmer–Verlet / leapfrog, position form (drift ½, kick 1, drift ½)',
  },
  'forest-ruth': {
    name: 'forest-ruth',
    order: 4,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 3,
    stages: [drift(T / 2), kick(T), drift((1 - T) / 2), kick(1 - 2 * T), drift((1 - T) / 2), kick(T), drift(T / 2)],
    description: 'Forest–Ruth 4th order, θ = 1/(2 − 2^(1/3))',
  },
  pefrl: {
    name: 'pefrl',
    order: 4,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 4,
    stages: [
      drift(PEFRL_XI),
      kick((1 - 2 * PEFRL_LAMBDA) / 2),
      drift(PEFRL_CHI),
      kick(PEFRL_LAMBDA),
      drift(1 - 2 * (PEFRL_CHI + PEFRL_XI)),
      kick(PEFRL_LAMBDA),
      drift(PEFRL_CHI),
      kick((1 - 2 * PEFRL_LAMBDA) / 2),
      drift(PEFRL_XI),
    ],
    description: 'PEFRL, Omelyan–Mryglod–Folk optimised 4th order',
  },
  yoshida6: {
    name: 'yoshida6',
    order: 6,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 7,
    stages: composeStages(LEAPFROG_DKD, [YOSHIDA6_W3, YOSHIDA6_W2, YOSHIDA6_W1, YOSHIDA6_W0, YOSHIDA6_W1, YOSHIDA6_W2, YOSHIDA6_W3]),
    description: 'Yoshida 6th order (solution A), leapfrog composed with 7 weights',
  },
  'kahan-li-8': {
    name: 'kahan-li-8',
    order: 8,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 15,
    stages: composeStages(LEAPFROG_DKD, KAHAN_LI_8_WEIGHTS),
    description: 'Kahan–Li 8th order (s15odr8), leapfrog composed with 15 weights',
  },
  'implicit-midpoint': {
    name: 'implicit-midpoint',
    order: 2,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 1,
    implicitStages: 1,
    description: 'implicit midpoint rule (Gauss–Legendre, 1 stage): symplectic for any H, separable or not; Newton per step',
  },
  'gauss-legendre-4': {
    name: 'gauss-legendre-4',
    order: 4,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 2,
    implicitStages: 2,
    description: 'Gauss–Legendre collocation, 2 stages, order 4: symplectic for any H; Newton per step',
  },
  'gauss-legendre-6': {
    name: 'gauss-legendre-6',
    order: 6,
    symplectic: true,
    symmetric: true,
    forceEvaluations: 3,
    implicitStages: 3,
    description: 'Gauss–Legendre collocation, 3 stages, order 6: symplectic for any H; Newton per step',
  },
};

/** The method names, in table order. */
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

/**
 * Looks a method up by name; unknown names throw, listing the known ones.
 * @example
 * getMethod('yoshida6').order; // 6
 */
export function getMethod(name: string): MethodInfo {
  if (!Object.hasOwn(METHODS, name)) {
    throw new UsageError(`unknown integration method '${name}' (known: ${METHOD_NAMES.join(', ')})`);
  }
  return METHODS[name as MethodName];
}
