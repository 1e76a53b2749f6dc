#!/usr/bin/python3
"""The references beside bench/defaults.ts, on exactly its splits: `EXPORT=1 ONLY=- npx tsx bench/defaults.ts` writes
the encoded parts to .tmp/splits, then `/usr/bin/python3 bench/defaults_reference.py` (Debian's python3-sklearn and
python3-xgboost) fits scikit-learn's LogisticRegression (C = 1, the built-in baseline's objective) and XGBoost twice
(1,000 trees at most, depth 4, learning rate 0.05, early stopping on the same validation slice the network uses; and
its library defaults) on
each seed's training part and reports the test part: mean ± sd of AUC and Brier, and mean P − observed.
"""
import glob, os, re
import numpy as np
import sklearn, xgboost
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, brier_score_loss

def load(path):
    d = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    return d[:, :-1], d[:, -1].astype(int)

print(f"scikit-learn {sklearn.__version__}, XGBoost {xgboost.__version__}")
files = sorted({re.sub(r"-\d+-(train|validation|test)\.csv$", "", os.path.basename(p)) for p in glob.glob(".tmp/splits/*.csv")})
for name in files:
    seeds = sorted({int(re.search(r"-(\d+)-train\.csv$", p).group(1)) for p in glob.glob(f".tmp/splits/{name}-*-train.csv")})
    rows = {"sklearn LogisticRegression (C = 1)": [], "XGBoost (early stopping on the validation slice)": [], "XGBoost (library defaults: 100 trees, depth 6, rate 0.3)": []}
    for seed in seeds:
        xtr, ytr = load(f".tmp/splits/{name}-{seed}-train.csv")
        xva, yva = load(f".tmp/splits/{name}-{seed}-validation.csv")
        xte, yte = load(f".tmp/splits/{name}-{seed}-test.csv")
        lr = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=1000).fit(xtr, ytr)
        xgb = xgboost.XGBClassifier(n_estimators=1000, max_depth=4, learning_rate=0.05, subsample=0.8, colsample_bytree=0.8,
                                    eval_metric="auc", early_stopping_rounds=30, random_state=seed, n_jobs=1)
        xgb.fit(xtr, ytr, eval_set=[(xva, yva)], verbose=False)
        plain = xgboost.XGBClassifier(random_state=seed, n_jobs=1).fit(xtr, ytr)
        for key, p in [("sklearn LogisticRegression (C = 1)", lr.predict_proba(xte)[:, 1]),
                       ("XGBoost (early stopping on the validation slice)", xgb.predict_proba(xte)[:, 1]),
                       ("XGBoost (library defaults: 100 trees, depth 6, rate 0.3)", plain.predict_proba(xte)[:, 1])]:
            rows[key].append((roc_auc_score(yte, p), brier_score_loss(yte, p), p.mean() - yte.mean()))
    print(f"\n### {name} ({len(seeds)} seeds, the splits of bench/defaults.ts)\n")
    print("| model | test AUC | test Brier | mean P − observed |")
    print("|---|---|---|---|")
    for key, v in rows.items():
        a = np.array(v)
        print(f"| {key} | {a[:, 0].mean():.4f} ± {a[:, 0].std():.4f} | {a[:, 1].mean():.4f} ± {a[:, 1].std():.4f} | {a[:, 2].mean():.4f} |")
