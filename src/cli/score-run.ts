/**
 * How `score` reads its input: in one thread (a byte scanner over the file's chunks), or split across worker threads.
 *
 * Across threads, the file is cut after a line feed into blocks; each worker scans, encodes, scores and formats a
 * block as if it started a record. That guess is checked, not trusted: block k is used only when block k − 1 ended
 * exactly at its end (no record left open — a line feed inside a quoted cell leaves one open) and was valid
 * UTF-8; the first block that fails the check is scored again, with everything after it, in this thread from that
 * block's start. A worker counts a block's lines from 1 (the lines before it are known only once the blocks before it
 * are back) and says how many it read; a block with a failed row, whose message names its line, is scored again told
 * its first line. The output, errors and line numbers are therefore those of the one-thread path.
 *
 * A stream — gzip data, standard input — is cut into blocks as it is read (cli/block-input.ts), and its first 8 MB
 * decide: an input that ends within them is scored in this thread. A stream cannot be read twice, so each block's
 * bytes are kept until it is settled, for the one-thread path to start from.
 */

import { closeSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { WasmRecordScanner } from '../backend/wasm/byte-scan.js';
import { CsvByteScanner, recordFields, type ByteRecords } from '../data/csv-bytes.js';
import type { Delimiter } from '../data/csv.js';
import type { Scorer } from '../score/index.js';
import { UsageError } from './errors.js';
import { ByteSink } from '../score/byte-sink.js';
import { RecordScorer, csvLayout, scoreCsvBatch, type ScoreCounts, type ScoreLayout } from '../score/csv-stream.js';
import { FileBlocks, StreamBlocks, inputChunks, type Block, type BlockInput, type Chunks, type Place } from './block-input.js';
import { countNewlines, loneCarriageReturns } from '../data/utf8.js';
import { StrictUtf8 } from './text-input.js';
import { DASH, inputName, isPlainFile } from './csv-input.js';

/** What a run of `score` needs to read, score and write. */
export interface ScoreRun {
  /** A file, or `-` for standard input; gzip data is decompressed as it is read. */
  inPath: string;
  /** The input's size in bytes as read (compressed, for gzip); 0 for standard input. */
  size: number;
  scorer: Scorer;
  /** The model file's bytes (each worker builds its own scorer from them) and the decision threshold in force. */
  modelBytes: Uint8Array;
  threshold?: number;
  reasons: number;
  batchSize: number;
  /** Input columns to echo instead of each whole record (`--keep`). */
  keep?: readonly string[];
  workers: number;
  /** Replaces the CPU forward pass (the GPU scorer; one thread only). */
  probabilities?: (x: Float32Array, rows: number) => Promise<Float32Array>;
  /**
   * Queues bytes for the output; `written`, where given, is called once they are out of the caller's hands (written,
   * or the write failed), from when their buffer may be filled again.
   */
  write: (bytes: Uint8Array, written?: () => void) => Promise<void>;
  progress: (done: number, rows: number) => void;
}

/**
 * The size of a block handed to a worker. Every buffer that scales with a block (its bytes, the scanner's records,
 * the output) is touched afresh in each worker before buffers go round, a page fault per 4 KB. Measured on 1M rows,
 * two workers, Node 20, each size in runs alternating with the one before: 4 MB 1.66–1.82 s, 2 MB 1.51–1.71 s; 2 MB
 * 1.48–1.72, 1 MB 1.45–1.55; 1 MB 1.45–1.53, 512 KB 1.41–1.47 s (Node 24: 1.35–1.38 / 1.33–1.36 s); from 4 MB to
 * 512 KB, page faults 45k → 23k and peak RSS 189 → 115 MB.
 */
const CHUNK_BYTES = 1 << 19;
/** Room beyond a block's bytes in a new block buffer, so that one carrying a line over from the last is reused too. */
const BLOCK_SLACK_BYTES = 1 << 16;
/** Bytes read at a time while looking for the header. */
const HEADER_PIECE_BYTES = 1 << 16;
/** Below this, threads cost more than they save. */
const PARALLEL_MIN_BYTES = 1 << 23;
/** A line this long (no line feed in it) ends the split: the one-thread path reads it (up to its record limit). */
const LONG_LINE_BYTES = 1 << 23;

/**
 * Scores the file of `run`, writing the output through `run.write`; returns the counts and how many threads scored
 * (1 where the input is under 8 MB, the GPU scores, or one worker was asked for).
 * @example
 * const { counts } = await scoreFile({ inPath, size, scorer, modelBytes, reasons: 0, batchSize: 4096, workers: 2, write, progress });
 */
export async function scoreFile(run: ScoreRun): Promise<{ counts: ScoreCounts; threads: number }> {
  const counts: ScoreCounts = { rows: 0, scored: 0, failed: 0, failures: [] };
  const split = run.workers > 1 && !run.probabilities;
  if (split && isPlainFile(run.inPath)) {
    const head = run.size >= PARALLEL_MIN_BYTES ? readHeader(filePieces(run.inPath), run.inPath) : null;
    if (head) {
      const input = new FileBlocks(run.inPath, head.body.offset);
      try {
        await parallel(run, counts, head, input);
      } finally {
        input.close();
      }
      return { counts, threads: run.workers };
    }
  } else if (split) {
    // A stream (gzip data, standard input): its first PARALLEL_MIN_BYTES decide, read back from the start in this
    // thread where it ends within them (a small input is not worth the threads).
    const input = new StreamBlocks(inputChunks(run.inPath));
    try {
      const prefix = new Uint8Array(PARALLEL_MIN_BYTES);
      const n = await input.read(prefix, 0, PARALLEL_MIN_BYTES);
      const head = n === PARALLEL_MIN_BYTES ? readHeader(inPieces(prefix), inputName(run.inPath)) : null;
      input.unread(prefix.subarray(head?.body.offset ?? 0, n));
      if (head) await parallel(run, counts, head, input);
      else await sequential(run, counts, null, { chunks: input.rest(), taken: input.taken });
      return { counts, threads: head ? run.workers : 1 };
    } finally {
      input.close();
    }
  }
  await sequential(run, counts, null, inputChunks(run.inPath));
  return { counts, threads: 1 };
}

/** One thread, from the input's start (header included) or from `from` with the header already read. */
async function sequential(
  run: ScoreRun,
  counts: ScoreCounts,
  from: { place: Place; layout: ScoreLayout; rows: RecordScorer } | null,
  input: Chunks,
): Promise<void> {
  const { inPath } = run;
  const name = inputName(inPath);
  const where = from ? { delimiter: from.layout.delimiter, line: from.place.line } : {};
  const scanner = new CsvByteScanner({ source: name, ...where, plain: WasmRecordScanner.create() });
  const utf8 = new StrictUtf8(name, from ? { line: from.place.lfLine, offset: from.place.offset } : undefined);
  const sink = new ByteSink();
  let rows = from?.rows ?? null;
  /** The first record is the header (checked, and written with the appended columns); the others are scored. */
  const take = async (batch: ByteRecords) => {
    rows = await scoreCsvBatch(rows, batch, name, run, scanner.detectedDelimiter ?? ',', sink, counts);
    const out = sink.handOver();
    await run.write(out, () => sink.reuse(out.buffer as ArrayBuffer));
  };
  for await (const chunk of input.chunks) {
    await take(scanner.push(utf8.check(chunk)));
    if (counts.rows) run.progress(input.taken(), counts.rows); // (nothing to say while a first record is still being read)
  }
  utf8.check(new Uint8Array(0), true); // throws on a character the input ends inside (it holds back nothing else)
  await take(scanner.end());
  if (!rows) throw new UsageError(`${name}: ${inPath === DASH ? 'nothing to read (no header row)' : 'the file is empty'}`);
}

/** The header and where the body starts. */
interface Head {
  fields: string[];
  line: number;
  delimiter: Delimiter;
  body: Place;
}

/**
 * The header record, the delimiter, and where the body starts, from the input's first pieces; null when the input is
 * better read in one thread (no whole header line in view, or not valid UTF-8: the one-thread path says where).
 */
function readHeader(pieces: Iterable<Uint8Array>, source: string): Head | null {
  // Small pieces: the scanner reads every record of what it is given, and only the header is wanted here.
  const scanner = new CsvByteScanner({ source });
  for (const piece of pieces) {
    const batch = scanner.push(piece);
    if (!batch.count) continue;
    // No record has been taken before the header, so batch.bytes starts at the input's first byte.
    const b = batch.bytes;
    const end = batch.end[0];
    if (end + 1 >= b.length) return null; // the header's line ending is not all in view
    const start = end + (b[end] === 0x0d && b[end + 1] === 0x0a ? 2 : 1);
    if (!isUtf8(b.subarray(0, start))) return null;
    const lines = lineBreaks(b, start);
    return {
      fields: recordFields(batch, 0),
      line: batch.line[0],
      delimiter: scanner.detectedDelimiter!,
      body: { offset: start, line: 1 + lines.csv, lfLine: 1 + lines.lf },
    };
  }
  return null;
}

/** A file's first bytes, HEADER_PIECE_BYTES at a time. */
function* filePieces(path: string): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(HEADER_PIECE_BYTES);
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) yield buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Bytes in memory, HEADER_PIECE_BYTES at a time. */
function* inPieces(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += HEADER_PIECE_BYTES) yield bytes.subarray(at, at + HEADER_PIECE_BYTES);
}

/** A block's result from a worker. */
interface BlockResult {
  /** The output lines, in a buffer of the worker's that goes back to it once written. */
  out?: Uint8Array;
  /** The worker's index in the pool. */
  worker?: number;
  counts?: ScoreCounts;
  /** The block ended where its last record did (nothing carried over). */
  clean?: boolean;
  /** Line breaks in the block as the CSV reader counts them, and its line feeds (what UTF-8 errors count). */
  lines?: number;
  lineFeeds?: number;
  error?: string;
}

/** Writes the header, then scores the body from `input` in worker threads (the one-thread path takes over where it must). */
async function parallel(run: ScoreRun, counts: ScoreCounts, head: Head, input: BlockInput): Promise<void> {
  const sink = new ByteSink();
  const layout = csvLayout(head.fields, head.line, inputName(run.inPath), run, head.delimiter, sink);
  await run.write(sink.handOver());
  const rows = new RecordScorer(run.scorer, layout);
  const body = head.body;
  const pool = Array.from(
    { length: run.workers },
    () =>
      new Worker(new URL('./score-worker.js', import.meta.url), {
        workerData: { modelBytes: run.modelBytes, threshold: run.threshold, layout, source: inputName(run.inPath) },
      }),
  );
  const waiting = new Map<number, (r: BlockResult) => void>();
  /** Block buffers the workers have handed back, to read the next blocks into (fresh memory costs a page fault per page). */
  const spare: ArrayBuffer[] = [];
  let closed = false;
  pool.forEach((w, index) => {
    w.on('message', (m: BlockResult & { id: number; input?: Uint8Array }) => {
      if (m.input) spare.push(m.input.buffer as ArrayBuffer);
      m.worker = index;
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    });
    w.on('error', (e: Error) => {
      for (const resolve of waiting.values()) resolve({ error: e.message });
    });
    w.on('exit', () => {
      for (const resolve of waiting.values()) resolve({ error: 'a worker stopped' });
    });
  });
  /** Gives an output buffer back to the worker that filled it (moved, not copied). */
  const giveBack = (worker: number, buffer: ArrayBuffer) => {
    if (!closed) pool[worker].postMessage({ spare: buffer }, [buffer]);
  };
  let next = 0;
  /** Hands bytes to the next worker (moved, not copied); `line`: the block's first line, or null to count from 1. */
  const score = (bytes: Uint8Array, line: number | null, final: boolean): Promise<BlockResult> => {
    const id = next++;
    const result = new Promise<BlockResult>((resolve) => waiting.set(id, resolve));
    pool[id % pool.length].postMessage({ id, bytes, line, final }, [bytes.buffer as ArrayBuffer]);
    return result;
  };
  const inFlight: Block<BlockResult>[] = [];
  /** Buffers of settled blocks' copies (a stream's), to copy the next blocks into. */
  const copies: ArrayBuffer[] = [];
  const copyOf = (block: Uint8Array): Uint8Array => {
    const copy = pooled(copies, block.length);
    copy.set(block);
    return copy;
  };
  /** Where the next block to settle starts (blocks settle in input order). */
  const place = { ...body };
  let fallback: Place | null = null;
  /**
   * Uses the oldest block's result, or returns false where the one-thread path must take over from its start.
   * Workers number a block's lines from 1 — the lines before it are known only once the blocks before it have
   * settled — which matters only where a row failed (its message names its line): such a block is scored again,
   * now told its first line. A block that fails stays in flight: the one-thread path starts with it.
   */
  const settle = async (): Promise<boolean> => {
    const block = inFlight[0];
    let r = block.valid ? await block.result : {};
    if (!block.numbered && r.counts?.failed && r.clean && r.error === undefined) {
      block.result = score(input.again(block), place.line, block.final);
      r = await block.result;
    }
    if (r.error !== undefined || !r.clean || !r.out || !r.counts || r.lines === undefined || r.lineFeeds === undefined) return false;
    inFlight.shift();
    if (block.copy) copies.push(block.copy.buffer as ArrayBuffer);
    const { out, worker } = r;
    await run.write(out, () => giveBack(worker!, out.buffer as ArrayBuffer));
    counts.rows += r.counts.rows;
    counts.scored += r.counts.scored;
    counts.failed += r.counts.failed;
    for (const f of r.counts.failures) if (counts.failures.length < 1000) counts.failures.push(f);
    place.offset += block.length;
    place.line += r.lines;
    place.lfLine += r.lineFeeds;
    run.progress(input.taken(place.offset), counts.rows);
    return true;
  };
  let carry = new Uint8Array(0);
  try {
    let eof = false;
    let position = body.offset;
    while (!eof && !fallback) {
      // Read after the bytes carried over, in a buffer that then moves to a worker whole: no copy of the block.
      const size = carry.length + CHUNK_BYTES;
      const buffer = pooled(spare, size);
      buffer.set(carry);
      const n = await input.read(buffer, carry.length, CHUNK_BYTES);
      position += n;
      eof = n === 0;
      const data = buffer.subarray(0, carry.length + n);
      const cut = eof ? data.length : data.lastIndexOf(0x0a) + 1;
      if (cut === 0 && !eof) {
        carry = data;
        if (carry.length > LONG_LINE_BYTES) fallback = { ...place };
        continue;
      }
      const offset = position - data.length; // data holds the input's bytes [offset, position)
      carry = data.slice(cut);
      const block = data.subarray(0, cut);
      if (block.length) {
        const valid = isUtf8(block); // (before the bytes move: then data and block are empty)
        const copy = input.keepsCopies ? copyOf(block) : undefined;
        // With no block in flight, `place` is this block's start and its first line is known.
        const line = inFlight.length === 0 ? place.line : null;
        const result = valid ? score(block, line, eof) : Promise.resolve({});
        inFlight.push({ offset, length: cut, final: eof, numbered: line !== null, valid, result, copy });
      }
      while (!fallback && (inFlight.length >= 2 * pool.length || (eof && inFlight.length))) if (!(await settle())) fallback = { ...place };
    }
    while (!fallback && inFlight.length) if (!(await settle())) fallback = { ...place };
    if (!fallback) input.rethrow();
  } finally {
    closed = true;
    // Workers end only once the blocks they hold are done: Node 20 could abort the whole process (a V8 assertion,
    // NodePlatform::ForIsolate) when a worker was terminated while it still compiled the code it ran.
    await Promise.all(inFlight.map((b) => b.result));
    for (const w of pool) void w.terminate();
  }
  // The one-thread path from the first block not settled: its bytes, the ones after it, then the rest of the input.
  if (fallback) await sequential(run, counts, { place: fallback, layout, rows }, input.from(fallback, inFlight, carry));
}

/** A buffer of `size` bytes: one from `pool` where it is large enough (fresh memory costs a page fault per page), else new. */
function pooled(pool: ArrayBuffer[], size: number): Uint8Array<ArrayBuffer> {
  const reused = pool.pop();
  return reused && reused.byteLength >= size ? new Uint8Array(reused, 0, size) : new Uint8Array(size + BLOCK_SLACK_BYTES).subarray(0, size);
}

/** Line breaks in b[0…e) as the CSV reader counts lines (LF, CR LF or a lone CR) and as UTF-8 errors do (LF). */
function lineBreaks(b: Uint8Array, e: number): { csv: number; lf: number } {
  const lf = countNewlines(b, e);
  return { csv: lf + loneCarriageReturns(b, e), lf };
}
