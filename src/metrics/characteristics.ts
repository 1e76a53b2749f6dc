/**
 * Characteristic stability: PSI of every input feature between a reference sample (the training part) and another
 * (the test part, or a new file in `evaluate`) — the per-feature check a model-risk reviewer asks for beside the score's
 * PSI, since a shift in one input can hide in a stable score. Numeric features are binned at the reference's deciles of
 * the (imputed) value; categorical ones by category, with one more bin for categories the reference never had.
 */
import { UsageError } from '../core/errors.js';
import { binShares, psiAgainst, referenceOf, type PsiBin } from './stability.js';

/** Where one raw feature lies in an encoded row (what `Preprocessor.featureBlocks()` returns). */
export interface FeatureColumns {
  name: string;
  kind: 'numeric' | 'categorical';
  /** First encoded column and one past the last. */
  start: number;
  end: number;
  /** Standardisation of each encoded column (to read values back). */
  mean: readonly number[];
  scale: readonly number[];
}

/** A feature's reference distribution, as the model file stores it. */
export interface CharacteristicReference {
  feature: string;
  /** Interior bin edges: value deciles (numeric); k + ½ for k = 0…K−1 (categorical: bin K = not a known category). */
  edges: number[];
  shares: number[];
}

/** A feature's PSI against its reference. */
export interface CharacteristicStability {
  feature: string;
  kind: 'numeric' | 'categorical';
  psi: number;
  bins: PsiBin[];
}

/**
 * The value each row has for `block`: numeric → the value before standardisation (imputed where missing); categorical →
 * the category's position (K when none is set: unseen). Written into `out` when given (rows long).
 * @example
 * characteristicValues(pre.featureBlocks()[0], test.x, test.rows, test.cols); // Float64Array of Seniority values
 */
export function characteristicValues(block: FeatureColumns, x: Float32Array, rows: number, cols: number, out = new Float64Array(rows)): Float64Array {
  const { start, end, mean, scale } = block;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    if (block.kind === 'numeric') out[r] = x[o + start] * scale[start] + mean[start];
    else {
      let code = end - start;
      for (let j = start; j < end; j++) if (x[o + j] * scale[j] + mean[j] > 0.5) code = j - start;
      out[r] = code;
    }
  }
  return out;
}

/**
 * Every feature's reference distribution from encoded rows (the training part's).
 * @example
 * const refs = characteristicReferences(pre.featureBlocks(), train.x, train.rows, train.cols);
 */
export function characteristicReferences(blocks: readonly FeatureColumns[], x: Float32Array, rows: number, cols: number): CharacteristicReference[] {
  const values = new Float64Array(rows); // one buffer for every feature (a million rows: 8 MB, not 16 per feature), reordered by referenceOf
  return blocks.map((b) => {
    characteristicValues(b, x, rows, cols, values);
    if (b.kind === 'numeric') {
      if (rows === 0) throw new UsageError('referenceDistribution: no values');
      return { feature: b.name, ...referenceOf(values, 10) };
    }
    const edges = Array.from({ length: b.end - b.start }, (_, k) => k + 0.5);
    return { feature: b.name, edges, shares: binShares(edges, values) };
  });
}

/**
 * PSI of each feature of encoded rows `x` against the stored references, largest first.
 * @example
 * characteristicStability(refs, pre.featureBlocks(), test.x, test.rows, test.cols)[0]; // { feature: 'int_rate', psi: 0.03, … }
 */
export function characteristicStability(
  references: readonly CharacteristicReference[],
  blocks: readonly FeatureColumns[],
  x: Float32Array,
  rows: number,
  cols: number,
): CharacteristicStability[] {
  const byName = new Map(blocks.map((b) => [b.name, b]));
  const out: CharacteristicStability[] = [];
  for (const ref of references) {
    const block = byName.get(ref.feature);
    if (!block || rows === 0) continue;
    const { psi, bins } = psiAgainst(ref, characteristicValues(block, x, rows, cols));
    out.push({ feature: ref.feature, kind: block.kind, psi, bins });
  }
  return out.sort((a, b) => b.psi - a.psi);
}
