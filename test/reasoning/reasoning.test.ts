import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { incompleteBeta, welchTTest } from '../../src/backend.js';
import { analyzeChains } from '../../src/reasoning/analysis.js';
import { loadChains } from '../../src/reasoning/chains.js';
import { hashEmbedder, precomputedEmbedder, tokenize, wordVectorEmbedder } from '../../src/reasoning/embed.js';
import { trajectoryFeatures } from '../../src/reasoning/features.js';
import { cli, ROOT } from '../cli/helpers.js';

const chains = loadChains(readFileSync(join(ROOT, 'data', 'obqa_chains.csv'), 'utf8'), 'obqa_chains.csv');

describe('chains and embeddings', () => {
  it('reads the shipped file: 998 chains over 499 questions, 95 valid (Turk contains "yes")', () => {
    expect(chains).toHaveLength(998);
    expect(new Set(chains.map((c) => c.qid)).size).toBe(499);
    expect(chains.filter((c) => c.valid)).toHaveLength(95);
    expect(chains[0]).toMatchObject({ qid: '1003', question: 'A renewable resource is', answer: 'turbine produced electricity' });
  });

  it('hashed TF-IDF is deterministic and L2-normalised; word vectors are mean-pooled; precomputed vectors are looked up', () => {
    const e = hashEmbedder({ dim: 64 });
    const [a, b] = e.embed(['Wind is a renewable resource', 'wind IS a renewable resource!']);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.hypot(...a)).toBeCloseTo(1, 6);
    expect(tokenize("Earth's rotation, 24 hours")).toEqual(["earth's", 'rotation', '24', 'hours']);
    const w = wordVectorEmbedder({ wind: [1, 0], air: [0, 1] }, 2);
    expect(Array.from(w.embed(['wind air unknownword'])[0])).toEqual([0.5, 0.5]);
    expect(Array.from(w.embed(['nothing known'])[0])).toEqual([0, 0]);
    const p = precomputedEmbedder(new Map([['x', Float32Array.of(1, 2)]]), 2);
    expect(() => p.embed(['y'])).toThrow(/no vector for text 'y'/);
  });
});

describe('trajectory features on hand-made chains', () => {
  const q = Float32Array.of(1, 0, 0),
    f = Float32Array.of(0, 1, 0),
    a = Float32Array.of(0, 0, 1);
  it('identical facts: the fact1 → fact2 step has T = 0', () => {
    const r = trajectoryFeatures([q, f, f, a]);
    expect(r.steps[1].T).toBe(0);
    expect(r.steps[0].T).toBeCloseTo(1, 12); // ½‖(−1, 1, 0)‖²
    expect(r.factOverlap).toBeCloseTo(1, 12);
  });
  it('a fact equal to the question has V = 0; orthogonal ones V = 1; H = T + V', () => {
    const r = trajectoryFeatures([q, q, f, a]);
    expect(r.steps[0]).toEqual({ T: 0, V: 0 });
    expect(r.steps[1].V).toBeCloseTo(1, 12);
    expect(r.hamiltonian).toBeCloseTo(r.kinetic + r.potential, 12);
    expect(r.conservation).toBeCloseTo((1 / (1 + 0) + 1 / (1 + Math.abs(1 - 1)) + 1 / (1 + Math.abs(1 - 1))) / 3, 12);
  });
  it('a straight path has curvature 0 and path length ‖x₃ − x₀‖; turning back has curvature 2', () => {
    const pts = [0, 1, 2, 3].map((t) => Float32Array.of(1 + t, 1, 0));
    const r = trajectoryFeatures(pts);
    expect(r.curvature).toBeCloseTo(0, 12);
    expect(r.pathLength).toBeCloseTo(3, 12);
    const back = trajectoryFeatures([q, f, q, f]);
    expect(back.curvature).toBeCloseTo(2, 12);
  });
});

describe('statistics', () => {
  it("Welch's t-test and the incomplete beta match SciPy", () => {
    const r = welchTTest([1.2, 2.3, 3.1, 4.8, 2.2, 3.3], [2.0, 3.1, 4.4, 5.2, 6.1, 5.5, 4.9]);
    expect(r.t).toBeCloseTo(-2.220259942042069, 10);
    expect(r.p).toBeCloseTo(0.0483448219400161, 10);
    expect(incompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(0.018927124071945658, 12);
  });
});

describe('the study', () => {
  it('grouped cross-validation never puts chains of one question in train and test together', async () => {
    const r = await analyzeChains(chains.slice(0, 200), hashEmbedder({ dim: 32 }), { folds: 4, epochs: 2 });
    const all = r.foldQids.flat();
    expect(new Set(all).size).toBe(all.length); // each question in exactly one test fold
    expect(new Set(all)).toEqual(new Set(chains.slice(0, 200).map((c) => c.qid)));
    expect(r.models.at(-1)).toMatchObject({ name: 'majority class ("always invalid")', auc: 0.5, f1: 0 });
  });

  it('the reasoning command runs on the shipped data (hash and wink embeddings) and states results beside the baselines', () => {
    for (const emb of ['hash', 'wink']) {
      const r = cli(['reasoning', '--embeddings', emb, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ chains: 998, valid: 95, questions: 499, folds: 5 });
      expect(j.table).toHaveLength(13);
      const majority = j.models.find((m: { name: string }) => m.name.startsWith('majority'));
      expect(majority.accuracy).toBeCloseTo(0.905, 3);
      for (const m of j.models) {
        for (const k of ['auc', 'prAuc', 'f1', 'accuracy']) {
          expect(Number.isFinite(m[k]), `${m.name} ${k}`).toBe(true);
          expect(m[k]).toBeGreaterThanOrEqual(0);
          expect(m[k]).toBeLessThanOrEqual(1);
        }
      }
      // The feature model ranks better than chance (out of fold, grouped by question).
      expect(j.models[0].auc).toBeGreaterThan(0.55);
    }
  }, 180_000);
});
