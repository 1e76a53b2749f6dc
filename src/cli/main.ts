import { HamiltonianAIError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { preflight } from './preflight.js';
import { helpText, parseArgs, type CommandSpec, type Parsed } from './args.js';
type Command = [CommandSpec, (o: Parsed) => Promise<void>];

/**
 * Each command's module, loaded when that command runs: a command's start does not pay for the others' imports
 * (`score` starts ~60 ms sooner than with every command loaded). In the order `--help` lists them.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: () => import('./commands/demo.js').then((m): Command => [m.demoSpec, m.demo]),
  train: () => import('./commands/train.js').then((m): Command => [m.trainSpec, m.train]),
  cv: () => import('./commands/cv.js').then((m): Command => [m.cvSpec, m.cv]),
  evaluate: () => import('./commands/evaluate.js').then((m): Command => [m.evaluateSpec, m.evaluate]),
  score: () => import('./commands/score.js').then((m): Command => [m.scoreSpec, m.score]),
  'export-onnx': () => import('./commands/export-onnx.js').then((m): Command => [m.exportOnnxSpec, m.exportOnnx]),
  integrate: () => import('./commands/integrate.js').then((m): Command => [m.integrateSpec, m.integrate]),
  reasoning: () => import('./commands/reasoning.js').then((m): Command => [m.reasoningSpec, m.reasoning]),
};
const NAMES = Object.keys(COMMANDS);

async function mainHelp(): Promise<string> {
  const specs = (await Promise.all(NAMES.map((name) => COMMANDS[name]()))).map(([spec]) => spec);
  const w = Math.max(...NAMES.map((name) => name.length));
  return [
    `hamiltonian-ai ${VERSION} — train and score credit models with Hamiltonian (symplectic) optimisation`,
    '',
    'usage: hamiltonian-ai COMMAND [options]   (hamiltonian-ai COMMAND --help for its options)',
    '',
    'commands:',
    ...specs.map((s) => `  ${s.name.padEnd(w)}  ${s.summary}`),
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
    process.stdout.write(`${await mainHelp()}\n`);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, cmd)) {
    process.stderr.write(`hamiltonian-ai: unknown command '${cmd}' (commands: ${NAMES.join(', ')})\n`);
    return 2;
  }
  try {
    const entry = await COMMANDS[cmd]();
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
