/**
 * Checks every GPU kernel on the device at hand against float64 references written out here (independent of
 * the kernels and of the js backend) — drivers and shader compilers differ, so a GPU result is trusted only after
 * this passes. The shapes include sizes of 1, primes and loops longer than 1000 (gpu.js's default loop cap).
 * Whole training steps (dropout, the regulariser, class weights) against the CPU model are in the tests
 * (test/gpu), which run this in gpu.js `cpu` mode and on WebGPU/WebGL in headless Chromium; bench/gpu runs it
 * on a real GPU.
 */
import { Rng } from '../../core/rng.js';
import type { GpuKernels, GpuTensor } from './kernels.js';

/** The outcome of `gpuSelfCheck`: the worst normalised error per kernel and what failed. */
export interface GpuSelfCheck {
  ok: boolean;
  tolerance: number;
  /** Worst |got − want| / (1 + scale) per check, where scale is the sum of |terms| for reductions, else |want|. */
  worst: Record<string, number>;
  failures: string[];
}

/**
 * @example
 * const check = await gpuSelfCheck(gpu);
 * if (!check.ok) console.warn('GPU disagrees with the reference:', check.failures);
 */
export async function gpuSelfCheck(gpu: { kernels: GpuKernels }, options: { seed?: number; tolerance?: number } = {}): Promise<GpuSelfCheck> {
  const tolerance = options.tolerance ?? 1e-4;
  const rng = new Rng(options.seed ?? 1);
  const k = gpu.kernels;
  const worst: Record<string, number> = {};
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  const up = (a: Float32Array) => k.upload(a);
  const down = async (t: Promise<GpuTensor>) => {
    const h = await t;
    const v = await k.read(h);
    k.release(h);
    return v;
  };
  const note = (name: string, got: ArrayLike<number>, want: ArrayLike<number>, scale?: ArrayLike<number>) => {
    let w = worst[name] ?? 0;
    for (let i = 0; i < want.length; i++) {
      const e = Math.abs(got[i] - want[i]) / (1 + Math.abs(scale ? scale[i] : want[i]));
      w = Number.isNaN(e) ? Infinity : Math.max(w, e);
    }
    if (got.length < want.length) w = Infinity;
    worst[name] = w;
  };

  for (const [m, kk, n] of [
    [1, 1, 1],
    [7, 13, 5],
    [33, 65, 17],
    [3, 1500, 4],
    [130, 110, 64],
  ]) {
    const a = rand(m * kk),
      b = rand(kk * n),
      bt = rand(n * kk),
      at = rand(kk * m);
    for (const [ta, tb, A, B] of [
      [false, false, a, b],
      [false, true, a, bt],
      [true, false, at, b],
    ] as const) {
      const want = new Float64Array(m * n),
        scale = new Float64Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0,
            z = 0;
          for (let p = 0; p < kk; p++) {
            const t = (ta ? A[p * m + i] : A[i * kk + p]) * (tb ? B[j * kk + p] : B[p * n + j]);
            s += t;
            z += Math.abs(t);
          }
          want[i * n + j] = s;
          scale[i * n + j] = z;
        }
      }
      const [ha, hb] = [await up(A), await up(B)];
      note(`matmul${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`, await down(k.matmul(ha, hb, m, kk, n, ta, tb)), want, scale);
      k.release(ha);
      k.release(hb);
    }
  }

  // The last shape drives pre-activations to ±hundreds: WGSL's tanh may overflow to NaN there (gpuweb#4458).
  for (const [m, kk, n, scale] of [
    [5, 7, 3, 1],
    [9, 1100, 5, 1],
    [4, 3, 6, 150],
  ]) {
    const x = Float32Array.from(rand(m * kk), (v) => v * scale),
      w = rand(n * kk),
      b = rand(n);
    const [hx, hw, hb] = [await up(x), await up(w), await up(b)];
    // The activations in float64, as written in their papers (GELU: the tanh form with its literal constants).
    const K = 0.7978845608028654,
      A = 0.044715;
    const f = (act: number, s: number) =>
      act === 1
        ? Math.max(s, 0)
        : act === 2
          ? s > 0
            ? s
            : 0.01 * s
          : act === 3
            ? Math.tanh(s)
            : act === 4
              ? 0.5 * s * (1 + Math.tanh(K * (s + A * s ** 3)))
              : s;
    const df = (act: number, s: number) => {
      if (act === 1) return s > 0 ? 1 : 0;
      if (act === 2) return s > 0 ? 1 : 0.01;
      if (act === 3) return 1 - Math.tanh(s) ** 2;
      if (act === 4) {
        const t = Math.tanh(K * (s + A * s ** 3));
        return 0.5 * (1 + t) + 0.5 * s * (1 - t * t) * K * (1 + 3 * A * s * s);
      }
      return 1;
    };
    const pre = new Float64Array(m * n);
    for (const act of [0, 1, 2, 3, 4]) {
      const want = new Float64Array(m * n),
        scale = new Float64Array(m * n);
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < n; j++) {
          let s = b[j],
            z = Math.abs(b[j]);
          for (let p = 0; p < kk; p++) {
            s += x[r * kk + p] * w[j * kk + p];
            z += Math.abs(x[r * kk + p] * w[j * kk + p]);
          }
          want[r * n + j] = f(act, s);
          pre[r * n + j] = s;
          scale[r * n + j] = z;
        }
      }
      note(`dense(act ${act})`, await down(k.dense(hx, hw, hb, m, kk, n, act, 0.01)), want, scale);
      // The unfused path training takes: the linear part, then the activation on its own, then its derivative.
      const linear = await k.dense(hx, hw, hb, m, kk, n, 0, 0.01);
      const p32 = await k.read(linear);
      note(
        `activate(act ${act})`,
        await down(k.activate(linear, m * n, act, 0.01)),
        Array.from(p32, (s) => f(act, s)),
      );
      const g = rand(m * n);
      const hg = await up(g);
      note(
        `activationBackward(act ${act})`,
        await down(k.activationBackward(hg, linear, m * n, act, 0.01)),
        Array.from(g, (v, i) => v * df(act, p32[i])),
      );
      k.release(hg);
      k.release(linear);
    }
    for (const t of [hx, hw, hb]) k.release(t);
  }

  {
    const m = 1200,
      n = 3,
      x = rand(m * n);
    const want = [0, 0, 0],
      scale = [0, 0, 0];
    for (let i = 0; i < m * n; i++) {
      want[i % n] += x[i];
      scale[i % n] += Math.abs(x[i]);
    }
    const hx = await up(x);
    note('colSum', await down(k.colSum(hx, m, n)), want, scale);
    k.release(hx);
  }

  for (const [rows, c, weighted] of [
    [1100, 2, false],
    [37, 3, true],
  ] as const) {
    const z = Float32Array.from(rand(rows * c), (v) => 4 * v);
    const y = Float32Array.from({ length: rows }, () => rng.int(c));
    const cw = weighted ? Float32Array.from({ length: c }, (_, j) => 0.5 + j) : undefined;
    let wsum = 0;
    for (let i = 0; i < rows; i++) wsum += cw ? cw[y[i]] : 1;
    const rw = Float32Array.from(y, (v) => (cw ? cw[v] : 1) / wsum);
    // Reference: p = softmax(z) per row; grad = (p − onehot(y))·w_y/Σw; loss = Σ w_y·(log Σe^z − z_y)/Σw.
    const ref = { grad: new Float64Array(rows * c), loss: 0 };
    const positive = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(z.subarray(r * c, r * c + c));
      const mx = Math.max(...row),
        lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0));
      row.forEach((v, j) => (ref.grad[r * c + j] = (Math.exp(v - lse) - (j === y[r] ? 1 : 0)) * rw[r]));
      ref.loss += rw[r] * (lse - row[y[r]]);
      if (c === 2) positive[r] = 1 / (1 + Math.exp(row[0] - row[1]));
    }
    const [hz, hy, hw] = [await up(z), await up(y), await up(rw)];
    note('softmaxCrossEntropyGrad', await down(k.softmaxCrossEntropyGrad(hz, hy, hw, rows, c)), ref.grad);
    const partials = await down(k.crossEntropyPartials(hz, hy, hw, rows, c));
    note('crossEntropyPartials', [partials.reduce((s, v) => s + v, 0)], [ref.loss]);
    if (c === 2) note('positiveClass', await down(k.positiveClass(hz, rows)), positive);
    for (const t of [hz, hy, hw]) k.release(t);
  }

  {
    const n = 70001,
      m = rand(n),
      g = rand(n),
      theta = rand(n),
      beta = 0.9,
      lr = 0.01,
      lambda = 0.01;
    const [hm, hg, ht] = [await up(m), await up(g), await up(theta)];
    const mNew = await k.momentum(hm, hg, beta, n);
    const mRef = Float64Array.from(m, (v, i) => beta * v + (1 - beta) * g[i]);
    note('momentum', await k.read(mNew), mRef);
    const partials = await k.sumSquaresPartials(mNew, hg, n, 1);
    let H = 0,
      T = 0;
    for (let i = 0; i < n; i++) {
      H += 0.5 * (mRef[i] * mRef[i] + g[i] * g[i]);
      T += theta[i] * theta[i];
    }
    const scale = await k.symplecticScale(partials, lr, 1e-8);
    const s = await k.read(scale);
    note('symplecticScale', s, [H, lr / (Math.sqrt(H) + 1e-8)]);
    note(
      'update',
      await down(k.update(ht, mNew, scale, n)),
      Float64Array.from(theta, (v, i) => v - s[1] * mRef[i]),
    );
    const tp = await k.sumSquaresPartials(ht, ht, n, 0);
    for (const [l2, withGrad] of [
      [false, true],
      [true, true],
      [false, false],
    ]) {
      const rs = await k.regularizerScale(tp, lambda, l2, withGrad);
      const r = await k.read(rs);
      note('regularizerScale', r, [l2 ? 0.5 * T : Math.sqrt(T), withGrad ? (l2 ? lambda : lambda / Math.sqrt(T)) : 0]);
      note(
        'addScaled',
        await down(k.addScaled(hg, ht, rs, n)),
        Float64Array.from(g, (v, i) => v + r[1] * theta[i]),
      );
      k.release(rs);
    }
    note(
      'multiply',
      await down(k.multiply(hg, ht, n)),
      Float64Array.from(g, (v, i) => v * theta[i]),
    );
    const [hacc, hsc, hrg] = [await up(Float32Array.of(1, 2, 3, 4)), await up(Float32Array.of(0.5, 9)), await up(Float32Array.of(0.25, 9))];
    note('accumulateTensor', await down(k.accumulateTensor(hacc, hsc, hrg, 0.1)), [1, 2.5, 3.25, 4.025]);
    for (const t of [hacc, hsc, hrg]) k.release(t);
    for (const t of [hm, hg, ht, mNew, partials, scale, tp]) k.release(t);
  }

  const failures = Object.entries(worst)
    .filter(([, e]) => !(e <= tolerance))
    .map(([name, e]) => `${name}: ${e.toExponential(2)} > ${tolerance}`);
  return { ok: failures.length === 0, tolerance, worst, failures };
}
