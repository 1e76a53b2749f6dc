/**
 * `hamiltonian-ai/pool` (Node): the network on every core. `ScorerPool` gives the bits and the errors of
 * `Scorer.scoreBatch` / `Scorer.scoreEncoded`, running the forward pass of a large batch on worker threads (each
 * with its own scorer and WASM instance) and this thread. Records are encoded in this thread: a JS object cannot
 * cross to another thread for less than it costs to encode (a structured clone of a record, or of its cells taken
 * apart, costs about what `transformRecord` does — measured in bench/pool.ts), so the pool pays off where the
 * network is the larger cost: wide layers, or rows already encoded. A part that cannot be scored is never guessed
 * at: the batch is then scored by the scorer in this thread, which throws the error it throws.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UsageError } from './core/errors.js';
import { loadScorer, type ScoreRecord, type Scorer, type ScorerOptions } from './score/index.js';
import { checkProbabilities } from './score/records.js';

/**
 * Below this much work (rows × the network's multiply-adds per row) a batch is scored in this thread: handing it out
 * costs more than it saves (bench/pool.ts).
 */
export const POOL_MIN_WORK = 1 << 26;

/**
 * Below this many multiply-adds per record `scoreBatch` runs in this thread whatever the batch (`Scorer.scoreBatch`,
 * a block at a time): encoding a record here costs ~2–3 µs, several times a narrow network's pass, and handing the rows
 * out costs the whole encoded array besides. bench/pool.ts, 200,000 records, 2 threads: the demo's [64, 32] (9,760 a
 * record) 587 ms in this thread against 746 ms shared; [512, 256] (192,000) 2200 → 1863 ms shared.
 */
export const POOL_MIN_RECORD_WORK = 1 << 15;

/** What a worker sends back for a part. */
interface PartResult {
  id: number;
  p?: Float32Array;
  failed?: boolean;
}

/** Options of `ScorerPool.create`: the scorer's, and the number of threads. */
export interface ScorerPoolOptions extends ScorerOptions {
  /** Threads running the network on a large batch, this one included (default: the number of cores; 1: no workers). */
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
    const threads = asked ?? availableParallelism();
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
   * here, the network runs on every thread (for a network of at least POOL_MIN_RECORD_WORK multiply-adds a record).
   * @example
   * const p = await pool.scoreBatch(records);
   */
  async scoreBatch(records: readonly ScoreRecord[], out = new Float32Array(records.length)): Promise<Float32Array> {
    const { scorer } = this;
    const n = records.length;
    if (!this.worthIt(n) || this.macs < POOL_MIN_RECORD_WORK) return scorer.scoreBatch(records, out);
    const x = scorer.encodeBatch(records); // (scoreBatch's refusals, with its errors)
    if (!(await this.forward(x, n, out))) return scorer.scoreBatch(records, out); // (it throws, naming the record)
    return checkProbabilities(out, n, 'record');
  }

  /**
   * P(positive) for encoded rows (rows × inputDim): `Scorer.scoreEncoded`'s result and errors, on every thread.
   * @example
   * const p = await pool.scoreEncoded(x, rows);
   */
  async scoreEncoded(x: Float32Array, rows: number, out = new Float32Array(rows)): Promise<Float32Array> {
    const { scorer } = this;
    if (!this.worthIt(rows) || x.length < rows * scorer.network.inputDim) return scorer.scoreEncoded(x, rows, out);
    if (!(await this.forward(x, rows, out))) return scorer.scoreEncoded(x, rows, out); // (it throws, naming the row)
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

  /** The network over x's rows into out: parts 1… on the workers, part 0 here; false when a part failed. */
  private async forward(x: Float32Array, rows: number, out: Float32Array): Promise<boolean> {
    const cols = this.scorer.network.inputDim;
    const parts = this.threads;
    const bounds = Array.from({ length: parts + 1 }, (_, k) => Math.round((k * rows) / parts));
    const sent = this.workers.map((w, k) => {
      const [from, to] = [bounds[k + 1], bounds[k + 2]];
      // A copy of the part, moved to the worker (a view of a SharedArrayBuffer goes as it is: nothing copied).
      const part = x.buffer instanceof SharedArrayBuffer ? x.subarray(from * cols, to * cols) : x.slice(from * cols, to * cols);
      return this.post(w, part, to - from);
    });
    let here: Float32Array | null = null;
    try {
      here = this.scorer.scoreEncoded(x, bounds[1], out.subarray(0, bounds[1]) as Float32Array<ArrayBuffer>);
    } catch {
      // (the caller scores the batch again in this thread, to throw the error)
    }
    const results = await Promise.all(sent);
    if (here === null || results.some((p) => p === null)) return false;
    results.forEach((p, k) => out.set(p!, bounds[k + 1]));
    return true;
  }

  private post(worker: Worker, x: Float32Array, rows: number): Promise<Float32Array | null> {
    const id = this.next++;
    if (this.partsOut++ === 0) for (const w of this.workers) w.ref();
    return new Promise<PartResult>((resolve) => {
      this.waiting.set(id, resolve);
      const moved = x.buffer instanceof SharedArrayBuffer ? [] : [x.buffer as ArrayBuffer];
      worker.postMessage({ id, x, rows }, moved);
    }).then((r) => {
      if (--this.partsOut === 0) for (const w of this.workers) w.unref();
      return r.p ?? null;
    });
  }
}
