/**
 * Array helpers that never spread an unbounded array into arguments: `push(...rows)` and `Math.max(...values)`
 * overflow the call stack past roughly 10⁵ elements (a 165k-row training file did).
 */

/**
 * Appends every item of `items` to `out` and returns `out`.
 * @example
 * pushAll(train, rows.slice(k));
 */
export function pushAll<T>(out: T[], items: ArrayLike<T>): T[] {
  for (let i = 0; i < items.length; i++) out.push(items[i]);
  return out;
}

/**
 * [min, max] of the values (NaN ignored; [Infinity, -Infinity] for none).
 * @example
 * const [lo, hi] = extent(points.map((p) => p[0]));
 */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * The array itself when it holds `size` elements, else a copy at least twice as large (growth by doubling: appending
 * n elements copies O(n) in all).
 * @example
 * codes = ensure(codes, row + 1);
 * codes[row] = code;
 */
export function ensure<T extends Int32Array | Uint8Array>(a: T, size: number): T {
  if (a.length >= size) return a;
  const grown = new (a.constructor as new (n: number) => T)(Math.max(size, 2 * a.length));
  grown.set(a);
  return grown;
}

/**
 * a then b, in a new array.
 * @example
 * concat(new Uint8Array([1]), new Uint8Array([2, 3])); // Uint8Array [1, 2, 3]
 */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * 0 … n − 1: every row of a table, every column of a row.
 * @example
 * indices(3); // Int32Array [0, 1, 2]
 */
export function indices(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
