#!/usr/bin/env node
// The layering check of ../shared/ARCHITECTURE.md (no cycles, no upward imports, no file over 450 lines), run by
// `npm run lint`. The checker lives in the team's shared/ folder beside the repository (CI has it); a checkout
// without it says so and passes, since the rule is the team's, not a property of the package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tool = join(root, '..', 'shared', 'tools', 'layers.mjs');
if (!existsSync(tool)) {
  console.log(`layers: ${tool} not found (no shared/ beside this checkout); skipped`);
  process.exit(0);
}
const r = spawnSync(process.execPath, [tool, 'src', '450'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
