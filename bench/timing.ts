/** Timing helpers shared by the benches: medians over repeated rounds, never a single run. */

/** The median (upper median for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median seconds per call of `f` over `reps` rounds of `inner` calls, after `warmup` untimed calls. */
export function timeIt(f: () => void, inner: number, reps = 7, warmup = Math.max(2, inner >> 2)): number {
  for (let i = 0; i < warmup; i++) f();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) f();
    ts.push((performance.now() - t0) / 1000 / inner);
  }
  return median(ts);
}

/** `timeIt` for a function that returns a promise (awaited one call at a time). */
export async function timeItAsync(f: () => Promise<void>, inner: number, reps = 7, warmup = Math.max(2, inner >> 2)): Promise<number> {
  for (let i = 0; i < warmup; i++) await f();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) await f();
    ts.push((performance.now() - t0) / 1000 / inner);
  }
  return median(ts);
}
