import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/helpers.js';

describe('API reference', () => {
  it('TypeDoc finds every exported symbol documented, and every exported function and class has an @example', () => {
    const dir = tempDir();
    const json = join(dir, 'api.json');
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--json', json, '--out', join(dir, 'html')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/does not have any documentation/);
    const missing: string[] = [];
    const walk = (node: any, path: string) => {
      for (const c of node.children ?? []) {
        const name = `${path}/${c.name}`;
        if (c.kind === 64 || c.kind === 128) {
          const comment = c.comment ?? c.signatures?.[0]?.comment ?? {};
          if (!(comment.blockTags ?? []).some((t: { tag: string }) => t.tag === '@example')) missing.push(name);
        }
        if ([1, 2, 4].includes(c.kind)) walk(c, name);
      }
    };
    walk(JSON.parse(readFileSync(json, 'utf8')), '');
    expect(missing).toEqual([]);
  }, 180_000);
});
