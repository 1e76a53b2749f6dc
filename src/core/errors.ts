/** Marks the library's own errors, whatever built-in class they extend (see `HamiltonianAIError`). */
const BRAND = Symbol.for('hamiltonian-ai.error');

/**
 * The base of every error this library throws on purpose: bad data, a bad model file, a bad argument, a run that
 * diverged. Anything else (a `RangeError` from the engine, a `TypeError` from a bug) is not one, so a caller — the
 * CLI among them — can tell "your input" (exit 2) from "our bug" (exit 1).
 * `UsageError` extends the built-in `RangeError` (what argument checks threw before 0.2) and still counts as one:
 * `instanceof HamiltonianAIError` tests a brand, not the prototype chain.
 * @example
 * try { fit(model, opt, data); } catch (e) { if (e instanceof HamiltonianAIError) report(e.message); else throw e; }
 */
export class HamiltonianAIError extends Error {
  /** True for the library's errors when asked of `HamiltonianAIError`; the usual prototype test for its subclasses. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class `instanceof` was asked about: the base answers by brand, subclasses as usual.
    // biome-ignore lint/complexity/noThisInStatic: the receiver is the point (inherited by every subclass)
    if (this !== HamiltonianAIError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
Object.defineProperty(HamiltonianAIError.prototype, BRAND, { value: true });

/**
 * An argument, option or call that the library refuses, naming the parameter and the value it got.
 * @example
 * throw new UsageError(`batchSize must be a positive integer, got ${batchSize}`);
 */
export class UsageError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
Object.defineProperty(UsageError.prototype, BRAND, { value: true });

/**
 * Raised when the loss becomes NaN or infinite; the model holds the weights of the last completed epoch.
 * @example
 * try { await fit(model, opt, data); } catch (e) { if (e instanceof TrainingDivergedError) console.log(e.epoch, e.batch); }
 */
export class TrainingDivergedError extends HamiltonianAIError {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(`training diverged: loss ${loss} at epoch ${epoch}, batch ${batch}; the model was restored to the end of epoch ${epoch - 1}`);
  }
}
