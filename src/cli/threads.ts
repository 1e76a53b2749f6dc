import { usableCores } from '../cores.js';

/**
 * The threads a command runs for its `--workers`: `asked`, else the cores up to `atMost`, and never more than `cores`,
 * the cores this process may use (`usableCores`: the CPU affinity mask and a container's CPU quota, on every Node,
 * read once here). Past the cores, threads only compete for them while each holds its own copy of the model and
 * buffers: `score` on 300,000 rows on 2 cores took 0.64 s and 123 MB with 2 workers, 0.9 s and 186 MB with 4, 2.1 s
 * and 560 MB with 16, and 13 s and 1.8 GB with 64. A count asked above the cores is lowered to them, saying so on
 * stderr unless `quiet` — a script written for a larger machine runs, at this one's speed.
 * @example
 * const workers = workerThreads('score', o.workers as number | undefined, !!o.quiet);
 */
export function workerThreads(command: string, asked: number | undefined, quiet: boolean, atMost = Number.POSITIVE_INFINITY, cores = usableCores()): number {
  if (asked === undefined) return Math.max(1, Math.min(atMost, cores));
  if (asked <= cores) return asked;
  if (!quiet) {
    process.stderr.write(
      `note: ${command} --workers ${asked}: this process may use ${cores} core${cores === 1 ? '' : 's'}, so ${cores} thread${cores === 1 ? '' : 's'} (more would only compete for them)\n`,
    );
  }
  return cores;
}
