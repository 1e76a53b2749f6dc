/**
 * The bump allocation both WebAssembly memories use (the network kernels' arena, the CSV kernels' instances): regions
 * 16-byte aligned, never freed or moved, the memory grown geometrically when one does not fit.
 */

const PAGE = 65536;

/** n rounded up to a multiple of 16. */
export function align16(n: number): number {
  return (n + 15) & ~15;
}

/**
 * Reserves `bytes` at `top` in `memory`, growing it (by at least half its size) when they do not fit; returns where the
 * region ends — the next top. Memory added by grow() is zero.
 * @example
 * const offset = top;
 * top = bumpReserve(instance.exports.memory, top, 1024);
 */
export function bumpReserve(memory: WebAssembly.Memory, top: number, bytes: number): number {
  const end = top + align16(bytes);
  const have = memory.buffer.byteLength;
  if (end > have) memory.grow(Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 2)));
  return end;
}
