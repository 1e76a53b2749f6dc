// GPU benchmark and agreement check (run by bench/gpu/run.sh on the GPU machine; `--mode webasm` runs it on
// a CPU machine to check the script itself). Uses the built library (dist/) and gpu.js.
import { createGpuBackend, gpuPredictProba, gpuTrainStep } from '../../dist/backend/gpu/index.js';
import { AdvancedSymplecticOptimizer, HamiltonianNN, Rng, matmul, fit } from '../../dist/index.js';

const args = process.argv.slice(2);
const mode = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'webgpu';
const quick = args.includes('--quick');
const t = () => performance.now();
const gpu = await createGpuBackend(mode);
if (gpu.mode === null) {
  console.log(JSON.stringify({ ok: false, reason: gpu.fallbackReason }));
  process.exit(3);
}
console.log(`gpu.js mode: ${gpu.mode}${gpu.adapter ? `, adapter: ${gpu.adapter}` : ''}`);
const rng = new Rng(1);
const rand = (n) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

// 1. Agreement on the real device (random shapes, odd sizes).
let worst = 0;
for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [33, 65, 17], [128, 110, 64]]) {
  const a = rand(m * k), b = rand(k * n);
  const got = await gpu.kernels.matmul(a, b, m, k, n, false, false);
  const want = matmul(new Float32Array(m * n), a, b, m, k, n);
  for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
}
console.log(`agreement with the JS reference: max relative error ${worst.toExponential(2)} ${worst < 1e-4 ? 'OK' : 'FAIL'}`);

// 2. matmul throughput at 4096² (including transfers).
for (const size of quick ? [256] : [1024, 4096]) {
  const a = rand(size * size), b = rand(size * size);
  await gpu.kernels.matmul(a, b, size, size, size, false, false);
  const t0 = t();
  const reps = size >= 4096 ? 3 : 10;
  for (let r = 0; r < reps; r++) await gpu.kernels.matmul(a, b, size, size, size, false, false);
  const s = (t() - t0) / 1000 / reps;
  console.log(`matmul ${size}²: ${(2 * size ** 3 / s / 1e9).toFixed(1)} GFLOP/s (gpu.js ${gpu.mode}, transfers included)`);
}

// 3. Scoring 1,000,000 rows, [512, 256], GPU vs the WASM path on this machine.
const rows = quick ? 20000 : 1_000_000;
const model = new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256], seed: 1 });
const x = rand(rows * 110);
let t0 = t();
const pg = await gpuPredictProba(gpu, model, x, rows);
const gpuS = (t() - t0) / 1000;
t0 = t();
const pw = new Float32Array(rows);
for (let s = 0; s < rows; s += 8192) model.predictProba(x.subarray(s * 110, Math.min(rows, s + 8192) * 110), Math.min(8192, rows - s), pw.subarray(s, Math.min(rows, s + 8192)));
const wasmS = (t() - t0) / 1000;
let diff = 0;
for (let i = 0; i < rows; i++) diff = Math.max(diff, Math.abs(pg[i] - pw[i]));
console.log(`score ${rows} rows [512,256]: GPU ${gpuS.toFixed(2)} s, WASM ${wasmS.toFixed(2)} s, GPU speed-up ${(wasmS / gpuS).toFixed(1)}×, max |Δp| ${diff.toExponential(1)}`);

// 4. A training epoch of [512, 256] at batch 4096 (and batch 32, where the GPU loses).
for (const batch of [4096, 32]) {
  const n = quick ? 8192 : 65536;
  const xs = rand(n * 110), ys = Array.from({ length: n }, () => rng.int(2));
  const a = new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256], seed: 2, dropoutRate: 0 });
  const state = {};
  const steps = batch === 32 ? 50 : n / batch;
  t0 = t();
  for (let s = 0; s < steps; s++) await gpuTrainStep(gpu, a, xs.subarray((s * batch * 110) % (n * 110), ((s * batch + batch) * 110) % (n * 110) || n * 110), ys.slice((s * batch) % n), batch, state);
  const gpuStep = (t() - t0) / 1000 / steps;
  const b = new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256], seed: 2, dropoutRate: 0 });
  t0 = t();
  await fit(b, new AdvancedSymplecticOptimizer(b.parameters()), { x: xs.subarray(0, steps * batch * 110), y: ys.slice(0, steps * batch), rows: steps * batch, cols: 110 }, { epochs: 1, batchSize: batch, regCoeff: 0 });
  const wasmStep = (t() - t0) / 1000 / steps;
  console.log(`train [512,256] batch ${batch}: GPU ${(gpuStep * 1e3).toFixed(2)} ms/step, WASM ${(wasmStep * 1e3).toFixed(2)} ms/step (${batch === 32 ? 'small batch' : `epoch of ${n} rows: GPU ${(gpuStep * steps).toFixed(2)} s vs WASM ${(wasmStep * steps).toFixed(2)} s`})`);
}
gpu.destroy();
