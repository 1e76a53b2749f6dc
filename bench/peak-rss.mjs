// Preloaded into a benchmarked child (`node --import ./bench/peak-rss.mjs …`): writes its peak RSS (KB) to $PEAK_RSS_FILE
// at exit. VmHWM, not getrusage's maxrss: on Linux a child's maxrss starts at its parent's (inherited through fork),
// while VmHWM belongs to the memory map exec created.
import { readFileSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (!process.env.PEAK_RSS_FILE) return;
  let kb = process.resourceUsage().maxRSS;
  try {
    kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? kb);
  } catch {
    // not Linux: maxrss it is
  }
  writeFileSync(process.env.PEAK_RSS_FILE, String(kb));
});
