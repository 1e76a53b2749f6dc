#!/usr/bin/env node
// Replaces dist/score/index.js (the `hamiltonian-ai/score` entry for Node and browsers) by one ESM file bundling its
// private modules: a cold start is dominated by how many modules Node loads (~1 ms each), and the scorer is what
// serverless functions start on every cold request. Modules with an identity or state a user or another entry can
// see stay shared, imported by relative path: the error classes (instanceof), the Preprocessor class, the WASM
// loaders (their compiled-module caches are what `provideWasmModule` fills on edge runtimes).
import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const entry = join(dist, 'score', 'index.js');
const SHARED = [
  'core/errors.js',
  'data/errors.js',
  'io/safetensors.js',
  'data/preprocessor.js',
  'backend/wasm/module.js',
  'backend/wasm/inference-module.js',
].map((p) => join(dist, p));

const shared = {
  name: 'shared-modules',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      const target = join(args.resolveDir, args.path);
      if (!SHARED.includes(target)) return undefined;
      const spec = relative(dirname(entry), target);
      return { path: spec.startsWith('.') ? spec : `./${spec}`, external: true };
    });
  },
};

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [shared],
});
console.log(`bundled ${relative(root, entry)} (shared: ${SHARED.map((p) => relative(dist, p)).join(', ')})`);
