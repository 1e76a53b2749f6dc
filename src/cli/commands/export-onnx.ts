import { createHash } from 'node:crypto';
import { exportOnnx as encodedOnnx } from '../../io/onnx.js';
import { exportPipelineOnnx } from '../../io/onnx-pipeline.js';
import type { CommandSpec, Parsed } from '../args.js';
import { writeAtomic } from '../files.js';
import { loadModelFile } from '../model.js';

export const exportOnnxSpec: CommandSpec = {
  name: 'export-onnx',
  summary:
    'export the whole scoring pipeline as ONNX: one input per raw column (float, NaN = missing; or string), outputs probability and points; --encoded: the network alone',
  usage: 'hamiltonian-ai export-onnx --model MODEL.safetensors --out model.onnx [--encoded]',
  options: {
    model: { type: 'string', io: 'in', arg: 'MODEL', help: 'model file', required: true },
    out: { type: 'string', io: 'out', arg: 'FILE', help: 'ONNX file to write', required: true },
    encoded: { type: 'boolean', help: 'export the network (and calibration) alone: input = encoded, standardised rows, output = class probabilities' },
  },
  examples: [
    'hamiltonian-ai export-onnx --model credit.safetensors --out credit.onnx',
    'hamiltonian-ai export-onnx --model credit.safetensors --out network.onnx --encoded',
  ],
};

export async function exportOnnx(o: Parsed): Promise<void> {
  const path = o.model as string;
  const { bytes, content } = loadModelFile(path, 'js');
  if (o.encoded) {
    writeAtomic(
      o.out as string,
      encodedOnnx(content.config, (name) => content.tensors.get(name)!.data, content.calibration),
    );
    process.stdout.write(`wrote ${o.out} (input: ${content.config.inputDim} encoded columns, as the model's preprocessor outputs them)\n`);
    return;
  }
  const modelSha256 = createHash('sha256').update(bytes).digest('hex');
  writeAtomic(o.out as string, exportPipelineOnnx(content, { modelSha256 }));
  const pre = content.preprocessor!;
  const numeric = pre.features.filter((f) => f.kind === 'numeric').length;
  process.stdout.write(
    `wrote ${o.out} (inputs: ${pre.features.length} raw columns, [N, 1] each — ${numeric} float (NaN = missing), ${pre.features.length - numeric} string; outputs: probability, points; NaN = row refused)\n`,
  );
}
