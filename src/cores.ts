/**
 * How many threads this process can run at once, for the defaults and limits of worker counts (Node only). Node's
 * `os.availableParallelism()` counts the CPU affinity mask, and a cgroup CPU quota only in some layouts: Node 20's
 * libuv 1.46 counts none, and in a cgroup v1 group with a 1.5-CPU quota on a 2-core machine Node 20.20, 22.23 and
 * 24.22 all reported 2. So a container limited to 2 CPUs on a 64-core host could get 64 threads — each with its own
 * model and buffers (`score` with 64 workers on 2 cores: 13 s and 1.8 GB against 0.76 s and 124 MB with 2). The
 * quota is read here too, from the process's own cgroup up.
 * @module
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file's text, or throws (a missing cgroup file: no quota there). */
export type ReadText = (path: string) => string;

const readText: ReadText = (path) => readFileSync(path, 'utf8');

/**
 * The cores this process may use: `os.availableParallelism()`, and no more than its container's CPU quota
 * (`containerCpuQuota`); at least 1.
 * @example
 * const threads = usableCores(); // 2 in a container limited to 2.5 CPUs, on any Node
 */
export function usableCores(read: ReadText = readText, parallelism = availableParallelism()): number {
  return Math.max(1, Math.min(parallelism, containerCpuQuota(read)));
}

/**
 * The whole CPUs this process's cgroup CPU quota allows: its cgroup from `/proc/self/cgroup`, and the smallest quota
 * there or in any cgroup above it — cgroup v2's `cpu.max` ("quota period", or "max" for none), else cgroup v1's
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us` (−1 for none) under the `cpu` controller's mount. Inside a container the
 * cgroup's own directory may be mounted as the root: the walk up reaches it. Floored as libuv floors it, at least 1;
 * Infinity where there is no quota or no such file (not Linux).
 * @example
 * const quota = containerCpuQuota(); // Infinity outside a CPU limit; 2 under `docker run --cpus 2.5`
 */
export function containerCpuQuota(read: ReadText = readText): number {
  const membership = attempt(read, '/proc/self/cgroup') ?? '';
  const pathOf = (test: (controllers: string[]) => boolean) => {
    for (const line of membership.split('\n')) {
      // id:controllers:path — the path may itself hold a colon.
      const first = line.indexOf(':'),
        second = line.indexOf(':', first + 1);
      if (first < 0 || second < 0) continue;
      const id = line.slice(0, first),
        controllers = line.slice(first + 1, second);
      if (test(controllers.split(',')) && (id === '0') === (controllers === '')) return line.slice(second + 1);
    }
    return '/';
  };
  let cpus = Number.POSITIVE_INFINITY;
  const v2 = pathOf((c) => c.length === 1 && c[0] === '');
  for (const dir of upFrom('/sys/fs/cgroup', v2)) {
    const max = attempt(read, `${dir}/cpu.max`);
    if (max === null) continue;
    const [quota, period] = max.trim().split(/\s+/);
    if (quota !== 'max') cpus = Math.min(cpus, wholeCpus(Number(quota), Number(period)));
  }
  if (cpus < Number.POSITIVE_INFINITY) return cpus;
  const v1 = pathOf((c) => c.includes('cpu'));
  for (const mount of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
    for (const dir of upFrom(mount, v1)) {
      const quota = attempt(read, `${dir}/cpu.cfs_quota_us`),
        period = attempt(read, `${dir}/cpu.cfs_period_us`);
      if (quota !== null && period !== null) cpus = Math.min(cpus, wholeCpus(Number(quota), Number(period)));
    }
  }
  return cpus;
}

/** `mount` + `path`, then each directory above it up to `mount` itself. */
function upFrom(mount: string, path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return Array.from({ length: parts.length + 1 }, (_, i) => [mount, ...parts.slice(0, parts.length - i)].join('/'));
}

function attempt(read: ReadText, path: string): string | null {
  try {
    return read(path);
  } catch {
    return null;
  }
}

/** quota / period CPUs, floored, at least 1; Infinity for no quota (−1, "max") or text that is not one. */
function wholeCpus(quota: number, period: number): number {
  return quota > 0 && period > 0 ? Math.max(1, Math.floor(quota / period)) : Infinity;
}
