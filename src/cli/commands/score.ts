import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { CsvStreamParser, formatCsvField, type CsvRecord, type Delimiter } from '../../index.js';
import { Scorer } from '../../score/index.js';
import { checks, oneOf, type CommandSpec, type Parsed } from '../args.js';
import type { GpuBackend } from '../../backend/gpu/index.js';
import { createGpuScorer, type GpuScorer } from '../../score/gpu-scorer.js';
import { openGpuForCli } from '../gpu.js';
import { UsageError } from '../errors.js';
import { readBytes, tempPathFor } from '../files.js';
import { writeTarget } from '../preflight.js';
import { StrictUtf8 } from '../text-input.js';
import { noProbability } from '../../score/records.js';
import { decodeModel } from '../../io/model-file.js';
import { ModelFormatError } from '../../io/safetensors.js';
import { Progress } from '../output.js';

export const scoreSpec: CommandSpec = {
  name: 'score',
  summary: 'score every row of a CSV (streamed: files larger than memory work), appending probability, decision and scorecard points',
  usage: 'hamiltonian-ai score --model MODEL.safetensors --data IN.csv [--out OUT.csv] [--threshold T] [--reasons K] [--backend gpu]',
  options: {
    model: { type: 'string', io: 'in', arg: 'MODEL', help: 'model file', required: true },
    data: { type: 'string', io: 'in', arg: 'FILE', help: 'CSV to score (header row; extra columns are kept)', required: true },
    out: { type: 'string', io: 'out', arg: 'FILE', help: 'output CSV (default: standard output)' },
    threshold: { type: 'number', help: "decision threshold (default: the model's, as evaluate uses; else 0.5)", check: checks.probability },
    reasons: {
      type: 'int',
      help: "add the top K reason codes (features pushing toward the positive class; the model's protected features never are): name, value, contribution to the probability, points it costs",
      default: 0,
    },
    'batch-size': { type: 'int', help: 'rows scored per batch (with --backend gpu, 65536 keeps the device busier)', default: 4096, check: checks.atLeastOne },
    backend: {
      type: 'string',
      arg: 'NAME',
      help: 'auto (WASM, else JS) or gpu (gpu.js; falls back to the CPU, saying why)',
      default: 'auto',
      check: oneOf(['auto', 'gpu']),
    },
    json: { type: 'boolean', help: 'print a JSON summary on stderr at the end' },
    quiet: { type: 'boolean', help: 'no progress output' },
  },
  examples: ['hamiltonian-ai score --model credit.safetensors --data applicants.csv --out scored.csv --reasons 3'],
};

export async function score(o: Parsed): Promise<void> {
  const modelPath = o.model as string;
  let scorer: Scorer;
  try {
    scorer = new Scorer(decodeModel(readBytes(modelPath)), { threshold: o.threshold as number | undefined });
  } catch (e) {
    if (e instanceof ModelFormatError) throw new UsageError(`${modelPath}: not a usable model file: ${e.message}`);
    throw e;
  }
  const pre = scorer.preprocessor;
  let gpuScorer: GpuScorer | null = null;
  let gpu: GpuBackend | null = null;
  let engine: string = scorer.engine;
  if (o.backend === 'gpu') {
    gpu = await openGpuForCli('scoring');
    if (gpu) {
      gpuScorer = await createGpuScorer(gpu, readBytes(modelPath));
      engine = `gpu:${gpu.mode}`;
      if (!o.quiet) process.stderr.write(`note: scoring on the GPU (gpu.js ${gpu.mode}${gpu.adapter ? `, ${gpu.adapter}` : ''}; self-check passed)\n`);
    }
  }
  const inPath = o.data as string;
  const size = (() => {
    try {
      return statSync(inPath).size;
    } catch {
      throw new UsageError(`${inPath}: no such file`);
    }
  })();
  const reasons = o.reasons as number;
  // The batch buffer is capped at BATCH_FLOATS inputs whatever --batch-size says: a model 600k columns wide would
  // otherwise reserve batch × width floats (9.8 GB) before the first row.
  const batchSize = Math.max(1, Math.min(o['batch-size'] as number, Math.floor(BATCH_FLOATS / pre.cols)));
  const outPath = o.out as string | undefined;
  // A symlink is written through (its target replaced), a FIFO or device directly (never replaced by a file).
  const target = outPath ? writeTarget(outPath) : null;
  const tmp = target && !target.direct ? tempPathFor(outPath!) : null;
  const sink = tmp ? createWriteStream(tmp) : target ? createWriteStream(target.path) : process.stdout;
  const negative = pre.label(0);
  const progress = new Progress('scoring', 100, !!o.quiet || !outPath, '%');
  const parser = new CsvStreamParser({ source: inPath });
  const utf8 = new StrictUtf8(inPath);
  let header: string[] | null = null;
  let delim: Delimiter = ',';
  let featureIdx: number[] = [];
  const featurePosition = new Map(pre.features.map((f, i) => [f.name, i]));
  let scored = 0,
    failed = 0,
    rows = 0;
  const failures: Array<{ line: number; reason: string }> = [];
  let batch: CsvRecord[] = [];
  const cols = pre.cols;
  let x = new Float32Array(batchSize * cols); // at most BATCH_FLOATS
  let probs = new Float32Array(batchSize);
  // No prototype: a column may be called __proto__ or constructor, and must be an own property like any other.
  const record: Record<string, string> = Object.create(null);

  const write = async (s: string) => {
    if (!sink.write(s)) await once(sink, 'drain');
  };
  const flush = async () => {
    if (!batch.length) return;
    const ok: number[] = [];
    const errors: (string | null)[] = new Array(batch.length).fill(null);
    if (x.length < batch.length * cols) x = new Float32Array(batch.length * cols);
    if (probs.length < batch.length) probs = new Float32Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i];
      if (r.fields.length !== header!.length) {
        errors[i] = `expected ${header!.length} fields, found ${r.fields.length}`;
        continue;
      }
      for (let f = 0; f < featureIdx.length; f++) record[pre.features[f].name] = r.fields[featureIdx[f]];
      try {
        pre.transformRecord(record, x.subarray(ok.length * cols, (ok.length + 1) * cols));
        ok.push(i);
      } catch (e) {
        errors[i] = (e as Error).message;
      }
    }
    if (ok.length && gpuScorer) probs.set(await gpuScorer.scoreEncoded(x, ok.length));
    else if (ok.length) scorer.calibrate(scorer.network.probabilities(x, ok.length, probs), ok.length); // checked row by row below
    // Reason codes for the whole batch in bounded batched passes (record by record cost ~4x the scoring itself).
    const ranked = reasons && ok.length ? scorer.reasonsEncoded(x, ok.length, reasons) : null;
    let k = 0;
    let out = '';
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i];
      const fields = r.fields.map((f) => formatCsvField(f, delim));
      // No decision without a probability: a row whose score is not in [0, 1] gets score_error instead.
      if (errors[i] === null && !(probs[k] >= 0 && probs[k] <= 1)) {
        errors[i] = noProbability(probs[k]);
        k++;
      }
      if (errors[i] === null && ranked && ranked[k] === null) {
        errors[i] = 'no reason codes: a copy with one feature at its typical value has no probability';
        k++;
      }
      if (errors[i] === null) {
        const p = probs[k];
        fields.push(p.toFixed(6), formatCsvField(p >= scorer.threshold ? pre.positive : negative, delim), String(scorer.points(p)));
        if (ranked) {
          const ex = ranked[k] ?? [];
          for (let j = 0; j < reasons; j++) {
            const reason = ex[j];
            if (!reason) fields.push('', '', '', '');
            else
              fields.push(
                formatCsvField(reason.feature, delim),
                formatCsvField(r.fields[featureIdx[featurePosition.get(reason.feature)!]], delim),
                reason.contribution.toFixed(6),
                reason.points.toFixed(1),
              );
          }
        }
        k++;
        fields.push('');
        scored++;
      } else {
        fields.push('', '', '');
        for (let j = 0; j < 4 * reasons; j++) fields.push('');
        fields.push(formatCsvField(`line ${r.line}: ${errors[i]}`, delim));
        failed++;
        if (failures.length < 1000) failures.push({ line: r.line, reason: errors[i]! });
      }
      out += `${fields.join(delim)}\n`;
    }
    rows += batch.length;
    batch = [];
    await write(out);
  };

  /** The first record is the header (checked, and written with the appended columns); the others are batched. */
  const take = async (rec: CsvRecord, read: number) => {
    if (!header) {
      header = rec.fields.map((f) => f.trim());
      delim = parser.detectedDelimiter ?? ',';
      // One pass over the header (linear in its width), refusing duplicates as train and evaluate do.
      const position = new Map<string, number>();
      header.forEach((c, i) => {
        if (position.has(c)) throw new UsageError(`${inPath}, line ${rec.line}: duplicate column name '${c}' (columns ${position.get(c)! + 1} and ${i + 1})`);
        position.set(c, i);
      });
      const missing = pre.features.map((f) => f.name).filter((n) => !position.has(n));
      if (missing.length)
        throw new UsageError(`${inPath}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} that the model needs`);
      featureIdx = pre.features.map((f) => position.get(f.name)!);
      const reasonColumns = Array.from({ length: reasons }, (_, j) => [
        `reason_${j + 1}`,
        `reason_${j + 1}_value`,
        `reason_${j + 1}_contribution`,
        `reason_${j + 1}_points`,
      ]);
      const extra = ['probability', 'decision', 'points', ...reasonColumns.flat(), 'score_error'];
      await write(`${[...header, ...extra].map((f) => formatCsvField(f, delim)).join(delim)}\n`);
      return;
    }
    batch.push(rec);
    if (batch.length >= batchSize) {
      await flush();
      progress.update(Math.min(99, Math.floor((100 * read) / Math.max(1, size))), `${rows} rows`);
    }
  };
  try {
    let read = 0;
    for await (const chunk of createReadStream(inPath)) {
      read += (chunk as Buffer).length;
      for (const rec of parser.push(utf8.decode(chunk as Buffer))) await take(rec, read);
    }
    for (const rec of [...parser.push(utf8.decode(new Uint8Array(0), true)), ...parser.end()]) await take(rec, read);
    if (!header) throw new UsageError(`${inPath}: the file is empty`);
    await flush();
    progress.update(100, `${rows} rows`);
    if (tmp) {
      sink.end();
      await once(sink, 'finish');
      renameSync(tmp, target!.path);
    }
  } catch (e) {
    if (tmp) {
      (sink as ReturnType<typeof createWriteStream>).destroy();
      rmSync(tmp, { force: true });
    }
    throw e;
  } finally {
    gpuScorer?.release();
    gpu?.destroy();
  }
  if (failed) {
    process.stderr.write(`warning: ${failed} of ${rows} rows could not be scored (kept in the output with score_error):\n`);
    for (const f of failures.slice(0, 10)) process.stderr.write(`  line ${f.line}: ${f.reason}\n`);
    if (failed > 10) process.stderr.write(`  … and ${failed - 10} more\n`);
  }
  if (o.json)
    process.stderr.write(
      `${JSON.stringify({ rows, scored, failed, failures: failures.slice(0, 100), out: outPath ?? null, engine, peakRssKB: process.resourceUsage().maxRSS })}\n`,
    );
  else if (outPath && !o.quiet) process.stderr.write(`scored ${scored} of ${rows} rows → ${outPath}\n`);
}

/** Most encoded inputs one scoring batch holds (32 MB of float32). */
const BATCH_FLOATS = 1 << 23;
