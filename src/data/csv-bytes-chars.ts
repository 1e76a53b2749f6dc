/**
 * Counting in the bytes of a CSV file as csv.ts counts in its text (csv-bytes.ts's helpers): UTF-16 units of UTF-8
 * bytes, a record's characters, the first line's end for delimiter detection, the byte-order mark.
 */

const QUOTE = 0x22,
  LF = 0x0a,
  CR = 0x0d;

// ignoreBOM: a U+FEFF inside a cell is the cell's (csv.ts strips only the file's first).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

const FIELD_START = 0,
  UNQUOTED = 1,
  IN_QUOTES = 2,
  AFTER_CLOSE = 3;

/** Where the first line ends outside quotes (quotes toggled as csv.ts's detection scan does), or -1. */
export function firstLineEnd(b: Uint8Array): number {
  let inQuotes = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && (c === LF || c === CR)) return i;
  }
  return -1;
}

/** Whether the bytes so far could be the start of a UTF-8 byte-order mark. */
export function isBomPrefix(b: Uint8Array): boolean {
  const bom = [0xef, 0xbb, 0xbf];
  for (let i = 0; i < b.length; i++) if (b[i] !== bom[i]) return false;
  return true;
}

/** UTF-16 units of the UTF-8 bytes b[start…end) (a 4-byte sequence is a surrogate pair). */
export function utf16Length(b: Uint8Array, start: number, end: number): number {
  let units = 0;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** csv.ts's count for a record: its fields' characters (quotes removed, "" as one) plus one per separator. */
export function recordChars(b: Uint8Array, start: number, end: number, delim: number): number {
  let chars = 0;
  let state = FIELD_START;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (state === IN_QUOTES) {
      if (c === QUOTE) {
        if (b[i + 1] === QUOTE) {
          chars++;
          i++;
        } else state = AFTER_CLOSE;
      } else if ((c & 0xc0) !== 0x80) chars += c >= 0xf0 ? 2 : 1;
    } else if (c === delim) {
      chars++;
      state = FIELD_START;
    } else if (c === QUOTE && state === FIELD_START) state = IN_QUOTES;
    else {
      if ((c & 0xc0) !== 0x80) chars += c >= 0xf0 ? 2 : 1;
      state = UNQUOTED;
    }
  }
  return chars;
}

/** The UTF-16 unit at byte i as csv.ts's `text[i]` shows it (the high surrogate alone for a 4-byte sequence). */
export function charAt(b: Uint8Array, i: number): string {
  return utf8.decode(b.subarray(i, i + sequenceLength(b[i])))[0];
}

/** Bytes of the UTF-8 sequence that starts with `lead`. */
export function sequenceLength(lead: number): number {
  return lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}
