#!/usr/bin/python3
"""PyTorch peer for bench/wasm.ts (the Python original's model, optimiser and loss from torch_original.py).

  torch_step.py --hidden 512,256          median ms per training step (batch 32, input 110, one thread)
  torch_step.py --lending-club FILE.csv   the original's whole recipe on lending_club: pandas, get_dummies,
                                          StandardScaler, train_test_split, SMOTE, 10 epochs [64, 32], AUC

Prints one JSON line. Installs nothing; exits 3 with {"error"} when torch (or pandas/imblearn) is missing.
"""
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import torch
    import torch.nn.functional as F
    from torch_original import HamiltonianNN, AdvancedSymplecticOptimizer, hamiltonian_loss
except ImportError as e:
    print(json.dumps({"error": f"missing Python package: {e.name} (Debian: apt-get install python3-torch python3-sklearn)"}))
    sys.exit(3)

torch.set_num_threads(1)
torch.manual_seed(0)
args = sys.argv[1:]


def step_time(hidden):
    model = HamiltonianNN(110, hidden)
    opt = AdvancedSymplecticOptimizer(model.parameters(), lr=0.01)
    x = torch.randn(32, 110)
    y = torch.randint(0, 2, (32,))

    def step():
        opt.zero_grad()
        loss = hamiltonian_loss(model(x), y, model)
        loss.backward()
        opt.step()

    for _ in range(50):
        step()
    inner = 100 if hidden[0] > 100 else 500
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        times.append((time.perf_counter() - t0) / inner)
    times.sort()
    return times[len(times) // 2] * 1e3


def lending_club(path):
    try:
        import pandas as pd
        from imblearn.over_sampling import SMOTE
        from sklearn.preprocessing import StandardScaler
        from sklearn.model_selection import train_test_split
        from sklearn.metrics import roc_auc_score
    except ImportError as e:
        print(json.dumps({"error": f"missing Python package: {e.name} (Debian: apt-get install python3-pandas python3-imblearn)"}))
        sys.exit(3)
    t0 = time.perf_counter()
    df = pd.read_csv(path).dropna()
    y = (df.pop("Class") == "bad").astype(int).values
    X = pd.get_dummies(df).astype("float32").values
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    Xtr, ytr = SMOTE(random_state=42).fit_resample(Xtr, ytr)
    xtr = torch.tensor(Xtr, dtype=torch.float32)
    ytr_t = torch.tensor(ytr, dtype=torch.long)
    model = HamiltonianNN(X.shape[1], [64, 32])
    opt = AdvancedSymplecticOptimizer(model.parameters(), lr=0.01)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr_t), batch_size=32, shuffle=True)
    t1 = time.perf_counter()
    for _ in range(10):
        model.train()
        for bx, by in loader:
            opt.zero_grad()
            loss = hamiltonian_loss(model(bx), by, model)
            loss.backward()
            opt.step()
    t2 = time.perf_counter()
    model.eval()
    with torch.no_grad():
        p = torch.softmax(model(torch.tensor(Xte, dtype=torch.float32)), 1)[:, 1].numpy()
    return {"totalSeconds": time.perf_counter() - t0, "epochSeconds": (t2 - t1) / 10, "auc": roc_auc_score(yte, p)}


if "--hidden" in args:
    hidden = [int(v) for v in args[args.index("--hidden") + 1].split(",")]
    print(json.dumps({"stepMs": step_time(hidden), "torch": torch.__version__}))
elif "--lending-club" in args:
    print(json.dumps(lending_club(args[args.index("--lending-club") + 1])))
else:
    print(json.dumps({"error": "usage: torch_step.py --hidden 64,32 | --lending-club FILE.csv"}))
    sys.exit(2)
