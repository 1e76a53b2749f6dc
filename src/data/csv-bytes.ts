/**
 * The CSV reader of csv.ts on bytes: the same RFC 4180 rules, records, errors and line numbers, but a record comes out
 * as byte ranges into the chunk it was read from — no string per cell. Batch scoring reads numbers straight from
 * those bytes, looks categories up by their bytes and echoes each input line as it was (issue 20); a cell becomes a
 * string only where a caller asks (`fieldText`). Input must be valid UTF-8 (the CLI checks it as it reads).
 */

import { ensure } from '../core/arrays.js';
import type { ByteFieldRanges, ScannedRecords } from '../core/byte-ranges.js';
import { UsageError } from '../core/errors.js';
import { CsvError, MAX_RECORD_CHARS, detectDelimiter, recordTooLong, type Delimiter } from './csv.js';
import { charAt, firstLineEnd, isBomPrefix, recordChars, sequenceLength, utf16Length } from './csv-bytes-chars.js';

/**
 * The records completed by one `push`, as byte ranges into `bytes` (valid until the next `push`); `bytes` holds the
 * unfinished record carried from the last push, then the new chunk. QUOTED and ESCAPED flag the fields (an ESCAPED
 * field's value only `fieldText` gives).
 */
export interface ByteRecords extends ByteFieldRanges {
  /** Records in this batch. */
  count: number;
  /** Line on which record r starts (1-based, in the file). */
  line: Int32Array;
}

/**
 * A kernel for runs of plain records (backend/wasm/byte-scan.ts): records whose fields are plain or quoted on one
 * line, split the way `CsvByteScanner` splits them. It stops before any record it does not finish plainly (the
 * scanner's own loop takes that one); its results are views valid until its next call.
 */
export interface PlainRecordScanner {
  /** Copies in the bytes the next `scan` calls read. */
  load(bytes: Uint8Array): void;
  /** Records from byte p of the loaded bytes, before n, none longer than `maxBytes`. */
  scan(p: number, n: number, delimiter: number, maxBytes: number): ScannedRecords;
}

/** Field flag: the field was in quotes. */
export const QUOTED = 1;
/** Field flag: the quoted content contains "" (an escaped quote), so its bytes are not its value. */
export const ESCAPED = 2;

const QUOTE = 0x22,
  LF = 0x0a,
  CR = 0x0d;

// ignoreBOM: a U+FEFF inside a cell is the cell's (csv.ts strips only the file's first).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Incremental byte parser: `push(chunk)` returns the records completed so far, `end()` the last one. Chunks may split
 * anywhere (inside quotes, between CR and LF, inside the byte-order mark or a UTF-8 sequence).
 * @example
 * const s = new CsvByteScanner({ source: 'in.csv' });
 * const r = s.push(bytes);
 * fieldText(r, 0, 1); // the first record's second field
 */
export class CsvByteScanner {
  private delimiter: Delimiter | null;
  private readonly source?: string;
  private carry = new Uint8Array(0);
  private line = 1;
  private pendingCR = false;
  private started = false;
  private readonly out = emptyRecords();
  private work = new Uint8Array(0);

  /** The kernel for runs of plain records, or null (the loop below scans every record). */
  private readonly plain: PlainRecordScanner | null;

  /**
   * `line`: start inside a file, at a record boundary on that line (a block of a file split across threads): no
   * byte-order mark or delimiter detection there, so `delimiter` must be given. `plain`: a kernel for runs of plain
   * records (the CLI gives WebAssembly's); the same records, faster.
   */
  constructor(options: { delimiter?: Delimiter | 'auto'; source?: string; line?: number; plain?: PlainRecordScanner | null } = {}) {
    const d = options.delimiter ?? 'auto';
    this.delimiter = d === 'auto' ? null : d;
    this.source = options.source;
    this.plain = options.plain ?? null;
    if (options.line !== undefined) this.restart(options.line);
  }

  /**
   * Starts a new block of the same file on `line` (as a scanner constructed with `line`), keeping the record storage
   * grown so far: a worker scanning block after block would otherwise grow it again for each.
   */
  restart(line: number): void {
    if (this.delimiter === null) throw new UsageError('CsvByteScanner: a scan that starts on a given line needs the delimiter');
    this.carry = new Uint8Array(0);
    this.pendingCR = false;
    this.line = line;
    this.started = true;
  }

  /** Bytes held for the next push: the start of a record not finished yet (0 after a block that ends cleanly). */
  get pendingBytes(): number {
    return this.carry.length;
  }

  /** The line the next record starts on (after a block that ends cleanly: the next block's first line). */
  get nextLine(): number {
    return this.line;
  }

  /** The separator in use (after detection). */
  get detectedDelimiter(): Delimiter | null {
    return this.delimiter;
  }

  /** Feeds a chunk; returns the records it completed. */
  push(chunk: Uint8Array): ByteRecords {
    // A plain Uint8Array view of a Buffer: both kinds through the same loops make every byte read polymorphic (~2× slower).
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    if (!this.carry.length) return this.scan(chunk, false);
    // The unfinished record (copied out by keep), then the chunk, in a buffer kept between pushes: a new one per
    // chunk would be garbage of the chunk's size every time.
    const size = this.carry.length + chunk.length;
    if (this.work.length < size) this.work = new Uint8Array(Math.max(size, 2 * this.work.length));
    this.work.set(this.carry);
    this.work.set(chunk, this.carry.length);
    return this.scan(this.work.subarray(0, size), false);
  }

  /** The last record (one with no line ending); throws when a quoted field is never closed. */
  end(): ByteRecords {
    return this.scan(this.carry, true);
  }

  private scan(bytes: Uint8Array, final: boolean): ByteRecords {
    const out = this.out;
    out.bytes = bytes;
    out.count = 0;
    out.fields = 0;
    let p = 0;
    const n = bytes.length;
    if (!this.started) {
      // As csv.ts: wait for the whole first line (delimiter detection reads it), strip a UTF-8 byte-order mark.
      const bom = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      if (!final && n < 3 && isBomPrefix(bytes)) return this.keep(bytes, 0);
      if (this.delimiter === null) {
        const nl = firstLineEnd(bytes);
        if (nl < 0 && !final) {
          if (utf16Length(bytes, 0, n) > MAX_RECORD_CHARS) this.tooLong(1);
          return this.keep(bytes, 0);
        }
        this.delimiter = detectDelimiter(utf8.decode(bytes.subarray(bom ? 3 : 0, nl < 0 ? n : nl)));
      }
      if (bom) p = 3;
      this.started = true;
    }
    const delim = this.delimiter!.charCodeAt(0);
    const plain = p < n ? this.plain : null;
    plain?.load(bytes);
    for (;;) {
      if (this.pendingCR && p < n) {
        this.pendingCR = false;
        if (bytes[p] === LF) p++;
      }
      if (p >= n) break;
      if (plain) {
        p = this.plainRecords(plain, p, n, delim);
        if (p >= n) break;
      }
      const next = this.record(bytes, p, delim, final);
      if (next < 0) break;
      p = next;
    }
    return this.keep(bytes, p);
  }

  /** Appends the records the kernel scans from p on (call after call, while it finds any); returns where it stopped. */
  private plainRecords(plain: PlainRecordScanner, p: number, n: number, delim: number): number {
    const out = this.out;
    for (;;) {
      const r = plain.scan(p, n, delim, MAX_RECORD_CHARS);
      const count = r.count;
      if (count === 0) return p;
      const c0 = out.count,
        f0 = out.fields,
        fields = r.recordFirst[count];
      if (c0 + count + 2 > out.line.length) this.growRecords(c0 + count + 2);
      if (f0 + fields > out.fieldStart.length) this.grow(f0 + fields);
      out.start.set(r.recordStart, c0);
      out.end.set(r.recordEnd, c0);
      const { line, firstField } = out,
        first = r.recordFirst;
      for (let i = 0; i <= count; i++) firstField[c0 + i] = f0 + first[i];
      for (let i = 0; i < count; i++) line[c0 + i] = this.line + i; // no line ending inside its quotes: one line each
      out.fieldStart.set(r.fieldStart, f0);
      out.fieldEnd.set(r.fieldEnd, f0);
      out.fieldFlags.set(r.fieldFlags, f0);
      out.count = c0 + count;
      out.fields = f0 + fields;
      this.line += count;
      p = r.next;
    }
  }

  /** Holds bytes[from…] for the next push (an unfinished record is scanned again from its start then). */
  private keep(bytes: Uint8Array, from: number): ByteRecords {
    this.carry = from < bytes.length ? bytes.slice(from) : new Uint8Array(0);
    if (this.carry.length > MAX_RECORD_CHARS && this.started && recordChars(this.carry, 0, this.carry.length, this.delimiter!.charCodeAt(0)) > MAX_RECORD_CHARS)
      this.tooLong(this.line);
    return this.out;
  }

  /**
   * Scans the record starting at `p`: appends it (a blank line appends nothing) and returns where the next starts
   * (after its line ending), or -1 when the bytes end before the record does. A field at a time, with a tight loop
   * over each field's bytes: the per-byte state machine of csv.ts, unrolled.
   */
  private record(b: Uint8Array, p: number, delim: number, final: boolean): number {
    const n = b.length;
    const out = this.out;
    const special = Math.max(delim, LF, CR);
    let line = this.line;
    const recordLine = line;
    const firstField = out.fields;
    let fields = firstField; // (written back to out once the record is complete: not a property store per field)
    let i = p;
    let c = b[i];
    if (c === LF || c === CR) return this.lineEnd(b, i, line); // a blank line: no record
    let { fieldStart, fieldEnd, fieldFlags } = out;
    let capacity = fieldStart.length;
    for (;;) {
      // One field, starting at i (i < n).
      let start = i;
      let end: number;
      let flags = 0;
      if (b[i] === QUOTE) {
        const quoteOpenLine = line;
        flags = QUOTED;
        start = ++i;
        for (;;) {
          if (i >= n) {
            if (!final) return this.unfinished(firstField);
            throw new CsvError('unbalanced quote: a quoted field is never closed', quoteOpenLine, fields - firstField, this.source);
          }
          c = b[i];
          if (c > QUOTE) {
            // Above the quote, CR and LF: plain content.
            i++;
            continue;
          }
          if (c === QUOTE) {
            if (i + 1 >= n && !final) return this.unfinished(firstField);
            if (b[i + 1] !== QUOTE) break;
            flags |= ESCAPED;
            i += 2;
            continue;
          }
          if (c === LF) line++;
          else if (c === CR) {
            if (i + 1 >= n && !final) return this.unfinished(firstField);
            if (b[i + 1] !== LF) line++;
          }
          i++;
        }
        end = i++; // the closing quote
        if (i < n) {
          c = b[i];
          if (c !== delim && c !== LF && c !== CR) {
            if (i + sequenceLength(c) > n && !final) return this.unfinished(firstField); // the message shows the character
            this.checkLength(b, p, i, delim, recordLine);
            throw new CsvError(`unexpected character '${charAt(b, i)}' after a closing quote`, line, fields - firstField, this.source);
          }
        }
      } else {
        // A quote inside an unquoted field is kept literally (5'2" stays 5'2"). A byte above the delimiter, LF and CR
        // is none of them: one comparison for most bytes (digits and letters, with ',' or ';' or a tab).
        while (i < n) {
          c = b[i];
          if (c > special) {
            i++;
            continue;
          }
          if (c === delim || c === LF || c === CR) break;
          i++;
        }
        end = i;
      }
      if (i >= n && !final) return this.unfinished(firstField);
      let k = fields;
      if (k >= capacity) {
        this.grow(k + 1);
        ({ fieldStart, fieldEnd, fieldFlags } = out);
        capacity = fieldStart.length;
      }
      fieldStart[k] = start;
      fieldEnd[k] = end;
      fieldFlags[k] = flags;
      fields = ++k;
      if (i < n && b[i] === delim) {
        i++;
        if (i < n) continue;
        if (!final) return this.unfinished(firstField);
        // "a," at the very end: a last, empty field
        if (k >= capacity) this.grow(k + 1);
        out.fieldStart[k] = i;
        out.fieldEnd[k] = i;
        out.fieldFlags[k] = 0;
        fields = k + 1;
      }
      break;
    }
    out.fields = fields;
    this.checkLength(b, p, i, delim, recordLine);
    const r = out.count++;
    if (r + 2 > out.line.length) this.growRecords(r + 2);
    out.line[r] = recordLine;
    out.start[r] = p;
    out.end[r] = i;
    out.firstField[r] = firstField;
    out.firstField[r + 1] = fields;
    return this.lineEnd(b, i, line);
  }

  /** After a record (or blank line) ending at i: past its line ending; the next record's line. */
  private lineEnd(b: Uint8Array, i: number, line: number): number {
    if (i < b.length) {
      // A CR ends the record; an LF right after it (maybe in the next chunk) belongs to the same line ending.
      line++;
      if (b[i] === CR) {
        if (i + 1 < b.length) {
          if (b[i + 1] === LF) i++;
        } else this.pendingCR = true;
      }
      i++;
    }
    this.line = line;
    return i;
  }

  /** The record runs past the bytes so far: forget its fields (it is scanned again, whole, when the rest arrives). */
  private unfinished(firstField: number): number {
    this.out.fields = firstField;
    return -1;
  }

  /** Room for `size` records (their line, start, end and first field). */
  private growRecords(size: number): void {
    const o = this.out;
    o.line = ensure(o.line, size);
    o.start = ensure(o.start, size);
    o.end = ensure(o.end, size);
    o.firstField = ensure(o.firstField, size);
  }

  /** Room for `size` fields. */
  private grow(size: number): void {
    const o = this.out;
    o.fieldStart = ensure(o.fieldStart, size);
    o.fieldEnd = ensure(o.fieldEnd, size);
    o.fieldFlags = ensure(o.fieldFlags, size);
  }

  /** csv.ts's record limit is in characters: only a record of more bytes than that can break it, so only then count. */
  private checkLength(b: Uint8Array, start: number, end: number, delim: number, line: number): void {
    if (end - start > MAX_RECORD_CHARS && recordChars(b, start, end, delim) > MAX_RECORD_CHARS) this.tooLong(line);
  }

  private tooLong(line: number): never {
    throw recordTooLong(line, this.source);
  }
}

/** Record storage reused across pushes (grown, never shrunk: no allocation per record). */
function emptyRecords(): ByteRecords & { fields: number } {
  return {
    bytes: new Uint8Array(0),
    count: 0,
    fields: 0,
    line: new Int32Array(1024),
    start: new Int32Array(1024),
    end: new Int32Array(1024),
    firstField: new Int32Array(1024),
    fieldStart: new Int32Array(16384),
    fieldEnd: new Int32Array(16384),
    fieldFlags: new Uint8Array(16384),
  };
}

/**
 * The text of record `r`'s field `f` (its value: quotes removed, "" read as ").
 * @example
 * const r = new CsvByteScanner().push(new TextEncoder().encode('a,"b ""c"""\n'));
 * fieldText(r, 0, 1); // 'b "c"'
 */
export function fieldText(records: ByteRecords, r: number, f: number): string {
  const k = records.firstField[r] + f;
  const text = utf8.decode(records.bytes.subarray(records.fieldStart[k], records.fieldEnd[k]));
  return records.fieldFlags[k] & ESCAPED ? text.replaceAll('""', '"') : text;
}

/** How many fields record `r` has. */
export function fieldCount(records: ByteRecords, r: number): number {
  return records.firstField[r + 1] - records.firstField[r];
}

/**
 * All of record `r`'s fields as strings (what `CsvStreamParser` gives for it).
 * @example
 * recordFields(new CsvByteScanner().push(new TextEncoder().encode('a,b\n')), 0); // ['a', 'b']
 */
export function recordFields(records: ByteRecords, r: number): string[] {
  const n = fieldCount(records, r);
  const fields = new Array<string>(n);
  for (let f = 0; f < n; f++) fields[f] = fieldText(records, r, f);
  return fields;
}
