/**
 * `hamiltonian-ai/score`: the edge scorer. `loadScorer(bytes)` reads a model file and returns a scorer
 * that applies the fitted preprocessor and the network to raw records. No dependencies, no Node
 * built-ins, no `eval`/`new Function`: it runs in Node, Deno, Bun, browsers and Workers-style runtimes,
 * with WebAssembly where the runtime allows it and plain JavaScript where it does not.
 */
import { UsageError } from '../core/errors.js';
import { initWasm } from '../backend/wasm/inference-module.js';
import { Preprocessor, type PreprocessorState } from '../data/preprocessor.js';
import { decodeModel, type ModelFileContent } from '../io/model-file.js';
import { ModelFormatError } from '../io/safetensors.js';
import { checkCount, checkProbabilities, checkRecord, checkRecords } from './records.js';
import { ScoringError } from '../data/errors.js';
import { calibrateProbabilities, type Calibration } from '../metrics/calibration-map.js';
import { InferenceNetwork } from './network.js';
import { fillReasons, reasonStride, reasonTable, tableHolds, type RankedReason, type ReasonTable } from './rank.js';
import { DEFAULT_SCALING, points, scalingFactors, type ScorecardScaling } from '../metrics/scorecard.js';

export { ModelFormatError } from '../io/safetensors.js';
export { DataError, ScoringError } from '../data/errors.js';
export { provideWasmModule, initWasm } from '../backend/wasm/inference-module.js';
export { DEFAULT_SCALING, exactPoints, points, type ScorecardScaling } from '../metrics/scorecard.js';
export { reasonTable, type RankedReason, type ReasonTable } from './rank.js';

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
  /** The scorecard points this value costs: points with the feature at its typical value minus the record's (unrounded, > 0). */
  points: number;
}

/** Probability, decision, warnings and (from `explain`) reason codes. */
export interface ScoreResult {
  probability: number;
  /** Scorecard points (higher = safer; the model's scaling, see `Scorer.scaling`). */
  points: number;
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
  /**
   * Features never given as reason codes (protected attributes: sex, age, marital status, …); default: the model file's
   * `training.protected` (train --protected). They still enter the probability: to keep them out of it, exclude them
   * from training.
   */
  protected?: readonly string[];
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
  /** How probabilities become points: the model file's scaling, DEFAULT_SCALING for files without one. */
  readonly scaling: ScorecardScaling;
  /** Features that are never reason codes (see `ScorerOptions.protected`). */
  readonly protectedFeatures: ReadonlySet<string>;
  private readonly x: Float32Array;
  /** `scoreBatch`'s encoded rows, a block at a time (grown to BATCH_BLOCK_ROWS rows at most). */
  private block = new Float32Array(0);
  /** A record is being read into `x`, `record` or `block` (see `enter`). */
  private reading = false;
  private readonly p1 = new Float32Array(1);
  private readonly blocks: Array<{ name: string; start: number; end: number; isProtected: boolean }> = [];
  private readonly baseline: Float32Array;
  /** explain()'s and reasonsEncoded()'s buffers (the record encoded; its copies' probabilities), grown once. */
  private readonly record: Float32Array;
  /** Whether the network holds the typical record and the features' inputs (`prepareOcclusion`, on first use). */
  private occlusionReady = false;
  /** explain()'s reason table (one record), grown to the largest k asked. */
  private single = reasonTable(1, 3);

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
    this.scaling = model.scorecard ?? DEFAULT_SCALING;
    const protectedFeatures = options.protected ?? model.training?.protected ?? [];
    const unknown = protectedFeatures.filter((f) => !this.features.includes(f));
    if (unknown.length)
      throw new UsageError(`protected feature${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `'${f}'`).join(', ')} not among the model's features`);
    this.protectedFeatures = new Set(protectedFeatures);
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
    for (const b of pre.featureBlocks()) this.blocks.push({ name: b.name, start: b.start, end: b.end, isProtected: this.protectedFeatures.has(b.name) });
    const typical: ScoreRecord = Object.fromEntries(pre.features.map((f) => [f.name, f.kind === 'numeric' ? f.median : f.mode]));
    this.baseline = pre.transformRecord(typical);
  }

  /** 'wasm' or 'js'. */
  get engine(): 'wasm' | 'js' {
    return this.network.engine;
  }

  /** The model's calibration (applied to every probability this scorer returns), or null. */
  get calibration(): Calibration | null {
    return this.model.calibration ?? null;
  }

  /**
   * Applies the model's calibration to `n` probabilities of the network in place (for callers that run the network
   * themselves, such as the GPU path and `score`'s batches); a model without one returns `p` unchanged.
   */
  calibrate(p: Float32Array, n: number): Float32Array {
    return calibrateProbabilities(p, n, this.calibration);
  }

  /** The network's P(positive) for `rows` encoded rows, calibrated; not yet checked. */
  private probabilities(x: Float32Array, rows: number, out: Float32Array): Float32Array {
    return calibrateProbabilities(this.network.probabilities(x, rows, out), rows, this.calibration);
  }

  /**
   * P(positive) for one raw record. Throws a `DataError` naming the column when a value is unusable.
   * @example
   * scorer.score({ funded_amnt: 16100, term: 'term_36', int_rate: 13.99, … }); // 0.27
   */
  score(record: ScoreRecord): number {
    this.checkRecord(record);
    this.encodeRecord(record, this.x);
    return checkProbabilities(this.probabilities(this.x, 1, this.p1), 1, 'record')[0];
  }

  /** Scorecard points for P(positive) = `probability` (rounded half up; NaN outside [0, 1]). */
  points(probability: number): number {
    return points(probability, this.scaling);
  }

  /** Probability, points and decision at the scorer's threshold. */
  decide(record: ScoreRecord): ScoreResult {
    const probability = this.score(record);
    return { probability, points: this.points(probability), decision: probability >= this.threshold, warnings: this.warnings(record) };
  }

  /**
   * Starts reading records into one of the scorer's buffers. A record's fields are read as they are encoded, so a
   * getter that called the scorer meanwhile would write over the rows being encoded: that call is refused instead.
   */
  private enter(): void {
    if (this.reading) throw new UsageError('the scorer was called while it was reading a record (from a getter of one?): refused, its buffers are in use');
    this.reading = true;
  }

  /** `transformRecord` into one of the scorer's buffers, guarded (see `enter`). */
  private encodeRecord(record: ScoreRecord, out: Float32Array): void {
    this.enter();
    try {
      this.preprocessor.transformRecord(record, out);
    } finally {
      this.reading = false;
    }
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
    const rows = records.length;
    if (out.length < rows) throw new UsageError(`scoreBatch: ${rows} records, out holds ${out.length}`);
    this.checkBatch(records);
    // A block at a time through one kept buffer: no rows × inputs array to fault in (476 MB for a million records).
    // A row's bits do not depend on the rows beside it, and every probability is checked once all are made, so the
    // answer and the error are encodeBatch's.
    const block = Math.min(rows, BATCH_BLOCK_ROWS),
      cols = this.preprocessor.cols;
    if (this.block.length < block * cols) this.block = new Float32Array(block * cols);
    for (let from = 0; from < rows; from += block) {
      const to = Math.min(rows, from + block);
      this.encodeRange(this.block, records, from, to);
      this.probabilities(this.block, to - from, out.subarray(from, to));
    }
    return checkProbabilities(out, rows, 'record');
  }

  /**
   * `scoreBatch`'s check of a whole batch before any record is encoded: each is an object with the features it needs
   * (a `ScoringError` names the first that is not). Then `encodeRange` encodes it a block at a time.
   * @example
   * scorer.checkBatch(records);
   */
  checkBatch(records: readonly ScoreRecord[]): void {
    checkRecords(records, this.features, this.preprocessor.target, this.strict);
  }

  /**
   * `scoreBatch`'s encoding of records[from…to) into `out` from its start ((to − from) × inputDim values), after
   * `checkBatch` of the batch: a `ScoringError` names the record (by its index in `records`) and column. For callers
   * that run the network themselves a block at a time (`hamiltonian-ai/pool`).
   * @example
   * scorer.checkBatch(records);
   * const x = scorer.encodeRange(new Float32Array(1024 * scorer.network.inputDim), records, 0, 1024);
   */
  encodeRange(out: Float32Array, records: readonly ScoreRecord[], from: number, to: number): Float32Array {
    this.enter();
    try {
      return this.preprocessor.transformRecordsInto(out, records, from, to);
    } finally {
      this.reading = false;
    }
  }

  /**
   * The encoded rows `scoreBatch` scores (records.length × inputDim), refusing what it refuses: every record checked
   * first, then each encoded (a `ScoringError` names the record and column). For callers that run the network
   * themselves (`hamiltonian-ai/pool`).
   * @example
   * const x = scorer.encodeBatch(records);
   */
  encodeBatch(records: readonly ScoreRecord[]): Float32Array {
    this.checkBatch(records);
    return this.preprocessor.transformRecords(records);
  }

  /** P(positive) for rows that are already encoded (rows × inputDim, as the preprocessor outputs). */
  scoreEncoded(x: Float32Array, rows: number, out?: Float32Array): Float32Array {
    checkCount('rows', rows);
    if (x.length < rows * this.network.inputDim) throw new UsageError(`expected ${rows}·${this.network.inputDim} values, got ${x.length}`);
    out ??= new Float32Array(rows);
    if (out.length < rows) throw new UsageError(`scoreEncoded: ${rows} rows, out holds ${out.length}`);
    return checkProbabilities(this.probabilities(x, rows, out), rows, 'row');
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
    const stride = reasonStride(k, this.blocks.length);
    this.checkRecord(record);
    this.encodeRecord(record, this.record);
    // The probability as score() computes it (one row); the contributions from the batched pass, where the record
    // and its copies share one rounding path.
    const probability = checkProbabilities(this.probabilities(this.record, 1, this.p1), 1, 'record')[0];
    if (this.single.feature.length < stride) this.single = reasonTable(1, stride);
    const table = this.reasonTable(this.record, 1, stride, this.single);
    if (table.count[0] < 0) throw new ScoringError(`no reason codes: a copy of the record with one feature at its typical value has no probability`);
    const reasons = this.ranked(table, 0, stride).map(({ feature, contribution, points }) => ({
      feature,
      value: (Object.hasOwn(record, feature) ? record[feature] : null) ?? null,
      contribution,
      points,
    }));
    return { probability, points: this.points(probability), decision: probability >= this.threshold, warnings: this.warnings(record), reasons };
  }

  /**
   * Reason codes for `rows` records already encoded (rows × cols, as `preprocessor.transformRecord` writes them): for
   * each, the top `k` features as `explain` ranks them, computed in batched forward passes of bounded size (the
   * record and its occluded copies, many records per pass) — what `score --reasons` uses. A record whose
   * probabilities are not all in [0, 1] gets `null` (no reasons without probabilities).
   * @example
   * const x = scorer.preprocessor.transformRecords(records);
   * scorer.reasonsEncoded(x, records.length, 3); // [[{ feature: 'int_rate', contribution: 0.11 }, …], …]
   */
  reasonsEncoded(x: Float32Array, rows: number, k = 3): Array<RankedReason[] | null> {
    checkCount('rows', rows);
    const stride = reasonStride(k, this.blocks.length);
    const table = this.reasonTable(x, rows, stride, reasonTable(rows, stride));
    return Array.from({ length: rows }, (_, row) => (table.count[row] < 0 ? null : this.ranked(table, row, stride)));
  }

  /**
   * `reasonsEncoded` into a `ReasonTable` (typed arrays, no object per reason: what `score --reasons` writes from).
   * @example
   * const table = reasonTable(records.length, 3);
   * scorer.reasonTable(x, records.length, 3, table); // table.feature[0] indexes scorer.features
   */
  reasonTable(x: Float32Array, rows: number, k: number, table: ReasonTable): ReasonTable {
    checkCount('rows', rows);
    checkCount('k', k);
    const cols = this.preprocessor.cols;
    if (x.length < rows * cols) throw new UsageError(`expected ${rows}·${cols} values, got ${x.length}`);
    if (!tableHolds(table, rows, k)) throw new UsageError(`the reason table holds fewer than ${rows} records of ${k} reasons`);
    this.occlusion(x, rows, k, table);
    return table;
  }

  /** Record `row`'s reasons in `table` as objects. */
  private ranked(table: ReasonTable, row: number, k: number): RankedReason[] {
    const { feature, contribution, points } = table;
    return Array.from({ length: table.count[row] }, (_, i) => {
      const at = row * k + i;
      return { feature: this.blocks[feature[at]].name, contribution: contribution[at], points: points[at] };
    });
  }

  /**
   * Scores each encoded record together with its copies that have one feature at its typical value, and writes its top
   * `k` reasons into `table` (`Ops.rankOccluded`, then `fillReasons`), or count −1 where a probability is not in [0, 1]. A copy differs from the record in one
   * feature's columns only (one or two numeric columns; two positions of a one-hot block at most), so:
   *   - a feature already at its typical value gets no copy (its contribution is 0, never a reason), nor does a
   *     protected one;
   *   - the copies are variants of their record (`InferenceNetwork.rankedOcclusion`): the first layer runs once
   *     per record, a copy's first-layer output is its record's plus W₀ times the change in those columns (one op
   *     makes the copies, activated), and only the narrower layers run for each copy — ~4× fewer operations than
   *     scoring the copies whole (which it matches to ~1e-6).
   * Records go in groups whose copies hold at most EXPLAIN_FLOATS values (one record at least: a record's copies hold
   * at most as many values as W₀), in buffers kept between calls.
   */
  private occlusion(x: Float32Array, rows: number, k: number, table: ReasonTable): void {
    const cols = this.preprocessor.cols;
    const { blocks, network } = this;
    const most = blocks.length + 1; // a record's rows at most: the record itself, then one per feature
    const records = Math.max(1, Math.floor(EXPLAIN_FLOATS / Math.max(network.firstWidth, cols) / most));
    if (!this.occlusionReady) {
      const groupOf = new Int32Array(cols).fill(-1); // each input's feature (−1 for a protected one: no copy)
      blocks.forEach((b, f) => {
        if (!b.isProtected) groupOf.fill(f, b.start, b.end);
      });
      network.prepareOcclusion(this.baseline, groupOf, blocks.length);
      this.occlusionReady = true;
    }
    const factors = scalingFactors(this.scaling);
    for (let r0 = 0; r0 < rows; r0 += records) {
      const nr = Math.min(records, rows - r0);
      const ranked = network.rankedOcclusion(x.subarray(r0 * cols, (r0 + nr) * cols), nr, k, this.calibration);
      const p = network.occludedP,
        features = network.occludedGroups; // a row's feature; −1 for a record's own row
      for (let r = 0; r < nr; r++) {
        const at = r * (k + 2);
        table.probability[r0 + r] = p[ranked[at]];
        table.count[r0 + r] = fillReasons(table, (r0 + r) * k, ranked, at, p, features, factors);
      }
    }
  }
}

/** Most encoded inputs `explain` scores in one pass (4 MB of float32): bounds its memory for any model width. */
export const EXPLAIN_FLOATS = 1 << 20;

/** Records `scoreBatch` encodes and scores at a time (~0.5 MB of rows for lending_club's 119 inputs). */
const BATCH_BLOCK_ROWS = 1024;

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
