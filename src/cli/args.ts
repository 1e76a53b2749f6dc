import { UsageError } from './errors.js';

type OptionType = 'string' | 'number' | 'int' | 'boolean' | 'list' | 'names';

interface OptionSpec {
  type: OptionType;
  help: string;
  default?: string | number | boolean | number[];
  /** Placeholder in help, e.g. FILE. */
  arg?: string;
  required?: boolean;
  /** Extra validation; return an error message or null. */
  check?: (v: never) => string | null;
  /** A file the command reads ('in') or writes ('out'): checked before any work (cli/preflight.ts). */
  io?: 'in' | 'out';
  /** `-` names standard input ('in') or standard output ('out'), not a file to check. */
  dash?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  examples?: string[];
}

export type Parsed = Record<string, string | number | boolean | number[] | string[] | undefined>;

/** `check` for a string option with a fixed set of values: "must be a, b or c, got 'x'". */
export function oneOf(values: readonly string[]): (v: string) => string | null {
  const list = values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values.at(-1)}` : values[0];
  return (v) => (values.includes(v) ? null : `must be ${list}, got '${v}'`);
}

/** Shared numeric `check`s (the message follows `--name`). */
export const checks = {
  /** [0, 1]: thresholds. */
  probability: (v: number) => (v >= 0 && v <= 1 ? null : `must be in [0, 1], got ${v}`),
  /** [0, 1): rates and decays. */
  belowOne: (v: number) => (v >= 0 && v < 1 ? null : `must be in [0, 1), got ${v}`),
  positive: (v: number) => (v > 0 ? null : `must be > 0, got ${v}`),
  atLeastOne: (v: number) => (v >= 1 ? null : 'must be ≥ 1'),
};

export function helpText(spec: CommandSpec): string {
  const lines = [`hamiltonian-ai ${spec.name} — ${spec.summary}`, '', `usage: ${spec.usage}`, '', 'options:'];
  const rows = Object.entries(spec.options).map(([k, o]) => {
    const flag = o.type === 'boolean' ? `--${k}` : `--${k} ${o.arg ?? o.type.toUpperCase()}`;
    const def = o.default !== undefined && o.type !== 'boolean' ? ` (default ${Array.isArray(o.default) ? o.default.join(',') : o.default})` : '';
    return [flag, `${o.help}${o.required ? ' (required)' : ''}${def}`];
  });
  rows.push(['--help', 'show this help']);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [a, b] of rows) lines.push(`  ${a.padEnd(w)}  ${b}`);
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/**
 * Parses `--name value`, `--name=value` and boolean `--flag` / `--no-flag`. Unknown options, missing
 * values and values of the wrong type are `UsageError`s with a one-line explanation.
 */
export function parseArgs(spec: CommandSpec, argv: string[]): Parsed | 'help' {
  const out: Parsed = {};
  for (const [k, o] of Object.entries(spec.options)) if (o.default !== undefined) out[k] = o.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}' (options start with --; see hamiltonian-ai ${spec.name} --help)`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const o = spec.options[name];
    if (!o && name.startsWith('no-') && spec.options[name.slice(3)]?.type === 'boolean' && value === undefined) {
      out[name.slice(3)] = false;
      continue;
    }
    if (!o) {
      const known = Object.keys(spec.options);
      const near = closest(name, known);
      throw new UsageError(
        near ? `unknown option --${name}: did you mean --${near}?` : `unknown option --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`,
      );
    }
    if (o.type === 'boolean') {
      if (value !== undefined && !['true', 'false'].includes(value)) throw new UsageError(`--${name} takes no value (or =true/=false)`);
      out[name] = value === undefined ? true : value === 'true';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || (value.startsWith('--') && o.type !== 'number')) throw new UsageError(`--${name} needs a value (${o.arg ?? o.type})`);
    }
    out[name] = convert(name, o, value);
  }
  for (const [k, o] of Object.entries(spec.options)) {
    if (o.required && out[k] === undefined) throw new UsageError(`--${k} is required (${o.help})`);
    if (o.check && out[k] !== undefined) {
      const msg = o.check(out[k] as never);
      if (msg) throw new UsageError(`--${k} ${msg}`);
    }
  }
  return out;
}

function convert(name: string, o: OptionSpec, v: string): string | number | number[] | string[] {
  const bad = (what: string) => new UsageError(`--${name} must be ${what}, got '${v}'`);
  switch (o.type) {
    case 'string':
      if (v === '') throw bad('a non-empty string');
      return v;
    case 'number': {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'int': {
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw bad('a non-negative integer');
      return n;
    }
    case 'names': {
      const parts = v.split(',').map((s) => s.trim());
      if (parts.some((s) => s === '')) throw bad('a comma-separated list of column names');
      return parts;
    }
    case 'list': {
      if (v.trim() === 'none') return []; // no hidden layer: a logistic regression
      const parts = v.split(',').map((s) => s.trim());
      if (parts.some((s) => !/^\d+$/.test(s) || Number(s) < 1)) throw bad("a comma-separated list of positive integers, e.g. 64,32, or 'none'");
      return parts.map(Number);
    }
    default:
      return v;
  }
}

/**
 * The known name nearest to `name` when it is a likely typo (edit distance ≤ 2, or ≤ a third of the name's length for
 * long names; British/American spellings like optimiser/optimizer are within it), else null.
 */
export function closest(name: string, known: readonly string[]): string | null {
  let best: string | null = null,
    bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
