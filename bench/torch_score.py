#!/usr/bin/python3
"""PyTorch peer for bench/score.ts: loads a hamiltonian-ai model file into the original's HamiltonianNN and
times one-record and 10,000-record scoring (one thread). Prints one JSON line; installs nothing."""
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures"))
try:
    import torch
    from torch_original import HamiltonianNN
    from generate_torch_interop import load_safetensors  # noqa: E402 (reuses the fixture's reader)
except ImportError as e:
    print(json.dumps({"error": f"missing Python package: {e.name}"}))
    sys.exit(3)

torch.set_num_threads(1)
state = load_safetensors(sys.argv[1])
dims = [state["layers.0.weight"].shape[1]]
l = 0
while f"layers.{l}.weight" in state:
    dims.append(state[f"layers.{l}.weight"].shape[0])
    l += 1
model = HamiltonianNN(dims[0], dims[1:-1]).eval()
model.load_state_dict(state, strict=True)
g = torch.Generator().manual_seed(0)
x1 = torch.randn(1, dims[0], generator=g)
xn = torch.randn(10000, dims[0], generator=g)


def timeit(f, inner, reps=9):
    for _ in range(inner):
        f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            f()
        ts.append((time.perf_counter() - t0) / inner)
    return sorted(ts)[reps // 2]


with torch.no_grad():
    one = timeit(lambda: torch.softmax(model(x1), 1), 2000)
    batch = timeit(lambda: torch.softmax(model(xn), 1), 20)
print(json.dumps({"oneSeconds": one, "batchSeconds": batch, "torch": torch.__version__}))
