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
    readonly where: { source?: string; line?: number; column?: number | string } = {},
  ) {
    const { source, line, column } = where;
    const parts: string[] = [];
    if (source) parts.push(source);
    if (line !== undefined) parts.push(`line ${line}`);
    if (column !== undefined) parts.push(typeof column === 'number' ? `column ${column + 1}` : `column '${column}'`);
    super(parts.length ? `${parts.join(', ')}: ${message}` : message);
    this.name = 'DataError';
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
