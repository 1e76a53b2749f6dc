/**
 * The body of `score`: records as byte ranges (data/csv-bytes.ts) → encoded from their bytes → scored in batches →
 * each output line written as the input record's own bytes plus the appended fields. Shared by the main thread and
 * the `--workers` threads (cli/score-worker.ts): one definition of an output row.
 */

import { WasmByteCells } from '../backend/wasm/byte-cells.js';
import { ByteRecordEncoder } from '../data/byte-encoder.js';
import { ESCAPED, fieldCount, fieldText, type ByteRecords } from '../data/csv-bytes.js';
import { formatCsvField, type Delimiter } from '../data/csv.js';
import { reasonTable, type ReasonTable, type Scorer } from '../score/index.js';
import { noProbability } from '../score/records.js';

/** What a scoring thread needs besides the model: the file's layout and the options. */
export interface ScoreLayout {
  delimiter: Delimiter;
  /** Fields in the header. */
  width: number;
  /** For each model feature, its field. */
  featureFields: number[];
  reasons: number;
  batchSize: number;
}

/** One failed row, as the summary reports it. */
interface RowFailure {
  line: number;
  reason: string;
}

/** Counts of one `scoreRecords` call. */
export interface ScoreCounts {
  rows: number;
  scored: number;
  failed: number;
  /** The first failures (at most 1000). */
  failures: RowFailure[];
}

const text = new TextEncoder();

/** Buffers a sink keeps for reuse (more than the writes in flight at once are never given back together). */
const MAX_SPARES = 32;

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

/** An output buffer that grows (bytes copied in, ASCII or UTF-8 text appended); `take` hands over what it holds. */
export class ByteSink {
  private buf = new Uint8Array(1 << 20);
  private at = 0;
  private readonly spares: ArrayBuffer[] = [];

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.at + n, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
  }

  /** Appends b[s…e). */
  bytes(b: Uint8Array, s: number, e: number): void {
    this.room(e - s);
    if (e - s > 64) this.buf.set(b.subarray(s, e), this.at);
    else for (let i = s, o = this.at; i < e; i++, o++) this.buf[o] = b[i]; // no subarray object for a short run
    this.at += e - s;
  }

  /**
   * Appends x.toFixed(digits): from the integer round(|x|·10^digits) where that product is below 10⁹ and clear of a
   * rounding tie by 10⁻⁶ (its rounding error, under 2·10⁻⁷ there, cannot change the digits then); by toFixed itself
   * near a tie, for larger products and for non-finite x.
   */
  decimal(x: number, digits: number): void {
    const scale = POW10[digits] ?? 10 ** digits,
      y = Math.abs(x) * scale;
    if (!(y < 1e9) || Math.abs(y - Math.floor(y) - 0.5) < 1e-6) {
      this.text(x.toFixed(digits));
      return;
    }
    // Below 10⁹ the integers are int32s: `| 0` keeps V8 in integer arithmetic (a division by 10 as a multiply).
    const n = Math.round(y) | 0;
    const whole = (n / scale) | 0;
    this.room(digits + 11); // a sign, nine digits, the point
    const buf = this.buf;
    let at = this.at;
    if (x < 0) buf[at++] = 0x2d; // toFixed keeps the sign of any x < 0, even when every digit is 0
    // Probabilities and contributions have one whole digit: written directly.
    if (whole < 10) buf[at++] = 0x30 + whole;
    else {
      let end = at + 1;
      for (let t = whole; t >= 10; t = (t / 10) | 0) end++;
      for (let o = end - 1, u = whole; o >= at; o--, u = (u / 10) | 0) buf[o] = 0x30 + (u % 10);
      at = end;
    }
    if (digits > 0) {
      buf[at] = 0x2e;
      for (let d = digits, r = n - whole * scale; d >= 1; d--, r = (r / 10) | 0) buf[at + d] = 0x30 + (r % 10);
      at += digits + 1;
    }
    this.at = at;
  }

  /** Appends an integer's decimal digits (String(v) for |v| < 2⁵³; -0 as 0). */
  integer(v: number): void {
    if (!(Math.abs(v) < 2 ** 53) || v !== Math.trunc(v)) {
      this.text(String(v));
      return;
    }
    this.room(18);
    let u = Math.abs(v);
    if (v < 0) this.buf[this.at++] = 0x2d;
    let digits = 1;
    for (let t = u; t >= 10; t = Math.floor(t / 10)) digits++;
    let o = this.at + digits;
    this.at = o;
    do {
      this.buf[--o] = 0x30 + (u % 10);
      u = Math.floor(u / 10);
    } while (u > 0);
  }

  /** Appends a string (UTF-8). */
  text(s: string): void {
    this.room(3 * s.length);
    this.at += text.encodeInto(s, this.buf.subarray(this.at)).written;
  }

  /** Appends one byte. */
  byte(c: number): void {
    this.room(1);
    this.buf[this.at++] = c;
  }

  get length(): number {
    return this.at;
  }

  /**
   * The bytes so far, emptying the sink: its buffer itself, not a copy (the sink goes on in a buffer given back
   * through `reuse`, else a new one as large). Writing a block's output into fresh memory cost a page fault per 4 KB:
   * with `--workers 2` on 1M rows, ~40,000 faults and ~0.4 s of system time.
   */
  handOver(): Uint8Array {
    const out = this.buf.subarray(0, this.at);
    const spare = this.spares.pop();
    this.buf = spare ? new Uint8Array(spare) : new Uint8Array(this.buf.length);
    this.at = 0;
    return out;
  }

  /** Gives back a buffer that `handOver` handed out, once its bytes are written, for the sink to fill again. */
  reuse(buffer: ArrayBuffer): void {
    if (this.spares.length < MAX_SPARES) this.spares.push(buffer);
  }
}

/**
 * Scores byte records and writes their output lines.
 * @example
 * const rows = new RecordScorer(scorer, layout);
 * const counts = rows.score(batch, 0, batch.count, sink);
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
  async score(
    records: ByteRecords,
    from: number,
    to: number,
    sink: ByteSink,
    counts: ScoreCounts,
    probabilities?: (x: Float32Array, rows: number) => Promise<Float32Array>,
  ): Promise<void> {
    for (let at = from; at < to; at += this.layout.batchSize)
      await this.batch(records, at, Math.min(to, at + this.layout.batchSize), sink, counts, probabilities);
  }

  private async batch(
    records: ByteRecords,
    from: number,
    to: number,
    sink: ByteSink,
    counts: ScoreCounts,
    probabilities?: (x: Float32Array, rows: number) => Promise<Float32Array>,
  ): Promise<void> {
    const { scorer, layout, errors } = this;
    const rows = to - from;
    // Every record gets a row (a record that cannot be encoded, a zero row whose probability is not used).
    this.encoder.encodeRows(records, from, to, this.x, errors);
    for (let r = from; r < to; r++) {
      const found = fieldCount(records, r);
      if (found !== layout.width) errors[r - from] = `expected ${layout.width} fields, found ${found}`;
    }
    // Reason codes in batched passes over all rows and their occluded copies (Scorer.reasonTable), which score each
    // record too: its probability comes from there (the network's own pass would round the same, up to the kernel a
    // short chunk takes in either).
    const ranked = this.reasons ? scorer.reasonTable(this.x, rows, layout.reasons, this.reasons) : null;
    if (probabilities) this.probs.set(await probabilities(this.x, rows));
    else if (ranked) this.probs.set(ranked.probability.subarray(0, rows));
    else scorer.calibrate(scorer.network.probabilities(this.x, rows, this.probs), rows); // checked row by row below
    const d = this.delim;
    for (let r = from; r < to; r++) {
      const i = r - from;
      counts.rows++;
      sink.bytes(records.bytes, records.start[r], records.end[r]);
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
