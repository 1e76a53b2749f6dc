import type { PreprocessorState } from '../src/data/preprocessor.js';

/** A pass-through preprocessor state for `width` numeric columns f0…f{width−1}. */
export function identityPreprocessor(width: number): PreprocessorState;
