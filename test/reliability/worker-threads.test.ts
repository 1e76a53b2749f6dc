import { afterEach, describe, expect, it, vi } from 'vitest';
import { workerThreads } from '../../src/cli/threads.js';

/** `--workers` of score, cv, train and evaluate: never more threads than cores (each past them only competes). */
describe('workerThreads', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes the count asked for up to the cores, and the fallback (at most the cores, at least one) when none is asked', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(workerThreads('score', 1, 8, false, 4)).toBe(1);
    expect(workerThreads('score', 4, 8, false, 4)).toBe(4);
    expect(workerThreads('score', undefined, 8, false, 4)).toBe(4);
    expect(workerThreads('train', undefined, 2, false, 4)).toBe(2);
    expect(workerThreads('train', undefined, 0, false, 4)).toBe(1);
    expect(write).not.toHaveBeenCalled();
  });

  it('lowers a count above the cores to them, saying so on stderr unless quiet', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(workerThreads('score', 64, 2, false, 2)).toBe(2);
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0][0])).toBe('note: score --workers 64: this process may use 2 cores, so 2 threads (more would only compete for them)\n');
    expect(workerThreads('cv', 3, 1, false, 1)).toBe(1);
    expect(String(write.mock.calls[1][0])).toBe('note: cv --workers 3: this process may use 1 core, so 1 thread (more would only compete for them)\n');
    expect(workerThreads('score', 64, 2, true, 2)).toBe(2);
    expect(write).toHaveBeenCalledTimes(2);
  });
});
