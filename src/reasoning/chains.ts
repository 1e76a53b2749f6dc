import { parseCsv } from '../data/csv.js';
import { DataError } from '../data/errors.js';

/** One explanation chain for a question: question → fact 1 → fact 2 → answer. */
export interface Chain {
  qid: string;
  chain: number;
  question: string;
  answer: string;
  fact1: string;
  fact2: string;
  /** The crowd label: `Turk` contains "yes". */
  valid: boolean;
  line: number;
}

/**
 * Reads eOBQA-style chains (`;`-separated, BOM; columns QID, Chain#, Question, Answer, Fact1, Fact2, Turk).
 * @example
 * const chains = loadChains(readFileSync('data/obqa_chains.csv', 'utf8'));
 */
export function loadChains(text: string, source = 'chains'): Chain[] {
  const t = parseCsv(text, { source });
  const need = ['QID', 'Chain#', 'Question', 'Answer', 'Fact1', 'Fact2', 'Turk'];
  const idx = Object.fromEntries(need.map((c) => [c, t.columns.indexOf(c)]));
  const missing = need.filter((c) => idx[c] < 0);
  if (missing.length) throw new DataError(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, { source });
  return t.rows.map((r, i) => ({
    qid: r[idx.QID],
    chain: Number(r[idx['Chain#']]),
    question: r[idx.Question],
    answer: r[idx.Answer],
    fact1: r[idx.Fact1],
    fact2: r[idx.Fact2],
    valid: /yes/i.test(r[idx.Turk]),
    line: t.lines[i],
  }));
}
