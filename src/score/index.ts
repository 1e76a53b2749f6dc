/**
 * `hamiltonian-ai/score`: the edge scorer. `loadScorer(bytes)` reads a model file and returns a scorer
 * that applies the fitted preprocessor and the network to raw records. No dependencies, no Node
 * built-ins, no `eval`/`new Function`: it runs in Node, Deno, Bun, browsers and Workers-style runtimes,
 * with WebAssembly where the runtime allows it and plain JavaScript where it does not.
 */
import { UsageError } from '../core/errors.js';
import { initWasm } from '../backend/wasm/module.js';
import { Preprocessor, type PreprocessorState } from '../data/preprocessor.js';
import { decodeModel, type ModelFileContent } from '../io/model-file.js';
import { ModelFormatError } from '../io/safetensors.js';
import { checkProbabilities, checkRecord } from './records.js';
import { InferenceNetwork } from './network.js';

export { ModelFormatError } from '../io/safetensors.js';
export { DataError, ScoringError } from '../data/errors.js';
export { provideWasmModule, initWasm } from '../backend/wasm/module.js';

/** A raw applicant record: column name → value (string, number, or null/undefined for missing). */
export type ScoreRecord = Record<string, unknown>;

/** One reason code. */
export interface Reason {
  /** The raw column. */
  feature: string;
  /** Its value in the record. */
  value: unknown;
  /** How much higher P(positive) is with this value than with the feature at its typical value (median or mode). */
  contribution: number;
}

/** Probability, decision, warnings and (from `explain`) reason codes. */
export interface ScoreResult {
  probability: number;
  /** probability ≥ threshold (e.g. "decline" when the positive class is default). */
  decision: boolean;
  reasons?: Reason[];
  /** What was scored but deserves a look: categories not seen in training (scored as none of the known ones). */
  warnings: string[];
}

/** Options of `loadScorer`. */
export interface ScorerOptions {
  /** Decision threshold; default: the one the model was trained and evaluated with (its file's `training.threshold`), else 0.5. */
  threshold?: number;
  /**
   * true (default): a record must have every feature as its own property (`null` or `''` for a missing value); an
   * absent one is a `ScoringError` listing the absent features and the unknown keys (typo protection). false: absent
   * features are imputed as missing values — the lenient behaviour of 0.1.
   */
  strict?: boolean;
  /** 'auto' (default): WASM where available, else JS; or force 'wasm' / 'js'. */
  engine?: 'auto' | 'wasm' | 'js';
}

/**
 * Scores raw records with a model file’s preprocessor and network (see `loadScorer`).
 * @example
 * const scorer = loadScorerSync(bytes);
 * scorer.decide(applicant); // { probability, decision }
 */
export class Scorer {
  readonly threshold: number;
  /** Whether absent features are errors (default) or imputed (see `ScorerOptions.strict`). */
  readonly strict: boolean;
  readonly preprocessor: Preprocessor;
  readonly network: InferenceNetwork;
  /** The positive label ("bad", "1", …) the probability refers to. */
  readonly positiveLabel: string;
  /** Raw columns the scorer reads from a record. */
  readonly features: string[];
  readonly model: ModelFileContent;
  private readonly x: Float32Array;
  private readonly p1 = new Float32Array(1);
  private readonly blocks: Array<{ name: string; start: number; end: number }> = [];
  private readonly baseline: Float32Array;
  /** explain()'s buffers (the record encoded; a chunk of occluded copies and their probabilities), grown once. */
  private readonly record: Float32Array;
  private occluded = new Float32Array(0);
  private occludedP = new Float32Array(0);

  constructor(model: ModelFileContent, options: ScorerOptions = {}) {
    if (!model.preprocessor) {
      throw new ModelFormatError('this model file has no preprocessor (a bare PyTorch state dict?): use scoreEncoded, or train it with this library');
    }
    let pre: Preprocessor;
    try {
      pre = Preprocessor.fromJSON(model.preprocessor as PreprocessorState);
    } catch (e) {
      throw new ModelFormatError(`the model's preprocessor is invalid: ${(e as Error).message}`);
    }
    this.model = model;
    this.preprocessor = pre;
    this.positiveLabel = pre.positive;
    this.features = pre.features.map((f) => f.name);
    const stored = model.training?.threshold;
    this.threshold = options.threshold ?? (typeof stored === 'number' ? stored : 0.5);
    this.strict = options.strict ?? true;
    if (!(this.threshold >= 0 && this.threshold <= 1)) throw new UsageError(`threshold must be in [0, 1], got ${this.threshold}`);
    const dims = [model.config.inputDim, ...model.config.hiddenDims, model.config.outputDim];
    const layers = dims.slice(0, -1).map((nin, l) => ({
      weight: model.tensors.get(`layers.${l}.weight`)!.data,
      bias: model.tensors.get(`layers.${l}.bias`)!.data,
      inFeatures: nin,
      outFeatures: dims[l + 1],
    }));
    this.network = new InferenceNetwork(layers, model.config.activation, options.engine ?? 'auto');
    this.x = new Float32Array(pre.cols);
    this.record = new Float32Array(pre.cols);
    let k = 0;
    for (const f of pre.features) {
      const width = f.kind === 'numeric' ? (f.indicator ? 2 : 1) : f.categories.length;
      this.blocks.push({ name: f.name, start: k, end: k + width });
      k += width;
    }
    const typical: ScoreRecord = Object.fromEntries(pre.features.map((f) => [f.name, f.kind === 'numeric' ? f.median : f.mode]));
    this.baseline = pre.transformRecord(typical);
  }

  /** 'wasm' or 'js'. */
  get engine(): 'wasm' | 'js' {
    return this.network.engine;
  }

  /**
   * P(positive) for one raw record. Throws a `DataError` naming the column when a value is unusable.
   * @example
   * scorer.score({ funded_amnt: 16100, term: 'term_36', int_rate: 13.99, … }); // 0.27
   */
  score(record: ScoreRecord): number {
    this.checkRecord(record);
    this.preprocessor.transformRecord(record, this.x);
    return checkProbabilities(this.network.probabilities(this.x, 1, this.p1), 1, 'record')[0];
  }

  /** Probability and decision at the scorer's threshold. */
  decide(record: ScoreRecord): ScoreResult {
    const probability = this.score(record);
    return { probability, decision: probability >= this.threshold, warnings: this.warnings(record) };
  }

  /** Throws a `ScoringError` unless `record` can be scored (see `checkRecord`); `index` names it in a batch. */
  private checkRecord(record: unknown, index?: number): asserts record is ScoreRecord {
    checkRecord(record, this.features, this.preprocessor.target, this.strict, index);
  }

  /** Categories of `record` not seen in training (scored as none of the known ones under the 'zeros' policy). */
  private warnings(record: ScoreRecord): string[] {
    const out: string[] = [];
    const pre = this.preprocessor;
    pre.features.forEach((f, i) => {
      if (f.kind !== 'categorical' || !Object.hasOwn(record, f.name)) return;
      const v = record[f.name];
      if (v === null || v === undefined) return;
      const text = String(v).trim();
      if (!pre.isMissingText(text) && pre.categoryPosition(i, text) < 0)
        out.push(`category '${text}' of '${f.name}' was not seen in training (scored as none of the known categories)`);
    });
    return out;
  }

  /**
   * P(positive) for many records (one forward pass). A record that cannot be encoded throws a
   * `DataError` that names its index and column.
   */
  scoreBatch(records: readonly ScoreRecord[], out = new Float32Array(records.length)): Float32Array {
    records.forEach((r, i) => this.checkRecord(r, i));
    return checkProbabilities(this.network.probabilities(this.preprocessor.transformRecords(records), records.length, out), records.length, 'record');
  }

  /** P(positive) for rows that are already encoded (rows × inputDim, as the preprocessor outputs). */
  scoreEncoded(x: Float32Array, rows: number, out = new Float32Array(rows)): Float32Array {
    if (x.length < rows * this.network.inputDim) throw new UsageError(`expected ${rows}·${this.network.inputDim} values, got ${x.length}`);
    return checkProbabilities(this.network.probabilities(x, rows, out), rows, 'row');
  }

  /**
   * Probability, decision and the top `k` reason codes: the features whose actual value raises
   * P(positive) most compared with the same applicant with that feature at its typical (training median or
   * mode) value — the "principal reasons" an adverse-action notice lists. Only positive contributions
   * are reasons.
   * @example
   * scorer.explain(record, 3).reasons; // [{ feature: 'int_rate', value: 24.5, contribution: 0.11 }, …]
   */
  explain(record: ScoreRecord, k = 3): ScoreResult {
    const cols = this.preprocessor.cols;
    const nb = this.blocks.length;
    this.checkRecord(record);
    // Row 0 is the record; rows 1…nb the record with one feature at its typical value. They are scored in chunks
    // of at most EXPLAIN_FLOATS inputs, in buffers kept between calls: memory stays bounded whatever the width
    // (20k features would otherwise need 1.6 GB per call).
    const chunkRows = Math.max(2, Math.min(nb + 1, Math.floor(EXPLAIN_FLOATS / cols)));
    if (this.occluded.length < chunkRows * cols) {
      this.occluded = new Float32Array(chunkRows * cols);
      this.occludedP = new Float32Array(chunkRows);
    }
    const x = this.occluded;
    const own = this.record;
    this.preprocessor.transformRecord(record, own);
    const p = new Float64Array(nb + 1);
    for (let first = 0; first <= nb; first += chunkRows) {
      const n = Math.min(chunkRows, nb + 1 - first);
      for (let r = 0; r < n; r++) {
        const row = x.subarray(r * cols, (r + 1) * cols);
        row.set(own);
        const f = first + r - 1; // row `first + r` occludes feature f (row 0: none)
        if (f >= 0) row.set(this.baseline.subarray(this.blocks[f].start, this.blocks[f].end), this.blocks[f].start);
      }
      const chunk = checkProbabilities(this.network.probabilities(x.subarray(0, n * cols), n, this.occludedP), n, 'row');
      for (let r = 0; r < n; r++) p[first + r] = chunk[r];
    }
    const probability = p[0];
    const reasons: Reason[] = this.blocks
      .map((b, f) => ({ feature: b.name, value: (Object.hasOwn(record, b.name) ? record[b.name] : null) ?? null, contribution: probability - p[f + 1] }))
      .filter((r) => r.contribution > 0)
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, k);
    return { probability, decision: probability >= this.threshold, warnings: this.warnings(record), reasons };
  }
}

/** Most encoded inputs `explain` scores in one pass (4 MB of float32): bounds its memory for any model width. */
export const EXPLAIN_FLOATS = 1 << 20;

/**
 * Reads a model file (its bytes) and returns a scorer. Asynchronous so that browsers can compile the
 * WASM build off the main thread first; `loadScorerSync` does the same synchronously.
 * @example
 * const scorer = await loadScorer(new Uint8Array(await (await fetch('/model.safetensors')).arrayBuffer()));
 * scorer.score({ Seniority: 9, Home: 'rent', Income: 129, … });
 */
export async function loadScorer(bytes: Uint8Array, options: ScorerOptions = {}): Promise<Scorer> {
  if ((options.engine ?? 'auto') !== 'js') {
    try {
      await initWasm();
    } catch {
      // compiling from bytes is refused here (an edge runtime): the scorer falls back below
    }
  }
  return loadScorerSync(bytes, options);
}

/**
 * Synchronous `loadScorer` (Node, workers).
 * @example
 * const scorer = loadScorerSync(new Uint8Array(readFileSync('model.safetensors')));
 */
export function loadScorerSync(bytes: Uint8Array, options: ScorerOptions = {}): Scorer {
  return new Scorer(decodeModel(bytes), options);
}
