// GPU benchmark and agreement check (run by bench/gpu/run.sh on the GPU machine; `--mode webasm --quick` runs it
// on a CPU machine to check the script itself). Uses the built library (dist/) and gpu.js. Every number is
// measured beside the WASM backend in the same run, on the same machine.
import { GpuNetwork, createGpuBackend, gpuPredictProba, gpuSelfCheck } from '../../dist/gpu.js';
import { AdvancedSymplecticOptimizer, HamiltonianNN, Rng, fit } from '../../dist/index.js';

const args = process.argv.slice(2);
const mode = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'webgpu';
const quick = args.includes('--quick');
const t = () => performance.now();
const gpu = await createGpuBackend(mode);
if (gpu.mode === null) {
  console.log(JSON.stringify({ ok: false, reason: gpu.fallbackReason }));
  process.exit(3);
}
const k = gpu.kernels;
console.log(
  `gpu.js mode: ${gpu.mode}${gpu.adapter ? `, adapter: ${gpu.adapter}` : ''}; WASM beside it: ${new HamiltonianNN({ inputDim: 2, hiddenDims: [2] }).backend}`,
);
const rng = new Rng(1);
const rand = (n) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

// 1. Every kernel against the reference, on this device.
let t0 = t();
const check = await gpuSelfCheck(gpu);
console.log(
  `self-check ${check.ok ? 'OK' : 'FAIL'} in ${((t() - t0) / 1000).toFixed(1)} s; worst normalised error ${Math.max(...Object.values(check.worst)).toExponential(2)}${check.ok ? '' : `; ${check.failures.join('; ')}`}`,
);

// 2. matmul throughput: with transfers (upload a, b, read the product) and resident (inputs and product on the device).
for (const size of quick ? [128] : [1024, 4096]) {
  const a = rand(size * size),
    b = rand(size * size);
  const flops = 2 * size ** 3;
  const once = async () => {
    const [ha, hb] = [await k.upload(a), await k.upload(b)];
    const h = await k.matmul(ha, hb, size, size, size, false, false);
    await k.read(h);
    for (const x of [ha, hb, h]) k.release(x);
  };
  await once();
  const reps = size >= 4096 ? 3 : 10;
  t0 = t();
  for (let r = 0; r < reps; r++) await once();
  const withTransfers = (t() - t0) / 1000 / reps;
  const [ha, hb] = [await k.upload(a), await k.upload(b)];
  let last = await k.matmul(ha, hb, size, size, size, false, false);
  await k.read(last);
  t0 = t();
  for (let r = 0; r < reps * 3; r++) {
    const h = await k.matmul(ha, hb, size, size, size, false, false);
    k.release(last);
    last = h;
  }
  await k.read(last); // one readback ends the run: the device has finished every product
  const resident = (t() - t0) / 1000 / (reps * 3);
  for (const x of [ha, hb, last]) k.release(x);
  console.log(
    `matmul ${size}²: ${(flops / resident / 1e9).toFixed(1)} GFLOP/s resident, ${(flops / withTransfers / 1e9).toFixed(1)} GFLOP/s with transfers (gpu.js ${gpu.mode})`,
  );
}

// 3. Scoring [512, 256]: GPU (chunked, weights uploaded once) vs the WASM path on this machine.
const rows = quick ? 20000 : 1_000_000;
const model = new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256], seed: 1 });
const x = rand(rows * 110);
await gpuPredictProba(gpu, model, x.subarray(0, 1000 * 110), 1000); // compile the kernels first
t0 = t();
const pg = await gpuPredictProba(gpu, model, x, rows);
const gpuS = (t() - t0) / 1000;
t0 = t();
const pw = new Float32Array(rows);
for (let s = 0; s < rows; s += 8192)
  model.predictProba(x.subarray(s * 110, Math.min(rows, s + 8192) * 110), Math.min(8192, rows - s), pw.subarray(s, Math.min(rows, s + 8192)));
const wasmS = (t() - t0) / 1000;
let diff = 0;
for (let i = 0; i < rows; i++) diff = Math.max(diff, Math.abs(pg[i] - pw[i]));
console.log(
  `score ${rows} rows [512,256]: GPU ${gpuS.toFixed(2)} s, WASM ${wasmS.toFixed(2)} s, GPU speed-up ${(wasmS / gpuS).toFixed(1)}×, max |Δp| ${diff.toExponential(1)}`,
);

// 4. Training steps of [512, 256] with the defaults (dropout 0.2, regulariser λ = 0.01, AdvancedSymplecticOptimizer) —
//    the same computation on both sides; on the GPU the model stays resident, dropout masks are drawn by the WASM kernel.
for (const batch of [4096, 1024, 32]) {
  const steps = quick ? 2 : batch === 32 ? 50 : 65536 / batch;
  const xs = rand(steps * batch * 110),
    ys = Uint8Array.from({ length: steps * batch }, () => rng.int(2));
  const a = new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256], seed: 2 });
  const net = await GpuNetwork.fromModel(gpu, a);
  await net.trainStep(xs, ys, batch); // compile
  await net.takeStats();
  t0 = t();
  for (let s = 0; s < steps; s++) await net.trainStep(xs.subarray(s * batch * 110), ys.subarray(s * batch), batch);
  const stats = await net.takeStats(); // waits for the device
  const gpuStep = (t() - t0) / 1000 / steps;
  net.release();
  const b = new HamiltonianNN({ inputDim: 110, hiddenDims: [512, 256], seed: 2 });
  const wasmSteps = Math.min(steps, batch >= 1024 ? 4 : steps);
  t0 = t();
  await fit(b, new AdvancedSymplecticOptimizer(b.parameters()), { x: xs, y: ys, rows: wasmSteps * batch, cols: 110 }, { epochs: 1, batchSize: batch });
  const wasmStep = (t() - t0) / 1000 / wasmSteps;
  const epoch = (s) => `${(s * (65536 / batch)).toFixed(2)} s`;
  console.log(
    `train [512,256] batch ${batch}: GPU ${(gpuStep * 1e3).toFixed(2)} ms/step, WASM ${(wasmStep * 1e3).toFixed(2)} ms/step, GPU speed-up ${(wasmStep / gpuStep).toFixed(2)}× (epoch of 65,536 rows: GPU ${epoch(gpuStep)}, WASM ${epoch(wasmStep)}; GPU loss ${stats.loss.toFixed(4)})`,
  );
}
gpu.destroy();
process.exit(check.ok ? 0 : 1);
