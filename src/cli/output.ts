/** Progress on stderr: a redrawn bar with ETA on a terminal, one plain line per step otherwise (CI logs stay readable). */
export class Progress {
  // No `process` in a browser (the playground runs train-fit.ts in a worker, quiet): never a terminal there.
  private readonly tty = typeof process !== 'undefined' && !!process.stderr?.isTTY;
  private readonly start = performance.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly quiet = false,
    /** '%' shows done/total as a percentage (a file read so far), '' as a count (epochs). */
    private readonly unit: '' | '%' = '',
  ) {}

  private count(done: number): string {
    return this.unit === '%' ? `${Math.round((100 * done) / this.total)} %` : `${done}/${this.total}`;
  }

  update(done: number, note = ''): void {
    if (this.quiet) return;
    const elapsed = (performance.now() - this.start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : NaN;
    if (this.tty) {
      const width = 24;
      const fill = Math.round((done / this.total) * width);
      process.stderr.write(
        `\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${this.count(done)} ${Number.isFinite(eta) ? `ETA ${eta.toFixed(1)}s` : ''} ${note}\x1b[K`,
      );
      if (done >= this.total) process.stderr.write('\n');
    } else {
      process.stderr.write(`${this.label} ${this.count(done)}${note ? `  ${note}` : ''}\n`);
    }
  }
}

export function formatTable(rows: string[][], header: string[] = ['metric', 'value']): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  // The first column is a label (left-aligned), the others numbers (right-aligned).
  const line = (cells: string[]) => `| ${widths.map((w, c) => (c === 0 ? (cells[c] ?? '').padEnd(w) : (cells[c] ?? '').padStart(w))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The metric rows the CLI prints after training and evaluating (4 decimals), for `formatTable`.
 * @example
 * formatTable(metricRows(evaluateModel(model, test)));
 */
export function metricRows(m: {
  auc: number;
  ks: number;
  gini: number;
  accuracy: number;
  brier: number;
  logLoss: number;
  binary: { precision: number; recall: number; f1: number };
}): Array<[string, string]> {
  const f = (v: number) => v.toFixed(4);
  return [
    ['AUC', f(m.auc)],
    ['KS', f(m.ks)],
    ['Gini', f(m.gini)],
    ['accuracy', f(m.accuracy)],
    ['precision (positive)', f(m.binary.precision)],
    ['recall (positive)', f(m.binary.recall)],
    ['F1 (positive)', f(m.binary.f1)],
    ['Brier', f(m.brier)],
    ['log loss', f(m.logLoss)],
  ];
}
