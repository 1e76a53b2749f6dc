import type { Parameter } from '../core/parameter.js';
import { Optimizer, type BaseOptions, type Closure, type ParamGroupInput } from './optimizer.js';

export interface AdamOptions extends BaseOptions {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Decoupled weight decay (AdamW) instead of L2 added to the gradient. */
  decoupled: boolean;
}

/**
 * Adam (Kingma & Ba, ICLR 2015) as PyTorch's `torch.optim.Adam`:
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
 *   θ ← θ − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε).
 * Weight decay adds wd·θ to g; with `decoupled` (AdamW, Loshchilov & Hutter, ICLR 2019) it is
 * θ ← θ(1 − lr·wd) before the update instead. `energy` is ½‖m‖².
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  readonly type: string = 'adam';

  constructor(params: Parameter[] | ParamGroupInput<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, decoupled: false, ...options });
  }

  protected override validateOptions(o: AdamOptions, where: string): void {
    super.validateOptions(o, where);
    for (const k of ['beta1', 'beta2'] as const) this.requireOption(o[k] >= 0 && o[k] < 1, where, `${k} must be in [0, 1)`, o[k]);
    this.requireOption(o.epsilon >= 0, where, 'epsilon must be ≥ 0', o.epsilon);
    this.requireOption(o.weightDecay >= 0, where, 'weightDecay must be ≥ 0', o.weightDecay);
  }

  step(closure?: Closure): number | undefined {
    const loss = closure ? closure() : undefined;
    let energy = 0;
    for (const { params, options } of this.groups) {
      const { lr, beta1, beta2, epsilon, weightDecay, decoupled } = options;
      for (const p of params) {
        const t = this.counter(p, 'step') + 1;
        this.setCounter(p, 'step', t);
        const m = this.buffer(p, 'expAvg');
        const v = this.buffer(p, 'expAvgSq');
        const bc1 = 1 - Math.pow(beta1, t);
        const constants = {
          stepSize: lr / bc1,
          beta1,
          beta2,
          sqrtBc2: Math.sqrt(1 - Math.pow(beta2, t)),
          epsilon,
          l2: decoupled ? 0 : weightDecay,
          shrink: decoupled ? 1 - lr * weightDecay : 1,
        };
        energy = this.opsFor(p).adamStep(p.data, p.grad, m, v, p.data.length, constants, energy);
      }
    }
    this.energy = energy;
    this.stepCount++;
    return loss;
  }
}

/**
 * AdamW: Adam with decoupled weight decay (default 1e-2, as PyTorch).
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  override readonly type: string = 'adamw';
  constructor(params: Parameter[] | ParamGroupInput<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options, decoupled: true });
  }
}
