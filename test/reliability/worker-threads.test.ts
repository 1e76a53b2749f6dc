import { afterEach, describe, expect, it, vi } from 'vitest';
import { availableParallelism } from 'node:os';
import { workerThreads } from '../../src/cli/threads.js';
import { containerCpuQuota, usableCores } from '../../src/cores.js';

/** `--workers` of score, cv, train and evaluate: never more threads than cores (each past them only competes). */
describe('workerThreads', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes the count asked for up to the cores, and the cores up to a bound (at least one) when none is asked', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(workerThreads('score', 1, false, 8, 4)).toBe(1);
    expect(workerThreads('score', 4, false, 8, 4)).toBe(4);
    expect(workerThreads('score', undefined, false, 8, 4)).toBe(4);
    expect(workerThreads('train', undefined, false, 2, 4)).toBe(2);
    expect(workerThreads('train', undefined, false, 0, 4)).toBe(1);
    expect(write).not.toHaveBeenCalled();
  });

  it('lowers a count above the cores to them, saying so on stderr unless quiet', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(workerThreads('score', 64, false, 2, 2)).toBe(2);
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0][0])).toBe('note: score --workers 64: this process may use 2 cores, so 2 threads (more would only compete for them)\n');
    expect(workerThreads('cv', 3, false, 1, 1)).toBe(1);
    expect(String(write.mock.calls[1][0])).toBe('note: cv --workers 3: this process may use 1 core, so 1 thread (more would only compete for them)\n');
    expect(workerThreads('score', 64, true, 2, 2)).toBe(2);
    expect(write).toHaveBeenCalledTimes(2);
  });
});

/** A cgroup file system of these files (any other path: ENOENT, as outside a container). */
const files =
  (texts: Record<string, string>) =>
  (path: string): string => {
    if (path in texts) return texts[path];
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  };

describe('usableCores: a container CPU quota counted on every Node (Node 20 does not count it itself)', () => {
  it("reads cgroup v2's cpu.max, floored as libuv floors it, at least one; 'max' is no quota", () => {
    expect(containerCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '250000 100000\n' }))).toBe(2);
    expect(containerCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '50000 100000\n' }))).toBe(1);
    expect(containerCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBe(Number.POSITIVE_INFINITY);
    expect(containerCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'garbage' }))).toBe(Number.POSITIVE_INFINITY);
  });

  it("reads cgroup v1's CFS quota (cpu or cpu,cpuacct); -1 or no file is no quota", () => {
    const v1 = (dir: string, quota: string) => files({ [`${dir}/cpu.cfs_quota_us`]: `${quota}\n`, [`${dir}/cpu.cfs_period_us`]: '100000\n' });
    expect(containerCpuQuota(v1('/sys/fs/cgroup/cpu', '300000'))).toBe(3);
    expect(containerCpuQuota(v1('/sys/fs/cgroup/cpu,cpuacct', '400000'))).toBe(4);
    expect(containerCpuQuota(v1('/sys/fs/cgroup/cpu', '-1'))).toBe(Number.POSITIVE_INFINITY);
    expect(containerCpuQuota(files({}))).toBe(Number.POSITIVE_INFINITY);
  });

  it("walks up from the process's own cgroup (/proc/self/cgroup): the smallest quota on the way, the mount's root included", () => {
    const pod = files({
      '/proc/self/cgroup': '0::/kubepods/pod1/c1\n',
      '/sys/fs/cgroup/kubepods/pod1/c1/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/kubepods/pod1/cpu.max': '300000 100000\n',
      '/sys/fs/cgroup/kubepods/cpu.max': '800000 100000\n',
    });
    expect(containerCpuQuota(pod)).toBe(3);
    // cgroup v1 with the container's cgroup mounted as the root (docker without a cgroup namespace): its path is
    // not under the mount, and the walk up ends at the mount's own files.
    const docker = files({
      '/proc/self/cgroup': '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '150000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    expect(containerCpuQuota(docker)).toBe(1);
    // A v1 cgroup below the root (a service with a CPU quota; this machine's layout): found under its path.
    const service = files({
      '/proc/self/cgroup': '9:name=systemd:/\n1:cpu:/jobs/score\n0::/\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu/jobs/score/cpu.cfs_quota_us': '200000\n',
      '/sys/fs/cgroup/cpu/jobs/score/cpu.cfs_period_us': '100000\n',
    });
    expect(containerCpuQuota(service)).toBe(2);
    const colon = files({
      '/proc/self/cgroup': '0::/jobs/a:b\n',
      '/sys/fs/cgroup/jobs/a:b/cpu.max': '100000 100000\n',
    });
    expect(containerCpuQuota(colon)).toBe(1);
  });

  it('is the smaller of the affinity count and the quota, at least one; on this machine at most availableParallelism()', () => {
    const quota2 = files({ '/sys/fs/cgroup/cpu.max': '200000 100000' });
    expect(usableCores(quota2, 64)).toBe(2);
    expect(usableCores(quota2, 1)).toBe(1);
    expect(usableCores(files({}), 64)).toBe(64);
    const here = usableCores();
    expect(here).toBeGreaterThanOrEqual(1);
    expect(here).toBeLessThanOrEqual(availableParallelism());
  });
});
