/**
 * CSV scoring's body: records as byte ranges (data/csv-bytes.ts) → encoded from their bytes → scored in batches →
 * each output line written as the input record's own bytes plus the appended fields. Shared by the CLI's `score` (its
 * main thread and `--workers` threads) and the library's `scoreCsv` (score/csv.ts): one definition of an output row.
 */

import { WasmByteCells } from '../backend/wasm/byte-cells.js';
import { ByteRecordEncoder } from '../data/byte-encoder.js';
import { ESCAPED, fieldCount, fieldText, recordFields, type ByteRecords } from '../data/csv-bytes.js';
import { formatCsvField, type Delimiter } from '../data/csv.js';
import { UsageError } from '../core/errors.js';
import type { ByteSink } from './byte-sink.js';
import { reasonTable, type ReasonTable, type Scorer } from './index.js';
import { noProbability } from './records.js';

/** What a scoring thread needs besides the model: the file's layout and the options. */
export interface ScoreLayout {
  delimiter: Delimiter;
  /** Fields in the header. */
  width: number;
  /** For each model feature, its field. */
  featureFields: number[];
  /** The fields echoed, in order (`keep`); null: the whole input record, as it was. */
  keptFields: number[] | null;
  reasons: number;
  batchSize: number;
}

/** One failed row, as the summary reports it. */
interface RowFailure {
  line: number;
  reason: string;
}

/** Rows read, scored and failed by a scoring run (`RecordScorer.score` adds to them). */
export interface ScoreCounts {
  rows: number;
  scored: number;
  failed: number;
  /** The first failures (at most 1000). */
  failures: RowFailure[];
}

const text = new TextEncoder();

/** A forward pass that replaces the CPU's (the GPU scorer's): P(positive) of `rows` encoded rows of x. */
type DeviceProbabilities = (x: Float32Array, rows: number) => Promise<Float32Array>;

/**
 * Scores byte records and writes their output lines.
 * @example
 * const rows = new RecordScorer(scorer, layout);
 * await rows.score(batch, 0, batch.count, sink, counts); // the records' lines into sink, counts updated
 */
export class RecordScorer {
  private readonly encoder: ByteRecordEncoder;
  private x: Float32Array;
  private probs: Float32Array;
  private readonly errors: Array<string | null>;
  private readonly delim: number;
  /** The decision labels as CSV bytes (a range, for `ByteSink.bytes`). */
  private readonly positive: [Uint8Array, number, number];
  private readonly negative: [Uint8Array, number, number];
  private readonly emptyFields: string;
  /** By feature index (`scorer.features`, what the reason table holds): the feature's field, for a reason's value. */
  private readonly fieldOf: Int32Array;
  /** By feature index: its reason columns' opening bytes — the delimiter, the name as a CSV field, the delimiter. */
  private readonly reasonName: Uint8Array[];
  /** The batch's reason codes (`Scorer.reasonTable`), when `layout.reasons` > 0. */
  private readonly reasons: ReasonTable | null;

  constructor(
    private readonly scorer: Scorer,
    private readonly layout: ScoreLayout,
  ) {
    const pre = scorer.preprocessor;
    // Plain numbers and known categories in WebAssembly where the runtime has it (the same bits as the JS loop).
    this.encoder = new ByteRecordEncoder(pre, layout.featureFields, { cells: (spec) => WasmByteCells.create(spec) });
    this.x = new Float32Array(layout.batchSize * pre.cols);
    this.probs = new Float32Array(layout.batchSize);
    this.errors = new Array(layout.batchSize).fill(null);
    this.delim = layout.delimiter.charCodeAt(0);
    const label = (l: string) => text.encode(formatCsvField(l, layout.delimiter));
    this.positive = [label(pre.positive), 0, label(pre.positive).length];
    this.negative = [label(pre.label(0)), 0, label(pre.label(0)).length];
    this.emptyFields = layout.delimiter.repeat(3 + 4 * layout.reasons);
    this.fieldOf = Int32Array.from(layout.featureFields);
    this.reasonName = pre.features.map((f) => text.encode(`${layout.delimiter}${formatCsvField(f.name, layout.delimiter)}${layout.delimiter}`));
    this.reasons = layout.reasons > 0 ? reasonTable(layout.batchSize, layout.reasons) : null;
  }

  /**
   * Scores records [from, to) of `records` in batches of `layout.batchSize`, appending their lines to `sink`.
   * `probabilities` may replace the CPU forward pass (the GPU scorer).
   */
  async score(records: ByteRecords, from: number, to: number, sink: ByteSink, counts: ScoreCounts, probabilities?: DeviceProbabilities): Promise<void> {
    for (let at = from; at < to; at += this.layout.batchSize)
      await this.batch(records, at, Math.min(to, at + this.layout.batchSize), sink, counts, probabilities);
  }

  private async batch(records: ByteRecords, from: number, to: number, sink: ByteSink, counts: ScoreCounts, probabilities?: DeviceProbabilities): Promise<void> {
    const { scorer, layout, errors } = this;
    const rows = to - from;
    // Every record gets a row (a record that cannot be encoded, a zero row whose probability is not used).
    this.encoder.encodeRows(records, from, to, this.x, errors);
    for (let r = from; r < to; r++) {
      const found = fieldCount(records, r);
      if (found !== layout.width) errors[r - from] = `expected ${layout.width} fields, found ${found}`;
    }
    // Reason codes in batched passes over all rows and their occluded copies (Scorer.reasonTable), which score each
    // record too: its probability comes from there (the network's own pass gives the same bits).
    const ranked = this.reasons ? scorer.reasonTable(this.x, rows, layout.reasons, this.reasons) : null;
    if (probabilities) this.probs.set(await probabilities(this.x, rows));
    else if (ranked) this.probs.set(ranked.probability.subarray(0, rows));
    else scorer.calibrate(scorer.network.probabilities(this.x, rows, this.probs), rows); // checked row by row below
    const d = this.delim;
    for (let r = from; r < to; r++) {
      const i = r - from;
      counts.rows++;
      if (layout.keptFields) this.keptFields(records, r, layout.keptFields, sink);
      else sink.bytes(records.bytes, records.start[r], records.end[r]);
      let error = errors[i];
      const p = this.probs[i];
      if (error === null) {
        // No decision without a probability: a row whose score is not in [0, 1] gets score_error instead.
        if (!(p >= 0 && p <= 1)) error = noProbability(p);
        else if (ranked && ranked.count[i] < 0) error = 'no reason codes: a copy with one feature at its typical value has no probability';
      }
      if (error === null) {
        sink.byte(d);
        sink.decimal(p, 6);
        sink.byte(d);
        sink.bytes(...(p >= scorer.threshold ? this.positive : this.negative));
        sink.byte(d);
        sink.integer(scorer.points(p));
        if (ranked) this.reasonFields(records, r, ranked, i, sink);
        sink.byte(d); // score_error: empty
        counts.scored++;
      } else {
        const line = records.line[r];
        sink.text(this.emptyFields);
        sink.byte(d);
        sink.text(formatCsvField(`line ${line}: ${error}`, layout.delimiter));
        counts.failed++;
        if (counts.failures.length < 1000) counts.failures.push({ line, reason: error });
      }
      sink.byte(0x0a);
    }
  }

  /** Appends the kept fields of record r, each as a CSV field (empty where a short row lacks it). */
  private keptFields(records: ByteRecords, r: number, kept: number[], sink: ByteSink): void {
    const found = fieldCount(records, r);
    for (let j = 0; j < kept.length; j++) {
      if (j > 0) sink.byte(this.delim);
      if (kept[j] < found) this.value(records, r, kept[j], sink);
    }
  }

  /** Appends the reason columns of record r (entry `row` of the batch's reason table). */
  private reasonFields(records: ByteRecords, r: number, table: ReasonTable, row: number, sink: ByteSink): void {
    const k = this.layout.reasons,
      count = table.count[row];
    for (let j = 0; j < k; j++) {
      if (j >= count) {
        sink.text(this.layout.delimiter.repeat(4));
        continue;
      }
      const f = table.feature[row * k + j],
        name = this.reasonName[f];
      sink.bytes(name, 0, name.length);
      this.value(records, r, this.fieldOf[f], sink);
      sink.byte(this.delim);
      sink.decimal(table.contribution[row * k + j], 6);
      sink.byte(this.delim);
      sink.decimal(table.points[row * k + j], 1);
    }
  }

  /**
   * Appends field f of record r as a CSV field: its bytes as they are when formatCsvField would leave them alone
   * (printable ASCII, no quote or delimiter, no space at either end, no "" escapes), else decoded and formatted.
   */
  private value(records: ByteRecords, r: number, f: number, sink: ByteSink): void {
    const k = records.firstField[r] + f,
      s = records.fieldStart[k],
      e = records.fieldEnd[k],
      b = records.bytes;
    let plain = (records.fieldFlags[k] & ESCAPED) === 0 && (e === s || (b[s] !== 0x20 && b[e - 1] !== 0x20));
    for (let i = s; plain && i < e; i++) plain = b[i] >= 0x20 && b[i] < 0x7f && b[i] !== 0x22 && b[i] !== this.delim;
    if (plain) sink.bytes(b, s, e);
    else sink.text(formatCsvField(fieldText(records, r, f), this.layout.delimiter));
  }
}

/** What scoring a CSV needs besides its bytes (the CLI's `ScoreRun` is one). */
export interface CsvRun {
  scorer: Scorer;
  reasons: number;
  batchSize: number;
  /** Input columns to echo, in this order, instead of each whole record (e.g. an applicant id, not their data). */
  keep?: readonly string[];
}

/**
 * Scores a batch of a CSV's records whose first record is the header: until there is a RecordScorer, the batch's first
 * record is taken as the header (`csvLayout`: checked, written to `sink` with the appended columns) and one is made
 * from it. Returns the RecordScorer (null while no record has come). The CLI's one-thread `score` and `CsvScoring`.
 * @example
 * rows = await scoreCsvBatch(rows, scanner.push(chunk), 'in.csv', run, scanner.detectedDelimiter ?? ',', sink, counts);
 */
export async function scoreCsvBatch(
  rows: RecordScorer | null,
  batch: ByteRecords,
  source: string,
  run: CsvRun & { probabilities?: DeviceProbabilities },
  delimiter: Delimiter,
  sink: ByteSink,
  counts: ScoreCounts,
): Promise<RecordScorer | null> {
  let first = 0;
  if (!rows && batch.count) {
    rows = new RecordScorer(run.scorer, csvLayout(recordFields(batch, 0), batch.line[0], source, run, delimiter, sink));
    first = 1;
  }
  if (rows && first < batch.count) await rows.score(batch, first, batch.count, sink, counts, run.probabilities);
  return rows;
}

/**
 * Throws a `UsageError` unless `reasons` reason-code column groups suit the scorer: a whole number, at most one per
 * feature (a record has at most one reason a feature; more were empty columns, and a huge count crashed the header).
 * @example
 * checkReasonColumns(3, scorer);
 */
export function checkReasonColumns(reasons: number, scorer: Scorer): void {
  if (!Number.isInteger(reasons) || reasons < 0) throw new UsageError(`reasons must be a whole number ≥ 0, got ${reasons}`);
  const most = scorer.features.length;
  if (reasons > most) throw new UsageError(`reasons: at most one a feature, and the model has ${most}; got ${reasons}`);
}

/**
 * Checks a CSV header (no duplicate names, every feature the model needs present), writes it with the appended
 * columns to `out`, and gives the layout to score its records with. Errors name `source` (and the header's line).
 * @example
 * const layout = csvLayout(['Income', 'Home'], 1, 'in.csv', { scorer, reasons: 0, batchSize: 4096 }, ',', sink);
 */
export function csvLayout(fields: string[], line: number, source: string, run: CsvRun, delimiter: Delimiter, out: ByteSink): ScoreLayout {
  const { reasons } = run;
  checkReasonColumns(reasons, run.scorer);
  const pre = run.scorer.preprocessor;
  const header = fields.map((f) => f.trim());
  // One pass over the header (linear in its width), refusing duplicates as train and evaluate do.
  const position = new Map<string, number>();
  header.forEach((c, i) => {
    if (position.has(c)) throw new UsageError(`${source}, line ${line}: duplicate column name '${c}' (columns ${position.get(c)! + 1} and ${i + 1})`);
    position.set(c, i);
  });
  const missing = pre.features.map((f) => f.name).filter((n) => !position.has(n));
  if (missing.length)
    throw new UsageError(`${source}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} that the model needs`);
  const keep = run.keep ?? null;
  if (keep && !keep.length) throw new UsageError('keep: name at least one column (or leave keep out to echo every line)');
  const twice = keep?.find((n, i) => keep.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`keep: '${twice}' is named twice`);
  const notThere = keep?.filter((n) => !position.has(n)) ?? [];
  if (notThere.length)
    throw new UsageError(
      `${source}: keep names column${notThere.length > 1 ? 's' : ''} ${notThere.map((m) => `'${m}'`).join(', ')} that the header lacks (columns: ${header.join(', ')})`,
    );
  const reasonColumns = Array.from({ length: reasons }, (_, j) => [
    `reason_${j + 1}`,
    `reason_${j + 1}_value`,
    `reason_${j + 1}_contribution`,
    `reason_${j + 1}_points`,
  ]);
  const extra = ['probability', 'decision', 'points', ...reasonColumns.flat(), 'score_error'];
  out.text(`${[...(keep ?? header), ...extra].map((f) => formatCsvField(f, delimiter)).join(delimiter)}\n`);
  return {
    width: header.length,
    featureFields: pre.features.map((f) => position.get(f.name)!),
    keptFields: keep ? keep.map((n) => position.get(n)!) : null,
    reasons,
    delimiter,
    batchSize: run.batchSize,
  };
}
