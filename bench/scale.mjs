/**
 * `node bench/scale.mjs [old-checkout]` (after `npm run build`): the command line at scale and under hostile input
 * (issue 15's targets), this tree beside another checkout's build when one is given (`git worktree add ../old <commit>`,
 * then `npm ci && npm run build` there), in one run. Wall time and peak RSS of each child process:
 *   - `train` on 1,000,000 rows × 22 columns of lending_club shape (2 epochs, no SMOTE): seconds per epoch, peak RSS;
 *   - `score` of 2,000,000 rows, without and with `--reasons 3` (reasons' cost = the difference);
 *   - a line of NULs without an end (4/8/16/32 MB) given to `score`: time to the error (linear, not quadratic);
 *   - one 15 MB field: peak RSS of `score` (it cost ~37× the field before).
 * Files are generated under .tmp/bench from data/lending_club.csv (cycled). ROWS_TRAIN / ROWS_SCORE override the sizes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const other = process.argv[2] ? resolve(process.argv[2]) : null;
const dir = join(root, '.tmp', 'bench');
mkdirSync(dir, { recursive: true });
const ROWS_TRAIN = Number(process.env.ROWS_TRAIN ?? 1_000_000);
const ROWS_SCORE = Number(process.env.ROWS_SCORE ?? 2_000_000);

async function cycled(rows) {
  const path = join(dir, `lc${rows}.csv`);
  if (existsSync(path)) return path;
  const [header, ...body] = readFileSync(join(root, 'data', 'lending_club.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  const out = createWriteStream(`${path}.part`);
  out.write(`${header}\n`);
  for (let i = 0; i < rows; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(rows, i + 10_000); j++) chunk += `${body[j % body.length]}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  spawnSync('mv', [`${path}.part`, path]);
  return path;
}

function run(tree, args) {
  const rssFile = join(dir, 'peak-rss.txt');
  rmSync(rssFile, { force: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench', 'peak-rss.mjs'), join(tree, 'bin', 'hamiltonian-ai.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, PEAK_RSS_FILE: rssFile },
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - t) / 1000;
  const rssMB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : Number.NaN;
  return { seconds, rssMB, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const trees = other ? { this: root, other } : { this: root };
console.log(`bench/scale — ${cpus()[0].model} ×${cpus().length}, Node ${process.version}${other ? `; other = ${other}` : ''}`);
const model = join(dir, 'lc.safetensors');
const trained = run(root, ['train', '--data', join(root, 'data', 'lending_club.csv'), '--target', 'Class', '--positive', 'bad', '--out', model, '--quiet']);
if (trained.code !== 0) throw new Error(trained.stderr);

const rows = [];
const row = (what, tree, r, extra = '') =>
  rows.push(`| ${what} | ${tree} | ${r.code === 0 ? r.seconds.toFixed(2) : `${r.seconds.toFixed(2)} (exit ${r.code})`} | ${r.rssMB.toFixed(0)} | ${extra} |`);

const trainFile = await cycled(ROWS_TRAIN);
for (const [name, tree] of Object.entries(trees)) {
  const r = run(tree, [
    'train',
    '--data',
    trainFile,
    '--target',
    'Class',
    '--positive',
    'bad',
    '--epochs',
    '2',
    '--no-smote',
    '--quiet',
    '--json',
    '--out',
    join(dir, `big-${name}.safetensors`),
  ]);
  let perEpoch = '';
  try {
    perEpoch = `${JSON.parse(r.stdout).timing.secondsPerEpoch.toFixed(2)} s/epoch`;
  } catch {
    perEpoch = r.stderr.trim().split('\n').pop() ?? '';
  }
  row(`train ${ROWS_TRAIN.toLocaleString('en-US')} rows, 2 epochs`, name, r, perEpoch);
}
const scoreFile = await cycled(ROWS_SCORE);
const plain = {};
for (const [name, tree] of Object.entries(trees)) {
  const r = run(tree, ['score', '--model', model, '--data', scoreFile, '--out', join(dir, `scored-${name}.csv`), '--quiet']);
  plain[name] = r.seconds;
  const mb = readFileSync(scoreFile).length / 2 ** 20;
  row(`score ${ROWS_SCORE.toLocaleString('en-US')} rows`, name, r, `${(mb / r.seconds).toFixed(1)} MB/s`);
  const q = run(tree, ['score', '--model', model, '--data', scoreFile, '--out', join(dir, `reasons-${name}.csv`), '--quiet', '--reasons', '3']);
  row(`score ${ROWS_SCORE.toLocaleString('en-US')} rows --reasons 3`, name, q, `reasons cost ${(q.seconds - r.seconds).toFixed(1)} s`);
}
for (const mb of [4, 8, 16, 32]) {
  const f = join(dir, `nul${mb}.csv`);
  if (!existsSync(f)) writeFileSync(f, Buffer.alloc(mb << 20));
  for (const [name, tree] of Object.entries(trees)) {
    const r = run(tree, ['score', '--model', model, '--data', f, '--out', join(dir, 'nul-out.csv')]);
    row(`score: ${mb} MB of NULs, no line end`, name, r, r.stderr.trim().split('\n').pop()?.slice(0, 70) ?? '');
  }
}
const fieldFile = join(dir, 'field15mb.csv');
if (!existsSync(fieldFile)) {
  const [header, first] = readFileSync(join(root, 'data', 'lending_club.csv'), 'utf8').split('\n');
  writeFileSync(fieldFile, `${header},note\n${first},${'x'.repeat(15 << 20)}\n`);
}
for (const [name, tree] of Object.entries(trees))
  row('score: one 15 MB field', name, run(tree, ['score', '--model', model, '--data', fieldFile, '--out', join(dir, 'field-out.csv'), '--quiet']));

console.log('\n| case | tree | seconds | peak RSS MB | |\n|---|---|---|---|---|');
for (const r of rows) console.log(r);
