/**
 * UTF-8 for CSV bytes read in chunks: strict checking that names the line and byte offset of the first bad byte, and
 * the line counts the readers need. No Node built-ins: the library's CSV scoring uses it as the CLI does (which
 * hands it Node's native check).
 */

import { concat } from '../core/arrays.js';
import { UsageError } from '../core/errors.js';

/**
 * Strict UTF-8 for a file read in chunks: each call decodes whole characters only (a sequence cut by the chunk's
 * end waits for the next), so an invalid byte is found where it is and reported with its real line and byte
 * offset — not "after line 1" or at the end of the file. The byte-order mark is kept for the CSV reader to strip.
 * @example
 * const utf8 = new StrictUtf8('in.csv');
 * for (const chunk of chunks) parser.push(utf8.decode(chunk));
 * parser.push(utf8.decode(new Uint8Array(0), true));
 */
export class StrictUtf8 {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Whether bytes are valid UTF-8 (whole sequences): Node's native check where the CLI gives it, else a JS scan. */
  private readonly isUtf8: (bytes: Uint8Array) => boolean;
  private pending: Uint8Array = new Uint8Array(0);
  private line = 1;
  private offset = 0;

  /** `at`: where in the file the first chunk starts (its line and byte offset), for a file read from the middle. */
  constructor(
    private readonly path: string,
    at: { line: number; offset: number } = { line: 1, offset: 0 },
    isUtf8: (bytes: Uint8Array) => boolean = (b) => firstInvalidUtf8(b) === b.length,
  ) {
    this.line = at.line;
    this.offset = at.offset;
    this.isUtf8 = isUtf8;
  }

  decode(chunk: Uint8Array, final = false): string {
    const part = this.next(chunk, final);
    let text: string;
    try {
      text = this.decoder.decode(part);
    } catch {
      this.invalid(part, final);
    }
    this.advance(part);
    return text;
  }

  /**
   * The same check without decoding, for readers of bytes (`score`): the chunk's whole characters, checked (a
   * sequence cut by the chunk's end waits for the next call).
   * @example
   * for (const chunk of chunks) scanner.push(utf8.check(chunk));
   */
  check(chunk: Uint8Array, final = false): Uint8Array {
    const part = this.next(chunk, final);
    if (!this.isUtf8(part)) this.invalid(part, final);
    this.advance(part);
    return part;
  }

  private next(chunk: Uint8Array, final: boolean): Uint8Array {
    const bytes = this.pending.length ? concat(this.pending, chunk) : chunk;
    const end = final ? bytes.length : completeEnd(bytes);
    this.pending = bytes.slice(end);
    return bytes.subarray(0, end);
  }

  private advance(part: Uint8Array): void {
    this.line += countNewlines(part, part.length);
    this.offset += part.length;
  }

  private invalid(part: Uint8Array, final: boolean): never {
    const bad = firstInvalidUtf8(part);
    const cut = bad === part.length && final;
    throw new UsageError(
      `${this.path}, line ${this.line + countNewlines(part, bad)}: ${cut ? 'ends inside a UTF-8 sequence' : 'not valid UTF-8'} (byte offset ${this.offset + bad}); save the file as UTF-8`,
    );
  }
}

/** Index after the last complete UTF-8 sequence of `b` (a valid lead byte whose sequence runs past the end is held back). */
function completeEnd(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(4, b.length); back++) {
    const c = b[b.length - back];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 1;
    return need > back ? b.length - back : b.length;
  }
  return b.length;
}

/**
 * Offset of the first byte that breaks UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF),
 * or `b.length` when a sequence is only cut off by the end.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    // The second byte's range is narrower after E0 (overlong), ED (surrogates), F0 (overlong) and F4 (> U+10FFFF).
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return b.length;
      const d = b[i + k];
      if (k === 1 ? d < lo || d > hi : (d & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return b.length;
}

/** Line feeds in b[0…end). */
export function countNewlines(b: Uint8Array, end: number): number {
  let count = 0;
  for (let at = b.indexOf(10); at >= 0 && at < end; at = b.indexOf(10, at + 1)) count++;
  return count;
}

/** Carriage returns in b[0…end) not followed by a line feed: the line breaks the CSV reader counts beside line feeds. */
export function loneCarriageReturns(b: Uint8Array, end: number): number {
  let count = 0;
  for (let at = b.indexOf(0x0d); at >= 0 && at < end; at = b.indexOf(0x0d, at + 1)) if (b[at + 1] !== 0x0a) count++;
  return count;
}
