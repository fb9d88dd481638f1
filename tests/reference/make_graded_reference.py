"""Reference values for graded (LLM-judged) evaluation and rater agreement.

Generates, from a seeded numpy RNG, two small synthetic inputs and computes
their expected statistics independently of faultline (numpy, scipy,
statsmodels, scikit-learn):

* ``graded.csv`` (wide layout: one row per example and run, two models
  "alpha" and "beta", a 0/1 pass and a 1..10 judge score per model, the
  ``passage`` column as the cluster id) and ``graded.json``:
  per model, overall and per ``category`` slice: pass rate with Wilson and
  cluster-robust intervals, mean score with Student t and cluster-robust
  intervals, pass@k (k = 1, 2, 3), within-example run variance; and the
  paired comparison alpha (baseline) -> beta (candidate): delta, plain and
  clustered SE / intervals, minimum detectable difference, flips, McNemar's
  exact p and, per slice, Benjamini-Hochberg q values.
* ``agreement.csv`` (``item,genre,human,judge``, ordinal 1..5, six rows with
  a missing ``human`` rating) and ``agreement.json``: n, raw agreement and
  Cohen's kappa (unweighted, linear, quadratic), overall and per genre.

Rules (the project's contract):

* Runs are averaged per example first (x_i = mean pass, s_i = mean score);
  n is the number of examples.
* Wilson interval with the non-integer count sum(x_i) and nobs = n.
* Cluster SE: OLS of the per-example values on a constant, cov_type
  "cluster" by passage, use_correction=False; it is checked against
  sqrt(sum_g (sum_{i in g} (v_i - mean))^2) / n. Interval: mean +- z * SE,
  z = norm.ppf(0.975).
* pass@k: 1 - C(r - c, k) / C(r, k) for examples with r >= k runs; examples
  with fewer runs are left out.
* An example passes (for flips / McNemar) when x_i >= 0.5.
* MDE = (norm.ppf(0.975) + norm.ppf(0.8)) * SE.

The statistics are computed from the CSV files as read back, so the numbers
match the text the Rust side parses. Re-run from the repository root with

    python3 tests/reference/make_graded_reference.py

which rewrites the four files in tests/reference/. Tested with numpy 2.4.6,
scipy 1.17.1, statsmodels 0.15.0, scikit-learn 1.9.1, pandas 3.1.1.
"""

import json
import math
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import norm, t as student_t
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

HERE = os.path.dirname(os.path.abspath(__file__))
GRADED_CSV = os.path.join(HERE, "graded.csv")
GRADED_JSON = os.path.join(HERE, "graded.json")
AGREE_CSV = os.path.join(HERE, "agreement.csv")
AGREE_JSON = os.path.join(HERE, "agreement.json")
COMMAND = "python3 tests/reference/make_graded_reference.py"

SEED = 20240611
MODELS = ["alpha", "beta"]
BASELINE, CANDIDATE = "alpha", "beta"
Z = float(norm.ppf(0.975))
Z_POWER = float(norm.ppf(0.8))
KS = [1, 2, 3]

GRADED_COLUMNS = [
    "id", "run", "passage", "category", "prompt",
    "pass_alpha", "score_alpha", "pass_beta", "score_beta",
    "response_alpha", "response_beta", "reference",
]


# --------------------------------------------------------------------------
# Data generation
# --------------------------------------------------------------------------

def make_graded(rng):
    n_examples = 80
    # 23 passages of uneven sizes (one of 9, four of 1), summing to 80.
    sizes = [9, 7, 6, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1]
    assert len(sizes) == 23 and sum(sizes) == n_examples
    passage_ids = [f"p{j + 1:02d}" for j in range(len(sizes))]
    members = np.repeat(np.arange(len(sizes)), sizes)
    members = rng.permutation(members)  # examples of a passage are not contiguous
    passage_effect = rng.normal(0.0, 1.1, size=len(sizes))

    categories = ["math", "reading", "code"]
    cat_of = rng.choice(3, size=n_examples, p=[0.4, 0.35, 0.25])
    # logit offsets: alpha better than beta except on code
    offset = {
        ("alpha", "math"): 1.1, ("beta", "math"): 0.1,
        ("alpha", "reading"): 1.4, ("beta", "reading"): 0.4,
        ("alpha", "code"): -0.5, ("beta", "code"): 0.6,
    }

    rows = []
    for i in range(n_examples):
        ex_id = f"q{i + 1:03d}"
        if i + 1 == 80:
            runs = 1
        elif i + 1 >= 71:
            runs = 2
        else:
            runs = 3
        p = members[i]
        passage = passage_ids[p]
        cat = categories[cat_of[i]]
        difficulty = passage_effect[p] + rng.normal(0.0, 0.8)  # shared by both models
        prompt = f"Question {i + 1} about passage {passage}"
        reference = f"answer {int(rng.integers(1, 100))}"
        probs = {}
        for m in MODELS:
            logit = offset[(m, cat)] + difficulty + rng.normal(0.0, 0.6)
            probs[m] = 1.0 / (1.0 + math.exp(-logit))
        for r in range(1, runs + 1):
            row = {"id": ex_id, "run": r, "passage": passage, "category": cat, "prompt": prompt}
            for m in MODELS:
                ok = int(rng.random() < probs[m])
                score = 3.2 + 3.6 * ok + 1.0 * difficulty + rng.normal(0.0, 1.1)
                score = float(np.clip(np.round(score, 1), 1.0, 10.0))
                row[f"pass_{m}"] = ok
                row[f"score_{m}"] = f"{score:.1f}"
                row[f"response_{m}"] = reference if ok else f"answer {int(rng.integers(1, 100))}"
            row["reference"] = reference
            rows.append(row)
    df = pd.DataFrame(rows, columns=GRADED_COLUMNS)
    df.to_csv(GRADED_CSV, index=False, lineterminator="\n")


def make_agreement(rng):
    n = 150
    genres = np.array(["news", "fiction", "science"])
    genre = genres[rng.integers(0, 3, size=n)]
    human = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.12, 0.2, 0.3, 0.23, 0.15])
    noise = rng.choice([-2, -1, 0, 1, 2], size=n, p=[0.03, 0.15, 0.64, 0.15, 0.03])
    judge = np.clip(human + noise, 1, 5)
    missing = set(rng.choice(n, size=6, replace=False).tolist())
    lines = ["item,genre,human,judge"]
    for i in range(n):
        h = "" if i in missing else str(int(human[i]))
        lines.append(f"t{i + 1:03d},{genre[i]},{h},{int(judge[i])}")
    with open(AGREE_CSV, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------

def cluster_se(v, groups):
    """Cluster-robust SE of the mean (statsmodels), checked by hand."""
    v = np.asarray(v, dtype=float)
    n = len(v)
    codes = pd.factorize(np.asarray(groups))[0]
    fit = sm.OLS(v, np.ones(n)).fit(cov_type="cluster", cov_kwds={"groups": codes, "use_correction": False})
    se_sm = float(fit.bse[0])
    resid = v - v.mean()
    sums = pd.Series(resid).groupby(codes).sum().to_numpy()
    se_hand = math.sqrt(float(np.sum(sums ** 2)) / n ** 2)
    assert abs(se_sm - se_hand) <= 1e-12, (se_sm, se_hand)
    return se_sm, se_hand


def pass_at_k(runs, passes, k):
    vals = [1.0 - (math.comb(r - c, k) / math.comb(r, k)) for r, c in zip(runs, passes) if r >= k]
    return {"value": float(np.mean(vals)) if vals else None, "n": len(vals)}


def per_example(df):
    """One row per example: runs, passes and means for each model."""
    g = df.groupby("id", sort=True)
    out = pd.DataFrame({
        "passage": g["passage"].first(),
        "category": g["category"].first(),
        "runs": g.size(),
    })
    for m in MODELS:
        out[f"c_{m}"] = g[f"pass_{m}"].sum()
        out[f"x_{m}"] = g[f"pass_{m}"].mean()
        out[f"s_{m}"] = g[f"score_{m}"].mean()
        out[f"vp_{m}"] = g[f"pass_{m}"].var(ddof=1)   # NaN for a single run
        out[f"vs_{m}"] = g[f"score_{m}"].var(ddof=1)
    return out


def model_stats(ex, m):
    n = len(ex)
    x = ex[f"x_{m}"].to_numpy(float)
    s = ex[f"s_{m}"].to_numpy(float)
    groups = ex["passage"].to_numpy()

    rate = float(x.mean())
    lo, hi = proportion_confint(float(x.sum()), n, alpha=0.05, method="wilson")
    se_x, se_x_hand = cluster_se(x, groups)

    mean_s = float(s.mean())
    half_t = float(student_t.ppf(0.975, n - 1)) * float(np.std(s, ddof=1)) / math.sqrt(n)
    se_s, se_s_hand = cluster_se(s, groups)

    multi = ex["runs"] >= 2
    return {
        "n": n,
        "pass_rate": rate,
        "pass_rate_ci": [float(lo), float(hi)],
        "pass_rate_se_cluster": se_x,
        "pass_rate_se_cluster_by_hand": se_x_hand,
        "pass_rate_ci_cluster": [rate - Z * se_x, rate + Z * se_x],
        "mean_score": mean_s,
        "mean_score_ci": [mean_s - half_t, mean_s + half_t],
        "mean_score_se_cluster": se_s,
        "mean_score_se_cluster_by_hand": se_s_hand,
        "mean_score_ci_cluster": [mean_s - Z * se_s, mean_s + Z * se_s],
        "pass_at_k": {str(k): pass_at_k(ex["runs"].to_numpy(), ex[f"c_{m}"].to_numpy(), k) for k in KS},
        "within_variance": float(ex.loc[multi, f"vp_{m}"].mean()),
        "within_variance_score": float(ex.loc[multi, f"vs_{m}"].mean()),
        "within_n": int(multi.sum()),
        "clusters": int(ex["passage"].nunique()),
    }


def paired(ex, what):
    d = (ex[f"{what}_{CANDIDATE}"] - ex[f"{what}_{BASELINE}"]).to_numpy(float)
    n = len(d)
    delta = float(d.mean())
    se = float(np.std(d, ddof=1)) / math.sqrt(n)
    se_c, se_c_hand = cluster_se(d, ex["passage"].to_numpy())
    return {
        "delta": delta,
        "se": se,
        "ci": [delta - Z * se, delta + Z * se],
        "se_cluster": se_c,
        "se_cluster_by_hand": se_c_hand,
        "ci_cluster": [delta - Z * se_c, delta + Z * se_c],
        "mde": (Z + Z_POWER) * se,
        "mde_cluster": (Z + Z_POWER) * se_c,
    }


def compare_stats(ex):
    ok_b = (ex[f"x_{BASELINE}"] >= 0.5).to_numpy()
    ok_c = (ex[f"x_{CANDIDATE}"] >= 0.5).to_numpy()
    both = int((ok_b & ok_c).sum())
    base_only = int((ok_b & ~ok_c).sum())
    cand_only = int((~ok_b & ok_c).sum())
    neither = int((~ok_b & ~ok_c).sum())
    p = float(mcnemar([[both, base_only], [cand_only, neither]], exact=True).pvalue)
    return {
        "n": len(ex),
        "pass_rate": paired(ex, "x"),
        "mean_score": paired(ex, "s"),
        "flips": {"both_correct": both, "baseline_only": base_only, "candidate_only": cand_only, "both_wrong": neither},
        "mcnemar_p": p,
    }


def graded_reference():
    df = pd.read_csv(GRADED_CSV, dtype={"id": str, "passage": str, "category": str})
    assert list(df.columns) == GRADED_COLUMNS
    assert not df.isna().any().any()
    ex = per_example(df)
    cats = sorted(ex["category"].unique())
    sizes = ex.groupby("passage").size()
    assert len(sizes) == 23 and sizes.max() == 9 and (sizes == 1).sum() >= 1
    assert ex["runs"].value_counts().to_dict() == {3: 70, 2: 9, 1: 1}

    models = {}
    for m in MODELS:
        models[m] = {
            "overall": model_stats(ex, m),
            "slices": {c: model_stats(ex[ex["category"] == c], m) for c in cats},
        }

    # the designed pattern: alpha passes more often than beta, except on code
    for c in cats:
        a, b = (models[m]["slices"][c]["pass_rate"] for m in MODELS)
        assert (b > a) if c == "code" else (a > b), (c, a, b)
    assert models["alpha"]["overall"]["pass_rate"] > models["beta"]["overall"]["pass_rate"]

    slices = {c: compare_stats(ex[ex["category"] == c]) for c in cats}
    q = multipletests([slices[c]["mcnemar_p"] for c in cats], method="fdr_bh")[1]
    for c, qv in zip(cats, q):
        slices[c]["q_value"] = float(qv)

    return {
        "source": "tests/reference/graded.csv",
        "_command": COMMAND,
        "_notes": [
            "runs averaged per example first; n = number of examples",
            "pass_rate_ci: Wilson, count = sum of per-example pass rates (non-integer), nobs = n",
            "mean_score_ci: Student t with n-1 df on per-example mean scores",
            "*_se_cluster: OLS on a constant, cluster by passage, use_correction=False; *_by_hand = sqrt(sum_g (sum_i (v_i - mean))^2)/n",
            "*_ci_cluster and compare ci: value +- norm.ppf(0.975) * SE",
            "pass_at_k: mean over examples with runs >= k of 1 - C(r-c,k)/C(r,k); n = examples included",
            "within_variance(_score): mean over examples with runs >= 2 of the ddof=1 variance of its runs; within_n = those examples",
            "compare: baseline alpha, candidate beta, d_i = beta - alpha per example; flips use x_i >= 0.5",
            "mde = (norm.ppf(0.975) + norm.ppf(0.8)) * SE",
            "slice q_value: Benjamini-Hochberg over the slices' mcnemar_p in category order",
        ],
        "z": Z,
        "n": len(ex),
        "rows": len(df),
        "baseline": BASELINE,
        "candidate": CANDIDATE,
        "cluster": "passage",
        "slice_by": "category",
        "models": models,
        "compare": {"overall": compare_stats(ex), "slices": slices},
    }


def kappas(h, j):
    out = {
        "n": int(len(h)),
        "agreement": float(np.mean(h == j)),
        "kappa": float(cohen_kappa_score(h, j, weights=None)),
        "kappa_linear": float(cohen_kappa_score(h, j, weights="linear")),
        "kappa_quadratic": float(cohen_kappa_score(h, j, weights="quadratic")),
    }
    # sklearn weights by label position; with all of 1..5 observed this equals
    # weighting by the rating value itself. Check that it holds.
    assert set(np.unique(np.concatenate([h, j]))) == {1, 2, 3, 4, 5}
    for w, key in [(None, "kappa"), ("linear", "kappa_linear"), ("quadratic", "kappa_quadratic")]:
        alt = cohen_kappa_score(h, j, weights=w, labels=[1, 2, 3, 4, 5])
        assert abs(alt - out[key]) < 1e-15
    return out


def agreement_reference():
    df = pd.read_csv(AGREE_CSV, dtype={"item": str, "genre": str})
    assert len(df) == 150
    dropped = int(df["human"].isna().sum())
    assert dropped == 6 and not df["judge"].isna().any()
    df = df.dropna(subset=["human"])
    df["human"] = df["human"].astype(int)
    df["judge"] = df["judge"].astype(int)
    overall = kappas(df["human"].to_numpy(), df["judge"].to_numpy())
    genres = {g: kappas(part["human"].to_numpy(), part["judge"].to_numpy())
              for g, part in sorted(df.groupby("genre"), key=lambda kv: kv[0])}
    return {
        "source": "tests/reference/agreement.csv",
        "_command": COMMAND,
        "_notes": [
            "rows with a missing rating are left out of every computation",
            "kappa*: sklearn.metrics.cohen_kappa_score(human, judge, weights=None|'linear'|'quadratic')",
            "agreement: share of rows with human == judge",
        ],
        "rows": 150,
        "missing": dropped,
        "overall": overall,
        "genres": genres,
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, allow_nan=False)
        f.write("\n")


def summary(g, a):
    print(f"graded: {g['rows']} rows, n = {g['n']} examples")
    for m in MODELS:
        o = g["models"][m]["overall"]
        print(f"  {m}: pass_rate {o['pass_rate']:.4f} wilson [{o['pass_rate_ci'][0]:.4f}, {o['pass_rate_ci'][1]:.4f}] "
              f"se_cluster {o['pass_rate_se_cluster']:.5f}; mean_score {o['mean_score']:.3f} "
              f"se_cluster {o['mean_score_se_cluster']:.4f}; pass@k "
              + " ".join(f"{k}:{v['value']:.4f}(n={v['n']})" for k, v in o["pass_at_k"].items())
              + f"; within {o['within_variance']:.4f}/{o['within_variance_score']:.4f} (n={o['within_n']})")
        for c, s in g["models"][m]["slices"].items():
            print(f"    {c:8s} n={s['n']:2d} pass_rate {s['pass_rate']:.4f} mean_score {s['mean_score']:.3f} clusters {s['clusters']}")
    c = g["compare"]["overall"]
    print(f"  compare: pass delta {c['pass_rate']['delta']:.4f} se {c['pass_rate']['se']:.5f} se_cluster {c['pass_rate']['se_cluster']:.5f} "
          f"mde {c['pass_rate']['mde']:.4f}/{c['pass_rate']['mde_cluster']:.4f}; score delta {c['mean_score']['delta']:.4f}; "
          f"flips {c['flips']} mcnemar_p {c['mcnemar_p']:.4g}")
    for k, s in g["compare"]["slices"].items():
        print(f"    {k:8s} pass delta {s['pass_rate']['delta']:+.4f} flips {s['flips']} p {s['mcnemar_p']:.4g} q {s['q_value']:.4g}")
    print(f"agreement: n = {a['overall']['n']} (missing {a['missing']})")
    for name, v in [("overall", a["overall"])] + list(a["genres"].items()):
        print(f"  {name:8s} n={v['n']:3d} agree {v['agreement']:.4f} kappa {v['kappa']:.4f} "
              f"linear {v['kappa_linear']:.4f} quadratic {v['kappa_quadratic']:.4f}")


def main():
    rng = np.random.default_rng(SEED)
    make_graded(rng)
    make_agreement(rng)
    g = graded_reference()
    a = agreement_reference()
    write_json(GRADED_JSON, g)
    write_json(AGREE_JSON, a)
    summary(g, a)


if __name__ == "__main__":
    main()
