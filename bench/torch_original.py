#!/usr/bin/python3
"""The Python original's training recipe in PyTorch, run on data prepared by hamiltonian-ai.

Reads a JSON file {xTrain, yTrain, xTest, yTest, cols, hidden, epochs, lr, seed} written by bench/run.ts,
trains HamiltonianNN (Linear → leaky_relu → Dropout(0.2) per hidden layer, Linear to 2 logits) with the
original AdvancedSymplecticOptimizer and hamiltonian_loss (regulariser taken with .item(), as the
original), batch 32, and prints one JSON line: test AUC (from probabilities and, as the original did,
from hard labels) and seconds per epoch. Installs nothing; exits with code 3 when torch is missing.
"""
import json, sys, time
try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    print(json.dumps({"error": "torch is not installed (Debian: apt-get install python3-torch)"}))
    sys.exit(3)
from sklearn.metrics import roc_auc_score

class HamiltonianNN(nn.Module):
    def __init__(self, input_dim, hidden_dims, dropout_rate=0.2):
        super().__init__()
        self.layers = nn.ModuleList()
        prev = input_dim
        for h in hidden_dims:
            self.layers.append(nn.Linear(prev, h))
            prev = h
        self.layers.append(nn.Linear(prev, 2))
        self.dropout = nn.Dropout(dropout_rate)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = self.dropout(F.leaky_relu(layer(x)))
        return self.layers[-1](x)


class AdvancedSymplecticOptimizer(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, beta=0.9, epsilon=1e-8):
        super().__init__(params, dict(lr=lr, beta=beta, epsilon=epsilon))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st["momentum"] = torch.zeros_like(p)
                m = st["momentum"]
                m.mul_(group["beta"]).add_(p.grad, alpha=1 - group["beta"])
                h = 0.5 * (m ** 2).sum() + 0.5 * (p.grad ** 2).sum()
                p.add_(m, alpha=-(group["lr"] / (h.sqrt() + group["epsilon"])).item())


def hamiltonian_loss(outputs, labels, model, reg_coeff=0.01):
    reg = sum(torch.norm(p).item() for p in model.parameters())  # .item(): no gradient, as the original
    return F.cross_entropy(outputs, labels) + reg_coeff * reg


def main():
    torch.set_num_threads(1)
    cfg = json.load(open(sys.argv[1]))
    torch.manual_seed(cfg["seed"])
    cols = cfg["cols"]
    xtr = torch.tensor(cfg["xTrain"], dtype=torch.float32).view(-1, cols)
    ytr = torch.tensor(cfg["yTrain"], dtype=torch.long)
    xte = torch.tensor(cfg["xTest"], dtype=torch.float32).view(-1, cols)
    yte = cfg["yTest"]
    model = HamiltonianNN(cols, cfg["hidden"])
    opt = AdvancedSymplecticOptimizer(model.parameters(), lr=cfg["lr"])
    n = xtr.shape[0]
    g = torch.Generator().manual_seed(cfg["seed"])
    t0 = time.perf_counter()
    for epoch in range(cfg["epochs"]):
        model.train()
        perm = torch.randperm(n, generator=g)
        for s in range(0, n, 32):
            idx = perm[s:s + 32]
            opt.zero_grad()
            loss = hamiltonian_loss(model(xtr[idx]), ytr[idx], model)
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        p = torch.softmax(model(xte), dim=1)[:, 1].numpy()
    print(json.dumps({"auc": roc_auc_score(yte, p), "aucFromLabels": roc_auc_score(yte, (p >= 0.5).astype(int)),
                      "secondsPerEpoch": seconds / cfg["epochs"], "torch": torch.__version__}))


if __name__ == "__main__":
    main()
