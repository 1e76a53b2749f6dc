/**
 * The GPU path on real WebGPU and WebGL: headless Chromium with SwiftShader (Chromium's software Vulkan and
 * GL), so the WGSL and GLSL that gpu.js generates from our kernels, pipeline buffers/textures and asynchronous
 * readback all run in CI. SwiftShader says nothing about speed (bench/gpu does, on a GPU); it does say the
 * kernels compile and compute the same numbers as the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AdvancedSymplecticOptimizer, HamiltonianNN, Rng, fit, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';
import { ROOT } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const make = () => new HamiltonianNN({ inputDim: 6, hiddenDims: [16, 8], dropoutRate: 0.2, seed: 4, backend: 'js' });
const rng = new Rng(11);
const rows = 300;
const x = Float32Array.from({ length: rows * 6 }, () => rng.normal());
const y = Uint8Array.from({ length: rows }, (_, i) => (x[i * 6] - x[i * 6 + 1] + 0.3 * rng.normal() > 0 ? 1 : 0));
const data = { x, y, rows, cols: 6 };
const reference = make();
const referenceHistory = await fit(reference, new AdvancedSymplecticOptimizer(reference.parameters(), { lr: 0.05 }), data, {
  epochs: 3,
  batchSize: 64,
  seed: 5,
  classWeights: [1, 1.5],
  validation: data,
});
const scoreRows = 2500;
const xs = Float32Array.from({ length: scoreRows * 6 }, () => rng.normal());
const wantScores = reference.predictProba(xs, scoreRows);

interface BrowserRun {
  mode: string | null;
  reason?: string;
  adapter?: string;
  check?: { failures: string[]; worst: Record<string, number> };
  params?: number[][];
  history?: Array<{ loss: number; regLoss: number; validation: { auc: number } }>;
  scores?: number[];
}

describe('GPU kernels on WebGPU and WebGL (headless Chromium, SwiftShader)', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-system-deps.sh (Debian's chromium)`);
    const { build } = await import('esbuild');
    // The built package, bundled as a user's bundler would (the browser field keeps the Node-only `webgpu` out).
    const entry = `export * from ${JSON.stringify(join(ROOT, 'dist', 'gpu.js'))}; export { HamiltonianNN, AdvancedSymplecticOptimizer, fit } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};`;
    const lib = await build({
      stdin: { contents: entry, resolveDir: ROOT, loader: 'js' },
      bundle: true,
      format: 'iife',
      globalName: 'HG',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    expect(lib.outputFiles[0].text).not.toMatch(/from ["']node:|require\(["']node:|dawn\.node/);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
    // WebGPU needs a secure context: serve the page from http://localhost, not about:blank.
    await page.route('http://localhost/**', (r) =>
      r.fulfill({ status: 200, contentType: 'text/html', body: `<!doctype html><html><body><script>${lib.outputFiles[0].text}</script></body></html>` }),
    );
    await page.goto('http://localhost/');
  }, 60_000);
  afterAll(async () => browser?.close());

  for (const mode of ['webgpu', 'webgl2', 'webgl'] as const) {
    it(`${mode}: the self-check passes, fitGpu matches fit (dropout, regulariser, class weights), chunked scoring matches predictProba`, async () => {
      const out: BrowserRun = await page.evaluate(
        async ({ mode, x, y, rows, xs, scoreRows }) => {
          const H = (globalThis as any).HG;
          const gpu = await H.createGpuBackend(mode);
          if (gpu.mode === null) return { mode: null, reason: gpu.fallbackReason };
          const check = await H.gpuSelfCheck(gpu);
          const model = new H.HamiltonianNN({ inputDim: 6, hiddenDims: [16, 8], dropoutRate: 0.2, seed: 4, backend: 'js' });
          const data = { x: Float32Array.from(x), y: Uint8Array.from(y), rows, cols: 6 };
          const history = (await H.fitGpu(gpu, model, data, { epochs: 3, batchSize: 64, seed: 5, lr: 0.05, classWeights: [1, 1.5], validation: data })).epochs;
          const scores = await H.gpuPredictProba(gpu, model, Float32Array.from(xs), scoreRows, 1000);
          gpu.destroy();
          return {
            mode: gpu.mode,
            adapter: gpu.adapter,
            check,
            params: model.parameters().map((p: any) => Array.from(p.data)),
            history,
            scores: Array.from(scores),
          };
        },
        { mode, x: Array.from(x), y: Array.from(y), rows, xs: Array.from(xs), scoreRows },
      );
      expect(out.mode, out.reason).toBe(mode);
      if (process.env.GPU_VERBOSE) console.log(mode, out.adapter, JSON.stringify(out.check), JSON.stringify(out.history));
      if (mode === 'webgpu') expect(out.adapter).toMatch(/swiftshader/);
      expect(out.check!.failures).toEqual([]);
      out.params!.forEach((p, i) => p.forEach((v, j) => expect(Math.abs(v - reference.parameters()[i].data[j])).toBeLessThan(1e-4)));
      expect(out.history!.map((h) => h.loss).every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      expect(out.history![2].loss).toBeLessThan(out.history![0].loss);
      out.history!.forEach((h, i) => {
        expect(h.loss).toBeCloseTo(referenceHistory.epochs[i].loss, 5);
        expect(h.regLoss).toBeCloseTo(referenceHistory.epochs[i].regLoss, 4);
        expect(h.validation.auc).toBeCloseTo(referenceHistory.epochs[i].validation!.auc, 5);
      });
      for (let i = 0; i < scoreRows; i++) expect(Math.abs(out.scores![i] - wantScores[i])).toBeLessThan(1e-4);
    }, 120_000);
  }

  for (const mode of ['webgpu', 'webgl'] as const) {
    it(`${mode}: a GELU network trains through fit(…, { device }) as on the CPU (activation kernel, derivative from the pre-activation)`, async () => {
      const cfg = { inputDim: 6, hiddenDims: [12, 6], activation: 'gelu', dropoutRate: 0.2, seed: 8, backend: 'js' } as const;
      const cpu = new HamiltonianNN(cfg);
      await fit(cpu, new AdvancedSymplecticOptimizer(cpu.parameters(), { lr: 0.05 }), data, { epochs: 2, batchSize: 64, seed: 5 });
      const out = await page.evaluate(
        async ({ mode, cfg, x, y, rows }) => {
          const H = (globalThis as any).HG;
          const gpu = await H.createGpuBackend(mode);
          const model = new H.HamiltonianNN(cfg);
          const data = { x: Float32Array.from(x), y: Uint8Array.from(y), rows, cols: 6 };
          await H.fit(model, new H.AdvancedSymplecticOptimizer(model.parameters(), { lr: 0.05 }), data, { epochs: 2, batchSize: 64, seed: 5, device: gpu });
          gpu.destroy();
          return model.parameters().map((p: any) => Array.from(p.data) as number[]);
        },
        { mode, cfg, x: Array.from(x), y: Array.from(y), rows },
      );
      (out as number[][]).forEach((p, i) => p.forEach((v, j) => expect(Math.abs(v - cpu.parameters()[i].data[j])).toBeLessThan(1e-4)));
    }, 120_000);
  }

  for (const mode of ['webgpu', 'webgl2'] as const) {
    it(`${mode}: no device memory leaks — live buffers/textures do not grow with more training steps or scoring calls`, async () => {
      const out = await page.evaluate(async (mode) => {
        const w = globalThis as any;
        let live = 0;
        if (mode === 'webgpu') {
          const create = w.GPUDevice.prototype.createBuffer,
            destroy = w.GPUBuffer.prototype.destroy;
          const dead = new WeakSet();
          w.GPUDevice.prototype.createBuffer = function (...a: unknown[]) {
            live++;
            return create.apply(this, a);
          };
          w.GPUBuffer.prototype.destroy = function () {
            if (!dead.has(this)) {
              dead.add(this);
              live--;
            }
            return destroy.call(this);
          };
        } else {
          for (const C of [w.WebGL2RenderingContext, w.WebGLRenderingContext]) {
            const create = C.prototype.createTexture,
              del = C.prototype.deleteTexture;
            C.prototype.createTexture = function (...a: unknown[]) {
              live++;
              return create.apply(this, a);
            };
            C.prototype.deleteTexture = function (t: unknown) {
              if (t) live--;
              return del.call(this, t);
            };
          }
        }
        const H = w.HG;
        const gpu = await H.createGpuBackend(mode);
        const model = new H.HamiltonianNN({ inputDim: 5, hiddenDims: [7, 3], dropoutRate: 0.2, seed: 1, backend: 'js' });
        const x = new Float32Array(40 * 5).map((_, i) => Math.sin(i));
        const y = Uint8Array.from({ length: 40 }, (_, i) => i % 2);
        const net = await H.GpuNetwork.fromModel(gpu, model);
        const counts: number[] = [];
        for (const steps of [2, 25, 25]) {
          for (let s = 0; s < steps; s++) await net.trainStep(x, y, 40);
          await net.takeStats();
          await net.predictProba(x, 40, 16);
          counts.push(live);
        }
        net.release();
        return { counts };
      }, mode);
      expect(out.counts[0]).toBeGreaterThan(0);
      expect(out.counts[2]).toBe(out.counts[1]);
      expect(out.counts[1]).toBe(out.counts[0]);
    }, 120_000);
  }

  it('webgpu: a dispatch wider than 65,535 workgroups of 64 (folded across Y by gpu.js) covers every element', async () => {
    const out = await page.evaluate(async () => {
      const H = (globalThis as any).HG;
      const gpu = await H.createGpuBackend('webgpu');
      const k = gpu.kernels;
      const n = 4_500_000; // > 65,535 × 64 = 4,194,240 threads
      const a = new Float32Array(n).map((_, i) => (i % 1000) + 1),
        b = new Float32Array(n).map((_, i) => (i % 7) - 3);
      const [ha, hb] = [await k.upload(a), await k.upload(b)];
      const hp = await k.multiply(ha, hb, n);
      const p = await k.read(hp);
      for (const t of [ha, hb, hp]) k.release(t);
      let wrong = 0;
      for (let i = 0; i < n; i++) if (p[i] !== a[i] * b[i]) wrong++;
      return { length: p.length, wrong };
    });
    expect(out).toEqual({ length: 4_500_000, wrong: 0 });
  }, 120_000);

  for (const mode of ['webgpu', 'webgl2'] as const) {
    it(`${mode}: a dense layer with exactly 2^24 outputs is exact in every row and column (one more is refused)`, async () => {
      const out = await page.evaluate(async (mode) => {
        const H = (globalThis as any).HG;
        const gpu = await H.createGpuBackend(mode);
        const k = gpu.kernels;
        const m = 65536,
          n = 256; // m·n = 2^24; float32 indices past it misplace elements
        const x = new Float32Array(m).map((_, i) => (i % 97) + 1),
          w = new Float32Array(n).map((_, j) => j + 1);
        const [hx, hw, hb] = [await k.upload(x), await k.upload(w), await k.upload(new Float32Array(n))];
        const h = await k.dense(hx, hw, hb, m, 1, n, 0, 0);
        const p = await k.read(h);
        let wrong = 0;
        for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) if (p[r * n + j] !== x[r] * w[j]) wrong++;
        let refused = '';
        try {
          await k.dense(hx, hw, hb, m + 1, 1, n, 0, 0);
        } catch (e) {
          refused = String(e);
        }
        for (const t of [hx, hw, hb, h]) k.release(t);
        return { length: p.length, wrong, refused };
      }, mode);
      expect(out.length).toBe(2 ** 24);
      expect(out.wrong).toBe(0);
      expect(out.refused).toMatch(/16777472 outputs in one call; gpu.js indexes in float32, exact only up to 2\^24/);
    }, 120_000);
  }

  it('webgpu: fitGpu at batch 2048 (reductions over more than 1000 rows) matches fit', async () => {
    const cfg = { inputDim: 6, hiddenDims: [16, 8], dropoutRate: 0.2, seed: 9, backend: 'js' } as const;
    const rows = 6000;
    const gen = (i: number) => Math.sin(i * 0.61) + 0.3 * Math.cos(i * 1.7);
    const x = Float32Array.from({ length: rows * 6 }, (_, i) => gen(i));
    const y = Uint8Array.from({ length: rows }, (_, i) => (x[i * 6] + x[i * 6 + 2] > 0 ? 1 : 0));
    const ref = new HamiltonianNN(cfg);
    const h = await fit(ref, new AdvancedSymplecticOptimizer(ref.parameters(), { lr: 0.02 }), { x, y, rows, cols: 6 }, { epochs: 2, batchSize: 2048, seed: 3 });
    const out = await page.evaluate(
      async ({ cfg, rows }) => {
        const H = (globalThis as any).HG;
        const gpu = await H.createGpuBackend('webgpu');
        const gen = (i: number) => Math.sin(i * 0.61) + 0.3 * Math.cos(i * 1.7);
        const x = Float32Array.from({ length: rows * 6 }, (_, i) => gen(i));
        const y = Uint8Array.from({ length: rows }, (_, i) => (x[i * 6] + x[i * 6 + 2] > 0 ? 1 : 0));
        const m = new H.HamiltonianNN(cfg);
        const hist = await H.fitGpu(gpu, m, { x, y, rows, cols: 6 }, { epochs: 2, batchSize: 2048, seed: 3, lr: 0.02 });
        return { losses: hist.epochs.map((e: { loss: number }) => e.loss), params: m.parameters().map((p: { data: Float32Array }) => Array.from(p.data)) };
      },
      { cfg, rows },
    );
    out.losses.forEach((l: number, i: number) => expect(l).toBeCloseTo(h.epochs[i].loss, 5));
    out.params.forEach((p: number[], i: number) => p.forEach((v, j) => expect(Math.abs(v - ref.parameters()[i].data[j])).toBeLessThan(1e-4)));
  }, 120_000);

  it('webgpu: chunked scoring at the 2^24 cap — a layer 8192 wide, chunks of 2048 rows, 3 chunks — equals the CPU', async () => {
    const cfg = { inputDim: 8, hiddenDims: [8192, 4], seed: 6, backend: 'js' } as const;
    const model = new HamiltonianNN(cfg);
    const rows = 4500; // 2^24 / 8192 = 2048 rows per chunk: every chunk but the last fills the cap exactly
    const x = Float32Array.from({ length: rows * 8 }, (_, i) => Math.sin(i * 0.37));
    const want = Array.from(model.predictProba(x, rows));
    const params = model.parameters().map((p) => Array.from(p.data));
    const worst: number = await page.evaluate(
      async ({ cfg, params, rows, want }) => {
        const H = (globalThis as any).HG;
        const gpu = await H.createGpuBackend('webgpu');
        const m = new H.HamiltonianNN(cfg);
        m.parameters().forEach((p: { data: Float32Array }, i: number) => p.data.set(params[i]));
        const x = Float32Array.from({ length: rows * 8 }, (_, i) => Math.sin(i * 0.37));
        const got = await H.gpuPredictProba(gpu, m, x, rows);
        let w = got.length === rows ? 0 : Infinity;
        for (let i = 0; i < rows; i++) w = Math.max(w, Math.abs(got[i] - want[i]));
        return w;
      },
      { cfg, params, rows, want },
    );
    expect(worst).toBeLessThan(1e-5);
  }, 180_000);

  it('webgpu: createGpuScorer scores raw credit records as the edge scorer does', async () => {
    const table = parseCsv(readFileSync(join(ROOT, 'data', 'credit_data.csv'), 'utf8'));
    const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 3, applySmote: false });
    const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [32, 16], activation: 'tanh', seed: 3 });
    await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), prep.train, { epochs: 1, seed: 3 });
    const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON() });
    const records = table.rows.slice(0, 500).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));
    const want = Array.from(loadScorerSync(bytes).scoreBatch(records));
    const got: number[] = await page.evaluate(
      async ({ b64, records }) => {
        const H = (globalThis as any).HG;
        const gpu = await H.createGpuBackend('webgpu');
        const scorer = await H.createGpuScorer(
          gpu,
          Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
        );
        const p = Array.from((await scorer.scoreBatch(records)) as Float32Array);
        scorer.release();
        return p;
      },
      { b64: Buffer.from(bytes).toString('base64'), records },
    );
    expect(got.length).toBe(500);
    got.forEach((p, i) => expect(Math.abs(p - want[i])).toBeLessThan(1e-5));
  }, 120_000);

  it("'auto' picks WebGPU in a browser that has it and names the adapter", async () => {
    const out = await page.evaluate(async () => {
      const gpu = await (globalThis as any).HG.createGpuBackend('auto');
      gpu.destroy?.();
      return { mode: gpu.mode, adapter: gpu.adapter };
    });
    expect(out).toEqual({ mode: 'webgpu', adapter: expect.stringMatching(/google.*swiftshader/) });
  });
});
