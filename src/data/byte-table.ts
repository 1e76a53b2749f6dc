/**
 * A set of byte strings numbered in the order they were added, found by the bytes themselves: FNV-1a, linear
 * probing, the bytes compared on a hit. The byte encoder's category lookup and the training reader's per-column
 * strings both use it, so a cell is matched without becoming a string first.
 */
export class ByteTable {
  private slots = new Int32Array(16);
  private entries: Uint8Array[] = [];

  /** How many byte strings it holds. */
  get size(): number {
    return this.entries.length;
  }

  /** The number of b[s…e), or -1 when it is not in the table. */
  find(b: Uint8Array, s: number, e: number): number {
    const { slots, entries } = this;
    const mask = slots.length - 1;
    for (let at = hashBytes(b, s, e) & mask; ; at = (at + 1) & mask) {
      const index = slots[at] - 1;
      if (index < 0) return -1;
      const known = entries[index];
      if (known.length !== e - s) continue;
      let same = true;
      for (let i = 0; i < known.length && same; i++) same = known[i] === b[s + i];
      if (same) return index;
    }
  }

  /** Adds a copy of b[s…e) (not already in the table) and returns its number. */
  add(b: Uint8Array, s: number, e: number): number {
    if (2 * (this.entries.length + 1) > this.slots.length) {
      this.slots = new Int32Array(2 * this.slots.length);
      this.entries.forEach((known, index) => this.place(known, index));
    }
    const index = this.entries.length;
    const copy = b.slice(s, e);
    this.entries.push(copy);
    this.place(copy, index);
    return index;
  }

  private place(bytes: Uint8Array, index: number): void {
    const mask = this.slots.length - 1;
    let at = hashBytes(bytes, 0, bytes.length) & mask;
    while (this.slots[at] !== 0) at = (at + 1) & mask;
    this.slots[at] = index + 1;
  }
}

/** FNV-1a over b[s…e). */
function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}
