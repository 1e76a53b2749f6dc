/**
 * The risk-team outputs end to end through the CLI on credit_data.csv: a cut-off by approval rate or cost (chosen on
 * the validation part, stored, used by score), scorecard points, reason codes with evidence, protected attributes,
 * characteristic PSI, evaluate --report, and the whole-pipeline ONNX file scored by onnxruntime-node beside `score`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/index.js';
import { decodeModel } from '../../src/io/model-file.js';
import { points } from '../../src/metrics/scorecard.js';
import { ROOT, cli, tempDir } from './helpers.js';

const CREDIT = join(ROOT, 'data', 'credit_data.csv');
const dir = tempDir();
const model = join(dir, 'risk.safetensors');
const scaling = { pdo: 40, baseScore: 500, baseOdds: 20 };
const common = ['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--hidden', '16', '--epochs', '15', '--quiet'];

describe('train → score → evaluate → export-onnx with the risk options', () => {
  let json: any;
  it('train --cutoff approval:0.8 --protected --pdo …: the cut-off comes from the validation part and is stored; protected weight is warned', () => {
    const r = cli([
      ...common,
      ...['--out', model, '--report', join(dir, 'risk.html'), '--json'],
      ...['--cutoff', 'approval:0.8', '--protected', 'Marital,Age'],
      ...['--pdo', String(scaling.pdo), '--base-score', String(scaling.baseScore), '--base-odds', String(scaling.baseOdds)],
    ]);
    expect(r.code, r.stderr).toBe(0);
    json = JSON.parse(r.stdout);
    expect(json.cutoff.chosenOn).toBe('validation part');
    expect(json.cutoff.rule).toEqual({ rule: 'approval', approvalRate: 0.8 });
    expect(json.cutoff.approvalRate).toBeGreaterThanOrEqual(0.8);
    expect(json.threshold).toBe(json.cutoff.threshold);
    expect(json.threshold).not.toBe(0.5);
    const content = decodeModel(readFileSync(model));
    expect(content.training!.threshold).toBe(json.threshold);
    expect(content.training!.protected).toEqual(['Marital', 'Age']);
    expect(content.scorecard).toEqual(scaling);
    expect(content.training!.characteristics!.map((c) => c.feature)).toEqual(content.preprocessor!.features.map((f) => f.name));
    expect(json.characteristicPsi).toHaveLength(content.preprocessor!.features.length);
    expect(json.protectedWeight.map((w: { feature: string }) => w.feature)).toEqual(['Marital', 'Age']);
    for (const w of json.protectedWeight.filter((x: { topReasonRows: number }) => x.topReasonRows > 0))
      expect(r.stderr).toMatch(new RegExp(`protected feature '${w.feature}' would be a top-3 reason code for ${w.topReasonRows} of ${w.rows} test applicants`));
    expect(json.protectedWeight.some((w: { topReasonRows: number }) => w.topReasonRows > 0)).toBe(true);
  });

  it('the report reads in a risk committee’s order, optimiser diagnostics last', () => {
    const html = readFileSync(join(dir, 'risk.html'), 'utf8');
    const order = [
      'id="metrics"',
      'id="cutoff"',
      'id="gains"',
      'id="characteristic-psi"',
      'id="protected"',
      'id="roc"',
      'id="optimiser-diagnostics"',
      'id="energy"',
    ];
    const at = order.map((m) => html.indexOf(m));
    expect(
      at.every((i) => i >= 0),
      at.join(','),
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toMatch(/<th>PD \(mean predicted\)<\/th>/);
    expect(html).toMatch(/<th>points<\/th>/);
    expect(html).toMatch(/approve 80\.0 % \(--cutoff approval:0\.8\)/);
  });

  it('score: the stored cut-off decides, points use the stored scaling, protected features are never reasons', () => {
    const r = cli(['score', '--model', model, '--data', CREDIT, '--reasons', '3', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const t = parseCsv(r.stdout);
    const col = (c: string) => t.columns.indexOf(c);
    let declined = 0;
    for (const row of t.rows) {
      const p = Number(row[col('probability')]);
      // Written with 6 decimals: a row within 1e-6 of the threshold may round across it.
      if (Math.abs(p - json.threshold) > 1e-6) expect(row[col('decision')]).toBe(p >= json.threshold ? 'bad' : 'good');
      if (p >= json.threshold) declined++;
      // 6 decimals written: the points from the written probability may differ by 1 at a rounding edge.
      expect(Math.abs(Number(row[col('points')]) - points(p, scaling))).toBeLessThanOrEqual(1);
      for (const k of [1, 2, 3]) expect(['Marital', 'Age']).not.toContain(row[col(`reason_${k}`)]);
    }
    expect(declined / t.rows.length).toBeGreaterThan(0.05);
  });

  it('train refuses --cutoff with --threshold, a malformed --cutoff and an unknown --protected column (exit 2, one line)', () => {
    for (const [extra, message] of [
      [['--cutoff', '0.3', '--threshold', '0.4'], /give --cutoff or --threshold, not both/],
      [['--cutoff', 'approval:2'], /approval rate must be in/],
      [['--protected', 'Gender'], /--protected: 'Gender' not among the model's features/],
    ] as const) {
      const r = cli([...common, '--out', join(dir, 'x.safetensors'), ...extra]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--cutoff cost:FN=5,FP=1 declines more than cost:FN=1,FP=1 (a bad approved costs more)', () => {
    const threshold = (cost: string) => {
      const r = cli([...common, '--out', join(dir, `cost-${cost}.safetensors`), '--cutoff', cost, '--json', '--no-baseline']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).cutoff;
    };
    const even = threshold('cost:FN=1,FP=1');
    const dear = threshold('cost:FN=5,FP=1');
    expect(dear.threshold).toBeLessThan(even.threshold);
    expect(dear.approvalRate).toBeLessThan(even.approvalRate);
    expect(dear.costPerRow).toBeGreaterThan(0);
  });

  it('evaluate --report: the same report for a new file, with score and characteristic PSI against the training part', () => {
    const lines = readFileSync(CREDIT, 'utf8').trim().split('\n');
    // A "later" file: the same rows with Income doubled, so one characteristic moves.
    const head = parseCsv(lines[0]).columns;
    const j = head.indexOf('Income');
    const later = lines.map((l, i) =>
      i === 0
        ? l
        : l
            .split(',')
            .map((v, k) => (k === j && v !== '' ? String(2 * Number(v)) : v))
            .join(','),
    );
    const file = join(dir, 'later.csv');
    writeFileSync(file, `${later.join('\n')}\n`);
    const r = cli(['evaluate', '--model', model, '--data', file, '--report', join(dir, 'later.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.characteristicPsi[0].feature).toBe('Income');
    expect(out.characteristicPsi[0].psi).toBeGreaterThan(0.25);
    const html = readFileSync(join(dir, 'later.html'), 'utf8');
    expect(html).toMatch(/Characteristic stability \(PSI, later\.csv vs training part\)/);
    expect(html).toMatch(/Score PSI against the training part: <b>\d\.\d{4}<\/b>/);
    expect(html).toMatch(/<td>Income<\/td><td>numeric<\/td><td>\d\.\d{4}<\/td><td>shifted<\/td>/);
    expect(html).toMatch(/id="cutoff"/);
  });

  it('export-onnx (whole pipeline) scored by onnxruntime-node on raw rows gives score’s probability and points', async () => {
    const onnx = join(dir, 'risk.onnx');
    const e = cli(['export-onnx', '--model', model, '--out', onnx]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/inputs: 13 raw columns/);
    const ort = (await import('onnxruntime-node')) as unknown as typeof import('onnxruntime-web');
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    const raw = parseCsv(readFileSync(CREDIT, 'utf8'));
    const content = decodeModel(readFileSync(model));
    const n = raw.rows.length;
    const feeds = Object.fromEntries(
      content.preprocessor!.features.map((f) => {
        const j = raw.columns.indexOf(f.name);
        const cells = raw.rows.map((r) => r[j].trim());
        return [
          f.name,
          f.kind === 'numeric'
            ? new ort.Tensor(
                'float32',
                Float32Array.from(cells, (c) => (c === '' ? Number.NaN : Number(c))),
                [n, 1],
              )
            : new ort.Tensor('string', cells, [n, 1]),
        ];
      }),
    );
    const out = await session.run(feeds);
    const scored = parseCsv(cli(['score', '--model', model, '--data', CREDIT, '--quiet']).stdout);
    const pi = scored.columns.indexOf('probability'),
      qi = scored.columns.indexOf('points');
    let differ = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs((out.probability.data as Float32Array)[i] - Number(scored.rows[i][pi])), `row ${i}`).toBeLessThan(1e-5);
      const d = Math.abs((out.points.data as Float32Array)[i] - Number(scored.rows[i][qi]));
      expect(d).toBeLessThanOrEqual(1);
      if (d) differ++;
    }
    expect(differ).toBeLessThanOrEqual(n / 1000);
    const encoded = cli(['export-onnx', '--model', model, '--out', join(dir, 'net.onnx'), '--encoded']);
    expect(encoded.code).toBe(0);
    expect((await ort.InferenceSession.create(readFileSync(join(dir, 'net.onnx')))).inputNames).toEqual(['input']);
  });
});
