import { Preprocessor } from '../data/preprocessor.js';
import { HamiltonianNN, type HamiltonianNNOptions } from '../nn/hamiltonian-nn.js';
import type { ActivationName } from '../nn/activations.js';
import { decodeModel, type ModelFileContent } from './model-file.js';
import { ModelFormatError } from './safetensors.js';

/** What `loadModel` returns. */
export interface LoadedModelFile {
  /** The network, weights loaded, in eval mode. */
  model: HamiltonianNN;
  /** The fitted preprocessor, when the file has one (files from PyTorch have none). */
  preprocessor: Preprocessor | null;
  content: ModelFileContent;
}

/**
 * Model file bytes → a ready `HamiltonianNN` (and its preprocessor). Validates everything; throws
 * `ModelFormatError`. PyTorch state dicts load too (architecture from the shapes).
 * @example
 * const { model, preprocessor } = loadModel(new Uint8Array(readFileSync('credit.safetensors')));
 */
export function loadModel(
  bytes: Uint8Array,
  options: Pick<HamiltonianNNOptions, 'backend' | 'wasmFlavor'> & { activation?: ActivationName } = {},
): LoadedModelFile {
  const content = decodeModel(bytes, { activation: options.activation });
  let preprocessor: Preprocessor | null = null;
  if (content.preprocessor) {
    try {
      preprocessor = Preprocessor.fromJSON(content.preprocessor);
    } catch (e) {
      throw new ModelFormatError(`the preprocessor in the file is invalid: ${(e as Error).message}`);
    }
  }
  const model = new HamiltonianNN({ ...content.config, seed: 0, backend: options.backend, wasmFlavor: options.wasmFlavor });
  for (const p of model.parameters()) p.data.set(content.tensors.get(p.name)!.data);
  model.eval();
  return { model, preprocessor, content };
}
