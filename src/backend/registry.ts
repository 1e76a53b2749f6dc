import { matmul, matmulNT, matmulTN } from '../core/matrix.js';
import { detectWasm } from './wasm/module.js';
import { wasmMatmul } from './wasm/kernels.js';

/** Where kernels run: `js` is the reference implementation; `wasm` the AssemblyScript build; `gpu` gpu.js. */
export type BackendName = 'js' | 'wasm' | 'gpu';
/** What a caller asks for: 'auto' or a backend by name. */
export type BackendChoice = 'auto' | BackendName;

/** out[m×n] (+)= op(a) · op(b); the op names say which operand is transposed (row-major storage). */
export type MatmulKernel = (out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, accumulate?: boolean) => Float32Array;

/** The kernel signature of each op. */
export interface KernelMap {
  matmul: MatmulKernel;
  matmulNT: MatmulKernel;
  matmulTN: MatmulKernel;
}

/** Names of the ops in the registry. */
export type OpName = keyof KernelMap;

const kernels = new Map<string, unknown>();

/**
 * Registers a kernel for an op on a backend (later registrations replace earlier ones).
 * @example
 * registerKernel('matmul', 'js', myMatmul);
 */
export function registerKernel<K extends OpName>(op: K, backend: BackendName, fn: KernelMap[K]): void {
  kernels.set(`${op}:${backend}`, fn);
}

/**
 * The kernel for `op` on `backend`; throws naming what is registered when it is missing.
 * @example
 * getKernel('matmulNT', 'wasm')(out, a, b, m, k, n);
 */
export function getKernel<K extends OpName>(op: K, backend: BackendName): KernelMap[K] {
  const fn = kernels.get(`${op}:${backend}`);
  if (!fn) throw new RangeError(`no '${op}' kernel for backend '${backend}' (registered: ${[...kernels.keys()].join(', ')})`);
  return fn as KernelMap[K];
}

/**
 * Every registered (op, backend) pair.
 * @example
 * listKernels(); // [{ op: 'matmul', backend: 'js' }, …]
 */
export function listKernels(): Array<{ op: string; backend: string }> {
  return [...kernels.keys()].map((k) => {
    const [op, backend] = k.split(':');
    return { op, backend };
  });
}

// The reference kernels are always present.
registerKernel('matmul', 'js', matmul);
registerKernel('matmulNT', 'js', matmulNT);
registerKernel('matmulTN', 'js', matmulTN);
registerKernel('matmul', 'wasm', wasmMatmul.matmul);
registerKernel('matmulNT', 'wasm', wasmMatmul.matmulNT);
registerKernel('matmulTN', 'wasm', wasmMatmul.matmulTN);

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
  if (!['auto', 'wasm', 'gpu'].includes(choice)) throw new RangeError(`backend must be 'auto', 'js', 'wasm' or 'gpu', got '${choice}'`);
  const s = detectWasm();
  if (!s.wasm) {
    if (choice === 'wasm') throw new Error(`backend 'wasm' is not available: ${s.reason}`);
    return { backend: 'js', fallbackReason: s.reason };
  }
  const base: ResolvedBackend = { backend: 'wasm', simd: s.simd };
  if (choice === 'gpu') base.fallbackReason = "backend 'gpu' needs the asynchronous GPU set-up (see src/backend/gpu); using the CPU";
  else if (!s.simd && s.reason) base.fallbackReason = s.reason;
  return base;
}
