/**
 * Phase portrait and energy error of a symplectic method beside explicit Euler, as SVG (until the CLI's
 * `integrate` command exists):
 *
 *   npx tsx examples/integrate.ts --system pendulum --method forest-ruth --h 0.1 --steps 10000 --plot out.svg [--json]
 */
import { writeFileSync } from 'node:fs';
import { integrationSvg, runIntegration } from '../src/report/integration.js';

const args = process.argv.slice(2);
const get = (k: string, d: string) => (args.includes(`--${k}`) ? args[args.indexOf(`--${k}`) + 1] : d);
const { summary, trajectory, contrast } = runIntegration(get('system', 'pendulum'), get('method', 'forest-ruth'), {
  h: Number(get('h', '0.1')),
  steps: Number(get('steps', '10000')),
});
if (args.includes('--plot')) writeFileSync(get('plot', 'out.svg'), integrationSvg(trajectory, contrast));
console.log(args.includes('--json') ? JSON.stringify(summary) : summary);
