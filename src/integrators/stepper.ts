import { UsageError } from '../core/errors.js';
import { getMethod, type MethodInfo, type MethodName, type Stage } from './methods.js';
import { vectorField, type HamiltonianSystem, type SeparableSystem, type Vec } from './system.js';
import { gaussLegendreStep } from './implicit.js';

/**
 * Walks a splitting method's stages — the one place the stage table is interpreted, used by the
 * integrators here and by the symplectic optimisers (`src/optim/symplectic.ts`).
 * @example
 * forEachStage(METHODS['forest-ruth'].stages!, (c) => kick(c * h), (c) => drift(c * h));
 */
export function forEachStage(stages: readonly Stage[], kick: (c: number) => void, drift: (c: number) => void): void {
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i];
    if (s.kind === 'kick') kick(s.c);
    else drift(s.c);
  }
}

/** Step size and friction of a stepper. */
export interface StepperOptions {
  /** Time step. */
  h: number;
  /** Friction γ ≥ 0: ṗ = −∂H/∂q − γp (conformal symplectic for splitting methods). Default 0. */
  friction?: number;
  /**
   * Compensated (Kahan) summation of each update into q and p: the rounding remainder of every addition is carried to
   * the next, so round-off no longer accumulates over millions of steps. The remainders are state of the stepper for
   * one trajectory: call `reset()` before stepping another. Splitting methods only. Default false.
   */
  compensated?: boolean;
}

/** A one-step map built by `createStepper`. */
export interface Stepper {
  readonly method: MethodInfo;
  readonly h: number;
  readonly friction: number;
  readonly compensated: boolean;
  /** Advances (q, p) by one step of size h, in place. Allocates nothing. */
  step(q: Vec, p: Vec): void;
  /** Forgets the compensated remainders (start of a new trajectory); nothing to do without compensation. */
  reset(): void;
}

function requireSeparable(system: HamiltonianSystem, method: MethodInfo): SeparableSystem {
  if (system.kind !== 'separable') {
    throw new UsageError(`method '${method.name}' needs a separable Hamiltonian H = T(p) + V(q); '${system.name}' is general — use 'euler' or 'rk4'`);
  }
  return system;
}

/**
 * A one-step map for `system` by `method`.
 * @example
 * const s = createStepper(pendulum(), 'forest-ruth', { h: 0.1 });
 * const q = Float64Array.of(1), p = Float64Array.of(0);
 * for (let i = 0; i < 1000; i++) s.step(q, p);
 */
export function createStepper(system: HamiltonianSystem, method: MethodName | MethodInfo, options: StepperOptions): Stepper {
  const info = typeof method === 'string' ? getMethod(method) : method;
  const { h } = options;
  const gamma = options.friction ?? 0;
  if (!(Number.isFinite(h) && h !== 0)) throw new UsageError(`h must be a finite non-zero number, got ${h}`);
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new UsageError(`friction must be a finite number ≥ 0, got ${gamma}`);
  const n = system.dim;

  const compensated = options.compensated ?? false;
  if (compensated && !info.stages) throw new UsageError(`compensated summation is implemented for the splitting methods; '${info.name}' is not one`);
  const base = { method: info, h, friction: gamma, compensated, reset: () => {} };

  if (info.stages) {
    const sys = requireSeparable(system, info);
    const tmp = new Float64Array(n);
    // Kahan remainders of q and p (zero, and unused, without compensation).
    const cq = new Float64Array(compensated ? n : 0),
      cp = new Float64Array(compensated ? n : 0);
    let Q: Vec = tmp,
      P: Vec = tmp;
    // Conformal kick of weight c: the exact flow of ṗ = −∇V(q) − γp over c·h with q fixed,
    //   p ← e^{−γch}·p − c·h·φ(γch)·∇V(q),  φ(x) = (1 − e^{−x})/x,
    // so a splitting method composes two exactly solved flows and keeps its order (2, 4, 6, 8) with friction, while
    // each kick scales the symplectic form by e^{−γch}: the step contracts volume by exactly e^{−γhn}. γ = 0 is the
    // conservative kick, bit for bit. (The optimisers keep the cheaper first-order rule: their order does not matter.)
    const kick = (c: number) => {
      sys.gradV(tmp, Q);
      const x = gamma * c * h;
      const d = x === 0 ? 1 : Math.exp(-x);
      const a = x === 0 ? c * h : (c * h * -Math.expm1(-x)) / x;
      if (compensated)
        for (let i = 0; i < n; i++) {
          const y = (d - 1) * P[i] - a * tmp[i] - cp[i];
          const t = P[i] + y;
          cp[i] = t - P[i] - y;
          P[i] = t;
        }
      else for (let i = 0; i < n; i++) P[i] = d * P[i] - a * tmp[i];
    };
    const drift = (c: number) => {
      sys.gradT(tmp, P);
      const a = c * h;
      if (compensated)
        for (let i = 0; i < n; i++) {
          const y = a * tmp[i] - cq[i];
          const t = Q[i] + y;
          cq[i] = t - Q[i] - y;
          Q[i] = t;
        }
      else for (let i = 0; i < n; i++) Q[i] += a * tmp[i];
    };
    const stages = info.stages;
    return {
      ...base,
      step(q, p) {
        Q = q;
        P = p;
        forEachStage(stages, kick, drift);
      },
      reset() {
        cq.fill(0);
        cp.fill(0);
      },
    };
  }

  // Vector field of the (possibly dissipative) system: dq = ∂H/∂p, dp = −∂H/∂q − γp.
  const field = vectorField(system, gamma);

  if (info.implicitStages) return { ...base, step: gaussLegendreStep(info.implicitStages, n, field, h) };

  if (info.name === 'euler') {
    const dq = new Float64Array(n),
      dp = new Float64Array(n);
    return {
      ...base,
      step(q, p) {
        field(dq, dp, q, p);
        for (let i = 0; i < n; i++) {
          q[i] += h * dq[i];
          p[i] += h * dp[i];
        }
      },
    };
  }
  if (info.name === 'rk4') {
    const k = Array.from({ length: 4 }, () => [new Float64Array(n), new Float64Array(n)] as const);
    const tq = new Float64Array(n),
      tp = new Float64Array(n);
    return {
      ...base,
      step(q, p) {
        field(k[0][0], k[0][1], q, p);
        for (let s = 1; s < 4; s++) {
          const a = s === 3 ? h : h / 2;
          for (let i = 0; i < n; i++) {
            tq[i] = q[i] + a * k[s - 1][0][i];
            tp[i] = p[i] + a * k[s - 1][1][i];
          }
          field(k[s][0], k[s][1], tq, tp);
        }
        const w = h / 6;
        for (let i = 0; i < n; i++) {
          q[i] += w * (k[0][0][i] + 2 * k[1][0][i] + 2 * k[2][0][i] + k[3][0][i]);
          p[i] += w * (k[0][1][i] + 2 * k[1][1][i] + 2 * k[2][1][i] + k[3][1][i]);
        }
      },
    };
  }
  throw new UsageError(`method '${info.name}' has no stepper`);
}
