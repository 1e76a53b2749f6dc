/**
 * The optional GPU backend's device set-up: gpu.js kernels (WebGPU, WebGL, or gpu.js's own `webasm`/`cpu`
 * modes), loaded with dynamic `import()` only when asked for. Models on the device are `nn/gpu-model.ts`
 * (inference) and `train/gpu-network.ts` (training). Nothing here is required: when no usable GPU is found the
 * result says why (`fallbackReason`) and callers carry on with the CPU backends.
 *
 * The async reality: WebGPU readback is asynchronous, so everything here returns Promises; the synchronous
 * paths (`forward`, `predictProba`, the scorer's `score`) stay on WASM/JS.
 */
import { createGpuKernels, type GpuKernels } from './kernels.js';
import { gpuSelfCheck } from './kernel-check.js';
import { provideNodeWebGPU } from './node-webgpu.js';

export { nodeWebGPULoaded, releaseNodeWebGPU } from './node-webgpu.js';
export { gpuSelfCheck, type GpuSelfCheck } from './kernel-check.js';
export { MAX_KERNEL_OUTPUTS, REDUCE_PARTIALS, type GpuKernels, type GpuTensor } from './kernels.js';

/** gpu.js modes: 'auto' tries WebGPU then WebGL; 'webasm' and 'cpu' run the same kernels on the CPU. */
export type GpuMode = 'auto' | 'webgpu' | 'webgl' | 'webgl2' | 'headlessgl' | 'webasm' | 'cpu';

/** A loaded gpu.js instance and its kernels. */
export interface GpuBackend {
  /** The gpu.js mode in use. */
  mode: string;
  kernels: GpuKernels;
  /** The adapter, when WebGPU reported one. */
  adapter?: string;
  /** Releases the gpu.js instance. */
  destroy(): void;
}

/** No usable GPU: why not (the CPU backends carry on). */
export interface GpuUnavailable {
  mode: null;
  fallbackReason: string;
}

/**
 * Loads gpu.js and picks a mode. 'auto' tries WebGPU (setting up `navigator.gpu` from the `webgpu` package
 * in Node), then WebGL; it does not silently fall back to gpu.js's CPU modes — those are only used when
 * asked for by name (tests, benchmarks). Returns a `GpuUnavailable` with the reason instead of throwing.
 * With `selfCheck: true` the device must also pass `gpuSelfCheck`, or the result is unavailable with the failures.
 * @example
 * const gpu = await createGpuBackend('auto', { selfCheck: true });
 * if (gpu.mode === null) console.log('CPU it is:', gpu.fallbackReason);
 */
export async function createGpuBackend(mode: GpuMode = 'auto', options: { selfCheck?: boolean } = {}): Promise<GpuBackend | GpuUnavailable> {
  const gpu = await openGpuBackend(mode);
  if (gpu.mode === null || !options.selfCheck) return gpu;
  // Drivers and shader compilers differ: with selfCheck the device earns trust by matching the reference first.
  const check = await gpuSelfCheck(gpu);
  if (check.ok) return gpu;
  gpu.destroy();
  return {
    mode: null,
    fallbackReason: `the GPU (gpu.js ${gpu.mode}) disagrees with the reference kernels (${check.failures.join('; ')}); using the CPU backends`,
  };
}

async function openGpuBackend(mode: GpuMode): Promise<GpuBackend | GpuUnavailable> {
  const reasons: string[] = [];
  let adapter: string | undefined;
  // In Node, navigator.gpu must exist before gpu.js is loaded (it may probe WebGPU support at import).
  let webgpuReady = typeof window !== 'undefined';
  if (!webgpuReady && (mode === 'auto' || mode === 'webgpu')) {
    const setup = await provideNodeWebGPU();
    webgpuReady = setup.ok;
    if (setup.ok) adapter = setup.adapter;
    else reasons.push(`webgpu: ${setup.reason}`);
  }
  let GPU: any;
  try {
    ({ GPU } = await import('gpu.js'));
  } catch (e) {
    return { mode: null, fallbackReason: `gpu.js is not installed (npm install gpu.js): ${(e as Error).message.split('\n')[0]}` };
  }
  const candidates: string[] = mode === 'auto' ? (webgpuReady ? ['webgpu', 'webgl2', 'webgl', 'headlessgl'] : ['webgl2', 'webgl', 'headlessgl']) : [mode];
  for (const m of candidates) {
    if (m === 'webgpu' && !webgpuReady) continue;
    try {
      const gpu = new GPU({ mode: m });
      if (mode === 'auto' && (gpu.mode === 'cpu' || gpu.mode === 'webasm')) {
        gpu.destroy?.();
        reasons.push(`${m}: not supported here`);
        continue;
      }
      const used = gpu.mode ?? m;
      if (used === 'webgpu' && adapter === undefined) adapter = await browserAdapterName();
      return { mode: used, kernels: createGpuKernels(gpu), adapter, destroy: () => gpu.destroy?.() };
    } catch (e) {
      reasons.push(`${m}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { mode: null, fallbackReason: `no usable GPU (${reasons.join('; ')}); using the CPU backends` };
}

/** The WebGPU adapter's vendor/architecture in a browser (Node gets it from provideNodeWebGPU). */
async function browserAdapterName(): Promise<string | undefined> {
  try {
    const a = await (
      globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } } }
    ).navigator?.gpu?.requestAdapter();
    const info = a?.info ?? {};
    return [info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ') || undefined;
  } catch {
    return undefined;
  }
}
