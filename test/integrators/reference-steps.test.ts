/**
 * One step of every method, with and without friction, against an independent implementation (numpy, each method
 * written from its paper: test/fixtures/generate_integrator_steps.py). Catches what order and symplecticity checks
 * cannot: kick and drift swapped, a stage weight off, friction before instead of around a kick, its sign flipped.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSTEMS, createStepper, type MethodName, type SystemName } from '../../src/integrators.js';

interface Fixture {
  h: number;
  states: Record<string, { q: number[]; p: number[] }>;
  steps: Record<string, Record<string, Record<string, { q: number[]; p: number[] }>>>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/integrator_steps.json', import.meta.url), 'utf8')) as Fixture;

describe.each(Object.keys(fixture.steps))('%s', (method) => {
  for (const [system, byFriction] of Object.entries(fixture.steps[method])) {
    for (const [friction, want] of Object.entries(byFriction)) {
      it(`${system}, friction ${friction}: equals the independent step to 1e-13`, () => {
        const s = createStepper(SYSTEMS[system as SystemName](), method as MethodName, { h: fixture.h, friction: Number(friction) });
        const q = Float64Array.from(fixture.states[system].q),
          p = Float64Array.from(fixture.states[system].p);
        s.step(q, p);
        const got = [...q, ...p],
          expected = [...want.q, ...want.p];
        for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i]), `component ${i}`).toBeLessThan(1e-13 * (1 + Math.abs(expected[i])));
      });
    }
  }
});
