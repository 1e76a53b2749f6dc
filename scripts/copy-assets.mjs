#!/usr/bin/env node
// Copies non-TypeScript assets (the .wasm files) next to the compiled JavaScript in dist/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dst = join(root, 'dist', 'backend', 'wasm', 'generated');
mkdirSync(dst, { recursive: true });
for (const f of ['simd.wasm', 'scalar.wasm', 'inference-simd.wasm', 'inference-scalar.wasm', 'csv.wasm'])
  copyFileSync(join(root, 'src', 'backend', 'wasm', 'generated', f), join(dst, f));
