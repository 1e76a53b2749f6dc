import { exportOnnx as toOnnx } from '../../io/onnx.js';
import type { CommandSpec, Parsed } from '../args.js';
import { writeAtomic } from '../files.js';
import { loadModelFile } from '../model.js';

export const exportOnnxSpec: CommandSpec = {
  name: 'export-onnx',
  summary: "export the network as ONNX (Gemm + activation + Softmax, then the model's calibration); inputs are preprocessed rows",
  usage: 'hamiltonian-ai export-onnx --model MODEL.safetensors --out model.onnx',
  options: {
    model: { type: 'string', io: 'in', arg: 'MODEL', help: 'model file', required: true },
    out: { type: 'string', io: 'out', arg: 'FILE', help: 'ONNX file to write', required: true },
  },
};

export async function exportOnnx(o: Parsed): Promise<void> {
  const { content } = loadModelFile(o.model as string, 'js');
  writeAtomic(
    o.out as string,
    toOnnx(content.config, (name) => content.tensors.get(name)!.data, content.calibration),
  );
  process.stdout.write(`wrote ${o.out} (inputs: ${content.config.inputDim} encoded columns, as the model's preprocessor outputs them)\n`);
}
