import { UsageError } from '../core/errors.js';
import type { Parameter } from '../core/parameter.js';
import { Optimizer, type BaseOptions, type Closure, type ParamGroupInput } from './optimizer.js';

export interface SGDOptions extends BaseOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

/**
 * Stochastic gradient descent with momentum, as PyTorch's `torch.optim.SGD` (Sutskever et al., ICML 2013):
 *   g ← g + wd·θ;  b ← μ·b + (1 − dampening)·g (b = g on the first step);
 *   d = g + μ·b (Nesterov) or b;  θ ← θ − lr·d.
 * `energy` is ½‖b‖² (½‖g‖² without momentum).
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
 */
const EMPTY = new Float32Array(0);

export class SGD extends Optimizer<SGDOptions> {
  readonly type = 'sgd';

  constructor(params: Parameter[] | ParamGroupInput<SGDOptions>[], options: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...options });
  }

  protected override validateOptions(o: SGDOptions, where: string): void {
    super.validateOptions(o, where);
    this.requireOption(o.momentum >= 0 && o.momentum < 1, where, 'momentum must be in [0, 1)', o.momentum);
    this.requireOption(o.weightDecay >= 0, where, 'weightDecay must be ≥ 0', o.weightDecay);
    this.requireOption(o.dampening >= 0 && o.dampening <= 1, where, 'dampening must be in [0, 1]', o.dampening);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new UsageError(`SGD ${where}: nesterov needs momentum > 0 and dampening = 0`);
  }

  step(closure?: Closure): number | undefined {
    const loss = closure ? closure() : undefined;
    let energy = 0;
    for (const { params, options } of this.groups) {
      const { lr, momentum, dampening, nesterov, weightDecay } = options;
      for (const p of params) {
        const buf = momentum === 0 ? EMPTY : this.buffer(p, 'momentum');
        const first = this.counter(p, 'step') === 0;
        energy = this.opsFor(p).sgdStep(p.data, p.grad, buf, p.data.length, { lr, momentum, dampening, nesterov, weightDecay, first }, energy);
        if (momentum !== 0) this.setCounter(p, 'step', this.counter(p, 'step') + 1);
      }
    }
    this.energy = energy;
    this.stepCount++;
    return loss;
  }
}
