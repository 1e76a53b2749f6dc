// `node bench/playground.mjs`: training speed per epoch in the playground (headless Chromium, a Web Worker, WASM SIMD)
// beside the CLI on Node, same data (lending_club.csv), defaults and seed — medians of 3 runs each, in one run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'hai-playground-bench-'));
execFileSync(process.execPath, [join(root, 'scripts', 'build-playground.mjs')], { cwd: root });
const port = 8400 + Math.floor(Math.random() * 500);
const server = spawn(process.execPath, [join(root, 'scripts', 'serve-playground.mjs')], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
const pageMs = [];
let pageAuc = '';
for (let i = 0; i < 3; i++) {
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.selectOption('#dataset', 'lending_club.csv');
  await page.waitForSelector('#column-table');
  await page.click('#train');
  await page.waitForFunction(() => window.playground.auc !== undefined, null, { timeout: 300_000 });
  const status = await page.textContent('#train-status');
  pageMs.push(Number(/([\d.]+) ms per epoch/.exec(status)[1]));
  pageAuc = await page.textContent('#auc');
}
const chromiumVersion = browser.version();
await browser.close();
server.kill();
const nodeMs = [];
let nodeAuc = 0;
for (let i = 0; i < 3; i++) {
  const out = execFileSync(
    process.execPath,
    [
      join(root, 'bin', 'hamiltonian-ai.js'),
      'train',
      '--data',
      join(root, 'data', 'lending_club.csv'),
      '--target',
      'Class',
      '--positive',
      'bad',
      '--out',
      join(dir, 'm.safetensors'),
      '--json',
      '--quiet',
    ],
    { encoding: 'utf8' },
  );
  const j = JSON.parse(out);
  nodeMs.push(j.timing.secondsPerEpoch * 1000);
  nodeAuc = j.metrics.auc;
}
console.log(`lending_club.csv, defaults ([64, 32], early stopping, seed 42), ms per epoch (training + validation), median of 3:`);
console.log(`| where | ms per epoch | test AUC |\n|---|---|---|`);
console.log(`| playground (Chromium ${chromiumVersion}, Web Worker, WASM) | ${median(pageMs).toFixed(1)} | ${pageAuc} |`);
console.log(`| CLI (Node ${process.versions.node}) | ${median(nodeMs).toFixed(1)} | ${nodeAuc.toFixed(6)} |`);
console.log(`ratio page / Node: ${(median(pageMs) / median(nodeMs)).toFixed(2)}×`);
