/**
 * Entry point for edge runtimes (Cloudflare workerd, Vercel edge-light), chosen by the package's
 * `workerd` / `edge-light` export conditions. These runtimes refuse to compile WebAssembly from bytes at
 * run time, so the WASM builds are imported as modules (the bundler compiles them at deploy time) and
 * handed to the loader; everything else is the main entry.
 */
import { provideCsvWasmModule } from './backend/wasm/csv-module.js';
import csv from './backend/wasm/generated/csv.wasm';
import inferenceScalar from './backend/wasm/generated/inference-scalar.wasm';
import inferenceSimd from './backend/wasm/generated/inference-simd.wasm';
import scalar from './backend/wasm/generated/scalar.wasm';
import simd from './backend/wasm/generated/simd.wasm';
import { provideWasmModule as provideInferenceWasmModule } from './backend/wasm/inference-module.js';
import { provideWasmModule } from './backend/wasm/module.js';

provideWasmModule('simd', simd);
provideWasmModule('scalar', scalar);
provideInferenceWasmModule('simd', inferenceSimd); // the scorer's build (Scorer, scoreCsv)
provideInferenceWasmModule('scalar', inferenceScalar);
provideCsvWasmModule(csv); // the CSV kernels of scoreCsv

export * from './index.js';
