import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { usableCores } from '../../src/cores.js';
import { join } from 'node:path';
import { parseCsv, scoreCsv } from '../../src/index.js';
import { loadScorerSync } from '../../src/score/index.js';
import { cli, ROOT, tempDir } from './helpers.js';

const CREDIT = join(ROOT, 'data', 'credit_data.csv');
/** `cmd` on credit_data with its target and positive label, then `rest`. */
const onCredit = (cmd: string, ...rest: string[]) => [cmd, '--data', CREDIT, '--target', 'Status', '--positive', 'bad', ...rest];

describe('CLI basics', () => {
  it('--help on every command; unknown commands, options and bad values are one-line errors with exit code 2', () => {
    for (const c of ['demo', 'train', 'evaluate', 'score', 'export-onnx', 'integrate']) {
      const r = cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`hamiltonian-ai ${c} — `));
    }
    expect(cli(['--help']).code).toBe(0);
    const cases: Array<[string[], RegExp]> = [
      [['fly'], /unknown command 'fly'/],
      [['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', 'x', '--epoch', '3'], /unknown option --epoch/],
      [
        ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', 'x', '--epochs', 'ten'],
        /--epochs must be a non-negative integer, got 'ten'/,
      ],
      [['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', 'x', '--hidden', '64,a'], /--hidden must be a comma-separated list/],
      [['train', '--data', CREDIT, '--target', 'Status', '--out', 'x'], /--positive is required/],
      [['train', '--data', 'nope.csv', '--target', 'Status', '--positive', 'bad', '--out', 'x'], /nope\.csv: no such file/],
      [['train', '--data', CREDIT, '--target', 'Sttus', '--positive', 'bad', '--out', 'x'], /target column 'Sttus' is not in the file/],
      [
        ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'Bad', '--out', 'x'],
        /positive label 'Bad' never appears in target column 'Status' \(values: good, bad\)/,
      ],
      [['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', 'x', '--optimizer', 'lbfgs'], /--optimizer must be one of/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1); // one line, no stack trace
    }
  });

  it('integrate --json prints the documented fields; --plot writes an SVG', () => {
    const dir = tempDir();
    const r = cli(['integrate', '--system', 'pendulum', '--method', 'forest-ruth', '--h', '0.1', '--steps', '10000', '--plot', join(dir, 'p.svg'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(
      ['finalEnergyError', 'h', 'maxEnergyError', 'method', 'order', 'stepsPerSecond', 'steps', 'symplectic', 'system'].sort(),
    );
    expect(j).toMatchObject({ system: 'pendulum', method: 'forest-ruth', order: 4, symplectic: true, h: 0.1, steps: 10000 });
    expect(j.maxEnergyError).toBeLessThan(1e-5);
    expect(readFileSync(join(dir, 'p.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<path d="M/);
  });
});

describe('train → evaluate → score → export-onnx on credit_data.csv', () => {
  const dir = tempDir();
  const model = join(dir, 'credit.safetensors');
  let trainJson: any;

  it('train --json prints the stable fields and writes the model and the report', () => {
    const r = cli([
      'train',
      '--data',
      CREDIT,
      '--target',
      'Status',
      '--positive',
      'bad',
      '--out',
      model,
      '--epochs',
      '5',
      '--no-smote',
      '--report',
      join(dir, 'r.html'),
      '--json',
      '--seed',
      '7',
    ]);
    expect(r.code, r.stderr).toBe(0);
    trainJson = JSON.parse(r.stdout);
    for (const k of ['auc', 'ks', 'gini', 'accuracy', 'precision', 'recall', 'f1', 'brier', 'logLoss']) expect(typeof trainJson.metrics[k], k).toBe('number');
    expect(trainJson.metrics.auc).toBeGreaterThan(0.8);
    // The defaults: early stopping on a validation part carved from the training rows (15 %); the test part untouched.
    expect(trainJson.rows).toMatchObject({ train: 3028, validation: 535, test: 891 });
    expect(trainJson.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(trainJson.bestEpoch).toBeLessThanOrEqual(trainJson.epochs);
    // The logistic baseline, fitted on the same rows and evaluated on the same test part.
    for (const k of ['auc', 'ks', 'brier', 'logLoss']) expect(typeof trainJson.baseline[k], k).toBe('number');
    expect(trainJson.baseline.auc).toBeGreaterThan(0.8);
    // The held-out gains table: 10 bands covering the test part, every bad caught by the last.
    expect(trainJson.gains).toHaveLength(10);
    expect(trainJson.gains.reduce((n: number, b: { rows: number }) => n + b.rows, 0)).toBe(891);
    expect(trainJson.gains[9].cumulativePositiveShare).toBe(1);
    expect(trainJson.timing.trainSeconds).toBeGreaterThan(0);
    expect(trainJson.model).toBe(model);
    expect(existsSync(model)).toBe(true);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/<svg/);
  });

  it('the same command with the same seed writes a byte-identical model file', () => {
    const again = join(dir, 'again.safetensors');
    const r = cli([
      'train',
      '--data',
      CREDIT,
      '--target',
      'Status',
      '--positive',
      'bad',
      '--out',
      again,
      '--epochs',
      '5',
      '--no-smote',
      '--json',
      '--seed',
      '7',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(again)).toEqual(readFileSync(model));
  });

  it("evaluate gives the metrics and a PSI against the training part's scores", () => {
    const r = cli(['evaluate', '--model', model, '--data', CREDIT, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.metrics.auc).toBeGreaterThan(0.8);
    expect(j.psi).toBeGreaterThanOrEqual(0);
    expect(j.psi).toBeLessThan(0.1); // same population
    expect(j.rows.scored).toBe(4454);
    const table = cli(['evaluate', '--model', model, '--data', CREDIT]);
    expect(table.stdout).toMatch(/PSI vs training part/);
  });

  it('score keeps every row, appends probability/decision/reasons, reports unscorable rows by line', () => {
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n').slice(0, 6);
    const bad = lines[3].replace(/^("\w+"),\d+,/, '$1,abc,'); // Seniority not a number on line 4
    const unseen = lines[4].replace('"rent"', '"boat"').replace('"owner"', '"boat"');
    const input = `${[lines[0], lines[1], lines[2], bad, unseen, lines[5]].join('\n')}\n`;
    writeFileSync(join(dir, 'in.csv'), input);
    const out = join(dir, 'out.csv');
    const r = cli(['score', '--model', model, '--data', join(dir, 'in.csv'), '--out', out, '--reasons', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 of 5 rows could not be scored/);
    // More reason columns than features: a usage error before any output (it crashed writing the header).
    const many = cli(['score', '--model', model, '--data', join(dir, 'in.csv'), '--out', join(dir, 'many.csv'), '--reasons', '100000']);
    expect([many.code, many.stderr.trim()]).toEqual([2, 'hamiltonian-ai score: reasons: at most one a feature, and the model has 13; got 100000']);
    expect(existsSync(join(dir, 'many.csv'))).toBe(false);
    expect(r.stderr).toMatch(/line 4: .*'abc' is not a number/);
    const t = parseCsv(readFileSync(out, 'utf8'));
    expect(t.columns.slice(-12)).toEqual([
      'probability',
      'decision',
      'points',
      ...['reason_1', 'reason_1_value', 'reason_1_contribution', 'reason_1_points'],
      ...['reason_2', 'reason_2_value', 'reason_2_contribution', 'reason_2_points'],
      'score_error',
    ]);
    expect(t.rows).toHaveLength(5);
    expect(t.rows[2][t.columns.indexOf('probability')]).toBe('');
    expect(t.rows[2].at(-1)).toMatch(/line 4/);
    const scorer = loadScorerSync(readFileSync(model));
    const inTable = parseCsv(input);
    for (const i of [0, 1, 3, 4]) {
      const rec = Object.fromEntries(inTable.columns.map((c, j) => [c, inTable.rows[i][j]]));
      const p = Number(t.rows[i][t.columns.indexOf('probability')]);
      expect(Math.abs(p - scorer.score(rec))).toBeLessThan(1e-6);
      expect(t.rows[i][t.columns.indexOf('decision')]).toBe(p >= 0.5 ? 'bad' : 'good');
      // Points, and each reason with the record's value, its contribution and the points it costs, as explain gives them.
      const ex = scorer.explain(rec, 2);
      expect(Number(t.rows[i][t.columns.indexOf('points')])).toBe(ex.points);
      ex.reasons!.forEach((reason, j) => {
        const at = (c: string) => t.rows[i][t.columns.indexOf(`reason_${j + 1}${c}`)];
        expect(at('')).toBe(reason.feature);
        expect(at('_value')).toBe(String(reason.value));
        expect(Number(at('_contribution'))).toBeCloseTo(reason.contribution, 5);
        expect(Number(at('_points'))).toBeCloseTo(reason.points, 0);
        expect(reason.points).toBeGreaterThan(0);
      });
    }
    const missing = cli(['score', '--model', model, '--data', join(ROOT, 'data', 'lending_club.csv'), '--out', join(dir, 'x.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing columns 'Seniority', 'Home'/);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });

  it("the library's scoreCsv writes the CLI's bytes (the whole credit file, reasons included, and a file with bad rows); no batch size changes a byte", async () => {
    const scorer = loadScorerSync(readFileSync(model));
    for (const [input, reasons] of [
      [CREDIT, '3'],
      [join(dir, 'in.csv'), '2'],
    ] as const) {
      const out = join(dir, 'lib-vs-cli.csv');
      expect(cli(['score', '--model', model, '--data', input, '--out', out, '--reasons', reasons, '--workers', '1', '--quiet']).code).toBe(0);
      const lib = await scoreCsv(scorer, readFileSync(input), { reasons: Number(reasons), source: input });
      expect(Buffer.from(lib.output).equals(readFileSync(out)), input).toBe(true);
    }
    // The batch size changes no byte: batches of 3 rows (each row's first layer alone) or of 257 (a chunk of 256
    // and one row) against the default 4,096, on two workers.
    for (const size of ['4096', '3', '257']) {
      const args = ['score', '--model', model, '--data', CREDIT, '--out', join(dir, `batch-${size}.csv`), '--reasons', '3', '--batch-size', size, '--quiet'];
      expect(cli(args).code).toBe(0);
    }
    for (const size of ['3', '257'])
      expect(readFileSync(join(dir, `batch-${size}.csv`)).equals(readFileSync(join(dir, 'batch-4096.csv'))), `--batch-size ${size}`).toBe(true);
  });

  it('--workers above the cores is lowered to them, with a note (no more threads than cores; the same bytes)', () => {
    const cores = usableCores();
    const out = join(dir, 'many-workers.csv');
    const r = cli(['score', '--model', model, '--data', CREDIT, '--out', out, '--reasons', '3', '--workers', '1000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = cores === 1 ? '' : 's';
    expect(r.stderr).toContain(
      `note: score --workers 1000: this process may use ${cores} core${s}, so ${cores} thread${s} (more would only compete for them)\n`,
    );
    expect(readFileSync(out).equals(readFileSync(join(dir, 'batch-4096.csv')))).toBe(true);
    const cv = cli(onCredit('cv', '--folds', '3', '--hidden', '8', '--epochs', '1', '--workers', '1000', '--json', '--quiet'));
    expect(cv.code, cv.stderr).toBe(0);
    expect(JSON.parse(cv.stdout).workers).toBe(Math.min(3, cores));
  });

  it('export-onnx --encoded: onnxruntime-web scores encoded rows identically (1e-5)', async () => {
    const onnx = join(dir, 'm.onnx');
    expect(cli(['export-onnx', '--model', model, '--out', onnx, '--encoded']).code).toBe(0);
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    const scorer = loadScorerSync(readFileSync(model));
    const t = parseCsv(readFileSync(CREDIT, 'utf8'));
    const rows = 50;
    const enc = scorer.preprocessor.transform({ ...t, rows: t.rows.slice(0, rows), lines: t.lines.slice(0, rows) });
    const out = await session.run({ input: new ort.Tensor('float32', enc.x, [enc.rows, enc.cols]) });
    const probs = out.probabilities.data as Float32Array;
    const ours = scorer.scoreEncoded(enc.x, enc.rows);
    for (let i = 0; i < enc.rows; i++) expect(Math.abs(probs[2 * i + 1] - ours[i])).toBeLessThan(1e-5);
  });
});

describe('out-of-time training from the command line', () => {
  it('--time-column/--oot-from trains on the past and evaluates on the later periods (a CSV with dates made here)', () => {
    const dir = tempDir();
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n');
    // Give each loan a month: 2015-01 … 2016-12 in file order.
    const body = lines
      .slice(1)
      .map(
        (l, i) =>
          `${`2015-${String(1 + (i % 24)).padStart(2, '0')}`.replace(/^2015-(1[3-9]|2[0-4])$/, (_m, mm) => `2016-${String(Number(mm) - 12).padStart(2, '0')}`)},${l}`,
      );
    writeFileSync(join(dir, 'dated.csv'), `${[`issue_d,${lines[0]}`, ...body].join('\n')}\n`);
    const r = cli([
      'train',
      '--data',
      join(dir, 'dated.csv'),
      '--target',
      'Status',
      '--positive',
      'bad',
      '--out',
      join(dir, 'oot.safetensors'),
      '--epochs',
      '2',
      '--time-column',
      'issue_d',
      '--oot-from',
      '2016-07',
      '--json',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const test = body.filter((l) => l >= '2016-07').length;
    expect(j.rows.test).toBe(test);
    // Early stopping (the default) carves its validation part from the past rows only.
    expect(j.rows.train + j.rows.validation).toBe(body.length - test);
    expect(j.metrics.auc).toBeGreaterThan(0.75);
    const bad = cli([
      'train',
      '--data',
      join(dir, 'dated.csv'),
      '--target',
      'Status',
      '--positive',
      'bad',
      '--out',
      join(dir, 'x.safetensors'),
      '--time-column',
      'issue_d',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--time-column and --oot-from go together/);
  });
});

describe('--patience (early stopping)', () => {
  it('watches a validation part carved from the training rows, never the test part, and reports on the untouched test part', () => {
    const dir = tempDir();
    const args = ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--epochs', '40', '--hidden', '8', '--json', '--no-smote'];
    const plain = JSON.parse(cli([...args, '--epochs', '2', '--patience', '0', '--out', join(dir, 'a.safetensors'), '--quiet']).stdout);
    const r = cli([...args, '--patience', '2', '--out', join(dir, 'b.safetensors')]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows.test).toBe(plain.rows.test);
    expect(j.rows.validation).toBeGreaterThan(0);
    expect(j.rows.train + j.rows.validation).toBe(plain.rows.train);
    expect(j.epochs).toBeLessThan(40); // it stopped
    expect(r.stderr).toMatch(/ val AUC /);
    expect(cli([...args, '--epochs', '1', '--patience', '0', '--out', join(dir, 'c.safetensors')]).stderr).toMatch(/ test AUC /);
    const bad = cli([...args, '--validation-size', '1.5', '--out', join(dir, 'd.safetensors')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--validation-size must be in \(0, 1\), got 1.5/);
  });
});

describe('--backend gpu', () => {
  it('falls back to the CPU visibly where no GPU is usable, and still trains', () => {
    const dir = tempDir();
    const r = cli([
      'train',
      '--data',
      CREDIT,
      '--target',
      'Status',
      '--positive',
      'bad',
      '--out',
      join(dir, 'g.safetensors'),
      '--epochs',
      '2',
      '--backend',
      'gpu',
      '--json',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: --backend gpu: no usable GPU \(webgpu: .*\); using the CPU backends; training on the CPU instead/);
    expect(JSON.parse(r.stdout).backend).toBe('wasm');
  });

  it('trains through fitGpu when a gpu.js mode is available (its cpu mode here), and the model scores', () => {
    const dir = tempDir();
    const out = join(dir, 'g.safetensors');
    const r = cli(
      [
        'train',
        '--data',
        CREDIT,
        '--target',
        'Status',
        '--positive',
        'bad',
        '--out',
        out,
        '--epochs',
        '2',
        '--hidden',
        '8',
        '--backend',
        'gpu',
        '--json',
        '--quiet',
        '--no-smote',
      ],
      { env: { HAMILTONIAN_AI_GPU_MODE: 'cpu' } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training on the GPU \(gpu.js cpu; self-check passed\)/);
    const j = JSON.parse(r.stdout);
    expect(j.backend).toBe('gpu:cpu');
    expect(j.metrics.auc).toBeGreaterThan(0.75);
    // The GPU path trains what the CPU path trains (dropout bits, regulariser, shuffling): the same metrics.
    const c = cli([
      'train',
      '--data',
      CREDIT,
      '--target',
      'Status',
      '--positive',
      'bad',
      '--out',
      join(dir, 'c.safetensors'),
      '--epochs',
      '2',
      '--hidden',
      '8',
      '--backend',
      'js',
      '--json',
      '--quiet',
      '--no-smote',
    ]);
    const jc = JSON.parse(c.stdout);
    for (const key of ['auc', 'ks', 'brier', 'logLoss'] as const) expect(j.metrics[key]).toBeCloseTo(jc.metrics[key], 4);
    expect(cli(['evaluate', '--model', out, '--data', CREDIT, '--json']).code).toBe(0);
  });

  it('score --backend gpu writes the same probabilities as the CPU scorer (gpu.js cpu mode here), and falls back visibly', () => {
    const dir = tempDir();
    const model = join(dir, 'm.safetensors');
    expect(
      cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', model, '--epochs', '1', '--hidden', '8', '--quiet', '--no-smote'])
        .code,
    ).toBe(0);
    const cpuOut = join(dir, 'cpu.csv'),
      gpuOut = join(dir, 'gpu.csv');
    expect(cli(['score', '--model', model, '--data', CREDIT, '--out', cpuOut, '--quiet']).code).toBe(0);
    const g = cli(['score', '--model', model, '--data', CREDIT, '--out', gpuOut, '--backend', 'gpu', '--batch-size', '1000', '--json'], {
      env: { HAMILTONIAN_AI_GPU_MODE: 'cpu' },
    });
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).toMatch(/scoring on the GPU \(gpu.js cpu; self-check passed\)/);
    expect(JSON.parse(g.stderr.trim().split('\n').at(-1)!).engine).toBe('gpu:cpu');
    const rows = (f: string) => readFileSync(f, 'utf8').trim().split('\n');
    const [a, b] = [rows(cpuOut), rows(gpuOut)];
    expect(b.length).toBe(a.length);
    expect(a.length).toBeGreaterThan(4000);
    const col = a[0].split(',').indexOf('probability');
    for (let i = 1; i < a.length; i++) expect(Math.abs(Number(a[i].split(',')[col]) - Number(b[i].split(',')[col]))).toBeLessThanOrEqual(2e-6);
    const f = cli(['score', '--model', model, '--data', CREDIT, '--out', join(dir, 'fb.csv'), '--backend', 'gpu', '--quiet']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stderr).toMatch(/note: --backend gpu: no usable GPU \(webgpu: .*\); using the CPU backends; scoring on the CPU instead/);
    // With reason codes the CPU's reason pass gives each record's probability (its contributions' base): the GPU is
    // not opened, and the output is the CPU's, byte for byte.
    const cpuReasons = join(dir, 'cpu-reasons.csv'),
      gpuReasons = join(dir, 'gpu-reasons.csv');
    expect(cli(['score', '--model', model, '--data', CREDIT, '--out', cpuReasons, '--reasons', '2', '--quiet']).code).toBe(0);
    const gr = cli(['score', '--model', model, '--data', CREDIT, '--out', gpuReasons, '--reasons', '2', '--backend', 'gpu', '--json'], {
      env: { HAMILTONIAN_AI_GPU_MODE: 'cpu' },
    });
    expect(gr.code, gr.stderr).toBe(0);
    expect(gr.stderr).toMatch(/note: --backend gpu: --reasons scores each record in its reason pass, on the CPU; scoring on the CPU/);
    expect(gr.stderr).not.toMatch(/scoring on the GPU/);
    expect(JSON.parse(gr.stderr.trim().split('\n').at(-1)!).engine).not.toMatch(/^gpu/);
    expect(readFileSync(gpuReasons, 'utf8')).toBe(readFileSync(cpuReasons, 'utf8'));
  });
});

describe('demo', () => {
  it('trains on the embedded lending_club data, prints the metrics table and writes model and report', () => {
    const dir = tempDir();
    const r = cli(['demo', '--out-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    // The network beside the original's recipe and the logistic baseline, on the same test rows; the original's recipe
    // is the v0.1 demo, bit for bit (AUC 0.6988 at seed 42).
    expect(r.stdout).toMatch(/\| metric +\| network \| original recipe \| logistic baseline \|/);
    expect(r.stdout).toMatch(/\| AUC +\| +0\.\d{4} \| +0\.6988 \| +0\.\d{4} \|/);
    expect(r.stdout).toMatch(/confusion: TP \d+/);
    expect(existsSync(join(dir, 'demo-model.safetensors'))).toBe(true);
    const report = readFileSync(join(dir, 'demo-report.html'), 'utf8');
    expect(report).toMatch(/id="roc"/);
    // The report a risk reader needs: the baseline's ROC, training vs test metrics, AUC per epoch with the kept
    // epoch, rows per calibration bin, the classes by their labels, the file's name (not a path) as title.
    expect(report).toMatch(/logistic baseline \(AUC 0\.\d{3}\)/);
    expect(report).toMatch(/<th>test part<\/th><th>training part<\/th>/);
    expect(report).toMatch(/id="auc-per-epoch"[\s\S]*AUC on the validation part[\s\S]*kept epoch \d+/);
    expect(report).toMatch(/id="calibration-counts"/);
    expect(report).toMatch(/<table id="gains">(<tr>.*?<\/tr>){11}<\/table>/); // header + 10 deciles
    expect(report).toMatch(/P\(bad\)/);
    expect(report).toMatch(/<title>hamiltonian-ai — lending_club\.csv \(embedded\)<\/title>/);
    expect(r.stderr).toMatch(/training 1\/100 /); // plain progress lines when not a terminal
    expect(r.stdout).toMatch(/trained \d+ epochs \(early stopping kept epoch \d+\)/);
  });
});

describe('the logistic regression: baseline and model', () => {
  it('--hidden none trains the baseline itself as the model: the same test AUC, a file that score and the edge scorer read', () => {
    const dir = tempDir();
    const common = ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--seed', '3', '--json', '--quiet'];
    const net = JSON.parse(cli([...common, '--patience', '0', '--epochs', '2', '--out', join(dir, 'net.safetensors')]).stdout);
    const r = cli([...common, '--hidden', 'none', '--out', join(dir, 'lr.safetensors')]);
    expect(r.code, r.stderr).toBe(0);
    const lr = JSON.parse(r.stdout);
    expect(lr.baseline).toBeNull(); // it is the baseline
    expect(lr.metrics.auc).toBeCloseTo(net.baseline.auc, 6);
    expect(lr.metrics.brier).toBeCloseTo(net.baseline.brier, 6);
    expect(lr.rows.validation).toBe(0);
    const scored = cli(['score', '--model', join(dir, 'lr.safetensors'), '--data', CREDIT, '--quiet']);
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stdout.split('\n')[1]).toMatch(/,0\.\d{6},(good|bad),\d+,$/);
    const bad = cli([...common, '--hidden', 'none,3', '--out', join(dir, 'x.safetensors')]);
    expect(bad.stderr).toMatch(/or 'none'/);
  });
});

describe('honest labels', () => {
  it('evaluate on the training file warns (same SHA-256); the model file names the data file, not the path typed; PSI reference is the training part', async () => {
    const dir = tempDir();
    const { copyFileSync } = await import('node:fs');
    copyFileSync(CREDIT, join(dir, 'credit.csv'));
    const common = ['train', '--target', 'Status', '--positive', 'bad', '--epochs', '3', '--quiet'];
    expect(cli([...common, '--data', join(dir, 'credit.csv'), '--out', join(dir, 'a.safetensors')]).code).toBe(0);
    expect(cli([...common, '--data', 'credit.csv', '--out', join(dir, 'b.safetensors')], { cwd: dir }).code).toBe(0);
    // The same data through another path: the same model bytes.
    expect(readFileSync(join(dir, 'a.safetensors')).equals(readFileSync(join(dir, 'b.safetensors')))).toBe(true);
    const { decodeModel } = await import('../../src/io/model-file.js');
    const training = decodeModel(new Uint8Array(readFileSync(join(dir, 'a.safetensors')))).training!;
    expect(training.dataFile).toBe('credit.csv');
    expect(training.scoreDistribution!.sample).toBe('training part');
    const own = cli(['evaluate', '--model', join(dir, 'a.safetensors'), '--data', join(dir, 'credit.csv')]);
    expect(own.code).toBe(0);
    expect(own.stderr).toMatch(/warning: .*credit\.csv is the data this model was trained on \(same SHA-256\)/);
    expect(own.stdout).toMatch(/PSI vs training part/);
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'later.csv'), `${[lines[0], ...lines.slice(-300)].join('\n')}\n`);
    expect(cli(['evaluate', '--model', join(dir, 'a.safetensors'), '--data', join(dir, 'later.csv')]).stderr).not.toMatch(/warning/);
  });
});

describe('--calibration', () => {
  it('isotonic: fitted on the validation part, stored, written calibrated by score, exported; refused without a validation part', async () => {
    const dir = tempDir();
    const common = ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--seed', '5', '--json', '--quiet'];
    const r = cli([...common, '--calibration', 'isotonic', '--out', join(dir, 'iso.safetensors')]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.calibration).toBe('isotonic');
    for (const k of ['meanPredicted', 'observedRate', 'ece']) expect(typeof j.calibrationCheck[k], k).toBe('number');
    expect(Math.abs(j.calibrationCheck.meanPredicted - j.calibrationCheck.observedRate)).toBeLessThan(0.05);
    const { loadScorerSync } = await import('../../src/score/index.js');
    const bytes = new Uint8Array(readFileSync(join(dir, 'iso.safetensors')));
    const scorer = loadScorerSync(bytes);
    expect(scorer.calibration?.method).toBe('isotonic');
    const scored = parseCsv(cli(['score', '--model', join(dir, 'iso.safetensors'), '--data', CREDIT, '--quiet']).stdout);
    const raw = parseCsv(readFileSync(CREDIT, 'utf8'));
    const pi = scored.columns.indexOf('probability');
    for (let i = 0; i < 30; i++) {
      const rec = Object.fromEntries(raw.columns.map((c, k) => [c, raw.rows[i][k]]));
      expect(Number(scored.rows[i][pi])).toBeCloseTo(scorer.score(rec), 5); // 6 decimals written; batch vs one-row rounding
    }
    const none = cli([...common, '--calibration', 'platt', '--patience', '0', '--out', join(dir, 'x.safetensors')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--calibration platt is fitted on a validation part/);
    const onnx = cli(['export-onnx', '--model', join(dir, 'iso.safetensors'), '--out', join(dir, 'iso.onnx')]);
    expect(onnx.code, onnx.stderr).toBe(0); // the isotonic map is part of the graph
  });
});

describe('cv', () => {
  it('compares configurations with the logistic baseline on identical folds; 1 and 2 workers give the same numbers', () => {
    const common = onCredit('cv', '--folds', '3', '--hidden', '8/none', '--epochs', '5', '--json', '--quiet');
    const one = cli([...common, '--workers', '1']);
    const two = cli([...common, '--workers', '2']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const a = JSON.parse(one.stdout),
      b = JSON.parse(two.stdout);
    expect(b.workers).toBe(Math.min(2, usableCores())); // no more threads than cores
    expect(b.summary).toEqual(a.summary);
    expect(Object.keys(a.summary).sort()).toEqual(['logistic regression', 'network [8]']);
    expect(a.summary['network [8]'].vsReference.aucWins).toBeGreaterThanOrEqual(0);
    expect(a.perFold['logistic regression']).toHaveLength(3);
    const table = cli([...common.filter((x) => x !== '--json'), '--workers', '1']);
    expect(table.stdout).toMatch(/3-fold stratified cross-validation/);
    expect(table.stdout).toMatch(/\| network \[8\] +\| 0\.\d{4} ± 0\.\d{4} \|/);
  });
  it('grouped folds; bad requests are one line and exit 2', () => {
    const r = cli(onCredit('cv', '--folds', '2', '--group', 'Home', '--hidden', '4', '--epochs', '2', '--json', '--quiet'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).scheme).toBe('grouped');
    for (const [args, message] of [
      [['--group', 'Home', '--time-column', 'Age'], /different fold schemes/],
      [['--hidden', '64,x'], /--hidden: '64,x' is not a list of widths/],
      [['--group', 'Nope'], /group column 'Nope' is not in the file/],
    ] as const) {
      const bad = cli(['cv', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--quiet', '--workers', '2', ...args]);
      expect(bad.code, String(args)).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(message);
    }
  });
});

describe('command-line conveniences', () => {
  it('an unknown option gets "did you mean"; --optimizer adamw and --class-weight train; demo creates its --out-dir', () => {
    const dir = tempDir();
    const typo = cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', join(dir, 'm.safetensors'), '--optimiser', 'adam']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe('hamiltonian-ai train: unknown option --optimiser: did you mean --optimizer?');
    const wrong = cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', join(dir, 'm.safetensors'), '--optimizer', 'adamm']);
    expect(wrong.stderr).toMatch(/did you mean adam\?/);
    const common = ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--epochs', '3', '--json', '--quiet', '--seed', '4'];
    const plain = JSON.parse(cli([...common, '--optimizer', 'adamw', '--out', join(dir, 'a.safetensors')]).stdout);
    const weighted = JSON.parse(cli([...common, '--optimizer', 'adamw', '--class-weight', 'balanced', '--out', join(dir, 'b.safetensors')]).stdout);
    expect(plain.metrics.auc).toBeGreaterThan(0.75);
    // Up-weighting the bads raises the predicted bad rate above the observed one.
    expect(weighted.calibrationCheck.meanPredicted).toBeGreaterThan(plain.calibrationCheck.meanPredicted + 0.05);
    expect(cli([...common, '--class-weight', '1,0', '--out', join(dir, 'c.safetensors')]).stderr).toMatch(
      /--class-weight must be 'balanced' or two positive numbers/,
    );
    const nested = join(dir, 'new', 'deeper');
    expect(cli(['demo', '--out-dir', nested, '--quiet', '--epochs', '1']).code).toBe(0);
    expect(existsSync(join(nested, 'demo-model.safetensors'))).toBe(true);
  });
});
