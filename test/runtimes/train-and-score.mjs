// Trains and scores (records, and a CSV file through CsvScoringStream) with the built package (dist/) and prints SHA-256s of the bits: run by Node, Bun and Deno in
// test/runtimes/runtimes.test.ts, which requires the same bits from all three. Plain ESM and node: built-ins only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const lib = await import(new URL('../../dist/index.js', import.meta.url).href);
const { encodeModel } = await import(new URL('../../dist/io/model-file.js', import.meta.url).href);
const { loadScorer } = await import(new URL('../../dist/score/index.js', import.meta.url).href);

const sha = (a) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
const table = lib.parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
const prep = lib.prepareTable(table, { target: 'Status', positive: 'bad', seed: 7, validationSize: 0.15 });
const records = table.rows.slice(0, 500).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));
const out = {
  runtime: typeof Bun !== 'undefined' ? `bun ${Bun.version}` : typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : `node ${process.versions.node}`,
};
for (const backend of ['js', 'wasm']) {
  const model = new lib.HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [16, 8], seed: 3, backend });
  const history = await lib.fit(model, new lib.AdvancedSymplecticOptimizer(model.parameters(), { lr: 0.01 }), prep.train, {
    epochs: 3,
    batchSize: 32,
    seed: 5,
    validation: prep.validation,
  });
  const probs = model.predictProba(prep.test.x, prep.test.rows);
  const scorer = await loadScorer(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }), { engine: backend });
  // The credit file through CsvScoringStream (a web stream: Blob → TransformStream → Response), reason codes included.
  const csv = new Uint8Array(readFileSync(new URL('../../data/credit_data.csv', import.meta.url)));
  const streamed = new Response(new Blob([csv]).stream().pipeThrough(new lib.CsvScoringStream(scorer, { reasons: 2 })));
  out[backend] = {
    scoredCsv: sha(new Uint8Array(await streamed.arrayBuffer())),
    weights: sha(model.parameters().at(-1).data),
    probabilities: sha(probs),
    scorer: sha(scorer.scoreBatch(records)),
    scorerEngine: scorer.engine,
    valAuc: history.epochs.at(-1).validation.auc,
  };
}
// ScorerPool (worker_threads) on a network wide enough that blocks go to its worker: the scorer's bits, and whether
// the worker scored any block (this thread's scoreEncoded counted: it scores only the blocks the worker does not).
const { ScorerPool } = await import(new URL('../../dist/pool.js', import.meta.url).href);
const { loadScorerSync, reasonTable } = await import(new URL('../../dist/score/index.js', import.meta.url).href);
const wide = encodeModel(new lib.HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [512, 256], seed: 5 }), { preprocessor: prep.preprocessor.toJSON() });
const many = Array.from({ length: 8 }, () => records).flat();
const pool = await ScorerPool.create(wide, { threads: 2 });
const alone = loadScorerSync(wide);
let here = 0;
const scoreHere = pool.scorer.scoreEncoded.bind(pool.scorer);
pool.scorer.scoreEncoded = (...args) => {
  here++;
  return scoreHere(...args);
};
const pooled = await pool.scoreBatch(many);
const blocks = Math.ceil(many.length / 512);
const reasons = await pool.reasonTableOfRecords(records, 3);
const reasonsAlone = alone.reasonTable(alone.encodeBatch(records), records.length, 3, reasonTable(records.length, 3));
out.pool = {
  threads: pool.threads,
  sameBits: sha(pooled) === sha(alone.scoreBatch(many)),
  workerScored: here < blocks,
  reasonsSameBits: ['feature', 'contribution', 'points', 'count', 'probability'].every((f) => sha(reasons[f]) === sha(reasonsAlone[f])),
};
await pool.close();
console.log(JSON.stringify(out));
