// A worker thread of `hamiltonian-ai score --workers N`: scores the blocks of the file it is given (cli/score-run.ts
// checks each block's result before using it) and posts their output lines back.
import { parentPort, workerData } from 'node:worker_threads';
import { WasmRecordScanner } from '../backend/wasm/byte-scan.js';
import { CsvByteScanner } from '../data/csv-bytes.js';
import { decodeModel } from '../io/model-file.js';
import { Scorer } from '../score/index.js';
import { ByteSink } from '../score/byte-sink.js';
import { RecordScorer, type ScoreCounts, type ScoreLayout } from '../score/csv-stream.js';
import { loneCarriageReturns } from '../data/utf8.js';

const { modelBytes, threshold, layout, source } = workerData as { modelBytes: Uint8Array; threshold?: number; layout: ScoreLayout; source: string };
const rows = new RecordScorer(new Scorer(decodeModel(modelBytes), { threshold }), layout);
const sink = new ByteSink();
// One scanner for every block (restarted on each): its record storage, grown for the first block, serves the rest.
const scanner = new CsvByteScanner({ delimiter: layout.delimiter, source, line: 1, plain: WasmRecordScanner.create() });

/** A block: its bytes, its first line (null: not known yet — lines are counted from 1), and whether it ends the file. */
interface Job {
  id: number;
  bytes: Uint8Array;
  line: number | null;
  final: boolean;
}

// Blocks are scored one after another (the scorer's buffers are shared): a chain, not concurrent handlers.
let queue = Promise.resolve();
parentPort!.on('message', (m: Job | { spare: ArrayBuffer }) => {
  if ('spare' in m)
    sink.reuse(m.spare); // an output buffer back from the reading thread, written
  else queue = queue.then(() => scoreBlock(m));
});

async function scoreBlock(job: Job): Promise<void> {
  try {
    const counts: ScoreCounts = { rows: 0, scored: 0, failed: 0, failures: [] };
    const first = job.line ?? 1;
    scanner.restart(first);
    const batch = scanner.push(job.bytes);
    await rows.score(batch, 0, batch.count, sink, counts);
    if (job.final) {
      const last = scanner.end();
      await rows.score(last, 0, last.count, sink, counts);
    }
    // The scanner's count of line breaks (LF, CR LF or a lone CR); less the lone CRs, the block's line feeds.
    const lines = scanner.nextLine - first;
    const lineFeeds = lines - loneCarriageReturns(job.bytes, job.bytes.length);
    const out = sink.handOver();
    const clean = scanner.pendingBytes === 0;
    // The block's buffer goes back too, for the reading thread to read another block into.
    const input = job.bytes;
    parentPort!.postMessage({ id: job.id, out, counts, clean, lines, lineFeeds, input }, [out.buffer as ArrayBuffer, input.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: (e as Error).message });
  }
}
