/**
 * Makes WebGPU available to gpu.js in Node: `navigator.gpu` from the npm package `webgpu` (Google's Dawn),
 * with the one fix gpu.js needs — it assigns `device.onuncapturederror = fn`, which Dawn's native device
 * rejects ("object is not of the correct interface type"); here the property becomes an accessor we control
 * and errors are forwarded from an 'uncapturederror' listener instead.
 * Returns why it is unavailable instead of throwing (Dawn's Linux binary needs glibc ≥ 2.38, for example).
 */
export interface WebGpuSetup {
  ok: boolean;
  reason?: string;
  adapter?: string;
}

type AnyRecord = Record<string, any>;

/** Whether this process created a Dawn instance (it keeps Node's event loop alive while referenced). */
let dawnLoaded = false;

/**
 * Whether `provideNodeWebGPU` loaded Dawn in this process. Dawn's instance keeps Node from exiting on its own
 * while `navigator.gpu` refers to it (the `webgpu` package's "Lifetime" note): release it with
 * `releaseNodeWebGPU()`, or end the process with `process.exit()` once output is flushed, as the CLI does.
 * @example
 * if (nodeWebGPULoaded()) releaseNodeWebGPU();
 */
export function nodeWebGPULoaded(): boolean {
  return dawnLoaded;
}

/**
 * Drops the `navigator.gpu` that `provideNodeWebGPU` set up, so Dawn can be collected and Node can exit.
 * Create GPU backends again afterwards and Dawn is loaded anew.
 * @example
 * releaseNodeWebGPU();
 */
export function releaseNodeWebGPU(): void {
  const g = globalThis as AnyRecord;
  if (dawnLoaded && g.navigator) delete g.navigator.gpu;
  dawnLoaded = false;
}

/**
 * @example
 * const setup = await provideNodeWebGPU();
 * if (!setup.ok) console.log(setup.reason);
 */
export async function provideNodeWebGPU(): Promise<WebGpuSetup> {
  const g = globalThis as AnyRecord;
  if (g.navigator?.gpu) return { ok: true, reason: 'navigator.gpu already present' };
  let mod: AnyRecord;
  try {
    mod = await import('webgpu');
  } catch (e) {
    return { ok: false, reason: `the npm package 'webgpu' (Dawn) cannot be loaded here: ${(e as Error).message.split('\n')[0]}` };
  }
  try {
    if (mod.globals) Object.assign(g, mod.globals);
    const gpu = mod.create([]);
    dawnLoaded = true;
    const requestAdapter = gpu.requestAdapter.bind(gpu);
    gpu.requestAdapter = async (...args: unknown[]) => {
      const adapter = await requestAdapter(...args);
      if (!adapter) return adapter;
      const requestDevice = adapter.requestDevice.bind(adapter);
      adapter.requestDevice = async (...dargs: unknown[]) => {
        const device = await requestDevice(...dargs);
        let handler: ((e: unknown) => void) | null = null;
        device.addEventListener?.('uncapturederror', (e: unknown) => handler?.(e));
        Object.defineProperty(device, 'onuncapturederror', { configurable: true, get: () => handler, set: (fn) => (handler = fn) });
        return device;
      };
      return adapter;
    };
    if (!g.navigator) Object.defineProperty(g, 'navigator', { value: {}, configurable: true, writable: true });
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      releaseNodeWebGPU(); // nothing usable: leave no half-set-up WebGPU for gpu.js to probe
      return { ok: false, reason: 'WebGPU loaded but found no adapter (no GPU, or no Vulkan loader/driver)' };
    }
    const info = adapter.info ?? {};
    return { ok: true, adapter: [info.vendor, info.device ?? info.description].filter(Boolean).join(' ') || 'unknown adapter' };
  } catch (e) {
    return { ok: false, reason: `WebGPU set-up failed: ${(e as Error).message.split('\n')[0]}` };
  }
}
