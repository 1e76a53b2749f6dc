/**
 * cli/csv-input.ts: a CSV's bytes from a file or a pipe, gzip data found by its first two bytes and decompressed —
 * whatever sizes the reads come in (one byte at a time splits gzip's magic), and damaged gzip in one line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvInputChunks, inputName, isPlainFile } from '../../src/cli/csv-input.js';
import { UsageError } from '../../src/cli/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hai-input-'));
let files = 0;
const file = (bytes: Uint8Array): string => {
  const path = join(dir, `f${files++}`);
  writeFileSync(path, bytes);
  return path;
};

async function readAll(path: string, chunkBytes: number, start?: number): Promise<{ bytes: Buffer; read: number }> {
  const parts: Uint8Array[] = [];
  let read = 0;
  for await (const chunk of csvInputChunks(path, { chunkBytes, start, onRead: (n) => void (read += n) })) parts.push(chunk);
  return { bytes: Buffer.concat(parts), read };
}

const text = new TextEncoder().encode('a,b\n1,"x\ny"\n3,4\n');

describe('csvInputChunks', () => {
  it('gives a plain file as it is, and gzip data decompressed, for reads of any size (1 byte: the magic split)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 3 }), async (data, chunk, members) => {
        const plain = file(data);
        const got = await readAll(plain, chunk);
        expect(got.bytes.equals(Buffer.from(data))).toBe(true);
        expect(got.read).toBe(data.length);
        // One or more gzip members, as `cat a.gz b.gz` makes: all of them, in order.
        const parts = Array.from({ length: members }, (_, m) => data.subarray((m * data.length) / members, ((m + 1) * data.length) / members));
        const gz = Buffer.concat(parts.map((p) => gzipSync(p)));
        const packed = file(gz);
        const unpacked = await readAll(packed, chunk);
        expect(unpacked.bytes.equals(Buffer.from(data))).toBe(true);
        expect(unpacked.read).toBe(gz.length); // (progress counts the file's bytes)
      }),
      { numRuns: 60 },
    );
  });

  it('a plain file from an offset; bytes that only start like gzip (0x1f alone) are plain', async () => {
    expect((await readAll(file(text), 4, 4)).bytes.toString()).toBe('1,"x\ny"\n3,4\n');
    expect((await readAll(file(new Uint8Array([0x1f])), 1)).bytes).toEqual(Buffer.from([0x1f]));
    expect((await readAll(file(new Uint8Array([0x1f, 0x8a, 0x41])), 1)).bytes).toEqual(Buffer.from([0x1f, 0x8a, 0x41]));
    expect((await readAll(file(new Uint8Array(0)), 8)).bytes.length).toBe(0);
  });

  it('damaged gzip data: one UsageError naming the file — truncated, bytes after the last member, a corrupt block', async () => {
    const gz = gzipSync(Buffer.concat(Array.from({ length: 200 }, () => Buffer.from(text))));
    const truncated = file(gz.subarray(0, gz.length - 9));
    await expect(readAll(truncated, 64)).rejects.toThrow(
      new UsageError(`${truncated}: the gzip data ends early (unexpected end of file): is the file complete?`),
    );
    const trailing = file(Buffer.concat([gz, Buffer.from('junk')]));
    await expect(readAll(trailing, 64)).rejects.toThrow(
      /^.*: damaged gzip data \(incorrect header check; bytes after the last gzip member count as damage too\)$/,
    );
    const corrupt = Buffer.from(gz);
    corrupt[12] ^= 0xff;
    const bad = file(corrupt);
    const e = await readAll(bad, 64).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message.startsWith(`${bad}: `)).toBe(true);
  });

  it('a zip archive, xz, bzip2 or zstd data: one UsageError naming the format and how to pipe it in, even read a byte at a time', async () => {
    const cases: Array<[number[], string]> = [
      [[0x50, 0x4b, 0x03, 0x04, 0x14, 0x00], 'a zip archive, not CSV; decompress it on the way in: unzip -p'],
      [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00], 'xz data, not CSV; decompress it on the way in: xz -dc'],
      [[0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59], 'bzip2 data, not CSV; decompress it on the way in: bzip2 -dc'],
      [[0x28, 0xb5, 0x2f, 0xfd, 0x04], 'zstd data, not CSV; decompress it on the way in: zstd -dc'],
    ];
    for (const [magic, message] of cases) {
      const path = file(new Uint8Array([...magic, 1, 2, 3]));
      expect(isPlainFile(path)).toBe(false);
      for (const chunk of [1, 64]) await expect(readAll(path, chunk)).rejects.toThrow(`${path}: this is ${message} ${path} | hamiltonian-ai … --data -`);
    }
    // Text that merely starts with bzip2's letters is CSV.
    const text = file(new TextEncoder().encode('BZh9,x\n1,2\n'));
    expect(isPlainFile(text)).toBe(true);
    expect((await readAll(text, 1)).bytes.toString()).toBe('BZh9,x\n1,2\n');
  });

  it('isPlainFile: gzip data is not, other bytes are; inputName says "standard input" for -', () => {
    expect(isPlainFile(file(gzipSync(text)))).toBe(false);
    expect(isPlainFile(file(text))).toBe(true);
    expect(isPlainFile(file(new Uint8Array([0x1f])))).toBe(true);
    expect(isPlainFile('-')).toBe(false);
    expect(inputName('-')).toBe('standard input');
    expect(inputName('a.csv')).toBe('a.csv');
  });
});
