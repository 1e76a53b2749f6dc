/**
 * provideNodeWebGPU against a stand-in for the `webgpu` package whose device refuses
 * `device.onuncapturederror = fn` the way Dawn's does — the one incompatibility gpu.js hits in Node. (The real
 * Dawn binary needs glibc ≥ 2.38 and does not load on CI; bench/gpu/run.sh exercises it on a GPU machine.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

class DawnLikeDevice extends EventTarget {
  get onuncapturederror(): never {
    throw new TypeError('Illegal invocation');
  }
  set onuncapturederror(_fn: unknown) {
    throw new TypeError('object is not of the correct interface type');
  }
}
const state = { adapters: 1, requested: 0 };
vi.mock('webgpu', () => ({
  globals: { GPUBufferUsage: { STORAGE: 0x80 } },
  create: () => ({
    async requestAdapter() {
      state.requested++;
      if (!state.adapters) return null;
      return {
        info: { vendor: 'nvidia', device: 'H200 (stand-in)' },
        async requestDevice() {
          return new DawnLikeDevice();
        },
      };
    },
  }),
}));

const g = globalThis as { navigator?: { gpu?: unknown }; GPUBufferUsage?: unknown };
afterEach(() => {
  if (g.navigator) delete g.navigator.gpu;
  delete g.GPUBufferUsage;
});

describe('provideNodeWebGPU with a Dawn-like device', () => {
  it('sets up navigator.gpu and the WebGPU globals, names the adapter, and makes onuncapturederror assignable', async () => {
    const { provideNodeWebGPU } = await import('../../src/backend/gpu/node-webgpu.js');
    expect(() => (new DawnLikeDevice().onuncapturederror = () => {})).toThrow(/not of the correct interface type/);
    const setup = await provideNodeWebGPU();
    expect(setup).toEqual({ ok: true, adapter: 'nvidia H200 (stand-in)' });
    expect(g.GPUBufferUsage).toEqual({ STORAGE: 0x80 });
    const gpu = g.navigator!.gpu as { requestAdapter(): Promise<{ requestDevice(): Promise<DawnLikeDevice> }> };
    const device = await (await gpu.requestAdapter()).requestDevice();
    const seen: unknown[] = [];
    device.onuncapturederror = (e: unknown) => seen.push(e); // what gpu.js does; Dawn would throw here
    const event = new Event('uncapturederror');
    device.dispatchEvent(event);
    expect(seen).toEqual([event]);
    expect(typeof device.onuncapturederror).toBe('function');
    const again = await provideNodeWebGPU();
    expect(again.reason).toBe('navigator.gpu already present');
    // Dawn keeps Node alive while navigator.gpu holds it: the CLI exits explicitly, a library user releases it.
    const { nodeWebGPULoaded, releaseNodeWebGPU } = await import('../../src/backend/gpu/node-webgpu.js');
    const { mustExitExplicitly } = await import('../../src/cli/main.js');
    expect(nodeWebGPULoaded()).toBe(true);
    expect(mustExitExplicitly()).toBe(true);
    releaseNodeWebGPU();
    expect(g.navigator?.gpu).toBeUndefined();
    expect(nodeWebGPULoaded()).toBe(false);
  });

  it('reports a missing adapter instead of throwing', async () => {
    const { provideNodeWebGPU } = await import('../../src/backend/gpu/node-webgpu.js');
    state.adapters = 0;
    const setup = await provideNodeWebGPU();
    expect(setup.ok).toBe(false);
    expect(setup.reason).toMatch(/found no adapter \(no GPU, or no Vulkan loader\/driver\)/);
    expect(g.navigator?.gpu).toBeUndefined();
    const { nodeWebGPULoaded } = await import('../../src/backend/gpu/node-webgpu.js');
    expect(nodeWebGPULoaded()).toBe(false);
    state.adapters = 1;
  });
});
