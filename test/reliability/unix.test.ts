/**
 * Issue 15, "The command line as a Unix tool": closed pipes, full disks, and outputs that would destroy an input
 * or replace what is not a regular file. Each case failed on 192bed9 (stack traces, destroyed inputs, replaced links).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cli, ROOT, tempDir } from '../cli/helpers.js';
import { parseCsv } from '../../src/index.js';

const CREDIT = join(ROOT, 'data', 'credit_data.csv');
const dir = tempDir();
const model = join(dir, 'm.safetensors');
const trained = cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', model, '--epochs', '1', '--quiet']);

describe('outputs never destroy inputs', () => {
  it('the model trained', () => expect(trained.code, trained.stderr).toBe(0));
  it('train --out X --data X, train --report X --out X and score --out = --model are refused before any work, files untouched', () => {
    const csv = join(dir, 'copy.csv');
    writeFileSync(csv, readFileSync(CREDIT));
    const before = readFileSync(csv);
    for (const [args, re] of [
      [
        ['train', '--data', csv, '--target', 'Status', '--positive', 'bad', '--out', csv],
        /--out and --data name the same file .*refusing to overwrite an input/,
      ],
      [
        ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', join(dir, 'x'), '--report', join(dir, 'x')],
        /name the same file .*another output/,
      ],
      [['score', '--model', model, '--data', CREDIT, '--out', model], /--out and --model name the same file/],
    ] as const) {
      const r = cli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
    expect(readFileSync(csv)).toEqual(before);
    expect(() => lstatSync(join(dir, 'x'))).toThrow();
  });
  it('an output that is a symlink is written through: the link stays, its target is replaced', () => {
    const real = join(dir, 'real.csv'),
      link = join(dir, 'link.csv');
    writeFileSync(real, 'old\n');
    symlinkSync(real, link);
    expect(cli(['score', '--model', model, '--data', CREDIT, '--out', link, '--quiet']).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toMatch(/probability,decision/);
  });
  it('a read-only output is refused, not replaced', () => {
    const ro = join(dir, 'ro.onnx');
    writeFileSync(ro, 'keep');
    chmodSync(ro, 0o444);
    const r = cli(['export-onnx', '--model', model, '--out', ro]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/read-only; refusing to replace it/);
    expect(readFileSync(ro, 'utf8')).toBe('keep');
  });
  it('a directory as input or output, or an output in a missing folder: one line, exit 2, before any work', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    for (const [args, re] of [
      [['score', '--model', model, '--data', sub], /--data .*is a directory/],
      [['score', '--model', model, '--data', CREDIT, '--out', sub], /--out .*is a directory; name a file/],
      [['score', '--model', model, '--data', CREDIT, '--out', join(dir, 'nope', 'o.csv')], /the folder .* does not exist/],
      [['evaluate', '--model', sub, '--data', CREDIT], /--model .*is a directory/],
    ] as const) {
      const r = cli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/unexpected error|Unhandled/);
    }
  });
});

describe('score reads its input as train and evaluate do', () => {
  it('a duplicate column name in the header is one line, exit 2, naming the column and both positions', () => {
    const lines = readFileSync(CREDIT, 'utf8').split('\n');
    const dup = join(dir, 'dup.csv');
    writeFileSync(dup, [`${lines[0]},Income`, ...lines.slice(1, 5).map((l) => `${l},1`)].join('\n'));
    const r = cli(['score', '--model', model, '--data', dup, '--out', join(dir, 'dup-out.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1: duplicate column name 'Income' \(columns \d+ and \d+\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('what score says on stderr', () => {
  it('--quiet says nothing when every row scored; progress reads as a percentage of the file, not "99/100"', () => {
    const quiet = cli(['score', '--model', model, '--data', CREDIT, '--out', join(dir, 'q.csv'), '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const loud = cli(['score', '--model', model, '--data', CREDIT, '--out', join(dir, 'l.csv'), '--batch-size', '256']);
    const progress = loud.stderr.split('\n').filter((l) => l.startsWith('scoring'));
    expect(progress.length).toBeGreaterThan(1);
    for (const l of progress) expect(l).toMatch(/^scoring \d+ % {2}\d+ rows$/);
    expect(loud.stderr).toMatch(/scored \d+ of \d+ rows →/);
  });
});

describe('standard output', () => {
  const sh = (script: string) => spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: ROOT });
  it('score … | head -1 ends quietly (exit 0, nothing on stderr)', () => {
    const r = sh(`node ${BIN} score --model ${model} --data ${CREDIT} 2>${join(dir, 'err.txt')} | head -1; echo "status \${PIPESTATUS[0]}"`);
    expect(r.stdout).toMatch(/^Status,Seniority,.*probability,decision/);
    expect(r.stdout).toMatch(/status 0/);
    expect(readFileSync(join(dir, 'err.txt'), 'utf8')).toBe('');
  });
  it('a full standard output (/dev/full) is one line and exit 2, even for --help', () => {
    // Not the training file itself: evaluate would add its in-sample warning line.
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n');
    const later = join(dir, 'later.csv');
    writeFileSync(later, `${[lines[0], ...lines.slice(-300)].join('\n')}\n`);
    for (const args of ['--help', `evaluate --model ${model} --data ${later}`]) {
      const r = sh(`node ${BIN} ${args} > /dev/full; echo "status $?"`);
      expect(r.stdout).toMatch(/status 2/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/cannot write to standard output \(ENOSPC\)/);
    }
  });
});

describe('endless, binary and badly encoded input', () => {
  const sh = (script: string) => spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  it('/dev/zero as --data: train, evaluate and score stop at the record limit naming line 1 (they grew to SIGSEGV or spun)', () => {
    for (const args of [
      `train --data /dev/zero --target Status --positive bad --out ${join(dir, 'z.safetensors')}`,
      `evaluate --model ${model} --data /dev/zero`,
      `score --model ${model} --data /dev/zero --out ${join(dir, 'z.csv')}`,
    ]) {
      const r = sh(`node ${BIN} ${args}; echo "status $?"`);
      expect(r.stdout, args).toMatch(/status 2/);
      expect(r.stderr.trim().split('\n'), args).toHaveLength(1);
      expect(r.stderr, args).toMatch(/\/dev\/zero, line 1: a record longer than 16 Mi characters/);
    }
  });

  it('invalid UTF-8 on line 101 is reported on line 101 by train, evaluate and score (train said the last line, score "after line 1")', () => {
    const lines = readFileSync(CREDIT).toString('latin1').split('\n');
    const bad = join(dir, 'bad-utf8.csv');
    const bytes = Buffer.from(lines.map((l, i) => (i === 100 ? `${l}\u00ff` : l)).join('\n'), 'latin1');
    writeFileSync(bad, bytes);
    for (const args of [
      `train --data ${bad} --target Status --positive bad --out ${join(dir, 'u.safetensors')}`,
      `evaluate --model ${model} --data ${bad}`,
      `score --model ${model} --data ${bad} --out ${join(dir, 'u.csv')}`,
    ]) {
      const r = sh(`node ${BIN} ${args}`);
      expect(r.status, args).toBe(2);
      expect(r.stderr, args).toMatch(/bad-utf8\.csv, line 101: not valid UTF-8/);
    }
  });

  it('a file of one header line without a newline is read as a header by score (it said "no header row")', () => {
    const header = readFileSync(CREDIT, 'utf8').split('\n')[0];
    const f = join(dir, 'header-only.csv');
    writeFileSync(f, header);
    const r = cli(['score', '--model', model, '--data', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${parseCsv(header).columns.join(',')},probability,decision,points,score_error`);
  });
});

describe('temporary files and what train says before it works', () => {
  it('a stale .NAME.PID.tmp of a dead process is removed at the next write of NAME; a live process’s is kept', () => {
    const out = join(dir, 'scored.csv');
    const dead = join(dir, '.scored.csv.999999999.tmp');
    const live = join(dir, `.scored.csv.${process.pid}.tmp`);
    writeFileSync(dead, 'x'.repeat(1000));
    writeFileSync(live, 'mine');
    const r = cli(['score', '--model', model, '--data', CREDIT, '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(() => lstatSync(dead)).toThrow(/ENOENT/);
    expect(readFileSync(live, 'utf8')).toBe('mine');
    // The same for files written whole (the model, the report).
    const staleModel = join(dir, '.m2.safetensors.999999998.tmp');
    writeFileSync(staleModel, 'x');
    const t = cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', join(dir, 'm2.safetensors'), '--epochs', '1', '--quiet']);
    expect(t.code, t.stderr).toBe(0);
    expect(() => lstatSync(staleModel)).toThrow(/ENOENT/);
  });

  it('a three-class target with --positive says that the other two count as negative', () => {
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n');
    const f = join(dir, 'three.csv');
    // Status is the first column: every fifth "good" becomes "unknown".
    writeFileSync(f, `${lines.map((l, i) => (i % 5 === 0 ? l.replace(/^"good"/, '"unknown"') : l)).join('\n')}\n`);
    const r = cli(['train', '--data', f, '--target', 'Status', '--positive', 'bad', '--out', join(dir, 'three.safetensors'), '--epochs', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: target 'Status' has 3 classes: 'good', 'unknown' all count as not 'bad'/);
  });

  it('a model whose header would not load (200k columns) is refused before training, not after writing it', () => {
    const width = 200_000;
    const f = join(dir, 'wide.csv');
    const row = (i: number) => `${i % 2 ? 'bad' : 'good'},${Array.from({ length: width }, (_, j) => (i * 31 + j) % 7).join(',')}`;
    writeFileSync(f, `y,${Array.from({ length: width }, (_, j) => `c${j}`).join(',')}\n${Array.from({ length: 40 }, (_, i) => row(i)).join('\n')}\n`);
    const out = join(dir, 'wide.safetensors');
    const r = cli(['train', '--data', f, '--target', 'y', '--positive', 'bad', '--out', out, '--epochs', '1', '--no-smote', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/header would take about .* MiB \(200000 encoded columns, 1 epochs\), over the 16 MiB/);
    expect(() => lstatSync(out)).toThrow(/ENOENT/);
  });
});
