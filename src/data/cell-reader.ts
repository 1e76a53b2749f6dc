/**
 * The one reading of a cell by a fitted preprocessor: what feature f's text means (a number, the median when missing,
 * a one-hot position) or why it cannot be encoded. Tables read each distinct text once; records read every field,
 * so this is also where a record's fields become cells.
 */
import { FLOAT32_MAX, badNumberReason, float32Problem, parseNumber } from './cells.js';
import type { CellReading } from './column-fit.js';
import { ScoringError } from './errors.js';
import type { PreprocessorState } from './preprocessor-state.js';

/**
 * Reads cells for a fitted state: missing-value texts and, per feature, category → one-hot position are hash lookups,
 * so a model with 600k categories costs O(1) per cell.
 * @example
 * const cells = new CellReader(pre.state);
 * cells.read(0, '12.5', { value: 0, missing: false, problem: null }).value; // 12.5 for a numeric first feature
 */
export class CellReader {
  private readonly missingSet: ReadonlySet<string>;
  private readonly categoryIndex: ReadonlyArray<ReadonlyMap<string, number> | null>;
  /** No missing-value text is a finite number's `String`: a number field is then never missing and reads as itself. */
  private readonly numbersReadAsThemselves: boolean;
  /** No missing-value text reads as a number: a text that does is then not missing (`read` skips the lookup). */
  private readonly numbersNeverMissing: boolean;
  /**
   * Per feature: every category is its own trim and no missing-value text, so a text found among them as it is reads
   * as that category (`read` skips the trims and the missing lookup).
   */
  private readonly plainCategories: boolean[];

  constructor(private readonly state: PreprocessorState) {
    this.missingSet = new Set(state.missingValues);
    const missing = [...this.missingSet];
    this.numbersReadAsThemselves = !missing.some((m) => Number.isFinite(Number(m)) && String(Number(m)) === m);
    this.numbersNeverMissing = missing.every((m) => Number.isNaN(parseNumber(m)));
    this.categoryIndex = state.features.map((f) => (f.kind === 'categorical' ? new Map(f.categories.map((c, i) => [c, i])) : null));
    this.plainCategories = state.features.map((f) => f.kind === 'categorical' && f.categories.every((c) => c === c.trim() && !this.missingSet.has(c)));
  }

  /** Whether a cell's text means "missing" to this model (its `missingValues`, compared after trimming). */
  isMissingText(text: string): boolean {
    return this.missingSet.has(text.trim());
  }

  /** Position of `category` among feature `f`'s one-hot columns, or -1 when it was not seen in training. */
  categoryPosition(f: number, category: string): number {
    return this.categoryIndex[f]?.get(category) ?? -1;
  }

  /**
   * `readByText`'s reading of feature f's cell, into `into` (returned; its readers copy what they keep), with two
   * shortcuts that give the same: a numeric text that reads as a number is not missing where no missing-value text
   * reads as one; a categorical text found as it is among plain categories (`plainCategories`) is that category.
   */
  read(f: number, cell: string | undefined, into: CellReading): CellReading {
    if (cell !== undefined) {
      if (this.state.features[f].kind === 'numeric') {
        const v = this.numbersNeverMissing ? parseNumber(cell) : Number.NaN;
        if (!Number.isNaN(v)) {
          into.missing = false;
          const beyond = float32Problem(cell, v);
          return reading(into, v, beyond ? { reason: beyond, fatal: true } : null);
        }
      } else if (this.plainCategories[f]) {
        const at = this.categoryIndex[f]!.get(cell);
        if (at !== undefined) {
          into.missing = false;
          return reading(into, at, null);
        }
      }
    }
    return this.readByText(f, cell, into);
  }

  /**
   * What feature f's cell means, by definition, into `into`: a numeric feature's number (the median when missing) or a
   * categorical one's one-hot position (-1 unseen), whether the cell was missing (its trimmed text a missing-value
   * text) — or why it cannot be encoded.
   */
  readByText(f: number, cell: string | undefined, into: CellReading): CellReading {
    const st = this.state;
    const spec = st.features[f];
    const missing = cell === undefined || this.isMissingText(cell);
    into.missing = missing;
    if (missing && st.missing === 'drop') return reading(into, 0, { reason: 'missing value (policy: drop)', fatal: false });
    if (spec.kind === 'numeric') {
      if (missing) return reading(into, spec.median, null);
      const v = parseNumber(cell!);
      if (Number.isNaN(v)) return reading(into, 0, { reason: badNumberReason(cell!), fatal: true });
      const beyond = float32Problem(cell!, v);
      return reading(into, v, beyond ? { reason: beyond, fatal: true } : null);
    }
    const value = missing ? spec.mode : cell!.trim();
    const at = this.categoryPosition(f, value);
    if (at < 0 && st.unseen === 'error') {
      const known = `${spec.categories.slice(0, 8).join(', ')}${spec.categories.length > 8 ? ', …' : ''}`;
      return reading(into, at, { reason: `category '${value}' was not seen in training (known: ${known})`, fatal: true });
    }
    return reading(into, at, null);
  }

  /**
   * A record field of numeric feature f that is read as the number itself — what its text `String(v)` reads as, without
   * making the text: a finite number within float32 (−0 as 0, as "0" reads) where no missing-value text is a number's.
   * NaN for any other field (it is read by its text).
   */
  plainNumber(v: unknown): number {
    return typeof v === 'number' && this.numbersReadAsThemselves && Math.abs(v) <= FLOAT32_MAX ? (v === 0 ? 0 : v) : Number.NaN;
  }
}

/** Fills a reading's value and problem (its `missing` is set already). */
function reading(into: CellReading, value: number, problem: CellReading['problem']): CellReading {
  into.value = value;
  into.problem = problem;
  return into;
}

/**
 * A record's field: own properties only (an absent field must not read an inherited `constructor`, `toString`, …).
 * @example
 * fieldOf({ Income: 129 }, 'constructor'); // undefined
 */
export function fieldOf(record: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/**
 * A record field's text (undefined: missing); a non-finite number is refused as its text would be ('NaN' would read as
 * missing).
 * @example
 * fieldText(12.5, 'Income'); // '12.5'; fieldText(Infinity, 'Income') throws a ScoringError naming 'Income'
 */
export function fieldText(v: unknown, column: string): string | undefined {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ScoringError(`${v} is not a finite number`, { column });
  return v === null || v === undefined ? undefined : String(v);
}
