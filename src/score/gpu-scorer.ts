/**
 * The async `scoreBatch` of the GPU path: raw records are encoded on the CPU by the model file's preprocessor
 * (the same code as the edge scorer) and scored on the device by a resident `GpuModel`, in chunks. The edge
 * scorer (`hamiltonian-ai/score`) stays the synchronous, dependency-free path.
 */
import type { GpuBackend } from '../backend/gpu/index.js';
import type { Preprocessor } from '../data/preprocessor.js';
import { loadModel } from '../io/load.js';
import { ModelFormatError } from '../io/safetensors.js';
import { checkCount, checkProbabilities, checkRecords } from './records.js';
import { calibrateProbabilities } from '../metrics/calibration-map.js';
import { GpuModel } from '../nn/gpu-model.js';

/** A model file loaded onto the device for scoring. */
export interface GpuScorer {
  readonly preprocessor: Preprocessor;
  /** P(positive) for many raw records; a record that cannot be encoded throws a `DataError` naming its index. */
  scoreBatch(records: readonly Record<string, unknown>[]): Promise<Float32Array>;
  /** P(positive) for rows already encoded (rows × inputDim, as the preprocessor outputs). */
  scoreEncoded(x: Float32Array, rows: number): Promise<Float32Array>;
  /** Frees the device memory. */
  release(): void;
}

/**
 * @example
 * const scorer = await createGpuScorer(gpu, new Uint8Array(readFileSync('credit.safetensors')));
 * const p = await scorer.scoreBatch(applicants);
 * scorer.release();
 */
export async function createGpuScorer(gpu: GpuBackend, modelBytes: Uint8Array, options: { chunk?: number; strict?: boolean } = {}): Promise<GpuScorer> {
  const { model, preprocessor, content } = loadModel(modelBytes, { backend: 'js' });
  if (!preprocessor)
    throw new ModelFormatError(
      'this model file has no preprocessor (a bare PyTorch state dict?): use scoreEncoded via GpuModel, or train it with this library',
    );
  if (model.outputDim !== 2) throw new ModelFormatError(`scoring needs a two-class model; this one has ${model.outputDim} outputs`);
  const net = await GpuModel.fromModel(gpu, model);
  // The model's calibration after the device's probabilities, as the CPU scorer applies it.
  const scoreEncoded = async (x: Float32Array, rows: number) =>
    calibrateProbabilities(await net.predictProba(x, rows, options.chunk), rows, content.calibration);
  return {
    preprocessor,
    scoreEncoded: async (x, rows) => {
      checkCount('rows', rows);
      return checkProbabilities(await scoreEncoded(x, rows), rows, 'row', ' on the GPU');
    },
    scoreBatch: async (records) => {
      const features = preprocessor.features.map((f) => f.name);
      checkRecords(records, features, preprocessor.target, options.strict ?? true);
      // No decision without a probability: a NaN from the device is an error naming the record.
      return checkProbabilities(await scoreEncoded(preprocessor.transformRecords(records), records.length), records.length, 'record', ' on the GPU');
    },
    release: () => net.release(),
  };
}
