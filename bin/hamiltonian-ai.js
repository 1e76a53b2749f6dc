#!/usr/bin/env node
import { main, mustExitExplicitly } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
if (mustExitExplicitly()) {
  // Dawn (Node WebGPU) keeps the event loop alive: flush the output, then end the process.
  await new Promise((resolve) => process.stdout.write('', resolve));
  await new Promise((resolve) => process.stderr.write('', resolve));
  process.exit(code);
}
