#!/usr/bin/env node
import { main, mustExitExplicitly } from '../dist/cli/main.js';

// Standard output as a Unix tool's: a reader that went away (`… | head -1`, EPIPE) ends the run quietly; a full
// or failing stdout (`> /dev/full`, ENOSPC) is one line and exit code 2 — never "Unhandled 'error' event".
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`hamiltonian-ai: cannot write to standard output (${e.code ?? e.message})\n`);
  process.exit(2);
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
if (mustExitExplicitly()) {
  // Dawn (Node WebGPU) keeps the event loop alive: flush the output, then end the process.
  await new Promise((resolve) => process.stdout.write('', resolve));
  await new Promise((resolve) => process.stderr.write('', resolve));
  process.exit(code);
}
