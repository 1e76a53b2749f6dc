import { extent } from '../core/arrays.js';
import { UsageError } from '../core/errors.js';
import { getMethod, type MethodName } from '../integrators/methods.js';
import { integrate, type Trajectory } from '../integrators/integrate.js';
import { SYSTEMS, type SystemName } from '../integrators/system.js';
import { chart } from './svg.js';

interface IntegrationSummary {
  system: string;
  method: MethodName;
  order: number;
  symplectic: boolean;
  h: number;
  steps: number;
  /** Largest relative energy error |H − H₀|/|H₀| over the run. */
  maxEnergyError: number;
  finalEnergyError: number;
  stepsPerSecond: number;
}

/** Default initial state per system (a regular orbit). */
const DEFAULT_STATES: Record<SystemName, { q: number[]; p: number[] }> = {
  harmonic: { q: [1], p: [0] },
  pendulum: { q: [1], p: [0] },
  kepler: { q: [1, 0], p: [0, 1.2] },
  'henon-heiles': { q: [0, 0.1], p: [0.35, 0] },
};

/**
 * @example
 * getSystem('pendulum').energy(Float64Array.of(1), Float64Array.of(0));
 */
function getSystem(name: string) {
  if (!Object.hasOwn(SYSTEMS, name)) throw new UsageError(`unknown system '${name}' (known: ${Object.keys(SYSTEMS).join(', ')})`);
  return SYSTEMS[name as SystemName]();
}

/**
 * Integrates a named system with a named method and returns the summary the CLI prints with `--json`,
 * the trajectory, and (for the plot) the same run by explicit Euler for contrast.
 * @example
 * const { summary } = runIntegration('pendulum', 'forest-ruth', { h: 0.1, steps: 10_000 });
 */
export function runIntegration(systemName: string, method: string, options: { h: number; steps: number; contrast?: boolean }) {
  const info = getMethod(method);
  const system = getSystem(systemName);
  const s0 = DEFAULT_STATES[systemName as SystemName];
  const tr = integrate(system, info.name, Float64Array.from(s0.q), Float64Array.from(s0.p), { h: options.h, steps: options.steps });
  const summary: IntegrationSummary = {
    system: system.name,
    method: info.name,
    order: info.order,
    symplectic: info.symplectic,
    h: options.h,
    steps: options.steps,
    maxEnergyError: tr.maxEnergyError,
    finalEnergyError: tr.finalEnergyError,
    stepsPerSecond: Math.round(tr.stepsPerSecond),
  };
  const contrast =
    options.contrast === false || info.name === 'euler'
      ? null
      : integrate(system, 'euler', Float64Array.from(s0.q), Float64Array.from(s0.p), { h: options.h, steps: options.steps });
  return { summary, trajectory: tr, contrast };
}

/**
 * Phase portrait (first coordinate) and energy error over time, side by side, as one SVG.
 * @example
 * writeFileSync('p.svg', integrationSvg(trajectory, contrast));
 */
export function integrationSvg(tr: Trajectory, contrast: Trajectory | null): string {
  const n = tr.q.length / tr.t.length;
  const qs = (t: Trajectory) => Float64Array.from({ length: t.t.length }, (_, i) => t.q[i * n]);
  const ps = (t: Trajectory) => Float64Array.from({ length: t.t.length }, (_, i) => t.p[i * n]);
  const clipQ = (t: Trajectory) => {
    // Keep the contrast run's portrait readable: stop it where it leaves 3× the method's range.
    const lim = 3 * Math.max(extent(Array.from(qs(tr), Math.abs))[1], extent(Array.from(ps(tr), Math.abs))[1], 1e-9);
    const q = qs(t),
      p = ps(t);
    let end = q.length;
    for (let i = 0; i < q.length; i++)
      if (Math.abs(q[i]) > lim || Math.abs(p[i]) > lim) {
        end = i;
        break;
      }
    return { x: q.subarray(0, end), y: p.subarray(0, end) };
  };
  const portrait = chart(
    [
      ...(contrast ? [{ name: `euler (contrast)`, ...clipQ(contrast), color: '#d62728', dashed: true }] : []),
      { name: tr.method, x: qs(tr), y: ps(tr), color: '#1f77b4' },
    ],
    { title: `${tr.system}: phase portrait (h = ${tr.h})`, xLabel: 'q', yLabel: 'p', width: 460, height: 400 },
  );
  const energy = chart(
    [
      ...(contrast ? [{ name: 'euler (contrast)', x: contrast.t, y: contrast.energyError, color: '#d62728', dashed: true }] : []),
      { name: tr.method, x: tr.t, y: tr.energyError, color: '#1f77b4' },
    ],
    { title: 'relative energy error |H − H₀|/|H₀|', xLabel: 't', yLabel: 'error', logY: true, width: 460, height: 400 },
  );
  const inner = (svg: string) => svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 940 400" width="940" height="400" font-family="sans-serif" font-size="11">
<g>${inner(portrait)}</g>
<g transform="translate(480 0)">${inner(energy)}</g>
</svg>`;
}
