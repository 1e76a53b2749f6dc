// A worker thread of `hamiltonian-ai/pool`: runs the network over the parts of batches it is sent (encoded rows)
// with its own scorer, and posts the probabilities back (or the reason codes, for a part sent with k) — or `failed`,
// for the pool to run the batch itself.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScorer, reasonTable, type ScorerOptions } from './score/index.js';

const { bytes, options } = workerData as { bytes: Uint8Array; options: ScorerOptions };

loadScorer(bytes, options).then(
  (scorer) => {
    parentPort!.on('message', (job: { id: number; x: Float32Array; rows: number; k?: number }) => {
      try {
        if (job.k === undefined) {
          const p = scorer.scoreEncoded(job.x, job.rows);
          parentPort!.postMessage({ id: job.id, p }, [p.buffer as ArrayBuffer]);
        } else {
          const table = scorer.reasonTable(job.x, job.rows, job.k, reasonTable(job.rows, job.k));
          const { feature, contribution, points, count, probability } = table;
          parentPort!.postMessage(
            { id: job.id, table },
            [feature, contribution, points, count, probability].map((a) => a.buffer as ArrayBuffer),
          );
        }
      } catch {
        parentPort!.postMessage({ id: job.id, failed: true });
      }
    });
    parentPort!.postMessage({ ready: true });
  },
  (e: Error) => parentPort!.postMessage({ error: e.message }),
);
