/**
 * The CLI's inputs beyond a plain file: gzip data (found by its magic bytes, whatever the name) and standard input
 * (`--data -`) give the plain file's output — the same bytes, errors and line numbers — and `score --out NAME.gz`
 * writes gzip. Damaged gzip stops the run in one line and leaves no output behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { GzipFileWriter } from '../../dist/cli/gzip-output.js';
import { usableCores } from '../../src/cores.js';
import { decodeModel } from '../../src/io/model-file.js';
import { BIN, CREDIT, CREDIT_HEADER, ROOT, cli, largeCreditFile, tempDir } from './helpers.js';

const dir = tempDir();
/** Two threads, where the machine has two cores (the command runs no more threads than cores). */
const TWO = Math.min(2, usableCores());
const model = join(dir, 'm.safetensors');

/** The CLI with `input` (bytes) on standard input. */
function piped(args: string[], input: Uint8Array) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}
const gz = (path: string): string => {
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
  return `${path}.gz`;
};
/** The credit file copied into this test's directory (beside it, its .gz). */
const CREDIT_COPY = (): string => {
  const path = join(dir, 'credit-copy.csv');
  writeFileSync(path, readFileSync(CREDIT));
  return path;
};
/** A safetensors file's tensor bytes (after the header, which names the data file). */
const tensors = (path: string): Buffer => {
  const b = readFileSync(path);
  return b.subarray(8 + Number(b.readBigUInt64LE(0)));
};

describe('gzip data and standard input, as a plain file', () => {
  beforeAll(() => {
    expect(cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', model, '--epochs', '2', '--quiet']).code).toBe(0);
  });

  it('score: a .gz, standard input (plain and gzip) and --out NAME.gz give the plain file’s bytes, failed rows on the same lines', () => {
    // A bad number on line 5 and a ragged row on line 9: the score_error column names them the same way.
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n').slice(0, 400);
    lines[4] = lines[4].replace(/,(\d+),/, ',abc,');
    lines[8] = `${lines[8]},extra`;
    const data = join(dir, 'small.csv');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const args = ['score', '--model', model, '--reasons', '2', '--quiet'];
    const plain = cli([...args, '--data', data]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/line 5: .*\n.*line 9: /);
    const packed = cli([...args, '--data', gz(data)]);
    expect(packed).toEqual(plain);
    const fromPipe = piped([...args, '--data', '-'], readFileSync(data));
    expect(fromPipe.stdout.toString()).toBe(plain.stdout);
    expect(fromPipe.stderr).toBe(plain.stderr);
    expect(piped([...args, '--data', '-'], readFileSync(`${data}.gz`)).stdout.toString()).toBe(plain.stdout);
    const out = join(dir, 'scored.csv.gz');
    expect(cli([...args, '--data', data, '--out', out]).code).toBe(0);
    const written = readFileSync(out);
    expect([written[0], written[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(written).toString()).toBe(plain.stdout);
  });

  it('score: a large .gz is split across the workers, a small one is not; both give the plain file’s bytes', () => {
    const big = largeCreditFile(dir, 'big.csv', (l) => l);
    const run = (data: string, out: string) => {
      const r = cli(['score', '--model', model, '--data', data, '--out', out, '--json', '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      return { bytes: readFileSync(out), workers: JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{'))!).workers };
    };
    const plain = run(big, join(dir, 'big.out.csv'));
    const packed = run(gz(big), join(dir, 'big-gz.out.csv'));
    expect(packed.workers).toBe(TWO);
    expect(packed.bytes.equals(plain.bytes)).toBe(true);
    // Under 8 MB once decompressed: read in this thread, no workers started.
    const small = run(gz(CREDIT_COPY()), join(dir, 'small-gz.out.csv'));
    expect(small.workers).toBe(1);
    expect(small.bytes.equals(run(CREDIT, join(dir, 'small.out.csv')).bytes)).toBe(true);
    // Split across threads into gzip: the workers' output buffers go back to them only once compressed.
    const split = run(big, join(dir, 'big.out.csv.gz'));
    expect(split.workers).toBe(TWO);
    expect(gunzipSync(split.bytes).equals(plain.bytes)).toBe(true);
  });

  it('a CSV error or invalid UTF-8 inside gzip data is reported on the plain file’s line', () => {
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n').slice(0, 300);
    const quote = join(dir, 'quote.csv');
    writeFileSync(quote, `${[...lines.slice(0, 200), `${lines[200]},"open`, ...lines.slice(201)].join('\n')}\n`);
    const utf8 = join(dir, 'utf8.csv');
    writeFileSync(
      utf8,
      Buffer.concat([Buffer.from(`${lines.slice(0, 150).join('\n')}\n`), Buffer.from([0xc3, 0x28]), Buffer.from(`\n${lines.slice(150).join('\n')}\n`)]),
    );
    for (const data of [quote, utf8]) {
      for (const command of [
        ['score', '--model', model, '--quiet'],
        ['train', '--target', 'Status', '--positive', 'bad', '--epochs', '1', '--quiet', '--out', join(dir, 'x.safetensors')],
      ]) {
        const plain = cli([...command, '--data', data]);
        expect(plain.code).toBe(2);
        expect(plain.stderr).toMatch(/line \d+/);
        const packed = cli([...command, '--data', gz(data)]);
        expect(packed.stderr).toBe(plain.stderr.replaceAll(data, `${data}.gz`));
        const fromPipe = piped([...command, '--data', '-'], readFileSync(data));
        expect(fromPipe.stderr).toBe(plain.stderr.replaceAll(data, 'standard input'));
      }
    }
  });

  it('damaged gzip: one line, exit 2, no output file or temporary left — truncated, or bytes after the last member', () => {
    const big = gzipSync(readFileSync(CREDIT));
    const cases: Array<[Buffer, RegExp]> = [
      [
        big.subarray(0, big.length - 100),
        /^hamiltonian-ai score: .*cut\.csv\.gz: the gzip data ends early \(unexpected end of file\): is the file complete\?\n$/,
      ],
      [
        Buffer.concat([big, Buffer.from('x\n')]),
        /^hamiltonian-ai score: .*cut\.csv\.gz: damaged gzip data \(incorrect header check; bytes after the last gzip member count as damage too\)\n$/,
      ],
    ];
    for (const [bytes, message] of cases) {
      const sub = tempDir();
      writeFileSync(join(sub, 'cut.csv.gz'), bytes);
      const r = cli(['score', '--model', model, '--data', join(sub, 'cut.csv.gz'), '--out', join(sub, 'out.csv'), '--quiet']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(readdirSync(sub)).toEqual(['cut.csv.gz']);
      // Into gzip: the compressing thread is stopped and its temporary removed (a thread left running would hang the process).
      const packed = cli(['score', '--model', model, '--data', join(sub, 'cut.csv.gz'), '--out', join(sub, 'out.csv.gz'), '--quiet']);
      expect(packed.code).toBe(2);
      expect(packed.stderr).toMatch(message);
      expect(readdirSync(sub)).toEqual(['cut.csv.gz']);
      const t = cli(['train', '--data', join(sub, 'cut.csv.gz'), '--target', 'Status', '--positive', 'bad', '--out', join(sub, 'm.safetensors'), '--quiet']);
      expect(t.code).toBe(2);
      expect(t.stderr).toMatch(new RegExp(message.source.replace('score', 'train')));
      expect(existsSync(join(sub, 'm.safetensors'))).toBe(false);
    }
  });

  it('a small .gz both missing a column and truncated: the header’s error first, on one worker or two', () => {
    const text = readFileSync(CREDIT, 'utf8').replace('"Income"', '"Earnings"');
    const packed = gzipSync(Buffer.from(text));
    const path = join(dir, 'renamed-cut.csv.gz');
    writeFileSync(path, packed.subarray(0, packed.length - 50));
    const runs = [1, 2].map((w) => cli(['score', '--model', model, '--data', path, '--workers', String(w), '--quiet']));
    expect(runs[0].code).toBe(2);
    expect(runs[0].stderr).toMatch(/missing column 'Income' that the model needs/);
    expect(runs[1].stderr).toBe(runs[0].stderr);
  });

  it('train and evaluate: a .gz and standard input give the plain file’s weights and SHA-256 (the CSV’s); cv refuses -', () => {
    const args = ['train', '--target', 'Status', '--positive', 'bad', '--epochs', '2', '--quiet'];
    const outs = ['plain', 'gz', 'pipe'].map((n) => join(dir, `t-${n}.safetensors`));
    expect(cli([...args, '--data', CREDIT, '--out', outs[0]]).code).toBe(0);
    const packed = join(dir, 'credit.csv.gz');
    writeFileSync(packed, gzipSync(readFileSync(CREDIT)));
    expect(cli([...args, '--data', packed, '--out', outs[1]]).code).toBe(0);
    expect(piped([...args, '--data', '-', '--out', outs[2]], readFileSync(CREDIT)).code).toBe(0);
    const trained = outs.map((o) => decodeModel(new Uint8Array(readFileSync(o))).training!);
    expect(trained.map((t) => t.dataFile)).toEqual(['credit_data.csv', 'credit.csv.gz', 'standard input']);
    expect(new Set(trained.map((t) => t.dataSha256)).size).toBe(1);
    for (const o of outs.slice(1)) expect(tensors(o).equals(tensors(outs[0]))).toBe(true);
    const evaluate = (data: string) => cli(['evaluate', '--model', outs[0], '--data', data]);
    const plain = evaluate(CREDIT);
    expect(plain.code).toBe(0);
    const fromPipe = piped(['evaluate', '--model', outs[0], '--data', '-'], readFileSync(packed));
    expect(fromPipe.code).toBe(0);
    expect(fromPipe.stdout.toString()).toBe(plain.stdout.replaceAll(CREDIT, 'standard input'));
    expect(fromPipe.stderr).toMatch(/^warning: standard input is the data this model was trained on/);
    const cv = piped(['cv', '--data', '-', '--target', 'Status', '--positive', 'bad'], readFileSync(CREDIT));
    expect(cv.code).toBe(2);
    expect(cv.stderr).toBe('hamiltonian-ai cv: --data -: this command does not read standard input; name a file\n');
  });

  it('GzipFileWriter (the compressing thread): one gzip stream whatever the pieces; a write error reaches the caller', async () => {
    const data = readFileSync(CREDIT);
    const paths = [join(dir, 'w1.gz'), join(dir, 'w2.gz')];
    for (const [i, piece] of [1 << 20, 1000].entries()) {
      const out = new GzipFileWriter(paths[i], 1);
      for (let at = 0; at < data.length; at += piece) await out.write(data.subarray(at, at + piece));
      await out.end();
    }
    expect(gunzipSync(readFileSync(paths[0])).equals(data)).toBe(true);
    expect(readFileSync(paths[1]).equals(readFileSync(paths[0]))).toBe(true);
    // /dev/full refuses every write (ENOSPC): the error comes back through write or end, never lost.
    const full = new GzipFileWriter('/dev/full', 1);
    const failed = (async () => {
      for (let i = 0; i < 64; i++) await full.write(data);
      await full.end();
    })();
    await expect(failed).rejects.toMatchObject({ code: 'ENOSPC' });
  }, 20_000);

  it('score --data - with nothing on standard input: one line, exit 2', () => {
    const r = piped(['score', '--model', model, '--data', '-'], new Uint8Array(0));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hamiltonian-ai score: standard input: nothing to read (no header row)\n');
    expect(r.stdout.length).toBe(0);
  });

  it('score --out - is standard output; a command that writes a file refuses - instead of making a file called -', () => {
    const header = join(dir, 'dash.csv');
    writeFileSync(header, `${readFileSync(CREDIT, 'utf8').split('\n').slice(0, 20).join('\n')}\n`);
    const plain = cli(['score', '--model', model, '--data', header]);
    expect(plain.code).toBe(0);
    const sub = tempDir();
    expect(cli(['score', '--model', model, '--data', header, '--out', '-'], { cwd: sub })).toEqual(plain);
    const train = cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', '-'], { cwd: sub });
    expect(train.code).toBe(2);
    expect(train.stderr).toBe('hamiltonian-ai train: --out -: this command writes a file, not standard output; name a file (./- for one called -)\n');
    expect(readdirSync(sub)).toEqual([]);
  });

  it('the header alone, gzip-compressed: the header with the appended columns', () => {
    const header = join(dir, 'header.csv');
    writeFileSync(header, `${CREDIT_HEADER}\n`);
    const plain = cli(['score', '--model', model, '--data', header]);
    expect(plain.code).toBe(0);
    expect(cli(['score', '--model', model, '--data', gz(header)]).stdout).toBe(plain.stdout);
  });
});
