# Independent reference values for faultline's ranking, fairness and calibration
# metrics, computed once with Python so the Rust tests can check to 1e-9.
#
# Rerun (from the repository root):
#   python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install fairlearn scikit-learn statsmodels numpy pandas
#   /tmp/refvenv/bin/python tests/reference/kinds/make_refs.py
#
# Versions used to make the committed refs.json (Python 3.11.7):
#   fairlearn==0.15.0 scikit-learn==1.9.1 statsmodels==0.15.0 numpy==2.4.6
#   pandas==3.1.1 scipy==1.17.1
#
# The script is deterministic: the three CSVs are written from literal tables
# (ranking) or from a fixed integer LCG (fairness, calibration; no library RNG, so
# no dependence on numpy's stream), then READ BACK from disk, and every reference is
# computed from what was read. Rerunning it rewrites byte-identical CSVs and JSON.
import csv
import json
import math
import os
import platform
import warnings
from importlib.metadata import version

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, brier_score_loss, ndcg_score
from statsmodels.stats.proportion import proportion_confint

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def num(x):
    """float64 -> JSON number (repr, full precision) or None for NaN/inf/None."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return None
    return x


class Lcg:
    """Tiny deterministic generator (64-bit LCG, Knuth's MMIX constants)."""

    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF

    def next_u(self):
        self.s = (6364136223846793005 * self.s + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return (self.s >> 11) / float(1 << 53)  # in [0, 1)


# ---------------------------------------------------------------------------
# 1. ranking_small.csv
# ---------------------------------------------------------------------------
# query -> (locale, device, query_len)
QUERY_META = {
    "q01": ("en", "mobile", 3),
    "q02": ("de", "desktop", 1),
    "q03": ("ja", "mobile", 2),
    "q04": ("en", "desktop", 5),
    "q05": ("de", "mobile", 4),
    "q06": ("ja", "desktop", 3),
    "q07": ("en", "mobile", 6),
    "q08": ("de", "desktop", 4),
    "q09": ("ja", "mobile", 2),
    "q10": ("en", "desktop", 1),
    "q11": ("de", "mobile", 7),
    "q12": ("ja", "desktop", 8),
}
# (query_id, doc_id, relevance, score_base, score_cand), IN FILE ORDER.
# Scores are decimal strings so the CSV text is exactly what is written here.
RANKING_ROWS = [
    # q01: graded 7 items; base ties d4,d5,d6 at ranks 4-6 (straddle k=5);
    # cand ties d1,d2 (ranks 2-3) and d4,d7 (ranks 5-6, straddle k=5).
    # d7 is placed at the END of the file (q01 not contiguous).
    ("q01", "d1", 3, "0.90", "0.70"),
    ("q01", "d2", 0, "0.80", "0.70"),
    ("q01", "d3", 2, "0.60", "0.85"),
    ("q01", "d4", 1, "0.40", "0.30"),
    ("q01", "d5", 0, "0.40", "0.50"),
    ("q01", "d6", 2, "0.40", "0.20"),
    # q02: a single item
    ("q02", "d1", 2, "0.55", "0.45"),
    # q03 (3 items, binary) interleaved with q04 (12 items, graded)
    ("q04", "d01", 3, "0.95", "0.60"),
    ("q03", "d1", 0, "0.70", "0.20"),
    ("q04", "d02", 0, "0.90", "0.91"),
    ("q04", "d03", 1, "0.85", "0.40"),
    ("q03", "d2", 1, "0.30", "0.90"),
    ("q04", "d04", 2, "0.70", "0.88"),
    ("q04", "d05", 0, "0.65", "0.12"),
    ("q03", "d3", 0, "0.50", "0.50"),
    ("q04", "d06", 0, "0.60", "0.33"),
    ("q04", "d07", 1, "0.55", "0.33"),
    ("q04", "d08", 0, "0.50", "0.05"),
    ("q04", "d09", 0, "0.45", "0.77"),
    # q04 base: d10,d11,d12 tied at ranks 10-12 (straddle k=10)
    ("q04", "d10", 2, "0.30", "0.66"),
    ("q04", "d11", 1, "0.30", "0.21"),
    ("q04", "d12", 0, "0.30", "0.02"),
    # q05: no relevant item (excluded), a tie in both models
    ("q05", "d1", 0, "0.70", "0.40"),
    ("q05", "d2", 0, "0.70", "0.60"),
    ("q05", "d3", 0, "0.20", "0.40"),
    ("q05", "d4", 0, "0.10", "0.90"),
    # q06: binary 7 items; cand ties d4,d5,d6 at ranks 4-6 (straddle k=5)
    ("q06", "d1", 1, "0.80", "0.60"),
    ("q06", "d2", 0, "0.75", "0.90"),
    ("q06", "d3", 0, "0.70", "0.80"),
    ("q06", "d4", 1, "0.65", "0.40"),
    ("q06", "d5", 0, "0.20", "0.40"),
    ("q06", "d6", 1, "0.10", "0.40"),
    ("q06", "d7", 0, "0.50", "0.10"),
    # q07: graded 14 items, ties in both models (base ranks 4-6 straddle k=5)
    ("q07", "d01", 2, "0.81", "0.55"),
    ("q07", "d02", 0, "0.81", "0.92"),
    ("q07", "d03", 0, "0.72", "0.30"),
    ("q07", "d04", 3, "0.64", "0.88"),
    ("q07", "d05", 1, "0.64", "0.47"),
    ("q07", "d06", 0, "0.64", "0.47"),
    ("q07", "d07", 0, "0.50", "0.10"),
    ("q07", "d08", 1, "0.45", "0.61"),
    ("q07", "d09", 0, "0.40", "0.29"),
    ("q07", "d10", 2, "0.33", "0.74"),
    ("q07", "d11", 0, "0.33", "0.05"),
    ("q07", "d12", 0, "0.20", "0.47"),
    ("q07", "d13", 1, "0.15", "0.38"),
    ("q07", "d14", 0, "0.15", "0.05"),
    # q08: graded 5 items, no ties
    ("q08", "d1", 0, "0.90", "0.30"),
    ("q08", "d2", 3, "0.20", "0.95"),
    ("q08", "d3", 1, "0.60", "0.50"),
    ("q08", "d4", 0, "0.40", "0.10"),
    ("q08", "d5", 2, "0.50", "0.70"),
    # q09: binary 8 items; cand: ALL tied
    ("q09", "d1", 0, "0.91", "0.50"),
    ("q09", "d2", 0, "0.82", "0.50"),
    ("q09", "d3", 1, "0.73", "0.50"),
    ("q09", "d4", 0, "0.64", "0.50"),
    ("q09", "d5", 1, "0.55", "0.50"),
    ("q09", "d6", 0, "0.46", "0.50"),
    ("q09", "d7", 0, "0.37", "0.50"),
    ("q09", "d8", 1, "0.28", "0.50"),
    # q10: binary 2 items; cand tie (relevant item is the later row)
    ("q10", "d1", 0, "0.60", "0.60"),
    ("q10", "d2", 1, "0.40", "0.60"),
    # q11: graded 9 items, ties in both models
    ("q11", "d1", 1, "0.50", "0.70"),
    ("q11", "d2", 2, "0.50", "0.90"),
    ("q11", "d3", 0, "0.50", "0.20"),
    ("q11", "d4", 0, "0.80", "0.20"),
    ("q11", "d5", 3, "0.30", "0.90"),
    ("q11", "d6", 0, "0.20", "0.40"),
    ("q11", "d7", 1, "0.20", "0.60"),
    ("q11", "d8", 0, "0.90", "0.60"),
    ("q11", "d9", 0, "0.10", "0.10"),
    # q12: graded 11 items; base ties d10,d11 at ranks 10-11 (straddle k=10)
    ("q12", "d01", 0, "0.99", "0.30"),
    ("q12", "d02", 1, "0.88", "0.30"),
    ("q12", "d03", 0, "0.77", "0.30"),
    ("q12", "d04", 2, "0.66", "0.90"),
    ("q12", "d05", 0, "0.55", "0.80"),
    ("q12", "d06", 0, "0.44", "0.70"),
    ("q12", "d07", 3, "0.33", "0.60"),
    ("q12", "d08", 0, "0.22", "0.50"),
    ("q12", "d09", 0, "0.11", "0.40"),
    ("q12", "d10", 0, "0.05", "0.20"),
    ("q12", "d11", 1, "0.05", "0.10"),
    # the last row of q01, separated from the rest of q01
    ("q01", "d7", 0, "0.10", "0.30"),
]


def write_ranking():
    with open(path("ranking_small.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query_id", "doc_id", "relevance", "score_base", "score_cand", "locale", "device", "query_len"])
        for q, d, rel, sb, sc in RANKING_ROWS:
            loc, dev, ql = QUERY_META[q]
            w.writerow([q, d, rel, sb, sc, loc, dev, ql])


def tie_averaged_dcg(gains, scores, k):
    """DCG@k with tied scores averaged, written independently of sklearn:
    positions 0..n-1 have discount 1/log2(pos+2) (0 from position k on); a group of
    tied items occupying positions [a, b) contributes mean(gain in group) * sum of
    the discounts of positions a..b-1. Same definition as sklearn's
    _tie_averaged_dcg (linear in the gains)."""
    gains = np.asarray(gains, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    n = len(gains)
    disc = np.array([1.0 / math.log2(p + 2) if p < k else 0.0 for p in range(n)])
    total = 0.0
    pos = 0
    for s in sorted(set(scores.tolist()), reverse=True):
        members = gains[scores == s]
        m = len(members)
        total += members.mean() * disc[pos:pos + m].sum()
        pos += m
    return total


def ndcg_own(gains, scores, k):
    ideal = np.sort(np.asarray(gains, dtype=np.float64))[::-1]
    idcg = sum(ideal[p] / math.log2(p + 2) for p in range(min(k, len(ideal))))
    if idcg == 0:
        return 0.0
    return tie_averaged_dcg(gains, scores, k) / idcg


def ranking_refs():
    rows = list(csv.DictReader(open(path("ranking_small.csv"), newline="")))
    queries = {}  # qid -> list of rows in file order
    for r in rows:
        queries.setdefault(r["query_id"], []).append(r)
    qids = sorted(queries)
    notes = []
    per_query = {"base": {}, "cand": {}}
    tie_info = {"base": {}, "cand": {}}
    max_sklearn_vs_own = 0.0
    for model in ("base", "cand"):
        for q in qids:
            rs = queries[q]
            rel = np.array([int(r["relevance"]) for r in rs])
            sc = np.array([float(r["score_" + model]) for r in rs])
            n_items = len(rs)
            R = int((rel > 0).sum())
            has_ties = len(set(sc.tolist())) < n_items
            # stable order: descending score, earlier file row first among ties
            order = np.argsort(-sc, kind="stable")
            # Which tie groups straddle k (items of one score both before and at/after k)
            straddle = {}
            for K in (5, 10):
                sorted_sc = sc[order]
                straddle[K] = bool(K < n_items and sorted_sc[K - 1] == sorted_sc[K])
            tie_info[model][q] = {
                "has_ties": has_ties,
                "tie_straddles_k5": straddle[5],
                "tie_straddles_k10": straddle[10],
            }
            entry = {
                "n_items": n_items,
                "n_relevant": R,
                "excluded": R == 0,
                "stable_order_doc_ids": [rs[i]["doc_id"] for i in order],
            }
            if R == 0:
                for key in ("ndcg@5", "ndcg@10", "ndcg_exp@5", "ndcg_exp@10", "mrr", "map",
                            "precision@5", "precision@10", "recall@5", "recall@10"):
                    entry[key] = None
                per_query[model][q] = entry
                continue
            for K in (5, 10):
                own = ndcg_own(rel, sc, K)
                if n_items >= 2:
                    sk = float(ndcg_score([rel], [sc], k=K, ignore_ties=False))
                    max_sklearn_vs_own = max(max_sklearn_vs_own, abs(sk - own))
                    assert abs(sk - own) < 1e-12, (q, model, K, sk, own)
                    entry["ndcg@%d" % K] = sk
                else:
                    # sklearn raises ValueError for one document; use the definition
                    # (tie-averaged DCG / ideal DCG) which gives 1.0 for a relevant item.
                    try:
                        ndcg_score([rel], [sc], k=K, ignore_ties=False)
                        raise AssertionError("sklearn unexpectedly accepted n=1")
                    except ValueError as e:
                        msg = str(e)
                    entry["ndcg@%d" % K] = own
                    note = "sklearn ndcg_score raises ValueError on a 1-item query (%r); %s uses the definition (tie-averaged DCG/IDCG) = %r" % (msg, q, float(own))
                    if note not in notes:
                        notes.append(note)
                # exponential-gain variant (gain 2^rel - 1), same tie averaging; NOT sklearn
                entry["ndcg_exp@%d" % K] = ndcg_own(2.0 ** rel - 1.0, sc, K)
            ranked_rel = rel[order] > 0
            first = int(np.argmax(ranked_rel))
            entry["mrr"] = 1.0 / (first + 1)
            hits = np.cumsum(ranked_rel)
            ap = sum(hits[i] / (i + 1) for i in range(n_items) if ranked_rel[i]) / R
            entry["map"] = float(ap)
            for K in (5, 10):
                inK = int(ranked_rel[:K].sum())
                entry["precision@%d" % K] = inK / K
                entry["recall@%d" % K] = inK / R
            per_query[model][q] = entry

    metric_keys = ["ndcg@5", "ndcg@10", "ndcg_exp@5", "ndcg_exp@10", "mrr", "map",
                   "precision@5", "precision@10", "recall@5", "recall@10"]
    slices = {"all": qids}
    for col, idx in (("locale", 0), ("device", 1)):
        for v in sorted({QUERY_META[q][idx] for q in qids}):
            slices["%s=%s" % (col, v)] = [q for q in qids if QUERY_META[q][idx] == v]
    out = {}
    for model in ("base", "cand"):
        out[model] = {}
        for sname, qs in slices.items():
            used = [q for q in qs if not per_query[model][q]["excluded"]]
            m = {"n": len(used), "excluded_queries": len(qs) - len(used), "queries": used}
            for key in metric_keys:
                vals = [per_query[model][q][key] for q in used]
                m[key] = float(np.mean(vals)) if vals else None
            out[model][sname] = m
    ties = {}
    for model in ("base", "cand"):
        t = tie_info[model]
        ties[model] = {
            "queries_with_ties": sum(v["has_ties"] for v in t.values()),
            "queries_with_ties_among_used": sum(t[q]["has_ties"] for q in qids if not per_query[model][q]["excluded"]),
            "per_query": t,
        }
    return {
        "file": "ranking_small.csv",
        "n_rows": len(rows),
        "n_queries": len(qids),
        "definitions": {
            "ndcg@K": "mean over used queries of sklearn.metrics.ndcg_score([rel],[score],k=K,ignore_ties=False): LINEAR gain = relevance (sklearn does not use 2^rel-1), discount 1/log2(rank+1), tied scores share the average gain over their positions; IDCG from relevance sorted descending. q02 (1 item): definition, =1.0",
            "ndcg_exp@K": "same tie-averaged NDCG but gain = 2^rel - 1 (not sklearn; own implementation, identical to ndcg@K on binary queries)",
            "mrr": "1/rank of first rel>0 item; order = descending score, ties by file row order (stable)",
            "map": "AP = (1/R) sum over relevant items at rank i of hits(<=i)/i, R = all relevant items in the query; same stable order",
            "precision@K": "relevant in top K / K (always K)",
            "recall@K": "relevant in top K / R",
            "excluded": "queries with no rel>0 item are excluded from every mean (excluded_queries); n = used queries",
        },
        "max_abs_diff_sklearn_vs_own_tie_averaged_ndcg": max_sklearn_vs_own,
        "notes": notes,
        **out,
        "per_query": per_query,
        "ties": ties,
    }


# ---------------------------------------------------------------------------
# 2. fairness_small.csv
# ---------------------------------------------------------------------------
# (sex, race) -> counts of (TP, FP, TN, FN)
FAIRNESS_PLAN = [
    ("F", "white", (3, 1, 6, 1)),
    ("F", "black", (3, 2, 3, 2)),
    ("F", "asian", (1, 0, 2, 1)),
    ("F", "pacific", (0, 1, 1, 0)),   # pacific: no positive labels (3 rows in all)
    ("F", "native", (1, 0, 0, 1)),    # native: no negative labels (3 rows in all)
    ("M", "white", (4, 2, 5, 1)),
    ("M", "black", (3, 1, 4, 2)),
    ("M", "asian", (2, 1, 3, 0)),
    ("M", "pacific", (0, 0, 1, 0)),
    ("M", "native", (1, 0, 0, 0)),
    ("M", "other", (0, 1, 0, 0)),     # other: a group of size one (a false positive)
]


def write_fairness():
    g = Lcg(20240611)
    rows = []
    for sex, race, (tp, fp, tn, fn) in FAIRNESS_PLAN:
        for cell, cnt in (("TP", tp), ("FP", fp), ("TN", tn), ("FN", fn)):
            for _ in range(cnt):
                label = 1 if cell in ("TP", "FN") else 0
                pred = 1 if cell in ("TP", "FP") else 0
                if pred:
                    s = 0.5 + round(g.next_u() * 500) / 1000.0  # [0.5, 1.0]
                else:
                    s = round(g.next_u() * 499) / 1000.0        # [0.0, 0.499]
                rows.append([label, pred, "%.3f" % s, sex, race])
    # a few exact boundary scores
    rows[0][2] = "0.500"   # predicted positive at exactly the threshold
    rows[1][2] = "1.000"
    rows[7][2] = "0.499"   # F white TN just below
    rows[8][2] = "0.000"
    # deterministic shuffle (Fisher-Yates with the LCG)
    for i in range(len(rows) - 1, 0, -1):
        j = int(g.next_u() * (i + 1))
        rows[i], rows[j] = rows[j], rows[i]
    with open(path("fairness_small.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label", "pred_m", "score_m", "sex", "race"])
        w.writerows(rows)


def wilson(count, nobs):
    if nobs == 0:
        return None
    lo, hi = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    return [num(lo), num(hi)]


def fairness_refs():
    df = pd.read_csv(path("fairness_small.csv"), dtype={"sex": str, "race": str})
    y = df["label"].to_numpy()
    p = df["pred_m"].to_numpy()
    assert ((df["score_m"] >= 0.5).astype(int) == df["pred_m"]).all()
    metrics = {"selection_rate": selection_rate, "tpr": true_positive_rate,
               "fpr": false_positive_rate, "accuracy": accuracy_score}
    out = {}
    for col in ("sex", "race"):
        s = df[col]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mf = MetricFrame(metrics=metrics, y_true=y, y_pred=p, sensitive_features=s)
            bg = mf.by_group
            res = {
                "demographic_parity_difference": num(demographic_parity_difference(y, p, sensitive_features=s, method="between_groups")),
                "demographic_parity_ratio": num(demographic_parity_ratio(y, p, sensitive_features=s, method="between_groups")),
                "equalized_odds_difference": num(equalized_odds_difference(y, p, sensitive_features=s, method="between_groups")),
                "equalized_odds_ratio": num(equalized_odds_ratio(y, p, sensitive_features=s, method="between_groups")),
                "equal_opportunity_difference_max_minus_min_tpr": num(bg["tpr"].max() - bg["tpr"].min()),
                "fairlearn_equal_opportunity_difference": num(equal_opportunity_difference(y, p, sensitive_features=s, method="between_groups")),
            }
        res["equal_opportunity_agrees"] = res["equal_opportunity_difference_max_minus_min_tpr"] == res["fairlearn_equal_opportunity_difference"]
        res["fairlearn_warnings"] = sorted({str(w.message) for w in caught})
        res["overall"] = {k: num(v) for k, v in mf.overall.items()}
        groups = {}
        for gname in bg.index:
            m = (s == gname).to_numpy()
            yt, yp = y[m], p[m]
            tp = int(((yt == 1) & (yp == 1)).sum()); fp = int(((yt == 0) & (yp == 1)).sum())
            tn = int(((yt == 0) & (yp == 0)).sum()); fn = int(((yt == 1) & (yp == 0)).sum())
            n = int(m.sum()); pos = tp + fn; neg = fp + tn
            groups[str(gname)] = {
                "n": n, "positives": pos, "negatives": neg,
                "tp": tp, "fp": fp, "tn": tn, "fn": fn,
                "selection_rate": num(bg.loc[gname, "selection_rate"]),
                "tpr": num(bg.loc[gname, "tpr"]),
                "fpr": num(bg.loc[gname, "fpr"]),
                "accuracy": num(bg.loc[gname, "accuracy"]),
                "wilson95": {
                    "selection_rate": wilson(tp + fp, n),
                    "tpr": wilson(tp, pos),
                    "fpr": wilson(fp, neg),
                    "accuracy": wilson(tp + tn, n),
                },
            }
        res["by_group"] = groups
        # Not fairlearn: the same gaps when an undefined rate (no positives for TPR,
        # no negatives for FPR) is left out instead of counted as fairlearn's 0.0.
        def defined(metric, denom):
            return [groups[g][metric] for g in groups if groups[g][denom] > 0]
        tprs, fprs, srs = defined("tpr", "positives"), defined("fpr", "negatives"), defined("selection_rate", "n")
        def ratio(v):
            return num(min(v) / max(v)) if max(v) > 0 else None
        tpr_d, fpr_d = max(tprs) - min(tprs), max(fprs) - min(fprs)
        res["undefined_rates_excluded"] = {
            "tpr_by_group": {g: (groups[g]["tpr"] if groups[g]["positives"] > 0 else None) for g in groups},
            "fpr_by_group": {g: (groups[g]["fpr"] if groups[g]["negatives"] > 0 else None) for g in groups},
            "demographic_parity_difference": num(max(srs) - min(srs)),
            "demographic_parity_ratio": ratio(srs),
            "equal_opportunity_difference": num(tpr_d),
            "equalized_odds_difference": num(max(tpr_d, fpr_d)),
            "equalized_odds_ratio": num(min(x for x in (ratio(tprs), ratio(fprs)) if x is not None)),
        }
        out[col] = res
    return {
        "file": "fairness_small.csv",
        "n_rows": int(len(df)),
        "m": out,
        "probes": fairness_probes(),
    }


def fairness_probes():
    """Library behaviour on degenerate inputs, run rather than assumed."""
    pr = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pr["tpr_no_positives_y[0,0,0]_p[1,0,0]"] = num(true_positive_rate([0, 0, 0], [1, 0, 0]))
        pr["fpr_no_negatives_y[1,1]_p[1,0]"] = num(false_positive_rate([1, 1], [1, 0]))
        pr["tpr_single_row_y[0]_p[1]"] = num(true_positive_rate([0], [1]))
        # every group selects nobody: min/max = 0/0
        pr["demographic_parity_ratio_all_groups_zero_selection"] = num(
            demographic_parity_ratio([1, 0, 1, 0], [0, 0, 0, 0], sensitive_features=["a", "a", "b", "b"]))
        pr["demographic_parity_difference_all_groups_zero_selection"] = num(
            demographic_parity_difference([1, 0, 1, 0], [0, 0, 0, 0], sensitive_features=["a", "a", "b", "b"]))
        # one group selects nobody, the other some: min/max = 0/x
        pr["demographic_parity_ratio_one_group_zero"] = num(
            demographic_parity_ratio([1, 0, 1, 0], [0, 0, 1, 0], sensitive_features=["a", "a", "b", "b"]))
        # FPR is 0 in both groups (no false positives) -> FPR ratio 0/0
        # FPR is 0 in both groups (no false positives) -> FPR ratio 0/0 = NaN, TPR ratio 1.
        # fairlearn takes Python's builtin min() over [tpr_ratio, fpr_ratio]: min(1.0, nan) = 1.0
        pr["equalized_odds_ratio_fpr_all_zero"] = num(
            equalized_odds_ratio([1, 0, 1, 0], [1, 0, 1, 0], sensitive_features=["a", "a", "b", "b"]))
        # TPR is 0 in both groups -> TPR ratio NaN (first in the Series), FPR ratio 0/1 = 0:
        # min(nan, 0.0) = nan, so the NaN is kept here (order-dependent)
        pr["equalized_odds_ratio_tpr_all_zero_fpr_ratio_0"] = num(
            equalized_odds_ratio([1, 0, 1, 0], [0, 1, 0, 0], sensitive_features=["a", "a", "b", "b"]))
        pr["wilson_1_of_1"] = [num(v) for v in proportion_confint(1, 1, alpha=0.05, method="wilson")]
        pr["wilson_0_of_1"] = [num(v) for v in proportion_confint(0, 1, alpha=0.05, method="wilson")]
        pr["wilson_z_used_by_statsmodels"] = num(__import__("scipy").stats.norm.isf(0.025))
    pr["warnings"] = sorted({str(w.message) for w in caught})
    return pr


# ---------------------------------------------------------------------------
# 3. calibration_small.csv
# ---------------------------------------------------------------------------
def write_calibration():
    g = Lcg(77)
    rows = []
    # explicit edge rows: (score, label, segment)
    explicit = [
        ("0.0", 0, "a"), ("0.0", 0, "b"), ("0.0", 1, "a"),
        ("1.0", 1, "a"), ("1.0", 1, "b"), ("1.0", 0, "b"),
        ("0.1", 0, "a"), ("0.1", 1, "b"),
        ("0.2", 0, "a"), ("0.2", 0, "b"),
        ("0.25", 0, "a"), ("0.25", 1, "a"),
        ("0.3", 1, "a"), ("0.3", 0, "b"), ("0.3", 0, "a"),
        ("0.5", 1, "a"), ("0.5", 0, "a"), ("0.5", 1, "b"), ("0.5", 0, "b"),
        ("0.7", 1, "b"), ("0.7", 1, "a"), ("0.7", 0, "b"),
        ("0.75", 1, "b"), ("0.75", 0, "a"),
        ("0.9", 1, "a"), ("0.9", 1, "b"), ("0.9", 0, "a"),
        ("0.62", 1, "a"), ("0.62", 0, "a"), ("0.62", 0, "b"),
    ]
    rows.extend([list(r) for r in explicit])
    while len(rows) < 71:
        s = round(g.next_u() * 100) / 100.0
        # labels: over-confident model in segment a, under-confident in b
        seg = "a" if g.next_u() < 0.5 else "b"
        pt = s * 0.8 + 0.05 if seg == "a" else min(1.0, s * 1.1)
        lab = 1 if g.next_u() < pt else 0
        rows.append(["%.2f" % s, lab, seg])
    # Make the optimal-threshold tie rule matter on the whole file: for each cost
    # setting (A = cost_fp, B = cost_fn) add, at a new score 0.005 below the current
    # optimum, a group with A*negatives == B*positives. Every candidate's cost then
    # shifts by the same amount, and the new score ties exactly with the old optimum,
    # so "ties toward the smallest threshold" picks the new score.
    for cfp, cfn, seg in ((1, 5, "b"), (2, 1, "a")):
        sc = np.array([float(r[0]) for r in rows]); yy = np.array([r[1] for r in rows])
        opt = cost_for(sc, yy, cfp, cfn)["optimal_threshold"]
        t_new = round(opt - 0.005, 3)
        below = sc[sc < opt]
        assert opt is not None and (len(below) == 0 or below.max() < t_new), (opt, below.max())
        npos, nneg = cfp, cfn  # cfp*nneg == cfn*npos
        rows.extend([["%.3f" % t_new, 1, seg]] * npos + [["%.3f" % t_new, 0, seg]] * nneg)
    for i in range(len(rows) - 1, 0, -1):
        j = int(g.next_u() * (i + 1))
        rows[i], rows[j] = rows[j], rows[i]
    with open(path("calibration_small.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label", "score_m", "segment"])
        for s, lab, seg in rows:
            w.writerow([lab, s, seg])


def equal_width_bins(s, B):
    return np.minimum(np.floor(s * B), B - 1).astype(np.int64)


def bin_stats(s, y, bins):
    """list of (n_b, mean score, positive rate) over non-empty bins, in bin order"""
    out = []
    for b in bins:
        if len(b):
            out.append((len(b), float(np.mean(s[b])), float(np.mean(y[b]))))
    return out


def calib_for(s, y, B):
    n = len(s)
    ew = equal_width_bins(s, B)
    ew_bins = [np.nonzero(ew == b)[0] for b in range(B)]
    st = bin_stats(s, y, ew_bins)
    ece = sum(nb / n * abs(ms - pr) for nb, ms, pr in st)
    mce = max(abs(ms - pr) for nb, ms, pr in st)
    order = np.argsort(s, kind="stable")
    em_bins = np.array_split(order, B)
    st_em = bin_stats(s, y, em_bins)
    ece_em = sum(nb / n * abs(ms - pr) for nb, ms, pr in st_em)
    ybar = float(np.mean(y))
    rel = sum(nb / n * (ms - pr) ** 2 for nb, ms, pr in st)
    res = sum(nb / n * (pr - ybar) ** 2 for nb, ms, pr in st)
    unc = ybar * (1 - ybar)
    return {
        "ece": num(ece), "mce": num(mce), "ece_equal_mass": num(ece_em),
        "brier_reliability": num(rel), "brier_resolution": num(res), "brier_uncertainty": num(unc),
        "reliability_minus_resolution_plus_uncertainty": num(rel - res + unc),
        "equal_width_bins": [
            {"bin": b, "n": int(len(ew_bins[b])),
             "mean_score": num(np.mean(s[ew_bins[b]])) if len(ew_bins[b]) else None,
             "positive_rate": num(np.mean(y[ew_bins[b]])) if len(ew_bins[b]) else None}
            for b in range(B)],
        "equal_mass_bin_sizes": [int(len(b)) for b in em_bins],
    }


def cost_for(s, y, cfp, cfn):
    n = len(s)
    def cost(pred):
        fp = int(((pred == 1) & (y == 0)).sum()); fn = int(((pred == 0) & (y == 1)).sum())
        return (cfp * fp + cfn * fn) / n
    at_half = cost((s >= 0.5).astype(int))
    cands = [(float(t), cost((s >= t).astype(int))) for t in np.unique(s)]  # ascending t
    nothing = cost(np.zeros(n, dtype=int))
    best_t, best_c = None, math.inf
    for t, c in cands:            # ascending, strict < keeps the SMALLEST threshold on ties
        if c < best_c:
            best_t, best_c = t, c
    predict_nothing_wins = nothing < best_c   # "predict nothing" is the largest threshold
    return {
        "cost_fp": cfp, "cost_fn": cfn,
        "expected_cost_at_0.5": num(at_half),
        "optimal_threshold": None if predict_nothing_wins else best_t,
        "optimal_cost": num(nothing if predict_nothing_wins else best_c),
        "predict_nothing_wins": bool(predict_nothing_wins),
        "predict_nothing_cost": num(nothing),
        "n_candidates_with_optimal_cost": sum(1 for _, c in cands if c == min(best_c, nothing)) + (1 if nothing == min(best_c, nothing) else 0),
    }


def calibration_refs():
    df = pd.read_csv(path("calibration_small.csv"), dtype={"segment": str})
    s_all = df["score_m"].to_numpy(dtype=np.float64)
    y_all = df["label"].to_numpy(dtype=np.int64)
    slices = {"all": np.ones(len(df), bool)}
    for v in sorted(df["segment"].unique()):
        slices["segment=%s" % v] = (df["segment"] == v).to_numpy()
    out = {}
    for name, m in slices.items():
        s, y = s_all[m], y_all[m]
        r = {"n": int(m.sum()), "positives": int(y.sum())}
        for B in (10, 4):
            r["B=%d" % B] = calib_for(s, y, B)
        r["brier_score_loss_sklearn"] = num(brier_score_loss(y, s))
        r["brier_mean_squared_numpy"] = num(np.mean((s - y) ** 2))
        r["cost"] = {"fp1_fn5": cost_for(s, y, 1, 5), "fp2_fn1": cost_for(s, y, 2, 1),
                     # extra setting (not in the brief) where "predict nothing" wins
                     "fp10_fn1": cost_for(s, y, 10, 1)}
        if name == "all":
            assert r["cost"]["fp1_fn5"]["n_candidates_with_optimal_cost"] == 2
            assert r["cost"]["fp2_fn1"]["n_candidates_with_optimal_cost"] == 2
            assert r["cost"]["fp10_fn1"]["predict_nothing_wins"]
        out[name] = r
    edges = {}
    for B in (10, 4):
        edges["B=%d" % B] = {repr(float(v)): int(equal_width_bins(np.array([v]), B)[0])
                             for v in (0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.62, 0.7, 0.75, 0.9, 1.0)}
    return {
        "file": "calibration_small.csv",
        "n_rows": int(len(df)),
        "definitions": {
            "bin": "min(floor(s*B), B-1) in float64",
            "ece": "sum over non-empty equal-width bins of n_b/n*|mean score - positive rate|",
            "mce": "max over non-empty equal-width bins of |mean score - positive rate|",
            "ece_equal_mass": "np.array_split(np.argsort(s, kind='stable'), B), same weighted mean over non-empty bins",
            "murphy": "on equal-width bins; reliability - resolution + uncertainty != Brier score in general (within-bin score variance is not counted)",
            "cost": "(cost_fp*FP + cost_fn*FN)/n; prediction = score >= t; candidates = distinct scores + predict nothing; ties -> smallest threshold; optimal_threshold null when predict nothing wins",
        },
        "bin_of_edge_scores": edges,
        "m": out,
    }


def main():
    write_ranking()
    write_fairness()
    write_calibration()
    vers = {p: version(p) for p in ("fairlearn", "scikit-learn", "statsmodels", "numpy", "pandas", "scipy")}
    vers["python"] = platform.python_version()
    refs = {
        "_meta": {
            "made_by": "/tmp/refvenv/bin/python tests/reference/kinds/make_refs.py",
            "versions": vers,
            "layout": "file -> model -> slice -> metric; null = undefined",
        },
        "ranking_small": ranking_refs(),
        "fairness_small": fairness_refs(),
        "calibration_small": calibration_refs(),
    }
    with open(path("refs.json"), "w") as f:
        json.dump(refs, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
