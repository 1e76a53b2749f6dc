import { createGpuBackend, type GpuBackend, type GpuMode } from '../backend/gpu/index.js';

/**
 * `--backend gpu` for the commands: a gpu.js backend that passed the self-check, or null after a note on stderr
 * saying why the CPU does the work instead. HAMILTONIAN_AI_GPU_MODE picks a gpu.js mode by name (e.g. 'cpu' to
 * exercise the GPU code path on a machine without one).
 */
export async function openGpuForCli(work: string): Promise<GpuBackend | null> {
  const g = await createGpuBackend((process.env.HAMILTONIAN_AI_GPU_MODE as GpuMode | undefined) ?? 'auto', { selfCheck: true });
  if (g.mode === null) {
    process.stderr.write(`note: --backend gpu: ${g.fallbackReason}; ${work} on the CPU instead\n`);
    return null;
  }
  return g;
}
