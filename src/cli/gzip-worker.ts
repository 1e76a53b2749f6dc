// The worker thread of `score --out NAME.gz` (cli/gzip-output.ts): compresses the output it is sent into one gzip
// stream and writes it to the file. Here the event loop does nothing else, so each piece goes to zlib as soon as the
// last is done; in the scoring thread a piece waited for that thread's next turn, and the compressor fell behind.
import { createWriteStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createGzip } from 'node:zlib';

const { path, level } = workerData as { path: string; level: number };
const file = createWriteStream(path);
const gzip = createGzip({ level, chunkSize: 1 << 20 });
gzip.pipe(file);
let failed = false;
const fail = (e: NodeJS.ErrnoException) => {
  if (!failed) parentPort!.postMessage({ error: e.message, code: e.code });
  failed = true;
};
gzip.on('error', fail);
file.on('error', fail);
file.on('close', () => {
  if (!failed) parentPort!.postMessage({ finished: true });
});
parentPort!.on('message', (m: { bytes: Uint8Array } | { end: true }) => {
  if ('end' in m) gzip.end();
  else gzip.write(m.bytes, () => parentPort!.postMessage({ taken: m.bytes.length }));
});
