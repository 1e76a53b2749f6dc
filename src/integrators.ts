/**
 * `hamiltonian-ai/integrators`: symplectic and classical one-step methods (the stage tables shared with the
 * symplectic optimisers), test systems, trajectories, and `verifyIntegrator` for checking any stepper.
 * @module
 */
import { energyBehavior, type EnergyBehavior } from './integrators/checks.js';

export * from './integrators/methods.js';
export {
  separableSystem,
  harmonicOscillator,
  pendulum,
  kepler,
  henonHeiles,
  SYSTEMS,
  type HamiltonianSystem,
  type SeparableSystem,
  type GeneralSystem,
  type Vec,
  type SystemName,
} from './integrators/system.js';
export { createStepper, forEachStage, type Stepper, type StepperOptions } from './integrators/stepper.js';
export { integrate, type IntegrateOptions, type Trajectory } from './integrators/integrate.js';
export {
  verifyIntegrator,
  defaultVerifySystems,
  adaptiveOrder,
  consistencyDefect,
  isOneStepMap,
  jacobianWithError,
  referenceSolution,
  residualTolerance,
  vectorField,
  measureOrder,
  energyBehavior,
  reversibilityError,
  oneStepJacobian,
  symplecticResidual,
  determinant,
  slope,
  methodStep,
  type StepFunction,
  type OrderMeasurement,
  type EnergyBehavior,
  type VerifyOptions,
  type IntegratorReport,
  type VerifySystem,
  type SystemVerdict,
  type UserStepper,
  type AdaptiveOrder,
  type JacobianEstimate,
} from './integrators/verify.js';
export { GAUSS_LEGENDRE, gaussLegendreStep } from './integrators/implicit.js';

/**
 * @deprecated since 0.2: the US spelling `energyBehavior`; removed in 0.3.
 * @example
 * energyBehaviour(step, pendulum, [1], [0], 0.1, 1000); // as energyBehavior
 */
export const energyBehaviour = energyBehavior;
/** @deprecated since 0.2: the US spelling `EnergyBehavior`; removed in 0.3. */
export type EnergyBehaviour = EnergyBehavior;
