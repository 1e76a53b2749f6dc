/**
 * ONNX export of the whole scoring pipeline: raw columns in, P(positive) and scorecard points out — what `score`
 * computes from a CSV row, in one graph any ONNX runtime (onnxruntime in Python, Java, C#; Spark through a pandas UDF;
 * Triton; Snowflake) can run without this library.
 *
 * Inputs: one per raw feature column, named as the column, shape [N, 1]: float for numeric columns (NaN = missing),
 * string for categorical ones (trimmed text; '' or any of the model's missing-value texts = missing).
 * Graph: imputation (Where(IsNaN) → training median; the missing indicator as Cast(IsNaN)), categories to positions
 * (ai.onnx.ml LabelEncoder; missing → the mode's position, unseen → −1) and one-hot (Equal with 0…K−1), Concat,
 * standardisation, the network and calibration (onnx.ts), then
 *   probability [N]: P(positive), NaN where `score` refuses the row (an infinite number; |z| beyond MAX_STANDARDIZED;
 *                    an unseen category under unseen = 'error'; a missing value under missing = 'drop') — no
 *                    probability, so no decision;
 *   points [N]:      scorecard points (metrics/scorecard.ts), NaN where the probability is.
 * metadata_props carry the target, labels, inputs, threshold, scaling, library version and the model file's SHA-256.
 */
import { UsageError } from '../core/errors.js';
import { MAX_STANDARDIZED } from '../data/cells.js';
import { VERSION } from '../core/version.js';
import { DEFAULT_SCALING, POINTS_PROBABILITY_FLOOR, scalingFactors } from '../metrics/scorecard.js';
import { addNetwork } from './onnx.js';
import { ElemType, Graph, intAttr, intsAttr, modelBytes, stringsAttr, valueInfo } from './onnx-proto.js';
import type { ModelFileContent } from './model-file.js';

/** One graph input of the pipeline export. */
export interface PipelineInput {
  name: string;
  type: 'float' | 'string';
}

/**
 * Serialises the model file's preprocessor, network, calibration and scorecard as one ONNX graph (see above).
 * @example
 * const onnx = exportPipelineOnnx(decodeModel(bytes), { modelSha256 });
 */
export function exportPipelineOnnx(model: ModelFileContent, options: { modelSha256?: string } = {}): Uint8Array {
  const pre = model.preprocessor;
  if (!pre) throw new UsageError('this model file has no preprocessor: export the encoded-input graph (export-onnx --encoded)');
  if (model.config.outputDim !== 2) throw new UsageError('the pipeline export needs a two-class model');
  const g = new Graph();
  const blocks: string[] = [];
  const refusals: string[] = [];
  const inputs: PipelineInput[] = [];
  pre.features.forEach((f, i) => {
    const c = (s: string) => `c${i}_${s}`;
    if (f.kind === 'numeric') {
      inputs.push({ name: f.name, type: 'float' });
      const nan = g.add('IsNaN', [f.name], c('nan'));
      refusals.push(g.add('IsInf', [f.name], c('inf')));
      if (pre.missing === 'drop') refusals.push(nan);
      blocks.push(g.add('Where', [nan, g.constant(c('median'), [1], Float32Array.of(f.median)), f.name], c('imputed')));
      if (f.indicator) blocks.push(g.add('Cast', [nan], c('indicator'), [intAttr('to', ElemType.float)]));
    } else {
      inputs.push({ name: f.name, type: 'string' });
      // Keys: the categories (their positions), then the missing-value texts (the mode's position; under 'drop' −2,
      // which refuses the row); any other text → −1 (unseen: all one-hot columns 0).
      const position = new Map<string, number>();
      f.categories.forEach((cat, k) => position.set(cat, k));
      const missingAt = pre.missing === 'drop' ? -2 : f.categories.indexOf(f.mode);
      for (const m of pre.missingValues) if (!position.has(m.trim())) position.set(m.trim(), missingAt);
      const idx = g.add(
        'LabelEncoder',
        [f.name],
        c('index'),
        [stringsAttr('keys_strings', [...position.keys()]), intsAttr('values_int64s', [...position.values()]), intAttr('default_int64', -1)],
        'ai.onnx.ml',
      );
      const range = g.constant(
        c('positions'),
        [f.categories.length],
        BigInt64Array.from(f.categories, (_, k) => BigInt(k)),
      );
      blocks.push(g.add('Cast', [g.add('Equal', [idx, range], c('is'))], c('onehot'), [intAttr('to', ElemType.float)]));
      if (pre.unseen === 'error') refusals.push(g.add('Equal', [idx, g.constant(c('unseen'), [1], BigInt64Array.of(-1n))], c('is_unseen')));
      if (pre.missing === 'drop') refusals.push(g.add('Equal', [idx, g.constant(c('dropped'), [1], BigInt64Array.of(-2n))], c('is_missing')));
    }
  });
  const cols = pre.columns.length;
  const encoded = blocks.length === 1 ? blocks[0] : g.add('Concat', blocks, 'encoded', [intAttr('axis', 1)]);
  const centred = g.add('Sub', [encoded, g.constant('preprocessor.mean', [cols], Float32Array.from(pre.mean))], 'centred');
  const z = g.add('Div', [centred, g.constant('preprocessor.scale', [cols], Float32Array.from(pre.scale))], 'standardised');
  // |z| beyond MAX_STANDARDIZED: the preprocessor refuses the row (a value far outside anything seen in training).
  const far = g.add('ReduceMax', [g.add('Abs', [z], 'abs_standardised')], 'farthest', [intsAttr('axes', [1]), intAttr('keepdims', 1)]);
  refusals.push(g.add('Not', [g.add('LessOrEqual', [far, g.constant('max_standardised', [1], Float32Array.of(MAX_STANDARDIZED))], 'within')], 'too_far'));
  addNetwork(g, model.config, (name) => model.tensors.get(name)!.data, model.calibration, z, 'probabilities');
  let refused = refusals[0];
  for (let k = 1; k < refusals.length; k++) refused = g.add('Or', [refused, refusals[k]], `refused_${k}`);
  const flat = g.constant('flat', [1], BigInt64Array.of(-1n));
  const refusedRows = g.add('Reshape', [refused, flat], 'refused_rows');
  const nan = g.constant('nan', [], Float32Array.of(Number.NaN));
  const p = g.add('Gather', ['probabilities', g.constant('positive_class', [], BigInt64Array.of(1n))], 'positive_probability', [intAttr('axis', 1)]);
  g.add('Where', [refusedRows, nan, p], 'probability');
  // points = Floor(offset − factor·(ln q − ln(1 − q)) + ½), q = the probability clamped as metrics/scorecard.ts does.
  const scaling = model.scorecard ?? DEFAULT_SCALING;
  const { factor, offset } = scalingFactors(scaling);
  const one = g.constant('one', [], Float32Array.of(1));
  const q = g.add(
    'Clip',
    [
      'probability',
      g.constant('p_floor', [], Float32Array.of(POINTS_PROBABILITY_FLOOR)),
      g.constant('p_ceiling', [], Float32Array.of(1 - POINTS_PROBABILITY_FLOOR)),
    ],
    'clamped',
  );
  const logOdds = g.add('Sub', [g.add('Log', [q], 'log_p'), g.add('Log', [g.add('Sub', [one, q], 'q_complement')], 'log_q')], 'log_odds');
  const scaled = g.add('Mul', [logOdds, g.constant('points_factor', [], Float32Array.of(factor))], 'scaled_log_odds');
  const exact = g.add('Sub', [g.constant('points_offset', [], Float32Array.of(offset)), scaled], 'exact_points');
  const rounded = g.add('Floor', [g.add('Add', [exact, g.constant('half', [], Float32Array.of(0.5))], 'points_half_up')], 'rounded_points');
  g.add('Where', [refusedRows, nan, rounded], 'points');

  for (const input of inputs) {
    if (g.names.has(input.name))
      throw new UsageError(`column '${input.name}' has a name the graph uses internally: export the encoded-input graph (--encoded)`);
    g.inputs.push(valueInfo(input.name, ['N', 1], input.type === 'float' ? ElemType.float : ElemType.string));
  }
  g.outputs.push(valueInfo('probability', ['N']), valueInfo('points', ['N']));
  const negatives = pre.negatives.length ? pre.negatives : [`not ${pre.positive}`];
  const metadata: Record<string, string> = {
    target: pre.target,
    positive_label: pre.positive,
    negative_labels: JSON.stringify(negatives),
    inputs: JSON.stringify(inputs),
    threshold: String(model.training?.threshold ?? 0.5),
    scorecard: JSON.stringify(scaling),
    calibration: model.calibration?.method ?? 'none',
    missing_policy: pre.missing,
    unseen_policy: pre.unseen,
    library: 'hamiltonian-ai',
    library_version: VERSION,
  };
  if (options.modelSha256) metadata.model_sha256 = options.modelSha256;
  return modelBytes(g, {
    producerVersion: VERSION,
    graphName: 'hamiltonian_ai_pipeline',
    doc: `P(${pre.target} = ${pre.positive}) from raw columns: imputation, one-hot, scaling, network${model.calibration ? ', calibration' : ''}; NaN = row refused`,
    opsets: [
      ['', 13],
      ['ai.onnx.ml', 2],
    ],
    metadata,
  });
}
