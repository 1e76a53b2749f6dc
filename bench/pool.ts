/**
 * `npm run bench:pool` (after `npm run build`: the pool's workers run the built files): `ScorerPool` beside the
 * one-thread `Scorer` in one run, on lending_club records (the shipped rows repeated to 200,000) and on those rows
 * encoded, for the demo-sized network [64, 32] and a wide one [512, 256] (synthetic weights: the speed does not
 * depend on them). Medians of 5 rounds; checks the pool's probabilities are the scorer's bit for bit. Reason codes
 * (three a record) for [64, 32] on the first 50,000 records, from records and encoded rows, checked table for table.
 * Also times what handing records to another thread would cost (a structured clone), which is why the pool encodes here.
 */
import { readFileSync } from 'node:fs';
import { HamiltonianNN, parseCsv, prepareTable } from '../src/index.js';
import { encodeModel } from '../src/io/model-file.js';
import { ScorerPool } from '../dist/pool.js';
import { loadScorerSync, reasonTable, type ReasonTable } from '../dist/score/index.js';
import { timeIt, timeItAsync } from './timing.js';

const ROWS = 200_000;
const table = parseCsv(readFileSync(new URL('../data/lending_club.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 1 });
const records = Array.from({ length: ROWS }, (_, i) => {
  const row = table.rows[i % table.rows.length];
  return Object.fromEntries(table.columns.map((c, j) => [c, row[j]]));
});

type Typed = Float32Array | Float64Array | Int32Array;
const same = (a: Typed, b: Typed) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const sameTable = (a: ReasonTable, b: ReasonTable) => (['feature', 'contribution', 'points', 'count', 'probability'] as const).every((f) => same(a[f], b[f]));
const REASON_ROWS = 50_000;
const ms = (s: number) => `${(s * 1e3).toFixed(0)} ms`;
const lines: string[] = [];
for (const hidden of [
  [64, 32],
  [512, 256],
]) {
  const net = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: hidden, seed: 1 });
  const bytes = encodeModel(net, { preprocessor: prep.preprocessor.toJSON() });
  const scorer = loadScorerSync(bytes);
  const pool = await ScorerPool.create(bytes);
  const x = scorer.preprocessor.transformRecords(records);
  if (!same(scorer.scoreBatch(records), await pool.scoreBatch(records)) || !same(scorer.scoreEncoded(x, ROWS), await pool.scoreEncoded(x, ROWS)))
    throw new Error(`[${hidden}]: the pool's probabilities differ from the scorer's`);
  const batchOne = timeIt(() => scorer.scoreBatch(records), 1, 5, 1);
  const batchPool = await timeItAsync(async () => void (await pool.scoreBatch(records)), 1, 5, 1);
  const encOne = timeIt(() => scorer.scoreEncoded(x, ROWS), 1, 5, 1);
  const encPool = await timeItAsync(async () => void (await pool.scoreEncoded(x, ROWS)), 1, 5, 1);
  lines.push(`| [${hidden.join(', ')}] | scoreBatch | ${ms(batchOne)} | ${ms(batchPool)} (${pool.threads} threads) | ${(batchOne / batchPool).toFixed(2)}× |`);
  lines.push(`| [${hidden.join(', ')}] | scoreEncoded | ${ms(encOne)} | ${ms(encPool)} (${pool.threads} threads) | ${(encOne / encPool).toFixed(2)}× |`);
  if (hidden[0] === 64) {
    const some = records.slice(0, REASON_ROWS);
    const xs = x.subarray(0, REASON_ROWS * scorer.network.inputDim);
    const table = () => reasonTable(REASON_ROWS, 3);
    const want = scorer.reasonTable(xs, REASON_ROWS, 3, table());
    if (!sameTable(want, await pool.reasonTable(xs, REASON_ROWS, 3)) || !sameTable(want, await pool.reasonTableOfRecords(some, 3)))
      throw new Error(`[${hidden}]: the pool's reason codes differ from the scorer's`);
    const recOne = timeIt(() => scorer.reasonTable(scorer.encodeBatch(some), REASON_ROWS, 3, table()), 1, 5, 1);
    const recPool = await timeItAsync(async () => void (await pool.reasonTableOfRecords(some, 3)), 1, 5, 1);
    const rowsOne = timeIt(() => scorer.reasonTable(xs, REASON_ROWS, 3, table()), 1, 5, 1);
    const rowsPool = await timeItAsync(async () => void (await pool.reasonTable(xs, REASON_ROWS, 3)), 1, 5, 1);
    const label = `[${hidden.join(', ')}] | 3 reasons, ${REASON_ROWS.toLocaleString('en')}`;
    lines.push(
      `| ${label} records (encodeBatch + reasonTable / reasonTableOfRecords) | ${ms(recOne)} | ${ms(recPool)} (${pool.threads} threads) | ${(recOne / recPool).toFixed(2)}× |`,
    );
    lines.push(`| ${label} encoded rows (reasonTable) | ${ms(rowsOne)} | ${ms(rowsPool)} (${pool.threads} threads) | ${(rowsOne / rowsPool).toFixed(2)}× |`);
  }
  await pool.close();
}
const clone = timeIt(() => structuredClone(records), 1, 3, 1);
console.log(`${ROWS.toLocaleString('en')} lending_club records, Node ${process.version}; probabilities and reason tables identical bit for bit\n`);
console.log('| network | call | Scorer (1 thread) | ScorerPool | speed-up |\n|---|---|---|---|---|');
console.log(lines.join('\n'));
console.log(`\nstructuredClone of the records (what sending them to a worker costs): ${ms(clone)}`);
