/**
 * `hamiltonian-ai/pool` (Node): the network on every core. `ScorerPool` gives the bits and the errors of
 * `Scorer.scoreBatch` / `Scorer.scoreEncoded`, running the forward pass of a large batch on worker threads (each
 * with its own scorer and WASM instance) and this thread. Records are encoded in this thread: a JS object cannot
 * cross to another thread for less than it costs to encode (a structured clone of a record, or of its cells taken
 * apart, costs about what `transformRecord` does — measured in bench/pool.ts). Every call runs a pipeline of blocks:
 * `scoreBatch` and `reasonTableOfRecords` encode a block at a time while the workers run the blocks before it (and
 * run blocks here too when the workers are ahead), so they pay off as far as the network's share of the work goes:
 * wide layers, reason codes, or rows already encoded (`scoreEncoded`, `reasonTable`). A part that cannot
 * be scored is never guessed at: the batch is then scored by the scorer in this thread, which throws the error it
 * throws.
 * @module
 */
import { Worker } from 'node:worker_threads';
import { usableCores } from './cores.js';
import { UsageError } from './core/errors.js';
import { loadScorer, reasonTable, type ReasonTable, type ScoreRecord, type Scorer, type ScorerOptions } from './score/index.js';
import { tableHolds } from './score/rank.js';
import { checkCount, checkProbabilities } from './score/records.js';

export { usableCores } from './cores.js';

/**
 * Below this much work (rows × the network's multiply-adds per row) a batch is scored in this thread: handing it out
 * costs more than it saves (bench/pool.ts).
 */
export const POOL_MIN_WORK = 1 << 26;

/**
 * Below this many multiply-adds per record `scoreBatch` runs in this thread whatever the batch (`Scorer.scoreBatch`,
 * a block at a time): encoding a record here costs ~2–3 µs, and the workers can take only the network off it, so a
 * narrower network saves less than handing its blocks out costs. bench/pool.ts-style runs, 200,000 records, 2 threads,
 * blocks pipelined: [64, 32] (9,760 a record) 449–476 ms in this thread, 413–422 ms shared; [32, 16] (4,320) and
 * narrower within ±5 % either way; [512, 256] (192,000) 1.96–2.03 s → 1.06–1.08 s.
 */
export const POOL_MIN_RECORD_WORK = 1 << 13;

/**
 * `ScorerPool.scoreBatch`'s blocks: records encoded and handed out (or scored here) at a time, and how many a worker
 * may have out at once (one running, one waiting, so it never idles while this thread encodes).
 */
const PIPELINE_BLOCK_ROWS = 512;
const PIPELINE_DEPTH = 2;
/** `scoreEncoded`'s blocks hold at least this many multiply-adds (rows × the network's). */
const ENCODED_BLOCK_WORK = 1 << 24;

/** What a worker sends back for a part: its probabilities, or its reason codes (a part sent with k). */
interface PartResult {
  id: number;
  p?: Float32Array;
  table?: ReasonTable;
  failed?: boolean;
}

/** Where `ScorerPool`'s pipeline puts a block's results: run here into the caller's array, or a worker's placed there. */
interface BlockOutput {
  here: (x: Float32Array, from: number, to: number) => void;
  place: (r: PartResult, from: number, to: number) => void;
}

/**
 * A part's reasons copied into `table` from record `from` on (k a record): each record's count, probability and
 * counted entries — what `Scorer.reasonTable` writes, so the other entries keep what the caller's table held.
 */
function placeReasons(table: ReasonTable, part: ReasonTable, from: number, rows: number, k: number): void {
  table.count.set(part.count.subarray(0, rows), from);
  table.probability.set(part.probability.subarray(0, rows), from);
  for (let r = 0; r < rows; r++) {
    for (let i = 0, a = r * k, b = (from + r) * k; i < part.count[r]; i++, a++, b++) {
      table.feature[b] = part.feature[a];
      table.contribution[b] = part.contribution[a];
      table.points[b] = part.points[a];
    }
  }
}

/** Options of `ScorerPool.create`: the scorer's, and the number of threads. */
export interface ScorerPoolOptions extends ScorerOptions {
  /**
   * Threads running the network on a large batch, this one included (default: `usableCores()`, the cores this process
   * may use, a container's CPU quota counted; 1: no workers).
   */
  threads?: number;
}

/**
 * Runs the network of large batches on worker threads (see the module comment).
 * @example
 * const pool = await ScorerPool.create(new Uint8Array(readFileSync('credit.safetensors')));
 * const p = await pool.scoreBatch(records); // the bits of pool.scorer.scoreBatch(records)
 * await pool.close();
 */
export class ScorerPool {
  private readonly waiting = new Map<number, (r: PartResult) => void>();
  private next = 0;
  private closed = false;
  /** A worker failed or stopped: batches are scored in this thread from then on. */
  private broken = false;
  /** Parts out with the workers (the workers are ref'd while there are any). */
  private partsOut = 0;
  /** The network's multiply-adds per row. */
  private readonly macs: number;
  /** This thread's reason codes of a block, before they are placed in the caller's table. */
  private blockTable = reasonTable(0, 0);

  private constructor(
    /** This thread's scorer: encodes records, scores small batches and this thread's part, and names errors. */
    readonly scorer: Scorer,
    private readonly workers: Worker[],
  ) {
    const { inputDim, hiddenDims, outputDim } = scorer.model.config;
    const dims = [inputDim, ...hiddenDims, outputDim];
    this.macs = dims.slice(1).reduce((sum, d, l) => sum + d * dims[l], 0);
    for (const w of workers) {
      w.on('message', (m: PartResult) => {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      });
      const fail = () => {
        this.broken = true;
        for (const [id, resolve] of this.waiting) resolve({ id, failed: true });
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', fail);
      w.unref(); // an idle pool does not keep the process alive (ref'd while a part is out)
    }
  }

  /**
   * A pool for the model in `bytes` (a safetensors model file); resolves once every worker has loaded it.
   * @example
   * const pool = await ScorerPool.create(bytes, { threads: 4, threshold: 0.3 });
   */
  static async create(bytes: Uint8Array, options: ScorerPoolOptions = {}): Promise<ScorerPool> {
    const { threads: asked, ...scorerOptions } = options;
    const threads = asked ?? usableCores();
    if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`threads must be an integer ≥ 1, got ${threads}`);
    const scorer = await loadScorer(bytes, scorerOptions);
    const workers = Array.from(
      { length: threads - 1 },
      () => new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: { bytes, options: scorerOptions } }),
    );
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error))));
              w.once('error', reject);
            }),
        ),
      );
    } catch (e) {
      for (const w of workers) void w.terminate();
      throw e;
    }
    return new ScorerPool(scorer, workers);
  }

  /** Threads a large batch runs on (this one included). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * P(positive) for many records, in record order: `Scorer.scoreBatch`'s result and errors; the records are encoded
   * here a block at a time, and each block's network runs on a worker as the next is encoded, or here when the
   * workers are busy (for a network of at least POOL_MIN_RECORD_WORK multiply-adds a record).
   * @example
   * const p = await pool.scoreBatch(records);
   */
  async scoreBatch(records: readonly ScoreRecord[], out = new Float32Array(records.length)): Promise<Float32Array> {
    const { scorer } = this;
    const n = records.length;
    if (!this.worthIt(n) || this.macs < POOL_MIN_RECORD_WORK || out.length < n) return scorer.scoreBatch(records, out);
    scorer.checkBatch(records); // (scoreBatch's refusals, with its errors)
    const done = await this.pipeline(n, undefined, this.encoder(records), this.probabilitiesInto(out));
    if (!done) return scorer.scoreBatch(records, out); // (it throws, naming the record)
    return checkProbabilities(out, n, 'record');
  }

  /**
   * `Scorer.reasonTable` on every thread: the reason codes of `rows` encoded rows into `table`, the same bits (a
   * record's codes do not depend on the records beside it). Rows are handed out in blocks as threads come free.
   * @example
   * const table = await pool.reasonTable(x, rows, 3); // table.feature[r * 3] indexes pool.scorer.features
   */
  async reasonTable(x: Float32Array, rows: number, k: number, table?: ReasonTable): Promise<ReasonTable> {
    const { scorer } = this;
    checkCount('rows', rows);
    checkCount('k', k);
    table ??= reasonTable(rows, k);
    const cols = scorer.network.inputDim;
    if (!this.reasonsWorthIt(rows) || !tableHolds(table, rows, k) || x.length < rows * cols) return scorer.reasonTable(x, rows, k, table);
    const done = await this.pipeline(rows, k, this.slicer(x), this.reasonsInto(table, k));
    return done ? table : scorer.reasonTable(x, rows, k, table);
  }

  /**
   * Reason codes of raw records on every thread: `Scorer.reasonTable` of `Scorer.encodeBatch(records)`, with its
   * errors (the first record that cannot be encoded), the records encoded here a block at a time while the workers
   * rank the blocks before.
   * @example
   * const table = await pool.reasonTableOfRecords(records, 3);
   */
  async reasonTableOfRecords(records: readonly ScoreRecord[], k: number, table?: ReasonTable): Promise<ReasonTable> {
    const { scorer } = this;
    checkCount('k', k);
    table ??= reasonTable(records.length, k);
    const n = records.length;
    const inThisThread = () => scorer.reasonTable(scorer.encodeBatch(records), n, k, table);
    if (!this.reasonsWorthIt(n) || !tableHolds(table, n, k)) return inThisThread();
    scorer.checkBatch(records);
    const done = await this.pipeline(n, k, this.encoder(records), this.reasonsInto(table, k));
    return done ? table : inThisThread();
  }

  /**
   * P(positive) for encoded rows (rows × inputDim): `Scorer.scoreEncoded`'s result and errors, on every thread
   * (blocks of at least ENCODED_BLOCK_WORK multiply-adds handed out as threads come free).
   * @example
   * const p = await pool.scoreEncoded(x, rows);
   */
  async scoreEncoded(x: Float32Array, rows: number, out?: Float32Array): Promise<Float32Array> {
    const { scorer } = this;
    const cols = scorer.network.inputDim;
    checkCount('rows', rows);
    out ??= new Float32Array(rows);
    if (!this.worthIt(rows) || x.length < rows * cols || out.length < rows) return scorer.scoreEncoded(x, rows, out);
    const done = await this.pipeline(
      rows,
      undefined,
      this.slicer(x),
      this.probabilitiesInto(out),
      // Rows already encoded cost only the network: blocks of ~2²⁴ multiply-adds, so a narrow network's are not all message.
      Math.max(PIPELINE_BLOCK_ROWS, Math.ceil(ENCODED_BLOCK_WORK / this.macs)),
    );
    if (!done) return scorer.scoreEncoded(x, rows, out); // (it throws, naming the row)
    return checkProbabilities(out, rows, 'row');
  }

  /** Ends the worker threads; the pool refuses batches afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    this.broken = true; // (their exits are not failures)
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private worthIt(rows: number): boolean {
    if (this.closed) throw new UsageError('this ScorerPool is closed');
    return rows * this.macs >= POOL_MIN_WORK && this.workers.length > 0 && !this.broken;
  }

  /** Reason codes run the network once for a record and once per feature (at most): `worthIt` of that many rows. */
  private reasonsWorthIt(records: number): boolean {
    return this.worthIt(records * (this.scorer.features.length + 1));
  }

  /** `pipeline`'s rowsOf for records: each block encoded here (a new array for a worker's, one kept for this thread's). */
  private encoder(records: readonly ScoreRecord[]): (from: number, to: number, fresh: boolean) => Float32Array {
    const cols = this.scorer.network.inputDim;
    const mine = new Float32Array(Math.min(records.length, PIPELINE_BLOCK_ROWS) * cols);
    return (from, to, fresh) => this.scorer.encodeRange(fresh ? new Float32Array((to - from) * cols) : mine, records, from, to);
  }

  /** `pipeline`'s rowsOf for encoded rows: a worker's block is a copy it takes (a SharedArrayBuffer's view goes as it is); this thread's is read in place. */
  private slicer(x: Float32Array): (from: number, to: number, fresh: boolean) => Float32Array {
    const cols = this.scorer.network.inputDim;
    return (from, to, fresh) => (fresh && !(x.buffer instanceof SharedArrayBuffer) ? x.slice(from * cols, to * cols) : x.subarray(from * cols, to * cols));
  }

  /** `pipeline`'s blocks into probabilities `out`: a block run here scores straight into its rows. */
  private probabilitiesInto(out: Float32Array): BlockOutput {
    return {
      here: (x, from, to) => void this.scorer.scoreEncoded(x, to - from, out.subarray(from, to) as Float32Array<ArrayBuffer>),
      place: (r, from) => out.set(r.p!, from),
    };
  }

  /** `pipeline`'s blocks into reason table `table`: a block ranked here goes through a table of the block's, kept. */
  private reasonsInto(table: ReasonTable, k: number): BlockOutput {
    return {
      here: (x, from, to) => {
        if (!tableHolds(this.blockTable, to - from, k)) this.blockTable = reasonTable(PIPELINE_BLOCK_ROWS, k);
        placeReasons(table, this.scorer.reasonTable(x, to - from, k, this.blockTable), from, to - from, k);
      },
      place: (r, from, to) => placeReasons(table, r.table!, from, to - from, k),
    };
  }

  /**
   * Rows [0, n) a block at a time, in order: each block's input rows (`rowsOf`: in an array the worker may take when
   * `fresh`, else in one this thread keeps) go to a worker with fewer than PIPELINE_DEPTH
   * blocks out, which runs them (the network, or reason codes with k), or else run here (`output.here`, which throws
   * if it fails) — so this thread encodes while the workers run the blocks before, and runs blocks too when they are
   * ahead. A worker's result goes to `output.place`. An error from `rowsOf` is thrown as it comes (the first record that
   * cannot be encoded, as the scorer throws it); false when a block failed.
   */
  private async pipeline(
    n: number,
    k: number | undefined,
    rowsOf: (from: number, to: number, fresh: boolean) => Float32Array,
    output: BlockOutput,
    block = PIPELINE_BLOCK_ROWS,
  ): Promise<boolean> {
    const { workers } = this;
    const { here, place } = output;
    const outWith = new Array<number>(workers.length).fill(0); // blocks out with each worker
    const parts: Promise<boolean>[] = [];
    let ran = true;
    try {
      for (let from = 0; from < n; from += block) {
        const to = Math.min(n, from + block);
        let w = 0;
        for (let v = 1; v < workers.length; v++) if (outWith[v] < outWith[w]) w = v;
        if (outWith[w] < PIPELINE_DEPTH && !this.broken) {
          const x = rowsOf(from, to, true);
          outWith[w]++;
          parts.push(
            this.post(workers[w], x, to - from, k).then((r) => {
              outWith[w]--;
              if (r) place(r, from, to);
              return r !== null;
            }),
          );
        } else {
          const x = rowsOf(from, to, false);
          try {
            here(x, from, to);
          } catch {
            ran = false; // (the caller runs the batch again in this thread, to throw the error)
          }
        }
        // The workers' replies arrive as events: let them in between blocks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (e) {
      // The blocks out land before the error is thrown: nothing writes into the caller's arrays after it.
      await Promise.all(parts);
      throw e;
    }
    return (await Promise.all(parts)).every(Boolean) && ran;
  }

  /** Sends a part to a worker: its probabilities back, or its reason codes when k is given; null when it failed. */
  private post(worker: Worker, x: Float32Array, rows: number, k?: number): Promise<PartResult | null> {
    const id = this.next++;
    if (this.partsOut++ === 0) for (const w of this.workers) w.ref();
    return new Promise<PartResult>((resolve) => {
      this.waiting.set(id, resolve);
      const moved = x.buffer instanceof SharedArrayBuffer ? [] : [x.buffer as ArrayBuffer];
      worker.postMessage({ id, x, rows, k }, moved);
    }).then((r) => {
      if (--this.partsOut === 0) for (const w of this.workers) w.unref();
      return r.failed || (!r.p && !r.table) ? null : r;
    });
  }
}
