import { HamiltonianAIError } from '../core/errors.js';

/**
 * A problem with input data, naming where it is: source (file), line (1-based) and column.
 * @example
 * new DataError('not a number', { source: 'in.csv', line: 4, column: 'Income' }).message;
 * // 'in.csv, line 4, column 'Income': not a number'
 */
export class DataError extends HamiltonianAIError {
  constructor(
    message: string,
    readonly where: { source?: string; line?: number; record?: number; column?: number | string } = {},
  ) {
    const { source, line, record, column } = where;
    const parts: string[] = [];
    if (source) parts.push(source);
    if (line !== undefined) parts.push(`line ${line}`);
    if (record !== undefined) parts.push(`record ${record}`);
    if (column !== undefined) parts.push(typeof column === 'number' ? `column ${column + 1}` : `column '${column}'`);
    super(parts.length ? `${parts.join(', ')}: ${message}` : message);
    this.name = new.target.name;
  }
  /** Index of the record in a batch, when the problem is in one. */
  get record(): number | undefined {
    return this.where.record;
  }
  get line(): number | undefined {
    return this.where.line;
  }
  get column(): number | string | undefined {
    return this.where.column;
  }
  get source(): string | undefined {
    return this.where.source;
  }
}

/**
 * A record (or encoded row) that cannot be scored: a value the model cannot take (beyond float32, or so far from
 * the training data that the network's arithmetic could overflow) or a network output that is not a probability.
 * No decision is made for it. A `DataError`, naming the record and the column where there is one.
 * @example
 * try { scorer.score(applicant); } catch (e) { if (e instanceof ScoringError) refer(applicant, e.message); }
 */
export class ScoringError extends DataError {}
