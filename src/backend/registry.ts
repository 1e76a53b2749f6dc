import { UsageError } from '../core/errors.js';
import { jsOps } from './js/index.js';
import type { BackendName, MatmulKernel, Ops } from './ops.js';
import { createWasmOps } from './wasm/index.js';
import type { WasmArena } from './wasm/arena.js';
import { detectWasm, type WasmFlavor } from './wasm/module.js';
import { wasmMatmul } from './wasm/staging.js';

export type { AdamStepConstants, BackendName, MatmulKernel, Ops, SgdStepConstants } from './ops.js';

/** What a caller asks for: 'auto' or a backend by name. */
export type BackendChoice = 'auto' | BackendName;

/** The backend `resolveBackend` chose, and why it differs from the request when it does. */
export interface ResolvedBackend {
  backend: BackendName;
  /** For `wasm`: whether the SIMD build is used. */
  simd?: boolean;
  /** Why the requested backend is not the one used (absent when it is). */
  fallbackReason?: string;
}

/**
 * Chooses a CPU backend: 'auto' is WASM (SIMD build where the runtime validates it, else the scalar
 * build) and falls back to 'js' with a reason where WebAssembly cannot be compiled; 'wasm' insists.
 * 'gpu' is asynchronous and handled by the GPU module; here it resolves like 'auto' with a reason.
 * @example
 * resolveBackend('auto'); // { backend: 'wasm', simd: true } in Node 20
 */
export function resolveBackend(choice: BackendChoice = 'auto'): ResolvedBackend {
  if (choice === 'js') return { backend: 'js' };
  if (!['auto', 'wasm', 'gpu'].includes(choice)) throw new UsageError(`backend must be 'auto', 'js', 'wasm' or 'gpu', got '${choice}'`);
  const s = detectWasm();
  if (!s.wasm) {
    if (choice === 'wasm') throw new UsageError(`backend 'wasm' is not available: ${s.reason}`);
    return { backend: 'js', fallbackReason: s.reason };
  }
  const base: ResolvedBackend = { backend: 'wasm', simd: s.simd };
  if (choice === 'gpu') base.fallbackReason = "backend 'gpu' needs the asynchronous GPU set-up (see src/backend/gpu); using the CPU";
  else if (!s.simd && s.reason) base.fallbackReason = s.reason;
  return base;
}

/** Which backend owns a tensor's memory: a WASM instance's buffer maps to its ops; anything else is js. */
const owners = new WeakMap<ArrayBufferLike, Ops>();

/** The CPU backends by name: each makes the ops a model (and everything acting on its tensors) runs on. */
const BACKENDS: Record<Exclude<BackendName, 'gpu'>, (flavor?: WasmFlavor) => Ops> = {
  js: () => jsOps,
  wasm: (flavor) => {
    let ops: Ops | undefined;
    // The instance's memory may grow while it is being set up: its buffer is recorded once the ops exist.
    const track = (arena: WasmArena) => ops && owners.set(arena.memory.buffer, ops);
    const created = createWasmOps(flavor, track);
    ops = created;
    track(created.arena);
    return created;
  },
};

/** The ops a model got, and why they are not the backend asked for when they are not. */
export interface CreatedOps {
  ops: Ops;
  fallbackReason?: string;
}

/**
 * Ops for a new model: 'auto' gives a fresh WASM instance (falling back to js with a reason), 'js' the reference
 * loops, 'wasm' insists. A WASM instance that cannot be compiled synchronously here (a browser's main thread)
 * falls back to js under 'auto', naming `initWasm()`.
 * @example
 * const { ops } = createOps('auto');
 */
export function createOps(choice: BackendChoice = 'auto', flavor?: WasmFlavor): CreatedOps {
  const resolved = flavor ? { backend: 'wasm' as const } : resolveBackend(choice);
  if (resolved.backend !== 'wasm') return { ops: BACKENDS.js(), fallbackReason: resolved.fallbackReason };
  try {
    const created: CreatedOps = { ops: BACKENDS.wasm(flavor) };
    if (resolved.fallbackReason) created.fallbackReason = resolved.fallbackReason;
    return created;
  } catch (e) {
    // A browser's main thread refuses to compile large modules synchronously: `await initWasm()` first.
    if (choice === 'wasm' || flavor) throw e;
    return {
      ops: BACKENDS.js(),
      fallbackReason: `WebAssembly could not be compiled synchronously here (${(e as Error).message}); call \`await initWasm()\` before creating models to use it`,
    };
  }
}

/**
 * The ops that own all of the given tensors (so their kernels can work on them in place): the WASM instance
 * they live in, or the js reference when they are plain arrays or spread over several instances. Optimisers and
 * losses dispatch through this, so they run on whatever backend holds a model's parameters.
 * @example
 * opsOf(p.data, p.grad).axpy(p.grad, lambda, p.data, n);
 */
export function opsOf(...tensors: Float32Array[]): Ops {
  const ops = owners.get(tensors[0].buffer);
  if (!ops) return jsOps;
  for (let i = 1; i < tensors.length; i++) if (!ops.owns(tensors[i])) return jsOps;
  return ops;
}

/** The matmul kernels `getKernel` hands out. */
export interface KernelMap {
  matmul: MatmulKernel;
  matmulNT: MatmulKernel;
  matmulTN: MatmulKernel;
}

/** Names of the ops `getKernel` hands out. */
export type OpName = keyof KernelMap;

/**
 * A matmul kernel for arbitrary Float32Arrays (the wasm ones copy operands through a shared instance).
 * @deprecated since 0.2: use `createOps(backend).matmul…` on tensors from `ops.alloc`; removed in 0.3.
 * @example
 * getKernel('matmulNT', 'wasm')(out, a, b, m, k, n);
 */
export function getKernel<K extends OpName>(op: K, backend: BackendName): KernelMap[K] {
  if (backend === 'js') return jsOps[op];
  if (backend === 'wasm') return wasmMatmul[op];
  throw new UsageError(`no '${op}' kernel for backend '${backend}' (registered: js, wasm)`);
}
