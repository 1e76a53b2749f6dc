import { METHOD_NAMES, SYSTEMS } from '../../index.js';
import { integrationSvg, runIntegration } from '../../report/integration.js';
import { checks, type CommandSpec, type Parsed } from '../args.js';
import { writeAtomic } from '../files.js';

export const integrateSpec: CommandSpec = {
  name: 'integrate',
  summary: 'integrate a Hamiltonian test system and report energy error; optional SVG phase portrait beside explicit Euler',
  usage: 'hamiltonian-ai integrate --system pendulum --method forest-ruth --h 0.1 --steps 10000 [--plot out.svg] [--json]',
  options: {
    system: { type: 'string', arg: 'NAME', help: Object.keys(SYSTEMS).join(' | '), default: 'pendulum' },
    method: { type: 'string', arg: 'NAME', help: METHOD_NAMES.join(' | '), default: 'leapfrog' },
    h: { type: 'number', help: 'time step', default: 0.1, check: checks.positive },
    steps: { type: 'int', help: 'number of steps', default: 10000, check: (v: number) => (v >= 1 && v <= 1e8 ? null : 'must be in [1, 1e8]') },
    plot: { type: 'string', io: 'out', arg: 'FILE.svg', help: 'write the phase portrait and the energy error as SVG' },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
};

export async function integrate(o: Parsed): Promise<void> {
  const { summary, trajectory, contrast } = runIntegration(o.system as string, o.method as string, {
    h: o.h as number,
    steps: o.steps as number,
    contrast: !!o.plot,
  });
  if (o.plot) writeAtomic(o.plot as string, integrationSvg(trajectory, contrast));
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const s = summary;
    process.stdout.write(`${s.system}, ${s.method} (order ${s.order}, ${s.symplectic ? 'symplectic' : 'not symplectic'}), h = ${s.h}, ${s.steps} steps\n`);
    process.stdout.write(
      `max relative energy error ${s.maxEnergyError.toExponential(3)}, final ${s.finalEnergyError.toExponential(3)}, ${s.stepsPerSecond.toLocaleString('en-US')} steps/s\n`,
    );
    if (o.plot) process.stdout.write(`plot written to ${o.plot}\n`);
  }
}
