#!/usr/bin/env node
// Runs one bench under the machine's Node (20) and under Node 24 LTS (the pinned binary from
// scripts/node-versions.sh), one after the other on the same machine, and prints both outputs with their versions:
//   node bench/nodes.mjs [bench/wasm.ts --only step]      (default: bench/score.ts)
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.length > 2 ? process.argv.slice(2) : ['bench/score.ts'];
const extra = execFileSync('bash', [join(root, 'scripts', 'node-versions.sh')], { cwd: root, encoding: 'utf8' })
  .trim()
  .split('\n');
const node24 = extra.find((b) => /node24/.test(b));
for (const node of [process.execPath, join(node24, 'node')]) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`\n==== Node ${version}: ${args.join(' ')} ====`);
  const r = spawnSync(node, ['--import', 'tsx', ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
