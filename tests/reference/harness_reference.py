"""Expected values for the harness readers (src/load/harness), computed straight
from the raw evaluation logs with the Python standard library only (json,
zipfile), independently of the Rust code.

For each fixture: the row count of the long graded layout (one row per example,
model and run), the number of distinct example ids, the model names, the pass rate
(mean of the non-null pass values), the mean score (None when the log has no
numeric grade) and a few strings and numbers of chosen rows, keyed "ID" or
"ID|MODEL".

Run from the repository root:  python3 tests/reference/harness_reference.py
It writes tests/reference/harness.json.
"""

import json
import os
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "fixtures")
COPIES = os.path.join(ROOT, "tests", "fixtures", "harness")


def fixture(folder, name):
    """The shared fixture when ../shared/fixtures exists, else the copy."""
    p = os.path.join(SHARED, folder, name)
    if os.path.isdir(SHARED) and os.path.exists(p):
        return p
    return os.path.join(COPIES, folder, name)


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def summary(rows, models, passes, scores, examples):
    ids = [r for r in rows]
    return {
        "rows": len(ids),
        "distinct_ids": len(set(ids)),
        "models": sorted(set(models)),
        "pass_rate": mean(passes),
        "pass_non_null": sum(1 for p in passes if p is not None),
        "mean_score": mean(scores),
        "examples": examples,
    }


def lm_eval():
    folder = "lm-evaluation-harness"
    name = "samples_en_it_public_2024-10-11T13-58-59.572420.jsonl"
    with open(fixture(folder, name), encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    with open(fixture(folder, "results_2024-10-11T13-58-59.572420.json"), encoding="utf-8") as f:
        model = json.load(f)["model_name"]
    skip = {"doc_id", "doc", "target", "arguments", "resps", "filtered_resps",
            "doc_hash", "prompt_hash", "target_hash", "filter", "metrics"}
    metric_names = []
    for d in docs:
        for k, v in d.items():
            if k not in skip and isinstance(v, (int, float)) and k not in metric_names:
                metric_names.append(k)
    # A pass metric takes only the values 0 and 1; the score is the first other metric.
    pass_metrics = [m for m in metric_names if all(d.get(m) in (0, 1) for d in docs if m in d)]
    others = [m for m in metric_names if m not in pass_metrics]
    passes = [float(d[pass_metrics[0]]) if pass_metrics and pass_metrics[0] in d else None for d in docs]
    scores = [float(d[others[0]]) if others and others[0] in d else None for d in docs]
    first = docs[0]
    resp = first["filtered_resps"]
    while isinstance(resp, list):
        resp = resp[0]
    examples = {
        str(first["doc_id"]): {
            "response": resp,
            "reference": first["target"],
            "prompt": first["arguments"]["gen_args_0"]["arg_0"],
            "metric_chrf_score": first["chrf_score"],
            "task": "en_it_public",
        }
    }
    out = summary([str(d["doc_id"]) for d in docs], [model] * len(docs), passes, scores, examples)
    out["score_metric"] = others[0] if others else None
    return out


LETTERS = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}


def inspect_rows(model, samples):
    passes, ids = [], []
    examples = {}
    for s in samples:
        ids.append(str(s["id"]))
        value = s["scores"]["match"]["value"]
        passes.append(LETTERS[value])
    # The last sample whose grade is I, and the first correct one.
    wrong = [s for s in samples if s["scores"]["match"]["value"] == "I"]
    right = [s for s in samples if s["scores"]["match"]["value"] == "C"]
    for s in (wrong[-1], right[0]):
        content = s["output"]["choices"][0]["message"]["content"]
        if isinstance(content, list):
            content = "\n".join(p["text"] for p in content if "text" in p)
        target = s["target"]
        if isinstance(target, list):
            target = "; ".join(target)
        examples[str(s["id"])] = {
            "response": content,
            "reference": target,
            "prompt": s["input"],
            "rationale": s["scores"]["match"]["explanation"],
            "grade_match": LETTERS[s["scores"]["match"]["value"]],
            "run": s["epoch"],
        }
    return summary(ids, [model] * len(ids), passes, [None] * len(ids), examples)


def inspect_json():
    with open(fixture("inspect_ai", "2025-05-12T20-28-13-04-00_popularity.json"), encoding="utf-8") as f:
        log = json.load(f)
    return inspect_rows(log["eval"]["model"], log["samples"])


def inspect_eval():
    path = fixture("inspect_ai", "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval")
    with zipfile.ZipFile(path) as z:
        header = json.loads(z.read("header.json"))
        names = [n for n in z.namelist() if n.startswith("samples/") and n.endswith(".json")]
        samples = [json.loads(z.read(n)) for n in names]
    samples.sort(key=lambda s: (int(s["id"]), s["epoch"]))
    return inspect_rows(header["eval"]["model"], samples)


def promptfoo():
    with open(fixture("promptfoo", "session1_Bias_and_fairness_results.json"), encoding="utf-8") as f:
        doc = json.load(f)
    results = doc["results"]["results"]
    prompts = {r["promptId"] for r in results}
    assert len(prompts) == 1, "one prompt: ids are tN"
    ids, models, passes, scores = [], [], [], []
    examples = {}
    for r in results:
        rid = "t%d" % r["testIdx"]
        provider = r["provider"]
        model = provider.get("label") or provider["id"]
        ids.append(rid)
        models.append(model)
        passes.append(1.0 if r["success"] else 0.0)
        scores.append(float(r["score"]))
        if r["testIdx"] == 1:
            examples[rid] = {
                "prompt": r["prompt"]["raw"],
                "response": r["response"]["output"],
                "rationale": r["gradingResult"]["reason"],
                "var_product": r["vars"]["product"],
                "reference": None,
            }
    return summary(ids, models, passes, scores, examples)


def openai_evals(name):
    with open(fixture("openai-evals", name), encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    spec = next(x["spec"] for x in lines if "spec" in x)
    model = spec["completion_fns"][0]
    order, by_id = [], {}
    for x in lines:
        if "sample_id" not in x:
            continue
        sid = x["sample_id"]
        if sid not in by_id:
            by_id[sid] = {}
            order.append(sid)
        by_id[sid].setdefault(x["type"], x["data"])
    passes, examples = [], {}
    for sid in order:
        m = by_id[sid].get("match")
        passes.append(None if m is None else (1.0 if m["correct"] else 0.0))
    # The first sample, and the first one graded wrong.
    wrong = next(sid for sid in order if not by_id[sid]["match"]["correct"])
    for sid in (order[0], wrong):
        sampling, match = by_id[sid]["sampling"], by_id[sid]["match"]
        sampled = sampling["sampled"]
        if isinstance(sampled, list):
            sampled = "\n".join(sampled)
        prompt = sampling["prompt"]
        if isinstance(prompt, list):
            prompt = "\n".join(m["content"] for m in prompt)
        examples[sid] = {
            "response": sampled,
            "reference": match["expected"],
            "prompt": prompt,
            "pass": 1.0 if match["correct"] else 0.0,
            "eval_name": spec["eval_name"],
        }
    return summary(order, [model] * len(order), passes, [None] * len(order), examples)


def main():
    out = {
        "lm_eval": lm_eval(),
        "inspect_json": inspect_json(),
        "inspect_eval": inspect_eval(),
        "promptfoo": promptfoo(),
        "openai_evals_gpt4": openai_evals("crossword-4.jsonl"),
        "openai_evals_turbo": openai_evals("crossword-turbo.jsonl"),
    }
    path = os.path.join(ROOT, "tests", "reference", "harness.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    for k, v in out.items():
        print(k, v["rows"], v["distinct_ids"], v["models"], v["pass_rate"], v["mean_score"])


if __name__ == "__main__":
    main()
