/**
 * The output buffer of CSV scoring: bytes copied in, numbers written as `toFixed` / `String` write them without a
 * string each, and buffers handed over and given back so that a long run does not fault in fresh memory per block.
 */

const text = new TextEncoder();

/** Buffers a sink keeps for reuse (more than the writes in flight at once are never given back together). */
const MAX_SPARES = 32;

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

/** An output buffer that grows (bytes copied in, ASCII or UTF-8 text appended); `take` hands over what it holds. */
export class ByteSink {
  private buf = new Uint8Array(1 << 20);
  private at = 0;
  private readonly spares: ArrayBuffer[] = [];

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.at + n, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
  }

  /** Appends b[s…e). */
  bytes(b: Uint8Array, s: number, e: number): void {
    this.room(e - s);
    if (e - s > 64) this.buf.set(b.subarray(s, e), this.at);
    else for (let i = s, o = this.at; i < e; i++, o++) this.buf[o] = b[i]; // no subarray object for a short run
    this.at += e - s;
  }

  /**
   * Appends x.toFixed(digits): from the integer round(|x|·10^digits) where that product is below 10⁹ and clear of a
   * rounding tie by 10⁻⁶ (its rounding error, under 2·10⁻⁷ there, cannot change the digits then); by toFixed itself
   * near a tie, for larger products and for non-finite x.
   */
  decimal(x: number, digits: number): void {
    const scale = POW10[digits] ?? 10 ** digits,
      y = Math.abs(x) * scale;
    if (!(y < 1e9) || Math.abs(y - Math.floor(y) - 0.5) < 1e-6) {
      this.text(x.toFixed(digits));
      return;
    }
    // Below 10⁹ the integers are int32s: `| 0` keeps V8 in integer arithmetic (a division by 10 as a multiply).
    const n = Math.round(y) | 0;
    const whole = (n / scale) | 0;
    this.room(digits + 11); // a sign, nine digits, the point
    const buf = this.buf;
    let at = this.at;
    if (x < 0) buf[at++] = 0x2d; // toFixed keeps the sign of any x < 0, even when every digit is 0
    // Probabilities and contributions have one whole digit: written directly.
    if (whole < 10) buf[at++] = 0x30 + whole;
    else {
      let end = at + 1;
      for (let t = whole; t >= 10; t = (t / 10) | 0) end++;
      for (let o = end - 1, u = whole; o >= at; o--, u = (u / 10) | 0) buf[o] = 0x30 + (u % 10);
      at = end;
    }
    if (digits > 0) {
      buf[at] = 0x2e;
      for (let d = digits, r = n - whole * scale; d >= 1; d--, r = (r / 10) | 0) buf[at + d] = 0x30 + (r % 10);
      at += digits + 1;
    }
    this.at = at;
  }

  /** Appends an integer's decimal digits (String(v) for |v| < 2⁵³; -0 as 0). */
  integer(v: number): void {
    if (!(Math.abs(v) < 2 ** 53) || v !== Math.trunc(v)) {
      this.text(String(v));
      return;
    }
    this.room(18);
    let u = Math.abs(v);
    if (v < 0) this.buf[this.at++] = 0x2d;
    let digits = 1;
    for (let t = u; t >= 10; t = Math.floor(t / 10)) digits++;
    let o = this.at + digits;
    this.at = o;
    do {
      this.buf[--o] = 0x30 + (u % 10);
      u = Math.floor(u / 10);
    } while (u > 0);
  }

  /** Appends a string (UTF-8). */
  text(s: string): void {
    this.room(3 * s.length);
    this.at += text.encodeInto(s, this.buf.subarray(this.at)).written;
  }

  /** Appends one byte. */
  byte(c: number): void {
    this.room(1);
    this.buf[this.at++] = c;
  }

  get length(): number {
    return this.at;
  }

  /**
   * The bytes so far, emptying the sink: its buffer itself, not a copy (the sink goes on in a buffer given back
   * through `reuse`, else a new one as large). Writing a block's output into fresh memory cost a page fault per 4 KB:
   * with `--workers 2` on 1M rows, ~40,000 faults and ~0.4 s of system time.
   */
  handOver(): Uint8Array {
    const out = this.buf.subarray(0, this.at);
    const spare = this.spares.pop();
    this.buf = spare ? new Uint8Array(spare) : new Uint8Array(this.buf.length);
    this.at = 0;
    return out;
  }

  /** Gives back a buffer that `handOver` handed out, once its bytes are written, for the sink to fill again. */
  reuse(buffer: ArrayBuffer): void {
    if (this.spares.length < MAX_SPARES) this.spares.push(buffer);
  }
}
