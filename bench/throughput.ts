/**
 * `npm run bench:throughput`: a credit team's nightly job — CSV in, scored CSV out — on 1,000,000 rows, beside the
 * Python pipeline that does the same (pandas read_csv → encode → PyTorch forward, one thread → to_csv;
 * bench/torch_pipeline.py), in one run. Also `score --reasons 3`, `--workers N`, the file gzip-compressed in and out,
 * and `train` on the same file.
 *
 *   npm run build && npx tsx bench/throughput.ts [--rows 1000000] [--reps 3]
 *   node bench/nodes.mjs bench/throughput.ts        # the same under Node 20 and Node 24
 *
 * The file is lending_club.csv's rows repeated (a 108 MB file); the model is the demo's. Wall time is the median of
 * the repeats (whole processes, start-up included), peak RSS the largest VmHWM. The four score runs go in rounds
 * (each configuration once a round), and `--reasons 3`'s cost is the median of the rounds' paired ratios. The probabilities of both pipelines
 * are compared row by row (≤ 1e-6), and every `--workers` output with the one-thread output (byte for byte).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { usableCores } from '../src/cores.js';

const root = new URL('..', import.meta.url).pathname;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 1_000_000);
const REPS = arg('reps', 3);
/** The workers `score` runs by default (and at most) here: its own count, a CPU quota included. */
const cores = usableCores();
const dir = join(root, '.tmp', 'throughput');
mkdirSync(dir, { recursive: true });
const BIN = join(root, 'bin', 'hamiltonian-ai.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');

// The input: lending_club's rows, cycled to ROWS.
const data = join(dir, `lc-${ROWS}.csv`);
if (!existsSync(data)) {
  const [header, ...rows] = readFileSync(join(root, 'data', 'lending_club.csv'), 'utf8')
    .trim()
    .split('\n');
  const fd = openSync(`${data}.tmp`, 'w');
  writeSync(fd, `${header}\n`);
  for (let i = 0; i < ROWS; i += 10_000) {
    const part: string[] = [];
    for (let k = i; k < Math.min(ROWS, i + 10_000); k++) part.push(rows[k % rows.length]);
    writeSync(fd, `${part.join('\n')}\n`);
  }
  closeSync(fd);
  spawnSync('mv', [`${data}.tmp`, data]);
}
const megabytes = statSync(data).size / 2 ** 20;
const fmtMB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

// The model: the demo's (trained on the shipped lending_club.csv).
const model = join(dir, 'demo-model.safetensors');
const demo = spawnSync(process.execPath, [BIN, 'demo'], { cwd: dir, encoding: 'utf8' });
if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);

interface Run {
  seconds: number;
  peakMB: number;
  json?: Record<string, unknown>;
  /** Each repeat's last JSON line. */
  jsons: Array<Record<string, unknown> | undefined>;
}

/** One run of a command: wall seconds, peak RSS (VmHWM, via peak-rss.mjs for Node), its last JSON line. */
interface Once {
  seconds: number;
  peakMB: number;
  json?: Record<string, unknown>;
}

function runOnce(command: string, args: string[]): Once {
  const rssFile = join(tmpdir(), `hai-rss-${process.pid}`);
  const t = performance.now();
  const p = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, PEAK_RSS_FILE: rssFile }, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t) / 1000;
  if (p.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${p.status}): ${p.stderr}`);
  const line = `${p.stdout}\n${p.stderr}`
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  const json = line ? JSON.parse(line) : undefined;
  const kb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : Number(json?.peakRssKB ?? 0);
  rmSync(rssFile, { force: true });
  return { seconds, peakMB: kb / 1024, json };
}

/** Repeats of one command: median wall seconds, largest peak RSS, the last JSON line and each repeat's. */
function summarize(runs: Once[]): Run {
  const times = runs.map((r) => r.seconds).sort((a, b) => a - b);
  return {
    seconds: times[runs.length >> 1],
    peakMB: Math.max(...runs.map((r) => r.peakMB)),
    json: runs[runs.length - 1]?.json,
    jsons: runs.map((r) => r.json),
  };
}

/** Runs a command `reps` times in a row (see `summarize`). */
function measure(command: string, args: string[], reps = REPS): Run {
  return summarize(Array.from({ length: reps }, () => runOnce(command, args)));
}

const nodeArgs = (args: string[]) => ['--import', join(root, 'bench', 'peak-rss.mjs'), BIN, ...args];
const node = (args: string[], reps?: number) => measure(process.execPath, nodeArgs(args), reps);
const scoreArgs = (out: string, extra: string[], input = data) =>
  nodeArgs(['score', '--model', model, '--data', input, '--out', join(dir, out), '--quiet', ...extra]);

// The same file gzip-compressed (level 6, gzip's default), as a nightly job often receives it.
const packed = `${data}.gz`;
if (!existsSync(packed)) {
  writeFileSync(`${packed}.tmp`, gzipSync(readFileSync(data), { level: 6 }));
  spawnSync('mv', [`${packed}.tmp`, packed]);
}

// The four score runs in rounds — plain and --reasons 3, on 1 and N workers, in turn — so that a slow spell of this box
// (whole runs 30 % slower for minutes) falls on all of them alike; the reasons/plain ratio is taken round by round.
const configs: Array<[string, string, string[], string?]> = [
  ['hamiltonian-ai score, 1 worker', 'scored-1.csv', ['--workers', '1']],
  [`hamiltonian-ai score, ${cores} workers`, `scored-${cores}.csv`, ['--workers', String(cores)]],
  ['hamiltonian-ai score --reasons 3, 1 worker', 'reasons-1.csv', ['--workers', '1', '--reasons', '3']],
  [`hamiltonian-ai score --reasons 3, ${cores} workers`, `reasons-${cores}.csv`, ['--workers', String(cores), '--reasons', '3']],
  [`hamiltonian-ai score, .csv.gz in (${fmtMB(statSync(packed).size)}), ${cores} workers`, 'scored-from-gz.csv', ['--workers', String(cores)], packed],
  [`hamiltonian-ai score, .csv.gz out, ${cores} workers`, 'scored.csv.gz', ['--workers', String(cores)]],
];
const rounds: Once[][] = configs.map(() => []);
for (let r = 0; r < REPS; r++) configs.forEach(([, out, extra, input], i) => rounds[i].push(runOnce(process.execPath, scoreArgs(out, extra, input))));
const results: Array<[string, Run]> = configs.map(([name], i) => [name, summarize(rounds[i])]);
const [ours1, oursN] = results.map(([, r]) => r);
/** Per round, the reasons run's time over the plain run's: median and range. */
const paired = (reasons: Once[], plain: Once[]) => {
  const ratios = reasons.map((r, i) => r.seconds / plain[i].seconds).sort((a, b) => a - b);
  return { median: ratios[ratios.length >> 1], lo: ratios[0], hi: ratios[ratios.length - 1] };
};
const ratio1 = paired(rounds[2], rounds[0]),
  ratioN = paired(rounds[3], rounds[1]);

const same = (a: string, b: string) => readFileSync(join(dir, a)).equals(readFileSync(join(dir, b)));
const identical = same('scored-1.csv', `scored-${cores}.csv`) && same('reasons-1.csv', `reasons-${cores}.csv`);
const gzipSame =
  same('scored-1.csv', 'scored-from-gz.csv') && gunzipSync(readFileSync(join(dir, 'scored.csv.gz'))).equals(readFileSync(join(dir, 'scored-1.csv')));

/** The probability column of a scored CSV (no quoted commas in lending_club's cells). */
function probabilities(path: string): Float64Array {
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines[0].split(',').indexOf('probability');
  const out = new Float64Array(lines.length - 2);
  for (let i = 1; i < lines.length - 1; i++) out[i - 1] = Number(lines[i].split(',')[at]);
  return out;
}

let python: Run | null = null;
let pythonNote = '';
let maxDiff = Number.NaN;
try {
  python = measure('/usr/bin/python3', [join(root, 'bench', 'torch_pipeline.py'), model, data, join(dir, 'scored-python.csv')], 1);
  const a = probabilities(join(dir, 'scored-1.csv'));
  const b = probabilities(join(dir, 'scored-python.csv'));
  maxDiff = a.length === b.length ? a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0) : Number.POSITIVE_INFINITY;
  results.push([`pandas ${python.json?.pandas} + PyTorch ${python.json?.torch} (1 thread)`, python]);
} catch (e) {
  pythonNote = `Python pipeline not run: ${(e as Error).message.split('\n')[0]} (apt-get install python3-pandas python3-torch)`;
}

const train = node([
  'train',
  '--data',
  data,
  '--target',
  'Class',
  '--positive',
  'bad',
  '--out',
  join(dir, 'train-1m.safetensors'),
  '--epochs',
  '1',
  '--hidden',
  '64,32',
  '--batch-size',
  '256',
  '--patience',
  '0',
  '--no-baseline',
  '--json',
  '--quiet',
]);
// The repeat whose load + split/fit/encode is the median (one run varies by ±0.5 s on this box), and the range.
const timings = train.jsons.map((j) => (j?.timing ?? {}) as Record<string, number>);
const encodeSeconds = (t: Record<string, number>) => (t.loadSeconds ?? Number.NaN) + (t.prepareSeconds ?? Number.NaN);
const byEncode = [...timings].sort((a, b) => encodeSeconds(a) - encodeSeconds(b));
const timing = byEncode[byEncode.length >> 1] ?? {};

const fmt = (v: number, d = 2) => v.toFixed(d);
console.log(`\n${ROWS.toLocaleString('en-US')} rows, ${fmt(megabytes, 0)} MB, Node ${process.version}, ${cores} cores; median of ${REPS} runs (Python: 1)\n`);
console.log('| pipeline | wall | MB/s | peak RSS | vs pandas + PyTorch |');
console.log('|---|---|---|---|---|');
for (const [name, r] of results) {
  const ratio = python ? `${fmt(python.seconds / r.seconds, 1)}× ${r === python ? '' : 'faster'}`.trim() : '—';
  console.log(`| ${name} | ${fmt(r.seconds)} s | ${fmt(megabytes / r.seconds, 0)} | ${fmt(r.peakMB, 0)} MB | ${r === python ? '1×' : ratio} |`);
}
if (python) {
  const p = python.json as Record<string, number>;
  console.log(`\nPython stages: read ${fmt(p.read)} s, encode ${fmt(p.encode)} s, forward ${fmt(p.forward)} s, write ${fmt(p.write)} s`);
  console.log(
    `probabilities, hamiltonian-ai vs Python, largest difference over ${ROWS} rows: ${maxDiff.toExponential(2)} (${maxDiff <= 1e-6 + 1e-12 ? 'agree to 1e-6' : 'DISAGREE'})`,
  );
} else console.log(`\n${pythonNote}`);
console.log(
  `--workers ${cores} outputs identical to 1 worker: ${identical ? 'yes' : 'NO'}; from .csv.gz and into .csv.gz (decompressed): ${gzipSame ? 'yes' : 'NO'}`,
);
const range = (r: { lo: number; hi: number }) => `${fmt(r.lo)}–${fmt(r.hi)}`;
console.log(
  `--reasons 3 costs ${fmt(ratio1.median)}× plain score on 1 worker (rounds: ${range(ratio1)}), ${fmt(ratioN.median)}× on ${cores} (the default here; ${range(ratioN)}), median of the ${REPS} rounds' ratios`,
);
console.log(
  `\ntrain, ${ROWS} rows, one epoch of [64, 32] at batch 256 (no baseline; median of ${REPS} by load + encode, which ranged ${fmt(encodeSeconds(byEncode[0]))}–${fmt(encodeSeconds(byEncode[byEncode.length - 1]))} s): load ${fmt(timing.loadSeconds ?? Number.NaN)} s (${timing.readThreads ?? 1} thread${(timing.readThreads ?? 1) === 1 ? '' : 's'} reading) + split/fit/encode ${fmt(timing.prepareSeconds ?? Number.NaN)} s = ${fmt(encodeSeconds(timing))} s, epoch ${fmt(timing.secondsPerEpoch ?? Number.NaN)} s; wall ${fmt(train.seconds)} s, peak RSS ${fmt(train.peakMB, 0)} MB`,
);
// Issue 20's targets, each with what this run measured (only on ROWS = 1M are they the issue's).
const trainEncode = encodeSeconds(timing);
const targets: Array<[string, string, boolean]> = [
  ['score, 1 worker ≤ 2.5 s and ≤ 200 MB', `${fmt(ours1.seconds)} s, ${fmt(ours1.peakMB, 0)} MB`, ours1.seconds <= 2.5 && ours1.peakMB <= 200],
  [`score, ${cores} workers ≤ 1.5 s`, `${fmt(oursN.seconds)} s`, oursN.seconds <= 1.5],
  [
    'score, 1 worker ≥ 6× the Python pipeline',
    python ? `${fmt(python.seconds / ours1.seconds, 1)}×` : 'not run',
    python ? python.seconds / ours1.seconds >= 6 : false,
  ],
  ['--reasons 3 ≤ 3× plain score, 1 worker', `${fmt(ratio1.median)}× (rounds ${range(ratio1)})`, ratio1.median <= 3],
  [`--reasons 3 ≤ 3× plain score, ${cores} workers (the default)`, `${fmt(ratioN.median)}× (rounds ${range(ratioN)})`, ratioN.median <= 3],
  ['train load + encode ≤ 3 s, peak RSS ≤ 1 GB', `${fmt(trainEncode)} s, ${fmt(train.peakMB, 0)} MB`, trainEncode <= 3 && train.peakMB <= 1024],
];
console.log(`\ntargets (issue 20${ROWS === 1_000_000 ? '' : `; these are for 1,000,000 rows, this run has ${ROWS}`}):`);
for (const [what, got, met] of targets) console.log(`  ${met ? 'met    ' : 'NOT MET'}  ${what}: ${got}`);
writeFileSync(
  join(dir, 'last.json'),
  JSON.stringify({ rows: ROWS, megabytes, node: process.version, cores, results, maxDiff, identical, train: { ...train, timing } }, null, 2),
);
if (!identical || (python && !(maxDiff <= 1e-6 + 1e-12))) process.exitCode = 1;
