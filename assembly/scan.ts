// Part of the hamiltonian-ai hot path (see index.ts): the CSV byte scanner's common case (src/data/csv-bytes.ts).
//
// Scans whole records from `bytes` as CsvByteScanner.record does — fields split at the delimiter, quoted fields
// read to their closing quote ("" marks the field ESCAPED), a record ended by LF, CR LF or CR — and stops before
// the first record it does not finish plainly: a blank line, a line ending inside quotes, anything but a
// delimiter or line ending after a closing quote, a record that runs to the end of the bytes (or ends in a CR
// there), a record longer than `maxBytes`, or full output. The JavaScript scanner takes that record (its errors,
// line counting and carrying over are its own) and hands back to this kernel after it.

import { ESCAPED, QUOTED } from './field-flags';

const QUOTE: u8 = 0x22,
  LF: u8 = 0x0a,
  CR: u8 = 0x0d;

/**
 * Records from bytes[p…n) (offsets are into `bytes`), at most `maxRecords` records and `maxFields` fields: record r's
 * start, end and first field (counted from 0 here) at recordStart/recordEnd/recordFirst[r] (i32), field j's content
 * at fieldStart/fieldEnd[j] (i32) and its flags at fieldFlags[j] (u8); recordFirst[count] is the fields written.
 * Returns the records scanned; `scanEnd()` is where the next record starts.
 */
export function scanRecords(
  bytes: usize,
  p: i32,
  n: i32,
  delimiter: i32,
  maxBytes: i32,
  recordStart: usize,
  recordEnd: usize,
  recordFirst: usize,
  maxRecords: i32,
  fieldStart: usize,
  fieldEnd: usize,
  fieldFlags: usize,
  maxFields: i32,
): i32 {
  const delim = <u8>delimiter;
  const special = max(delim, CR); // a byte above it is neither the delimiter, CR nor LF
  let records = 0,
    fields = 0;
  next = p;
  while (records < maxRecords && p < n) {
    let i = p;
    let c = load<u8>(bytes + <usize>i);
    if (c == LF || c == CR) break; // a blank line: the JS scanner counts it
    let k = fields;
    let plain = true;
    // One record: field by field until its line ending.
    while (true) {
      if (k >= maxFields) {
        plain = false;
        break;
      }
      let start = i,
        end: i32,
        flags: u8 = 0;
      if (i < n && load<u8>(bytes + <usize>i) == QUOTE) {
        flags = QUOTED;
        start = ++i;
        while (true) {
          if (i >= n) {
            plain = false;
            break;
          }
          c = load<u8>(bytes + <usize>i);
          if (c > QUOTE) {
            i++;
            continue;
          }
          if (c == QUOTE) {
            if (i + 1 >= n) {
              plain = false;
              break;
            }
            if (load<u8>(bytes + <usize>(i + 1)) != QUOTE) break;
            flags |= ESCAPED;
            i += 2;
            continue;
          }
          if (c == LF || c == CR) {
            plain = false; // a line ending inside quotes: lines to count
            break;
          }
          i++;
        }
        if (!plain) break;
        end = i++; // the closing quote
        if (i >= n) {
          plain = false;
          break;
        }
        c = load<u8>(bytes + <usize>i);
        if (c != delim && c != LF && c != CR) {
          plain = false; // the JS scanner names the character
          break;
        }
      } else {
        while (i < n) {
          c = load<u8>(bytes + <usize>i);
          if (c > special) {
            i++;
            continue;
          }
          if (c == delim || c == LF || c == CR) break;
          i++;
        }
        end = i;
        if (i >= n) {
          plain = false;
          break;
        }
      }
      store<i32>(fieldStart + (<usize>k << 2), start);
      store<i32>(fieldEnd + (<usize>k << 2), end);
      store<u8>(fieldFlags + <usize>k, flags);
      k++;
      if (load<u8>(bytes + <usize>i) == delim) {
        i++;
        if (i >= n) {
          plain = false; // "a," at the end of the bytes: the JS scanner knows whether more follow
          break;
        }
        continue;
      }
      break;
    }
    if (!plain || i - p > maxBytes) break;
    // The line ending: LF, CR LF, or CR (one at the very end might be followed by an LF in the next chunk).
    c = load<u8>(bytes + <usize>i);
    let after = i + 1;
    if (c == CR) {
      if (after >= n) break;
      if (load<u8>(bytes + <usize>after) == LF) after++;
    }
    store<i32>(recordStart + (<usize>records << 2), p);
    store<i32>(recordEnd + (<usize>records << 2), i);
    store<i32>(recordFirst + (<usize>records << 2), fields);
    records++;
    fields = k;
    p = after;
    next = p;
  }
  store<i32>(recordFirst + (<usize>records << 2), fields);
  return records;
}

let next: i32 = 0;

/** Where the record after the last one `scanRecords` scanned starts. */
export function scanEnd(): i32 {
  return next;
}
