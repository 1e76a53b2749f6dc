import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { scoreFile } from '../score-run.js';
import type { ScoreCounts } from '../../score/csv-stream.js';
import { Scorer } from '../../score/index.js';
import { checks, oneOf, type CommandSpec, type Parsed } from '../args.js';
import type { GpuBackend } from '../../backend/gpu/index.js';
import { createGpuScorer, type GpuScorer } from '../../score/gpu-scorer.js';
import { openGpuForCli } from '../gpu.js';
import { UsageError } from '../errors.js';
import { readBytes, tempPathFor } from '../files.js';
import { writeTarget } from '../preflight.js';
import { decodeModel } from '../../io/model-file.js';
import { ModelFormatError } from '../../io/safetensors.js';
import { Progress } from '../output.js';
import { workerThreads } from '../threads.js';
import { DASH } from '../csv-input.js';
import { GzipFileWriter } from '../gzip-output.js';

export const scoreSpec: CommandSpec = {
  name: 'score',
  summary: 'score every row of a CSV (streamed: files larger than memory work), appending probability, decision and scorecard points',
  usage: 'hamiltonian-ai score --model MODEL.safetensors --data IN.csv [--out OUT.csv] [--threshold T] [--reasons K] [--backend gpu]',
  options: {
    model: { type: 'string', io: 'in', arg: 'MODEL', help: 'model file', required: true },
    data: {
      type: 'string',
      io: 'in',
      dash: true,
      arg: 'FILE',
      help: 'CSV to score (header row; extra columns are kept); - reads standard input; gzip data (FILE.csv.gz) is decompressed as it is read',
      required: true,
    },
    out: {
      type: 'string',
      io: 'out',
      dash: true,
      arg: 'FILE',
      help: 'output CSV (default, or -: standard output); a name ending in .gz is written gzip-compressed',
    },
    threshold: { type: 'number', help: "decision threshold (default: the model's, as evaluate uses; else 0.5)", check: checks.probability },
    reasons: {
      type: 'int',
      help: "add the top K reason codes (features pushing toward the positive class; the model's protected features never are): name, value, contribution to the probability, points it costs",
      default: 0,
    },
    keep: {
      type: 'names',
      arg: 'COL,COL',
      help: "input columns to echo, in this order, instead of each whole input line (e.g. --keep id: the scores without the applicant's data)",
    },
    'batch-size': { type: 'int', help: 'rows scored per batch (with --backend gpu, 65536 keeps the device busier)', default: 4096, check: checks.atLeastOne },
    backend: {
      type: 'string',
      arg: 'NAME',
      help: 'auto (WASM, else JS) or gpu (gpu.js; falls back to the CPU, saying why)',
      default: 'auto',
      check: oneOf(['auto', 'gpu']),
    },
    workers: {
      type: 'int',
      help: 'threads scoring blocks of the file in parallel, output in input order (default and most: the number of cores; gzip data and standard input too; one thread for an input under 8 MB or --backend gpu; --json reports the number used)',
      check: checks.atLeastOne,
    },
    json: { type: 'boolean', help: 'print a JSON summary on stderr at the end' },
    quiet: { type: 'boolean', help: 'no progress output' },
  },
  examples: [
    'hamiltonian-ai score --model credit.safetensors --data applicants.csv --out scored.csv --reasons 3',
    'hamiltonian-ai score --model credit.safetensors --data applicants.csv.gz --out scored.csv.gz',
    'zcat applicants.csv.gz | hamiltonian-ai score --model credit.safetensors --data - > scored.csv',
  ],
};

export async function score(o: Parsed): Promise<void> {
  const modelPath = o.model as string;
  const modelBytes = readBytes(modelPath);
  let scorer: Scorer;
  try {
    scorer = new Scorer(decodeModel(modelBytes), { threshold: o.threshold as number | undefined });
  } catch (e) {
    if (e instanceof ModelFormatError) throw new UsageError(`${modelPath}: not a usable model file: ${e.message}`);
    throw e;
  }
  const pre = scorer.preprocessor;
  let gpuScorer: GpuScorer | null = null;
  let gpu: GpuBackend | null = null;
  let engine: string = scorer.engine;
  const reasons = o.reasons as number;
  // The reason pass scores each record itself (the probability its contributions are measured from), on the CPU: a
  // GPU pass would only compute that probability again, rounded otherwise.
  if (o.backend === 'gpu' && reasons > 0) {
    if (!o.quiet) process.stderr.write('note: --backend gpu: --reasons scores each record in its reason pass, on the CPU; scoring on the CPU\n');
  } else if (o.backend === 'gpu') {
    gpu = await openGpuForCli('scoring');
    if (gpu) {
      gpuScorer = await createGpuScorer(gpu, modelBytes);
      engine = `gpu:${gpu.mode}`;
      if (!o.quiet) process.stderr.write(`note: scoring on the GPU (gpu.js ${gpu.mode}${gpu.adapter ? `, ${gpu.adapter}` : ''}; self-check passed)\n`);
    }
  }
  const inPath = o.data as string;
  const size = (() => {
    if (inPath === DASH) return 0;
    try {
      return statSync(inPath).size;
    } catch {
      throw new UsageError(`${inPath}: no such file`);
    }
  })();
  // The batch buffer is capped at BATCH_FLOATS inputs whatever --batch-size says: a model 600k columns wide would
  // otherwise reserve batch × width floats (9.8 GB) before the first row.
  const batchSize = Math.max(1, Math.min(o['batch-size'] as number, Math.floor(BATCH_FLOATS / pre.cols)));
  const outPath = o.out === DASH ? undefined : (o.out as string | undefined);
  // A symlink is written through (its target replaced), a FIFO or device directly (never replaced by a file).
  const target = outPath ? writeTarget(outPath) : null;
  const tmp = target && !target.direct ? tempPathFor(outPath!) : null;
  // A name ending in .gz gets gzip data, compressed and written by a worker thread while the next rows are scored
  // (started in the try below, which ends it whatever happens: a thread left running would keep the process alive).
  const gzipped = !!target && /\.gz$/i.test(outPath!);
  let gzip: GzipFileWriter | null = null;
  const file = gzipped ? null : tmp ? createWriteStream(tmp) : target ? createWriteStream(target.path) : null;
  const sink = file ?? process.stdout;
  // Progress is a share of the input read; standard input's size is not known.
  const progress = new Progress('scoring', 100, !!o.quiet || !outPath || inPath === DASH, '%');
  // Up to 16 MB queued for the disk before waiting: waiting on every write left the thread idle for each one. A
  // write that fails later (ENOSPC) is kept and thrown at the next write or at the end, never left unhandled.
  let writeError: Error | null = null;
  file?.on('error', (e: Error) => void (writeError ??= e));
  const write = async (b: Uint8Array, written?: () => void) => {
    if (writeError) throw writeError;
    if (!b.length) return written?.();
    if (gzip) {
      await gzip.write(b); // (a copy goes to the compressor: the buffer is free again at once)
      return written?.();
    }
    sink.write(b, written && (() => written()));
    if (sink.writableLength > 1 << 24) await once(sink, 'drain');
  };
  const workers = gpuScorer ? 1 : workerThreads('score', o.workers as number | undefined, !!o.quiet);
  let counts: ScoreCounts;
  let threads = 1;
  try {
    if (gzipped) gzip = new GzipFileWriter(tmp ?? target!.path, GZIP_LEVEL);
    ({ counts, threads } = await scoreFile({
      inPath,
      size,
      scorer,
      modelBytes,
      threshold: o.threshold as number | undefined,
      reasons,
      batchSize,
      keep: o.keep as string[] | undefined,
      workers,
      probabilities: gpuScorer ? (x, n) => gpuScorer.scoreEncoded(x, n) : undefined,
      write,
      progress: (done, rows) => progress.update(Math.min(99, Math.floor((100 * done) / Math.max(1, size))), `${rows} rows`),
    }));
    progress.update(100, `${counts.rows} rows`);
    if (gzip) await gzip.end(); // rejects with a write's error (a full disk, a device that refuses)
    if (file) {
      file.end();
      await finished(file);
    }
    if (tmp) renameSync(tmp, target!.path);
  } catch (e) {
    await gzip?.destroy();
    if (tmp) {
      file?.destroy();
      rmSync(tmp, { force: true });
    }
    throw e;
  } finally {
    gpuScorer?.release();
    gpu?.destroy();
  }
  const { rows: total, scored, failed, failures } = counts;
  if (failed) {
    process.stderr.write(`warning: ${failed} of ${total} rows could not be scored (kept in the output with score_error):\n`);
    for (const f of failures.slice(0, 10)) process.stderr.write(`  line ${f.line}: ${f.reason}\n`);
    if (failed > 10) process.stderr.write(`  … and ${failed - 10} more\n`);
  }
  if (o.json)
    process.stderr.write(
      `${JSON.stringify({ rows: total, scored, failed, failures: failures.slice(0, 100), out: outPath ?? null, engine, workers: threads, peakRssKB: process.resourceUsage().maxRSS })}\n`,
    );
  else if (outPath && !o.quiet) process.stderr.write(`scored ${scored} of ${total} rows → ${outPath}\n`);
}

/** gzip's level for `--out FILE.gz`: see the README's throughput section for what each level costs. */
const GZIP_LEVEL = 1;
/** Most encoded inputs one scoring batch holds (32 MB of float32). */
const BATCH_FLOATS = 1 << 23;
