import type { HamiltonianNN } from '../index.js';
import { loadModel } from '../io/load.js';
import type { ModelFileContent } from '../io/model-file.js';
import { ModelFormatError } from '../io/safetensors.js';
import type { Preprocessor } from '../data/preprocessor.js';
import { UsageError } from './errors.js';
import { readBytes } from './files.js';

export interface LoadedModel {
  /** The file's bytes as read once (hash them, hand them to a scorer: no second read that could see another file). */
  bytes: Uint8Array;
  content: ModelFileContent;
  model: HamiltonianNN;
  preprocessor: Preprocessor;
}

/** Loads a model file for the CLI: format problems become one-line errors naming the file. */
export function loadModelFile(path: string, backend: 'auto' | 'wasm' | 'js' = 'auto'): LoadedModel {
  try {
    const bytes = readBytes(path);
    const { model, preprocessor, content } = loadModel(bytes, { backend });
    if (!preprocessor) throw new UsageError(`${path}: the model has no preprocessor (a bare state dict); it cannot read CSV rows`);
    return { bytes, model, preprocessor, content };
  } catch (e) {
    if (e instanceof ModelFormatError) throw new UsageError(`${path}: not a usable model file: ${e.message}`);
    throw e;
  }
}
