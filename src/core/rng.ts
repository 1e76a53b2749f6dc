import { UsageError } from './errors.js';
/**
 * The one seeded pseudo-random generator used by every random choice in the library
 * (weight initialisation, dropout masks, shuffling, splits, SMOTE).
 *
 * Algorithm: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 2021), a 128-bit state seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Pure 32-bit integer arithmetic (`Math.imul`, `>>>`), so the same seed gives the same bits on every
 * JavaScript engine.
 */
export interface RngState {
  /** The four 32-bit words of xoshiro128** state. */
  s: [number, number, number, number];
  /** A cached second normal deviate from Box–Muller, or null. */
  spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32 finaliser: spreads one 32-bit seed word over many. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Seeded xoshiro128** generator (see the module comment).
 * @example
 * const rng = new Rng(42);
 * const u = rng.float(); // [0, 1)
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /**
   * @param seed a non-negative integer up to 2^53 (a JS safe integer). Both 32-bit halves are used.
   * @example
   * const rng = new Rng(42);
   * rng.float(); // same value on every run and engine
   */
  constructor(seed: number = 0) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new UsageError(`seed must be a non-negative safe integer, got ${seed}`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    // Two streams, one per half: s0 is a bijection of the low word and s1 of the high word, so distinct
    // seeds always give distinct states.
    const a = { x: lo };
    const b = { x: hi ^ 0x6a09e667 };
    this.s0 = splitmix32(a);
    this.s1 = splitmix32(b);
    this.s2 = splitmix32(a);
    this.s3 = splitmix32(b);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0,
      s1 = this.s1;
    let s2 = this.s2,
      s3 = this.s3;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Unbiased integer in [0, n) (rejection sampling), n ≤ 2^32. */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) {
      throw new UsageError(`int(n): n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Standard normal deviate (Box–Muller, polar-free form, deterministic). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = this.float();
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place; returns `arr`. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * A new generator whose stream is derived from (and independent in practice of) this one;
   * advances this generator by four draws.
   */
  fork(): Rng {
    const child = new Rng(0);
    const st = { x: this.nextUint32() ^ 0x5bd1e995 };
    child.s0 = splitmix32(st) ^ this.nextUint32();
    child.s1 = splitmix32(st) ^ this.nextUint32();
    child.s2 = splitmix32(st) ^ this.nextUint32();
    child.s3 = splitmix32(st);
    if ((child.s0 | child.s1 | child.s2 | child.s3) === 0) child.s0 = 1;
    return child;
  }

  /** The full state, JSON-able, for resuming a run exactly. */
  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spare };
  }

  /** Restores a state from `getState()`; throws on malformed or all-zero states. */
  setState(state: RngState): this {
    const s = state?.s;
    if (!Array.isArray(s) || s.length !== 4 || s.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32)) {
      throw new UsageError('Rng.setState: state.s must be four 32-bit unsigned integers');
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new UsageError('Rng.setState: the all-zero state is invalid');
    this.s0 = s[0] | 0;
    this.s1 = s[1] | 0;
    this.s2 = s[2] | 0;
    this.s3 = s[3] | 0;
    this.spare = state.spareNormal ?? null;
    return this;
  }

  /** A generator resuming from `getState()`. */
  static fromState(state: RngState): Rng {
    return new Rng(0).setState(state);
  }
}

/**
 * Accepts either a generator or a seed; a missing seed means 0 (deterministic by default).
 * @example
 * const rng = toRng(options.seed); // a number or an Rng
 */
export function toRng(seedOrRng: number | Rng | undefined): Rng {
  if (seedOrRng instanceof Rng) return seedOrRng;
  return new Rng(seedOrRng ?? 0);
}

/** The four interleaved streams of `Rng4`: 4 × 4 xoshiro128** state words, stream-major. */
export interface Rng4State {
  s: number[];
}

/**
 * Four xoshiro128** streams advanced together, for bulk draws that a SIMD kernel can make four lanes at a
 * time with identical bits (dropout masks): draw k of a fill uses stream k mod 4, and every group of four
 * advances all four streams. Each stream is forked from a parent `Rng`, so everything still follows one seed.
 * @example
 * const r4 = new Rng4(new Rng(42));
 * const u = new Float64Array(10);
 * r4.fillUniform(u); // u[i] in [0, 1), i.e. (32-bit word)/2^32
 */
export class Rng4 {
  /** State words: stream j's words at 4j … 4j+3. */
  readonly s = new Uint32Array(16);

  constructor(parent: Rng) {
    for (let j = 0; j < 4; j++) {
      const st = parent.fork().getState().s;
      for (let w = 0; w < 4; w++) this.s[4 * j + w] = st[w];
    }
  }

  /** Writes `out.length` 32-bit words (as unsigned integers) from the four streams, interleaved. */
  fillUint32(out: Uint32Array | Float64Array): void {
    const s = this.s;
    const n = out.length;
    for (let g = 0; g < n; g += 4) {
      for (let j = 0; j < 4; j++) {
        const o = 4 * j;
        const s0 = s[o],
          s1 = s[o + 1];
        let s2 = s[o + 2],
          s3 = s[o + 3];
        const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s[o + 1] = s1 ^ s2;
        s[o] = s0 ^ s3;
        s[o + 2] = s2 ^ t;
        s[o + 3] = rotl(s3, 11);
        if (g + j < n) out[g + j] = result;
      }
    }
  }

  /** Uniform doubles in [0, 1) (word / 2³²). */
  fillUniform(out: Float64Array): void {
    this.fillUint32(out);
    for (let i = 0; i < out.length; i++) out[i] /= TWO_POW_32;
  }

  /** The sixteen state words, JSON-able. */
  getState(): Rng4State {
    return { s: Array.from(this.s) };
  }

  /** Restores `getState()`. */
  setState(state: Rng4State): this {
    if (!Array.isArray(state?.s) || state.s.length !== 16 || state.s.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32)) {
      throw new UsageError('Rng4.setState: s must be sixteen 32-bit unsigned integers');
    }
    this.s.set(state.s);
    return this;
  }
}
