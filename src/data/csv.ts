/**
 * A small RFC 4180 CSV reader with no dependencies: quoted fields (with "" escapes, separators and
 * newlines inside), a UTF-8 byte-order mark, CRLF or LF, `,` `;` or tab (given or detected), empty
 * cell = missing. Incremental: feed chunks to `CsvStreamParser` for files larger than memory.
 * Every error names the line (1-based, in the file) and, where it applies, the column.
 */

import { pushAll } from '../core/arrays.js';
import { UsageError } from '../core/errors.js';
import { DataError } from './errors.js';

/** Field separators the reader knows. */
export type Delimiter = ',' | ';' | '\t';

/** How to read a CSV text. */
export interface CsvOptions {
  /** Field separator, or 'auto' (default) to pick the one most frequent in the first line outside quotes. */
  delimiter?: Delimiter | 'auto';
  /** Whether the first record is a header (default true). */
  header?: boolean;
  /** What to do with a record whose field count differs from the first record's: 'error' (default) or 'keep'. */
  ragged?: 'error' | 'keep';
  /** A name for error messages (a file path, say). */
  source?: string;
}

/**
 * A parse error that names where it happened (a `DataError`).
 * @example
 * try { parseCsv('a,b\n1\n'); } catch (e) { if (e instanceof CsvError) console.log(e.line); } // 2
 */
export class CsvError extends DataError {
  constructor(message: string, line: number, column?: number | string, source?: string) {
    super(message, { source, line, column });
    this.name = 'CsvError';
  }
}

/** One parsed record and the line it starts on. */
export interface CsvRecord {
  fields: string[];
  /** Line on which the record starts (1-based). */
  line: number;
}

/** A parsed table: header, rows of strings and each row’s source line. */
export interface CsvTable {
  /** Column names (from the header, or col1…colN). */
  columns: string[];
  rows: string[][];
  /** Starting line of each row in the source, for error messages. */
  lines: number[];
  delimiter: Delimiter;
}

const DELIMS: Delimiter[] = [',', ';', '\t'];

/**
 * Picks the separator most frequent in `firstLine` outside quotes (ties: `,` then `;` then tab).
 * @example
 * detectDelimiter('a;b;c'); // ';'
 */
export function detectDelimiter(firstLine: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMS.map((d) => [d, 0]));
  let inQuotes = false;
  for (const ch of firstLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/**
 * Incremental parser: `push(chunk)` returns the records completed so far, `end()` the rest.
 * Chunks may split anywhere (inside quotes, between CR and LF, inside the BOM).
 * @example
 * const p = new CsvStreamParser();
 * const records = [...p.push(chunk1), ...p.push(chunk2), ...p.end()];
 */
export class CsvStreamParser {
  private delimiter: Delimiter | null;
  private readonly source?: string;
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private quoteJustClosed = false;
  private fieldWasQuoted = false;
  private line = 1;
  private recordLine = 1;
  private pendingCR = false;
  private started = false;
  private buffered = '';
  private quoteOpenLine = 0;

  constructor(options: Pick<CsvOptions, 'delimiter' | 'source'> = {}) {
    const d = options.delimiter ?? 'auto';
    if (d !== 'auto' && !DELIMS.includes(d)) throw new UsageError(`delimiter must be ',', ';', tab or 'auto', got '${d}'`);
    this.delimiter = d === 'auto' ? null : d;
    this.source = options.source;
  }

  /** The separator in use (after detection). */
  get detectedDelimiter(): Delimiter | null {
    return this.delimiter;
  }

  /** Feeds a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    let text = chunk;
    if (!this.started) {
      // Wait for enough text to strip a BOM and, when detecting, to see the whole first line.
      // Only the new chunk is scanned (reading the growing buffer would flatten it each time: quadratic).
      const nl = this.firstLineEnd === -1 ? this.scanFirstLine(text, this.buffered.length) : this.firstLineEnd;
      this.buffered += text;
      if (this.buffered.length < 1 || (this.delimiter === null && nl < 0)) return [];
      text = this.buffered;
      this.buffered = '';
      const bom = text.charCodeAt(0) === 0xfeff;
      if (bom) text = text.slice(1);
      if (this.delimiter === null) this.delimiter = detectDelimiter(text.slice(0, bom ? nl - 1 : nl));
      this.started = true;
    }
    return this.consume(text);
  }

  /** Flushes the last record; throws when a quoted field is never closed. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (!this.started) {
      let text = this.buffered;
      this.buffered = '';
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (this.delimiter === null) this.delimiter = detectDelimiter(text);
      this.started = true;
      pushAll(out, this.consume(text, true));
    } else if (this.carry) {
      pushAll(out, this.consume('', true));
    }
    if (this.inQuotes) throw new CsvError('unbalanced quote: a quoted field is never closed', this.quoteOpenLine, this.fields.length, this.source);
    if (this.field !== '' || this.fields.length > 0 || this.fieldWasQuoted) {
      this.fields.push(this.field);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    return out;
  }

  /** Scans `chunk` (which starts at `offset` of the buffered text) for the first line's end outside quotes; -1 while unseen. */
  private scanFirstLine(chunk: string, offset: number): number {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === QUOTE) this.scanInQuotes = !this.scanInQuotes;
      else if (!this.scanInQuotes && (c === LF || c === CR)) return (this.firstLineEnd = offset + i);
    }
    if (offset + chunk.length > MAX_RECORD_CHARS) this.tooLong(1);
    return -1;
  }

  private tooLong(line: number): never {
    throw recordTooLong(line, this.source);
  }

  /**
   * Parses `carry + input`. Runs of ordinary characters are taken as slices, not appended one by one: a character at
   * a time built a rope of one node per character (a 50 MB field cost ~37× its size).
   */
  private consume(input: string, final = false): CsvRecord[] {
    const out: CsvRecord[] = [];
    const delim = this.delimiter!.charCodeAt(0);
    const text = this.carry + input;
    const n = text.length;
    this.carry = '';
    let field = this.field;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      // A quote or CR at a chunk's end cannot be read until the next character is known.
      if (!final && i + 1 === n && (c === CR || (c === QUOTE && this.inQuotes))) {
        this.carry = text[i];
        break;
      }
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === LF) {
          i++;
          continue; // CRLF: the record already ended at CR
        }
      }
      if (this.inQuotes) {
        if (c === QUOTE) {
          if (text.charCodeAt(i + 1) === QUOTE) {
            field += '"';
            i += 2;
          } else {
            this.inQuotes = false;
            this.quoteJustClosed = true;
            i++;
          }
          continue;
        }
        // A run up to the next quote (or a CR at the chunk's end), counting the lines it spans.
        let j = i;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === QUOTE || (d === CR && j + 1 === n && !final)) break;
          if (d === LF || (d === CR && text.charCodeAt(j + 1) !== LF)) this.line++;
        }
        field += text.slice(i, j);
        if (field.length + this.recordChars > MAX_RECORD_CHARS) this.tooLong(this.recordLine);
        i = j;
        continue;
      }
      if (c === delim) {
        this.endField(field);
        field = '';
      } else if (c === LF || c === CR) {
        if (c === CR) this.pendingCR = true;
        if (field !== '' || this.fields.length > 0 || this.fieldWasQuoted) {
          this.fields.push(field);
          out.push({ fields: this.fields, line: this.recordLine });
        }
        this.fields = [];
        field = '';
        this.recordChars = 0;
        this.quoteJustClosed = false;
        this.fieldWasQuoted = false;
        this.line++;
        this.recordLine = this.line;
      } else if (this.quoteJustClosed) {
        throw new CsvError(`unexpected character '${text[i]}' after a closing quote`, this.line, this.fields.length, this.source);
      } else if (c === QUOTE && field === '') {
        this.inQuotes = true;
        this.fieldWasQuoted = true;
        this.quoteOpenLine = this.line;
      } else {
        // A run of the field's characters; a quote inside an unquoted field is kept literally (5'2" stays 5'2").
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === delim || d === LF || d === CR) break;
          j++;
        }
        field += text.slice(i, j);
        if (field.length + this.recordChars > MAX_RECORD_CHARS) this.tooLong(this.recordLine);
        i = j;
        continue;
      }
      i++;
    }
    this.field = field;
    return out;
  }

  private endField(field: string): void {
    this.fields.push(field);
    this.recordChars += field.length + 1;
    if (this.recordChars > MAX_RECORD_CHARS) this.tooLong(this.recordLine);
    this.quoteJustClosed = false;
    this.fieldWasQuoted = false;
  }

  private carry = '';
  /** Characters of the record so far (its finished fields and separators), against MAX_RECORD_CHARS. */
  private recordChars = 0;
  /** Where the first line of the buffered text ends (-1: not seen yet), and whether its scan stopped inside quotes. */
  private firstLineEnd = -1;
  private scanInQuotes = false;
}

/**
 * The longest record (a line, or several joined by quoted newlines) the reader accepts, in characters: 16 Mi. Past it
 * the input is not a CSV file (`/dev/zero`, a binary, a quote never closed), and reading on would only exhaust memory.
 */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** The error for a record past MAX_RECORD_CHARS that starts on `line` (the string and the byte reader give the same). */
export function recordTooLong(line: number, source?: string): CsvError {
  return new CsvError(
    `a record longer than ${MAX_RECORD_CHARS / (1024 * 1024)} Mi characters starts on this line (the limit is MAX_RECORD_CHARS): not a CSV file, or a quote never closed?`,
    line,
    undefined,
    source,
  );
}

const QUOTE = 0x22,
  LF = 0x0a,
  CR = 0x0d;

/**
 * Parses a whole CSV text into a table of strings. Blank lines are skipped; a record with a different
 * field count from the header is an error naming its line (unless `ragged: 'keep'`).
 * @example
 * const t = parseCsv('a,b\n1,"x, y"\n');
 * t.columns; // ['a', 'b']
 * t.rows;    // [['1', 'x, y']]
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const p = new CsvStreamParser(options);
  const records = [...p.push(text), ...p.end()];
  return recordsToTable(records, p.detectedDelimiter ?? ',', options);
}

/**
 * Builds a table from parsed records (shared by the whole-text and streaming readers).
 * @example
 * const table = recordsToTable(records, ',', { source: 'in.csv' });
 */
export function recordsToTable(records: CsvRecord[], delimiter: Delimiter, options: CsvOptions = {}): CsvTable {
  const header = options.header ?? true;
  if (records.length === 0) throw new CsvError('the file is empty', 1, undefined, options.source);
  let columns: string[];
  let body = records;
  if (header) {
    columns = records[0].fields.map((c) => c.trim());
    body = records.slice(1);
    const seen = new Map<string, number>();
    columns.forEach((c, i) => {
      if (c === '') throw new CsvError('empty column name in the header', records[0].line, i, options.source);
      if (seen.has(c)) throw new CsvError(`duplicate column name '${c}' (also column ${seen.get(c)! + 1})`, records[0].line, i, options.source);
      seen.set(c, i);
    });
  } else {
    columns = records[0].fields.map((_, i) => `col${i + 1}`);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of body) {
    if (r.fields.length !== columns.length && (options.ragged ?? 'error') === 'error') {
      throw new CsvError(`expected ${columns.length} fields, found ${r.fields.length}`, r.line, undefined, options.source);
    }
    rows.push(r.fields);
    lines.push(r.line);
  }
  return { columns, rows, lines, delimiter };
}

function needsQuotes(s: string, delim: string): boolean {
  return s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r') || /^\s|\s$/.test(s);
}

/**
 * Formats one field, quoting it when needed.
 * @example
 * formatCsvField('a,b'); // '"a,b"'
 */
export function formatCsvField(s: string, delimiter: Delimiter = ','): string {
  return needsQuotes(s, delimiter) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Writes a table back to CSV text (the inverse of `parseCsv` for header tables).
 * @example
 * formatCsv(['a', 'b'], [['1', 'x, y']]); // 'a,b\n1,"x, y"\n'
 */
export function formatCsv(columns: readonly string[], rows: readonly (readonly string[])[], delimiter: Delimiter = ','): string {
  const line = (r: readonly string[]) => r.map((f) => formatCsvField(f, delimiter)).join(delimiter);
  return `${[line(columns), ...rows.map(line)].join('\n')}\n`;
}
