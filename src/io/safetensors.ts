import { HamiltonianAIError } from '../core/errors.js';
/**
 * The safetensors container (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON header (tensor name → { dtype, shape, data_offsets }, plus an optional
 * "__metadata__" map of strings), then the raw little-endian tensor bytes. Pure functions over bytes — no
 * file system — so the edge scorer can use them.
 *
 * Reading validates everything before allocating: header length within the file and within a sane bound,
 * JSON shape, dtype, offsets in range, ordered, non-overlapping and covering the buffer exactly, shapes
 * consistent with byte lengths. Every problem is a `ModelFormatError` that says what is wrong.
 * @example
 * try { decodeModel(bytes); } catch (e) { if (e instanceof ModelFormatError) console.log(e.message); }
 */

export class ModelFormatError extends HamiltonianAIError {}

/** One decoded tensor. */
export interface TensorEntry {
  dtype: 'F32';
  shape: number[];
  data: Float32Array;
}

/** A decoded safetensors file: tensors by name and the string metadata. */
export interface SafetensorsContent {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

/** Deepest JSON nesting accepted in the header and its metadata (ours needs 4): a deeper text is refused before parsing. */
export const MAX_JSON_DEPTH = 32;

/**
 * `JSON.parse` of a header (or a metadata value) after a linear scan that refuses nesting deeper than
 * `MAX_JSON_DEPTH`: a 16 MB header of nested brackets would otherwise build millions of arrays (~860 MB) before
 * any check could look at it. `where` names the text in errors.
 * @example
 * const config = parseBoundedJson(metadata.config, '__metadata__.config');
 */
export function parseBoundedJson(text: string, where: string): unknown {
  let depth = 0,
    inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new ModelFormatError(`${where} nests deeper than ${MAX_JSON_DEPTH} levels (at character ${i}): not a model file`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${where} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Largest header we accept: far above any real model's, far below what could exhaust memory. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Serialises tensors (float32, in the order given) and string metadata. The header is padded with spaces
 * so the data starts 8-byte aligned.
 * @example
 * const bytes = encodeSafetensors([['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]], { note: 'hi' });
 */
export function encodeSafetensors(
  tensors: Iterable<[string, { shape: readonly number[]; data: Float32Array }]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const list: Array<[string, Float32Array]> = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new ModelFormatError("a tensor cannot be named '__metadata__'");
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new ModelFormatError(`tensor '${name}': shape [${t.shape}] holds ${count} values, data has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + count * 4] };
    list.push([name, t.data]);
    offset += count * 4;
  }
  let json = textEncoder.encode(JSON.stringify(header));
  // Never write a file that cannot be read back.
  if (json.length > MAX_HEADER_BYTES)
    throw new ModelFormatError(`the header would take ${json.length} bytes, over the ${MAX_HEADER_BYTES}-byte limit readers accept`);
  const pad = (8 - ((8 + json.length) % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(json.length + pad);
    padded.set(json);
    padded.fill(0x20, json.length);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const [, data] of list) {
    for (let i = 0; i < data.length; i++) view.setFloat32(pos + i * 4, data[i], true);
    pos += data.length * 4;
  }
  return out;
}

/**
 * Parses and validates a safetensors file. Only float32 tensors are accepted (what this library writes and
 * what PyTorch saves for these models); anything else is a `ModelFormatError`.
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes);
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContent {
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError('expected the file contents as a Uint8Array');
  if (bytes.length < 8) throw new ModelFormatError(`file too short for a safetensors header: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) throw new ModelFormatError(`header length ${n64} runs past the end of the ${bytes.length}-byte file`);
  const n = Number(n64);
  if (n > MAX_HEADER_BYTES) throw new ModelFormatError(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (n < 2) throw new ModelFormatError('header is empty');
  let text: string;
  try {
    text = textDecoder.decode(bytes.subarray(8, 8 + n));
  } catch (e) {
    throw new ModelFormatError(`header is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  const header = parseBoundedJson(text, 'header');
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new ModelFormatError('header must be a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelFormatError('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new ModelFormatError(`__metadata__.${k} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!t || typeof t !== 'object') throw new ModelFormatError(`tensor '${name}': entry must be an object`);
    if (t.dtype !== 'F32') throw new ModelFormatError(`tensor '${name}': dtype ${JSON.stringify(t.dtype)} is not supported (only F32)`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new ModelFormatError(`tensor '${name}': shape must be an array of non-negative integers`);
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new ModelFormatError(`tensor '${name}': data_offsets must be two non-negative integers`);
    const [begin, end] = off as [number, number];
    if (begin > end) throw new ModelFormatError(`tensor '${name}': data_offsets [${begin}, ${end}] are reversed`);
    if (end > dataLength) throw new ModelFormatError(`tensor '${name}': data_offsets [${begin}, ${end}] run past the ${dataLength} bytes of data`);
    const count = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (count * 4 !== end - begin) throw new ModelFormatError(`tensor '${name}': shape [${t.shape}] needs ${count * 4} bytes, offsets give ${end - begin}`);
    entries.push({ name, dtype: 'F32', shape: t.shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of entries) {
    if (e.begin < cursor) throw new ModelFormatError(`tensor '${e.name}': data overlaps the previous tensor`);
    if (e.begin > cursor) throw new ModelFormatError(`tensor '${e.name}': ${e.begin - cursor} unused bytes before it`);
    cursor = e.end;
  }
  if (cursor !== dataLength) throw new ModelFormatError(`${dataLength - cursor} bytes after the last tensor`);
  const tensors = new Map<string, TensorEntry>();
  for (const e of entries) {
    const count = (e.end - e.begin) / 4;
    const data = new Float32Array(count);
    const base = dataStart + e.begin;
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(base + i * 4, true);
    tensors.set(e.name, { dtype: 'F32', shape: e.shape, data });
  }
  return { tensors, metadata };
}
