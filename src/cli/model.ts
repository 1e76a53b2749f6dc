import { HamiltonianNN } from '../index.js';
import { decodeModel, type ModelFileContent } from '../io/model-file.js';
import { ModelFormatError } from '../io/safetensors.js';
import { Preprocessor } from '../data/preprocessor.js';
import { UsageError } from './errors.js';
import { readBytes } from './files.js';

export interface LoadedModel {
  content: ModelFileContent;
  model: HamiltonianNN;
  preprocessor: Preprocessor;
}

/** Loads a model file for the CLI: format problems become one-line errors naming the file. */
export function loadModelFile(path: string, backend: 'auto' | 'wasm' | 'js' = 'auto'): LoadedModel {
  const bytes = readBytes(path);
  let content: ModelFileContent;
  try {
    content = decodeModel(bytes);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new UsageError(`${path}: not a usable model file: ${e.message}`);
    throw e;
  }
  if (!content.preprocessor) throw new UsageError(`${path}: the model has no preprocessor (a bare state dict); it cannot read CSV rows`);
  let preprocessor: Preprocessor;
  try {
    preprocessor = Preprocessor.fromJSON(content.preprocessor);
  } catch (e) {
    throw new UsageError(`${path}: the model's preprocessor is invalid: ${(e as Error).message}`);
  }
  const model = new HamiltonianNN({ ...content.config, seed: 0, backend });
  for (const p of model.parameters()) p.data.set(content.tensors.get(p.name)!.data);
  model.eval();
  return { content, model, preprocessor };
}
