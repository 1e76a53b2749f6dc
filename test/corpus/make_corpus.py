#!/usr/bin/env python3
"""Writes the bad-input corpus (test/corpus/*) and its manifest cases.json.

Each case names a file, the CLI command it is fed to, and the expected outcome: exit code 0 (parsed and used
correctly) or 2 with a one-line message matching `stderr` (naming the file, line and column where they apply).
test/reliability/corpus.test.ts runs every case. Regenerate with: python3 test/corpus/make_corpus.py
"""
import json, os, random

here = os.path.dirname(os.path.abspath(__file__))
rnd = random.Random(7)
HOMES = ["rent", "own", "other"]


def rows(n=80, pos_every=4):
    out = []
    for i in range(n):
        y = 1 if i % pos_every == 0 else 0
        a = round(rnd.gauss(10 + 3 * y, 2), 3)
        c = round(rnd.gauss(50 - 5 * y, 10), 1)
        out.append([str(a), HOMES[i % 3], str(c), str(y)])
    return out


def csv(header, body, sep=",", eol="\n"):
    def q(f):
        return '"' + f.replace('"', '""') + '"' if (sep in f or '"' in f or "\n" in f) else f
    return eol.join(sep.join(q(f) for f in r) for r in [header] + body) + eol


H = ["a", "home", "c", "y"]
base = rows()
cases = []


def case(name, content, command="train", exit=0, stderr=None, args=None, binary=False, stdout=None, note=""):
    path = os.path.join(here, name)
    if binary or isinstance(content, bytes):
        open(path, "wb").write(content if isinstance(content, bytes) else content.encode())
    else:
        open(path, "w", newline="").write(content)
    c = {"file": name, "command": command, "exit": exit}
    if stderr:
        c["stderr"] = stderr
    if stdout:
        c["stdout"] = stdout
    if args:
        c["args"] = args
    if note:
        c["note"] = note
    cases.append(c)


good = csv(H, base)
open(os.path.join(here, "base.csv"), "w").write(good)

# ---- training input: malformed files -------------------------------------------------------------
case("ragged-row.csv", good.replace(base[2][0] + "," + base[2][1] + "," + base[2][2] + ",", base[2][0] + ",", 1), exit=2, stderr=r"ragged-row\.csv, line 4: expected 4 fields, found \d")
case("unbalanced-quote.csv", csv(H, base[:5]) + '1.5,"rent,3,1\n' + csv(H, base[5:]).split("\n", 1)[1], exit=2, stderr=r"unbalanced-quote\.csv, line 7, column 2: unbalanced quote")
case("text-after-quote.csv", csv(H, base[:3]) + '"1.5"x,rent,3,1\n', exit=2, stderr=r"text-after-quote\.csv, line 5, column 1: unexpected character 'x' after a closing quote")
case("binary-garbage.bin", bytes(rnd.randrange(256) for _ in range(3000)), exit=2, stderr=r"binary-garbage\.bin(, line \d+)?: not valid UTF-8")
case("empty.csv", "", exit=2, stderr=r"empty\.csv, line 1: the file is empty")
case("header-only.csv", "a,home,c,y\n", exit=2, stderr=r"header-only\.csv: 0 data rows: training needs at least 2")
case("blank-lines-only.csv", "a,home,c,y\n\n\n\n", exit=2, stderr=r"blank-lines-only\.csv: 0 data rows")
case("single-row.csv", csv(H, base[:1]), exit=2, stderr=r"single-row\.csv: 1 data row: training needs at least 2")
case("duplicate-columns.csv", csv(["a", "home", "a", "y"], base), exit=2, stderr=r"duplicate-columns\.csv, line 1, column 3: duplicate column name 'a' \(also column 1\)")
case("empty-column-name.csv", csv(["a", "", "c", "y"], base), exit=2, stderr=r"empty-column-name\.csv, line 1, column 2: empty column name")
case("target-missing.csv", csv(["a", "home", "c", "z"], base), exit=2, stderr=r"target-missing\.csv: target column 'y' is not in the file \(columns: a, home, c, z\)")
case("one-class.csv", csv(H, [r[:3] + ["0"] for r in base]), exit=2, stderr=r"one-class\.csv(, column 'y')?: positive label '1' never appears")
case("one-class-positive.csv", csv(H, [r[:3] + ["1"] for r in base]), exit=2, stderr=r"one-class-positive\.csv.*only one class|one-class-positive\.csv.*class 0 has 0")
case("positive-absent.csv", csv(H, [r[:3] + ["yes" if r[3] == "1" else "no"] for r in base]), exit=2, stderr=r"positive-absent\.csv, column 'y': positive label '1' never appears in target column 'y' \(values: (yes, no|no, yes)\)")
case("all-missing-column.csv", csv(H, [[r[0], "", r[2], r[3]] for r in base]), exit=2, stderr=r"all-missing-column\.csv, column 'home': column 'home' is empty in every training row")
case("nan-text.csv", csv(H, [[("NaN" if i % 9 == 1 else r[0])] + r[1:] for i, r in enumerate(base)]), exit=0, note="'NaN' text is a missing value (pandas' na_values): imputed")
case("infinity-text.csv", csv(H, [[("Infinity" if i == 30 else r[0])] + r[1:] for i, r in enumerate(base)]), exit=2, stderr=r"infinity-text\.csv, line 32, column 'a': 'Infinity' is not a finite number")
case("overflow-1e999.csv", csv(H, [[("1e999" if i == 12 else r[0])] + r[1:] for i, r in enumerate(base)]), exit=2, stderr=r"overflow-1e999\.csv, line 14, column 'a': '1e999' overflows a double")
case("thousands-separators.csv", csv(H, [[("1,234.5" if i == 5 else r[0])] + r[1:] for i, r in enumerate(base)]), exit=2, stderr=r"thousands-separators\.csv, line 7, column 'a': '1,234\.5' has thousands separators")
case("non-utf8.csv", good.encode().replace(b"rent", b"r\xe9nt", 3), exit=2, stderr=r"non-utf8\.csv, line 2: not valid UTF-8")
case("smote-too-few-positives.csv", csv(H, [r[:3] + ["1" if i in (0, 40, 60) else "0"] for i, r in enumerate(base)]), exit=2, stderr=r"smote-too-few-positives\.csv: SMOTE: class 1 has 2 samples in the training part, it needs more than k = 5")
case("stratify-one-positive.csv", csv(H, [r[:3] + ["1" if i == 3 else "0"] for i, r in enumerate(base)]), exit=2, stderr=r"stratify-one-positive\.csv: class 1 has 1 row; a stratified split needs at least 2")
case("id-column.csv", csv(["id"] + H, [[f"cust-{i:05d}"] + r for i, r in enumerate(rows(300))]), exit=2, stderr=r"id-column\.csv, column 'id': categorical column 'id' has 240 distinct values")
case("id-column-excluded.csv", csv(["id"] + H, [[f"cust-{i:05d}"] + r for i, r in enumerate(rows(300))]), exit=0, args=["--exclude", "id"])
case("missing-drop-all.csv", csv(H, [[r[0], "" if i % 2 else r[1], "" if i % 2 == 0 else r[2], r[3]] for i, r in enumerate(base)]), exit=2, args=["--missing", "drop"], stderr=r"missing-drop-all\.csv: every row has a missing value \(policy 'drop'\)")
case("missing-impute.csv", csv(H, [[r[0], "" if i % 5 == 0 else r[1], "" if i % 7 == 0 else r[2], r[3]] for i, r in enumerate(base)]), exit=0)
case("missing-target-cells.csv", csv(H, [r[:3] + ["" if i % 11 == 5 else r[3]] for i, r in enumerate(base)]), exit=0, stderr=r"rows were left out \(first: line \d+: missing target 'y'\)")
# ---- training input: awkward but valid ------------------------------------------------------------
case("semicolons.csv", csv(H, base, sep=";"), exit=0)
case("bom-crlf.csv", "\ufeff" + csv(H, base, eol="\r\n"), exit=0)
case("tabs.tsv", csv(H, base, sep="\t"), exit=0)
case("quoted-fields.csv", csv(H, [[r[0], f'{r[1]}, "x"\nline2', r[2], r[3]] for r in base]), exit=0)
case("trailing-blank-lines.csv", good + "\n\n\n", exit=0)
case("padded-numbers.csv", csv(H, [[f"  {r[0]} ", r[1], f"{float(r[2]):e}", r[3]] for r in base]), exit=0)
case("no-final-newline.csv", good.rstrip("\n"), exit=0)
# ---- scoring input (model trained on base.csv) --------------------------------------------------------
S = ["a", "home", "c"]
sb = [r[:3] for r in base[:20]]
case("score-unseen-category.csv", csv(S, [[r[0], "boat" if i == 2 else r[1], r[2]] for i, r in enumerate(sb)]), command="score", exit=0, note="unseen category → all-zeros one-hot (policy zeros)")
case("score-missing-column.csv", csv(["a", "c"], [[r[0], r[2]] for r in sb]), command="score", exit=2, stderr=r"score-missing-column\.csv: missing column 'home' that the model needs")
case("score-extra-columns.csv", csv(["id"] + S + ["note"], [[str(i)] + r + ["x"] for i, r in enumerate(sb)]), command="score", exit=0)
case("score-reordered-columns.csv", csv(["c", "a", "home"], [[r[2], r[0], r[1]] for r in sb]), command="score", exit=0)
case("score-bad-number.csv", csv(S, [["abc" if i == 4 else r[0], r[1], r[2]] for i, r in enumerate(sb)]), command="score", exit=0, stderr=r"1 of 20 rows could not be scored.*\n.*line 6: .*'abc' is not a number")
case("score-ragged-row.csv", csv(S, sb[:3]) + "1.0,rent\n" + csv(S, sb[3:]).split("\n", 1)[1], command="score", exit=0, stderr=r"line 5: expected 3 fields, found 2")
case("score-empty.csv", "", command="score", exit=2, stderr=r"score-empty\.csv: the file is empty")
case("score-header-only.csv", "a,home,c\n", command="score", exit=0)
case("score-non-utf8.csv", csv(S, sb).encode().replace(b"rent", b"r\xe9nt", 1), command="score", exit=2, stderr=r"score-non-utf8\.csv: not valid UTF-8")
case("score-missing-values.csv", csv(S, [["" if i % 3 == 0 else r[0], "" if i % 4 == 0 else r[1], "NA" if i % 5 == 0 else r[2]] for i, r in enumerate(sb)]), command="score", exit=0)
case("score-semicolons.csv", csv(S, sb, sep=";"), command="score", exit=0)
case("score-infinity.csv", csv(S, [["Infinity" if i == 1 else r[0], r[1], r[2]] for i, r in enumerate(sb)]), command="score", exit=0, stderr=r"line 3: .*'Infinity' is not a finite number")

json.dump(cases, open(os.path.join(here, "cases.json"), "w"), indent=1)
print(f"wrote {len(cases)} cases")
