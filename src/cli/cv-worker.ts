// A worker thread of `hamiltonian-ai cv`: runs the folds it is given and posts their metrics back.
import { parentPort, workerData } from 'node:worker_threads';
import { type CvJob, runFolds } from './commands/cv-run.js';

const { job, only } = workerData as { job: CvJob; only: number[] };
runFolds(job, only).then(
  (results) => parentPort!.postMessage({ results }),
  (e: Error) => parentPort!.postMessage({ error: e.message, name: e.name }),
);
