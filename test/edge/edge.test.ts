/**
 * The scorer where it is meant to run: inside Cloudflare's real Workers runtime (workerd, via Miniflare),
 * where `new Function` and compiling WebAssembly from bytes are refused, and in headless Chromium; plus the
 * bundle's size and the HTML report rendered in the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { chromium, type Browser } from 'playwright-core';
import { AdvancedSymplecticOptimizer, HamiltonianNN, fit, parseCsv, prepareTable, scoreCsv } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';
import { cli, ROOT, tempDir } from '../cli/helpers.js';
// @ts-expect-error: a plain .mjs build script without type declarations
import { bundleScorer } from '../../scripts/bundle.mjs';

const table = parseCsv(readFileSync(join(ROOT, 'data', 'credit_data.csv'), 'utf8'));
const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 9, applySmote: false });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [32, 16], seed: 9 });
await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), prep.train, { epochs: 2, seed: 9 });
const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON() });
const records = table.rows.slice(0, 40).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));
const expected = Array.from(loadScorerSync(bytes).scoreBatch(records));
const b64 = Buffer.from(bytes).toString('base64');
const CHROMIUM = '/usr/bin/chromium';

describe('bundles', () => {
  it('the browser bundle is ≤ 30 KB gzipped and uses no eval, new Function or Node built-ins', async () => {
    const b = await bundleScorer('browser');
    expect(b.gzip).toBeLessThanOrEqual(30 * 1024);
    expect(b.code).not.toMatch(/\beval\(|new Function\(|require\(["']node:|from ["']node:/);
  });
});

describe('inside workerd (Miniflare): code generation from strings and WASM compilation from bytes are refused', () => {
  it('scores a model sent in a request, through the workerd export condition, with WASM imported as a module', async () => {
    const b = await bundleScorer('workerd');
    const worker = `
      import { loadScorer } from './score.js';
      export default {
        async fetch(request) {
          const { model, records, engine } = await request.json();
          let codegen = 'allowed';
          try { new Function('return 1'); } catch { codegen = 'refused'; }
          const bytes = Uint8Array.from(atob(model), (c) => c.charCodeAt(0));
          const s = await loadScorer(bytes, { engine });
          return Response.json({ probabilities: Array.from(s.scoreBatch(records)), engine: s.engine, codegen });
        },
      };`;
    const wasm = (f: string) => readFileSync(join(ROOT, 'src', 'backend', 'wasm', 'generated', f));
    const mf = new Miniflare({
      compatibilityDate: '2026-04-01',
      modules: [
        { type: 'ESModule', path: 'worker.js', contents: worker },
        { type: 'ESModule', path: 'score.js', contents: b.code },
        // The scorer's own build (assembly/inference.ts): the training kernels' modules are not needed.
        { type: 'CompiledWasm', path: 'inference-simd.wasm', contents: wasm('inference-simd.wasm') },
        { type: 'CompiledWasm', path: 'inference-scalar.wasm', contents: wasm('inference-scalar.wasm') },
      ],
    });
    try {
      for (const engine of ['auto', 'js']) {
        const res = await mf.dispatchFetch('http://worker/', { method: 'POST', body: JSON.stringify({ model: b64, records, engine }) });
        const out = (await res.json()) as { probabilities: number[]; engine: string; codegen: string };
        expect(out.codegen).toBe('refused');
        expect(out.engine).toBe(engine === 'auto' ? 'wasm' : 'js');
        out.probabilities.forEach((p, i) => expect(Math.abs(p - expected[i])).toBeLessThan(1e-5));
      }
    } finally {
      await mf.dispose();
    }
  });
});

describe('scoreCsv and CsvScoringStream inside workerd: CSV in, scored CSV out, from the workerd build of the main entry', () => {
  it("writes Node's bytes, its WASM kernels imported as modules, whole and streamed (a request body piped through)", async () => {
    const { build } = await import('esbuild');
    // The package's workerd build of its main entry (dist/edge.js, as a user's bundler finds it: the package marks
    // only it as having side effects), plus the kernels' factories to ask whether they compiled there (else the JS
    // loops would write the same bytes, and this test could not tell).
    const lib = await build({
      stdin: {
        contents: `export * from './dist/edge.js'; export { WasmRecordScanner } from './dist/backend/wasm/byte-scan.js'; export { WasmByteCells } from './dist/backend/wasm/byte-cells.js';`,
        resolveDir: ROOT,
        loader: 'js',
      },
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'esm',
      conditions: ['workerd'],
      logLevel: 'silent',
      plugins: [{ name: 'wasm', setup: (b) => b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: `./${a.path.split('/').at(-1)}`, external: true })) }],
    });
    const worker = `
      import { scoreCsv, CsvScoringStream, WasmRecordScanner, WasmByteCells } from './lib.js';
      import { loadScorer } from './lib-score.js';
      export default {
        async fetch(request) {
          if (new URL(request.url).pathname === '/stream') {
            // The upload streamed through, the scored CSV streamed back.
            const scorer = await loadScorer(Uint8Array.from(atob(request.headers.get('x-model')), (c) => c.charCodeAt(0)));
            return new Response(request.body.pipeThrough(new CsvScoringStream(scorer, { reasons: 2 })));
          }
          const form = await request.json();
          const scorer = await loadScorer(Uint8Array.from(atob(form.model), (c) => c.charCodeAt(0)));
          const { output, scored } = await scoreCsv(scorer, new TextEncoder().encode(form.csv), { reasons: 2 });
          const kernels = WasmRecordScanner.create() !== null && WasmByteCells.create({ fields: [], kinds: [], columns: [], tables: [], cols: 1 }) !== null;
          return Response.json({ csv: new TextDecoder().decode(output), scored, engine: scorer.engine, kernels });
        },
      };`;
    const score = await bundleScorer('workerd');
    const wasm = (f: string) => readFileSync(join(ROOT, 'src', 'backend', 'wasm', 'generated', f));
    const mf = new Miniflare({
      compatibilityDate: '2026-04-01',
      modules: [
        { type: 'ESModule', path: 'worker.js', contents: worker },
        { type: 'ESModule', path: 'lib.js', contents: lib.outputFiles[0].text },
        { type: 'ESModule', path: 'lib-score.js', contents: score.code },
        { type: 'CompiledWasm', path: 'simd.wasm', contents: wasm('simd.wasm') },
        { type: 'CompiledWasm', path: 'scalar.wasm', contents: wasm('scalar.wasm') },
        { type: 'CompiledWasm', path: 'inference-simd.wasm', contents: wasm('inference-simd.wasm') },
        { type: 'CompiledWasm', path: 'inference-scalar.wasm', contents: wasm('inference-scalar.wasm') },
        { type: 'CompiledWasm', path: 'csv.wasm', contents: wasm('csv.wasm') },
      ],
    });
    try {
      const csv = readFileSync(join(ROOT, 'data', 'credit_data.csv'), 'utf8')
        .split('\n')
        .slice(0, 300)
        .join('\n');
      const res = await mf.dispatchFetch('http://worker/', { method: 'POST', body: JSON.stringify({ model: b64, csv }) });
      const out = (await res.json()) as { csv: string; scored: number; engine: string; kernels: boolean };
      const node = await scoreCsv(loadScorerSync(bytes), new TextEncoder().encode(csv), { reasons: 2 });
      expect(out.engine).toBe('wasm');
      expect(out.kernels).toBe(true); // the CSV kernels compiled there, from the module the entry imports
      expect(out.scored).toBe(node.scored);
      expect(out.csv).toBe(new TextDecoder().decode(node.output));
      const streamed = await mf.dispatchFetch('http://worker/stream', { method: 'POST', body: csv, headers: { 'x-model': b64 } });
      expect(await streamed.text()).toBe(new TextDecoder().decode(node.output));
    } finally {
      await mf.dispose();
    }
  });
});

describe('in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-system-deps.sh (Debian's chromium)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  });
  afterAll(async () => browser?.close());

  it('the browser bundle loads a model and scores exactly as Node does', async () => {
    const b = await bundleScorer('browser');
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html><body><script>${b.code}</script></body></html>`);
    const out = await page.evaluate(
      async ({ model, records }) => {
        const bytes = Uint8Array.from(atob(model), (c) => c.charCodeAt(0));
        const s = await (globalThis as any).HamiltonianScore.loadScorer(bytes);
        return { probabilities: Array.from(s.scoreBatch(records) as Float32Array), engine: s.engine };
      },
      { model: b64, records },
    );
    expect(out.engine).toBe('wasm');
    out.probabilities.forEach((p, i) => expect(Math.abs(p - expected[i])).toBeLessThan(1e-6));
    await page.close();
  });

  it('in a page without WebAssembly, the scorer runs on plain JavaScript and says why', async () => {
    const b = await bundleScorer('browser');
    const page = await browser.newPage();
    // A runtime without WebAssembly: remove it before the bundle loads.
    await page.setContent(`<!doctype html><html><body><script>delete globalThis.WebAssembly;</script><script>${b.code}</script></body></html>`);
    const out = await page.evaluate(
      async ({ model, records }) => {
        const bytes = Uint8Array.from(atob(model), (c) => c.charCodeAt(0));
        const s = await (globalThis as any).HamiltonianScore.loadScorer(bytes);
        return {
          wasm: typeof (globalThis as any).WebAssembly,
          engine: s.engine,
          reason: s.network.fallbackReason,
          probabilities: Array.from(s.scoreBatch(records) as Float32Array),
        };
      },
      { model: b64, records },
    );
    expect(out.wasm).toBe('undefined');
    expect(out.engine).toBe('js');
    expect(out.reason).toMatch(/WebAssembly is not available/);
    out.probabilities.forEach((p, i) => expect(Math.abs(p - expected[i])).toBeLessThan(1e-5));
    await page.close();
  });

  it("the library in a page: 'auto' picks WASM SIMD (after initWasm() at the latest) and trains", async () => {
    const { build } = await import('esbuild');
    const lib = await build({
      entryPoints: [join(ROOT, 'src', 'index.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'HAI',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html><body><script>${lib.outputFiles[0].text}</script></body></html>`);
    const out = await page.evaluate(async () => {
      const H = (globalThis as any).HAI;
      const before = new H.HamiltonianNN({ inputDim: 4, hiddenDims: [8], seed: 1 });
      await H.initWasm();
      const model = new H.HamiltonianNN({ inputDim: 4, hiddenDims: [16], seed: 1 });
      const rng = new H.Rng(2);
      const rows = 400;
      const x = new Float32Array(rows * 4).map(() => rng.normal());
      const y = Uint8Array.from({ length: rows }, (_, i) => (x[i * 4] + x[i * 4 + 1] > 0 ? 1 : 0));
      const h = await H.fit(
        model,
        new H.AdvancedSymplecticOptimizer(model.parameters()),
        { x, y, rows, cols: 4 },
        { epochs: 5, seed: 3, validation: { x, y, rows, cols: 4 } },
      );
      return {
        before: before.backend,
        reason: before.fallbackReason ?? '',
        after: model.backend,
        flavor: model.wasmFlavor,
        auc: h.epochs.at(-1).validation.auc,
      };
    });
    expect(out.after).toBe('wasm');
    expect(out.flavor).toBe('simd');
    expect(out.auc).toBeGreaterThan(0.9);
    // Chromium 156 compiles our 7 KB module synchronously on the main thread; browsers that refuse get JS with a reason naming initWasm().
    expect(out.before === 'wasm' || /initWasm/.test(out.reason)).toBe(true);
    expect(out.before).toBe('wasm');
    await page.close();
  });

  it('renders the demo report with non-empty charts', async () => {
    const dir = tempDir();
    const r = cli([
      'train',
      '--data',
      join(ROOT, 'data', 'credit_data.csv'),
      '--target',
      'Status',
      '--positive',
      'bad',
      '--out',
      join(dir, 'm.safetensors'),
      '--epochs',
      '3',
      '--report',
      join(dir, 'report.html'),
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1250, height: 1500 } });
    await page.goto(`file://${join(dir, 'report.html')}`);
    for (const id of ['roc', 'ks', 'distributions', 'calibration', 'loss', 'energy']) {
      // Non-empty: some path of the chart draws at least two segments.
      const segments = await page.$$eval(`#${id} svg path`, (ps) => ps.map((p) => ((p.getAttribute('d') ?? '').match(/L/g) ?? []).length));
      expect(segments.length, id).toBeGreaterThan(0);
      expect(Math.max(...segments), id).toBeGreaterThanOrEqual(2);
      const box = await page.$eval(`#${id} svg`, (s) => s.getBoundingClientRect().width);
      expect(box).toBeGreaterThan(100);
    }
    expect(await page.$$eval('#metrics tr', (rows) => rows.length)).toBeGreaterThanOrEqual(10);
    writeFileSync(join(dir, 'report.png'), await page.screenshot({ fullPage: true }));
    await page.close();
  });
});
