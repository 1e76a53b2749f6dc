/**
 * Characteristic stability: PSI of every input feature between a reference sample (the training part) and another
 * (the test part, or a new file in `evaluate`) — the per-feature check a model-risk reviewer asks for beside the score's
 * PSI, since a shift in one input can hide in a stable score. Numeric features are binned at the reference's deciles of
 * the (imputed) value; categorical ones by category, with one more bin for categories the reference never had.
 */
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
  valuesOfBlocks([block], x, rows, cols, [out]);
  return out;
}

/** Rows read per tile by `valuesOfBlocks`: a tile's rows stay in cache while each block reads them. */
const TILE_ROWS = 256;

/**
 * `characteristicValues` of several blocks in one pass over the rows, into outs[i] for blocks[i]: tile by tile, so a
 * row's lines come from memory once for all the blocks, not once per block (800,000 rows of 119 columns: 380 MB).
 */
function valuesOfBlocks(blocks: readonly FeatureColumns[], x: Float32Array, rows: number, cols: number, outs: Float64Array[]): void {
  // Each block's standardisation as typed arrays (the blocks of one preprocessor share theirs: converted once).
  const typed = new Map<readonly number[], Float64Array>();
  const asTyped = (a: readonly number[]) => typed.get(a) ?? typed.set(a, Float64Array.from(a)).get(a)!;
  const means = blocks.map((b) => asTyped(b.mean)),
    scales = blocks.map((b) => asTyped(b.scale));
  for (let r0 = 0; r0 < rows; r0 += TILE_ROWS) {
    const r1 = Math.min(rows, r0 + TILE_ROWS);
    for (let i = 0; i < blocks.length; i++) {
      const { kind, start, end } = blocks[i];
      const out = outs[i],
        mean = means[i],
        scale = scales[i];
      if (kind === 'numeric') {
        const s = scale[start],
          m = mean[start];
        for (let r = r0, o = r0 * cols + start; r < r1; r++, o += cols) out[r] = x[o] * s + m;
        continue;
      }
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        let code = end - start;
        for (let j = start; j < end; j++) if (x[o + j] * scale[j] + mean[j] > 0.5) code = j - start;
        out[r] = code;
      }
    }
  }
}

/** Blocks read per pass over the rows by `eachBlockValues` (a buffer of `rows` values each). */
const BLOCKS_PER_PASS = 4;

/**
 * `characteristicValues` of every block, BLOCKS_PER_PASS at a time into reused buffers (a million rows: 4 × 8 MB, not
 * 8 MB per feature), handed to `use` in block order; `use` may reorder the buffer it is given.
 */
function eachBlockValues(blocks: readonly FeatureColumns[], x: Float32Array, rows: number, cols: number, use: (values: Float64Array, i: number) => void): void {
  const buffers = Array.from({ length: Math.min(BLOCKS_PER_PASS, blocks.length) }, () => new Float64Array(rows));
  for (let g = 0; g < blocks.length; g += BLOCKS_PER_PASS) {
    const group = blocks.slice(g, g + BLOCKS_PER_PASS);
    valuesOfBlocks(group, x, rows, cols, buffers);
    group.forEach((_, i) => use(buffers[i], g + i));
  }
}

/**
 * Every feature's reference distribution from encoded rows (the training part's).
 * @example
 * const refs = characteristicReferences(pre.featureBlocks(), train.x, train.rows, train.cols);
 */
export function characteristicReferences(blocks: readonly FeatureColumns[], x: Float32Array, rows: number, cols: number): CharacteristicReference[] {
  const out: CharacteristicReference[] = [];
  eachBlockValues(blocks, x, rows, cols, (values, i) => {
    const b = blocks[i];
    if (b.kind === 'numeric') {
      out.push({ feature: b.name, ...referenceOf(values, 10) }); // (reorders the buffer: it is not used again)
      return;
    }
    const edges = Array.from({ length: b.end - b.start }, (_, k) => k + 0.5);
    out.push({ feature: b.name, edges, shares: binShares(edges, values) });
  });
  return out;
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
  const pairs = rows === 0 ? [] : references.flatMap((ref) => (byName.has(ref.feature) ? [{ ref, block: byName.get(ref.feature)! }] : []));
  const out: CharacteristicStability[] = [];
  eachBlockValues(
    pairs.map((p) => p.block),
    x,
    rows,
    cols,
    (values, i) => {
      const { ref, block } = pairs[i];
      out.push({ feature: ref.feature, kind: block.kind, ...psiAgainst(ref, values) });
    },
  );
  return out.sort((a, b) => b.psi - a.psi);
}
