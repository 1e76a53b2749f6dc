import { HamiltonianAIError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { preflight } from './preflight.js';
import { helpText, parseArgs, type CommandSpec, type Parsed } from './args.js';
import { cv, cvSpec } from './commands/cv.js';
import { demo, demoSpec } from './commands/demo.js';
import { evaluate, evaluateSpec } from './commands/evaluate.js';
import { exportOnnx, exportOnnxSpec } from './commands/export-onnx.js';
import { integrate, integrateSpec } from './commands/integrate.js';
import { reasoning, reasoningSpec } from './commands/reasoning.js';
import { score, scoreSpec } from './commands/score.js';
import { train, trainSpec } from './commands/train.js';

const COMMANDS: Array<[CommandSpec, (o: Parsed) => Promise<void>]> = [
  [demoSpec, demo],
  [trainSpec, train],
  [cvSpec, cv],
  [evaluateSpec, evaluate],
  [scoreSpec, score],
  [exportOnnxSpec, exportOnnx],
  [integrateSpec, integrate],
  [reasoningSpec, reasoning],
];

function mainHelp(): string {
  const w = Math.max(...COMMANDS.map(([s]) => s.name.length));
  return [
    `hamiltonian-ai ${VERSION} — train and score credit models with Hamiltonian (symplectic) optimisation`,
    '',
    'usage: hamiltonian-ai COMMAND [options]   (hamiltonian-ai COMMAND --help for its options)',
    '',
    'commands:',
    ...COMMANDS.map(([s]) => `  ${s.name.padEnd(w)}  ${s.summary}`),
  ].join('\n');
}

/**
 * Whether the process must be ended with `process.exit` after `main`: Dawn (Node WebGPU, loaded by
 * `--backend gpu` on a machine that has it) keeps the event loop alive.
 */
export { nodeWebGPULoaded as mustExitExplicitly } from '../backend/gpu/node-webgpu.js';

/** Runs the CLI; returns the exit code (0 ok, 1 unexpected failure, 2 usage or input error). */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(`${mainHelp()}\n`);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find(([s]) => s.name === cmd);
  if (!entry) {
    process.stderr.write(`hamiltonian-ai: unknown command '${cmd}' (commands: ${COMMANDS.map(([s]) => s.name).join(', ')})\n`);
    return 2;
  }
  try {
    const parsed = parseArgs(entry[0], rest);
    if (parsed === 'help') {
      process.stdout.write(`${helpText(entry[0])}\n`);
      return 0;
    }
    preflight(entry[0], parsed);
    await entry[1](parsed);
    return 0;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return 0; // the reader went away (`| head`): nothing left to say
    if (code === 'ENOSPC') {
      process.stderr.write(`hamiltonian-ai ${cmd}: cannot write (no space left: ${(e as Error).message})\n`);
      return 2;
    }
    // Our own errors (bad input, bad file, bad option, a diverged run) are the user's to fix; anything else is a bug.
    if (e instanceof HamiltonianAIError) {
      process.stderr.write(`hamiltonian-ai ${cmd}: ${(e as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`hamiltonian-ai ${cmd}: unexpected error (please report it):\n${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
