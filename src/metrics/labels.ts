import { UsageError } from '../core/errors.js';

/**
 * Checks a metric's inputs: as many labels as values, and each label a binary class — 0, 1, false or true. A 2, a −1,
 * 0.5 or NaN would otherwise be counted as one class or the other without a word. Errors name the metric and the index.
 * @example
 * checkLabels([0, 1, 1], [0.2, 0.7, 0.9], 'rocAuc', 'scores');
 */
export function checkLabels(labels: ArrayLike<number | boolean>, values: ArrayLike<number>, what: string, valuesName: string): void {
  if (labels.length !== values.length) throw new UsageError(`${what}: ${labels.length} labels but ${values.length} ${valuesName}`);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1 && v !== true && v !== false)
      throw new UsageError(`${what}: label at index ${i} is ${String(v)}, expected 0 or 1 (or false / true)`);
  }
}
