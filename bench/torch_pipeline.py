#!/usr/bin/python3
"""The Python peer of `hamiltonian-ai score` for bench/throughput.ts: pandas read_csv → the model's own encoding
(median/mode imputation, missing indicators, one-hot over the trained categories, standardisation) → PyTorch forward
pass (one thread) → probability, decision and scorecard points appended → to_csv. The model file's weights and
preprocessor are read from the safetensors file itself, so both pipelines score with the same model.

usage: torch_pipeline.py MODEL.safetensors IN.csv OUT.csv
Prints one JSON line: seconds per stage, rows, peak RSS. Installs nothing; exits 3 when pandas or torch is missing.
"""
import json, math, resource, struct, sys, time
try:
    import numpy as np
    import pandas as pd
    import torch
except ImportError as e:
    print(json.dumps({"error": f"missing Python package: {e.name} (Debian: apt-get install python3-pandas python3-torch)"}))
    sys.exit(3)

torch.set_num_threads(1)
model_path, in_path, out_path = sys.argv[1:4]

raw = open(model_path, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
meta = header["__metadata__"]
config = json.loads(meta["config"])
pre = json.loads(meta["preprocessor"])
scaling = json.loads(meta["scorecard"]) if "scorecard" in meta else {"pdo": 20, "baseScore": 600, "baseOdds": 50}
training = json.loads(meta.get("training", "{}"))
if meta.get("calibration"):
    print(json.dumps({"error": "this peer does not apply calibration; bench a model without one"}))
    sys.exit(3)
weights = {}
for name, e in header.items():
    if name == "__metadata__":
        continue
    b, end = e["data_offsets"]
    weights[name] = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + end]), dtype=torch.float32).reshape(e["shape"])
layers = []
while f"layers.{len(layers)}.weight" in weights:
    layers.append((weights[f"layers.{len(layers)}.weight"], weights[f"layers.{len(layers)}.bias"]))

t0 = time.perf_counter()
df = pd.read_csv(in_path, na_values=pre["missingValues"], keep_default_na=False)
t1 = time.perf_counter()

columns = []
for f in pre["features"]:
    cells = df[f["name"]]
    if f["kind"] == "numeric":
        v = cells if cells.dtype.kind in "if" else pd.to_numeric(cells.astype(str).str.strip(), errors="raise")
        missing = v.isna()
        columns.append(v.fillna(f["median"]).to_numpy(np.float64).astype(np.float32))
        if f["indicator"]:
            columns.append(missing.to_numpy(np.float32))
    else:
        text = cells.where(cells.notna(), f["mode"])  # (cells are not stripped: the shipped data has no padding)
        codes = pd.Categorical(text, categories=f["categories"]).codes
        onehot = np.zeros((len(df), len(f["categories"])), dtype=np.float32)
        seen = codes >= 0
        onehot[np.nonzero(seen)[0], codes[seen]] = 1
        columns.append(onehot)
x = np.column_stack(columns).astype(np.float32)
# As the library: the raw value as float32, then (x − mean) / scale in double, stored as float32.
x = ((x.astype(np.float64) - np.array(pre["mean"])) / np.array(pre["scale"])).astype(np.float32)
t2 = time.perf_counter()

with torch.no_grad():
    h = torch.from_numpy(x)
    for i, (w, b) in enumerate(layers):
        h = torch.nn.functional.linear(h, w, b)
        if i + 1 < len(layers):
            h = torch.nn.functional.leaky_relu(h, 0.01)
    p = torch.sigmoid(h[:, 1] - h[:, 0]).numpy()
t3 = time.perf_counter()

threshold = training.get("threshold", 0.5)
factor = scaling["pdo"] / math.log(2)
offset = scaling["baseScore"] - factor * math.log(scaling["baseOdds"])
q = np.clip(p.astype(np.float64), 1e-9, 1 - 1e-9)
points = np.floor(offset - factor * (np.log(q) - np.log1p(-q)) + 0.5).astype(np.int64)
df["probability"] = np.char.mod("%.6f", p.astype(np.float64))
df["decision"] = np.where(p >= threshold, pre["positive"], pre["negatives"][0] if pre["negatives"] else f"not {pre['positive']}")
df["points"] = points
df["score_error"] = ""
df.to_csv(out_path, index=False)
t4 = time.perf_counter()

print(json.dumps({
    "rows": int(len(df)), "read": t1 - t0, "encode": t2 - t1, "forward": t3 - t2, "write": t4 - t3, "total": t4 - t0,
    "peakRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "torch": torch.__version__, "pandas": pd.__version__,
}))
