/**
 * Every optimiser option's bounds, at the boundary: the last accepted value is accepted and the first refused one is
 * refused, with a message naming the option. (Each `≥` against `>` and `<` against `≤` is a different optimiser.)
 */
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, AdvancedSymplecticOptimizer, SGD, SymplecticEuler, createParameter, type Parameter } from '../../src/index.js';

const params = (): Parameter[] => [createParameter('w', [2])];
type Make = (o: Record<string, number>) => unknown;
const makers: Record<string, Make> = {
  Adam: (o) => new Adam(params(), o),
  AdamW: (o) => new AdamW(params(), o),
  SGD: (o) => new SGD(params(), { lr: 0.1, ...o }),
  AdvancedSymplectic: (o) => new AdvancedSymplecticOptimizer(params(), o),
  SymplecticEuler: (o) => new SymplecticEuler(params(), { lr: 0.1, ...o }),
};
// [optimiser, option, accepted, refused]
const cases: Array<[string, string, number[], number[]]> = [
  ['Adam', 'lr', [0, 1e3], [-1e-9, Number.NaN, Number.POSITIVE_INFINITY]],
  ['Adam', 'beta1', [0, 0.999999], [-1e-9, 1]],
  ['Adam', 'beta2', [0, 0.999999], [-1e-9, 1]],
  ['Adam', 'epsilon', [0, 1], [-1e-12]],
  ['Adam', 'weightDecay', [0, 0.5], [-1e-9]],
  ['AdamW', 'beta1', [0], [1]],
  ['SGD', 'momentum', [0, 0.999999], [-1e-9, 1]],
  ['SGD', 'weightDecay', [0], [-1e-9]],
  ['SGD', 'dampening', [0, 1], [-1e-9, 1.000001]],
  ['AdvancedSymplectic', 'beta', [0, 0.999999], [-1e-9, 1]],
  ['AdvancedSymplectic', 'epsilon', [0, 1], [-1e-12, Number.POSITIVE_INFINITY]],
  ['SymplecticEuler', 'friction', [0, 0.999999], [-1e-9, 1]],
];

describe.each(cases)('%s %s', (optimizer, option, accepted, refused) => {
  const make = makers[optimizer];
  it.each(accepted)(`${option} = %s is accepted`, (v) => {
    expect(() => make({ [option]: v })).not.toThrow();
  });
  it.each(refused)(`${option} = %s is refused, naming ${option}`, (v) => {
    expect(() => make({ [option]: v })).toThrow(new RegExp(option));
  });
});
