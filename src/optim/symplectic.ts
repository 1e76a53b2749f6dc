import { UsageError } from '../core/errors.js';
import { getMethod, type MethodInfo, type MethodName, type Stage } from '../integrators/methods.js';
import { forEachStage } from '../integrators/stepper.js';
import type { Parameter } from '../core/parameter.js';
import { Optimizer, type BaseOptions, type Closure, type ParamGroupInput } from './optimizer.js';

export interface SymplecticOptions extends BaseOptions {
  /** The time step η (h). */
  lr: number;
  /** Momentum loss per unit step, in [0, 1): 0 conserves energy, > 0 is conformal symplectic (dissipative). */
  friction: number;
}

/**
 * Symplectic integration of the Hamiltonian H(θ, m) = ½‖m‖² + L(θ) with time step η = lr — gradient
 * descent as a mechanical system, integrated by one of the splitting methods of `src/integrators`
 * (the stage table is shared, not copied):
 *
 *   kick  c:  m ← (1 − friction)^c · m − c·η·∇L(θ)
 *   drift c:  θ ← θ + c·η·m
 *
 * With friction f the map is conformal symplectic (França, Sulam, Robinson & Vidal, "Conformal symplectic
 * and relativistic optimization", NeurIPS 2020): each step scales phase-space volume by (1 − f)^d.
 *
 * The gradients in `.grad` on entry are taken as ∇L at the current θ. Methods that need ∇L at other
 * points (leapfrog, Forest–Ruth, …) take a closure that recomputes loss and gradients, like PyTorch's
 * `LBFGS.step(closure)`. `energy` is the kinetic energy ½‖m‖² after the step.
 * @example
 * const opt = new SymplecticOptimizer(model.parameters(), 'pefrl', { lr: 0.05, friction: 0.1 });
 */
export class SymplecticOptimizer extends Optimizer<SymplecticOptions> {
  readonly type: string;
  readonly method: MethodInfo;
  private readonly stages: readonly Stage[];

  constructor(params: Parameter[] | ParamGroupInput<SymplecticOptions>[], method: MethodName, options: Partial<SymplecticOptions> & { lr: number }) {
    super(params, { friction: 0, ...options });
    const info = getMethod(method);
    if (!info.stages) throw new UsageError(`SymplecticOptimizer: '${method}' is not a symplectic splitting method`);
    this.method = info;
    this.stages = info.stages;
    this.type = `symplectic:${method}`;
  }

  protected override validateOptions(o: SymplecticOptions, where: string): void {
    super.validateOptions(o, where);
    this.requireOption(o.friction >= 0 && o.friction < 1, where, 'friction must be in [0, 1)', o.friction);
  }

  override get usesEntryGradient(): boolean {
    return this.stages[0].kind === 'kick';
  }

  override get requiresClosure(): boolean {
    // Only a method whose single force evaluation comes first can use the caller's gradient alone.
    const kicks = this.stages.filter((s) => s.kind === 'kick').length;
    return kicks > 1 || this.stages[0].kind !== 'kick';
  }

  step(closure?: Closure): number | undefined {
    let loss: number | undefined;
    let gradIsCurrent = true;
    const kick = (c: number) => {
      if (!gradIsCurrent) {
        if (!closure) {
          throw new UsageError(
            `${this.constructor.name}.step needs a closure that recomputes the loss and gradients (method '${this.method.name}' evaluates the gradient ${this.method.forceEvaluations} times per step)`,
          );
        }
        loss = closure();
        gradIsCurrent = true;
      }
      for (const { params, options } of this.groups) {
        const b = c * options.lr;
        // First-order conformal rule: momentum decays by (1 − friction)^c before a kick of weight c. (The integrators
        // use the exact damped kick, which keeps a method's order; an optimiser has no trajectory to be accurate on.)
        const decay = options.friction > 0 ? Math.pow(1 - options.friction, c) : 1;
        for (const p of params) this.opsFor(p).kick(this.buffer(p, 'momentum'), p.grad, p.data.length, decay, b);
      }
    };
    const drift = (c: number) => {
      for (const { params, options } of this.groups) {
        const a = c * options.lr;
        for (const p of params) this.opsFor(p).drift(p.data, this.buffer(p, 'momentum'), p.data.length, a);
      }
      gradIsCurrent = false;
    };
    forEachStage(this.stages, kick, drift);
    let kinetic = 0;
    for (const p of this.params()) kinetic = this.opsFor(p).sumSquares(this.buffer(p, 'momentum'), p.data.length, kinetic);
    this.energy = 0.5 * kinetic;
    this.stepCount++;
    return loss;
  }
}

/**
 * The README's discrete Hamilton equations, one gradient per step:
 * m ← (1 − friction)·m − η∇L(θ);  θ ← θ + η·m.
 * @example
 * const opt = new SymplecticEuler(model.parameters(), { lr: 0.1, friction: 0.1 });
 */
export class SymplecticEuler extends SymplecticOptimizer {
  constructor(params: Parameter[] | ParamGroupInput<SymplecticOptions>[], options: Partial<SymplecticOptions> & { lr: number }) {
    super(params, 'symplectic-euler', options);
  }
}

/**
 * Störmer–Verlet (velocity form): kick ½, drift 1, kick ½ — second order and time-reversible; needs a
 * closure for the second gradient.
 * @example
 * opt.step(() => { model.zeroGrad(); const l = lossAndBackward(); return l; });
 */
export class Leapfrog extends SymplecticOptimizer {
  constructor(params: Parameter[] | ParamGroupInput<SymplecticOptions>[], options: Partial<SymplecticOptions> & { lr: number }) {
    super(params, 'leapfrog', options);
  }
}

/**
 * Forest–Ruth 4th order (θ = 1/(2 − 2^(1/3))), three gradient evaluations per step; needs a closure.
 * @example
 * const opt = new ForestRuth(model.parameters(), { lr: 0.05 });
 */
export class ForestRuth extends SymplecticOptimizer {
  constructor(params: Parameter[] | ParamGroupInput<SymplecticOptions>[], options: Partial<SymplecticOptions> & { lr: number }) {
    super(params, 'forest-ruth', options);
  }
}
