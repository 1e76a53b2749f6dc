/**
 * The few protobuf messages an ONNX file needs (ModelProto, GraphProto, NodeProto, TensorProto, …), written by
 * hand: the library has no dependencies. Field numbers are onnx.proto3's.
 */

/** A protobuf message being written (fields appended in the order given). */
export class Writer {
  private parts: number[] = [];
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.parts.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.parts.push(Number(x));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    for (const x of b) this.parts.push(x);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** TensorProto.DataType values used here. */
export const ElemType = { float: 1, int64: 7, string: 8, bool: 9 } as const;

/** An initializer: float32 or int64 values, stored as raw little-endian bytes. */
function tensor(name: string, dims: number[], data: Float32Array | BigInt64Array): Writer {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  const isFloat = data instanceof Float32Array;
  w.int(2, isFloat ? ElemType.float : ElemType.int64).string(8, name);
  const raw = new Uint8Array(data.length * (isFloat ? 4 : 8));
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) {
    if (isFloat) dv.setFloat32(i * 4, data[i] as number, true);
    else dv.setBigInt64(i * 8, data[i] as bigint, true);
  }
  return w.bytes(9, raw);
}

/** A graph input or output: name, element type and shape (numbers, or names for symbolic dimensions). */
export function valueInfo(name: string, dims: Array<number | string>, elemType: number = ElemType.float): Writer {
  const shape = new Writer();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, elemType).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

/** A node; `domain` '' is the default ONNX domain ('ai.onnx.ml' for the ML operators). */
function node(op: string, inputs: string[], outputs: string[], name: string, attrs: Writer[] = [], domain = ''): Writer {
  const w = new Writer();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name).string(4, op);
  for (const a of attrs) w.message(5, a);
  if (domain) w.string(7, domain);
  return w;
}

// AttributeProto: name 1, f 2, i 3, floats 7, ints 8, strings 9, type 20 (FLOAT 1, INT 2, INTS 7, STRINGS 8).
export const intAttr = (name: string, v: number) => new Writer().string(1, name).int(3, v).int(20, 2);
export const floatAttr = (name: string, v: number) => new Writer().string(1, name).float(2, v).int(20, 1);
export function intsAttr(name: string, values: readonly number[]): Writer {
  const w = new Writer().string(1, name);
  for (const v of values) w.int(8, v);
  return w.int(20, 7);
}
export function stringsAttr(name: string, values: readonly string[]): Writer {
  const w = new Writer().string(1, name);
  for (const v of values) w.string(9, v);
  return w.int(20, 8);
}

/** A graph under construction: nodes and initializers in the order added. */
export class Graph {
  readonly nodes: Writer[] = [];
  readonly initializers: Writer[] = [];
  readonly inputs: Writer[] = [];
  readonly outputs: Writer[] = [];
  /** Every initializer and node output so far (a graph input must not reuse one). */
  readonly names = new Set<string>();
  private count = 0;
  /** Adds a node. */
  node(op: string, inputs: string[], outputs: string[], name: string, attrs: Writer[] = [], domain = ''): void {
    this.nodes.push(node(op, inputs, outputs, name, attrs, domain));
    for (const o of outputs) this.names.add(o);
  }
  /** Adds a node named after its output (unique in a graph); returns that output. */
  add(op: string, inputs: string[], output: string, attrs: Writer[] = [], domain = ''): string {
    this.node(op, inputs, [output], `${output}_${this.count++}`, attrs, domain);
    return output;
  }
  /** Adds an initializer; returns its name. */
  constant(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    this.initializers.push(tensor(name, dims, data));
    this.names.add(name);
    return name;
  }
}

/** What `modelBytes` writes around a graph. */
export interface ModelHeader {
  producerVersion: string;
  graphName: string;
  doc: string;
  /** Operator sets by domain ('' = ai.onnx). */
  opsets: Array<[domain: string, version: number]>;
  /** ModelProto.metadata_props: key → value. */
  metadata?: Record<string, string>;
}

/** Serialises a ModelProto (IR version 8) holding `graph`. */
export function modelBytes(graph: Graph, header: ModelHeader): Uint8Array {
  const g = new Writer();
  for (const n of graph.nodes) g.message(1, n);
  g.string(2, header.graphName);
  for (const t of graph.initializers) g.message(5, t);
  g.string(10, header.doc);
  for (const i of graph.inputs) g.message(11, i);
  for (const o of graph.outputs) g.message(12, o);
  const model = new Writer().int(1, 8).string(2, 'hamiltonian-ai').string(3, header.producerVersion).message(7, g);
  for (const [domain, version] of header.opsets) model.message(8, new Writer().string(1, domain).int(2, version));
  for (const [key, value] of Object.entries(header.metadata ?? {})) model.message(14, new Writer().string(1, key).string(2, value));
  return model.finish();
}
