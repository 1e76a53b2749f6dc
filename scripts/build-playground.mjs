// `npm run build:playground [-- OUTDIR]`: bundles the playground (playground/main.ts and its worker) with esbuild from
// the library's source, and writes a folder any static host can serve: index.html, main.js, worker.js, chunks, and
// the shipped CSVs under data/. Default OUTDIR: playground-dist/.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'playground-dist'));
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'data'), { recursive: true });
await build({
  entryPoints: { main: join(root, 'playground', 'main.ts'), worker: join(root, 'playground', 'worker.ts') },
  outdir: out,
  bundle: true,
  splitting: true, // the GPU path (imported only when asked for) stays in a chunk the page never loads
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  // As the package's "browser" field does for dist/: the browser needs no Node WebGPU binding.
  plugins: [
    {
      name: 'browser-webgpu',
      setup(b) {
        b.onResolve({ filter: /node-webgpu\.js$/ }, (args) =>
          args.importer.endsWith('.browser.ts') ? undefined : { path: join(dirname(args.importer), 'node-webgpu.browser.ts') },
        );
      },
    },
  ],
});
copyFileSync(join(root, 'playground', 'index.html'), join(out, 'index.html'));
for (const f of ['credit_data.csv', 'lending_club.csv']) copyFileSync(join(root, 'data', f), join(out, 'data', f));
console.log(`playground written to ${out}`);
