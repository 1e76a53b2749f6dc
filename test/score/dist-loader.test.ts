/**
 * The published scorer (dist/score/index.js, one bundled file) keeps the WASM loader of its build shared with the
 * edge entries (dist/score/edge.js, dist/edge.js), which hand it the `.wasm` modules on runtimes that refuse to compile
 * bytes: a module provided through the shared loader must be the one the scorer instantiates. A private copy of the
 * loader inside the bundle would leave edge runtimes on the JavaScript fallback without a word. And the library's
 * `initWasm` readies the scorer's build too, for browsers' main threads, which refuse large synchronous compiles.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HamiltonianNN, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';

const root = new URL('../../', import.meta.url).pathname;

/** A small lending_club model written to a temporary file, for a fresh process to load. */
function modelFile(): string {
  const table = parseCsv(readFileSync(`${root}data/lending_club.csv`, 'utf8'));
  const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 1, applySmote: false });
  const net = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [8], seed: 2, backend: 'js' });
  const file = join(mkdtempSync(join(tmpdir(), 'hai-loader-')), 'm.safetensors');
  writeFileSync(file, encodeModel(net, { preprocessor: prep.preprocessor.toJSON() }));
  return file;
}

/** Runs an ES module script in a fresh Node process (its stderr must stay empty) and returns the JSON it printed. */
function inFreshProcess(script: string): unknown {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe.runIf(existsSync(`${root}dist/score/index.js`))('the built scorer', () => {
  it('instantiates the module provided through dist/backend/wasm/inference-module.js (an empty one: it falls back, naming why)', () => {
    const file = modelFile();
    const script = `
      const { provideWasmModule } = await import('${root}dist/backend/wasm/inference-module.js');
      const { loadScorerSync } = await import('${root}dist/score/index.js');
      const { readFileSync } = await import('node:fs');
      const model = readFileSync('${file}');
      const before = loadScorerSync(new Uint8Array(model)).engine;
      provideWasmModule('simd', new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])));
      provideWasmModule('scalar', new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])));
      const after = loadScorerSync(new Uint8Array(model));
      console.log(JSON.stringify({ before, after: after.engine }));`;
    expect(inFreshProcess(script)).toEqual({ before: 'wasm', after: 'js' });
  });
});

describe.runIf(existsSync(`${root}dist/index.js`))("the library's initWasm", () => {
  it('compiles the scorer’s build too: with synchronous compilation refused afterwards (a browser’s main thread), loadScorerSync still runs WASM', () => {
    const file = modelFile();
    const script = `
      const { initWasm } = await import('${root}dist/index.js');
      const { loadScorerSync } = await import('${root}dist/score/index.js');
      const { readFileSync } = await import('node:fs');
      await initWasm();
      WebAssembly.Module = function () { throw new RangeError('synchronous compilation refused'); };
      const s = loadScorerSync(new Uint8Array(readFileSync('${file}')));
      console.log(JSON.stringify({ engine: s.engine, reason: s.network.fallbackReason ?? null }));`;
    expect(inFreshProcess(script)).toEqual({ engine: 'wasm', reason: null });
  });
});
