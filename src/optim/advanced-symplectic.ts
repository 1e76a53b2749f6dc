import type { Parameter } from '../core/parameter.js';
import { Optimizer, type BaseOptions, type Closure, type ParamGroupInput } from './optimizer.js';

export interface AdvancedSymplecticOptions extends BaseOptions {
  /** Step size; default 1e-2. */
  lr: number;
  /** Momentum decay β; default 0.9. */
  beta: number;
  /** Added to √H; default 1e-8. */
  epsilon: number;
}

/**
 * The original library's `AdvancedSymplecticOptimizer`, computed exactly as it does, per parameter tensor:
 *
 *   m ← β·m + (1 − β)·g
 *   H = ½Σm² + ½Σg²                 (a "kinetic + potential" energy of the tensor)
 *   θ ← θ − lr · m / (√H + ε)
 *
 * Despite the original's "Forest–Ruth" comment this is a one-stage momentum method with an
 * energy-normalised step, not a 4th-order integrator (for those, see `ForestRuth` and `Leapfrog`).
 * Because √H ≥ ‖m‖/√2, each tensor moves at most √2·lr per step: the step is bounded whatever the
 * gradient's scale. `energy` is Σ_tensors H of the last step.
 *
 * @example
 * const opt = new AdvancedSymplecticOptimizer(model.parameters(), { lr: 0.01, beta: 0.9 });
 */
export class AdvancedSymplecticOptimizer extends Optimizer<AdvancedSymplecticOptions> {
  readonly type = 'advanced-symplectic';

  constructor(params: Parameter[] | ParamGroupInput<AdvancedSymplecticOptions>[], options: Partial<AdvancedSymplecticOptions> = {}) {
    super(params, { lr: 1e-2, beta: 0.9, epsilon: 1e-8, ...options });
  }

  protected override validateOptions(o: AdvancedSymplecticOptions, where: string): void {
    super.validateOptions(o, where);
    this.requireOption(o.beta >= 0 && o.beta < 1, where, 'beta must be in [0, 1)', o.beta);
    this.requireOption(o.epsilon >= 0 && Number.isFinite(o.epsilon), where, 'epsilon must be a finite number ≥ 0', o.epsilon);
  }

  step(closure?: Closure): number | undefined {
    const loss = closure ? closure() : undefined;
    let energy = 0;
    for (const { params, options } of this.groups) {
      const { lr, beta, epsilon } = options;
      for (const p of params) {
        const m = this.buffer(p, 'momentum');
        energy += this.opsFor(p).advancedSymplecticStep(p.data, p.grad, m, p.data.length, lr, beta, epsilon);
        this.setCounter(p, 'step', this.counter(p, 'step') + 1);
      }
    }
    this.energy = energy;
    this.stepCount++;
    return loss;
  }
}
