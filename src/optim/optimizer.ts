import { UsageError } from '../core/errors.js';
import { opsOf, type Ops } from '../backend/registry.js';
import type { Parameter } from '../core/parameter.js';

/**
 * Recomputes the loss and the gradients at the current parameters (zeroing them first), returning the
 * loss — PyTorch's `step(closure)` convention. Needed by optimisers that evaluate the gradient more
 * than once per step.
 */
export type Closure = () => number;

/** Hyper-parameters every optimiser has. */
export interface BaseOptions {
  lr: number;
}

/** A set of parameters with its own hyper-parameters (PyTorch's parameter groups). */
export type ParamGroupInput<O> = { params: Parameter[] } & Partial<O>;

/** A parameter group with its resolved hyper-parameters. */
export interface ParamGroup<O> {
  params: Parameter[];
  options: O;
}

/** Serialisable optimiser state: hyper-parameters per group and per-parameter buffers by flat index. */
export interface OptimizerState {
  type: string;
  step: number;
  groups: Record<string, unknown>[];
  /** For each parameter (groups in order, parameters in order): its named buffers and counters. */
  params: Array<Record<string, Float32Array | number>>;
}

/**
 * The shared core: parameter groups, per-parameter state, `zeroGrad()`, `step()`, `state()`/`loadState()`.
 * Optimisers see `{ data, grad }` tensors only, never a model.
 * @example
 * const saved = optimizer.state();           // resume later:
 * new Adam(model.parameters()).loadState(saved);
 */
export abstract class Optimizer<O extends BaseOptions> {
  readonly groups: ParamGroup<O>[];
  /** Steps taken. */
  stepCount = 0;
  /**
   * The optimiser's energy after the last step (each subclass documents its definition), summed over
   * parameter tensors. Training history records it per epoch so it can be watched.
   */
  energy = 0;
  /** True when `step` must be given a closure (several gradient evaluations per step). */
  get requiresClosure(): boolean {
    return false;
  }

  /**
   * False when `step` never reads the gradients present on entry (a splitting method that starts with a
   * drift): callers can then skip computing them and let the closure do all the evaluations.
   */
  get usesEntryGradient(): boolean {
    return true;
  }
  protected readonly perParam = new Map<Parameter, Record<string, Float32Array | number>>();
  abstract readonly type: string;

  constructor(params: Parameter[] | ParamGroupInput<O>[], defaults: O) {
    this.validateOptions(defaults, 'options');
    const inputs: ParamGroupInput<O>[] =
      // (null or a number in the list is a bad parameter, reported below — not a TypeError from `in`)
      params.length > 0 && typeof params[0] === 'object' && params[0] !== null && 'params' in params[0] && !('data' in params[0])
        ? (params as ParamGroupInput<O>[])
        : [{ params: params as Parameter[] } as ParamGroupInput<O>];
    const seen = new Set<Parameter>();
    this.groups = inputs.map((g, gi) => {
      const { params: ps, ...overrides } = g;
      if (!Array.isArray(ps) || ps.length === 0) throw new UsageError(`parameter group ${gi} has no parameters`);
      for (const p of ps) {
        if (!(p?.data instanceof Float32Array) || !(p.grad instanceof Float32Array) || p.grad.length !== p.data.length) {
          throw new UsageError(`parameter group ${gi}: each parameter needs Float32Array data and grad of equal length`);
        }
        if (seen.has(p)) throw new UsageError(`parameter '${p.name}' appears in more than one group`);
        seen.add(p);
      }
      const options = { ...defaults, ...(overrides as unknown as Partial<O>) } as O;
      this.validateOptions(options, `group ${gi}`);
      return { params: ps, options };
    });
  }

  /** Checks hyper-parameters; subclasses extend it. Errors name the parameter. */
  protected validateOptions(o: O, where: string): void {
    this.requireOption(Number.isFinite(o.lr) && o.lr >= 0, where, 'lr must be a finite number ≥ 0', o.lr);
  }

  /** Throws "Class where: rule, got value" unless `ok`; the one message shape every optimiser uses. */
  protected requireOption(ok: boolean, where: string, rule: string, value: unknown): void {
    if (!ok) throw new UsageError(`${this.constructor.name} ${where}: ${rule}, got ${value}`);
  }

  /** All parameters, groups in order. */
  params(): Parameter[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** Clears the gradients of every parameter of every group. */
  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.grad.fill(0);
  }

  /** The learning rate of the first group (schedulers set all groups). */
  get lr(): number {
    return this.groups[0].options.lr;
  }
  set lr(value: number) {
    if (!(Number.isFinite(value) && value >= 0)) throw new UsageError(`lr must be a finite number ≥ 0, got ${value}`);
    for (const g of this.groups) g.options.lr = value;
  }

  /** One update. Returns the closure's loss when a closure was given. */
  abstract step(closure?: Closure): number | undefined;

  /**
   * Per-parameter buffer, created zero-filled on first use in the memory of the parameter's backend (so its
   * kernels update it in place; the view is kept current when that memory grows).
   */
  protected buffer(p: Parameter, key: string): Float32Array {
    let st = this.perParam.get(p);
    if (!st) this.perParam.set(p, (st = {}));
    const b = st[key];
    return b instanceof Float32Array ? b : opsOf(p.data, p.grad).alloc(st, key, p.data.length);
  }

  /** The ops that run this parameter's update: the backend holding its data and gradient (js for plain arrays). */
  protected opsFor(p: Parameter): Ops {
    return opsOf(p.data, p.grad);
  }

  /** A per-parameter counter (0 when unset). */
  protected counter(p: Parameter, key: string): number {
    const v = this.perParam.get(p)?.[key];
    return typeof v === 'number' ? v : 0;
  }

  /** Sets a per-parameter counter. */
  protected setCounter(p: Parameter, key: string, value: number): void {
    let st = this.perParam.get(p);
    if (!st) this.perParam.set(p, (st = {}));
    st[key] = value;
  }

  /** A copy of everything needed to resume: hyper-parameters, step count and buffers. */
  state(): OptimizerState {
    return {
      type: this.type,
      step: this.stepCount,
      groups: this.groups.map((g) => ({ ...g.options }) as Record<string, unknown>),
      params: this.params().map((p) => {
        const st = this.perParam.get(p) ?? {};
        const copy: Record<string, Float32Array | number> = {};
        for (const [k, v] of Object.entries(st)) copy[k] = v instanceof Float32Array ? v.slice() : v;
        return copy;
      }),
    };
  }

  /** Restores `state()` taken from an optimiser of the same type over parameters of the same shapes. */
  loadState(state: OptimizerState): this {
    if (state.type !== this.type) throw new UsageError(`loadState: state is for '${state.type}', this is '${this.type}'`);
    const ps = this.params();
    if (state.params.length !== ps.length || state.groups.length !== this.groups.length) {
      throw new UsageError(
        `loadState: state has ${state.params.length} parameters in ${state.groups.length} groups, expected ${ps.length} in ${this.groups.length}`,
      );
    }
    state.groups.forEach((o, i) => {
      const options = { ...this.groups[i].options, ...(o as Partial<O>) };
      this.validateOptions(options, `group ${i}`);
      this.groups[i].options = options;
    });
    ps.forEach((p, i) => {
      for (const [k, v] of Object.entries(state.params[i])) {
        if (v instanceof Float32Array && v.length !== p.data.length)
          throw new UsageError(`loadState: buffer '${k}' of parameter ${i} has ${v.length} values, expected ${p.data.length}`);
      }
    });
    ps.forEach((p, i) => {
      const existing = this.perParam.get(p);
      if (existing) for (const k of Object.keys(existing)) if (typeof existing[k] === 'number') delete existing[k];
      for (const [k, v] of Object.entries(state.params[i])) {
        if (v instanceof Float32Array) this.buffer(p, k).set(v);
        else this.setCounter(p, k, v);
      }
    });
    this.stepCount = state.step;
    return this;
  }
}
