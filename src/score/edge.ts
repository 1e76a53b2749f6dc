/**
 * `hamiltonian-ai/score` for edge runtimes (workerd, edge-light): they refuse to compile WebAssembly
 * from bytes, so the scorer's builds (assembly/inference.ts) are imported as modules and handed to the loader before use.
 */
import scalar from '../backend/wasm/generated/inference-scalar.wasm';
import simd from '../backend/wasm/generated/inference-simd.wasm';
import { provideWasmModule } from '../backend/wasm/inference-module.js';

provideWasmModule('simd', simd);
provideWasmModule('scalar', scalar);

export * from './index.js';
