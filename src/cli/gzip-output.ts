import { Worker } from 'node:worker_threads';

/** Bytes sent to the compressor and not yet taken by it before `write` waits (as the file stream's 16 MB). */
const QUEUED_AT_MOST = 1 << 24;

/**
 * A gzip file written by a worker thread (cli/gzip-worker.ts): `write` copies the bytes to it, so the caller may
 * reuse its buffer at once, and waits only while 16 MB are queued. The file's bytes are one gzip stream, the same
 * whichever pieces the output came in (zlib's output does not depend on how its input is split).
 * @example
 * const out = new GzipFileWriter('.scored.csv.gz.tmp', 1);
 * await out.write(bytes);
 * await out.end();
 */
export class GzipFileWriter {
  private readonly worker: Worker;
  private queued = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly done: Promise<void>;

  constructor(path: string, level: number) {
    this.worker = new Worker(new URL('./gzip-worker.js', import.meta.url), { workerData: { path, level } });
    this.done = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (m: { taken?: number; finished?: true; error?: string; code?: string }) => {
        if (m.taken !== undefined) this.queued -= m.taken;
        if (m.error !== undefined) this.failure ??= Object.assign(new Error(m.error), { code: m.code });
        if (m.finished) resolve();
        if (this.failure) reject(this.failure);
        this.wake?.();
      });
      this.worker.on('error', (e: Error) => {
        this.failure ??= e;
        reject(e);
        this.wake?.();
      });
      // (after `finished`, or terminated by end or destroy, the promise is settled and this changes nothing)
      this.worker.on('exit', (code) => {
        this.failure ??= new Error(`the gzip writer's thread stopped (exit code ${code})`);
        reject(this.failure);
        this.wake?.();
      });
    });
    this.done.catch(() => {}); // (seen by write or end)
  }

  /** Queues a copy of `bytes`; throws the first write or compression error (a full disk …). */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const copy = new Uint8Array(bytes); // (a copy, even of a Buffer, whose slice() is a view: its memory must not move)
    this.queued += copy.length;
    this.worker.postMessage({ bytes: copy }, [copy.buffer]);
    while (this.queued > QUEUED_AT_MOST && !this.failure) await new Promise<void>((r) => (this.wake = r));
    if (this.failure) throw this.failure;
  }

  /** Ends the stream; resolves once the file is written whole, rejects with the first error. */
  async end(): Promise<void> {
    this.worker.postMessage({ end: true });
    try {
      await this.done;
    } finally {
      await this.worker.terminate();
    }
  }

  /** Stops writing (the caller removes the file). */
  async destroy(): Promise<void> {
    await this.worker.terminate();
  }
}
