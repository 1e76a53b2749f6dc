import { UsageError } from '../core/errors.js';
import { activationCode, type ActivationCode } from '../core/activations.js';
import { type Rng, Rng4, toRng, type Rng4State, type RngState } from '../core/rng.js';
import { getActivation, type Activation, type ActivationName } from './activations.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import type { Parameter } from './parameter.js';
import { positiveClassProbabilities, softmaxRows } from '../loss/softmax.js';
import { createOps, type BackendChoice, type BackendName, type Ops } from '../backend/registry.js';
import type { WasmOps } from '../backend/wasm/index.js';

/** Constructor options (the original’s arguments plus seed and backend). */
export interface HamiltonianNNOptions {
  /** Number of input features. */
  inputDim: number;
  /** Widths of the hidden layers, e.g. [64, 32]; [] gives (multinomial) logistic regression. */
  hiddenDims: readonly number[];
  /** Hidden activation; default 'leaky_relu' (negative slope 0.01) as in the original. */
  activation?: ActivationName;
  /** Dropout after each hidden activation; default 0.2. */
  dropoutRate?: number;
  /** Number of classes (logits); default 2. */
  outputDim?: number;
  /** Seed (or generator) for initialisation and dropout masks; default 0. */
  seed?: number | Rng;
  /**
   * Where forward/backward run: 'auto' (default: WASM SIMD where available, else the scalar WASM build,
   * else JS), 'wasm', or 'js' (the reference kernels). Same seed, same backend → identical bits.
   */
  backend?: BackendChoice;
  /** Force the 'simd' or 'scalar' WASM build (tests and benchmarks). */
  wasmFlavor?: 'simd' | 'scalar';
  /** @deprecated since 0.2: the US spelling `wasmFlavor`; removed in 0.3. */
  wasmFlavour?: 'simd' | 'scalar';
}

/** The architecture, as stored with a model. */
export interface HamiltonianNNConfig {
  inputDim: number;
  hiddenDims: number[];
  activation: ActivationName;
  dropoutRate: number;
  outputDim: number;
}

/** A JSON-able snapshot of a model (plus Float32Arrays): what `fromState` needs to rebuild it exactly. */
export interface HamiltonianNNState {
  format: 'hamiltonian-ai/model-state';
  version: 1;
  config: HamiltonianNNConfig;
  /** Tensors by parameter name (`layers.0.weight`, `layers.0.bias`, …). */
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
  /** The generators' states, so a resumed run draws the same masks. */
  rng: RngState;
  dropoutRng?: Rng4State;
}

/** Options of `forward`. */
export interface ForwardOptions {
  /** Apply the previous pass's dropout masks again (same batch, same rows): closure-based optimisers. */
  reuseDropoutMask?: boolean;
  /** Skip dropout for this pass regardless of mode (used by `predictProba`). */
  inference?: boolean;
}

function validateConfig(o: HamiltonianNNOptions): HamiltonianNNConfig {
  const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
  if (!isPosInt(o.inputDim)) throw new UsageError(`HamiltonianNN: inputDim must be a positive integer, got ${o.inputDim}`);
  if (!Array.isArray(o.hiddenDims) || !o.hiddenDims.every(isPosInt)) {
    throw new UsageError(`HamiltonianNN: hiddenDims must be an array of positive integers, got ${JSON.stringify(o.hiddenDims)}`);
  }
  const outputDim = o.outputDim ?? 2;
  if (!Number.isInteger(outputDim) || outputDim < 2) {
    throw new UsageError(`HamiltonianNN: outputDim must be an integer ≥ 2, got ${outputDim}`);
  }
  const dropoutRate = o.dropoutRate ?? 0.2;
  if (!(dropoutRate >= 0 && dropoutRate < 1)) {
    throw new UsageError(`HamiltonianNN: dropoutRate must be in [0, 1), got ${dropoutRate}`);
  }
  const activation = getActivation(o.activation ?? 'leaky_relu').name;
  return { inputDim: o.inputDim, hiddenDims: [...o.hiddenDims], activation, dropoutRate, outputDim };
}

/** Rows per forward pass in `predictProba`: activations stay bounded (4096 × the widest layer) for any batch. */
const PREDICT_CHUNK = 4096;

/**
 * The multilayer perceptron of the original `hamiltonian_ai.models.HamiltonianNN`:
 * for each hidden width h, Linear → activation → Dropout; then a Linear layer to `outputDim` logits.
 *
 * Work buffers are kept between calls and grow with the batch, so a training loop allocates nothing
 * per step. `forward` returns a view of an internal buffer that the next call overwrites.
 *
 * @example
 * const model = new HamiltonianNN({ inputDim: 4, hiddenDims: [8], seed: 1 });
 * const x = new Float32Array(4 * 3); // 3 rows
 * const p = model.predictProba(x, 3); // P(class 1) per row
 */
export class HamiltonianNN {
  readonly config: HamiltonianNNConfig;
  readonly layers: Dense[];
  readonly dropouts: Dropout[];
  readonly activation: Activation;
  /** The model's generator: initialisation draws from it, then the dropout streams are forked from it. */
  readonly rng: Rng;
  /** Four interleaved streams for dropout masks (the same bits on the JS and WASM backends). */
  readonly dropoutRng: Rng4;
  /** The op layer forward and backward run on (and that owns the parameters' memory). */
  readonly ops: Ops;
  /** The backend in use. */
  readonly backend: BackendName;
  /** Why the requested backend is not the one in use, if it is not. */
  readonly fallbackReason?: string;
  private training = true;
  private capacity = 0;
  private readonly act: ActivationCode;
  /** Work buffers in the ops' memory, grown with the batch (see `ensureCapacity`). */
  private readonly bufs: {
    input: Float32Array;
    logits: Float32Array;
    dLogits: Float32Array;
    gradA: Float32Array;
    gradB: Float32Array;
    dInput: Float32Array;
    pre: Float32Array[];
    post: Float32Array[];
  } = {
    input: new Float32Array(0),
    logits: new Float32Array(0),
    dLogits: new Float32Array(0),
    gradA: new Float32Array(0),
    gradB: new Float32Array(0),
    dInput: new Float32Array(0),
    pre: [],
    post: [],
  };
  /** The last forward's input: the caller's array, or 'staged' for the copy in `bufs.input` (re-read: memory may grow). */
  private lastInput: Float32Array | 'staged' | null = null;
  private lastRows = 0;
  private lastUsedDropout = false;
  /** Rows the current dropout masks were drawn for (a reused mask must cover the same rows). */
  private maskRows = 0;

  constructor(options: HamiltonianNNOptions) {
    this.config = validateConfig(options);
    this.rng = toRng(options.seed);
    this.activation = getActivation(this.config.activation);
    this.act = activationCode(this.config.activation);
    const dims = [this.config.inputDim, ...this.config.hiddenDims, this.config.outputDim];
    this.layers = [];
    for (let l = 0; l + 1 < dims.length; l++) this.layers.push(new Dense(dims[l], dims[l + 1], this.rng, `layers.${l}`));
    this.dropouts = this.config.hiddenDims.map(() => new Dropout(this.config.dropoutRate));
    this.dropoutRng = new Rng4(this.rng);
    const { ops, fallbackReason } = createOps(options.backend ?? 'auto', options.wasmFlavor ?? options.wasmFlavour);
    this.ops = ops;
    this.backend = ops.backend;
    if (fallbackReason) this.fallbackReason = fallbackReason;
    // Parameters move into the ops' memory (values kept), so every kernel works on them in place.
    for (const p of this.parameters()) {
      for (const key of ['data', 'grad'] as const) {
        const values = p[key];
        if (!ops.owns(values)) ops.alloc(p, key, values.length).set(values);
      }
    }
  }

  /** For the wasm backend: which build runs ('simd' or 'scalar'). */
  get wasmFlavor(): 'simd' | 'scalar' | null {
    return this.ops.backend === 'wasm' ? (this.ops as WasmOps).flavor : null;
  }
  /** @deprecated since 0.2: the US spelling `wasmFlavor`; removed in 0.3. */
  get wasmFlavour(): 'simd' | 'scalar' | null {
    return this.wasmFlavor;
  }

  get inputDim(): number {
    return this.config.inputDim;
  }
  get outputDim(): number {
    return this.config.outputDim;
  }
  get isTraining(): boolean {
    return this.training;
  }

  /**
   * Draws the next dropout mask of hidden layer `layer` for `rows` rows from the model's dropout generator — the
   * bits a training `forward` would draw (WASM kernel or JS, the same on both) — as 0 or 1/(1−p) per element.
   * The array is reused by the next draw. Used by the GPU path, which applies the mask on the device.
   */
  drawDropoutMask(layer: number, rows: number): Float32Array {
    if (!(Number.isInteger(layer) && layer >= 0 && layer < this.dropouts.length))
      throw new UsageError(`drawDropoutMask: layer must be a hidden layer index in [0, ${this.dropouts.length}), got ${layer}`);
    this.ensureCapacity(rows);
    const n = rows * this.layers[layer].outFeatures;
    return this.ops.dropoutMask(this.dropouts[layer].mask, n, this.dropouts[layer].p, this.dropoutRng).subarray(0, n);
  }

  /** Training mode: dropout active. Returns this. */
  train(): this {
    this.training = true;
    for (const d of this.dropouts) d.training = true;
    return this;
  }

  /** Evaluation mode: dropout is the identity. Returns this. */
  eval(): this {
    this.training = false;
    for (const d of this.dropouts) d.training = false;
    return this;
  }

  /** All trainable tensors, in `state_dict` order: layers.0.weight, layers.0.bias, layers.1.weight, … */
  parameters(): Parameter[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.parameters().reduce((s, p) => s + p.data.length, 0);
  }

  /** Clears every parameter’s gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad.fill(0);
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const cap = Math.max(rows, this.capacity * 2, 1);
    const { ops, bufs } = this;
    const { outputDim, hiddenDims } = this.config;
    const widest = Math.max(1, ...hiddenDims);
    // Staging for arrays the ops do not own (an input from elsewhere): sized on first use, see `onDevice`.
    for (const key of ['input', 'dLogits', 'dInput'] as const) if (bufs[key].length > 0) ops.alloc(bufs, key, (bufs[key].length / this.capacity) * cap);
    ops.alloc(bufs, 'logits', cap * outputDim);
    ops.alloc(bufs, 'gradA', cap * widest);
    ops.alloc(bufs, 'gradB', cap * widest);
    hiddenDims.forEach((h, l) => {
      ops.alloc(bufs.pre, String(l), cap * h);
      ops.alloc(bufs.post, String(l), cap * h);
      ops.alloc(this.dropouts[l], 'mask', cap * h);
    });
    this.capacity = cap;
  }

  private checkInput(x: Float32Array, rows: number): void {
    if (!Number.isInteger(rows) || rows < 1) throw new UsageError(`rows must be a positive integer, got ${rows}`);
    const need = rows * this.config.inputDim;
    if (!(x instanceof Float32Array) || x.length < need) {
      throw new UsageError(`input must be a Float32Array of at least rows·inputDim = ${rows}·${this.config.inputDim} = ${need} values, got ${x?.length}`);
    }
  }

  /** A staging buffer in the ops' memory for arrays they do not own (allocated on first use). */
  private staging(key: 'input' | 'dLogits' | 'dInput', width: number): Float32Array {
    if (this.bufs[key].length === 0) this.ops.alloc(this.bufs, key, this.capacity * width);
    return this.bufs[key];
  }

  /** The first rows·width values of `a` where the ops can work on them: `a` itself when they own it, else a copy. */
  private onDevice(a: Float32Array, rows: number, width: number, key: 'input' | 'dLogits'): Float32Array {
    if (this.ops.owns(a)) return a;
    const copy = this.staging(key, width);
    copy.set(a.subarray(0, rows * width));
    return copy;
  }

  /**
   * Logits for `rows` rows of `x` (row-major, rows × inputDim). Returns a view of an internal buffer
   * (rows × outputDim) valid until the next call. Keeps what `backward` needs.
   */
  forward(x: Float32Array, rows: number, options: ForwardOptions = {}): Float32Array {
    this.checkInput(x, rows);
    this.ensureCapacity(rows);
    const { ops, bufs, layers, dropouts } = this;
    const useDropout = this.training && !options.inference;
    const reuseMask = options.reuseDropoutMask ?? false;
    if (useDropout && reuseMask && dropouts.some((d) => d.active) && this.maskRows !== rows) {
      throw new UsageError(`Dropout: cannot reuse masks drawn for ${this.maskRows} rows for ${rows}`);
    }
    let input = this.onDevice(x, rows, this.config.inputDim, 'input');
    this.lastInput = input === x ? x : 'staged';
    for (let l = 0; l < dropouts.length; l++) {
      const n = rows * layers[l].outFeatures;
      const pre = bufs.pre[l],
        post = bufs.post[l],
        d = dropouts[l];
      layers[l].forward(pre, input, rows, ops);
      let mask: Float32Array | null = null;
      if (useDropout && d.active) {
        if (!reuseMask) ops.dropoutMask(d.mask, n, d.p, this.dropoutRng);
        mask = d.mask;
      }
      ops.activate(post, pre, n, this.act, mask);
      input = post;
    }
    if (useDropout && !reuseMask) this.maskRows = rows;
    const last = layers[layers.length - 1];
    const out = last.forward(bufs.logits.subarray(0, rows * last.outFeatures), input, rows, ops);
    this.lastRows = rows;
    this.lastUsedDropout = useDropout;
    return out;
  }

  /**
   * Backpropagates `dLogits` (rows × outputDim, the gradient of the loss w.r.t. the logits of the last
   * `forward`), adding into every parameter's `grad`. Writes the gradient w.r.t. the input into `dInput`
   * when given.
   */
  backward(dLogits: Float32Array, rows: number = this.lastRows, dInput?: Float32Array): void {
    if (!this.lastInput || rows !== this.lastRows) throw new UsageError('HamiltonianNN.backward: call forward on the same rows first');
    const { ops, bufs, layers, dropouts } = this;
    // Staging is allocated before any view is taken below (an allocation can grow WASM memory and detach views).
    if (dInput && !ops.owns(dInput)) this.staging('dInput', this.config.inputDim);
    let g = this.onDevice(dLogits, rows, this.config.outputDim, 'dLogits');
    const x = this.lastInput === 'staged' ? bufs.input : this.lastInput;
    let scratch = bufs.gradA,
      other = bufs.gradB;
    for (let l = layers.length - 1; l >= 0; l--) {
      const nin = layers[l].inFeatures;
      if (l === 0) {
        const target = !dInput || ops.owns(dInput) ? dInput : bufs.dInput;
        layers[0].backward(target ?? null, g, x, rows, ops);
        if (dInput && target !== dInput) dInput.set(target!.subarray(0, rows * nin));
        break;
      }
      layers[l].backward(scratch, g, bufs.post[l - 1], rows, ops);
      const d = dropouts[l - 1];
      ops.activateBackward(scratch, bufs.pre[l - 1], rows * nin, this.act, this.lastUsedDropout && d.active ? d.mask : null);
      g = scratch;
      scratch = other;
      other = g;
    }
  }

  /**
   * Class probabilities with dropout off (whatever the mode). For two classes, returns P(class 1) per
   * row (length rows); otherwise rows × outputDim probabilities. Writes into `out` when given. Works through
   * the rows in chunks of 4096, so any number of rows scores in bounded memory (the same bits as one pass).
   */
  predictProba(x: Float32Array, rows: number, out?: Float32Array): Float32Array {
    this.checkInput(x, rows);
    const k = this.config.outputDim,
      d = this.config.inputDim;
    const size = k === 2 ? rows : rows * k;
    if (out && out.length < size) throw new UsageError(`predictProba: out holds ${out.length} values, ${rows} rows need ${size}`);
    const res = out ?? new Float32Array(size);
    for (let start = 0; start < rows; start += PREDICT_CHUNK) {
      const n = Math.min(PREDICT_CHUNK, rows - start);
      const logits = this.forward(x.subarray(start * d, (start + n) * d), n, { inference: true });
      if (k === 2) positiveClassProbabilities(res, logits, n, 2, start);
      else softmaxRows(res.subarray(start * k, (start + n) * k), logits, n, k);
    }
    return res;
  }

  /** A snapshot of architecture, weights and dropout-generator state (arrays are copies). */
  state(): HamiltonianNNState {
    const tensors: HamiltonianNNState['tensors'] = {};
    for (const p of this.parameters()) tensors[p.name] = { shape: [...p.shape], data: p.data.slice() };
    return {
      format: 'hamiltonian-ai/model-state',
      version: 1,
      config: { ...this.config, hiddenDims: [...this.config.hiddenDims] },
      tensors,
      rng: this.rng.getState(),
      dropoutRng: this.dropoutRng.getState(),
    };
  }

  /** Copies weights from a state of the same architecture into this model. */
  loadState(state: HamiltonianNNState): this {
    for (const p of this.parameters()) {
      const t = state.tensors?.[p.name];
      if (!t) throw new UsageError(`loadState: tensor '${p.name}' is missing`);
      if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]) || t.data.length !== p.data.length) {
        throw new UsageError(`loadState: tensor '${p.name}' has shape [${t.shape}], expected [${p.shape}]`);
      }
      p.data.set(t.data);
    }
    if (state.rng) this.rng.setState(state.rng);
    if (state.dropoutRng) this.dropoutRng.setState(state.dropoutRng);
    return this;
  }

  /** Rebuilds a model from `state()`. */
  static fromState(state: HamiltonianNNState, options: Pick<HamiltonianNNOptions, 'backend' | 'wasmFlavor'> = {}): HamiltonianNN {
    if (state?.format !== 'hamiltonian-ai/model-state') throw new UsageError('fromState: not a hamiltonian-ai model state');
    if (state.version !== 1) throw new UsageError(`fromState: unsupported state version ${state.version}`);
    const model = new HamiltonianNN({ ...state.config, seed: 0, ...options });
    return model.loadState(state);
  }
}
