/**
 * The playground in headless Chromium (playwright-core + Debian's chromium): built with `npm run build:playground`
 * into a temporary folder and served from localhost. Trains on a shipped CSV with a fixed seed and requires the AUC
 * the page shows to equal the CLI's for the same seed and options, to the last digit; downloads the model and decodes
 * it with the Node library; scores the form's default applicant and compares with loadScorer; draws the integrator
 * view; and records every request the page makes — none may leave its origin.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';
import { ROOT, cli } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'hai-playground-'));
let server: Server;
let browser: Browser;
let page: Page;
let origin = '';
const requests: string[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-playground.mjs'), dir], { cwd: ROOT });
  server = createServer((req, res) => {
    const file = join(dir, new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/+/, '') || 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': { '.html': 'text/html', '.js': 'text/javascript', '.csv': 'text/csv' }[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ acceptDownloads: true });
  context.on('request', (r) => requests.push(r.url()));
  page = await context.newPage();
  await page.goto(`${origin}/index.html`);
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('the playground page', () => {
  it('trains on credit_data.csv in a worker and shows the CLI’s AUC to the last digit (same seed and options)', async () => {
    await page.selectOption('#dataset', 'credit_data.csv');
    await page.waitForFunction(() => document.querySelector('#column-table')?.textContent?.includes('numeric'));
    expect(await page.inputValue('#target')).toBe('Status');
    expect(await page.inputValue('#positive')).toBe('bad');
    await page.fill('#epochs', '6');
    await page.fill('#seed', '7');
    await page.click('#train');
    await page.waitForFunction(() => window.playground.auc !== undefined, null, { timeout: 120_000 });
    const shown = await page.textContent('#auc');
    const r = cli([
      'train',
      '--data',
      join(ROOT, 'data', 'credit_data.csv'),
      '--target',
      'Status',
      '--positive',
      'bad',
      '--epochs',
      '6',
      '--seed',
      '7',
      '--backend',
      'wasm',
      '--out',
      join(dir, 'cli.safetensors'),
      '--json',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const want = JSON.parse(r.stdout).metrics.auc as number;
    expect(shown).toBe(want.toFixed(6));
    expect(await page.evaluate(() => window.playground.auc)).toBe(want);
    expect(await page.evaluate(() => window.playground.engine)).toBe('wasm');
    expect(await page.locator('#curves svg').count()).toBe(2);
    expect(await page.textContent('#train-status')).toMatch(/ms per epoch/);
  });

  it('the downloaded model is the CLI’s file, bit for bit, and decodes with the Node library', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-model-safetensors')]);
    const path = join(dir, 'downloaded.safetensors');
    await download.saveAs(path);
    const bytes = readFileSync(path);
    const content = decodeModel(bytes);
    expect(content.preprocessor!.target).toBe('Status');
    // Same seed, options and backend: the same weights. (The header differs in the data file's path only.)
    const cliModel = decodeModel(readFileSync(join(dir, 'cli.safetensors')));
    expect(Array.from(content.tensors.get('layers.0.weight')!.data)).toEqual(Array.from(cliModel.tensors.get('layers.0.weight')!.data));
    for (const name of ['model-onnx', 'report-html', 'scored-csv']) expect(await page.locator(`#download-${name}`).count()).toBe(1);
  });

  it('the applicant form scores its default applicant as loadScorer does, with reason codes', async () => {
    const { applicant, probability, model } = await page.evaluate(() => ({
      applicant: window.playground.applicant!,
      probability: window.playground.probability!,
      model: Array.from(window.playground.model!),
    }));
    const scorer = loadScorerSync(Uint8Array.from(model), { strict: false });
    expect(probability).toBe(scorer.score(applicant));
    await page.fill('#form input[data-feature="Income"]', '10');
    await page.waitForFunction((p) => window.playground.probability !== p, probability);
    expect(await page.textContent('#applicant')).toMatch(/P\(bad\) = 0\.\d{4} · \d+ points · (approve|decline)/);
    expect(await page.frameLocator('#report').locator('#gains').count()).toBe(1);
  });

  it('the integrator view draws the phase portrait, the energy error beside Euler, and verifyIntegrator’s verdicts', async () => {
    await page.click('#tab-integrators');
    await page.selectOption('#method', 'forest-ruth');
    await page.click('#integrate');
    await page.waitForSelector('#verify-table');
    expect(await page.locator('#portrait svg').count()).toBeGreaterThan(0);
    expect(await page.textContent('#energy')).toMatch(/max relative energy error \d\.\d\de-\d+ \(forest-ruth\) vs \d\.\d\de[+-]\d+ \(explicit Euler\)/);
    expect(await page.textContent('#verify-table')).toMatch(/symplectic\s*true/);
  });

  it('made no request outside its own origin', () => {
    expect(requests.length).toBeGreaterThan(3);
    const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(outside).toEqual([]);
  });
});
