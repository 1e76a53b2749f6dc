#!/usr/bin/env node
// Bundles the edge scorer (`hamiltonian-ai/score`) with esbuild, minified:
//   browser: src/score/index.ts → one IIFE file (global `HamiltonianScore`), WASM bytes inline (base64)
//   workerd: src/score/edge.ts  → one ESM file importing ./simd.wasm and ./scalar.wasm as modules
// `npm run size` prints each bundle's size raw and gzipped. Used by the edge tests too.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const wasmAsModule = {
  name: 'wasm-as-module',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: `./${basename(args.path)}`, external: true }));
  },
};

export async function bundleScorer(target) {
  const common = { bundle: true, minify: true, write: false, legalComments: 'none', target: 'es2022', logLevel: 'silent' };
  const result =
    target === 'browser'
      ? await build({ ...common, entryPoints: [join(root, 'src/score/index.ts')], platform: 'browser', format: 'iife', globalName: 'HamiltonianScore' })
      : await build({
          ...common,
          entryPoints: [join(root, 'src/score/edge.ts')],
          platform: 'neutral',
          format: 'esm',
          conditions: ['workerd'],
          plugins: [wasmAsModule],
        });
  const code = result.outputFiles[0].text;
  return { code, bytes: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const t of ['browser', 'workerd']) {
    const b = await bundleScorer(t);
    console.log(
      `scorer bundle (${t}): ${(b.bytes / 1024).toFixed(1)} KB minified, ${(b.gzip / 1024).toFixed(1)} KB gzipped${t === 'workerd' ? ' (+ the .wasm modules)' : ' (WASM included)'}`,
    );
  }
}
