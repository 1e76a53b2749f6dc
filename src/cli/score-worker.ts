// A worker thread of `hamiltonian-ai score --workers N`: scores the blocks of the file it is given (cli/score-run.ts
// checks each block's result before using it) and posts their output lines back.
import { parentPort, workerData } from 'node:worker_threads';
import { CsvByteScanner } from '../data/csv-bytes.js';
import { decodeModel } from '../io/model-file.js';
import { Scorer } from '../score/index.js';
import { ByteSink, RecordScorer, type ScoreCounts, type ScoreLayout } from './score-stream.js';

const { modelBytes, threshold, layout, source } = workerData as { modelBytes: Uint8Array; threshold?: number; layout: ScoreLayout; source: string };
const rows = new RecordScorer(new Scorer(decodeModel(modelBytes), { threshold }), layout);
const sink = new ByteSink();

// Blocks are scored one after another (the scorer's buffers are shared): a chain, not concurrent handlers.
let queue = Promise.resolve();
parentPort!.on('message', (job: { id: number; bytes: Uint8Array; line: number; final: boolean }) => {
  queue = queue.then(() => scoreBlock(job));
});

async function scoreBlock(job: { id: number; bytes: Uint8Array; line: number; final: boolean }): Promise<void> {
  try {
    const counts: ScoreCounts = { rows: 0, scored: 0, failed: 0, failures: [] };
    const scanner = new CsvByteScanner({ delimiter: layout.delimiter, source, line: job.line });
    const batch = scanner.push(job.bytes);
    await rows.score(batch, 0, batch.count, sink, counts);
    if (job.final) {
      const last = scanner.end();
      await rows.score(last, 0, last.count, sink, counts);
    }
    const out = sink.take();
    parentPort!.postMessage({ id: job.id, out, counts, clean: scanner.pendingBytes === 0 }, [out.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: (e as Error).message });
  }
}
