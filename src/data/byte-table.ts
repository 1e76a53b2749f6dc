import { ensure } from '../core/arrays.js';
import type { ByteTableStorage } from '../core/byte-ranges.js';

/**
 * A set of byte strings numbered in the order they were added, found by the bytes themselves: FNV-1a, linear
 * probing, the stored hash compared first and then the bytes. The byte encoder's category lookup and the training
 * reader's per-column texts both use it, so a cell is matched without becoming a string first. The strings lie end to
 * end in one byte pool (no object per entry: a million lookups read a few typed arrays).
 */
export class ByteTable {
  /** Entry number + 1 per slot; 0 = empty. */
  private slots = new Int32Array(16);
  private hashes = new Int32Array(8);
  /** Entry i is pool[starts[i] … starts[i + 1]). */
  private starts = new Int32Array(9);
  private pool = new Uint8Array(64);
  private count = 0;

  /** How many byte strings it holds. */
  get size(): number {
    return this.count;
  }

  /** The number of b[s…e), or -1 when it is not in the table. */
  find(b: Uint8Array, s: number, e: number): number {
    const h = hashBytes(b, s, e);
    const { slots, hashes, starts, pool } = this;
    const mask = slots.length - 1;
    const length = e - s;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const index = slots[at] - 1;
      if (index < 0) return -1;
      if (hashes[index] !== h) continue;
      const p = starts[index];
      if (starts[index + 1] - p !== length) continue;
      let i = 0;
      while (i < length && pool[p + i] === b[s + i]) i++;
      if (i === length) return index;
    }
  }

  /**
   * The table's storage as it stands (views, not copies; the next `add` may replace them): slot → entry + 1 (0 empty,
   * a power of two long), entry → hash, entry i's bytes pool[starts[i] … starts[i + 1]). For a copy a kernel reads.
   */
  storage(): ByteTableStorage {
    const n = this.count;
    return { slots: this.slots, hashes: this.hashes.subarray(0, n), starts: this.starts.subarray(0, n + 1), pool: this.pool.subarray(0, this.starts[n]) };
  }

  /** Adds a copy of b[s…e) (not already in the table) and returns its number. */
  add(b: Uint8Array, s: number, e: number): number {
    const index = this.count;
    if (2 * (index + 1) > this.slots.length) {
      this.slots = new Int32Array(2 * this.slots.length);
      for (let i = 0; i < index; i++) this.place(this.hashes[i], i);
    }
    this.hashes = ensure(this.hashes, index + 1);
    this.starts = ensure(this.starts, index + 2);
    const from = this.starts[index];
    this.pool = ensure(this.pool, from + (e - s));
    this.pool.set(b.subarray(s, e), from);
    this.starts[index + 1] = from + (e - s);
    const h = hashBytes(b, s, e);
    this.hashes[index] = h;
    this.count = index + 1;
    this.place(h, index);
    return index;
  }

  private place(h: number, index: number): void {
    const mask = this.slots.length - 1;
    let at = h & mask;
    while (this.slots[at] !== 0) at = (at + 1) & mask;
    this.slots[at] = index + 1;
  }
}

/** FNV-1a over b[s…e), as a signed 32-bit integer (what the Int32Array of hashes holds). */
function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}
