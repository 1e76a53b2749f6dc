/**
 * Every runtime the README names trains and scores with the same bits: Node (this process's), Bun and Deno (both from
 * the npm registry: devDependencies `bun`, `@deno/linux-x64-glibc`) run test/runtimes/train-and-score.mjs on the
 * built package — three epochs of training and the edge scorer, on the JS and the WASM backends, and `ScorerPool`'s
 * worker threads — and print SHA-256s of the weights and probabilities. Browsers (Chromium) and workerd have their own tests (test/gpu, test/edge).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

const script = join(ROOT, 'test', 'runtimes', 'train-and-score.mjs');
const run = (command: string, args: string[]) => JSON.parse(execFileSync(command, [...args, script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }).trim());

describe('Node, Bun and Deno give identical bits', () => {
  const node = run(process.execPath, []);
  it.each([
    ['bun', join(ROOT, 'node_modules', '.bin', 'bun'), [] as string[]],
    ['deno', join(ROOT, 'node_modules', '@deno', 'linux-x64-glibc', 'deno'), ['run', '--allow-read', '--allow-env']],
  ])('%s: the same weights, probabilities and scores as Node on js and wasm', (name, command, args) => {
    const other = run(command, args);
    expect(other.runtime).toMatch(new RegExp(`^${name} \\d+\\.\\d+`));
    expect(node.runtime).toMatch(/^node /);
    const { runtime: _a, ...mine } = node;
    const { runtime: _b, ...theirs } = other;
    expect(theirs).toEqual(mine);
    expect(theirs.wasm.scorerEngine).toBe('wasm');
    // ScorerPool's worker threads run there too, and score with the scorer's bits.
    expect(theirs.pool).toEqual({ threads: 2, sameBits: true, workerScored: true, reasonsSameBits: true });
  });
});
