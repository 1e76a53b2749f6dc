import {
  Adam,
  AdamW,
  AdvancedSymplecticOptimizer,
  Leapfrog,
  SGD,
  SymplecticEuler,
  ForestRuth,
  type BaseOptions,
  type Optimizer,
  type Parameter,
} from '../index.js';
import { UsageError } from './errors.js';
import { closest } from './args.js';

export const OPTIMIZER_NAMES = ['advanced-symplectic', 'symplectic-euler', 'leapfrog', 'forest-ruth', 'adam', 'adamw', 'sgd'] as const;
type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Default learning rate per optimiser (the step size each is usually run with). */
const DEFAULT_LR: Record<OptimizerName, number> = {
  'advanced-symplectic': 0.01,
  'symplectic-euler': 0.3,
  leapfrog: 0.3,
  'forest-ruth': 0.2,
  adam: 0.001,
  adamw: 0.001,
  sgd: 0.01,
};

export function makeOptimizer(
  name: string,
  params: Parameter[],
  o: { lr?: number; beta?: number; friction?: number; momentum?: number },
): { optimizer: Optimizer<BaseOptions>; settings: Record<string, number | string> } {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    const near = closest(name, OPTIMIZER_NAMES);
    throw new UsageError(`--optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${name}'${near ? ` (did you mean ${near}?)` : ''}`);
  }
  const n = name as OptimizerName;
  const lr = o.lr ?? DEFAULT_LR[n];
  const friction = o.friction ?? 0.1;
  switch (n) {
    case 'advanced-symplectic':
      return { optimizer: new AdvancedSymplecticOptimizer(params, { lr, beta: o.beta ?? 0.9 }), settings: { name: n, lr, beta: o.beta ?? 0.9 } };
    case 'symplectic-euler':
      return { optimizer: new SymplecticEuler(params, { lr, friction }), settings: { name: n, lr, friction } };
    case 'leapfrog':
      return { optimizer: new Leapfrog(params, { lr, friction }), settings: { name: n, lr, friction } };
    case 'forest-ruth':
      return { optimizer: new ForestRuth(params, { lr, friction }), settings: { name: n, lr, friction } };
    case 'adam':
      return { optimizer: new Adam(params, { lr, beta1: o.beta ?? 0.9 }), settings: { name: n, lr, beta1: o.beta ?? 0.9 } };
    case 'adamw':
      return { optimizer: new AdamW(params, { lr, beta1: o.beta ?? 0.9 }), settings: { name: n, lr, beta1: o.beta ?? 0.9, weightDecay: 0.01 } };
    case 'sgd':
      return { optimizer: new SGD(params, { lr, momentum: o.momentum ?? 0.9 }), settings: { name: n, lr, momentum: o.momentum ?? 0.9 } };
  }
}
