/**
 * A preprocessor state for `width` numeric columns f0…f{width−1} that passes values through unchanged (mean 0,
 * scale 1): the benches score synthetic encoded rows and raw records with it.
 * @param {number} width
 */
export function identityPreprocessor(width) {
  return {
    format: 'hamiltonian-ai/preprocessor',
    version: 1,
    target: 'y',
    positive: '1',
    negatives: ['0'],
    features: Array.from({ length: width }, (_, i) => ({ name: `f${i}`, kind: 'numeric', median: 0, indicator: false })),
    columns: Array.from({ length: width }, (_, i) => `f${i}`),
    mean: new Array(width).fill(0),
    scale: new Array(width).fill(1),
    missing: 'impute',
    unseen: 'zeros',
    missingValues: [''],
  };
}
