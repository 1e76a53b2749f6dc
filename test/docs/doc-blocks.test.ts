/**
 * Docs that cannot rot: every ```ts block of the README (and of docs/*.md) is extracted and executed with
 * tsx against the library's source (the package name is mapped to src/index.ts). A block that is only an
 * illustration must be fenced as ```ts illustrative and is skipped.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const files = ['README.md', ...(existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const outDir = join(root, '.tmp', 'doc-blocks');

function extractBlocks(markdown: string, lang: string): string[] {
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  return [...markdown.matchAll(re)].map((m) => m[1]);
}

describe('documentation code blocks run as written', () => {
  mkdirSync(outDir, { recursive: true });
  for (const file of files) {
    const blocks = extractBlocks(readFileSync(join(root, file), 'utf8'), 'ts');
    blocks.forEach((code, i) => {
      it(`${file} ts block ${i + 1}`, () => {
        const src = code.replaceAll(/from 'hamiltonian-ai(\/[a-z-]+)?'/g, (_m, sub) => `from '${join(root, 'src', sub ? `${sub.slice(1)}/index.ts` : 'index.ts')}'`);
        const path = join(outDir, `${file.replaceAll('/', '_')}-${i + 1}.mts`);
        writeFileSync(path, src);
        const out = execFileSync(tsx, [path], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
        expect(typeof out).toBe('string');
      });
    });
  }
  it('the README has runnable blocks', () => {
    expect(extractBlocks(readFileSync(join(root, 'README.md'), 'utf8'), 'ts').length).toBeGreaterThanOrEqual(2);
  });
});
