/**
 * `hamiltonian-ai/pool` (built: its workers run dist/pool-worker.js): the pool's probabilities are the one-thread
 * scorer's bit for bit, and what the scorer refuses the pool refuses with the same error — wherever in the batch
 * (this thread's part or a worker's) the bad record or row lies.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HamiltonianNN, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { POOL_MIN_RECORD_WORK, POOL_MIN_WORK, ScorerPool } from '../../dist/pool.js';
import { loadScorerSync, reasonTable, type ReasonTable, type Scorer } from '../../dist/score/index.js';

const table = parseCsv(readFileSync(new URL('../../data/lending_club.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 1 });
// Wide enough that scoreBatch shares the network (a [32, 16] one is scored in this thread: see the last tests).
const net = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [256, 64], seed: 3 });
const bytes = encodeModel(net, { preprocessor: prep.preprocessor.toJSON() });
const macs = prep.train.cols * 256 + 256 * 64 + 64 * 2;
const N = 20_000;
const records = (): Record<string, unknown>[] =>
  Array.from({ length: N }, (_, i) => {
    const row = table.rows[i % table.rows.length];
    const r: Record<string, unknown> = Object.fromEntries(table.columns.map((c, j) => [c, row[j]]));
    // Numbers, missing values and unseen categories among the texts.
    if (i % 7 === 0) r.annual_inc = Number(r.annual_inc);
    if (i % 11 === 0) r.int_rate = null;
    if (i % 13 === 0) r.addr_state = 'Atlantis';
    return r;
  });
const bits = (p: Float32Array) => Array.from(new Uint32Array(p.buffer, p.byteOffset, p.length));
/** Every array of a reason table as bits (the float64 ones as pairs of words). */
const tableBits = (t: ReasonTable) =>
  [t.feature, t.count, t.probability, t.contribution, t.points].map((a) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4)));

/** The error a call throws (its class name, message and fields), or its result. */
async function outcome(f: () => unknown): Promise<unknown> {
  try {
    return bits((await f()) as Float32Array);
  } catch (e) {
    const { name, message, record, column } = e as Error & { record?: number; column?: string };
    return { name, message, record, column };
  }
}

let scorer: Scorer;
let pool: ScorerPool;
beforeAll(async () => {
  scorer = loadScorerSync(bytes);
  pool = await ScorerPool.create(bytes, { threads: 2 });
});
afterAll(() => pool.close());

describe('ScorerPool', () => {
  it('scores records and encoded rows with the bits of the one-thread scorer (a batch large enough to be shared)', async () => {
    expect(pool.threads).toBe(2);
    const rs = records();
    expect(N * macs).toBeGreaterThan(POOL_MIN_WORK);
    expect(macs).toBeGreaterThan(POOL_MIN_RECORD_WORK);
    expect(bits(await pool.scoreBatch(rs))).toEqual(bits(scorer.scoreBatch(rs)));
    const x = scorer.preprocessor.transformRecords(rs);
    expect(bits(await pool.scoreEncoded(x, N))).toEqual(bits(scorer.scoreEncoded(x, N)));
    // Rows in a SharedArrayBuffer go to the workers uncopied.
    const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
    shared.set(x);
    expect(bits(await pool.scoreEncoded(shared, N))).toEqual(bits(scorer.scoreEncoded(x, N)));
    // A small batch is scored in this thread; one thread asked for, no workers: the same bits.
    expect(bits(await pool.scoreBatch(rs.slice(0, 10)))).toEqual(bits(scorer.scoreBatch(rs.slice(0, 10))));
    const alone = await ScorerPool.create(bytes, { threads: 1 });
    expect(alone.threads).toBe(1);
    expect(bits(await alone.scoreBatch(rs))).toEqual(bits(scorer.scoreBatch(rs)));
    await alone.close();
  });

  it("refuses what the scorer refuses, with its error, in this thread's part or a worker's", async () => {
    for (const at of [100, N - 100]) {
      const cases: Array<(r: Record<string, unknown>[]) => void> = [
        (r) => void (r[at].annual_inc = 'lots'), // not a number
        (r) => void (r[at].annual_inc = Number.POSITIVE_INFINITY), // not finite
        (r) => void delete r[at].term, // strict: a feature absent
        (r) => void (r[at] = null as never), // not a record
      ];
      for (const spoil of cases) {
        const rs = records();
        spoil(rs);
        const expected = await outcome(() => scorer.scoreBatch(rs));
        expect(expected).toMatchObject({ name: 'ScoringError', record: at });
        expect(await outcome(() => pool.scoreBatch(rs))).toEqual(expected);
      }
      // An encoded row the network gives no probability for: the scorer's error names the row.
      const x = scorer.preprocessor.transformRecords(records());
      x[at * prep.train.cols] = Number.NaN;
      const expected = await outcome(() => scorer.scoreEncoded(x, N));
      expect(expected).toMatchObject({ name: 'ScoringError', message: expect.stringContaining(`row ${at}:`) });
      expect(await outcome(() => pool.scoreEncoded(x, N))).toEqual(expected);
    }
  });

  it('shares scoreBatch only for a network of POOL_MIN_RECORD_WORK multiply-adds a record or more', async () => {
    const rs = records();
    for (const [hidden, shared] of [
      [[32, 16], false],
      [[64, 32], true],
    ] as const) {
      const m = encodeModel(new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [...hidden], seed: 3 }), { preprocessor: prep.preprocessor.toJSON() });
      const p = await ScorerPool.create(m, { threads: 2 });
      const inThisThread = vi.spyOn(p.scorer, 'scoreBatch');
      const blocks = vi.spyOn(p.scorer, 'encodeRange');
      expect(bits(await p.scoreBatch(rs))).toEqual(bits(loadScorerSync(m).scoreBatch(rs)));
      // Shared: encoded here a block at a time, each block's network on a worker or here; else Scorer.scoreBatch.
      expect([inThisThread.mock.calls.length, blocks.mock.calls.length]).toEqual(shared ? [0, Math.ceil(N / 512)] : [1, Math.ceil(N / 1024)]);
      await p.close();
    }
  });

  it("writes nothing into the caller's array after it has thrown (the blocks out land first)", async () => {
    const m = encodeModel(new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [512, 256], seed: 5 }), { preprocessor: prep.preprocessor.toJSON() });
    const p = await ScorerPool.create(m, { threads: 2 });
    const rs = records();
    rs[1100] = { ...rs[1100], annual_inc: 'lots' }; // the third block: the first two are out with the worker
    const out = new Float32Array(N);
    await expect(p.scoreBatch(rs, out)).rejects.toMatchObject({ name: 'ScoringError', record: 1100 });
    const after = bits(out);
    expect(after.slice(0, 1024).every((b) => b !== 0)).toBe(true); // the worker's blocks, in before the error
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bits(out)).toEqual(after);
    await p.close();
  });

  it("pipelines scoreBatch: blocks run on the workers and here (a network slower than encoding), the scorer's bits", async () => {
    const m = encodeModel(new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [512, 256], seed: 5 }), { preprocessor: prep.preprocessor.toJSON() });
    const p = await ScorerPool.create(m, { threads: 2 });
    const here = vi.spyOn(p.scorer, 'scoreEncoded');
    const rs = records();
    expect(bits(await p.scoreBatch(rs))).toEqual(bits(loadScorerSync(m).scoreBatch(rs)));
    // The worker takes at most two blocks at a time, so this thread scores some; not all of them.
    expect(here.mock.calls.length).toBeGreaterThan(0);
    expect(here.mock.calls.length).toBeLessThan(Math.ceil(N / 512) - 2);
    await p.close();
  });

  it('a worker that stops in the middle of a batch costs time, never the answer: the batch is scored here', async () => {
    const m = encodeModel(new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [512, 256], seed: 5 }), { preprocessor: prep.preprocessor.toJSON() });
    const p = await ScorerPool.create(m, { threads: 2 });
    const worker = (p as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers[0];
    const rs = records();
    const want = bits(loadScorerSync(m).scoreBatch(rs));
    // Read while record 6,000 is encoded (a later block): the worker is ended with blocks out and more to come.
    const value = rs[6000].int_rate;
    let ended = false;
    Object.defineProperty(rs[6000], 'int_rate', {
      enumerable: true,
      get: () => {
        if (!ended) void worker.terminate();
        ended = true;
        return value;
      },
    });
    const inThisThread = vi.spyOn(p.scorer, 'scoreBatch');
    expect(bits(await p.scoreBatch(rs))).toEqual(want);
    expect(ended).toBe(true);
    expect(inThisThread).toHaveBeenCalledTimes(1); // the fallback
    expect(bits(await p.scoreBatch(rs))).toEqual(want); // and from then on, in this thread
    expect(inThisThread).toHaveBeenCalledTimes(2);
    await p.close();
  });

  it("ranks reason codes on every thread: the scorer's tables bit for bit, from encoded rows and from records", async () => {
    const m = encodeModel(new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [64, 32], seed: 7 }), { preprocessor: prep.preprocessor.toJSON() });
    const one = loadScorerSync(m);
    const p = await ScorerPool.create(m, { threads: 2 });
    const rs = records().slice(0, 6000);
    const x = one.encodeBatch(rs);
    // A table that held something before: only what the scorer writes is written (counted entries, counts, probabilities).
    const filled = () => {
      const t = reasonTable(rs.length, 3);
      for (const a of [t.feature, t.contribution, t.points]) a.fill(7);
      return t;
    };
    const want = one.reasonTable(x, rs.length, 3, filled());
    expect(want.count.some((c) => c < 3)).toBe(true); // (records with fewer than three reasons: entries left as they were)
    const here = vi.spyOn(p.scorer, 'reasonTable');
    expect(tableBits(await p.reasonTable(x, rs.length, 3, filled()))).toEqual(tableBits(want));
    expect(here.mock.calls.length).toBeGreaterThan(0); // blocks ranked here and on the worker
    expect(here.mock.calls.length).toBeLessThan(Math.ceil(rs.length / 512));
    expect(tableBits(await p.reasonTableOfRecords(rs, 3, filled()))).toEqual(tableBits(want));
    expect(tableBits(await p.reasonTableOfRecords(rs, 2))).toEqual(tableBits(one.reasonTable(x, rs.length, 2, reasonTable(rs.length, 2))));
    // A record that cannot be encoded: the scorer's error; a table too small: the scorer's.
    rs[4000] = { ...rs[4000], annual_inc: 'lots' };
    const expected = await outcome(() => one.reasonTable(one.encodeBatch(rs), rs.length, 3, reasonTable(rs.length, 3)));
    expect(expected).toMatchObject({ name: 'ScoringError', record: 4000 });
    expect(await outcome(() => p.reasonTableOfRecords(rs, 3))).toEqual(expected);
    await expect(p.reasonTable(x, rs.length, 3, reasonTable(10, 3))).rejects.toThrow(/holds fewer than 6000 records/);
    // Counts as the scorer checks them (a large fraction would otherwise reach the workers as blocks).
    await expect(p.reasonTable(x, 5000.5, 3)).rejects.toThrow('rows must be an integer ≥ 0, got 5000.5');
    await expect(p.reasonTable(x, 5000, -1)).rejects.toThrow('k must be an integer ≥ 0, got -1');
    await expect(p.reasonTableOfRecords(rs, 1.5)).rejects.toThrow('k must be an integer ≥ 0, got 1.5');
    await expect(p.scoreEncoded(x, 5000.5)).rejects.toThrow('rows must be an integer ≥ 0, got 5000.5');
    await expect(p.scoreEncoded(x, 5000, new Float32Array(10))).rejects.toThrow('scoreEncoded: 5000 rows, out holds 10');
    await p.close();
  });

  it('refuses a bad thread count, and batches once closed', async () => {
    await expect(ScorerPool.create(bytes, { threads: 0 })).rejects.toThrow(/threads must be an integer ≥ 1, got 0/);
    const closing = await ScorerPool.create(bytes, { threads: 2 });
    await closing.close();
    await expect(closing.scoreBatch(records())).rejects.toThrow(/closed/);
  });
});
