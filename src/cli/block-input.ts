/**
 * Where `score --workers N` (cli/score-run.ts) reads the blocks it hands to its threads: a plain file at offsets, or
 * a stream — gzip data, standard input — as it comes. A file's block is read again from the file when it must be
 * scored again or the one-thread path takes over; a stream cannot be read twice, so a copy of each block is kept
 * until it is settled (at most two blocks a thread).
 */

import { closeSync, openSync, readSync } from 'node:fs';
import { csvInputChunks } from './csv-input.js';
import { readSpan } from './table-read.js';

/** A place in the input where a record starts: byte offset, CSV line, and line-feed count (what UTF-8 errors name). */
export interface Place {
  offset: number;
  line: number;
  lfLine: number;
}

/** A block handed to a worker: where it lies in the input, whether it was valid UTF-8, and the worker's answer. */
export interface Block<R> {
  offset: number;
  length: number;
  /** The input's last block (its last record may have no line ending). */
  final: boolean;
  /** Scored knowing its first line (else its lines were counted from 1). */
  numbered: boolean;
  valid: boolean;
  result: Promise<R>;
  /** The block's bytes, kept where the input cannot be read again (a stream). */
  copy?: Uint8Array;
}

/** The input, as the parallel path reads it. */
export interface BlockInput {
  /** Whether each block's bytes must be kept (`Block.copy`) before they move to a worker. */
  readonly keepsCopies: boolean;
  /** Reads the next bytes into `into` at `at`, at most `length` of them; 0 at the end. */
  read(into: Uint8Array, at: number, length: number): Promise<number>;
  /** A block's bytes again, to score it once more told its first line. */
  again(block: Block<unknown>): Uint8Array;
  /**
   * The input from `place` on, for the one-thread path: the blocks not settled (`pending`, from `place`), the bytes read
   * after them (`carry`), then the rest.
   */
  from(place: Place, pending: Block<unknown>[], carry: Uint8Array): Chunks;
  /** Bytes read from the file or pipe so far (compressed, for gzip data), given where the settled blocks end. */
  taken(settled: number): number;
  /** Throws the error a read met (after the blocks before it are settled, as one thread would meet it). */
  rethrow(): void;
  close(): void;
}

/**
 * Bytes read at a time in one thread (every buffer that scales with a chunk — the stream's, the scanner's records and
 * carry-over — with it): measured on 1M rows (Node 24), 4 MB → 1 MB took peak RSS 196–204 MB → 116–120 MB, no slower.
 */
const READ_BYTES = 1 << 20;

/** Bytes to read, and how many were taken from the file or pipe so far (compressed, for gzip data): for progress. */
export interface Chunks {
  chunks: AsyncIterable<Uint8Array>;
  taken: () => number;
}

/**
 * The input's bytes from `start` (a plain file's offset; else 0), READ_BYTES at a time, counting what is read.
 * @example
 * const { chunks, taken } = inputChunks('applicants.csv.gz');
 */
export function inputChunks(path: string, start = 0): Chunks {
  let read = start;
  return { chunks: csvInputChunks(path, { chunkBytes: READ_BYTES, start, onRead: (n) => void (read += n) }), taken: () => read };
}

/** A plain file, read at offsets from `start`. */
export class FileBlocks implements BlockInput {
  readonly keepsCopies = false;
  private readonly fd: number;

  constructor(
    private readonly path: string,
    private position: number,
  ) {
    this.fd = openSync(path, 'r');
  }

  async read(into: Uint8Array, at: number, length: number): Promise<number> {
    const n = readSync(this.fd, into, at, length, this.position);
    this.position += n;
    return n;
  }

  again(block: Block<unknown>): Uint8Array {
    const bytes = new Uint8Array(block.length);
    let at = 0;
    readSpan(this.fd, new Uint8Array(Math.min(block.length, READ_BYTES)), block.offset, block.offset + block.length, this.path, (chunk) => {
      bytes.set(chunk, at);
      at += chunk.length;
    });
    return bytes;
  }

  from(place: Place): Chunks {
    return inputChunks(this.path, place.offset);
  }

  taken(settled: number): number {
    return settled;
  }

  rethrow(): void {} // (a file's read errors are thrown where they happen)

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * A stream (gzip data, standard input), read as it comes. A read that fails (damaged gzip data) is held until the
 * bytes before it are handed out: the one-thread path meets the same error at the same place, after any error the
 * bytes before it hold.
 */
export class StreamBlocks implements BlockInput {
  readonly keepsCopies = true;
  private failure: unknown = null;
  /** Bytes taken from the stream (or put back) and not handed out yet, in order. */
  private readonly queued: Uint8Array[] = [];
  private readonly chunks: AsyncIterator<Uint8Array>;
  readonly taken: () => number;

  constructor(input: Chunks) {
    this.chunks = input.chunks[Symbol.asyncIterator]();
    this.taken = input.taken;
  }

  async read(into: Uint8Array, at: number, length: number): Promise<number> {
    let n = 0;
    while (n < length && this.failure === null) {
      if (!this.queued.length) {
        try {
          const next = await this.chunks.next();
          if (next.done) break;
          this.queued.push(next.value);
        } catch (e) {
          this.failure = e;
          break;
        }
      }
      const head = this.queued[0];
      const k = Math.min(length - n, head.length);
      into.set(head.subarray(0, k), at + n);
      if (k === head.length) this.queued.shift();
      else this.queued[0] = head.subarray(k);
      n += k;
    }
    return n;
  }

  /** Puts `bytes` back, to be read (or handed out by `rest`) before anything else. */
  unread(bytes: Uint8Array): void {
    if (bytes.length) this.queued.unshift(bytes);
  }

  /** Throws what a read met, once every byte before it was handed out. */
  rethrow(): void {
    if (this.failure !== null) throw this.failure;
  }

  again(block: Block<unknown>): Uint8Array {
    return block.copy!.slice();
  }

  from(_place: Place, pending: Block<unknown>[], carry: Uint8Array): Chunks {
    const self = this;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (const block of pending) yield block.copy!;
      yield carry;
      yield* self.rest();
    }
    return { chunks: chunks(), taken: this.taken };
  }

  /** What is not read yet: the bytes queued, the error a read met, then the rest of the stream. */
  async *rest(): AsyncGenerator<Uint8Array> {
    while (this.queued.length) yield this.queued.shift()!;
    this.rethrow();
    for (let next = await this.chunks.next(); !next.done; next = await this.chunks.next()) yield next.value;
  }

  close(): void {
    void this.chunks.return?.(undefined);
  }
}
