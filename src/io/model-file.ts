import { ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import type { HamiltonianNNConfig } from '../nn/hamiltonian-nn.js';
import { checkPreprocessorState, type PreprocessorState } from '../data/preprocessor-state.js';
import { VERSION } from '../core/version.js';
import { crc32 } from './crc32.js';
import { checkModelBounds } from './model-bounds.js';
import { ModelFormatError, decodeSafetensors, encodeSafetensors, parseBoundedJson } from './safetensors.js';
import { checkTrainingRecord, type TrainingRecord } from './training-record.js';
import { checkCalibration, checkScorecard } from './calibration.js';
import type { ScorecardScaling } from '../metrics/scorecard.js';
import type { Calibration } from '../metrics/calibration-map.js';

export type { TrainingRecord } from './training-record.js';

/**
 * The model file: a safetensors container whose tensors are named as the PyTorch original's
 * `state_dict` (`layers.0.weight` [out, in], `layers.0.bias`, …) so files move between the two, and whose
 * `__metadata__` carries what scoring needs (architecture, fitted preprocessor, positive label) and what an
 * auditor needs (library and format versions, seed, backend, data SHA-256, metrics). Deterministic:
 * the same model and metadata give the same bytes (no timestamps).
 */
export const MODEL_FORMAT = 'hamiltonian-ai';
/** The format version this library writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** A decoded, validated model file. */
export interface ModelFileContent {
  config: HamiltonianNNConfig;
  /** Tensors by name, shapes checked against `config`. */
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  preprocessor: PreprocessorState | null;
  training: TrainingRecord | null;
  /** The probability calibration every scorer applies after the network, when the model has one. */
  calibration: Calibration | null;
  /** How probabilities become scorecard points (see metrics/scorecard.ts); null in files written before 0.2 (scorers then use DEFAULT_SCALING). */
  scorecard: ScorecardScaling | null;
  /** Library version that wrote the file ('' for files from elsewhere, e.g. PyTorch). */
  libraryVersion: string;
  /** Raw safetensors metadata strings. */
  metadata: Record<string, string>;
}

/** What `encodeModel` needs of a model. */
export interface SavableModel {
  readonly config: HamiltonianNNConfig;
  /** The tensors to save, in order. */
  parameters(): Array<{ name: string; shape: readonly number[]; data: Float32Array }>;
}

/**
 * Model (+ preprocessor + training record) → safetensors bytes.
 * @example
 * const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON(), training: { seed: 42 } });
 */
export function encodeModel(
  model: SavableModel,
  extra: {
    preprocessor?: PreprocessorState | null;
    training?: TrainingRecord | null;
    calibration?: Calibration | null;
    scorecard?: ScorecardScaling | null;
  } = {},
): Uint8Array {
  const metadata: Record<string, string> = {
    format: MODEL_FORMAT,
    format_version: String(MODEL_FORMAT_VERSION),
    library_version: VERSION,
    config: JSON.stringify(model.config),
  };
  if (extra.preprocessor) metadata.preprocessor = JSON.stringify(extra.preprocessor);
  if (extra.training) metadata.training = JSON.stringify(extra.training);
  if (extra.calibration) {
    checkCalibration(extra.calibration);
    metadata.calibration = JSON.stringify(extra.calibration);
  }
  if (extra.scorecard) {
    checkScorecard(extra.scorecard);
    metadata.scorecard = JSON.stringify(extra.scorecard);
  }
  metadata.crc32 = CRC_PLACEHOLDER;
  return sealChecksum(
    encodeSafetensors(
      model.parameters().map((p) => [p.name, { shape: p.shape, data: p.data }] as [string, { shape: readonly number[]; data: Float32Array }]),
      metadata,
    ),
  );
}

/**
 * Fills in the CRC-32 of a safetensors file whose metadata holds `crc32: '00000000'` (in place; returns the
 * bytes). The checksum covers every byte of the file, computed with its own field holding the placeholder.
 * @example
 * const bytes = sealChecksum(encodeSafetensors(tensors, { ...metadata, crc32: '00000000' }));
 */
export function sealChecksum(bytes: Uint8Array): Uint8Array {
  const at = crcFieldOffset(bytes);
  if (at < 0) throw new ModelFormatError("sealChecksum: the metadata needs exactly one crc32 field set to '00000000'");
  const hex = crc32(bytes).toString(16).padStart(8, '0');
  for (let i = 0; i < 8; i++) bytes[at + i] = hex.charCodeAt(i);
  return bytes;
}

const CRC_PLACEHOLDER = '00000000';
const CRC_PLACEHOLDER_BYTES = new TextEncoder().encode(CRC_PLACEHOLDER);
const CRC_KEY_TEXT = '"crc32":"';

/** Offset of the 8 hex digits of `"crc32":"…"` in the header, or -1. */
function crcFieldOffset(bytes: Uint8Array): number {
  if (bytes.length < 8) return -1;
  const n = Math.min(Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)), bytes.length - 8);
  // latin1 decodes one character per byte, so string offsets are byte offsets (and the search is native).
  const header = new TextDecoder('latin1').decode(bytes.subarray(8, 8 + n));
  const at = header.indexOf(CRC_KEY_TEXT);
  if (at < 0 || at + CRC_KEY_TEXT.length + 8 > header.length) return -1;
  if (header.indexOf(CRC_KEY_TEXT, at + 1) >= 0) return -2; // more than one: ambiguous
  return 8 + at + CRC_KEY_TEXT.length;
}

/** Checks the file's CRC-32 when it has one. */
function verifyChecksum(bytes: Uint8Array, stored: string): void {
  if (!/^[0-9a-f]{8}$/.test(stored)) throw new ModelFormatError(`__metadata__.crc32 '${stored}' is not 8 hex digits`);
  const at = crcFieldOffset(bytes);
  if (at < 0) throw new ModelFormatError('the crc32 field cannot be located in the header');
  // The CRC as if the field held the placeholder, chained over the three parts instead of copying the file.
  const withPlaceholder = crc32(bytes.subarray(at + 8), crc32(CRC_PLACEHOLDER_BYTES, crc32(bytes.subarray(0, at))));
  const actual = withPlaceholder.toString(16).padStart(8, '0');
  if (actual !== stored) throw new ModelFormatError(`checksum mismatch (stored ${stored}, computed ${actual}): the file is corrupted`);
}

function parseJson<T>(metadata: Record<string, string>, key: string): T | null {
  if (metadata[key] === undefined) return null;
  return parseBoundedJson(metadata[key], `__metadata__.${key}`) as T;
}

/** Infers the architecture of a PyTorch-style state dict (layers.0.weight, layers.0.bias, …). */
function inferConfig(tensors: Map<string, { shape: number[] }>, activation: ActivationName): HamiltonianNNConfig {
  const dims: number[] = [];
  let l = 0;
  while (tensors.has(`layers.${l}.weight`)) {
    const w = tensors.get(`layers.${l}.weight`)!;
    if (w.shape.length !== 2) throw new ModelFormatError(`tensor 'layers.${l}.weight' must be 2-D, has shape [${w.shape}]`);
    if (l === 0) dims.push(w.shape[1]);
    else if (w.shape[1] !== dims[l]) throw new ModelFormatError(`tensor 'layers.${l}.weight' takes ${w.shape[1]} inputs but layer ${l - 1} gives ${dims[l]}`);
    dims.push(w.shape[0]);
    l++;
  }
  if (l === 0) throw new ModelFormatError("no tensor 'layers.0.weight': not a HamiltonianNN state dict");
  return { inputDim: dims[0], hiddenDims: dims.slice(1, -1), activation, dropoutRate: 0.2, outputDim: dims[dims.length - 1] };
}

function checkConfig(c: HamiltonianNNConfig): void {
  const posInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 1 << 20;
  if (!c || typeof c !== 'object') throw new ModelFormatError('config must be an object');
  if (!posInt(c.inputDim)) throw new ModelFormatError(`config.inputDim ${JSON.stringify(c.inputDim)} is not a positive integer`);
  if (!Array.isArray(c.hiddenDims) || !c.hiddenDims.every(posInt)) throw new ModelFormatError('config.hiddenDims must be positive integers');
  if (!posInt(c.outputDim) || c.outputDim < 2) throw new ModelFormatError(`config.outputDim ${JSON.stringify(c.outputDim)} must be an integer ≥ 2`);
  if (!ACTIVATIONS.includes(c.activation)) throw new ModelFormatError(`config.activation '${c.activation}' is not one of ${ACTIVATIONS.join(', ')}`);
  if (!(typeof c.dropoutRate === 'number' && c.dropoutRate >= 0 && c.dropoutRate < 1)) throw new ModelFormatError('config.dropoutRate must be in [0, 1)');
}

/**
 * Safetensors bytes → validated model content. Files written by this library carry their config; files
 * from PyTorch (a `HamiltonianNN` state dict) are accepted too, the architecture read from the tensor shapes
 * and the activation given by `options.activation` (default 'leaky_relu', the original's).
 * Throws `ModelFormatError` naming what is wrong.
 * @example
 * const { config, tensors, preprocessor } = decodeModel(new Uint8Array(readFileSync('model.safetensors')));
 */
export function decodeModel(bytes: Uint8Array, options: { activation?: ActivationName } = {}): ModelFileContent {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== undefined && metadata.format !== MODEL_FORMAT && metadata.format !== 'pt')
    throw new ModelFormatError(`__metadata__.format is '${metadata.format}', not '${MODEL_FORMAT}'`);
  if (metadata.format_version !== undefined && metadata.format_version !== String(MODEL_FORMAT_VERSION)) {
    throw new ModelFormatError(`model format version ${metadata.format_version} is not supported by this library (reads version ${MODEL_FORMAT_VERSION})`);
  }
  // Files written by this library carry a CRC-32 of every byte; files from elsewhere (PyTorch) have none.
  const ours =
    ['config', 'preprocessor', 'training', 'calibration', 'scorecard', 'library_version'].some((k) => metadata[k] !== undefined) ||
    metadata.format === MODEL_FORMAT;
  if (metadata.crc32 !== undefined) verifyChecksum(bytes, metadata.crc32);
  else if (ours) throw new ModelFormatError('the file has hamiltonian-ai metadata but no checksum: it was altered or truncated');
  const config = parseJson<HamiltonianNNConfig>(metadata, 'config') ?? inferConfig(tensors, options.activation ?? 'leaky_relu');
  checkConfig(config);
  const dims = [config.inputDim, ...config.hiddenDims, config.outputDim];
  const expected = new Map<string, number[]>();
  for (let l = 0; l + 1 < dims.length; l++) {
    expected.set(`layers.${l}.weight`, [dims[l + 1], dims[l]]);
    expected.set(`layers.${l}.bias`, [dims[l + 1]]);
  }
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) throw new ModelFormatError(`tensor '${name}' is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      throw new ModelFormatError(`tensor '${name}' has shape [${t.shape}], the architecture needs [${shape}]`);
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) throw new ModelFormatError(`tensor '${name}' holds a non-finite value (${t.data[i]}) at index ${i}`);
    }
    out.set(name, { shape: t.shape, data: t.data });
  }
  for (const name of tensors.keys()) if (!expected.has(name)) throw new ModelFormatError(`unexpected tensor '${name}' for this architecture`);
  const preprocessor = parseJson<PreprocessorState>(metadata, 'preprocessor');
  if (preprocessor) {
    try {
      checkPreprocessorState(preprocessor);
    } catch (e) {
      throw new ModelFormatError(`__metadata__.${(e as Error).message}`);
    }
  }
  if (preprocessor && preprocessor.columns.length !== config.inputDim) {
    throw new ModelFormatError(`the preprocessor encodes ${preprocessor.columns?.length} columns but the network takes ${config.inputDim} inputs`);
  }
  checkModelBounds(config, out, preprocessor);
  const training = parseJson<TrainingRecord>(metadata, 'training');
  if (training !== null) checkTrainingRecord(training);
  const calibration = parseJson<Calibration>(metadata, 'calibration');
  if (calibration !== null) checkCalibration(calibration);
  const scorecard = parseJson<ScorecardScaling>(metadata, 'scorecard');
  if (scorecard !== null) checkScorecard(scorecard);
  return {
    config,
    tensors: out,
    preprocessor,
    training,
    calibration,
    scorecard,
    libraryVersion: metadata.library_version ?? '',
    metadata,
  };
}
