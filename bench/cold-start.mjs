#!/usr/bin/env node
// Scorer cold start beside another build: a fresh process imports `<dist>/score/index.js`, loads a model file and
// scores one record; medians of 15 processes per build, alternating.
//   node bench/cold-start.mjs [other-dist]      (this tree's dist/ is built by npm run build)
import { identityPreprocessor } from './identity-preprocessor.mjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = resolve(new URL('..', import.meta.url).pathname);
const builds = { this: join(here, 'dist'), other: resolve(process.argv[2] ?? join(here, '..', 'old', 'dist')) };
const dir = mkdtempSync(join(tmpdir(), 'hai-cold-'));
const { HamiltonianNN, encodeModel } = await import(join(builds.this, 'index.js'));
const net = new HamiltonianNN({ inputDim: 110, hiddenDims: [64, 32], seed: 1, backend: 'js' });
const pre = identityPreprocessor(110);
writeFileSync(join(dir, 'm.safetensors'), encodeModel(net, { preprocessor: pre }));
const record = JSON.stringify(Object.fromEntries(pre.columns.map((c, j) => [c, j / 110])));
const script = (dist) => `const t0 = performance.now();
const { loadScorer } = await import(${JSON.stringify(join(dist, 'score', 'index.js'))});
const { readFileSync } = await import('node:fs');
const s = await loadScorer(new Uint8Array(readFileSync(${JSON.stringify(join(dir, 'm.safetensors'))})));
s.score(${record});
process.stdout.write(String(performance.now() - t0));`;
const times = { this: [], other: [] };
for (let i = 0; i < 15; i++) {
  for (const k of i % 2 ? ['this', 'other'] : ['other', 'this']) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(builds[k])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    times[k].push(Number(r.stdout));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `| scorer cold start (fresh process: import → load → first score), Node ${process.version} | ${median(times.this).toFixed(1)} ms | ${median(times.other).toFixed(1)} ms | ${(median(times.this) / median(times.other)).toFixed(3)} |`,
);
