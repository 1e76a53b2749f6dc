/**
 * Docs that cannot rot: every ```ts and ```sh block of the README and docs/*.md is executed, in a scratch
 * directory that has the shipped data (`data/`) and the model `npx hamiltonian-ai demo` writes there:
 *   - ts blocks run with tsx against the library's source (`hamiltonian-ai` is mapped to src/index.ts);
 *   - sh blocks run with bash, `npx hamiltonian-ai` / `hamiltonian-ai` being this checkout's CLI.
 * Blocks fenced ```sh setup (the install steps CI itself runs) and ```ts illustrative are skipped; keep those rare.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const files = [
  'README.md',
  ...(existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : []),
];
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const bin = join(root, 'bin', 'hamiltonian-ai.js');

interface Block {
  lang: 'ts' | 'sh';
  tag: string;
  code: string;
}

function extractBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/```(ts|sh)([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] as 'ts' | 'sh', tag: m[2].trim(), code: m[3] }));
}

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hai-docs-'));
  symlinkSync(join(root, 'data'), join(work, 'data'));
  symlinkSync(join(root, 'test'), join(work, 'test'));
  execFileSync(process.execPath, [bin, 'demo', '--out-dir', work, '--quiet'], { cwd: work, stdio: 'ignore' });
});

describe('documentation code blocks run as written', () => {
  let counted = 0;
  for (const file of files) {
    const blocks = extractBlocks(readFileSync(join(root, file), 'utf8'));
    blocks.forEach((b, i) => {
      if (b.tag === 'setup' || b.tag === 'illustrative') return;
      counted++;
      it(`${file} ${b.lang} block ${i + 1}`, () => {
        if (b.lang === 'ts') {
          const entry: Record<string, string> = {
            '': 'index.ts',
            '/score': 'score/index.ts',
            '/gpu': 'gpu.ts',
            '/integrators': 'integrators.ts',
            '/backend': 'backend.ts',
            '/pool': '../dist/pool.js', // (built: the pool's workers run dist/pool-worker.js)
          };
          const src = b.code.replaceAll(/from 'hamiltonian-ai(\/[a-z]+)?'/g, (_m, sub) => `from '${join(root, 'src', entry[sub ?? ''])}'`);
          const path = join(work, `${file.replaceAll('/', '_')}-${i + 1}.mts`);
          writeFileSync(path, src);
          execFileSync(tsx, [path], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
        } else {
          const script = `set -euo pipefail\nhamiltonian-ai() { node ${JSON.stringify(bin)} "$@"; }\nnpx() { if [ "$1" = hamiltonian-ai ]; then shift; hamiltonian-ai "$@"; else command npx "$@"; fi; }\n${b.code}`;
          execFileSync('bash', ['-c', script], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
        }
      });
    });
  }
  it('there are executed blocks', () => {
    expect(counted).toBeGreaterThanOrEqual(4);
  });
});
