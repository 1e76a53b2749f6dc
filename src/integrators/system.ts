import { UsageError } from '../core/errors.js';
/**
 * Hamiltonian systems. A separable system H(q, p) = T(p) + V(q) is given by ∇T and ∇V (what splitting
 * methods need); a general one by ∂H/∂q and ∂H/∂p (enough for explicit Euler and RK4). Vectors are
 * Float64Array or Float32Array of length `dim` (degrees of freedom); functions write into `out`.
 */
export type Vec = Float64Array | Float32Array;

interface SystemBase {
  readonly name: string;
  /** Degrees of freedom n: q and p each have n entries. */
  readonly dim: number;
  /** Total energy H(q, p). */
  energy(q: Vec, p: Vec): number;
  /** Other conserved quantities by name (angular momentum, Runge–Lenz components, …). */
  readonly invariants?: Readonly<Record<string, (q: Vec, p: Vec) => number>>;
  /** The exact flow, when known: writes the state at time t from (q0, p0). */
  exact?(t: number, q0: Vec, p0: Vec, outQ: Vec, outP: Vec): void;
}

/** H(q, p) = T(p) + V(q), given by its gradients (what splitting methods need). */
export interface SeparableSystem extends SystemBase {
  readonly kind: 'separable';
  /** out = ∇T(p) (the velocity; p itself for T = ½‖p‖²). */
  gradT(out: Vec, p: Vec): void;
  /** out = ∇V(q) (minus the force). */
  gradV(out: Vec, q: Vec): void;
}

/** Any H(q, p), given by ∂H/∂q and ∂H/∂p (explicit Euler and RK4 only). */
export interface GeneralSystem extends SystemBase {
  readonly kind: 'general';
  /** out = ∂H/∂q at (q, p). */
  dHdq(out: Vec, q: Vec, p: Vec): void;
  /** out = ∂H/∂p at (q, p). */
  dHdp(out: Vec, q: Vec, p: Vec): void;
}

/** A separable or a general system. */
export type HamiltonianSystem = SeparableSystem | GeneralSystem;

/**
 * Builds a separable system from its parts; T defaults to ½‖p‖² (unit mass).
 * @example
 * const quartic = separableSystem({ name: 'quartic', dim: 1, potential: (q) => q[0] ** 4 / 4, gradV: (o, q) => { o[0] = q[0] ** 3; } });
 */
export function separableSystem(spec: {
  name: string;
  dim: number;
  potential: (q: Vec) => number;
  gradV: (out: Vec, q: Vec) => void;
  kinetic?: (p: Vec) => number;
  gradT?: (out: Vec, p: Vec) => void;
  invariants?: Record<string, (q: Vec, p: Vec) => number>;
  exact?: SystemBase['exact'];
}): SeparableSystem {
  if (!Number.isInteger(spec.dim) || spec.dim < 1) throw new UsageError(`system '${spec.name}': dim must be a positive integer, got ${spec.dim}`);
  const kinetic =
    spec.kinetic ??
    ((p: Vec) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) s += p[i] * p[i];
      return 0.5 * s;
    });
  const gradT = spec.gradT ?? ((out: Vec, p: Vec) => out.set(p));
  return {
    kind: 'separable',
    name: spec.name,
    dim: spec.dim,
    gradT,
    gradV: spec.gradV,
    energy: (q, p) => kinetic(p) + spec.potential(q),
    invariants: spec.invariants,
    exact: spec.exact,
  };
}

/**
 * Harmonic oscillator H = ½‖p‖² + ½Σ kᵢqᵢ² (unit masses), with its exact solution.
 * @example
 * const ho = harmonicOscillator({ stiffness: [1, 4] }); // two independent oscillators, ω = 1 and 2
 */
export function harmonicOscillator(options: { stiffness?: number[]; dim?: number } = {}): SeparableSystem {
  const k = options.stiffness ?? new Array(options.dim ?? 1).fill(1);
  if (!k.every((v) => v > 0)) throw new UsageError('harmonicOscillator: stiffness must be positive');
  const w = k.map(Math.sqrt);
  return separableSystem({
    name: 'harmonic',
    dim: k.length,
    potential: (q) => {
      let s = 0;
      for (let i = 0; i < q.length; i++) s += k[i] * q[i] * q[i];
      return 0.5 * s;
    },
    gradV: (out, q) => {
      for (let i = 0; i < q.length; i++) out[i] = k[i] * q[i];
    },
    exact: (t, q0, p0, outQ, outP) => {
      for (let i = 0; i < k.length; i++) {
        const c = Math.cos(w[i] * t),
          s = Math.sin(w[i] * t);
        outQ[i] = q0[i] * c + (p0[i] / w[i]) * s;
        outP[i] = -q0[i] * w[i] * s + p0[i] * c;
      }
    },
  });
}

/**
 * Simple pendulum H = ½p² + (g/l)(1 − cos q).
 * @example
 * const pend = pendulum(); // g/l = 1
 */
export function pendulum(options: { gOverL?: number } = {}): SeparableSystem {
  const w2 = options.gOverL ?? 1;
  return separableSystem({
    name: 'pendulum',
    dim: 1,
    potential: (q) => w2 * (1 - Math.cos(q[0])),
    gradV: (out, q) => {
      out[0] = w2 * Math.sin(q[0]);
    },
  });
}

/**
 * Kepler two-body problem in the plane (reduced, μ = GM): H = ½‖p‖² − μ/‖q‖, with invariants angular
 * momentum L = x·p_y − y·p_x and the Runge–Lenz vector A = p × L − μ q/‖q‖.
 * @example
 * const kep = kepler(); // q = (1, 0), p = (0, 1) is a circular orbit
 */
export function kepler(options: { mu?: number } = {}): SeparableSystem {
  const mu = options.mu ?? 1;
  const L = (q: Vec, p: Vec) => q[0] * p[1] - q[1] * p[0];
  return separableSystem({
    name: 'kepler',
    dim: 2,
    potential: (q) => -mu / Math.hypot(q[0], q[1]),
    gradV: (out, q) => {
      const r = Math.hypot(q[0], q[1]);
      const r3 = r * r * r;
      out[0] = (mu * q[0]) / r3;
      out[1] = (mu * q[1]) / r3;
    },
    invariants: {
      angularMomentum: L,
      rungeLenzX: (q, p) => p[1] * L(q, p) - (mu * q[0]) / Math.hypot(q[0], q[1]),
      rungeLenzY: (q, p) => -p[0] * L(q, p) - (mu * q[1]) / Math.hypot(q[0], q[1]),
    },
  });
}

/**
 * Hénon–Heiles: H = ½‖p‖² + ½(x² + y²) + x²y − y³/3 (chaotic above energy ≈ 1/8, escapes above 1/6).
 * @example
 * const hh = henonHeiles();
 */
export function henonHeiles(): SeparableSystem {
  return separableSystem({
    name: 'henon-heiles',
    dim: 2,
    potential: (q) => 0.5 * (q[0] * q[0] + q[1] * q[1]) + q[0] * q[0] * q[1] - (q[1] * q[1] * q[1]) / 3,
    gradV: (out, q) => {
      const x = q[0],
        y = q[1];
      out[0] = x + 2 * x * y;
      out[1] = y + x * x - y * y;
    },
  });
}

/**
 * The vector field of H with friction γ: q̇ = ∂H/∂p, ṗ = −∂H/∂q − γp.
 * @example
 * vectorField(pendulum(), 0)(dq, dp, q, p);
 */
export function vectorField(system: HamiltonianSystem, friction: number): (dq: Float64Array, dp: Float64Array, q: Vec, p: Vec) => void {
  return (dq, dp, q, p) => {
    if (system.kind === 'separable') {
      system.gradT(dq, p);
      system.gradV(dp, q);
    } else {
      system.dHdp(dq, q, p);
      system.dHdq(dp, q, p);
    }
    for (let i = 0; i < dp.length; i++) dp[i] = -dp[i] - friction * p[i];
  };
}

/** The systems by name, for the CLI and reports. */
export const SYSTEMS = {
  /** Unit harmonic oscillator. */
  harmonic: () => harmonicOscillator(),
  /** Pendulum with g/l = 1. */
  pendulum: () => pendulum(),
  /** Planar Kepler problem, μ = 1. */
  kepler: () => kepler(),
  /** Hénon–Heiles. */
  'henon-heiles': () => henonHeiles(),
} as const;

/** Names of the built-in test systems. */
export type SystemName = keyof typeof SYSTEMS;
