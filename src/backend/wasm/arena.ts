import { UsageError } from '../../core/errors.js';
import { align16, bumpReserve } from './bump.js';
import type { WasmExports } from './generated/exports.js';
import type { WasmFlavor } from './loader.js';

/**
 * Tags on the views the arena hands out: which arena and at what byte offset. Reading `buffer` and `byteOffset`
 * of a view onto WebAssembly memory costs ~15–20 ns each in V8, a tag ~4 ns — and a kernel call checks several
 * operands. An offset outlives memory growth (the bump allocator never moves or frees), so a tagged view stays
 * a valid operand even after growth detached it. Sub-views (`subarray`) carry no tag and take the slow check.
 */
const ARENA = Symbol('hamiltonian-ai.arena');
const OFFSET = Symbol('hamiltonian-ai.offset');
const LENGTH = Symbol('hamiltonian-ai.length');
type Tagged = Float32Array & { [ARENA]?: WasmArena; [OFFSET]?: number; [LENGTH]?: number };

interface Binding {
  target: Record<string, unknown>;
  key: string;
  offset: number;
  length: number;
}

/**
 * One WASM instance's linear memory used as an arena: parameters, gradients, optimiser state and
 * activations are allocated here and exposed as Float32Array views, so kernels work on them in place
 * (no copy per step). Views bound with `bind` are re-created whenever the memory grows (growth detaches
 * the old ArrayBuffer). Allocation is a bump pointer: an arena lives as long as the model that owns it.
 * @example
 * const arena = new WasmArena(instantiateWasm());
 * const w = arena.allocBound(holder, 'weights', 1024); // holder.weights stays a live view
 */
export class WasmArena {
  readonly exports: WasmExports;
  readonly flavor: WasmFlavor;
  private top: number;
  private readonly bindings: Binding[] = [];
  /** sgemm scratch. */
  readonly work: number;
  /** Number of times the memory grew (for tests). */
  grows = 0;
  /**
   * The memory's current buffer, cached: reading `memory.buffer` is a native accessor call, and the ownership
   * checks run several times per kernel call. Only `allocBytes` grows the memory (the kernels never do).
   */
  private buffer: ArrayBuffer;

  /** `onGrow` runs after the memory grew (and bound views were refreshed): the registry tracks the new buffer. */
  constructor(
    instance: { exports: WasmExports; flavor: WasmFlavor },
    private readonly onGrow?: (arena: WasmArena) => void,
  ) {
    this.exports = instance.exports;
    this.flavor = instance.flavor;
    const exports = instance.exports;
    this.buffer = exports.memory.buffer;
    this.top = align16(exports.heapBase());
    this.work = this.allocBytes(exports.sgemmWorkBytes());
  }

  /**
   * The byte offset of `a` for a kernel call; throws when `a` is not a view into this arena's current memory
   * (a kernel would otherwise read or write unrelated memory at that offset).
   */
  readonly pointer = (a: Float32Array): number => {
    if ((a as Tagged)[ARENA] === this) return (a as Tagged)[OFFSET]!;
    if (a.buffer !== this.buffer)
      throw new UsageError(`WASM kernel: a tensor of ${a.length} values is not in this backend's memory (allocate it with ops.alloc)`);
    return a.byteOffset;
  };

  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  get byteLength(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /** Reserves `bytes` (16-byte aligned, zero-filled), growing memory if needed; returns the byte offset. */
  allocBytes(bytes: number): number {
    const offset = this.top;
    const have = this.exports.memory.buffer.byteLength;
    const end = bumpReserve(this.exports.memory, offset, bytes);
    if (end > have) {
      this.grows++;
      this.refresh();
      this.onGrow?.(this);
    }
    this.top = end;
    // Pages added by grow() are zero by the spec: only memory that was already there needs clearing.
    const clearEnd = Math.min(end, have);
    if (clearEnd > offset) new Uint8Array(this.exports.memory.buffer, offset, clearEnd - offset).fill(0);
    return offset;
  }

  /** A view of `length` floats at `offset` (valid until the memory next grows; use `bind` to keep it fresh). */
  view(offset: number, length: number): Float32Array {
    const v: Tagged = new Float32Array(this.exports.memory.buffer, offset, length);
    v[ARENA] = this;
    v[OFFSET] = offset;
    v[LENGTH] = length;
    return v;
  }

  /**
   * A view JavaScript can read and write now: `a` itself, or — for a view of this arena that a later growth
   * detached (a kernel still takes it by its offset; a JS loop would see length 0) — a fresh view of the same floats.
   */
  live(a: Float32Array): Float32Array {
    const t = a as Tagged;
    if (t[ARENA] !== this || a.buffer === this.buffer) return a;
    return this.view(t[OFFSET]!, t[LENGTH]!);
  }

  /** Allocates `length` floats and keeps `target[key]` a current view of them. */
  allocBound(target: object, key: string, length: number): Float32Array {
    const offset = this.allocBytes(length * 4);
    this.bindings.push({ target: target as Record<string, unknown>, key, offset, length });
    const v = this.view(offset, length);
    (target as Record<string, unknown>)[key] = v;
    return v;
  }

  /** True when `a` is a view into this arena's current memory. */
  owns(a: ArrayBufferView): boolean {
    return (a as Tagged)[ARENA] === this || a.buffer === this.buffer;
  }

  private refresh(): void {
    this.buffer = this.exports.memory.buffer;
    for (const b of this.bindings) b.target[b.key] = this.view(b.offset, b.length);
  }
}
