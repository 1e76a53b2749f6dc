/**
 * CSV in, scored CSV out, in the library — Node, browsers, workers and workerd alike (no Node built-ins): the CLI's
 * `score` without files or threads, writing the same bytes. Each input line is echoed as it was, followed by
 * probability, decision, points, the reason columns when asked for, and score_error; a row that cannot be scored
 * keeps its line and gets the reason instead of a probability (never a decision without one).
 */

import { WasmRecordScanner } from '../backend/wasm/byte-scan.js';
import { UsageError } from '../core/errors.js';
import { CsvByteScanner, type ByteRecords } from '../data/csv-bytes.js';
import type { Delimiter } from '../data/csv.js';
import { StrictUtf8 } from '../data/utf8.js';
import { ByteSink } from './byte-sink.js';
import { checkReasonColumns, scoreCsvBatch, type CsvRun, type RecordScorer, type ScoreCounts } from './csv-stream.js';
import type { Scorer } from './index.js';

/** Options of `scoreCsv` and `CsvScoring`. */
export interface CsvScoringOptions {
  /** Reason codes per row (the `score --reasons K` columns); default 0. */
  reasons?: number;
  /** Records per forward pass; default 4096 (at most 2²³ inputs a batch, however wide the model). */
  batchSize?: number;
  /** What errors call the input (`'<source>, line 7: …'`); default 'input'. */
  source?: string;
  /** The separator; default 'auto' (detected from the header line, as the CLI does). */
  delimiter?: Delimiter | 'auto';
  /**
   * Input columns to echo, in this order, instead of each whole input line (the CLI's `--keep`): an applicant id and
   * the scores, not everything the applicant filled in. Each is written as a CSV field (quoted only where needed);
   * a name the header lacks is a UsageError. Default: every line as it was.
   */
  keep?: readonly string[];
}

/** What `scoreCsv` gives: the scored CSV and the counts (`failures`: the first 1,000 rows that could not be scored). */
export interface CsvScoreResult extends ScoreCounts {
  output: Uint8Array;
}

/** Most inputs of one batch: bounds the batch buffer for a model however wide. */
const BATCH_FLOATS = 1 << 23;
/** Bytes handed to the scanner at a time by `scoreCsv` and `CsvScoringStream` (`inPieces`). */
const PIECE_BYTES = 1 << 20;

/** Pushes `bytes` a PIECE_BYTES piece at a time (the scanner's storage scales with what one push gives it); yields each piece's output. */
async function* inPieces(run: CsvScoring, bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += PIECE_BYTES) yield await run.push(bytes.subarray(at, at + PIECE_BYTES));
}

/**
 * Scores a CSV file's bytes (UTF-8, header first) and returns the scored CSV — byte for byte what
 * `hamiltonian-ai score --data <file>` writes for it. Errors that stop the run (invalid UTF-8, a missing or duplicate
 * column, an empty input, malformed quoting) throw a UsageError or CsvError naming `source` and the line.
 * @example
 * const scorer = await loadScorer(modelBytes);
 * const { output, scored, failed } = await scoreCsv(scorer, new Uint8Array(await request.arrayBuffer()), { reasons: 3 });
 * return new Response(output, { headers: { 'content-type': 'text/csv' } });
 */
export async function scoreCsv(scorer: Scorer, input: Uint8Array, options: CsvScoringOptions = {}): Promise<CsvScoreResult> {
  const run = new CsvScoring(scorer, options);
  const parts: Uint8Array[] = [];
  for await (const out of inPieces(run, input)) parts.push(out);
  parts.push(await run.end());
  const output = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    output.set(p, at);
    at += p.length;
  }
  return { output, ...run.counts };
}

/**
 * CSV scoring chunk by chunk (a stream, an upload read in parts): `push` returns the output of the records the chunk
 * completed, `end` the rest; chunks may split anywhere (inside a record, a quoted field or a UTF-8 character).
 * @example
 * const run = new CsvScoring(scorer, { source: 'upload.csv' });
 * for await (const chunk of body) out.write(await run.push(chunk));
 * out.write(await run.end());
 * run.counts; // { rows, scored, failed, failures }
 */
export class CsvScoring {
  /** Rows read, scored and failed so far. */
  readonly counts: ScoreCounts = { rows: 0, scored: 0, failed: 0, failures: [] };
  private readonly scanner: CsvByteScanner;
  private readonly utf8: StrictUtf8;
  private readonly sink = new ByteSink();
  private readonly source: string;
  /** The scorer and the options in force. */
  private readonly run: CsvRun;
  private rows: RecordScorer | null = null;
  private ended = false;

  constructor(scorer: Scorer, options: CsvScoringOptions = {}) {
    const reasons = options.reasons ?? 0;
    checkReasonColumns(reasons, scorer);
    const batchSize = options.batchSize ?? 4096;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batchSize must be a whole number ≥ 1, got ${batchSize}`);
    this.run = { scorer, reasons, batchSize: Math.max(1, Math.min(batchSize, Math.floor(BATCH_FLOATS / scorer.preprocessor.cols))), keep: options.keep };
    this.source = options.source ?? 'input';
    this.scanner = new CsvByteScanner({ source: this.source, delimiter: options.delimiter ?? 'auto', plain: WasmRecordScanner.create() });
    this.utf8 = new StrictUtf8(this.source);
  }

  /** Scores the records `chunk` completes; returns their output lines (the header line with the first). */
  async push(chunk: Uint8Array): Promise<Uint8Array> {
    if (this.ended) throw new UsageError('CsvScoring: push after end');
    return this.take(this.scanner.push(this.utf8.check(chunk)));
  }

  /** Scores what is left (a last line without a line ending); throws on an empty input. */
  async end(): Promise<Uint8Array> {
    if (this.ended) throw new UsageError('CsvScoring: end called twice');
    this.ended = true;
    // The last check throws on a character the input ends inside; it holds back nothing else, so no record waits on it.
    this.utf8.check(new Uint8Array(0), true);
    const last = await this.take(this.scanner.end());
    if (!this.rows) throw new UsageError(`${this.source}: the file is empty`);
    return last;
  }

  /** The header (the first record: checked, written with the appended columns), then every record scored. */
  private async take(batch: ByteRecords): Promise<Uint8Array> {
    this.rows = await scoreCsvBatch(this.rows, batch, this.source, this.run, this.scanner.detectedDelimiter ?? ',', this.sink, this.counts);
    // A copy the caller keeps; the sink's buffer goes round again (no fresh memory per chunk).
    const held = this.sink.handOver();
    const out = held.slice();
    this.sink.reuse(held.buffer as ArrayBuffer);
    return out;
  }
}

/**
 * CSV scoring as a web stream (`TransformStream`): bytes in, scored CSV bytes out, as `scoreCsv` writes them, a piece
 * at a time — memory stays that of a megabyte of input and its output, however large the file (`scoreCsv` holds the
 * whole input and output). Chunks must be bytes (`Uint8Array`); a chunk larger than a megabyte is scored a megabyte at a
 * time, each piece's output enqueued as it is done. An error that stops the run (see `scoreCsv`) errors the stream:
 * what the consumer read before it is a prefix of the output (possibly empty), so a consumer writing a file writes a
 * temporary one and renames it once the stream closes (as `score` does), and an HTTP response is cut off, not ended.
 * `counts` are final when the readable side closes.
 * @example
 * // A worker: the upload in, the scored CSV out, streamed.
 * const scoring = new CsvScoringStream(scorer, { reasons: 3, source: 'upload.csv' });
 * return new Response(request.body!.pipeThrough(scoring), { headers: { 'content-type': 'text/csv' } });
 */
export class CsvScoringStream extends TransformStream<Uint8Array, Uint8Array> {
  /** Rows read, scored and failed so far (final once the output has closed). */
  readonly counts: ScoreCounts;

  constructor(scorer: Scorer, options: CsvScoringOptions = {}) {
    const run = new CsvScoring(scorer, options);
    const source = options.source ?? 'input';
    super({
      async transform(chunk, controller) {
        if (!(chunk instanceof Uint8Array))
          throw new UsageError(
            `${source}: CsvScoringStream takes bytes (Uint8Array chunks), got ${chunk === null ? 'null' : typeof chunk === 'object' ? ((chunk as object).constructor?.name ?? 'an object') : typeof chunk}`,
          );
        for await (const out of inPieces(run, chunk)) if (out.length > 0) controller.enqueue(out);
      },
      async flush(controller) {
        const out = await run.end();
        if (out.length > 0) controller.enqueue(out);
      },
    });
    this.counts = run.counts;
  }
}
