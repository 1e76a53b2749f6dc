/**
 * The browser build of node-webgpu.ts (swapped in through package.json's `browser` field): in a browser WebGPU is
 * the browser's own `navigator.gpu`, and the Node package `webgpu` (a native addon) must not reach the bundle.
 */
import type { WebGpuSetup } from './node-webgpu.js';

/**
 * @example
 * const setup = await provideNodeWebGPU(); // in a browser: whether navigator.gpu exists
 */
export async function provideNodeWebGPU(): Promise<WebGpuSetup> {
  const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
  return gpu ? { ok: true, reason: 'navigator.gpu already present' } : { ok: false, reason: 'this browser has no WebGPU (navigator.gpu)' };
}

/** Never true in a browser (there is no Dawn to release). */
export function nodeWebGPULoaded(): boolean {
  return false;
}

/** Nothing to release in a browser. */
export function releaseNodeWebGPU(): void {}
